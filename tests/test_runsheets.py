"""Run-sheets (datawithcare/runsheets.yaml) and instructor notes: a trainer can run the day.

Each session must fit its time to the minute, have a break, and schedule
every page after the pages it needs (from lessons.yaml); every page of every
module is scheduled somewhere; every lesson and exercise has instructor notes.
The check is shown failing on broken programmes too, so it cannot pass by
accident.
"""

from __future__ import annotations

import copy
import re

import pytest
import yaml
from pydantic import ValidationError

from datawithcare.generator.profile import load_profile, shipped_profiles
from datawithcare.lessons import load_course
from datawithcare.runsheets import (
    NOTES_FILE,
    RUNSHEETS_FILE,
    Notes,
    Programme,
    instructor_notes_markdown,
    load_notes,
    load_programme,
    missing_notes,
    problems,
    session_markdown,
)

COURSE = load_course()
#: Each shipped profile and its edition key: the notes give answers for every one.
EDITIONS = {name: load_profile(name)["sector"]["key"] for name in shipped_profiles()}
RAW = yaml.safe_load(RUNSHEETS_FILE.read_text(encoding="utf-8"))


def _programme(data: dict) -> Programme:
    return Programme.model_validate(data)


def test_every_run_sheet_fits_its_session_and_schedules_every_prerequisite_first() -> None:
    found = problems(load_programme(), COURSE)
    assert not found, "\n".join(found)


def test_the_core_programme_is_six_sessions_of_two_and_a_half_hours() -> None:
    """The joining instructions promise six sessions of about 2½ hours."""
    programme = load_programme()
    assert len(programme.core) == 6
    assert {s.minutes for s in programme.core} == {150}


def test_an_overrunning_session_is_caught() -> None:
    data = copy.deepcopy(RAW)
    data["core"][2]["slots"][3]["minutes"] += 10
    found = problems(_programme(data), COURSE)
    assert any(f.startswith("Session 3") and "160 minutes, not 150" in f for f in found), found


def test_a_lesson_before_its_prerequisite_is_caught() -> None:
    """Swapping the two analysis sessions puts cleaning (6c) before a first look (6a)."""
    data = copy.deepcopy(RAW)
    data["core"][3], data["core"][4] = data["core"][4], data["core"][3]
    found = problems(_programme(data), COURSE)
    assert any("06c-cleaning-messy-data needs notebooks/06a-first-look" in f for f in found), found


def test_a_page_that_is_never_scheduled_is_caught() -> None:
    """The old session plans never scheduled 6b, 6e, 7b, 8a or 8b; the check must notice."""
    data = copy.deepcopy(RAW)
    data["core"][5]["between"].remove("notebooks/07b-charts-that-mislead")
    found = problems(_programme(data), COURSE)
    assert any("07b-charts-that-mislead (module 7) is never scheduled" in f for f in found), found
    assert any("07-charts needs notebooks/07b-charts-that-mislead" in f for f in found), found


def test_a_session_with_no_break_is_caught() -> None:
    data = copy.deepcopy(RAW)
    slots = data["core"][0]["slots"]
    brk = next(s for s in slots if s["activity"] == "break")
    brk["activity"] = "discuss"
    found = problems(_programme(data), COURSE)
    assert "Session 1 (Start here, and know what you need) has no break." in found


def test_an_unknown_key_in_a_run_sheet_is_an_error() -> None:
    data = copy.deepcopy(RAW)
    data["core"][0]["slots"][0]["minuets"] = 5
    with pytest.raises(ValidationError, match="minuets"):
        _programme(data)


def test_every_lesson_and_exercise_has_instructor_notes() -> None:
    notes = load_notes()
    found = missing_notes(notes, COURSE)
    assert not found, "\n".join(found)


def test_missing_instructor_notes_are_caught() -> None:
    notes = dict(load_notes())
    del notes["notebooks/06e-joining-and-time"]
    notes["notebooks/99-no-such-lesson"] = Notes(common_errors=("x",), answers=("y",))
    found = missing_notes(notes, COURSE)
    assert "notebooks/06e-joining-and-time has no instructor notes." in found
    assert any("99-no-such-lesson, which is not a page" in f for f in found)


def test_an_unknown_key_in_the_notes_is_an_error(tmp_path) -> None:
    raw = yaml.safe_load(NOTES_FILE.read_text(encoding="utf-8"))
    raw["notebooks/06a-first-look"]["answer"] = ["misspelt key"]
    bad = tmp_path / "notes.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="notes for notebooks/06a-first-look"):
        load_notes(bad)


