"""Sphinx extension: the book's times, paths and run-sheets, from the lesson metadata.

Registered in ``_config.yml`` (``sphinx: extra_extensions``). Like
:mod:`datawithcare.sphinx_law`, it adds MyST substitutions before the pages are
read, so a page writes ``{{ course_hours }}`` or ``{{ module_time["6"] }}`` and
the number comes from ``datawithcare/lessons.yaml``, never from prose:

- ``course_hours``: the whole course, rounded to the hour ("37");
- ``course_time``: the whole course, exact ("37 hours 10 minutes");
- ``module_time["N"]``: one module, the sum of its pages, and
  ``module_split["N"]``: how much of that is reading and how much tasks;
- ``page_time["notebooks/06a-first-look"]``: one page, and ``page_line[...]``
  the words of a prose page's time line ("about 45 minutes: 30 minutes reading, ...");
- ``welcome_modules``, ``course_map_modules``, ``course_map_order_notes``,
  ``persona_paths``: whole blocks (a table, notes, the paths) for the welcome
  page and the course map; a block substitution stands alone on its line.

The names of the imagined organisation and its sector come from the active
sector profile (:func:`datawithcare.datasets.course_names`), so ``_config.yml``
does not repeat them: ``example_org`` (the organisation's name),
``example_org_short`` (its name on second mention), ``city``, ``sector`` (the
sector's name) and ``sector_people`` (the people it serves). A fork changes the profile, and
every page follows.

It also tags each build with the active sector's key, so a page's
``{only} KEY`` passages show in their own edition only
(:mod:`datawithcare.editions`), and writes the names and the edition into
the copies the download buttons serve.

The trainers' run-sheets (``session_plans``) and ``instructor_notes`` come from
here too, written by :mod:`datawithcare.runsheets`.
"""

from __future__ import annotations

from typing import Any

from datawithcare.lessons import Course, Module, course_hours, format_minutes, load_course, page_time_words


def _doc(file: str, text: str) -> str:
    return f"{{doc}}`{text} </{file}>`"


def _step_link(course: Course, step: int | str) -> str:
    if isinstance(step, int):
        module = course.module(step)
        return _doc(module.landing, f"module {step}")
    return _doc(step, course.page(step).title)


def module_split(module: Module) -> str:
    """'2 hours 10 minutes of reading and teaching, 45 minutes of tasks'."""
    teaching = sum(p.teaching or 0 for p in module.pages)
    tasks = sum(p.tasks or 0 for p in module.pages)
    return f"{format_minutes(teaching)} of reading and teaching, {format_minutes(tasks)} of tasks"


def welcome_modules(course: Course) -> str:
    rows = ["| Module | Time |", "| --- | --- |"]
    for m in course.modules:
        rows.append(f"| {m.number}. {_doc(m.landing, m.title)} | {format_minutes(m.minutes)} |")
    return "\n".join(rows)


def course_map_modules(course: Course) -> str:
    rows = [
        "| # | Module | At the end, you can ... | Hands-on activity | Time |",
        "| --- | --- | --- | --- | --- |",
    ]
    for m in course.modules:
        rows.append(
            f"| {m.number} | {_doc(m.landing, m.title)} | {m.can_do} | {m.hands_on} | {format_minutes(m.minutes)} |"
        )
    return "\n".join(rows)


def course_map_order_notes(course: Course) -> str:
    """Where a module needs pages from a later module: say so, so nobody gets stuck."""
    notes = []
    for m in course.modules:
        for other, files in course.module_needs(m.number).items():
            if other <= m.number:
                continue
            users = [p for p in m.pages if any(f in p.requires for f in files)]
            needed = " and ".join(_doc(f, course.page(f).title) for f in files)
            for page in users:
                notes.append(
                    f"- In module {m.number}, {_doc(page.file, page.title)} uses what you learn in "
                    f"module {other}: do {needed} first."
                )
    if not notes:
        return "Every lesson needs only lessons that come before it."
    return "\n".join(["The numbers are an order that works, with one exception:", "", *notes])


def persona_paths(course: Course) -> str:
    blocks = []
    for path in course.paths:
        files = course.expand(path.steps)
        minutes = sum(course.page(f).minutes for f in files)
        steps = ", then ".join(_step_link(course, s) for s in path.steps)
        body = f"{path.goal} Your path: {steps}. It takes about {format_minutes(minutes)}."
        if path.note:
            body += f" {path.note}"
        blocks.append(f"{path.persona}, {path.role}\n: {body}")
    return "\n\n".join(blocks)


def substitutions(course: Course) -> dict[str, Any]:
    return {
        "course_hours": str(course_hours(course)),
        "course_time": format_minutes(course.minutes),
        "module_time": {str(m.number): format_minutes(m.minutes) for m in course.modules},
        "module_split": {str(m.number): module_split(m) for m in course.modules},
        "page_time": {
            p.file: format_minutes(p.minutes) for p in course.all_pages() if p.teaching is not None
        },
        "page_line": {p.file: page_time_words(p) for p in course.all_pages() if p.teaching is not None},
        "welcome_modules": welcome_modules(course),
        "course_map_modules": course_map_modules(course),
        "course_map_order_notes": course_map_order_notes(course),
        "persona_paths": persona_paths(course),
    }


def _add_substitutions(_app: Any, config: Any) -> None:
    from datawithcare.datasets import course_names
    from datawithcare.runsheets import (
        instructor_notes_markdown,
        load_notes,
        load_programme,
        session_plans_markdown,
    )

    course = load_course()
    notes = load_notes()
    values = dict(getattr(config, "myst_substitutions", None) or {})
    values.update(course_names())
    values.update(substitutions(course))
    values["session_plans"] = session_plans_markdown(load_programme(), course, notes)
    values["instructor_notes"] = instructor_notes_markdown(notes, course)
    config.myst_substitutions = values


def _add_edition_tag(app: Any, _config: Any) -> None:
    """Tag the build with the active sector's key, so ``{only} KEY`` passages show in its edition."""
    from datawithcare.datasets import course_sector

    app.tags.add(course_sector().key)


def _fill_downloads(app: Any, exception: Exception | None) -> None:
    """The pages' download buttons give the active edition, with its names written in.

    The buttons serve the copies of the sources in ``_sources/``. JupyterLab
    shows a substitution or an ``{only}`` fence as it is, so those copies get
    what the learner bundle gets (:func:`datawithcare.bundle.render_names`).
    """
    from pathlib import Path

    from datawithcare.bundle import render_names

    sources = Path(app.outdir) / "_sources"
    if exception is None and sources.is_dir():
        render_names(sources)


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", _add_substitutions)
    app.connect("config-inited", _add_edition_tag)
    app.connect("build-finished", _fill_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
