"""Every nbgrader exercise: the student copy is generated, gives nothing
away, and is current; the solution scores full marks; a blank scores zero."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import read_notebook

from datawithcare import exercises

NAMES = exercises.list_exercises()


def _cells(path: Path) -> list[tuple[str, str]]:
    nb = read_notebook(path)
    return [
        (c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
        for c in nb["cells"]
    ]


def test_there_are_exercises() -> None:
    assert NAMES, "No exercises found under exercises/source/."


@pytest.mark.parametrize("name", NAMES)
def test_student_copy_is_generated_clean_and_current(name: str, tmp_path: Path) -> None:
    generated = exercises.generate([name], out=tmp_path)
    assert generated, f"{name}: nbgrader wrote no student copy."
    for notebook in generated:
        leaks = exercises.find_leaks(notebook)
        assert not leaks, f"{name}: the generated student copy gives answers away: {leaks}"
        committed = exercises.exercises_dir() / "release" / name / notebook.name
        assert committed.exists(), f"{name}: no committed student copy; run `make exercises`."
        assert not exercises.find_leaks(committed), f"{name}: the committed student copy holds solutions."
        assert _cells(committed) == _cells(notebook), (
            f"{name}: the committed student copy is out of date with its source; run `make exercises`."
        )


@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks(name: str) -> None:
    source = exercises.exercises_dir() / "source" / name / f"{name}.ipynb"
    result = exercises.grade(name, source)
    assert result.max_score > 0, f"{name}: no test cell carries points."
    assert result.score == result.max_score, (
        f"{name}: the solution scores {result.score} of {result.max_score}."
    )


@pytest.mark.parametrize("name", NAMES)
def test_untouched_student_copy_scores_zero(name: str) -> None:
    release = exercises.exercises_dir() / "release" / name / f"{name}.ipynb"
    result = exercises.grade(name, release)
    assert result.score == 0, (
        f"{name}: a blank student copy scores {result.score}; every test must need an answer."
    )
