"""Module 0 (Start here): what a new learner meets first must be true.

The pages promise things (a line that works on Colab, times that add up,
a warm-up whose tests explain mistakes); these tests hold them to it.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from harness import ROOT, cell_source, has_tag, read_notebook, solution_blocks
from nbclient import NotebookClient

from datawithcare.colab import is_setup_cell

HOW_TO_USE = ROOT / "book" / "start-here" / "how-to-use.md"
JUPYTER = ROOT / "notebooks" / "00-jupyter-in-ten-minutes.ipynb"
WARM_UP = "00-warm-up"
WARM_UP_SOURCE = ROOT / "exercises" / "source" / WARM_UP / f"{WARM_UP}.ipynb"
WARM_UP_RELEASE = ROOT / "exercises" / "release" / WARM_UP / f"{WARM_UP}.ipynb"


def _repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


# The pages ----------------------------------------------------------------


def test_colab_and_laptop_instructions_name_the_course_repository() -> None:
    """A fork that changes `repository.url` must change these lines too."""
    page = HOW_TO_USE.read_text(encoding="utf-8")
    url = _repository_url()
    installs = re.findall(r'%pip install "git\+([^"]+)"', page)
    clones = re.findall(r"git clone (\S+)", page)
    assert installs, "how-to-use.md should show the Colab install line."
    assert clones, "how-to-use.md should show how to clone the course."
    for found in installs + [c.removesuffix(".git") for c in clones]:
        assert found.rstrip("/") == url, f"how-to-use.md names {found}, but _config.yml says {url}."


# The course map's times and paths are generated from datawithcare/lessons.yaml:
# tests/test_lessons.py checks them, in the data and in the built pages.


# The Jupyter lesson ---------------------------------------------------------


@pytest.fixture(scope="module")
def executed_lesson(lesson_runs) -> dict:
    """The lesson as the lesson tests ran it on the shipped data (not run again)."""
    return lesson_runs.shipped(JUPYTER).notebook


def _outputs_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        for mime in ("text/plain", "text/html"):
            if mime in out.get("data", {}):
                parts.append("".join(out["data"][mime]))
        if out.get("output_type") == "error":
            parts.append(f"{out['ename']}: {out['evalue']}")
    return "\n".join(parts)


def test_the_deliberate_errors_are_the_ones_the_text_explains(executed_lesson: dict) -> None:
    """The lesson's two errors on purpose: a name never given a value, then a misspelt one."""
    failing = [c for c in executed_lesson["cells"] if has_tag(c, "raises-exception")]
    assert len(failing) == 2, "The lesson shows exactly two errors on purpose."
    names = []
    for cell in failing:
        errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
        assert errors and errors[0]["ename"] == "NameError", errors
        names.append(errors[0]["evalue"])
    assert "'enrolled'" in names[0] and "'enroled'" in names[1], names


def test_the_percentage_is_worked_out_with_round_not_a_format_code(executed_lesson: dict) -> None:
    text = "\n".join(_outputs_text(c) for c in executed_lesson["cells"] if c["cell_type"] == "code")
    assert "6 learners came to English class, Tuesday evening" in text
    assert "\n75" in "\n" + text, "round(attendance_rate * 100) should show 75."


def _code_of_lesson_and_solutions() -> list[str]:
    nb = read_notebook(JUPYTER)
    code = [cell_source(c) for c in nb["cells"] if c["cell_type"] == "code" and not is_setup_cell(c)]
    return code + [block for _, blocks in solution_blocks(nb) for block in blocks]


