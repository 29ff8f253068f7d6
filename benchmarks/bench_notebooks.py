"""How long each lesson takes to run, and how much memory, beside a floor.

The floor is the least any lesson can cost, measured in the same run on
the same machine: start a kernel, import pandas, draw one matplotlib
figure. Targets (from the foundation issue): the slowest lesson at most
5 x the floor; all lessons together at most 1.5 x (number of lessons x floor).

The wall time of the whole ``make test`` is read from
``_build/bench/make-test-seconds.txt``, which ``make test`` writes.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import resource as _r\nprint('PEAK_KB', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss)"
FLOOR_CELLS = [
    "import pandas as pd",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.bar(['ESOL', 'Advice'], [12, 30])\nplt.show()",
]


def measure(path: Path, workdir: Path) -> tuple[float, float]:
    """Run a notebook on a fresh kernel; return (seconds, peak memory in MB)."""
    import papermill

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    staged = workdir / path.name
    nbformat.write(nb, staged)
    out = workdir / f"out-{path.name}"
    start = time.perf_counter()
    papermill.execute_notebook(
        str(staged), str(out), cwd=str(path.parent), progress_bar=False, log_output=False
    )
    seconds = time.perf_counter() - start
    executed = json.loads(out.read_text(encoding="utf-8"))
    text = "".join("".join(o.get("text", "")) for o in executed["cells"][-1].get("outputs", []))
    peak_kb = float(text.split("PEAK_KB")[1].split()[0])
    return seconds, peak_kb / 1024


def run() -> str:
    lessons = sorted((ROOT / "notebooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        floor_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in FLOOR_CELLS])
        floor_nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        floor_path = work / "floor.ipynb"
        nbformat.write(floor_nb, floor_path)
        floors = [measure(floor_path, work) for _ in range(3)]
        floor_s = sorted(s for s, _ in floors)[1]  # the median of three
        floor_mb = sorted(m for _, m in floors)[1]
        rows = [(p.name, *measure(p, work)) for p in lessons]

    lines = [
        "## Lesson notebooks: run time and peak memory",
        "",
        f"Floor (kernel start + pandas + one figure, median of 3): **{floor_s:.2f} s**, **{floor_mb:.0f} MB**.",
        "",
        "| notebook | seconds | x floor | peak MB |",
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
    record = ROOT / "_build" / "bench" / "make-test-seconds.txt"
    if record.exists():
        seconds = float(record.read_text().split()[0])
        when = datetime.fromtimestamp(record.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        lines.append(f"\nWhole `make test` wall time: **{seconds / 60:.1f} minutes** (last run {when}).")
    else:
        lines.append(
            "\nWhole `make test` wall time: not recorded yet. Run `make test` once, then `make bench`."
        )
    return "\n".join(lines)
