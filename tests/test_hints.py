"""Hints help without handing over the answer.

For every nbgrader exercise (every folder in ``exercises/source/``, so new
exercises are checked as soon as they exist):

- no line of a solution appears in what a learner can see: the committed
  student copy, or the source with its solutions and hidden tests taken out
  (question text, hints, the "More help" blocks and the visible test
  messages);
- nor does the right-hand side of a solution's assignment, which is the
  answer without its name (``sum(tuesday)`` for ``present = sum(tuesday)``);
- a test cell whose marks also depend on hidden tests never tells the
  learner "Correct": passing the visible checks is not yet full marks;
- every question gives its help in tiers: the question names the tool, and a
  collapsed "More help" block shows more.
"""

from __future__ import annotations

import re

import pytest
from harness import ROOT, cell_source, read_notebook

from datawithcare import exercises

SOURCE = exercises.exercises_dir() / "source"
RELEASE = exercises.exercises_dir() / "release"
NAMES = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())

BEGIN_SOLUTION, END_SOLUTION = exercises.SOLUTION_MARKERS
BEGIN_HIDDEN, END_HIDDEN = exercises.HIDDEN_MARKERS

# Lines so general that seeing them gives nothing away.
TRIVIAL = {"plt.show()", "pass"}


def _squash(text: str) -> str:
    """Compare code without caring about spaces, tabs or line breaks."""
    return re.sub(r"\s+", "", text)


def _is_trivial(line: str) -> bool:
    squashed = _squash(line)
    if squashed in TRIVIAL or len(squashed) < 8:
        return True
    if line.lstrip().startswith("#"):
        return True
    # A bare name, a closing bracket, a dictionary entry of plain values:
    # nothing that calls, indexes or assigns.
    return not re.search(r"[=(\[.]", squashed)


def _between(text: str, begin: str, end: str) -> list[str]:
    """The lines between each pair of markers."""
    found, inside = [], False
    for line in text.splitlines():
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif inside:
            found.append(line)
    return found


def _without(text: str, begin: str, end: str) -> str:
    kept, inside = [], False
    for line in text.splitlines():
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def solution_pieces(notebook: dict) -> set[str]:
    """Every non-trivial solution line, and the right-hand side of each assignment."""
    pieces = set()
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("solution"):
            continue
        for line in _between(cell_source(cell), BEGIN_SOLUTION, END_SOLUTION):
            if _is_trivial(line):
                continue
            pieces.add(_squash(line))
            match = re.match(r"^\s*[\w\[\]\"'., ]+?\s*=\s*(?!=)(.+)$", line)
            if (
                match
                and not _is_trivial(match.group(1))
                and not match.group(1).rstrip().endswith(("(", "[", "{"))
            ):
                pieces.add(_squash(match.group(1)))
    return pieces


def visible_text(notebook: dict) -> str:
    """What a learner sees of a notebook: solutions and hidden tests taken out."""
    shown = []
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        text = cell_source(cell)
        if meta.get("solution"):
            text = _without(text, BEGIN_SOLUTION, END_SOLUTION)
            if cell["cell_type"] == "markdown":
                text = ""
        text = _without(text, BEGIN_HIDDEN, END_HIDDEN)
        shown.append(text)
    return "\n".join(shown)


def leaks(notebook: dict, shown: str) -> list[str]:
    squashed = _squash(shown)
    return sorted(piece for piece in solution_pieces(notebook) if piece in squashed)


def test_there_are_exercises() -> None:
    assert NAMES, "No exercises found under exercises/source/."


# The checks themselves must be able to fail.


def _toy(answer: str, hint: str) -> dict:
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": hint},
            {
                "cell_type": "code",
                "metadata": {"nbgrader": {"solution": True, "grade": False}},
                "source": f"{BEGIN_SOLUTION}\n{answer}\n{END_SOLUTION}",
            },
        ]
    }


def test_the_check_catches_a_hint_that_gives_the_answer() -> None:
    nb = _toy("present = sum(tuesday)", "Hint: present = sum( tuesday )")
    assert leaks(nb, visible_text(nb)) == ["present=sum(tuesday)", "sum(tuesday)"]
    nb = _toy("present = sum(tuesday)", "Hint: use `sum(tuesday)`.")
    assert leaks(nb, visible_text(nb)) == ["sum(tuesday)"]
    nb = _toy("present = sum(tuesday)", "Hint: `sum()` adds up a list.")
    assert leaks(nb, visible_text(nb)) == []
    nb = _toy(")\nplt.show()\nsummary", "plt.show() ) summary")
    assert leaks(nb, visible_text(nb)) == []


@pytest.mark.parametrize("name", NAMES)
def test_no_solution_line_in_hints_or_test_messages(name: str) -> None:
    source = read_notebook(SOURCE / name / f"{name}.ipynb")
    assert solution_pieces(source), f"{name}: found no solution between {BEGIN_SOLUTION!r} markers."
    found = leaks(source, visible_text(source))
    assert not found, (
        f"{name}: the question text, hints or visible test messages give away solution code: {found}. "
        "Name the tool in the hint, show it on another example in 'More help', and never the answer itself."
    )


@pytest.mark.parametrize("name", NAMES)
def test_no_solution_line_in_the_student_copy(name: str) -> None:
    source = read_notebook(SOURCE / name / f"{name}.ipynb")
    release = RELEASE / name / f"{name}.ipynb"
    assert release.is_file(), f"{name}: no student copy; run `make exercises`."
    student = read_notebook(release)
    found = leaks(source, "\n".join(cell_source(c) for c in student["cells"]))
    assert not found, f"{name}: the student copy contains solution code: {found}"


