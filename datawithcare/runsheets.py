"""Run-sheets for trainers, generated from the lesson metadata.

Two data files beside this module, both checked with pydantic (unknown keys
are an error):

- ``runsheets.yaml``: the core programme (six sessions of 2½ hours) and the
  optional sessions, minute by minute: each slot's activity, the pages it
  uses, what to do and a checkpoint; what to cut when behind; what learners
  do between sessions.
- ``instructor_notes.yaml``: for every lesson notebook and exercise, what to
  live-code, common errors and the answers to expect, and a content note
  where a lesson shows distressing material. Answers that come from the
  data are given for each edition (the profile's ``sector.key``), because
  each profile ships its own data; the book shows the active edition's.

:func:`problems` says, in plain English, where a run-sheet does not fit its
session or schedules a page before a page it needs (from ``lessons.yaml``).
:func:`session_plans_markdown` and :func:`instructor_notes_markdown` write the
trainer's pages; :mod:`datawithcare.sphinx_lessons` puts them in the book.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from datawithcare.lessons import Course, format_minutes, load_course

RUNSHEETS_FILE = Path(__file__).with_name("runsheets.yaml")
NOTES_FILE = Path(__file__).with_name("instructor_notes.yaml")

Activity = Literal["arrive", "recap", "teach", "live-code", "tasks", "exercise", "discuss", "break", "close"]
#: Activities that work through a page, so must name one.
NEEDS_A_PAGE = {"teach", "live-code", "tasks", "exercise"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Slot(_Strict):
    minutes: int = Field(gt=0, le=90)
    activity: Activity
    what: str
    pages: tuple[str, ...] = ()
    checkpoint: str = ""


class Session(_Strict):
    title: str
    goal: str
    before: str = ""
    slots: tuple[Slot, ...] = Field(min_length=1)
    cut_if_behind: tuple[str, ...] = Field(min_length=1)
    between: tuple[str, ...] = ()

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.slots)


class Programme(_Strict):
    session_minutes: int = Field(gt=0)
    core: tuple[Session, ...] = Field(min_length=1)
    optional: tuple[Session, ...] = ()


class Notes(_Strict):
    live_code: tuple[str, ...] = ()
    common_errors: tuple[str, ...] = Field(min_length=1)
    #: The answers to expect: one list for every edition, or, where they come
    #: from the data, one list per edition, under its key (the profile's ``sector.key``).
    answers: tuple[str, ...] | dict[str, tuple[str, ...]]
    content_note: str = ""

    @field_validator("answers")
    @classmethod
    def _some_answers(cls, value: tuple[str, ...] | dict[str, tuple[str, ...]]) -> object:
        lists = value.values() if isinstance(value, dict) else [value]
        if not value or not all(lists):
            raise ValueError("give at least one answer (for each edition named)")
        return value

    def answers_for(self, edition: str) -> tuple[str, ...]:
        """The answers in ``edition`` (a profile's ``sector.key``); none if it has none of its own."""
        if isinstance(self.answers, dict):
            return self.answers.get(edition, ())
        return self.answers


def active_edition() -> str:
    """The active profile's edition key (``sector.key``), whose answers the book shows."""
    from datawithcare.datasets import course_sector

    return course_sector().key


def _read(path: Path) -> object:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path} is not valid YAML: {error}") from error


def load_programme(path: Path = RUNSHEETS_FILE) -> Programme:
    return Programme.model_validate(_read(path))


def load_notes(path: Path = NOTES_FILE) -> dict[str, Notes]:
    data = _read(path) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} should map each page to its notes.")
    notes = {}
    for file, entry in data.items():
        try:
            notes[file] = Notes.model_validate(entry)
        except ValueError as error:
            raise ValueError(f"{path}, the notes for {file}: {error}") from error
    return notes


# Checks ----------------------------------------------------------------------------


def scheduled_order(programme: Programme) -> list[tuple[str, str]]:
    """Every page in the order the programme meets it: (page, where), core then optional.

    A page met twice counts from its first appearance.
    """
    order: list[tuple[str, str]] = []
    for number, session in enumerate(programme.core, start=1):
        for slot in session.slots:
            order += [(p, f"session {number}") for p in slot.pages]
        order += [(p, f"after session {number}") for p in session.between]
    for session in programme.optional:
        for slot in session.slots:
            order += [(p, session.title) for p in slot.pages]
        order += [(p, f"after {session.title}") for p in session.between]
    return order


def problems(programme: Programme, course: Course) -> list[str]:
    """Plain-English problems: a session that does not fit, a slot without its page,
    a page scheduled before a page it needs, a page nobody ever schedules."""
    found = []
    for label, session in _labelled(programme):
        if session.minutes != programme.session_minutes:
            found.append(
                f"{label} ({session.title}) adds up to {session.minutes} minutes, "
                f"not {programme.session_minutes}."
            )
        if not any(s.activity == "break" for s in session.slots):
            found.append(f"{label} ({session.title}) has no break.")
        for slot in session.slots:
            if slot.activity in NEEDS_A_PAGE and not slot.pages:
                found.append(f"{label}: a '{slot.activity}' slot names no page ({slot.what[:40]}...).")
    seen: set[str] = set()
    for page, where in scheduled_order(programme):
        try:
            entry = course.page(page)
        except KeyError:
            found.append(f"{where} names {page}, which has no entry in lessons.yaml.")
            continue
        for need in entry.requires:
            if need not in seen:
                found.append(f"{where}: {page} needs {need}, which is not scheduled before it.")
        seen.add(page)
    for module in course.modules:
        for page in module.pages:
            if page.file not in seen:
                found.append(
                    f"{page.file} (module {module.number}) is never scheduled, in a session or between."
                )
    return found


