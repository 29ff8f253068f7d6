"""The hub sizing table of the trainer's guide, written from a run of ``bench_hub``.

``python -m benchmarks hub`` measures and writes ``_build/bench/hub-sizing.json``.
To put that run in the book::

    .venv/bin/python -m benchmarks.hub_report

copies it to ``benchmarks/hub-sizing.json`` (committed) and rewrites the
block between ``<!-- sizing:start -->`` and ``<!-- sizing:end -->`` in
``book/trainers/hubs-and-binder.md`` from it. ``tests/test_hub_kit.py``
checks that the page's block is exactly what this module writes from the
committed file, so nobody can type a number into the table by hand.

Sizing rules (explained on the page):

- memory = learners x the largest learner's peak PSS + the hub and its
  proxy + 2 GB for the operating system, rounded up to half a GB;
- cores = ceil(k x c / (S x w)) + 1, where k learners run the heaviest cell
  together, c is that cell's CPU seconds in the kernel, w its time alone on
  an idle core (c plus the round trip of an empty cell: the time measured
  alone on a busy machine would flatter the answer), S the allowed slowdown
  (2), and one core is kept for the hub, the proxy and the learners' servers.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "hub-sizing.json"
LATEST = ROOT / "_build" / "bench" / "hub-sizing.json"
PAGE = ROOT / "book" / "trainers" / "hubs-and-binder.md"
START, END = "<!-- sizing:start -->", "<!-- sizing:end -->"
SYSTEM_GB = 2.0
SLOWDOWN_TARGET = 2.0
MEMORY_TARGET_MB = 250


def need_gb(r: dict[str, Any]) -> float:
    """Memory for the cohort: every learner at the largest learner's peak PSS, the hub, and the system."""
    mb = r["learners"] * r["per_learner"]["pss"]["max"] + r["hub_and_proxy_pss_mb"]
    return math.ceil((mb / 1024 + SYSTEM_GB) * 2) / 2


def need_cores(r: dict[str, Any], cpu_s: float | None = None) -> int:
    """Cores so that k learners running the heaviest cell together wait at most S x its time alone.

    ``cpu_s`` is the cell's CPU seconds (c); by default the figure measured alone.
    """
    k = r["concurrency"]
    c = r["cell"]["cpu_s"] if cpu_s is None else cpu_s
    return math.ceil(k * c / (SLOWDOWN_TARGET * idle_s(r))) + 1


def idle_s(r: dict[str, Any]) -> float:
    """The heaviest cell's time alone on an idle core: its CPU time plus an empty cell's round trip."""
    return r["cell"]["cpu_s"] + r["cell"]["round_trip_s"]


