"""The trainer's guide, run word for word.

The blocks of commands in ``book/trainers/running-exercises.md`` are read
from the page and run in bash, with the real ``nbgrader`` command, in a
scratch copy of the course: the route with a hub (release to an
exchange, learners fetch and submit, collect, autograde, feedback,
export) and the route without one (submissions placed by hand). So the
page and the workflow cannot drift apart. The learners' part (fetch and
submit) is what the Assignments tab runs; ``test_hub.py`` does it
through a real JupyterHub.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from trainer_page import (
    EXERCISE,
    ROOT,
    assert_no_hidden_tests,
    hidden_lines,
    page_blocks,
    run_block,
    scratch_course,
    solved,
    tampered,
    tool_env,
    visible_text,
)

pytestmark = pytest.mark.xdist_group("trainer-guide")

BLOCKS = page_blocks()


def _student_copy() -> dict:
    path = ROOT / "exercises" / "release" / EXERCISE / f"{EXERCISE}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))


def _handed_in() -> dict[str, dict]:
    blank = _student_copy()
    return {"ana": solved(blank), "bo": blank, "cy": tampered(blank)}


def _grades(course: Path) -> dict[str, float]:
    with (course / "exercises" / "grades.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["assignment"] == EXERCISE]
    return {r["student_id"]: float(r["raw_score"]) for r in rows}


def _max_score(course: Path) -> float:
    with (course / "exercises" / "grades.csv").open(encoding="utf-8") as f:
        return max(float(r["max_score"]) for r in csv.DictReader(f))


def _check_outcome(course: Path, output: str, feedback_root: Path) -> None:
    grades = _grades(course)
    top = _max_score(course)
    assert top > 0
    assert grades == {"ana": top, "bo": 0.0, "cy": top}, (
        f"grades.csv says {grades}: the solved copy should score {top}, the blank one 0, and the copy "
        "with a deleted and an emptied test cell should still be graded on the full tests."
    )
    # check-submissions names the learner who tampered, and only them.
    assert "cy: test cell" in output and "deleted" in output and "was edited" in output, output
    assert "ana:" not in output and "bo:" not in output, output
    # nbgrader puts the hidden tests back into the graded copy (so it can
    # run them): that is what the feedback must not show.
    autograded = (course / "exercises" / "autograded" / "bo" / EXERCISE / f"{EXERCISE}.ipynb").read_text(
        encoding="utf-8"
    )
    assert any(line in autograded for line in (json.dumps(h)[1:-1] for h in hidden_lines())), (
        "The graded copy no longer holds the hidden tests, so the feedback check below proves nothing."
    )
    for learner in ("ana", "bo", "cy"):
        pages = sorted(feedback_root.glob(f"{learner}/**/*.html")) or sorted(
            feedback_root.glob(f"{learner}*/**/*.html")
        )
        assert pages, f"No feedback page for {learner} under {feedback_root}."
        text = visible_text(pages[-1].read_text(encoding="utf-8"))
        assert_no_hidden_tests(text, f"{learner}'s feedback")
        assert "Traceback" not in text and "Cell In[" not in text or learner == "bo", text[:2000]
    blank = visible_text(sorted(feedback_root.glob("bo/**/*.html"))[-1].read_text(encoding="utf-8"))
    assert "NameError: name 'number_of_clients' is not defined" in blank, (
        "The blank copy's feedback should say why its tests failed."
    )


def test_page_has_the_blocks_the_tests_run() -> None:
    assert {"hub-release", "hub-grade", "laptop-grade"} <= set(BLOCKS), sorted(BLOCKS)
    for name in ("hub-release", "hub-grade", "laptop-grade"):
        assert EXERCISE in BLOCKS[name] and "nbgrader" in BLOCKS[name]


def test_hub_route_word_for_word(tmp_path: Path) -> None:
    course = scratch_course(tmp_path)
    exchange = tmp_path / "exchange"
    config = tmp_path / "etc-jupyter"
    config.mkdir()
    shutil.copy(ROOT / "hub" / "nbgrader_config.py", config / "nbgrader_config.py")
    home = tmp_path / "home"
    home.mkdir()
    env = tool_env(
        NBGRADER_EXCHANGE=str(exchange),
        JUPYTER_CONFIG_PATH=str(config),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        HOME=str(home),
    )
    run_block(BLOCKS["hub-release"], course, env)
    # --force rewrote the student copy: byte for byte the committed one, so a trainer's clone stays clean.
    rewritten = course / "exercises" / "release" / EXERCISE / f"{EXERCISE}.ipynb"
    assert (
        rewritten.read_bytes()
        == (ROOT / "exercises" / "release" / EXERCISE / f"{EXERCISE}.ipynb").read_bytes()
    )
    # The learners: what the Assignments tab's Fetch and Submit buttons run.
    for learner, nb in _handed_in().items():
        space = tmp_path / "learners" / learner
        space.mkdir(parents=True)
        run_block(f"nbgrader fetch_assignment {EXERCISE}", space, env)
        (space / EXERCISE / f"{EXERCISE}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        run_block(f"nbgrader submit {EXERCISE} --student={learner}", space, env)
    output = run_block(BLOCKS["hub-grade"], course, env)
    # Feedback released to the exchange, where Fetch Feedback finds it.
    _check_outcome(course, output, course / "exercises" / "feedback")
    released = list((exchange / "data-with-care" / "feedback").glob("*.html"))
    assert len(released) == 3, released
    for page in released:
        assert_no_hidden_tests(
            visible_text(page.read_text(encoding="utf-8")), f"released feedback {page.name}"
        )


def test_route_without_a_hub_word_for_word(tmp_path: Path) -> None:
    course = scratch_course(tmp_path)
    for learner, nb in _handed_in().items():
        folder = course / "exercises" / "submitted" / learner / EXERCISE
        folder.mkdir(parents=True)
        (folder / f"{EXERCISE}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    env = tool_env(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"))
    output = run_block(BLOCKS["laptop-grade"], course, env)
    _check_outcome(course, output, course / "exercises" / "feedback")
