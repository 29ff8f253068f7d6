"""How big a hub a cohort of 15 needs, measured on a real local JupyterHub.

The hub of ``tests/local_hub.py`` (JupyterHub, its real proxy, one real
Jupyter server per learner) is started with 15 learners. Each runs the
heaviest lesson, cell by cell, through the kernel API:

1. one learner alone, to find the lesson's slowest cell and time it alone;
2. all 15 at once, the whole lesson, timing that same cell for each learner.

Measured from outside, with psutil and ``/proc`` (nothing runs inside the
learners' kernels), once a second while the cohort runs:

- per learner (server + kernel): peak PSS, the figure the sizing uses (each
  shared page split between the processes sharing it, so the PSS of all
  processes adds up to the memory really in use); peak RSS (each process's
  own peak, shared libraries counted in full in every process: an upper
  bound); peak USS (what only this learner holds);
- the hub and its proxy, and everything the cohort adds (all their PSS, summed);
- the slowest cell's time alone, its CPU seconds in the kernel, and the
  95th percentile of its time with 15 learners at once;
- the machine (processor, cores, memory) and its load average during the run.

Targets (issue 11): at most 250 MB per learner and a 95th percentile at
most 2 x the lone time. The results go to ``_build/bench/hub-sizing.json``;
``python -m benchmarks.hub_report`` copies them to ``benchmarks/hub-sizing.json``
and writes the trainer's guide's table (``book/trainers/hubs-and-binder.md``)
from them, with the sizing rules of :mod:`benchmarks.hub_report`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from local_hub import LearnerClient, LocalHub  # noqa: E402

from benchmarks import hub_report  # noqa: E402
from datawithcare import bundle  # noqa: E402
from datawithcare.links import InsecureHubWarning, nbgitpuller_link  # noqa: E402

LEARNERS = [f"learner{i:02d}" for i in range(1, int(os.environ.get("DWC_BENCH_LEARNERS", "15")) + 1)]
#: A heavy lesson: k-anonymity checks over combinations of columns of the
#: largest tables. Another can be measured with DWC_BENCH_LESSON.
LESSON = os.environ.get("DWC_BENCH_LESSON", "notebooks/08c-k-anonymity-and-linkage.ipynb")
OUT = ROOT / "_build" / "bench"
#: Learners whose web socket to the kernel dropped during a cell (the cell still ran).
LOST: list[str] = []


def rollup(pid: int) -> tuple[float, float, float]:
    """One process's resident, proportional and unique memory now (RSS, PSS, USS), in MB.

    RSS counts every shared library page in full in every process that maps
    it; PSS splits each shared page between the processes sharing it, so the
    PSS of all processes adds up to the memory really in use; USS is what
    only this process holds (what stopping it gives back).
    """
    fields = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, value = line.split(":", 1)
            fields[key] = int(value.split()[0]) / 1024
    except (OSError, ValueError):
        return 0.0, 0.0, 0.0
    return fields["Rss"], fields["Pss"], fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of one process (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def family(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class Sampler(threading.Thread):
    """Reads every learner's server and kernel, the hub and its proxy, from outside, once a second."""

    def __init__(self, hub: LocalHub, names: list[str]) -> None:
        super().__init__(daemon=True)
        self.servers = {n: hub.server_processes(n)[0] for n in names}
        self.hub_pid = hub.process.pid if hub.process else 0
        self.stop_event = threading.Event()
        self.peak = {n: {"pss": 0.0, "uss": 0.0, "server_pss": 0.0, "kernel_pss": 0.0} for n in names}
        self.hub_and_proxy = 0.0
        self.cohort = 0.0
        self.loads: list[float] = []

    def sample(self) -> None:
        total = 0.0
        server_pids = set()
        for name, server in self.servers.items():
            procs = family(server)
            server_pids.update(p.pid for p in procs)
            mems = [rollup(p.pid) for p in procs]
            pss, uss = sum(m[1] for m in mems), sum(m[2] for m in mems)
            peak = self.peak[name]
            peak["pss"], peak["uss"] = max(peak["pss"], pss), max(peak["uss"], uss)
            if mems:
                peak["server_pss"] = max(peak["server_pss"], mems[0][1])
                peak["kernel_pss"] = max(peak["kernel_pss"], sum(m[1] for m in mems[1:]))
            total += pss
        hub = (
            [p for p in family(psutil.Process(self.hub_pid)) if p.pid not in server_pids]
            if self.hub_pid
            else []
        )
        hub_pss = sum(rollup(p.pid)[1] for p in hub)
        self.hub_and_proxy = max(self.hub_and_proxy, hub_pss)
        self.cohort = max(self.cohort, total + hub_pss)
        self.loads.append(os.getloadavg()[0])

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(1.0)

    def finish(self) -> None:
        self.stop_event.set()
        self.join(timeout=30)
        self.sample()


def learner_peak_rss_mb(hub: LocalHub, name: str) -> float:
    """Peak RSS of a learner's server plus their kernel (each process's own peak, added)."""
    return sum(peak_rss_mb(p.pid) for server in hub.server_processes(name) for p in family(server))


