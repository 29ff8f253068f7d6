"""A Binder learner can run what the book shows.

This builds the lean learner environment from ``binder/`` in a fresh
virtual environment, the way repo2docker does (requirements, then
postBuild), and runs every lesson notebook with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from harness import NOTEBOOKS, ROOT, run_notebook

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


@pytest.mark.slow
@pytest.mark.xdist_group("binder")
def test_every_lesson_runs_in_the_binder_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_dir = tmp_path / "binder-env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    path = os.pathsep.join([str(env_dir / "bin"), os.environ.get("PATH", "")])
    run_env = {**os.environ, "PATH": path, "VIRTUAL_ENV": str(env_dir), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def run(*command: str) -> None:
        result = subprocess.run(command, cwd=ROOT, env=run_env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (
            f"{' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )

    run(str(python), "-m", "pip", "install", "--quiet", "-r", str(BINDER / "requirements.txt"))
    run("bash", str(BINDER / "postBuild"))
    kernels = tmp_path / "kernels"
    run(str(python), "-m", "ipykernel", "install", "--prefix", str(kernels), "--name", "binder-env")
    monkeypatch.setenv("JUPYTER_PATH", str(kernels / "share" / "jupyter"))
    # The kernel must really be the Binder interpreter, not this one.
    probe = subprocess.run([str(python), "-c", "import sphinx"], capture_output=True, check=False)
    assert probe.returncode != 0, "Sphinx should not be importable in the learner environment."
    assert Path(sys.executable).resolve() != python.resolve()

    failures = []
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        try:
            run_notebook(notebook, tmp_path / notebook.name, kernel_name="binder-env")
        except Exception as exc:  # collect all, report together
            detail = f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}"
            failures.append(f"{notebook.name}: {detail.strip()[:300]}")
    assert not failures, "Lessons that fail in the Binder environment:\n" + "\n".join(failures)
