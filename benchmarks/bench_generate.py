"""How long the data generator takes to remake the shipped data, per profile.

For each shipped profile, times the command that regenerates every dataset
(``python -m datawithcare.generate --profile NAME --out FOLDER``, what
``make data`` runs), in a fresh process as a forker runs it, imports
included. It also times a bigger clients table, for forks that want more
rows.

Target: every profile's shipped data in under 3 seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from datawithcare.generator.profile import PROFILES_DIR, load_profile
from datawithcare.generator.tables import make_clients

REPEATS = 3
TARGET_SECONDS = 3.0
BIG_ROWS = 100_000


def shipped_profiles() -> list[str]:
    """The names of the profiles the course ships (not their official-statistics companions)."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml") if not p.stem.endswith("-official"))


def time_regeneration(name: str, repeats: int = REPEATS) -> float:
    """Best wall-clock seconds of a few runs of the regeneration command for one profile.

    The best of several runs is the usual way to time code on a machine
    that is doing other work too (as ``timeit`` does).
    """
    best = float("inf")
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeats):
            command = [
                sys.executable,
                "-m",
                "datawithcare.generate",
                "--profile",
                name,
                "--out",
                out,
                "--quiet",
            ]
            start = time.perf_counter()
            subprocess.run(command, check=True)
            best = min(best, time.perf_counter() - start)
    return best


def _big_clients(rows: int) -> float:
    """Seconds to make a clients table of ``rows`` rows."""
    profile = load_profile()
    start = time.perf_counter()
    make_clients(profile, np.random.default_rng(2026), rows)
    return time.perf_counter() - start


def _mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def _load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def run() -> str:
    """Run the benchmark and return a Markdown report."""
    load_before = _load()
    lines = [
        "## Data generator",
        "",
        "Regenerating every shipped dataset of a profile with `python -m datawithcare.generate "
        f"--profile NAME`, in a fresh process, imports included. Times are the best of {REPEATS} runs.",
        "",
        "| Measure | Result | Target | Verdict |",
        "| --- | ---: | ---: | --- |",
    ]
    for name in shipped_profiles():
        seconds = time_regeneration(name, REPEATS)
        lines.append(
            f"| Shipped data, profile {name} | {seconds:.2f} s | under {TARGET_SECONDS:.0f} s | "
            f"{_mark(seconds < TARGET_SECONDS)} |"
        )
    lines += [
        f"| Clients table alone, {BIG_ROWS:,} rows (for forks that want more) | {_big_clients(BIG_ROWS):.2f} s | | |",
        f"| Machine load (1, 5, 15 minute averages; {os.cpu_count()} CPU cores) | "
        f"{load_before} at the start, {_load()} at the end | | |",
        "",
        "Times depend on the machine and on what else it is doing. A load above the number of "
        "CPU cores means other programs were waiting for the processor too, so wall-clock times "
        "are longer than on a quiet machine. The verdicts use wall-clock time, so run `make bench` "
        "on a quiet machine before comparing numbers.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
