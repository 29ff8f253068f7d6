"""Benchmark: k-anonymity and l-diversity on a million rows.

Compares ``datawithcare.privacy`` with pycanon (the reference library) on
the same table in the same run, checks that both give the same answers,
and reports the speed-up against the target of at least 10 times.

The table is built from the course's synthetic ``clients`` data: the
quasi-identifiers (age band, gender, nationality, borough) and the
sensitive column (immigration status) are resampled, with a fixed seed,
to one million rows. If the datasets are not there, the same columns are
made up with a seeded random generator instead.

Run it on its own with ``python benchmarks/bench_privacy.py``; ``make bench``
calls :func:`run` with the other benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib.metadata import version

import numpy as np
import pandas as pd

from datawithcare.privacy import generalise_age, k_anonymity, l_diversity

ROWS = 1_000_000
SEED = 2026
TARGET_SPEED_UP = 10.0
QUASI_IDENTIFIERS = ["age_band", "gender", "nationality", "borough"]
SENSITIVE = "immigration_status"


def _from_course_data(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, str] | None:
    try:
        from datawithcare import load_dataset
    except ImportError:
        return None
    try:
        clients = load_dataset("clients")
    except (FileNotFoundError, ValueError, KeyError):
        return None
    needed = ["age", "gender", "nationality", "borough", SENSITIVE]
    if any(c not in clients.columns for c in needed):
        return None
    people = clients[needed].assign(age_band=generalise_age(clients["age"])).drop(columns="age")
    picks = rng.integers(0, len(people), rows)
    frame = people.iloc[picks].reset_index(drop=True)
    for column in [*QUASI_IDENTIFIERS, SENSITIVE]:
        frame[column] = frame[column].astype("category")
    return frame, f"the shipped `clients` table ({len(clients):,} people), resampled"


def _synthetic(rows: int, rng: np.random.Generator) -> tuple[pd.DataFrame, str]:
    def pick(values: list[str], p: list[float] | None = None) -> pd.Categorical:
        return pd.Categorical(rng.choice(values, rows, p=p), categories=values)

    frame = pd.DataFrame(
        {
            "age_band": pick([f"{a}-{a + 9}" for a in range(0, 80, 10)] + ["80+"]),
            "gender": pick(["Woman", "Man", "Non-binary", "Prefer not to say"], [0.48, 0.47, 0.02, 0.03]),
            "nationality": pick([f"Nationality {i:02d}" for i in range(10)]),
            "borough": pick([f"Sub-region {i:02d}" for i in range(12)]),
            SENSITIVE: pick([f"Status {i:02d}" for i in range(11)]),
        }
    )
    return frame, "synthetic columns from a seeded random generator (no datasets found)"


def build_table(rows: int = ROWS, seed: int = SEED) -> tuple[pd.DataFrame, str]:
    """Return the benchmark table and a sentence saying where it came from."""
    rng = np.random.default_rng(seed)
    return _from_course_data(rows, rng) or _synthetic(rows, rng)


def _best_time(function: Callable[[], int], repeats: int) -> tuple[int, float]:
    best = float("inf")
    answer = None
    for _ in range(repeats):
        start = time.perf_counter()
        answer = function()
        best = min(best, time.perf_counter() - start)
    return int(answer), best


def run(rows: int = ROWS, repeats: int = 3) -> str:
    """Time both libraries on the same table; return the results as a Markdown table."""
    from pycanon import anonymity

    table, source = build_table(rows)
    classes = table.groupby(QUASI_IDENTIFIERS, observed=True).ngroups
    cases = [
        (
            "k-anonymity",
            lambda: k_anonymity(table, QUASI_IDENTIFIERS),
            lambda: anonymity.k_anonymity(table, QUASI_IDENTIFIERS),
        ),
        (
            "l-diversity",
            # pycanon counts every answer as a value, "Prefer not to say" too: compare like with like.
            lambda: l_diversity(table, QUASI_IDENTIFIERS, SENSITIVE, not_values=()),
            lambda: anonymity.l_diversity(table, QUASI_IDENTIFIERS, [SENSITIVE]),
        ),
    ]
    lines = [
        f"### Privacy checks on {rows:,} rows",
        "",
        f"Data: {source}. Quasi-identifiers: {', '.join(QUASI_IDENTIFIERS)} "
        f"({classes:,} equivalence classes); sensitive column: {SENSITIVE}. "
        f"Times are the best of {repeats} runs.",
        "",
        "| measure | answer | datawithcare (s) | "
        f"pycanon {version('pycanon')} (s) | speed-up | target | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, ours, theirs in cases:
        our_answer, our_time = _best_time(ours, repeats)
        their_answer, their_time = _best_time(theirs, repeats)
        assert our_answer == their_answer, (
            f"{name}: datawithcare says {our_answer}, pycanon says {their_answer} on the same table."
        )
        speed_up = their_time / our_time
        verdict = "pass" if speed_up >= TARGET_SPEED_UP else "FAIL"
        lines.append(
            f"| {name} | {our_answer} | {our_time:.3f} | {their_time:.3f} | "
            f"{speed_up:.1f}x | {TARGET_SPEED_UP:.0f}x | {verdict} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
