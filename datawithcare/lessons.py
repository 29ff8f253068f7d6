"""Lesson metadata as data: times, prerequisites and paths in one checked file.

Every page and notebook of the course has one entry in ``lessons.yaml`` (beside
this module): its minutes of teaching and of tasks, the pages it needs first,
and its questions, objectives and key points. The persona paths live there too.
This module reads and checks that file (with pydantic: a misspelt or unknown
key is an error, not silently ignored) and turns it into what the book shows:

- the module times on the welcome page and the course map, and the whole
  course's time, always the sum of the pages;
- the persona paths, with every prerequisite checked;
- each notebook's title cell (questions, objectives and the time line
  "**Time:** about 40 minutes ...") and its "## Key points".

The book gets these at build time through :mod:`datawithcare.sphinx_lessons`.
A maintainer who changes a time, a question, an objective or a key point
changes it here and runs ``python -m datawithcare.lessons`` to rewrite the
notebooks; the tests fail when a notebook and this file disagree.
"""

from __future__ import annotations

import re
import sys
from functools import cached_property
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

#: The one metadata file.
LESSONS_FILE = Path(__file__).with_name("lessons.yaml")

Minutes = Annotated[int, Field(ge=0, le=600)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Page(_Strict):
    """One page or notebook, named as in ``_toc.yml`` (no suffix)."""

    file: str
    title: str
    teaching: Minutes | None = None
    tasks: Minutes | None = None
    requires: tuple[str, ...] = ()
    #: Pages this one can stand in for as a prerequisite (a no-code route
    #: through the same idea, such as a spreadsheet page for a pandas lesson).
    stands_for: tuple[str, ...] = ()
    #: Each item is text, or (on a prose page only) one text per edition:
    #: ``{KEY: ..., OTHER_KEY: ...}``, keyed by the profiles'
    #: ``sector.key``, for a page that gives each edition its own questions
    #: in ``{only}`` passages (:mod:`datawithcare.editions`).
    questions: tuple[str | dict[str, str], ...] = ()
    objectives: tuple[str | dict[str, str], ...] = ()
    key_points: tuple[str | dict[str, str], ...] = ()

    def in_edition(self, key: str) -> Page:
        """This page with each item as the ``key`` edition says it."""

        def pick(items: tuple[str | dict[str, str], ...]) -> tuple[str, ...]:
            out = []
            for item in items:
                if isinstance(item, dict):
                    if key not in item:
                        raise ValueError(
                            f"lessons.yaml, {self.file}: an item has a text for {sorted(item)} "
                            f"but none for the {key!r} edition: add one"
                        )
                    item = item[key]
                out.append(item)
            return tuple(out)

        return self.model_copy(
            update={
                "questions": pick(self.questions),
                "objectives": pick(self.objectives),
                "key_points": pick(self.key_points),
            }
        )

    def editions(self) -> set[str]:
        """The edition keys this page's items name (empty when every item suits every edition)."""
        items = (*self.questions, *self.objectives, *self.key_points)
        return {key for item in items if isinstance(item, dict) for key in item}

    @property
    def minutes(self) -> int:
        return (self.teaching or 0) + (self.tasks or 0)

    @property
    def kind(self) -> str:
        """'exercise', 'notebook' or 'page', from where the file lives."""
        if self.file.startswith("exercises/"):
            return "exercise"
        return "notebook" if self.is_notebook() else "page"

    def is_notebook(self, root: Path | None = None) -> bool:
        base = root or LESSONS_FILE.parent.parent
        return (base / f"{self.file}.ipynb").exists()


class Module(_Strict):
    number: int = Field(ge=0)
    title: str
    landing: str
    can_do: str
    hands_on: str
    pages: tuple[Page, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _timed(self) -> Module:
        for page in self.pages:
            if page.teaching is None or page.tasks is None:
                raise ValueError(
                    f"Module {self.number}: {page.file} needs 'teaching' and 'tasks' minutes "
                    "(write 0 if there is none)."
                )
        if self.landing not in {p.file for p in self.pages}:
            raise ValueError(
                f"Module {self.number}: its landing page {self.landing} is not one of its pages."
            )
        return self

    @property
    def minutes(self) -> int:
        return sum(p.minutes for p in self.pages)


class Guide(_Strict):
    """A part of the book outside the learner's modules (trainer's guide, reference)."""

    title: str
    pages: tuple[Page, ...]


class PersonaPath(_Strict):
    persona: str
    role: str
    goal: str
    #: Each step is a module number or one page's file.
    steps: tuple[int | str, ...] = Field(min_length=1)
    note: str = ""


class Course(_Strict):
    modules: tuple[Module, ...]
    guides: tuple[Guide, ...] = ()
    paths: tuple[PersonaPath, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Course:
        numbers = [m.number for m in self.modules]
        if numbers != list(range(len(numbers))):
            raise ValueError(f"Modules must be numbered 0, 1, 2 ... in order; found {numbers}.")
        seen: set[str] = set()
        for page in self.all_pages():
            if page.file in seen:
                raise ValueError(f"{page.file} is listed twice in the lesson metadata.")
            seen.add(page.file)
        for page in self.all_pages():
            for other in page.stands_for:
                if other not in seen:
                    raise ValueError(
                        f"{page.file} stands for {other}, which has no entry in the lesson metadata."
                    )
            for need in page.requires:
                if need not in seen:
                    raise ValueError(
                        f"{page.file} requires {need}, which has no entry in the lesson metadata."
                    )
                if need == page.file:
                    raise ValueError(f"{page.file} requires itself.")
        for path in self.paths:
            for step in path.steps:
                if isinstance(step, int) and step not in numbers:
                    raise ValueError(f"{path.persona}'s path names module {step}, which does not exist.")
                if isinstance(step, str) and step not in seen:
                    raise ValueError(
                        f"{path.persona}'s path names {step}, which has no entry in the metadata."
                    )
        return self

    # Looking things up ----------------------------------------------------

    def all_pages(self) -> list[Page]:
        return [p for m in self.modules for p in m.pages] + [p for g in self.guides for p in g.pages]

    @cached_property
    def _by_file(self) -> dict[str, Page]:
        return {p.file: p for p in self.all_pages()}

    @cached_property
    def _module_of(self) -> dict[str, int]:
        return {p.file: m.number for m in self.modules for p in m.pages}

    def page(self, file: str) -> Page:
        try:
            return self._by_file[file]
        except KeyError:
            raise KeyError(f"{file} has no entry in {LESSONS_FILE.name}.") from None

    def module(self, number: int) -> Module:
        return self.modules[number]

    def module_of(self, file: str) -> int | None:
        return self._module_of.get(file)

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)

    # Paths and prerequisites ----------------------------------------------

    def expand(self, steps: tuple[int | str, ...] | list[int | str]) -> list[str]:
        """The pages of a path, in order: a module number stands for all its pages."""
        files: list[str] = []
        for step in steps:
            new = [p.file for p in self.module(step).pages] if isinstance(step, int) else [step]
            files += [f for f in new if f not in files]
        return files

    def unmet(self, files: list[str]) -> list[str]:
        """Plain-English problems: a page whose prerequisite is missing or comes later."""
        problems = []
        done: set[str] = set()
        for file in files:
            for need in self.page(file).requires:
                if need in done:
                    continue
                where = "comes after it on" if need in files else "is not on"
                problems.append(f"{file} needs {need}, which {where} the path.")
            done.add(file)
            done.update(self.page(file).stands_for)
        return problems

    def module_needs(self, number: int) -> dict[int, list[str]]:
        """Pages of other, later-or-earlier modules that this module's pages need, by module."""
        needs: dict[int, list[str]] = {}
        for page in self.module(number).pages:
            for need in page.requires:
                other = self.module_of(need)
                if other is not None and other != number and need not in needs.get(other, []):
                    needs.setdefault(other, []).append(need)
        return dict(sorted(needs.items()))


def load_course(path: Path = LESSONS_FILE) -> Course:
    """Read and check the metadata file; raise ``ValueError`` saying what is wrong."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{path} is not valid YAML: {error}") from error
    return Course.model_validate(data)


# Words ----------------------------------------------------------------------


def format_minutes(minutes: int) -> str:
    """'45 minutes', '1 hour', '2 hours 35 minutes': exact, in words a learner reads easily."""
    if minutes < 60:
        return f"{minutes} minutes" if minutes != 1 else "1 minute"
    hours, rest = divmod(minutes, 60)
    text = f"{hours} hour" + ("s" if hours > 1 else "")
    return text + (f" {rest} minutes" if rest else "")


def course_hours(course: Course) -> int:
    """The whole course, rounded to the nearest hour."""
    return round(course.minutes / 60)


def time_line(page: Page) -> str:
    """The title-cell time line of a lesson, from its metadata."""
    total = f"**Time:** about {page.minutes} minutes"
    if page.teaching and page.tasks:
        return f"{total}: {page.teaching} minutes teaching, {page.tasks} minutes for the tasks."
    return f"{total}."


def page_time_words(page: Page) -> str:
    """The time of a prose page, for its '**Time:**' line: 'about 45 minutes: 30 minutes reading, ...'."""
    total = f"about {format_minutes(page.minutes)}"
    if page.teaching and page.tasks:
        return f"{total}: {page.teaching} minutes reading, {page.tasks} minutes for the tasks."
    if page.teaching:
        return f"{total} of reading."
    return f"{total}."


# Notebook title cells ---------------------------------------------------------

_TIME_LINE = re.compile(r"^\*\*Time[:.]?\*\*[:.]?.*$", re.M)
_ABOUT = re.compile(r"about (\d+) minutes")


def exercise_source(root: Path, file: str) -> Path:
    """The solved source of an exercise listed by its student copy in ``_toc.yml``."""
    return root / (file.replace("exercises/release/", "exercises/source/", 1) + ".ipynb")


def title_cell(notebook: dict) -> dict:
    """The first Markdown cell: the lesson's title and its 'questions, time, needs' block."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            return cell
    raise ValueError("The notebook has no Markdown cell.")


def stated_time(notebook: dict) -> str | None:
    """The time line of a notebook's title cell, or None."""
    source = title_cell(notebook)["source"]
    text = source if isinstance(source, str) else "".join(source)
    match = _TIME_LINE.search(text)
    return match.group(0) if match else None


def stated_minutes(notebook: dict) -> int | None:
    """The 'about N minutes' in a notebook's time line."""
    line = stated_time(notebook)
    match = _ABOUT.search(line or "")
    return int(match.group(1)) if match else None


# The questions, objectives and key points are written from the data too:
# the title cell's block from "**Questions**" down to the time line, and the
# "## Key points" section (down to the next "## " heading) of the last cell
# that has one.
_QUESTIONS_BLOCK = re.compile(r"^\*\*Questions\*\*.*?(?=^\*\*Time[:.]?\*\*)", re.S | re.M)
_KEY_POINTS = re.compile(r"^## Key points\n.*?(?=^## |\Z)", re.S | re.M)


def _end(text: str, mark: str) -> str:
    """``text`` ending in ``mark``, unless it already ends a sentence."""
    return text if text.endswith((".", "?", "!", ":", ";")) else text + mark


def _one_text(page: Page) -> None:
    if page.editions():
        raise ValueError(
            f"lessons.yaml, {page.file}: a notebook's questions, objectives and key points are written into "
            "its title cell, so each must suit every edition (use {{ sector }} and the other substitutions)"
        )


def questions_block(page: Page) -> str:
    """The title cell's questions and objectives, from the data."""
    _one_text(page)
    lines = ["**Questions**", ""]
    lines += [f"- {q}" for q in page.questions]
    lines += ["", "**Objectives.** By the end you can", ""]
    last = len(page.objectives) - 1
    lines += [f"- {_end(o, '.' if i == last else ';')}" for i, o in enumerate(page.objectives)]
    return "\n".join(lines) + "\n\n"


def key_points_block(page: Page) -> str:
    """The '## Key points' section, from the data."""
    _one_text(page)
    lines = ["## Key points", ""] + [f"- {_end(k, '.')}" for k in page.key_points]
    return "\n".join(lines) + "\n\n"


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def key_points_cell(notebook: dict) -> dict | None:
    """The last Markdown cell with a '## Key points' section, or None."""
    found = None
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and _KEY_POINTS.search(_source(cell)):
            found = cell
    return found


def lesson_differences(page: Page, notebook: dict) -> list[str]:
    """How a notebook's title cell and key points differ from the data (empty if they agree)."""
    found = []
    title = _source(title_cell(notebook))
    if stated_time(notebook) != time_line(page):
        found.append(f"the time line is not {time_line(page)!r}")
    if page.questions or page.objectives:
        block = _QUESTIONS_BLOCK.search(title)
        if not block:
            found.append("the title cell has no '**Questions**' block above its time line")
        elif block.group(0).rstrip() != questions_block(page).rstrip():
            found.append("the questions or objectives in the title cell differ")
    if page.key_points:
        cell = key_points_cell(notebook)
        if cell is None:
            found.append("there is no '## Key points' section")
        elif _KEY_POINTS.search(_source(cell)).group(0).rstrip() != key_points_block(page).rstrip():
            found.append("the key points differ")
    return found


def rewrite_lesson(page: Page, notebook: dict) -> bool:
    """Write the time line, questions, objectives and key points from the data into ``notebook``.

    Only those parts change. Returns whether anything changed.
    """
    cell = title_cell(notebook)
    text = _source(cell)
    if not _TIME_LINE.search(text):
        raise ValueError(f"{page.file} has no '**Time:**' line in its title cell.")
    new = _TIME_LINE.sub(lambda _: time_line(page), text, count=1)
    if page.questions or page.objectives:
        if not _QUESTIONS_BLOCK.search(new):
            raise ValueError(f"{page.file} has no '**Questions**' block above its time line.")
        new = _QUESTIONS_BLOCK.sub(lambda _: questions_block(page), new, count=1)
    changed = new != text
    cell["source"] = new
    if page.key_points:
        points = key_points_cell(notebook)
        if points is None:
            raise ValueError(f"{page.file} has no '## Key points' section.")
        text = _source(points)
        new = _KEY_POINTS.sub(lambda _: key_points_block(page), text, count=1)
        changed = changed or new != text
        points["source"] = new
    return changed


# Prose pages ------------------------------------------------------------------
#
# A Markdown page writes its questions as one sentence or a list, its
# objectives and key points as lists, with MyST roles ({term}`harm`) and links
# in them. The words, not the mark-up, must agree with the data.

_MD_QUESTIONS = re.compile(r"^\*\*Questions:?\*\*:?\s*(.*?)(?=\n\n)", re.S | re.M)
_MD_OBJECTIVES = re.compile(r"^\*\*Objectives[^\n]*\n\n(.*?)(?=\n\n)", re.S | re.M)
_MD_KEY_POINTS = re.compile(r"^## Key points\n\n(.*?)(?=\n\n|\Z)", re.S | re.M)


def _bullets(text: str) -> list[str]:
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif items and line.strip():
            items[-1] += " " + line.strip()
    return items


def _words(text: str) -> str:
    """Text without its mark-up: roles and links keep their words; spaces and end stops go."""
    text = re.sub(r"\{(?:term|doc)\}`([^`<]*?)(?: ?<[^>]*>)?`", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split()).rstrip(".;:").strip()


def page_differences(page: Page, text: str, edition: str | None = None) -> list[str]:
    """How a Markdown page's questions, objectives and key points differ from the data.

    Both are read as the ``edition`` (default: the active profile's) shows them.
    """
    from datawithcare.editions import resolve

    if edition is None:
        from datawithcare.datasets import course_sector

        edition = course_sector().key
    page = page.in_edition(edition)
    text = resolve(text, edition, page.file)
    found = []
    parts = (
        ("questions", _MD_QUESTIONS, page.questions),
        ("objectives", _MD_OBJECTIVES, page.objectives),
        ("key points", _MD_KEY_POINTS, page.key_points),
    )
    for name, pattern, data in parts:
        match = pattern.search(text)
        if not match and not data:
            continue
        items = _bullets(match.group(1)) if match else []
        if match and not items:  # questions written as one paragraph
            shown, wanted = [_words(match.group(1))], [_words(" ".join(data))]
        else:
            shown, wanted = [_words(i) for i in items], [_words(d) for d in data]
        if shown != wanted:
            found.append(f"the {name} differ from lessons.yaml")
    return found


def write_time_lines(course: Course, root: Path) -> list[Path]:
    """Rewrite every lesson notebook's time line, questions, objectives and key points from the data.

    Only those parts change. Exercises are left alone: their student
    copies are generated from the sources, which state 'about N minutes'.
    Returns the notebooks that changed.
    """
    import nbformat

    changed = []
    for page in course.all_pages():
        if page.teaching is None or page.kind != "notebook":
            continue
        path = root / f"{page.file}.ipynb"
        nb = nbformat.read(path, as_version=4)
        if rewrite_lesson(page, nb):
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    root = LESSONS_FILE.parent.parent
    course = load_course()
    for path in write_time_lines(course, root):
        print(f"updated the title cell and key points of {path.relative_to(root)}")
    print(f"{len(course.modules)} modules, {format_minutes(course.minutes)} in all.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
