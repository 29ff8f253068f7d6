"""One strict build of the book per test session, shared by every test that needs it.

``test_book.py`` checks the build itself; ``test_browser.py`` opens its
pages in Chromium. Both ask for the ``built_book`` fixture, and both are in
the xdist group "book", so the book is built once per ``make test``.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import ROOT, build_book


@dataclass
class BuiltBook:
    result: subprocess.CompletedProcess[str]
    build: Path  # the _build folder: html/ is in it

    @property
    def html(self) -> Path:
        return self.build / "html"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    out = tmp_path_factory.mktemp("book")
    return BuiltBook(build_book(ROOT, out), out / "_build")
