"""A visible test never works out the right answer in front of the learner.

An expert review found exercise 9b's visible tests computing the expected
rates (``count / population * 1000``) and the expected count
(``isin(...) & (year == 2025)``) in plain sight of the learner, then
comparing the answer with them: the method, handed over. A visible test may
check an answer's type, shape and plausible range, and may name a common
mistake; the comparison with a value it worked out itself belongs in the
hidden tests.

The rule checked here, for every student copy: no visible ``assert``
compares an answer (a name the question's solution assigns) for equality
with an expression that calls a method the solution itself calls (such as
``.idxmax()``, ``.isin(...)`` or ``.isna().sum()``), directly or through a
name the test cell computed. Checks of shape (``len(answer) == len(data)``)
and of labels (``set(answer.index) == set(data.columns)``) stay visible.
"""

from __future__ import annotations

import ast

import pytest
from harness import cell_source, read_notebook

from datawithcare import exercises

SOURCE = exercises.exercises_dir() / "source"
RELEASE = exercises.exercises_dir() / "release"
NAMES = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file())
BEGIN_SOLUTION, END_SOLUTION = exercises.SOLUTION_MARKERS


def _question(grade_id: str) -> str:
    return grade_id.rsplit("-", 1)[0]


def solution_parts(nb: dict) -> tuple[set[str], dict[str, set[str]]]:
    """The names solutions assign (the learner's answers), and the methods each question's solution calls."""
    names: set[str] = set()
    methods: dict[str, set[str]] = {}
    for cell in nb["cells"]:
        text = cell_source(cell)
        if BEGIN_SOLUTION not in text:
            continue
        code = "\n".join(
            line for line in text.splitlines() if line.strip() not in {BEGIN_SOLUTION, END_SOLUTION}
        )
        tree = ast.parse(code)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        question = _question(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        methods.setdefault(question, set()).update(_methods(tree))
    return names, methods


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


# Methods that only pick rows or change a type: seeing them shows no method.
SELECTING = {"astype", "notna", "dropna", "copy", "reset_index"}


def _methods(node: ast.AST) -> set[str]:
    return {
        n.func.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr not in SELECTING
    }


def answer_giveaways(code: str, answers: set[str], solution_methods: set[str]) -> list[str]:
    """The visible asserts in ``code`` that compare an answer with the solution's own method at work."""
    tree = ast.parse(code)
    # What each name the cell computes calls, followed through earlier names.
    calls_of: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            used = _methods(node.value).union(*(calls_of.get(n, set()) for n in _names(node.value)))
            for target in node.targets:
                for name in _names(target) - answers:
                    calls_of[name] = used
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assert):
            continue
        for compare in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
            if not any(isinstance(op, ast.Eq) for op in compare.ops):
                continue
            sides = [compare.left, *compare.comparators]
            if not any(_names(s) & answers for s in sides):
                continue
            for side in sides:
                if _names(side) & answers:
                    continue
                used = _methods(side).union(*(calls_of.get(n, set()) for n in _names(side)))
                if used & solution_methods:
                    found.append(
                        f"{ast.unparse(compare)} (shows {', '.join(sorted(used & solution_methods))})"
                    )
    return found


def test_the_rule_catches_what_the_review_found() -> None:
    """The 9b visible test as the review found it is caught; a plain check is not."""
    before = (
        "census = pd.read_csv('c.csv')\n"
        "expected = (support / census * 1000).round(2)\n"
        "assert highest_rate_borough == expected.idxmax(), 'no'\n"
        "right = int((data['borough'].isin(names) & (data['year'] == 2025)).sum())\n"
        "assert clients_2025 == right, 'no'\n"
    )
    answers = {"highest_rate_borough", "clients_2025"}
    solution = {"idxmax", "isin", "sum", "round", "read_csv"}
    assert len(answer_giveaways(before, answers, solution)) == 2
    plain = (
        "assert isinstance(clients_2025, int)\n"
        "assert 0 < clients_2025 < len(clients)\n"
        "assert set(rates.index) == set(census.index)\n"
    )
    assert answer_giveaways(plain, answers | {"rates"}, solution) == []


@pytest.mark.parametrize("name", NAMES)
def test_visible_tests_do_not_work_out_the_answer(name: str) -> None:
    answers, methods = solution_parts(read_notebook(SOURCE / name / f"{name}.ipynb"))
    student = read_notebook(RELEASE / name / f"{name}.ipynb")
    problems = []
    for cell in student["cells"]:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not nbgrader.get("grade") or nbgrader.get("solution"):
            continue
        question = _question(nbgrader.get("grade_id", ""))
        for compare in answer_giveaways(cell_source(cell), answers, methods.get(question, set())):
            problems.append(f"{nbgrader.get('grade_id')}: {compare}")
    assert not problems, (
        f"{name}: visible tests compare an answer with a value they work out in plain sight; "
        "move that comparison into the hidden tests:\n" + "\n".join(problems)
    )
