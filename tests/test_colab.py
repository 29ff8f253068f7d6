"""The Colab set-up cell: first in every lesson, silent everywhere but Colab.

Every lesson also runs it for real in the lesson tests (it is the first
cell), which proves it does nothing on an ordinary kernel. These tests
show it would install the package on Colab, and nowhere else.
"""

from __future__ import annotations

import json
import sys
import types

import pytest
from harness import ROOT, read_notebook
from IPython.core.inputtransformer2 import TransformerManager

from datawithcare.colab import (
    TAG,
    add_setup_cell,
    is_setup_cell,
    lessons,
    setup_source,
    starts_with_setup_cell,
)

URL = "https://github.com/data-with-care/data-with-care"


class _Shell:
    def __init__(self) -> None:
        self.magics: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str) -> None:
        self.magics.append((name, line))


def _run_cell(monkeypatch: pytest.MonkeyPatch, on_colab: bool, installed: bool) -> list[tuple[str, str]]:
    shell = _Shell()
    code = TransformerManager().transform_cell(setup_source(URL))
    with monkeypatch.context() as patch:
        if on_colab:
            patch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
        else:
            patch.delitem(sys.modules, "google.colab", raising=False)
        if not installed:
            patch.setattr("importlib.util.find_spec", lambda name, *a: None)
        exec(code, {"get_ipython": lambda: shell})  # noqa: S102 (the cell's own code)
    return shell.magics


def test_the_cell_installs_the_package_on_colab_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run_cell(monkeypatch, on_colab=True, installed=False) == [("pip", f'install --quiet "git+{URL}"')]
    assert _run_cell(monkeypatch, on_colab=False, installed=False) == []
    assert _run_cell(monkeypatch, on_colab=True, installed=True) == []


def test_the_cell_does_not_need_google_installed() -> None:
    """A kernel without the ``google`` package (Binder, a laptop) must not fail on the check."""
    code = TransformerManager().transform_cell(setup_source(URL))
    exec(code, {"get_ipython": lambda: _Shell()})  # noqa: S102


def test_every_lesson_starts_with_the_colab_cell() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for path in lessons(ROOT)
        if not starts_with_setup_cell(json.loads(path.read_text(encoding="utf-8")))
    ]
    assert not missing, (
        "In these lessons the first code cell is not the Colab set-up cell; run `python -m datawithcare.colab`:\n"
        + "\n".join(missing)
    )


def test_the_cell_goes_after_the_title_once(tmp_path) -> None:
    lesson = tmp_path / "lesson.ipynb"
    nb = read_notebook(ROOT / "notebooks" / "06a-first-look.ipynb")
    nb["cells"] = [c for c in nb["cells"] if not is_setup_cell(c)]
    lesson.write_text(json.dumps(nb), encoding="utf-8")
    before = nb["cells"]
    assert add_setup_cell(lesson, "https://github.com/example/course")
    assert not add_setup_cell(lesson, "https://github.com/example/course")
    cells = read_notebook(lesson)["cells"]
    assert len(cells) == len(before) + 1
    assert cells[0]["source"] == before[0]["source"] and cells[0]["cell_type"] == "markdown"
    assert TAG in cells[1]["metadata"]["tags"]
    assert '%pip install --quiet "git+https://github.com/example/course"' in "".join(cells[1]["source"])
    assert [c["source"] for c in cells[2:]] == [c["source"] for c in before[1:]]
