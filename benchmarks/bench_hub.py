"""How big a hub a cohort of 15 needs, measured on a real local JupyterHub.

The hub of ``tests/local_hub.py`` (JupyterHub, its real proxy, one real
Jupyter server per learner) is started with 15 learners. Each runs the
heaviest lesson, cell by cell, through the kernel API:

1. one learner alone, to find the lesson's slowest cell and time it alone;
2. all 15 at once, timing that same cell for each learner.

Reported: peak memory per learner (the peak resident memory of their
server plus their kernel, read from ``/proc``: an upper bound, as shared
libraries count in both; beside it the proportional set size after the
lesson, which splits shared memory between the processes that share it),
and the 95th percentile of the cell's time with
15 learners against its time alone. Targets (issue 11): at most 250 MB per
learner and a 95th percentile at most 2 x the lone time.

The trainer's guide (``book/trainers/hubs-and-binder.md``) carries the
table this writes.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from local_hub import LearnerClient, LocalHub  # noqa: E402

from datawithcare import bundle  # noqa: E402
from datawithcare.links import InsecureHubWarning, nbgitpuller_link  # noqa: E402

LEARNERS = [f"learner{i:02d}" for i in range(1, 16)]
#: A heavy lesson: k-anonymity checks over combinations of columns of the
#: largest tables. Another can be measured with DWC_BENCH_LESSON.
LESSON = os.environ.get("DWC_BENCH_LESSON", "notebooks/08c-k-anonymity-and-linkage.ipynb")
MEMORY_TARGET_MB = 250
#: Learners whose web socket to the kernel dropped during a cell (the cell still ran).
LOST: list[str] = []
SLOWDOWN_TARGET = 2.0


def peak_mb(proc: psutil.Process) -> float:
    """Peak resident memory of one process (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def learner_peak_mb(hub: LocalHub, name: str) -> float:
    total = 0.0
    for server in hub.server_processes(name):
        total += peak_mb(server)
        for child in server.children(recursive=True):
            total += peak_mb(child)
    return total


def learner_pss_mb(hub: LocalHub, name: str) -> float:
    """What a learner's server and kernel cost now, shared libraries split between the processes using them (PSS)."""
    total = 0.0
    for server in hub.server_processes(name):
        for proc in [server, *server.children(recursive=True)]:
            try:
                total += proc.memory_full_info().pss / 2**20
            except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
                pass
    return total


def cells_of(nb: dict) -> list[tuple[str, bool]]:
    """The lesson's code cells, and whether each is meant to fail."""
    return [
        ("".join(c["source"]), "raises-exception" in c.get("metadata", {}).get("tags", []))
        for c in nb["cells"]
        if c["cell_type"] == "code"
    ]


def run_lesson(
    me: LearnerClient, path: str, cells: list[tuple[str, bool]], keep: bool = False
) -> list[float]:
    """Run the cells on a fresh kernel; return each cell's seconds. The kernel stops unless ``keep``."""
    kernel = me.start_kernel(path)
    times = []
    for code, may_fail in cells:
        ran = me.execute(kernel, code, timeout=600)
        if ran["status"] == "connection-lost":
            LOST.append(me.name)
        elif ran["status"] != "ok" and not may_fail:
            raise RuntimeError(f"{me.name}: a cell of {path} failed: {ran['outputs'][-1:]}")
        times.append(ran["seconds"])
    if not keep:
        me.request("DELETE", f"/api/kernels/{kernel}")
    return times


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = work / "course.git"
        subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
        bundle.commit_folder(bundle.build(work / "learner-bundle"), repo, "learner")
        hub = LocalHub(work / "hub", LEARNERS, work / "exchange")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureHubWarning)  # a hub on 127.0.0.1 needs no HTTPS
            link = nbgitpuller_link(hub.url, LESSON, f"file://{repo}")
        try:
            hub.start()
            hub.start_servers(LEARNERS)
            clients = {n: LearnerClient(hub, n, hub.user_token(n)) for n in LEARNERS}
            with ThreadPoolExecutor(max_workers=len(LEARNERS)) as pool:
                list(pool.map(lambda c: c.git_pull(link), clients.values()))
            path = f"course.git/{LESSON}"
            cells = cells_of(clients[LEARNERS[0]].read_notebook(path))

            # 1. Alone: find the slowest cell, then time it alone on fresh kernels.
            alone = run_lesson(clients[LEARNERS[0]], path, cells)
            slowest = max(range(len(cells)), key=alone.__getitem__)
            upto = cells[: slowest + 1]
            lone = [run_lesson(clients[LEARNERS[0]], path, upto)[-1] for _ in range(2)] + [alone[slowest]]
            lone_s = statistics.median(lone)
            # 2. Everyone at once, the whole lesson.
            with ThreadPoolExecutor(max_workers=len(LEARNERS)) as pool:
                together = list(pool.map(lambda c: run_lesson(c, path, cells, keep=True), clients.values()))
            samples = sorted(t[slowest] for t in together)
            p95 = float(statistics.quantiles(samples, n=20, method="inclusive")[18])
            memory = {n: learner_peak_mb(hub, n) for n in LEARNERS}
            shared = {n: learner_pss_mb(hub, n) for n in LEARNERS}
        finally:
            hub.stop()

    worst_mb = max(memory.values())
    ratio = p95 / lone_s
    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    need_gb = math.ceil((len(LEARNERS) * worst_mb / 1024 + 2) * 2) / 2
    need_cores = max(1, math.ceil(cores * ratio / SLOWDOWN_TARGET))
    lines = [
        "## Hub sizing: 15 learners on one local JupyterHub",
        "",
        f"Lesson: `{LESSON}`; slowest cell: code cell {slowest + 1} of {len(cells)}. "
        f"Machine: {cores} cores, load average {load:.1f} when the run ended.",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| peak memory per learner, server + kernel (largest of 15) | {worst_mb:.0f} MB | ≤ {MEMORY_TARGET_MB} MB |",
        f"| peak memory per learner (median of 15) | {statistics.median(memory.values()):.0f} MB | |",
        f"| memory per learner after the lesson, shared libraries split (PSS, largest of 15) "
        f"| {max(shared.values()):.0f} MB | |",
        f"| slowest cell, one learner alone | {lone_s:.2f} s | |",
        f"| same cell, 15 learners at once, 95th percentile | {p95:.2f} s | |",
        f"| slowdown (95th percentile / alone) | {ratio:.1f} x | ≤ {SLOWDOWN_TARGET:g} x |",
        "",
        f"SIZING: {need_gb:g} GB of memory and {need_cores} cores "
        f"(15 x the largest learner plus 2 GB; cores to keep the slowdown at {SLOWDOWN_TARGET:g} x).",
        "",
        f"Web sockets dropped by a busy server during a cell (the cell still ran): {len(LOST)}.",
        "",
        f"Memory within target: {'yes' if worst_mb <= MEMORY_TARGET_MB else 'NO'}. "
        f"Slowdown within target on this machine: {'yes' if ratio <= SLOWDOWN_TARGET else 'NO'}.",
    ]
    return "\n".join(lines)
