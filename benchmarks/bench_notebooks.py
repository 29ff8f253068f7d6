"""How long each lesson takes to run, and how much memory, beside a floor.

The floor is the least any lesson can cost, measured in the same run on
the same machine: start a kernel, import pandas, draw one matplotlib
figure. Targets (from the foundation issue): the slowest lesson at most
5 x the floor; all lessons together at most 1.5 x (number of lessons x floor).

Lessons run through the tests' own executor (``tests/harness.py``), with
their ``<details>`` solutions. Peak memory is the kernel's own: psutil
samples the resident memory of the kernel's process tree from outside it
(a kernel's ``ru_maxrss`` would report its parent's high-water mark, since
Linux keeps it across exec). Hub sizing depends on this number.

The wall time of the whole ``make test``, and how many lesson executions
it made, are read from ``_build/bench/make-test-seconds.txt`` and
``make-test-executions.txt``, which ``make test`` writes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from harness import execute_notebook, lessons  # noqa: E402  (the tests' executor)

FLOOR_CELLS = [
    "import pandas as pd",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(['ESOL', 'Advice'], [12, 30])\nplt.show()",
]


def measure(path: Path) -> tuple[float, float]:
    """Run a notebook on a fresh kernel; return (seconds, the kernel's peak memory in MB)."""
    run = execute_notebook(path, measure_memory=True)
    return run.seconds, run.peak_mb or 0.0


FLOOR_RUNS = 3
LESSON_RUNS = 2


def best_of(runs: int, path: Path) -> tuple[float, float]:
    """The fastest of ``runs`` runs, with the peak memory of that run."""
    return min(measure(path) for _ in range(runs))


def run() -> str:
    notebooks = lessons()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # Lessons save answers; keep them out of the repository.
        os.environ["DATAWITHCARE_ANSWERS_DIR"] = str(work / "answers")
        floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in FLOOR_CELLS])
        floor_nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        floor_path = work / "floor.ipynb"
        nbformat.write(floor_nb, floor_path)
        # Best of several runs for the floor and for every lesson alike: a
        # kernel that starts slowly once (the machine is busy) says nothing
        # about the lesson.
        floor_s, floor_mb = best_of(FLOOR_RUNS, floor_path)
        rows = [(p.name, *best_of(LESSON_RUNS, p)) for p in notebooks]

    lines = [
        "## Lesson notebooks: run time and peak memory",
        "",
        f"Floor (kernel start + pandas + one figure, best of {FLOOR_RUNS}; lessons best of {LESSON_RUNS}): **{floor_s:.2f} s**, **{floor_mb:.0f} MB**.",
        "",
        "| notebook | seconds | x floor | kernel peak MB |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, seconds, mb in sorted(rows, key=lambda r: -r[1]):
        lines.append(f"| {name} | {seconds:.2f} | {seconds / floor_s:.1f} | {mb:.0f} |")
    slowest = max((r[1] for r in rows), default=0.0)
    total = sum(r[1] for r in rows)
    n = len(rows)
    ok_slowest = slowest <= 5 * floor_s
    ok_total = total <= 1.5 * n * floor_s
    lines += [
        "",
        "| target | measured | limit | result |",
        "| --- | ---: | ---: | --- |",
        f"| slowest lesson ≤ 5 × floor | {slowest:.2f} s | {5 * floor_s:.2f} s | {'pass' if ok_slowest else 'FAIL'} |",
        f"| all lessons ≤ 1.5 × n × floor | {total:.2f} s | {1.5 * n * floor_s:.2f} s | {'pass' if ok_total else 'FAIL'} |",
    ]
    lines.append(
        f"\nLargest kernel: **{max((r[2] for r in rows), default=0):.0f} MB** "
        "(resident memory of the kernel and its children, sampled every 0.05 s)."
    )
    record = ROOT / "_build" / "bench" / "make-test-seconds.txt"
    executions = ROOT / "_build" / "bench" / "make-test-executions.txt"
    if record.exists():
        seconds = float(record.read_text().split()[0])
        when = datetime.fromtimestamp(record.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        lines.append(f"\nWhole `make test` wall time: **{seconds / 60:.1f} minutes** (last run {when}).")
        if executions.exists():
            lines.append(f"Notebook executions in that run: {executions.read_text().strip()}.")
    else:
        lines.append(
            "\nWhole `make test` wall time: not recorded yet. Run `make test` once, then `make bench`."
        )
    return "\n".join(lines)
