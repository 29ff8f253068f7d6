"""Tests of the tests: each check must catch the fault it exists for.

The broken notebooks, books and exercises are made here, in temporary
folders, so that nothing broken is ever committed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from harness import (
    charts_without_alt_text,
    content_files,
    notebook_problems,
    resolve_toc_entry,
    run_notebook,
    toc_files,
)
from papermill.exceptions import PapermillExecutionError

from datawithcare import exercises


def _write(cells: list, path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_notebook_that_raises_fails(tmp_path: Path) -> None:
    path = _write([nbformat.v4.new_code_cell("register = []\nregister[0]")], tmp_path / "raises.ipynb")
    with pytest.raises(PapermillExecutionError):
        run_notebook(path, tmp_path / "out.ipynb")


def test_a_tagged_failing_cell_is_allowed(tmp_path: Path) -> None:
    cell = nbformat.v4.new_code_cell("1 / 0")
    cell.metadata["tags"] = ["raises-exception"]
    path = _write([cell, nbformat.v4.new_code_cell("done = True")], tmp_path / "tagged.ipynb")
    executed, seconds = run_notebook(path, tmp_path / "out.ipynb")
    assert seconds > 0
    assert executed["cells"][0]["outputs"][0]["ename"] == "ZeroDivisionError"


def test_an_untagged_error_after_a_tagged_one_still_fails(tmp_path: Path) -> None:
    tagged = nbformat.v4.new_code_cell("1 / 0")
    tagged.metadata["tags"] = ["raises-exception"]
    path = _write([tagged, nbformat.v4.new_code_cell("int('twelve')")], tmp_path / "two.ipynb")
    with pytest.raises(PapermillExecutionError):
        run_notebook(path, tmp_path / "out.ipynb")


def test_committed_outputs_are_caught() -> None:
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    problems = notebook_problems(json.loads(nbformat.writes(nb)))
    assert any("outputs" in p for p in problems)
    assert any("execution count" in p for p in problems)
    assert any("widget state" in p for p in problems)


def test_a_clean_notebook_passes() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    assert notebook_problems(json.loads(nbformat.writes(nb))) == []


def test_a_chart_without_alt_text_is_caught() -> None:
    image = {
        "output_type": "display_data",
        "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"},
        "metadata": {},
    }
    without = {"cell_type": "code", "metadata": {}, "outputs": [image], "source": "plt.bar(...)"}
    described = {
        "cell_type": "code",
        "metadata": {"mystnb": {"image": {"alt": "Bar chart of cases by issue area; housing is highest."}}},
        "outputs": [image],
        "source": "plt.bar(...)",
    }
    assert charts_without_alt_text({"cells": [without, described]}) == [0]


def test_a_real_chart_without_alt_text_is_caught_end_to_end(tmp_path: Path) -> None:
    # Runs a kernel the way the lesson tests do: if charts were not drawn
    # (say, a non-inline backend leaked into the kernel), this would fail.
    draw = "import matplotlib.pyplot as plt\nplt.bar(['ESOL', 'Advice'], [12, 30])\nplt.show()"
    described = nbformat.v4.new_code_cell(draw)
    described.metadata["mystnb"] = {"image": {"alt": "Bar chart: advice sessions outnumber ESOL classes."}}
    path = _write([nbformat.v4.new_code_cell(draw), described], tmp_path / "chart.ipynb")
    executed, _ = run_notebook(path, tmp_path / "out.ipynb")
    assert charts_without_alt_text(executed) == [0]


def test_toc_checks_catch_missing_and_orphan_pages(tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "index.md").write_text("# Home\n")
    (tmp_path / "book" / "orphan.md").write_text("# Nobody links here\n")
    (tmp_path / "book" / "templates").mkdir()
    (tmp_path / "book" / "templates" / "form.md").write_text("a download, not a page\n")
    toc = tmp_path / "_toc.yml"
    toc.write_text("format: jb-book\nroot: book/index\nchapters:\n  - file: book/missing\n")
    entries = toc_files(toc)
    assert entries == ["book/index", "book/missing"]
    assert resolve_toc_entry("book/missing", tmp_path) is None
    assert resolve_toc_entry("book/index", tmp_path) == tmp_path / "book" / "index.md"
    assert set(content_files(tmp_path)) - set(entries) == {"book/orphan"}


# Exercises -----------------------------------------------------------------

META = {"locked": True, "schema_version": 3, "task": False}


def _exercise(root: Path, name: str, answer: str, test: str) -> Path:
    folder = root / "source" / name
    folder.mkdir(parents=True)
    shutil.copy(exercises.exercises_dir() / "nbgrader_config.py", root / "nbgrader_config.py")
    answer_cell = nbformat.v4.new_code_cell(answer)
    answer_cell.metadata["nbgrader"] = {
        **META,
        "grade": False,
        "grade_id": "a",
        "locked": False,
        "solution": True,
    }
    test_cell = nbformat.v4.new_code_cell(test)
    test_cell.metadata["nbgrader"] = {**META, "grade": True, "grade_id": "t", "points": 1, "solution": False}
    return _write([answer_cell, test_cell], folder / f"{name}.ipynb")


def test_a_solution_left_in_a_student_copy_is_caught(tmp_path: Path) -> None:
    source = _exercise(
        tmp_path, "99-leaky", "### BEGIN SOLUTION\npresent = 2\n### END SOLUTION", "assert present == 2"
    )
    assert exercises.find_leaks(source), "the solved source itself must look leaky"
    release = exercises.generate(["99-leaky"], root=tmp_path)[0]
    assert exercises.find_leaks(release) == []
    assert "raise NotImplementedError()" in release.read_text()


@pytest.mark.slow
def test_wrong_solutions_and_generous_tests_are_caught(tmp_path: Path) -> None:
    # A test that passes without an answer: the blank copy would score > 0.
    source = _exercise(
        tmp_path, "99-generous", "### BEGIN SOLUTION\npresent = 3\n### END SOLUTION", "assert True"
    )
    release = exercises.generate(["99-generous"], root=tmp_path)[0]
    assert exercises.grade("99-generous", release, root=tmp_path).score > 0
    # A wrong solution scores less than full marks.
    wrong = _exercise(
        tmp_path, "99-wrong", "### BEGIN SOLUTION\npresent = 3\n### END SOLUTION", "assert present == 2"
    )
    result = exercises.grade("99-wrong", wrong, root=tmp_path)
    assert result.score < result.max_score
    assert source.exists()


def test_a_broken_reference_fails_the_strict_build(tmp_path: Path) -> None:
    from harness import build_book

    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text("title: Test\nexecute:\n  execute_notebooks: 'off'\n")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (book / "index.md").write_text("# Home\n\nSee {doc}`a-page-that-does-not-exist`.\n")
    broken = build_book(book, tmp_path / "out-broken")
    assert broken.returncode != 0
    (book / "index.md").write_text("# Home\n\nAll links here work.\n")
    fixed = build_book(book, tmp_path / "out-fixed")
    assert fixed.returncode == 0, fixed.stdout[-2000:] + fixed.stderr[-2000:]