def kernel_process(me: LearnerClient, kernel_id: str) -> psutil.Process | None:
    for server in me.hub.server_processes(me.name):
        for child in family(server)[1:]:
            try:
                if any(kernel_id in part for part in child.cmdline()):
                    return child
            except psutil.NoSuchProcess:
                continue
    return None


def cpu_seconds(proc: psutil.Process | None) -> float:
    if proc is None:
        return 0.0
    try:
        t = proc.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return t.user + t.system + t.children_user + t.children_system


def cells_of(nb: dict) -> list[tuple[str, bool]]:
    """The lesson's code cells, and whether each is meant to fail."""
    return [
        ("".join(c["source"]), "raises-exception" in c.get("metadata", {}).get("tags", []))
        for c in nb["cells"]
        if c["cell_type"] == "code"
    ]


def run_lesson(
    me: LearnerClient, path: str, cells: list[tuple[str, bool]], keep: bool = False
) -> list[tuple[float, float]]:
    """Run the cells on a fresh kernel; return each cell's (seconds, kernel CPU seconds). The kernel stops unless ``keep``."""
    kernel = me.start_kernel(path)
    proc = kernel_process(me, kernel)
    times = []
    for code, may_fail in cells:
        me.wait_for_kernel(kernel)
        before = cpu_seconds(proc)
        ran = me.execute(kernel, code, timeout=600)
        if ran["status"] == "connection-lost":
            LOST.append(me.name)
        elif ran["status"] != "ok" and not may_fail:
            raise RuntimeError(f"{me.name}: a cell of {path} failed: {ran['outputs'][-1:]}")
        times.append((ran["seconds"], cpu_seconds(proc) - before))
    if not keep:
        me.request("DELETE", f"/api/kernels/{kernel}")
    return times


def machine() -> dict:
    model = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = " ".join(line.split(":", 1)[1].split())
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count() or 1,
        "memory_gb": psutil.virtual_memory().total / 2**30,
        "load_before": os.getloadavg()[0],
    }


def run() -> str:
    info = machine()
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

            # 1. Alone: find the heaviest cell, then time it alone on fresh kernels.
            first = clients[LEARNERS[0]]
            alone = run_lesson(first, path, cells)
            # The heaviest cell: the one that needs the most CPU (its time alone depends on the machine's other work).
            slowest = max(range(len(cells)), key=lambda i: alone[i][1])
            upto = cells[: slowest + 1]
            lone = [run_lesson(first, path, upto)[-1] for _ in range(2)] + [alone[slowest]]
            lone_s = statistics.median(s for s, _ in lone)
            lone_cpu = statistics.median(c for _, c in lone)
            # The round trip of an empty cell: what a cell costs beyond its CPU time on an idle core.
            empty = run_lesson(first, path, [("pass", False)] * 5)
            round_trip = statistics.median(s for s, _ in empty)
            # 2. Everyone at once, the whole lesson, sampled from outside.
            sampler = Sampler(hub, LEARNERS)
            sampler.start()
            with ThreadPoolExecutor(max_workers=len(LEARNERS)) as pool:
                together = list(pool.map(lambda c: run_lesson(c, path, cells, keep=True), clients.values()))
            sampler.finish()
            rss = {n: learner_peak_rss_mb(hub, n) for n in LEARNERS}
        finally:
            hub.stop()

    samples = sorted(t[slowest][0] for t in together)
    p95 = float(statistics.quantiles(samples, n=20, method="inclusive")[18])
    peak = sampler.peak
    info["load_mean"] = statistics.fmean(sampler.loads)
    info["load_max"] = max(sampler.loads)

    def spread(values: list[float]) -> dict[str, float]:
        return {"max": max(values), "median": statistics.median(values)}

    results = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": info,
        "lesson": LESSON,
        "learners": len(LEARNERS),
        "concurrency": len(LEARNERS),
        "per_learner": {
            "rss": spread(list(rss.values())),
            "pss": spread([peak[n]["pss"] for n in LEARNERS]),
            "uss": spread([peak[n]["uss"] for n in LEARNERS]),
            "server_pss_median": statistics.median(peak[n]["server_pss"] for n in LEARNERS),
            "kernel_pss_median": statistics.median(peak[n]["kernel_pss"] for n in LEARNERS),
        },
        "hub_and_proxy_pss_mb": sampler.hub_and_proxy,
        "cohort_pss_mb": sampler.cohort,
        "cell": {
            "index": slowest + 1,
            "of": len(cells),
            "alone_s": lone_s,
            "cpu_s": lone_cpu,
            "round_trip_s": round_trip,
            "p95_s": p95,
            "cohort_cpu_s_median": statistics.median(t[slowest][1] for t in together),
        },
        "web_sockets_dropped": len(LOST),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "hub-sizing.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return "\n".join(
        [
            f"## Hub sizing: {len(LEARNERS)} learners on one local JupyterHub",
            "",
            hub_report.render(results),
            "",
            f"Web sockets dropped by a busy server during a cell (the cell still ran): {len(LOST)}.",
            f"The heaviest cell's CPU time with {len(LEARNERS)} at once (median): "
            f"{results['cell']['cohort_cpu_s_median']:.2f} s (alone: {lone_cpu:.2f} s).",
            f"Written to {OUT / 'hub-sizing.json'}; `python -m benchmarks.hub_report` puts it in the trainer's guide.",
        ]
    )
