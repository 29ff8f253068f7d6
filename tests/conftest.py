"""Shared pytest set-up for the Data with Care tests."""

from __future__ import annotations

import os

import pytest

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
    """Print how long each notebook took, slowest first."""
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
