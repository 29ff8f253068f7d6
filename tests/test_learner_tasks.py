"""Learners write code early and often, and hints help without giving the answer.

Issue 12 found that in most lessons the first task came after 70% of the
cells. For every lesson, these tests hold that:

- the first task ("### Your turn N: ...", "### Task N: ..." or "**Task N.**") comes in the first
  third of the cells;
- no stretch of more than ``MAX_GAP`` cells goes by without a task (about
  10 to 15 minutes of teaching in these lessons);
- a lesson has at least one task for every full 15 of its minutes in
  lessons.yaml (a task every 10 to 15 minutes);
- every task heading has a collapsed solution, and any collapsed "Hint" before it
  contains no line of that solution's code.
"""

from __future__ import annotations

import re

import pytest
from harness import ROOT, cell_source, read_notebook

from datawithcare.lessons import load_course

COURSE = load_course()

#: Every lesson: all the notebooks in notebooks/ (the list of lessons once
#: rewritten for load is now all of them).
REWRITTEN = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))

#: The most cells a learner reads and runs before the next task.
MAX_GAP = 16

TASK = re.compile(r"^### (?:Your turn|Task) \d+:|\*\*Task \d+\.\*\*", re.M)
#: A task with a heading of its own, which must have a collapsed solution.
HEADED_TASK = re.compile(r"^### (?:Your turn|Task) \d+:", re.M)
DETAILS = re.compile(r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", re.S)
CODE = re.compile(r"```python\n(.*?)```", re.S)


def task_positions(nb: dict) -> list[int]:
    """Indexes of the Markdown cells that set a task (the title cell does not count)."""
    return [
        index
        for index, cell in enumerate(nb["cells"])
        if index > 0 and cell["cell_type"] == "markdown" and TASK.search(cell_source(cell))
    ]


def longest_gap(positions: list[int], n_cells: int) -> int:
    """The most cells between the start, one task and the next, or the last task and the end.

    The key points and "What next" after the last task do not count, so the
    end is the last task itself.
    """
    marks = [0, *positions]
    return max(b - a for a, b in zip(marks, marks[1:], strict=False)) if positions else n_cells


def hint_leaks(text: str) -> list[str]:
    """Lines of solution code that also appear in a Hint block of the same text."""
    hints, solutions = [], []
    for summary, body in DETAILS.findall(text):
        (hints if "hint" in summary.lower() else solutions).append(body)
    code_lines = {
        re.sub(r"\s+", "", line)
        for body in solutions
        for block in CODE.findall(body)
        for line in block.splitlines()
        if len(re.sub(r"\s+", "", line)) >= 8 and not line.lstrip().startswith("#")
    }
    squashed_hints = re.sub(r"\s+", "", "\n".join(hints))
    return sorted(line for line in code_lines if line in squashed_hints)


def _lesson(name: str) -> dict:
    return read_notebook(ROOT / "notebooks" / f"{name}.ipynb")


@pytest.mark.parametrize("name", REWRITTEN)
def test_the_first_task_comes_in_the_first_third(name: str) -> None:
    nb = _lesson(name)
    positions = task_positions(nb)
    assert positions, f"{name}: no task ('### Your turn N: ...', '### Task N: ...' or '**Task N.**')."
    assert positions[0] <= len(nb["cells"]) / 3, (
        f"{name}: the first task is cell {positions[0]} of {len(nb['cells'])}; "
        "give the learner something to do (predict, change one value, fill a blank) in the first third."
    )


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_task_comes_every_few_cells(name: str) -> None:
    nb = _lesson(name)
    gap = longest_gap(task_positions(nb), len(nb["cells"]))
    assert gap <= MAX_GAP, f"{name}: {gap} cells go by without a task (at most {MAX_GAP})."


@pytest.mark.parametrize("name", REWRITTEN)
def test_every_your_turn_has_a_solution_and_no_hint_gives_it_away(name: str) -> None:
    nb = _lesson(name)
    for index, cell in enumerate(nb["cells"]):
        text = cell_source(cell)
        if cell["cell_type"] != "markdown" or not HEADED_TASK.search(text):
            continue
        # The solution sits in this cell or a few cells on (after the learner's empty cell),
        # before the next task.
        following = [text]
        for later in nb["cells"][index + 1 : index + 6]:
            if later["cell_type"] == "markdown":
                # A cell may end one task's solution and start the next task.
                following.append(TASK.split(cell_source(later))[0])
                if TASK.search(cell_source(later)):
                    break
        assert any("<summary>Show a solution</summary>" in t for t in following), (
            f"{name} cell {index}: a task heading without a collapsed 'Show a solution'."
        )
        found = hint_leaks("\n".join(following))
        assert not found, f"{name} cell {index}: a hint contains solution code: {found}"


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_task_for_every_15_minutes_of_the_lesson(name: str) -> None:
    minutes = COURSE.page(f"notebooks/{name}").minutes
    tasks = len(task_positions(_lesson(name)))
    assert tasks >= minutes // 15, (
        f"{name}: {tasks} tasks in a lesson of {minutes} minutes; give at least {minutes // 15} "
        "(one every 10 to 15 minutes), or recount its minutes in lessons.yaml."
    )


# The checks must be able to fail.


def test_every_lesson_is_checked() -> None:
    assert len(REWRITTEN) >= 20 and "09b-official-statistics" in REWRITTEN


def test_the_gap_check_counts_cells_between_tasks() -> None:
    assert longest_gap([3, 20], 30) == 17
    assert longest_gap([], 12) == 12


def test_the_hint_check_catches_a_hint_with_the_answer() -> None:
    leaky = (
        "<details>\n<summary>Hint</summary>\n\nType `clients.isna().sum()`.\n</details>\n"
        "<details>\n<summary>Show a solution</summary>\n\n```python\nclients.isna().sum()\n```\n</details>"
    )
    assert hint_leaks(leaky) == ["clients.isna().sum()"]
    fine = leaky.replace("Type `clients.isna().sum()`.", "`.isna()` marks the gaps.")
    assert hint_leaks(fine) == []
