"""Every nbgrader exercise: the student copy is generated, gives nothing
away, and is current; the solution scores full marks; a blank scores zero.

nbgrader is slow to start, so each exercise is generated once and its two
copies (the solved source and the committed student copy) are autograded
together in one run; the three tests read that one result.
"""

from __future__ import annotations

import functools
import json

import pytest
from harness import second_sector

from datawithcare import exercises

NAMES = exercises.list_exercises()
# One worker per exercise, so the shared run below happens once.
PARAMS = [pytest.param(name, marks=pytest.mark.xdist_group(f"exercise-{name}")) for name in NAMES]


@functools.cache
def rehearsal(name: str) -> exercises.Rehearsal:
    folder = exercises.exercises_dir()
    return exercises.rehearse(
        name,
        {
            "solution": folder / "source" / name / f"{name}.ipynb",
            "blank": folder / "release" / name / f"{name}.ipynb",
        },
    )


def _differences(committed: list[dict], generated: list[dict]) -> list[str]:
    if len(committed) != len(generated):
        return [f"{len(committed)} cells committed, {len(generated)} generated"]
    found = []
    for index, (old, new) in enumerate(zip(committed, generated, strict=True)):
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        meta = old.get("metadata", {}).get("nbgrader", {}), new.get("metadata", {}).get("nbgrader", {})
        detail = sorted(k for k in set(meta[0]) | set(meta[1]) if meta[0].get(k) != meta[1].get(k))
        if keys:
            found.append(
                f"cell {index}: {', '.join(keys)}" + (f" (nbgrader: {', '.join(detail)})" if detail else "")
            )
    return found


def test_there_are_exercises() -> None:
    assert NAMES, "No exercises found under exercises/source/."


@pytest.mark.parametrize("name", PARAMS)
def test_student_copy_is_generated_clean_and_current(name: str) -> None:
    generated = rehearsal(name).release
    assert generated, f"{name}: nbgrader wrote no student copy."
    for filename, notebook in generated.items():
        leaks = exercises.find_leaks(notebook)
        assert not leaks, f"{name}: the generated student copy gives answers away: {leaks}"
        committed_path = exercises.exercises_dir() / "release" / name / filename
        assert committed_path.exists(), f"{name}: no committed student copy; run `make exercises`."
        committed = json.loads(committed_path.read_text(encoding="utf-8"))
        assert not exercises.find_leaks(committed), f"{name}: the committed student copy holds solutions."
        # Whole cells: text, ids, and nbgrader's metadata (points, locks, checksums).
        differences = _differences(committed["cells"], notebook["cells"])
        assert not differences, (
            f"{name}: the committed student copy is out of date with its source ({'; '.join(differences[:5])}); "
            "run `make exercises`."
        )
        assert committed["metadata"] == notebook["metadata"], (
            f"{name}: notebook metadata differs; run `make exercises`."
        )


def hand_marked_points(name: str) -> list[float]:
    """Points of each hand-marked cell in the source: nbgrader's ``grade`` and ``solution`` both set."""
    path = exercises.exercises_dir() / "source" / name / f"{name}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        float(meta.get("points", 0))
        for meta in (c.get("metadata", {}).get("nbgrader", {}) for c in cells)
        if meta.get("grade") and meta.get("solution")
    ]


@pytest.mark.parametrize("name", PARAMS)
def test_solution_scores_full_marks(name: str) -> None:
    """Full marks for everything the autograder scores; hand-marked answers wait for a trainer."""
    result = rehearsal(name).grades["solution"]
    assert result.max_score > 0, f"{name}: no test cell carries points."
    hand_marked = hand_marked_points(name)
    assert (result.manual_points > 0) == bool(hand_marked), (
        f"{name}: nbgrader leaves {result.manual_points} points for hand-marking, "
        f"and the source has {len(hand_marked)} hand-marked cells."
    )
    assert result.manual_points == sum(hand_marked), (
        f"{name}: nbgrader leaves {result.manual_points} points for hand-marking, "
        f"the source marks {sum(hand_marked)} by hand."
    )
    assert result.manual_points < result.max_score, f"{name}: nothing is autograded."
    assert result.score == result.max_score - result.manual_points, (
        f"{name}: the solution scores {result.score} of {result.max_score} "
        f"({result.manual_points} of them marked by hand)."
    )


@pytest.mark.parametrize("name", PARAMS)
def test_untouched_student_copy_scores_zero(name: str) -> None:
    result = rehearsal(name).grades["blank"]
    assert result.score == 0, (
        f"{name}: a blank student copy scores {result.score}; every test must need an answer."
    )


def test_stale_student_copy_is_caught(tmp_path) -> None:  # noqa: ANN001
    """Changing a test cell's points in the source makes the committed copy stale."""
    name = NAMES[0]
    committed = json.loads(
        (exercises.exercises_dir() / "release" / name / f"{name}.ipynb").read_text(encoding="utf-8")
    )
    changed = json.loads(json.dumps(committed))
    graded = next(c for c in changed["cells"] if c["metadata"].get("nbgrader", {}).get("points"))
    graded["metadata"]["nbgrader"]["points"] += 1
    assert any("nbgrader: points" in d for d in _differences(committed["cells"], changed["cells"]))


#: The shipped sector that is not active (issue 15): every model answer must pass on it too.
SECOND_SECTOR = second_sector()


@pytest.mark.parametrize("name", NAMES)
def test_model_answer_passes_every_check_on_the_second_sector(name: str, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    """The solved source, run top to bottom with the second sector chosen as a fork chooses it.

    Its test cells are the autograder's checks (hidden ones too), so a run
    with no error is full marks for everything nbgrader scores; one kernel
    run instead of a second nbgrader run keeps the suite's time flat.
    """
    from harness import RUNS, NotebookFailed, execute_notebook

    monkeypatch.setenv("DATAWITHCARE_PROFILE", SECOND_SECTOR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(RUNS.parent / "test-cache"))
    monkeypatch.delenv("DATAWITHCARE_DATA_DIR", raising=False)
    monkeypatch.setenv("DATAWITHCARE_ANSWERS_DIR", str(tmp_path))
    source = exercises.exercises_dir() / "source" / name / f"{name}.ipynb"
    try:
        execute_notebook(source, solutions=False)
    except NotebookFailed as error:
        pytest.fail(f"{name}: the model answer fails a check on the {SECOND_SECTOR} profile: {error}")
