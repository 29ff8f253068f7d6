"""How fast the data generator is, beside Faker, and how much memory it needs.

Generates one million rows of the clients table with every column, in
whole columns with NumPy and pandas, and times it. In the same run it
times Faker making the same columns one row at a time (a few thousand
rows; the rate is then scaled up), and measures the generator's peak
memory with ``tracemalloc``. It also times the normal ``make data`` run.

Targets: at least 1,000,000 rows a second, at least 50 times Faker's
rate, and at most 1 GB of memory at one million rows.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import time
import tracemalloc
from collections import OrderedDict

import numpy as np
import pandas as pd

from datawithcare.generate import generate_tables
from datawithcare.generator.profile import load_profile
from datawithcare.generator.schema import table_schemas
from datawithcare.generator.tables import make_clients

ROWS = 1_000_000
FAKER_ROWS = 3_000
REPEATS = 3
TARGET_RATE = 1_000_000
TARGET_SPEEDUP = 50
TARGET_MEMORY = 1024**3


def _shipped_columns(profile: dict) -> list[str]:
    """The columns of the clients table as the course ships it (datasets/clients.csv)."""
    return [field.name for field in table_schemas(profile)["clients"].fields]


def _time_generator(profile: dict, rows: int, repeats: int = REPEATS) -> tuple[float, float, int]:
    """Best wall-clock and CPU seconds for ``rows`` clients over a few runs, and the number of columns.

    The best of several runs is the usual way to time code on a machine that
    is doing other work too (as ``timeit`` does). Each run must make every
    column of the shipped clients table, and exactly ``rows`` rows.
    """
    make_clients(profile, np.random.default_rng(0), 1_000)  # warm up imports and caches
    best_wall = best_cpu = float("inf")
    columns = 0
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        frame = make_clients(profile, np.random.default_rng(2026), rows)
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        if list(frame.columns) != _shipped_columns(profile) or len(frame) != rows:
            raise AssertionError("The benchmark must make every column of the shipped clients table.")
        columns = frame.shape[1]
        del frame
    return best_wall, best_cpu, columns


def _peak_memory(profile: dict, rows: int) -> int:
    tracemalloc.start()
    try:
        frame = make_clients(profile, np.random.default_rng(2026), rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del frame
    return peak


def _time_faker(profile: dict, rows: int, repeats: int = REPEATS) -> float:
    """Faker, row by row, making the same columns from the same profile."""
    from faker import Faker

    Faker.seed(2026)
    fake = Faker("en_GB")
    nats = profile["nationalities"]

    def weights(pairs) -> OrderedDict:
        pairs = list(pairs)
        total = sum(w for _, w in pairs)
        return OrderedDict((k, w / total) for k, w in pairs)

    nat_weights = weights((n["label"], n["weight"]) for n in nats)
    by_label = {
        n["label"]: {
            **n,
            "main": weights(n["main_languages"].items()),
            "statuses": weights(n["statuses"].items()),
        }
        for n in nats
    }
    genders = weights((g["label"], g["weight"]) for g in profile["genders"])
    boroughs = weights((b["label"], b["weight"]) for b in profile["boroughs"])
    codes = {b["label"]: b["code"] for b in profile["boroughs"]}
    referrals = weights((r["label"], r["weight"]) for r in profile["referral_sources"])
    sizes = weights((h["size"], h["weight"]) for h in profile["household_size"])
    period = (profile["period"]["start"], profile["period"]["end"], profile["period"]["age_reference_date"])

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        frame = _faker_rows(
            fake, rows, nat_weights, by_label, genders, boroughs, codes, referrals, sizes, period
        )
        best = min(best, time.perf_counter() - start)
        # The sector's own column is named by the profile (immigration_status, housing_situation...).
        frame = frame.rename(columns={"immigration_status": profile["sector"]["status"]["column"]})
        if list(frame.columns) != _shipped_columns(profile):
            raise AssertionError("Faker must make the same columns as the generator.")
    return best


def _faker_rows(
    fake, rows, nat_weights, by_label, genders, boroughs, codes, referrals, sizes, period
) -> pd.DataFrame:
    """Make ``rows`` client records with Faker, one at a time, into a DataFrame."""
    start_day, end_day, reference = period
    records = []
    for number in range(1, rows + 1):
        nationality = fake.random_element(nat_weights)
        nat = by_label[nationality]
        first, family = fake.first_name(), fake.last_name()
        born = fake.date_of_birth(minimum_age=16, maximum_age=84)
        age = reference.year - born.year - ((reference.month, reference.day) < (born.month, born.day))
        registered = fake.date_between(start_day, end_day)
        records.append(
            {  # the same columns, in the same order, as the shipped clients table
                "client_id": f"C{number:05d}",
                "first_name": first,
                "family_name": family,
                "date_of_birth": born,
                "age": age,
                "gender": fake.random_element(genders),
                "nationality": nationality,
                "main_language": fake.random_element(nat["main"]),
                "other_languages": ";".join(
                    lang for lang, chance in nat["other_languages"].items() if fake.random.random() < chance
                ),
                "needs_interpreter": fake.boolean(50),
                "borough": (borough := fake.random_element(boroughs)),
                "borough_code": codes[borough],
                "phone": fake.numerify("07700 900###"),
                "email": f"{first}.{family}@example.org".lower(),
                "nhs_number": fake.numerify("999#######"),
                "ni_number": fake.bothify("QQ######?", letters="ABCD"),
                "immigration_status": fake.random_element(nat["statuses"]),
                "arrival_date": fake.date_between(dt.date(2005, 1, 1), registered),
                "registered_on": registered,
                "referral_source": fake.random_element(referrals),
                "household_size": fake.random_element(sizes),
                "consent_contact": fake.boolean(86),
                "consent_share_partners": fake.boolean(58),
                "consent_case_study": fake.boolean(21),
            }
        )
    return pd.DataFrame.from_records(records)


def _mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def _load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes."""
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def run() -> str:
    """Run the benchmark and return a Markdown report."""
    profile = load_profile()
    load_before = _load()
    gen_seconds, gen_cpu, columns = _time_generator(profile, ROWS, REPEATS)
    rate = ROWS / gen_seconds
    peak = _peak_memory(profile, ROWS)
    faker_seconds = _time_faker(profile, FAKER_ROWS, REPEATS)
    faker_rate = FAKER_ROWS / faker_seconds
    speedup = rate / faker_rate
    start = time.perf_counter()
    generate_tables()
    default_seconds = time.perf_counter() - start
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_after = _load()

    lines = [
        "## Data generator",
        "",
        f"The clients table, {ROWS:,} rows with all {columns} columns, made in whole columns with NumPy and pandas; "
        f"Faker made the same columns one row at a time for {FAKER_ROWS:,} rows in the same run. "
        f"Times are the best of {REPEATS} runs.",
        "",
        "| Measure | Result | Target | Verdict |",
        "| --- | ---: | ---: | --- |",
        f"| Generator speed | {rate:,.0f} rows/s ({gen_seconds:.2f} s for {ROWS:,}) | "
        f"at least {TARGET_RATE:,} rows/s | {_mark(rate >= TARGET_RATE)} |",
        f"| Generator CPU time (this process only) | {gen_cpu:.2f} s, so {ROWS / gen_cpu:,.0f} rows per CPU-second | | |",
        f"| Faker speed (row by row) | {faker_rate:,.0f} rows/s ({faker_seconds:.2f} s for {FAKER_ROWS:,}) | | |",
        f"| Generator / Faker | {speedup:,.0f} times faster | at least {TARGET_SPEEDUP} times | "
        f"{_mark(speedup >= TARGET_SPEEDUP)} |",
        f"| Peak memory, {ROWS:,} rows (tracemalloc) | {peak / 1024**2:,.0f} MB | at most {TARGET_MEMORY / 1024**2:,.0f} MB | "
        f"{_mark(peak <= TARGET_MEMORY)} |",
        f"| Whole process, largest size in memory (ru_maxrss) | {max_rss_mb:,.0f} MB | | |",
        f"| Default run (`make data`: every table, about 2,000 clients) | {default_seconds:.2f} s | | |",
        f"| Machine load (1, 5, 15 minute averages; {os.cpu_count()} CPU cores) | "
        f"{load_before} at the start, {load_after} at the end | | |",
        "",
        "Times depend on the machine and on what else it is doing. A load above the number of "
        "CPU cores means other programs were waiting for the processor too, so wall-clock times "
        "are longer than on a quiet machine. The verdicts use wall-clock time, so run `make bench` "
        "on a quiet machine before comparing numbers.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
