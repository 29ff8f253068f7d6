"""The checks behind the tests, kept as plain functions.

Keeping them here (and not inside the test functions) lets
``test_harness.py`` prove that each check catches a broken notebook,
book or exercise: a check that cannot fail protects nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
CONTENT_SUFFIXES = {".md", ".ipynb"}
# Folders that hold pages of the book. Everything in them must be in the ToC.
CONTENT_FOLDERS = ["book", "notebooks", "exercises/release"]
# Files in those folders that are downloads or includes, not pages.
NOT_PAGES = re.compile(r"(^|/)(templates|downloads|includes)/")
#: Where a test session keeps its executed notebooks (shared by the xdist workers).
RUNS = ROOT / "_build" / "test-runs"
#: The jupyter-cache the book build reads (the default of ``make book``).
BOOK_CACHE = ROOT / "_build" / ".jupyter_cache"
#: Where the tests build the Binder environment (kept while binder/ is unchanged).
ENVS = ROOT / "_build" / "test-env"
#: Environment variable naming a file where every notebook execution is logged (one line each).
EXECUTION_LOG = "DATAWITHCARE_EXECUTION_LOG"
#: Fewest words of alt text a chart needs, in a notebook or in the built book.
ALT_TEXT_MIN_WORDS = 5
#: The seed of the second run of every lesson (the shipped data use the profile's own).
OTHER_SEED = 7


def messy_datasheet_examples(sheet: str) -> list[tuple[str, str, str]]:
    """The examples a messy-export datasheet shows a learner: (problem, as written, the cell value).

    Rows whose examples are not single cells (near-duplicates, phone formats,
    blank stand-ins) are left out, and only the first of "Names in two orders".
    """
    found = []
    for line in sheet.splitlines():
        if not line.startswith("| ") or line.startswith(("| Problem", "| ---")):
            continue
        problem, _, examples = (part.strip() for part in line.strip("|").split("|"))
        if problem in (
            "Near-duplicate rows",
            "Phone numbers in several formats",
            "Blanks and stand-ins for blanks",
        ):
            continue
        items = re.findall(r"`([^`]+)`", examples)
        if problem == "Names in two orders":
            items = items[:1]
        for item in items:
            found.append((problem, item, item[1:-1] if item.startswith('"') and item.endswith('"') else item))
    return found


def second_sector() -> str:
    """The shipped profile every lesson and model answer also runs on: the first that is not active.

    With the shipped setting it is the homelessness profile; in the
    homelessness edition (one setting changed) it is the refugee profile, so
    ``make test`` covers both sectors from either setting.
    """
    from datawithcare.generator.profile import active_profile_path, resolve_profile, shipped_profiles

    active = resolve_profile(active_profile_path()).resolve()
    return next(name for name in shipped_profiles() if resolve_profile(name).resolve() != active)


def read_notebook(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


# Notebook hygiene ------------------------------------------------------


def notebook_problems(nb: dict[str, Any]) -> list[str]:
    """Return why a notebook is not fit to commit (outputs, counts, widget state)."""
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index} has an execution count")
        if "execution" in cell.get("metadata", {}):
            problems.append(f"cell {index} has run times in its metadata")
    if "widgets" in nb.get("metadata", {}):
        problems.append("the notebook carries widget state")
    return problems


def has_tag(cell: dict[str, Any], tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def charts_without_alt_text(nb: dict[str, Any]) -> list[int]:
    """Return the indexes of executed code cells that drew an image but have no alt text."""
    missing = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        draws = any(
            "image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})
            for out in cell.get("outputs", [])
        )
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        if draws and len(str(alt).split()) < ALT_TEXT_MIN_WORDS:
            missing.append(index)
    return missing


def images_without_alt_text(html_dir: Path) -> list[str]:
    """Return the <img> tags of a built book whose alt text is missing or too short.

    Charts and pictures need ALT_TEXT_MIN_WORDS words, as in the notebooks.
    The theme's own icons (under ``_static/``, such as "Binder logo" beside
    the words "Launch on Binder") need an alt attribute, not a description.
    """
    found = []
    for page in sorted(Path(html_dir).rglob("*.html")):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]*)"', tag)
            icon = re.search(r'\bsrc="[^"]*_static/', tag)
            if not alt or (not icon and len(alt.group(1).split()) < ALT_TEXT_MIN_WORDS):
                found.append(f"{page.relative_to(html_dir)}: {tag[:120]}")
    return found


def output_text(nb: dict[str, Any]) -> str:
    """Return every text a notebook's outputs show (for the identifier scan)."""
    parts = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def parameters(nb: dict[str, Any]) -> str:
    """Return the source of the notebook's papermill ``parameters`` cell, or ''."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and has_tag(cell, "parameters"):
            return cell_source(cell)
    return ""


# Running notebooks ------------------------------------------------------

#: Tag of the cells the executor adds to run a lesson's <details> solutions.
SOLUTION_TAG = "solution-check"
#: Tag of the cell that sets a run's parameters (as papermill names it).
INJECTED_TAG = "injected-parameters"
_DETAILS = re.compile(r"<details\b.*?</details>", re.S | re.I)
_PYTHON_BLOCK = re.compile(r"```python[^\S\n]*\n(.*?)```", re.S)


class NotebookFailed(AssertionError):
    """A notebook did not run as it should; the message says which cell and why."""


@dataclass
class Run:
    """One execution of a notebook: the executed notebook, its time and memory."""

    notebook: dict[str, Any]
    seconds: float
    peak_mb: float | None = None


def solution_blocks(nb: dict[str, Any]) -> list[tuple[int, list[str]]]:
    """Return the Python code hidden in each ``<details>`` block of the Markdown cells.

    Each item is (index of the Markdown cell, the ```python blocks of one
    ``<details>``). Blocks of one ``<details>`` run in order, together.
    """
    found = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        for details in _DETAILS.findall(cell_source(cell)):
            blocks = _PYTHON_BLOCK.findall(details)
            if blocks:
                found.append((index, blocks))
    return found


def _solution_cell(index: int, blocks: list[str]) -> Any:
    """A code cell that runs one <details>' solution on a copy of the lesson's names.

    A copy, so that the solution cannot change what the later cells of the
    lesson see (the learner who does not open the solution meets the same
    lesson).
    """
    import nbformat

    lines = ["_dwc_solution_names = dict(globals())"]
    for number, block in enumerate(blocks, 1):
        label = f"<solution {number} in the details of cell {index}>"
        lines.append(f"exec(compile({block!r}, {label!r}, 'exec'), _dwc_solution_names)")
    lines.append("del _dwc_solution_names")
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = [SOLUTION_TAG]
    cell.metadata["solution_of"] = index
    return cell


def prepare(nb: Any, params: dict[str, Any] | None = None, solutions: bool = True) -> Any:
    """Return a copy of ``nb`` ready to run: parameters set, solutions added after their text."""
    import copy

    import nbformat

    nb = copy.deepcopy(nb)
    extra: dict[int, list[Any]] = {}
    if params:
        where = next(
            (i for i, c in enumerate(nb.cells) if c.cell_type == "code" and has_tag(c, "parameters")), None
        )
        if where is None:
            raise NotebookFailed(
                f"The notebook has no cell tagged 'parameters', so {sorted(params)} cannot be set."
            )
        cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in params.items()))
        cell.metadata["tags"] = [INJECTED_TAG]
        extra.setdefault(where, []).append(cell)
    if solutions:
        for index, blocks in solution_blocks(nb):
            extra.setdefault(index, []).append(_solution_cell(index, blocks))
    cells = []
    for index, cell in enumerate(nb.cells):
        cell.metadata["original_index"] = index
        cells.append(cell)
        cells.extend(extra.get(index, []))
    nb.cells = cells
    return nb


def _failure(nb: Any, name: str) -> str:
    """Say which cell failed, and how, in words a course author can act on."""
    for cell in nb.cells:
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors or has_tag(cell, "raises-exception"):
            continue
        error = f"{errors[0].get('ename')}: {errors[0].get('evalue')}"
        if has_tag(cell, SOLUTION_TAG):
            return (
                f"{name}: the solution in the <details> of cell {cell.metadata['solution_of']} fails: {error}"
            )
        if has_tag(cell, INJECTED_TAG):
            return f"{name}: setting the parameters failed: {error}"
        return f"{name}: cell {cell.metadata.get('original_index')} fails: {error}"
    return f"{name}: the notebook did not run to the end"


class _MemorySampler:
    """Sample the memory of a kernel's process tree (from outside it) until stopped."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        import threading

        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += proc.memory_info().rss
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / (1024 * 1024)


def execute_notebook(
    path: Path,
    params: dict[str, Any] | None = None,
    kernel_name: str | None = None,
    timeout: int = 300,
    solutions: bool = True,
    measure_memory: bool = False,
) -> Run:
    """Run a notebook top to bottom on a fresh kernel, the one way tests and benchmarks do.

    The solutions hidden in ``<details>`` run too, each right after its
    text, on a copy of the lesson's names. The run fails (``NotebookFailed``)
    if a cell, a solution or the parameters raise an error, or if a cell
    tagged ``raises-exception`` does not raise. The notebook returned has
    the lesson's own cells only (no solution cells), with their outputs.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    path = Path(path)
    source = nbformat.read(path, as_version=4)
    nb = prepare(source, params, solutions)
    name = kernel_name or source.metadata.get("kernelspec", {}).get("name", "python3")
    sampler: list[_MemorySampler] = []

    def start_sampling(**_: Any) -> None:
        if measure_memory:
            sampler.append(_MemorySampler(client.km.provisioner.pid))

    # A kernel can die before it answers at all when another process takes
    # one of the TCP ports jupyter_client picked for it (a known race when
    # many kernels and servers start at once, as in the hub test). That is
    # the machine, not the lesson: start a fresh kernel, at most twice more.
    try:
        for attempt in range(3):
            client = NotebookClient(
                nb,
                timeout=timeout,
                kernel_name=name,
                allow_errors=False,
                record_timing=False,
                resources={"metadata": {"path": str(path.parent)}},
                on_notebook_start=start_sampling,
            )
            start = time.perf_counter()
            try:
                client.execute()
                break
            except CellTimeoutError as error:
                raise NotebookFailed(f"{path.name}: a cell ran longer than {timeout} s: {error}") from None
            except CellExecutionError:
                _log_execution(path, kernel_name, params)
                raise NotebookFailed(_failure(nb, path.name)) from None
            except RuntimeError as error:
                if "before replying to kernel_info" not in str(error) or attempt == 2:
                    raise
                nb = prepare(source, params, solutions)
                if sampler:
                    sampler.pop().stop()
    finally:
        peak = sampler[0].stop() if sampler else None
    seconds = time.perf_counter() - start
    _log_execution(path, kernel_name, params)
    silent = [
        c.metadata["original_index"]
        for c in nb.cells
        if has_tag(c, "raises-exception") and not any(o.output_type == "error" for o in c.outputs)
    ]
    if silent:
        raise NotebookFailed(
            f"{path.name}: cells {silent} are tagged raises-exception but did not raise. "
            "Remove the tag, or make the cell show the error the text explains."
        )
    nb.cells = [c for c in nb.cells if not has_tag(c, SOLUTION_TAG)]
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("original_index", None)
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
    return Run(nb, seconds, peak)


def _log_execution(path: Path, kernel_name: str | None, params: dict[str, Any] | None) -> None:
    log = os.environ.get(EXECUTION_LOG)
    if log:
        line = f"{path.resolve()}\t{kernel_name or 'default'}\t{json.dumps(params or {})}\n"
        with open(log, "a", encoding="utf-8") as handle:  # one short append per run: safe across workers
            handle.write(line)


def run_notebook(
    path: Path,
    output: Path | None = None,
    params: dict[str, Any] | None = None,
    kernel_name: str | None = None,
    timeout: int = 300,
) -> tuple[dict[str, Any], float]:
    """Run a notebook (see :func:`execute_notebook`); return it and the seconds taken.

    Kept for tests that want the older (notebook, seconds) pair; ``output``,
    if given, receives the executed notebook.
    """
    run = execute_notebook(path, params=params, kernel_name=kernel_name, timeout=timeout)
    if output is not None:
        Path(output).write_text(json.dumps(run.notebook, indent=1), encoding="utf-8")
    return run.notebook, run.seconds


def unexpected_errors(nb: dict[str, Any]) -> list[int]:
    """Return the indexes of cells that raised an error without the raises-exception tag."""
    return [
        index
        for index, cell in enumerate(nb.get("cells", []))
        if any(out.get("output_type") == "error" for out in cell.get("outputs", []))
        and not has_tag(cell, "raises-exception")
    ]


def with_outputs_of(source: Any, executed: Any) -> Any:
    """The source notebook, unchanged but for the outputs of ``executed``.

    This is the notebook a book build would have made itself, so
    jupyter-cache matches it to the source (it hashes code and cell metadata).
    """
    import copy

    import nbformat

    nb = copy.deepcopy(source)
    code = [c for c in executed.cells if c.cell_type == "code" and not has_tag(c, INJECTED_TAG)]
    mine = [c for c in nb.cells if c.cell_type == "code"]
    if len(code) != len(mine):
        raise ValueError("The executed notebook does not have the source's code cells.")
    for cell, done in zip(mine, code, strict=True):
        cell.outputs = copy.deepcopy(done.outputs)
        cell.execution_count = done.execution_count
    return nbformat.from_dict(nb)


def cache_for_book(path: Path, executed: Any, cache_dir: Path) -> None:
    """Put a shipped-data run into the jupyter-cache that the book build reads."""
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    source = nbformat.read(path, as_version=4)
    get_cache(str(cache_dir)).cache_notebook_bundle(
        CacheBundleIn(with_outputs_of(source, executed), str(Path(path).resolve())),
        check_validity=False,
        overwrite=True,
    )


# The table of contents --------------------------------------------------


def toc_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Return every file the ToC names (root first), without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("sections", "chapters"):
                walk(entry.get(key, []))
            for part in entry.get("parts", []):
                walk(part.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return files


def resolve_toc_entry(entry: str, root: Path = ROOT) -> Path | None:
    for suffix in (".md", ".ipynb"):
        candidate = root / f"{entry}{suffix}"
        if candidate.exists():
            return candidate
    return None


def content_files(root: Path = ROOT) -> list[str]:
    """Return every page-like file in the content folders, as ToC-style names."""
    found = []
    for folder in CONTENT_FOLDERS:
        base = root / folder
        if not base.exists():
            continue
        for path in base.rglob("*"):
            rel = path.relative_to(root).as_posix()
            if path.suffix not in CONTENT_SUFFIXES or ".ipynb_checkpoints" in rel or "my-answers" in rel:
                continue
            if NOT_PAGES.search(rel):
                continue
            found.append(rel.rsplit(".", 1)[0])
    return sorted(found)


def lessons(root: Path = ROOT) -> list[Path]:
    """Every notebook the book executes, and every notebook in notebooks/.

    Read from ``_toc.yml`` and ``_config.yml`` (``execute.exclude_patterns``),
    so a new lesson is picked up without editing any test.
    """
    from fnmatch import fnmatch

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    excluded = (config.get("execute") or {}).get("exclude_patterns") or []
    found = set((root / "notebooks").glob("*.ipynb"))
    for entry in toc_files(root / "_toc.yml"):
        path = resolve_toc_entry(entry, root)
        if path is not None and path.suffix == ".ipynb":
            rel = path.relative_to(root).as_posix()
            if not any(fnmatch(rel, pattern) for pattern in excluded):
                found.add(path)
    return sorted(found)


def takes_a_seed(nb: dict[str, Any]) -> bool:
    """Whether a notebook's parameters cell lets a trainer choose the data's seed."""
    return bool(re.search(r"^\s*dataset_seed\s*=", parameters(nb), re.M))


def second_run_params(path: Path) -> dict[str, Any]:
    """The parameters of a lesson's second run: another seed, if the lesson takes one."""
    return {"dataset_seed": OTHER_SEED} if takes_a_seed(read_notebook(path)) else {}


def expected_html(entry: str, build_dir: Path) -> Path:
    return build_dir / "html" / f"{entry}.html"


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (shared by processes, so by xdist workers)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# The learner's (Binder) environment ----------------------------------------

BINDER = ROOT / "binder"
BINDER_KERNEL = "datawithcare-binder"


@dataclass
class BinderEnv:
    prefix: Path
    python: Path
    jupyter_path: Path
    kernel_name: str


def binder_environment(base: Path, root: Path = ROOT) -> BinderEnv:
    """Build the learner environment from ``binder/`` as repo2docker does, once.

    A fresh virtual environment gets ``binder/requirements.txt``, then
    ``binder/postBuild``, then a kernel. It is kept (under ``base``) for as
    long as those files and ``pyproject.toml`` are unchanged; any change
    builds a new one.
    """
    import hashlib
    import shutil
    import venv

    digest = hashlib.sha256()
    for name in ("binder/requirements.txt", "binder/postBuild", "binder/runtime.txt", "pyproject.toml"):
        digest.update((root / name).read_bytes())
    prefix = base / f"binder-{digest.hexdigest()[:12]}"
    env = BinderEnv(prefix, prefix / "bin" / "python", prefix / "share" / "jupyter", BINDER_KERNEL)
    with locked(base / "binder.lock"):
        if (prefix / ".ready").exists():
            return env
        shutil.rmtree(prefix, ignore_errors=True)
        venv.EnvBuilder(with_pip=True).create(prefix)
        path = os.pathsep.join([str(prefix / "bin"), os.environ.get("PATH", "")])
        run_env = {
            **os.environ,
            "PATH": path,
            "VIRTUAL_ENV": str(prefix),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
        steps = [
            [
                str(env.python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "-r",
                str(root / "binder" / "requirements.txt"),
            ],
            ["bash", str(root / "binder" / "postBuild")],
            [str(env.python), "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", BINDER_KERNEL],
        ]
        for step in steps:
            result = subprocess.run(step, cwd=root, env=run_env, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise RuntimeError(
                    f"Building the Binder environment failed at {' '.join(step)}:\n"
                    f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
                )
        (prefix / ".ready").write_text("built\n")
    return env


def build_book(source: Path, output: Path, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Build the book strictly (warnings are errors) into ``output``.

    With ``cache``, notebooks take their outputs from that jupyter-cache
    (where the tests put their shipped-data runs) and run only if missing.
    """
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(source),
        "--path-output",
        str(output),
        "--warningiserror",
        "--nitpick",
        "--keep-going",
        "--all",
    ]
    if cache is not None:
        config = yaml.safe_load((Path(source) / "_config.yml").read_text(encoding="utf-8"))
        config.setdefault("execute", {}).update({"execute_notebooks": "cache", "cache": str(cache)})
        Path(output).mkdir(parents=True, exist_ok=True)
        override = Path(output) / "_config.yml"
        override.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        command += ["--config", str(override)]
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)