def test_a_content_note_is_shown_on_the_slot_that_needs_it() -> None:
    programme, notes = load_programme(), load_notes()
    flagged = {f for f, n in notes.items() if n.content_note}
    assert "notebooks/08c-k-anonymity-and-linkage" in flagged
    for number, session in enumerate(programme.core, start=1):
        text = session_markdown(f"Session {number}", session, COURSE, notes)
        for slot in session.slots:
            for page in set(slot.pages) & flagged:
                row = next(line for line in text.splitlines() if f"</{page}>" in line)
                assert "**Content note first:**" in row, f"Session {number}: {page} has no content note."


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_built_run_sheets_end_on_time(built_book) -> None:
    from bs4 import BeautifulSoup

    page = built_book.html / "book" / "trainers" / "session-plans.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    tables = soup.select("article table")
    programme = load_programme()
    assert len(tables) == len(programme.core) + len(programme.optional)
    for table, session in zip(tables, [*programme.core, *programme.optional], strict=True):
        rows = [[c.get_text(" ", strip=True) for c in r.find_all("td")] for r in table.select("tbody tr")]
        assert len(rows) == len(session.slots)
        hours, minutes = map(int, rows[-1][0].split(":"))
        end = hours * 60 + minutes + int(rows[-1][1])
        assert end == programme.session_minutes, f"{session.title} ends at {end} minutes on the page."
    notes_page = built_book.html / "book" / "trainers" / "instructor-notes.html"
    text = notes_page.read_text(encoding="utf-8")
    assert not re.search(r"\{\{", text)
    assert "Common errors" in text and "Answers" in text


@pytest.mark.parametrize("profile", sorted(EDITIONS))
def test_the_answers_in_the_instructor_notes_are_the_shipped_datas(profile, tmp_path, monkeypatch) -> None:
    """The figures a trainer reads out come from the data as shipped: if the data changes, so must the notes.

    Each edition's answers are checked against its own profile's data, made
    from its seed (the same files ``make data`` ships with that profile active).
    """
    import pandas as pd

    from datawithcare import course_sector, load_dataset

    monkeypatch.setenv("DATAWITHCARE_PROFILE", profile)
    monkeypatch.delenv("DATAWITHCARE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # the active profile's data: shipped, or made here
    sector = course_sector()
    clients, cases = load_dataset("clients"), load_dataset("cases")
    notes = load_notes()

    def said(file: str) -> str:
        return " ".join(notes[file].answers_for(EDITIONS[profile]))

    interpreters = int(clients["needs_interpreter"].sum())
    assert f"{interpreters:,} of {len(clients):,} clients need an interpreter" in said(
        "notebooks/06a-first-look"
    )
    top5 = ", ".join(clients["main_language"].value_counts().head(5).index)
    assert top5 in said("notebooks/06a-first-look")
    alone = len(clients[(clients["age"] >= 65) & (clients["household_size"] == 1)])
    open_main = int((cases["closed_on"].isna() & (cases["issue_area"] == sector.main_issue)).sum())
    contact_only = int((clients["consent_contact"] & ~clients["consent_share_partners"]).sum())
    text = said("notebooks/06b-selecting-and-filtering")
    assert f"{alone} clients are 65 or older" in text
    assert f"{open_main} open {sector.main_issue.lower()} cases" in text
    assert f"{contact_only} clients agreed to contact" in text
    per_worker = cases.groupby("caseworker").size().sort_values(ascending=False)
    resolved = (
        pd.crosstab(cases["issue_area"], cases["outcome"], normalize="index")["Resolved"] * 100
    ).round(1)
    resolved = resolved.sort_values(ascending=False)
    text = said("notebooks/06d-counting-and-grouping")
    assert f"{per_worker.index[0]} has the most cases ({per_worker.iloc[0]})" in text
    assert f"{resolved.index[0].lower()} has the highest share resolved ({resolved.iloc[0]:.1f}%)" in text
    young = cases.merge(clients, on="client_id", how="left").query("age < 25")["issue_area"].value_counts()
    registrations = clients.resample("MS", on="registered_on").size()
    text = said("notebooks/06e-joining-and-time")
    assert f"{young.index[0].lower()} is the most common issue ({young.iloc[0]} cases)" in text
    assert f"{registrations.idxmax():%B %Y} had the most new clients ({registrations.max()})" in text


def test_every_edition_has_its_answers_and_the_page_shows_the_active_ones() -> None:
    notes = load_notes()
    for edition in EDITIONS.values():
        found = missing_notes(notes, COURSE, edition)
        assert not found, "\n".join(found)
    per_edition = notes["notebooks/06a-first-look"]
    assert isinstance(per_edition.answers, dict), "the lesson's figures come from each edition's data"
    for edition in EDITIONS.values():
        page = instructor_notes_markdown(notes, COURSE, edition)
        for other in set(EDITIONS.values()) - {edition}:
            assert per_edition.answers_for(edition)[0] in page
            assert per_edition.answers_for(other)[0] not in page, (
                f"{other}'s answers in the {edition} edition"
            )


def test_an_edition_with_no_answers_of_its_own_is_caught() -> None:
    # A fork with a new sector key must write the figures of its own data.
    notes = load_notes()
    found = missing_notes(notes, COURSE, "food-bank")
    assert any(f.startswith("notebooks/06a-first-look gives answers for the editions") for f in found)
    assert all("none for food-bank" in f for f in found)
    with pytest.raises(ValidationError, match="at least one answer"):
        Notes(common_errors=("x",), answers={"refugee": ()})
