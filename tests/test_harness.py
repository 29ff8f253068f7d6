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
    NotebookFailed,
    cache_for_book,
    charts_without_alt_text,
    content_files,
    execute_notebook,
    images_without_alt_text,
    lessons,
    notebook_problems,
    resolve_toc_entry,
    run_notebook,
    solution_blocks,
    toc_files,
)

from datawithcare import exercises


def _write(cells: list, path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def test_a_notebook_that_raises_fails(tmp_path: Path) -> None:
    path = _write([nbformat.v4.new_code_cell("register = []\nregister[0]")], tmp_path / "raises.ipynb")
    with pytest.raises(NotebookFailed, match=r"cell 0 fails: IndexError"):
        run_notebook(path, tmp_path / "out.ipynb")


def test_a_kernel_that_dies_at_start_is_started_again_but_a_lesson_error_is_not(
    tmp_path: Path, monkeypatch
) -> None:
    """Port races kill a kernel before it answers: retried. A lesson's own error never is."""
    from nbclient import NotebookClient

    real = NotebookClient.execute
    calls = []

    def dies_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(NotebookClient, "execute", dies_once)
    ok = _write([nbformat.v4.new_code_cell("print(2 + 2)")], tmp_path / "ok.ipynb")
    run = execute_notebook(ok)
    assert len(calls) == 2 and "4" in run.notebook.cells[0].outputs[0]["text"]

    calls.clear()
    bad = _write([nbformat.v4.new_code_cell("register = []\nregister[0]")], tmp_path / "bad.ipynb")
    with pytest.raises(NotebookFailed, match="IndexError"):
        execute_notebook(bad)
    assert len(calls) == 2  # the first start died; the lesson's error is reported, not retried

    monkeypatch.setattr(
        NotebookClient,
        "execute",
        lambda self, *a, **k: (_ for _ in ()).throw(
            RuntimeError("Kernel died before replying to kernel_info")
        ),
    )
    with pytest.raises(RuntimeError, match="kernel_info"):
        execute_notebook(ok)  # three deaths in a row: the machine is broken, say so


def test_a_tagged_failing_cell_is_allowed(tmp_path: Path) -> None:
    cell = nbformat.v4.new_code_cell("1 / 0")
    cell.metadata["tags"] = ["raises-exception"]
    path = _write([cell, nbformat.v4.new_code_cell("done = True")], tmp_path / "tagged.ipynb")
    executed, _ = run_notebook(path, tmp_path / "out.ipynb")
    assert executed["cells"][0]["outputs"][0]["ename"] == "ZeroDivisionError"
    assert executed["cells"][1]["execution_count"] == 2, "the cell after the error ran too"


def test_a_tagged_cell_that_stops_raising_fails(tmp_path: Path) -> None:
    cell = nbformat.v4.new_code_cell("1 / 1")  # the error the text explains is gone
    cell.metadata["tags"] = ["raises-exception"]
    path = _write([nbformat.v4.new_code_cell("x = 1"), cell], tmp_path / "silent.ipynb")
    with pytest.raises(NotebookFailed, match=r"cells \[1\] are tagged raises-exception but did not raise"):
        execute_notebook(path)


def test_an_untagged_error_after_a_tagged_one_still_fails(tmp_path: Path) -> None:
    tagged = nbformat.v4.new_code_cell("1 / 0")
    tagged.metadata["tags"] = ["raises-exception"]
    path = _write([tagged, nbformat.v4.new_code_cell("int('twelve')")], tmp_path / "two.ipynb")
    with pytest.raises(NotebookFailed, match=r"cell 1 fails: ValueError"):
        run_notebook(path, tmp_path / "out.ipynb")


# Solutions hidden in <details> ---------------------------------------------

TASK = "**Task**: count the sessions.\n\n<details>\n<summary>Show a solution</summary>\n\n"


def test_the_extractor_finds_every_python_block_of_a_details() -> None:
    text = TASK + "```python\nlen(s)\n```\n\nor\n\n```python\nprint(len(s))\n```\n</details>\n"
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("s = [1, 2]"),
            nbformat.v4.new_markdown_cell(text),
            nbformat.v4.new_markdown_cell("```python\nnot_a_solution()\n```"),
            nbformat.v4.new_markdown_cell("<details>\nWords only.\n</details>"),
        ]
    )
    assert solution_blocks(nb) == [(1, ["len(s)\n", "print(len(s))\n"])]


