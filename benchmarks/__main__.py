"""Run every benchmark and write the report under ``_build/bench/``.

Each ``benchmarks/bench_*.py`` module has a ``run() -> str`` function that
returns a Markdown report. Usage::

    python -m benchmarks              # all of them
    python -m benchmarks notebooks    # only bench_notebooks.py

Each benchmark runs in a process of its own, so that one cannot skew
another's measures (the generator's million rows once inflated every
lesson's memory figure).
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import benchmarks

OUT = Path(__file__).resolve().parent.parent / "_build" / "bench"


def main(argv: list[str]) -> int:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    wanted = [f"bench_{a}" if not a.startswith("bench_") else a for a in argv]
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(names)}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    if len(wanted) == 1:
        name = wanted[0]
        print(f"== {name} ==", flush=True)
        start = time.perf_counter()
        report = importlib.import_module(f"benchmarks.{name}").run()
        report += f"\n\n_{name} took {time.perf_counter() - start:.0f} s._\n"
        print(report, flush=True)
        (OUT / f"{name}.md").write_text(report, encoding="utf-8")
        return 0
    sections = []
    for name in wanted or names:
        result = subprocess.run([sys.executable, "-m", "benchmarks", name], check=False)
        if result.returncode != 0:
            return result.returncode
        sections.append((OUT / f"{name}.md").read_text(encoding="utf-8"))
    (OUT / "report.md").write_text("\n\n".join(sections), encoding="utf-8")
    print(f"\nReport written to {OUT / 'report.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
