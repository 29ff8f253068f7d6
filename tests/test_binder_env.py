"""A Binder learner can run what the book shows.

The lean learner environment is built from ``binder/`` in a fresh
virtual environment, the way repo2docker does (requirements, then
postBuild); every lesson's second run uses its kernel
(``test_notebooks.py``). These tests check the environment itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from harness import ENVS, ROOT, binder_environment, execute_notebook

BINDER = ROOT / "binder"
AUTHOR_ONLY = ("jupyter-book", "sphinx", "nbgrader", "papermill", "pytest")


def test_binder_environment_is_lean_and_pinned() -> None:
    lines = [
        line.split("#")[0].strip()
        for line in (BINDER / "requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    unpinned = [line for line in lines if "==" not in line]
    assert not unpinned, f"binder/requirements.txt has unpinned lines: {unpinned}"
    names = {line.split("==")[0].lower() for line in lines}
    heavy = sorted(n for n in names if n.startswith(AUTHOR_ONLY))
    assert not heavy, f"The learner environment should not carry author tools: {heavy}"
    for needed in ("jupyterlab", "pandas", "matplotlib", "ipywidgets"):
        assert needed in names
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    assert os.access(BINDER / "postBuild", os.X_OK)


def test_binder_pins_agree_with_the_author_environment() -> None:
    def pins(path: Path) -> dict[str, str]:
        out = {}
        for line in path.read_text().splitlines():
            line = line.split("#")[0].strip()
            if "==" in line:
                name, version = line.split("==")
                out[name.lower()] = version
        return out

    author, learner = pins(ROOT / "requirements.txt"), pins(BINDER / "requirements.txt")
    differ = {n: (v, author[n]) for n, v in learner.items() if n in author and author[n] != v}
    assert not differ, f"Binder and author pins differ (run `make lock`): {differ}"


def _kernel_facts(kernel_name: str | None, folder: Path) -> tuple[Path, bool, Path]:
    """Ask a kernel, from inside, for its environment, whether Sphinx is there, and its package."""
    probe = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import sys, importlib.util, datawithcare\n"
                "print(sys.prefix)\n"
                "print(importlib.util.find_spec('sphinx') is None)\n"
                "print(datawithcare.__file__)"
            )
        ]
    )
    path = folder / f"probe-{kernel_name}.ipynb"
    nbformat.write(probe, path)
    run = execute_notebook(path, kernel_name=kernel_name, solutions=False)
    prefix, no_sphinx, package = "".join(run.notebook.cells[0].outputs[0]["text"]).split()
    return Path(prefix), no_sphinx == "True", Path(package)


def test_the_kernel_probe_tells_the_author_environment_apart(tmp_path: Path) -> None:
    """The probe below would catch lessons silently running in the author environment."""
    prefix, no_sphinx, _ = _kernel_facts(None, tmp_path)
    assert prefix.resolve() == Path(sys.prefix).resolve()
    assert not no_sphinx, "the author environment has Sphinx (for the book)"


@pytest.mark.slow
def test_the_binder_kernel_runs_the_learner_interpreter(binder_kernel: str, tmp_path: Path) -> None:
    """The kernel the lessons' second run uses must be the Binder environment's own Python.

    Asked from inside the kernel: a test that looked at its own interpreter
    would pass even if every lesson silently ran in the author environment.
    """
    prefix, no_sphinx, package = _kernel_facts(binder_kernel, tmp_path)
    expected = binder_environment(ENVS)
    assert prefix == expected.prefix, f"The Binder kernel runs in {prefix}, not {expected.prefix}."
    assert prefix.resolve() != Path(sys.prefix).resolve()
    assert no_sphinx, "Sphinx should not be importable in the learner environment."
    assert package.is_relative_to(ROOT / "datawithcare"), (
        "postBuild should install the course package from this repository."
    )
