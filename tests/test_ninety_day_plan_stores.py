"""Module 10 reads the answers two widgets saved: a file of the wrong shape is kept aside and named (issue 16).

Notebook 10 opens ``maturity-assessment.json`` and ``data-needs-plan.json``
itself, not through a widget. It checks them against the same schemas the
widgets use, so a hand-edited file cannot crash the lesson or be silently
misread: the file is renamed, a note names the field to mend, and the
lesson carries on with its worked example.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness import NOTEBOOKS, output_text, run_notebook

from datawithcare.maturity import THEME_IDS, latest_scores
from datawithcare.ninety_day_plan import open_saved_answers
from datawithcare.planner import plan_from_saved

BAD_ROUNDS = {"before": {"round": "before", "assessed_on": "2026-01-15", "responses": None}}
BAD_PLAN = {"plan": {"organisation": "Amira's group", "indicators": 5}}
GOOD_ROUNDS = {
    "july": {"round": "july", "assessed_on": "2026-07-15", "responses": {"A": dict.fromkeys(THEME_IDS, 2)}}
}
GOOD_PLAN = {
    "plan": {"organisation": "Hope Centre", "data_items": [{"item": "Phone number", "needed": "no"}]}
}


def _write(folder: Path, name: str, answers: dict) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"format": "data-with-care-answers", "store": name, "answers": answers}
    (folder / f"{name}.json").write_text(json.dumps(payload), encoding="utf-8")
    return payload


def test_files_of_the_wrong_shape_are_kept_aside_and_named(tmp_path):
    rounds = _write(tmp_path, "maturity-assessment", BAD_ROUNDS)
    plan = _write(tmp_path, "data-needs-plan", BAD_PLAN)
    maturity_store, needs_store = open_saved_answers(tmp_path)
    for store, field, payload in (
        (maturity_store, "'before → responses'", rounds),
        (needs_store, "'plan → indicators'", plan),
    ):
        assert field in store.message and "To mend it" in store.message
        assert "Nothing has been deleted" in store.message
        (aside,) = tmp_path.glob(f"{store.name}.unreadable-*.json")
        assert json.loads(aside.read_text(encoding="utf-8")) == payload
        assert store.as_dict() == {}
    assert latest_scores(maturity_store) is None
    assert "plan" not in needs_store


def test_good_files_are_used(tmp_path):
    _write(tmp_path, "maturity-assessment", GOOD_ROUNDS)
    _write(tmp_path, "data-needs-plan", GOOD_PLAN)
    maturity_store, needs_store = open_saved_answers(tmp_path)
    assert maturity_store.message == "" and needs_store.message == ""
    name, _scores = latest_scores(maturity_store)
    assert name == "july"
    assert plan_from_saved(needs_store.get("plan"))["organisation"] == "Hope Centre"


def test_notebook_10_explains_a_bad_file_and_carries_on_with_the_example(tmp_path):
    # The learner's real path: the lesson, run top to bottom on their my-answers folder.
    folder = tmp_path / "my-answers"
    _write(folder, "maturity-assessment", BAD_ROUNDS)
    _write(folder, "data-needs-plan", BAD_PLAN)
    path = NOTEBOOKS / "10-ninety-day-plan.ipynb"
    executed, _seconds = run_notebook(path, tmp_path / path.name, params={"answers_folder": str(folder)})
    text = output_text(executed)
    assert "'before → responses'" in text and "'plan → indicators'" in text
    assert text.count("Nothing has been deleted") == 2
    assert "using the worked example (Amira's group, July)" in text
    assert "using the worked example (Amira's plan)" in text
    assert len(list(folder.glob("*.unreadable-*.json"))) == 2