def test_a_solution_that_errors_fails_the_lesson(tmp_path: Path) -> None:
    cells = [
        nbformat.v4.new_code_cell("sessions = ['ESOL', 'Advice']"),
        nbformat.v4.new_markdown_cell(TASK + "```python\nlen(session)\n```\n</details>"),
        nbformat.v4.new_code_cell("done = True"),
    ]
    path = _write(cells, tmp_path / "broken-solution.ipynb")
    with pytest.raises(NotebookFailed, match=r"solution in the <details> of cell 1 fails: NameError"):
        execute_notebook(path)
    # The same lesson with the solutions left out runs: the solution is what failed.
    execute_notebook(path, solutions=False)


def test_a_working_solution_runs_but_changes_nothing_the_lesson_sees(tmp_path: Path) -> None:
    solution = "```python\nsessions = []\nassert len(sessions) == 0\nprint('solution ran')\n```"
    cells = [
        nbformat.v4.new_code_cell("sessions = ['ESOL', 'Advice']"),
        nbformat.v4.new_markdown_cell(TASK + solution + "\n</details>"),
        nbformat.v4.new_code_cell("assert len(sessions) == 2\nprint(len(sessions))"),
    ]
    path = _write(cells, tmp_path / "solution.ipynb")
    run = execute_notebook(path)
    assert len(run.notebook.cells) == 3, "the solution cells are not part of the executed lesson"
    assert run.notebook.cells[2].outputs[0]["text"] == "2\n"
    assert [c.execution_count for c in run.notebook.cells if c.cell_type == "code"] == [1, 2]
    # And it really ran: make it fail, and the lesson fails.
    cells[1] = nbformat.v4.new_markdown_cell(TASK + solution.replace("== 0", "== 1") + "\n</details>")
    with pytest.raises(NotebookFailed, match="AssertionError"):
        execute_notebook(_write(cells, tmp_path / "solution-wrong.ipynb"))


def test_parameters_are_set_after_the_parameters_cell(tmp_path: Path) -> None:
    params = nbformat.v4.new_code_cell("dataset_seed = None")
    params.metadata["tags"] = ["parameters"]
    cells = [params, nbformat.v4.new_code_cell("print(dataset_seed)")]
    run = execute_notebook(_write(cells, tmp_path / "params.ipynb"), params={"dataset_seed": 7})
    assert run.notebook.cells[-1].outputs[0]["text"] == "7\n"
    with pytest.raises(NotebookFailed, match="no cell tagged 'parameters'"):
        execute_notebook(_write(cells[1:], tmp_path / "no-params.ipynb"), params={"dataset_seed": 7})


def test_memory_is_measured_from_outside_the_kernel(tmp_path: Path) -> None:
    small = _write([nbformat.v4.new_code_cell("x = 1")], tmp_path / "small.ipynb")
    big = _write(
        [nbformat.v4.new_code_cell("import time\nblock = bytearray(300 * 1024 * 1024)\ntime.sleep(0.5)")],
        tmp_path / "big.ipynb",
    )
    little = execute_notebook(small, measure_memory=True).peak_mb
    large = execute_notebook(big, measure_memory=True).peak_mb
    assert little is not None and large is not None
    assert large - little > 250, f"a kernel that holds 300 MB more measured {large:.0f} MB vs {little:.0f} MB"


# The shipped-data runs and the book's cache ---------------------------------


