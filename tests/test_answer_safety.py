"""Saving can never lose an answer: uploads, two open copies, backups.

These reproduce what a learner really does (issue 16): open a lesson in a
fresh session, upload last session's answers file into ``my-answers``,
and carry on without running the cell again; or open the same notebook
twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from maturity_forms import everyone, fill

from datawithcare.answers import AnswerConflictError, AnswerStore
from datawithcare.maturity import MaturityAssessment


def saved(folder: Path, name: str = "maturity-assessment") -> dict:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["answers"]


def last_session_file(tmp_path: Path) -> bytes:
    """Make last session's file the real way, with the widget, and 'download' it."""
    old = tmp_path / "last-session"
    form = MaturityAssessment(folder=old)
    fill(form, "Coordinator", everyone(2), round_name="january", when="2026-01-15")
    fill(form, "Trustee", everyone(3), round_name="january", when="2026-01-15")
    fill(form, "Coordinator", everyone(3), round_name="march", when="2026-03-15")
    return (old / "maturity-assessment.json").read_bytes()


def test_uploaded_rounds_survive_adding_a_round_without_rerunning_the_cell(tmp_path):
    uploaded = last_session_file(tmp_path)
    folder = tmp_path / "my-answers"
    form = MaturityAssessment(folder=folder)  # a fresh session: no saved rounds yet
    assert form.rounds() == {}
    folder.mkdir(exist_ok=True)
    (folder / "maturity-assessment.json").write_bytes(uploaded)  # the learner uploads the file

    fill(form, "Coordinator", everyone(4), round_name="july", when="2026-07-15")

    rounds = saved(folder)
    assert set(rounds) == {"january", "march", "july"}
    assert rounds["january"]["responses"] == {"Coordinator": everyone(2), "Trustee": everyone(3)}
    assert "Saved:" in form.feedback.value
    # The form now lists the uploaded rounds too, and says where they came from.
    assert set(form.rounds()) == {"january", "march", "july"}
    assert "changed since" in form.feedback.value
    # The uploaded file was copied to backups/ before it was overwritten.
    backups = sorted((folder / "backups").glob("maturity-assessment-*.json"))
    assert backups and backups[0].read_bytes() == uploaded


def test_uploaded_round_with_the_same_name_gains_a_person_and_keeps_the_others(tmp_path):
    uploaded = last_session_file(tmp_path)
    folder = tmp_path / "my-answers"
    form = MaturityAssessment(folder=folder)
    folder.mkdir(exist_ok=True)
    (folder / "maturity-assessment.json").write_bytes(uploaded)
    fill(form, "Volunteer", everyone(1), round_name="january", when="2026-01-15")
    responses = saved(folder)["january"]["responses"]
    assert responses == {"Coordinator": everyone(2), "Trustee": everyone(3), "Volunteer": everyone(1)}
    assert "3 people have answered" in form.feedback.value


def test_two_open_copies_of_the_self_assessment_keep_everyone(tmp_path):
    first = MaturityAssessment(folder=tmp_path)
    second = MaturityAssessment(folder=tmp_path)
    fill(first, "Coordinator", everyone(2))
    fill(second, "Volunteer", everyone(3))
    fill(second, "Trustee", everyone(4), round_name="after", when="2026-06-01")
    fill(first, "Chair", everyone(5))
    rounds = saved(tmp_path)
    assert rounds["before"]["responses"] == {
        "Coordinator": everyone(2),
        "Volunteer": everyone(3),
        "Chair": everyone(5),
    }
    assert rounds["after"]["responses"] == {"Trustee": everyone(4)}


def test_two_copies_of_a_store_changing_the_same_answer_refuse_and_lose_nothing(tmp_path):
    first = AnswerStore("ethics-canvas", folder=tmp_path)
    second = AnswerStore("ethics-canvas", folder=tmp_path)
    first.update({"purpose": "Count visits for our funder", "benefits": "Better rota"})
    with pytest.raises(AnswerConflictError, match="purpose") as caught:
        second.set("purpose", "Something else")  # second never saw first's purpose
    assert "Run the cell again" in str(caught.value)
    with pytest.raises(AnswerConflictError):
        second.delete("benefits")
    assert saved(tmp_path, "ethics-canvas") == {
        "purpose": "Count visits for our funder",
        "benefits": "Better rota",
    }
    second.set("harms", "A leaked list")  # a different answer: merged, nothing refused
    assert saved(tmp_path, "ethics-canvas") == {
        "purpose": "Count visits for our funder",
        "benefits": "Better rota",
        "harms": "A leaked list",
    }
    assert second.merged and second.get("purpose") == "Count visits for our funder"
    second.set("purpose", "Something else")  # once it has seen the file, it may change it
    assert saved(tmp_path, "ethics-canvas")["purpose"] == "Something else"


def test_every_overwrite_keeps_a_backup_of_the_file_before_it(tmp_path):
    store = AnswerStore("quiz", folder=tmp_path)
    versions = []
    for n in range(4):
        store.set("q1", n)
        versions.append((tmp_path / "quiz.json").read_bytes())
    kept = [p.read_bytes() for p in store.backups()]
    assert kept == versions[:-1]
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_a_file_made_unreadable_underneath_is_put_aside_not_overwritten(tmp_path):
    store = AnswerStore("quiz", folder=tmp_path)
    store.set("q1", "yes")
    (tmp_path / "quiz.json").write_text("{half a file", encoding="utf-8")
    store.set("q2", "no")
    aside = list(tmp_path.glob("quiz.unreadable-*.json"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "{half a file"
    assert "could not be read" in store.message
    assert saved(tmp_path, "quiz") == {"q2": "no"}


def test_modify_sees_what_another_copy_saved(tmp_path):
    first = AnswerStore("quiz", folder=tmp_path)
    second = AnswerStore("quiz", folder=tmp_path)
    first.set("people", ["A"])
    second.modify(lambda latest: {"people": [*latest.get("people", []), "B"]})
    assert saved(tmp_path, "quiz") == {"people": ["A", "B"]}
    assert second.merged


def test_an_uploaded_lawful_basis_file_is_never_overwritten_by_a_form_opened_before_it(tmp_path):
    from datawithcare.lawful_basis import LawfulBasisHelper

    old = LawfulBasisHelper(folder=tmp_path / "last-session")
    old.purpose.value = "Safeguarding referral"
    old.inputs["annex1_condition"].value = "safeguarding a vulnerable person"
    uploaded = (tmp_path / "last-session" / "lawful-basis.json").read_bytes()

    folder = tmp_path / "my-answers"
    helper = LawfulBasisHelper(folder=folder)  # a fresh session: nothing saved yet
    folder.mkdir(exist_ok=True)
    (folder / "lawful-basis.json").write_bytes(uploaded)  # the learner uploads the file
    helper.purpose.value = "Text reminders"  # …and types without running the cell again

    assert (folder / "lawful-basis.json").read_bytes() == uploaded
    assert "Nothing was saved" in helper.feedback.value and "Run the cell again" in helper.feedback.value
    assert 'download="lawful-basis.json"' in helper.downloads.value  # what is on screen
    again = LawfulBasisHelper(folder=folder)  # running the cell again loads the upload
    assert again.purpose.value == "Safeguarding referral"
    assert again.inputs["annex1_condition"].value == "safeguarding a vulnerable person"