def missing_notes(notes: dict[str, Notes], course: Course, edition: str | None = None) -> list[str]:
    """Lessons (notebooks) and exercises with no instructor notes, notes for unknown pages,
    and answers given per edition with none for ``edition`` (default: the active one)."""
    edition = edition or active_edition()
    needed = [p for p in course.all_pages() if p.kind in {"notebook", "exercise"} and p.teaching is not None]
    out = [f"{p.file} has no instructor notes." for p in needed if p.file not in notes]
    out += [
        f"{file} gives answers for the editions {', '.join(note.answers)} but none for {edition}: "
        f"add '{edition}:' under its answers, with the figures from your data."
        for file, note in notes.items()
        if not note.answers_for(edition)
    ]
    out += [
        f"{p.file} has no 'live_code' notes: say what to type in front of the room."
        for p in needed
        if p.kind == "notebook" and p.file in notes and not notes[p.file].live_code
    ]
    known = {p.file for p in course.all_pages()}
    out += [f"instructor_notes.yaml names {f}, which is not a page." for f in notes if f not in known]
    return out


def _labelled(programme: Programme) -> list[tuple[str, Session]]:
    return [(f"Session {n}", s) for n, s in enumerate(programme.core, start=1)] + [
        (f"Optional session {chr(64 + n)}", s) for n, s in enumerate(programme.optional, start=1)
    ]


# Rendering ---------------------------------------------------------------------------


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _doc(file: str, text: str) -> str:
    return f"{{doc}}`{text} </{file}>`"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def session_markdown(
    label: str, session: Session, course: Course, notes: dict[str, Notes], last: bool = False
) -> str:
    lines = [f"## {label}: {session.title}", "", f"**Goal:** {session.goal}", ""]
    if session.before:
        lines += [f"**Before the session:** {session.before}", ""]
    lines += ["| time | min | activity | what you do | checkpoint |", "| --- | ---: | --- | --- | --- |"]
    start = 0
    for slot in session.slots:
        what = slot.what
        if slot.pages:
            what = ", ".join(_doc(p, course.page(p).title) for p in slot.pages) + ": " + what
        for page in slot.pages:
            note = notes.get(page)
            if note and note.content_note:
                what = f"**Content note first:** {note.content_note} " + what
        lines.append(
            f"| {_clock(start)} | {slot.minutes} | {slot.activity} | {_cell(what)} | {_cell(slot.checkpoint)} |"
        )
        start += slot.minutes
    lines += ["", f"Ends at {_clock(start)} ({format_minutes(start)}).", ""]
    lines += ["**If you are behind:**", ""] + [f"- {cut}" for cut in session.cut_if_behind] + [""]
    if session.between:
        load = format_minutes(sum(course.page(p).minutes for p in session.between))
        when = "After the course" if last else "Before the next session"
        lines += [f"**{when}, learners do** (about {load} in all):", ""]
        lines += [
            f"- {_doc(p, course.page(p).title)} ({format_minutes(course.page(p).minutes)})"
            for p in session.between
        ]
        lines.append("")
    return "\n".join(lines)


def session_plans_markdown(programme: Programme, course: Course, notes: dict[str, Notes]) -> str:
    last = f"Session {len(programme.core)}"
    return "\n".join(
        session_markdown(label, session, course, notes, last=label == last)
        for label, session in _labelled(programme)
    )


def instructor_notes_markdown(notes: dict[str, Notes], course: Course, edition: str | None = None) -> str:
    """The trainers' notes page, with the answers of ``edition`` (default: the active one)."""
    edition = edition or active_edition()
    parts = []
    for module in course.modules:
        pages = [p for p in module.pages if p.file in notes]
        if not pages:
            continue
        parts += [f"## Module {module.number}: {module.title}", ""]
        for page in pages:
            note = notes[page.file]
            parts += [f"### {_doc(page.file, page.title)}", ""]
            if note.content_note:
                parts += [f"**Content note:** {note.content_note}", ""]
            for heading, items in (
                ("Live-code", note.live_code),
                ("Common errors", note.common_errors),
                ("Answers", note.answers_for(edition)),
            ):
                if items:
                    parts += [f"**{heading}**", ""] + [f"- {item}" for item in items] + [""]
    for guide in course.guides:
        for page in guide.pages:
            if page.file in notes:
                note = notes[page.file]
                parts += [f"## {_doc(page.file, page.title)}", ""]
                parts += ["**Live-code**", ""] + [f"- {i}" for i in note.live_code] + [""]
                parts += ["**Common errors**", ""] + [f"- {i}" for i in note.common_errors] + [""]
                parts += ["**Answers**", ""] + [f"- {i}" for i in note.answers_for(edition)] + [""]
    return "\n".join(parts)


def main() -> int:
    course = load_course()
    programme = load_programme()
    found = problems(programme, course) + missing_notes(load_notes(), course)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
