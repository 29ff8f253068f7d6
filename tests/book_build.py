"""One strict build of the book per test session, shared by every test that needs it.

``test_book.py`` checks the build itself; ``test_browser.py`` opens its
pages in Chromium. Both ask for the ``built_book`` fixture, and both are in
the xdist group "book", so the book is built once per ``make test``.
"""

from __future__ import annotations

import fcntl
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import BOOK_CACHE, ROOT, build_book, lessons


@dataclass
class BuiltBook:
    result: subprocess.CompletedProcess[str]
    build: Path  # the _build folder: html/ is in it

    @property
    def html(self) -> Path:
        return self.build / "html"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory, lesson_runs) -> BuiltBook:
    """Build from the lesson tests' shipped-data runs (jupyter-cache): no notebook runs twice."""
    for path in lessons():
        lesson_runs.shipped(path)  # already run by test_notebooks.py, or run now (once)
    out = tmp_path_factory.mktemp("book")
    # One build at a time on this machine: two builds sharing the jupyter-cache
    # at once can fail (seen once in a clean-clone run).
    lock = ROOT / "_build" / ".book-build.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return BuiltBook(build_book(ROOT, out, cache=BOOK_CACHE), out / "_build")