def test_a_lesson_runs_once_per_session_however_often_it_is_asked_for(tmp_path: Path, monkeypatch) -> None:
    from conftest import LessonRuns
    from harness import EXECUTION_LOG

    log = tmp_path / "log.tsv"
    monkeypatch.setenv(EXECUTION_LOG, str(log))
    lesson = _write([nbformat.v4.new_code_cell("print('ran')")], tmp_path / "lesson.ipynb")
    monkeypatch.setattr("conftest.ROOT", tmp_path)
    runs = LessonRuns(tmp_path / "runs", tmp_path / "cache")
    (tmp_path / "runs").mkdir()
    first, again = runs.shipped(lesson), runs.shipped(lesson)
    assert first.notebook.cells[0].outputs == again.notebook.cells[0].outputs
    assert len(log.read_text().splitlines()) == 1, "the second request must reuse the first run"


def test_the_book_cache_matches_the_source_notebook(tmp_path: Path) -> None:
    from jupyter_cache import get_cache

    cell = nbformat.v4.new_code_cell("print('from the test run')")
    cell.metadata["tags"] = ["hide-input"]
    path = _write([nbformat.v4.new_markdown_cell("# Lesson"), cell], tmp_path / "lesson.ipynb")
    cache_for_book(path, execute_notebook(path).notebook, tmp_path / "cache")
    source = nbformat.read(path, as_version=4)
    _, merged = get_cache(str(tmp_path / "cache")).merge_match_into_notebook(source)
    assert merged.cells[1].outputs[0]["text"] == "from the test run\n"
    # Edit the lesson and the cache no longer matches: the book would run it afresh.
    source.cells[1].source = "print('edited')"
    with pytest.raises(KeyError):
        get_cache(str(tmp_path / "cache")).match_cache_notebook(source)


@pytest.mark.slow
def test_the_book_takes_outputs_from_the_cache_instead_of_running(tmp_path: Path) -> None:
    from harness import build_book

    book = tmp_path / "book"
    book.mkdir()
    marker = tmp_path / "only-while-testing.txt"
    marker.write_text("present")
    (book / "_config.yml").write_text("title: Test\nexecute:\n  execute_notebooks: 'off'\n")
    (book / "_toc.yml").write_text("format: jb-book\nroot: lesson\n")
    code = f"print(open({str(marker)!r}).read() + ' when tested')"
    path = _write(
        [nbformat.v4.new_markdown_cell("# Lesson"), nbformat.v4.new_code_cell(code)], book / "lesson.ipynb"
    )
    cache_for_book(path, execute_notebook(path).notebook, tmp_path / "cache")
    marker.unlink()  # running the lesson now would fail
    result = build_book(book, tmp_path / "out", cache=tmp_path / "cache")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "present when tested" in (tmp_path / "out" / "_build" / "html" / "lesson.html").read_text()
    # Without the cache the same build must run the lesson, and fails.
    again = build_book(book, tmp_path / "out-nocache", cache=tmp_path / "empty-cache")
    assert again.returncode != 0


def test_lessons_come_from_the_toc_and_the_notebooks_folder(tmp_path: Path) -> None:
    for folder in ("notebooks", "extra", "exercises/release/01-x"):
        (tmp_path / folder).mkdir(parents=True)
    for name in (
        "notebooks/01-a.ipynb",
        "notebooks/02-new.ipynb",
        "extra/side.ipynb",
        "exercises/release/01-x/01-x.ipynb",
    ):
        _write([], tmp_path / name)
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: notebooks/01-a\nchapters:\n  - file: extra/side\n  - file: exercises/release/01-x/01-x\n"
    )
    (tmp_path / "_config.yml").write_text(
        "execute:\n  exclude_patterns:\n    - exercises/release/*/*.ipynb\n"
    )
    found = [p.relative_to(tmp_path).as_posix() for p in lessons(tmp_path)]
    assert found == ["extra/side.ipynb", "notebooks/01-a.ipynb", "notebooks/02-new.ipynb"]