def render(r: dict[str, Any]) -> str:
    """The Markdown block the page carries, from one run's results."""
    n = r["learners"]
    pl = r["per_learner"]
    cell = r["cell"]
    m = r["machine"]
    ratio = cell["p95_s"] / cell["alone_s"]
    gb, cores = need_gb(r), need_cores(r)
    mem_ok = "yes" if pl["pss"]["max"] <= MEMORY_TARGET_MB else "no"
    rss_ok = "yes" if pl["rss"]["max"] <= MEMORY_TARGET_MB else "no"
    lines = [
        START,
        f"Measured on {r['date']} with `.venv/bin/python -m benchmarks hub`: {n} learners "
        f"on one machine ({m['cpu']}, {m['cores']} cores, {m['memory_gb']:.0f} GB of memory), "
        f"all running `{r['lesson']}` at once.",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| memory per learner, server + kernel, peak PSS (largest of {n}) "
        f"| {pl['pss']['max']:.0f} MB | ≤ {MEMORY_TARGET_MB} MB: {mem_ok} |",
        f"| the same, median of {n} | {pl['pss']['median']:.0f} MB | |",
        f"| the same, peak RSS (largest of {n}) | {pl['rss']['max']:.0f} MB | {rss_ok} |",
        f"| the same, peak USS: memory only this learner uses (largest of {n}) | {pl['uss']['max']:.0f} MB | |",
        f"| of which the learner's server, peak PSS (median) | {pl['server_pss_median']:.0f} MB | |",
        f"| of which the learner's kernel, peak PSS (median) | {pl['kernel_pss_median']:.0f} MB | |",
        f"| the hub and its proxy, peak PSS | {r['hub_and_proxy_pss_mb']:.0f} MB | |",
        f"| everything the cohort added (hub, proxy, {n} servers and kernels), peak PSS summed "
        f"| {r['cohort_pss_mb'] / 1024:.2f} GB | |",
        f"| heaviest cell alone (code cell {cell['index']} of {cell['of']}): time on this machine "
        f"| {cell['alone_s']:.2f} s | |",
        f"| heaviest cell alone: CPU time in the kernel (c) | {cell['cpu_s']:.2f} s | |",
        f"| an empty cell's round trip (server, web socket, kernel) | {cell['round_trip_s']:.2f} s | |",
        f"| the same cell's CPU time with {n} at once on this machine (median) "
        f"| {cell['cohort_cpu_s_median']:.2f} s | |",
        f"| the same cell, {n} learners at once: 95th percentile time | {cell['p95_s']:.2f} s | |",
        f"| slowdown (95th percentile / alone) | {ratio:.1f} x | ≤ {SLOWDOWN_TARGET:g} x: "
        f"{'yes' if ratio <= SLOWDOWN_TARGET else 'no'} |",
        f"| machine's load average (1 minute) while the cohort ran: mean, highest "
        f"| {m['load_mean']:.1f}, {m['load_max']:.1f} | |",
        "",
        f"**A cohort of {n} needs {gb:g} GB of memory and {cores} cores.**",
        "",
        f"- Memory: {n} × {pl['pss']['max']:.0f} MB (the largest learner) + {r['hub_and_proxy_pss_mb']:.0f} MB "
        f"(hub and proxy) + {SYSTEM_GB:g} GB (the operating system and some room), rounded up to half a GB.",
        f"- Cores: ⌈k × c ÷ (2 × w)⌉ + 1 = ⌈{r['concurrency']} × {cell['cpu_s']:.2f} ÷ "
        f"(2 × {idle_s(r):.2f})⌉ + 1 = {cores}. k = {r['concurrency']} learners run the heaviest cell "
        f"at the same moment (the trainer says “run it now”); c is its CPU time; w = c + the empty "
        f"cell's round trip = {idle_s(r):.2f} s is its time alone on an idle core; 2 is the slowdown "
        f"allowed; one more core is for the hub and the learners' servers. Processes that fight "
        f"over too few cores each use more CPU time: with the CPU time measured with all {n} at once "
        f"on this busy machine ({cell['cohort_cpu_s_median']:.2f} s), the same formula gives "
        f"{need_cores(r, cell['cohort_cpu_s_median'])} cores, an upper bound.",
        END,
    ]
    return "\n".join(lines)


def page_block(text: str) -> str:
    match = re.search(re.escape(START) + r".*?" + re.escape(END), text, flags=re.S)
    if match is None:
        raise ValueError(f"{PAGE} has no {START} ... {END} block.")
    return match.group(0)


def publish(latest: Path = LATEST, results: Path = RESULTS, page: Path = PAGE) -> str:
    """Copy the latest run into the repository and rewrite the page's table from it."""
    if not latest.exists():
        raise FileNotFoundError(
            f"No run to publish: {latest} is missing. Run `python -m benchmarks hub` first."
        )
    shutil.copy(latest, results)
    block = render(json.loads(results.read_text(encoding="utf-8")))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(page_block(text), block), encoding="utf-8")
    return block


if __name__ == "__main__":
    print(publish(*(Path(a) for a in sys.argv[1:])))
