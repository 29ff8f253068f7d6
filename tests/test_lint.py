"""The code and prose pass the same checks as `make lint` and pre-commit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness import ROOT

BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout[-3000:]


def test_code_is_formatted() -> None:
    result = _run(str(BIN / "ruff"), "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, "Run `.venv/bin/ruff format .`:\n" + result.stdout[-3000:]


def test_no_spelling_mistakes() -> None:
    result = _run(
        str(BIN / "codespell"), "--toml", "pyproject.toml", "book", "notebooks", "datawithcare", "tests"
    )
    assert result.returncode == 0, result.stdout[-3000:]
