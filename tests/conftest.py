"""Shared pytest set-up for the Data with Care tests.

Lessons run at most twice in a test session, whatever the number of
pytest-xdist workers:

1. on the shipped data, in this environment. The first test that needs a
   lesson (``lesson_runs.shipped(path)``) runs it; every other test in the
   session, on any worker, reads the same executed notebook. The run also
   goes into the jupyter-cache that the book build reads, so the book does
   not run it again.
2. on another seed (when the lesson takes one), in the learner's Binder
   environment (``binder_kernel``), in ``test_notebooks.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from harness import (
    BOOK_CACHE,
    ENVS,
    EXECUTION_LOG,
    ROOT,
    RUNS,
    NotebookFailed,
    Run,
    binder_environment,
    cache_for_book,
    execute_notebook,
    locked,
)
from hypothesis import settings

# No time limit on a hypothesis example: a busy machine made one slow first
# call (an import) fail as "DeadlineExceeded". Speed lives in `make bench`.
settings.register_profile("data-with-care", deadline=None)
settings.load_profile("data-with-care")

KEEP_RUNS_SECONDS = 24 * 3600  # earlier sessions' executed notebooks, kept to look at
KEEP_RUNS = 5


class LessonRuns:
    """The shipped-data run of each lesson, made once per session."""

    def __init__(self, folder: Path, cache: Path) -> None:
        self.folder, self.cache = folder, cache

    def shipped(self, path: Path) -> Run:
        path = Path(path).resolve()
        name = path.relative_to(ROOT).as_posix().replace("/", "--").removesuffix(".ipynb")
        done, failed = self.folder / f"{name}.ipynb", self.folder / f"{name}.failed"
        with locked(self.folder / f"{name}.lock"):
            if failed.exists():
                raise NotebookFailed(failed.read_text(encoding="utf-8") + " (seen earlier in this test run)")
            if done.exists():
                seconds = json.loads((self.folder / f"{name}.json").read_text())["seconds"]
                return Run(nbformat.read(done, as_version=4), seconds)
            try:
                run = execute_notebook(path)
            except NotebookFailed as error:
                failed.write_text(str(error), encoding="utf-8")
                raise
            nbformat.write(run.notebook, done)
            (self.folder / f"{name}.json").write_text(json.dumps({"seconds": run.seconds}))
            with locked(self.folder / "cache.lock"):
                cache_for_book(path, run.notebook, self.cache)
            return run


def _new_run_folder() -> Path:
    RUNS.mkdir(parents=True, exist_ok=True)
    folders = sorted((f for f in RUNS.iterdir() if f.is_dir()), key=lambda f: f.stat().st_mtime)
    for number, old in enumerate(reversed(folders)):
        if number >= KEEP_RUNS or time.time() - old.stat().st_mtime > KEEP_RUNS_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    folder = RUNS / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    folder.mkdir()
    return folder


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        config._dwc_run_folder = Path(workerinput["dwc_run_folder"])
    else:
        config._dwc_run_folder = _new_run_folder()
    # Every notebook execution (see harness.execute_notebook) is logged here.
    os.environ[EXECUTION_LOG] = str(config._dwc_run_folder / "executions.tsv")


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "_dwc_run_folder", None)
    if (
        folder is not None
        and not hasattr(config, "workerinput")
        and folder.is_dir()
        and not any(folder.iterdir())
    ):
        folder.rmdir()  # a session that ran no notebook leaves nothing behind


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # noqa: ANN001 (an xdist hook)
    node.workerinput["dwc_run_folder"] = str(node.config._dwc_run_folder)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Lessons first (the longest work, spread over the workers), the book build last."""

    def order(item: pytest.Item) -> int:
        if "test_lesson_runs_on_the_shipped_data" in item.nodeid:
            return 0
        if "test_book_builds" in item.nodeid:
            return 3
        if item.get_closest_marker("slow"):
            return 2
        return 1

    items.sort(key=order)


@pytest.fixture(scope="session")
def run_folder(request: pytest.FixtureRequest) -> Path:
    return request.config._dwc_run_folder


@pytest.fixture(scope="session")
def lesson_runs(run_folder: Path) -> LessonRuns:
    return LessonRuns(run_folder, BOOK_CACHE)


@pytest.fixture(scope="session")
def binder_kernel() -> str:
    """The name of a kernel that runs in the learner's (Binder) environment."""
    env = binder_environment(ENVS)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(env.jupyter_path), os.environ.get("JUPYTER_PATH", "")) if p
    )
    return env.kernel_name


# Nothing a test runs may write a learner's answers into the repository:
# every AnswerStore (in this process and in every notebook kernel it
# starts) writes to a throwaway folder instead.


@pytest.fixture(autouse=True, scope="session")
def _answers_outside_repo(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("answers")
    os.environ["DATAWITHCARE_ANSWERS_DIR"] = str(folder)
    # Do not set MPLBACKEND here: notebook kernels inherit it, and a kernel
    # on Agg draws no images, which would make the alt-text check vacuous.
    # Tests that draw in this process use matplotlib's non-GUI default.
    if os.environ.get("MPLBACKEND", "").lower() == "agg":
        del os.environ["MPLBACKEND"]
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ANN001
    """Print how long each notebook took, slowest first, and how many lesson runs there were."""
    rows = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            props = dict(getattr(report, "user_properties", []) or [])
            if "notebook_seconds" in props:
                rows.append((props["notebook_seconds"], props.get("notebook", report.nodeid)))
    if rows:
        terminalreporter.write_sep("-", "notebook run times (seconds)")
        for seconds, name in sorted(rows, reverse=True):
            terminalreporter.write_line(f"{seconds:7.1f}  {name}")
    if hasattr(config, "workerinput"):
        return
    log = config._dwc_run_folder / "executions.tsv"
    rows = [line.split("\t") for line in log.read_text().splitlines()] if log.exists() else []
    lessons = [r for r in rows if r[0].startswith(str(ROOT))]
    distinct = len({r[0] for r in lessons})
    summary = (
        f"{len(lessons)} lesson executions ({distinct} notebooks; "
        f"{sum(r[1] != 'default' for r in lessons)} in the Binder environment), "
        f"{len(rows) - len(lessons)} other notebook executions (tests of the tests)"
    )
    if rows:
        terminalreporter.write_sep("-", summary)
    record = os.environ.get("DATAWITHCARE_TEST_SUMMARY")  # set by `make test`, read by `make bench`
    if record:
        Path(record).parent.mkdir(parents=True, exist_ok=True)
        Path(record).write_text(summary + "\n")


# One session fixture for the built book, shared by test_book.py and test_browser.py
# (imported into each test module, pytest would build it once per module).
from book_build import built_book  # noqa: E402, F401