def test_lesson_zero_shows_only_what_a_first_timer_needs() -> None:
    """Issue 12: no f-strings or format codes, no AnswerStore, no HTML(...) in the first lesson."""
    for text in _code_of_lesson_and_solutions():
        tree = ast.parse(text)
        fstrings = [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
        assert not fstrings, f"Lesson 00 should not use f-strings yet: {text!r}"
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not names & {"AnswerStore", "HTML", "display"}, f"Lesson 00 should not need {names}: {text!r}"


def test_every_solution_in_the_lesson_runs_and_gives_the_stated_answer() -> None:
    """Run the lesson's code in order; at each hidden solution, run that too."""
    namespace: dict = {}
    printed = []
    nb = read_notebook(JUPYTER)
    solutions = dict(solution_blocks(nb))
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            if not has_tag(cell, "raises-exception") and not is_setup_cell(cell):
                exec(compile(cell_source(cell), "<lesson cell>", "exec"), namespace)  # noqa: S102
            continue
        for solution in solutions.get(index, []):
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(solution, "<solution>", "exec"), dict(namespace))  # noqa: S102
            printed.append(buffer.getvalue())
    assert len(printed) == 2, "The lesson has two code solutions (the food bank and the misspelt name)."
    assert "99 sign-ins this week" in printed[0] and "24.75" in printed[0], (
        "Task 1's solution should give the total (99) and average (24.75) that the text states."
    )


# The warm-up exercise -------------------------------------------------------


def _test_cells(path: Path) -> list[dict]:
    return [c for c in read_notebook(path)["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]


def test_every_visible_check_explains_itself() -> None:
    """A bare assert shows a learner nothing but 'AssertionError'."""
    for cell in _test_cells(WARM_UP_RELEASE):
        for node in ast.walk(ast.parse(cell_source(cell))):
            if isinstance(node, ast.Assert):
                assert node.msg is not None, (
                    f"{cell['metadata']['nbgrader']['grade_id']}: an assert has no message."
                )


def test_points_add_up_to_what_the_intro_promises() -> None:
    points = sum(c["metadata"]["nbgrader"]["points"] for c in _test_cells(WARM_UP_SOURCE))
    intro = cell_source(read_notebook(WARM_UP_SOURCE)["cells"][0])
    assert f"**Points**: {points:g} in total" in intro
    for cell in read_notebook(WARM_UP_SOURCE)["cells"]:
        heading = re.match(r"## Question \d+: .*\((\d+) points?\)", cell_source(cell))
        if heading:
            grade_id = cell["metadata"]["nbgrader"]["grade_id"].replace("-text", "-tests")
            (test,) = [
                c for c in _test_cells(WARM_UP_SOURCE) if c["metadata"]["nbgrader"]["grade_id"] == grade_id
            ]
            assert test["metadata"]["nbgrader"]["points"] == int(heading.group(1)), grade_id


# Typical first-attempt mistakes, and words the feedback must contain.
MISTAKES = {
    "q1-answer": ("present = sum(tuesday)\nabsent = present - len(tuesday)", "absent is -3"),
    "q2-answer": ("rate_percent = present / len(tuesday)", "fraction, not a percentage"),
    "q3-answer": (
        "week_two = [19, 35, 22, 24]\nweek_total = sum(week_two)\ndaily_average = week_total / 3",
        "opened on 4 days",
    ),
    "q4-answer": (
        "error_kind = \"NameError: name 'week_totl' is not defined\"\n"
        "visits_per_household = week_total / households",
        "Copy only the word before the colon",
    ),
}


def test_wrong_answers_get_a_message_that_says_what_to_fix() -> None:
    nb = nbformat.read(WARM_UP_RELEASE, as_version=4)
    stub = "# YOUR CODE HERE\nraise NotImplementedError()"
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in MISTAKES:
            assert stub in cell.source, f"{grade_id}: the student copy should hold the answer stub."
            cell.source = cell.source.replace(stub, MISTAKES[grade_id][0])
    NotebookClient(nb, allow_errors=True, timeout=60, kernel_name="python3").execute()
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if not grade_id.endswith("-tests"):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        expected = MISTAKES[grade_id.replace("-tests", "-answer")][1]
        assert errors, f"{grade_id}: a wrong answer passed the visible tests."
        assert errors[0].ename == "AssertionError", f"{grade_id}: {errors[0].ename}: {errors[0].evalue}"
        assert expected in errors[0].evalue, f"{grade_id}: the feedback was {errors[0].evalue!r}"