def _test_cells(notebook: dict) -> list[tuple[str, str]]:
    return [
        (cell["metadata"]["nbgrader"].get("grade_id", "?"), cell_source(cell))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
        and cell.get("metadata", {}).get("nbgrader", {}).get("grade")
        and not cell["metadata"]["nbgrader"].get("solution")
    ]


@pytest.mark.parametrize("name", NAMES)
def test_visible_tests_do_not_say_correct_when_hidden_tests_still_count(name: str) -> None:
    source = read_notebook(SOURCE / name / f"{name}.ipynb")
    wrong = [
        grade_id
        for grade_id, text in _test_cells(source)
        if BEGIN_HIDDEN in text and re.search(r"\bcorrect\b", _without(text, BEGIN_HIDDEN, END_HIDDEN), re.I)
    ]
    assert not wrong, (
        f"{name}: {wrong} tell the learner 'Correct', but hidden tests still take marks. "
        "Say which checks passed instead."
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_question_has_more_help_behind_its_first_hint(name: str) -> None:
    source = read_notebook(SOURCE / name / f"{name}.ipynb")
    questions = [
        (cell["metadata"]["nbgrader"].get("grade_id"), cell_source(cell))
        for cell in source["cells"]
        if cell["cell_type"] == "markdown"
        and re.fullmatch(r"q\d+\w*-text", cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
    ]
    assert questions, f"{name}: no question cells (grade ids like 'q1-text')."
    without = [
        grade_id
        for grade_id, text in questions
        if not re.search(r"<details>\s*<summary>\s*More help\s*</summary>", text)
    ]
    assert not without, (
        f"{name}: {without} have no collapsed 'More help' block "
        "(<details><summary>More help</summary> ... </details>) after the first hint."
    )


# The learner's real path: a common mistake in the student copy gets a clear message.


def _run_student_copy(name: str, answers: dict[str, str]) -> dict[str, list]:
    """Run a student copy with some answers filled in; return each test cell's errors."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(RELEASE / name / f"{name}.ipynb", as_version=4)
    stub = "# YOUR CODE HERE\nraise NotImplementedError()"
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            assert stub in cell.source, f"{name} {grade_id}: the student copy should hold the answer stub."
            cell.source = cell.source.replace(stub, answers[grade_id])
    NotebookClient(nb, allow_errors=True, timeout=60, kernel_name="python3").execute()
    return {
        cell.metadata["nbgrader"]["grade_id"]: [o for o in cell.outputs if o.output_type == "error"]
        for cell in nb.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").endswith("-tests")
    }


def test_an_error_name_without_quote_marks_gets_a_clear_message_not_a_raw_error() -> None:
    """The warm-up asks for the kind of error as text; the bare name is the error class itself."""
    errors = _run_student_copy(
        "00-warm-up",
        {
            "q3-answer": "week_two = [19, 35, 22, 24]\nweek_total = sum(week_two)\ndaily_average = week_total / 4",
            "q4-answer": "error_kind = NameError\nvisits_per_household = week_total / households",
        },
    )
    (error,) = errors["q4-tests"]
    assert error.ename == "AssertionError", f"q4: {error.ename}: {error.evalue}"
    assert "not text" in error.evalue and "quote marks" in error.evalue, error.evalue


# The capstone's written summary is marked by a person, with a rubric.

CAPSTONE = "09-capstone"


def test_capstone_summary_is_a_manually_graded_written_answer_with_a_rubric() -> None:
    source = read_notebook(SOURCE / CAPSTONE / f"{CAPSTONE}.ipynb")
    manual = [
        cell
        for cell in source["cells"]
        if cell["cell_type"] == "markdown"
        and cell.get("metadata", {}).get("nbgrader", {}).get("grade")
        and cell["metadata"]["nbgrader"].get("solution")
    ]
    assert len(manual) == 1, f"{CAPSTONE}: expected one manually graded written answer, found {len(manual)}."
    points = manual[0]["metadata"]["nbgrader"]["points"]
    assert points > 0
    # Nothing checks the words of the summary by keyword any more.
    for grade_id, text in _test_cells(source):
        assert "comparison group" not in text and "thanks to" not in text, (
            f"{CAPSTONE} {grade_id}: the written summary is marked by the trainer, not by keyword matching."
        )
    # The intro's total counts the written answer.
    automatic = sum(
        c["metadata"]["nbgrader"]["points"]
        for c in source["cells"]
        if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("grade")
    )
    assert f"**Points**: {automatic + points:g} in total" in cell_source(source["cells"][0])
    # The trainer's rubric exists, is in the book, and gives one point per criterion.
    rubric = ROOT / "book" / "trainers" / "capstone-rubric.md"
    assert rubric.is_file(), "No rubric for the capstone's written summary in book/trainers/."
    assert "book/trainers/capstone-rubric" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \d\. ", rubric.read_text(encoding="utf-8"), re.M)
    assert len(rows) == points, f"The rubric has {len(rows)} criteria for {points:g} points."
    # The student copy leaves the cell empty for the learner.
    student = read_notebook(RELEASE / CAPSTONE / f"{CAPSTONE}.ipynb")
    (blank,) = [
        c
        for c in student["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        == manual[0]["metadata"]["nbgrader"]["grade_id"]
    ]
    assert cell_source(blank).strip() == "YOUR ANSWER HERE"