def test_short_alt_text_in_the_built_book_is_caught(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        '<img src="_images/a.png" alt="Bar chart: advice sessions outnumber ESOL classes.">'
        '<img src="_images/b.png" alt="A chart">'
        '<img src="_images/c.png">'
        '<img src="../_static/images/logo_binder.svg" alt="Binder logo">'
        '<img src="../_static/images/logo_colab.png">'
    )
    found = images_without_alt_text(tmp_path)
    assert len(found) == 3, found
    assert 'alt="A chart"' in found[0] and "c.png" in found[1] and "logo_colab" in found[2]


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
    _exercise(tmp_path, "99-generous", "### BEGIN SOLUTION\npresent = 3\n### END SOLUTION", "assert True")
    release = exercises.generate(["99-generous"], root=tmp_path)[0]
    assert exercises.grade("99-generous", release, root=tmp_path).score > 0
    # A wrong solution scores less than full marks.
    wrong = _exercise(
        tmp_path, "99-wrong", "### BEGIN SOLUTION\npresent = 3\n### END SOLUTION", "assert present == 2"
    )
    result = exercises.grade("99-wrong", wrong, root=tmp_path)
    assert result.score < result.max_score


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


def test_the_notebook_benchmark_reports_each_kernels_own_memory(tmp_path: Path, monkeypatch) -> None:
    """The memory column once read the benchmark process's high-water mark for every lesson."""
    import re

    from benchmarks import bench_notebooks

    big = _write(
        [nbformat.v4.new_code_cell("import time\nblock = bytearray(300 * 1024 * 1024)\ntime.sleep(0.5)")],
        tmp_path / "big.ipynb",
    )
    small = _write([nbformat.v4.new_code_cell("x = 1")], tmp_path / "small.ipynb")
    monkeypatch.setattr(bench_notebooks, "lessons", lambda: [big, small])
    monkeypatch.setattr(bench_notebooks, "FLOOR_RUNS", 1)
    monkeypatch.setattr(bench_notebooks, "LESSON_RUNS", 1)
    hog = bytearray(400 * 1024 * 1024)  # this process grows; the kernels' figures must not
    report = bench_notebooks.run()
    del hog
    peaks = {
        name: float(mb)
        for name, mb in re.findall(r"^\| (\S+\.ipynb) \| [\d.]+ \| [\d.]+ \| (\d+) \|$", report, re.M)
    }
    assert set(peaks) == {"big.ipynb", "small.ipynb"}, report
    assert peaks["big.ipynb"] - peaks["small.ipynb"] > 250, report
    assert peaks["small.ipynb"] < 350, f"a kernel doing nothing cannot need {peaks['small.ipynb']} MB"


GROUPED = """
import os
import pytest


@pytest.mark.xdist_group("book")
def test_one():
    pass


@pytest.mark.xdist_group("book")
def test_two():
    pass


@pytest.mark.parametrize("i", range(8))
def test_other(i):
    pass
"""

RECORD = """
import os


def pytest_runtest_setup(item):
    with open(os.environ["DWC_RECORD"], "a", encoding="utf-8") as out:
        out.write(item.nodeid + " " + os.environ.get("PYTEST_XDIST_WORKER", "none") + "\\n")
"""


def test_xdist_groups_keep_their_tests_on_one_worker(tmp_path: Path) -> None:
    """`make test` relies on --dist loadgroup: the book group builds and audits the book once.

    pytest 9 with pytest-xdist 3.8 ignored every group (the group name never
    reached the test's id), so two workers each audited every page.
    """
    import os
    import subprocess
    import sys

    (tmp_path / "test_grouped.py").write_text(GROUPED, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(RECORD, encoding="utf-8")
    record = tmp_path / "record.txt"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup", "-q"],
        cwd=tmp_path,
        env={**os.environ, "DWC_RECORD": str(record)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    ran = dict(line.rsplit(" ", 1) for line in record.read_text(encoding="utf-8").splitlines())
    grouped = {
        nodeid: worker for nodeid, worker in ran.items() if "test_one" in nodeid or "test_two" in nodeid
    }
    assert sorted(grouped) == ["test_grouped.py::test_one@book", "test_grouped.py::test_two@book"], (
        f"xdist did not mark the group: {sorted(ran)}"
    )
    assert len(set(grouped.values())) == 1, f"the group ran on two workers: {grouped}"
