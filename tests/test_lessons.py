"""Lesson metadata (datawithcare/lessons.yaml): times and paths come from data, and add up.

The times a learner reads (welcome page, course map, module pages, each
notebook's title cell) and the persona paths are generated from one file.
These tests hold that file to the book: every page has an entry, every
path includes what its lessons need first, and the built pages show the
file's numbers, summed from the pages.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import yaml
from harness import ROOT, toc_files
from pydantic import ValidationError

from datawithcare.generator.profile import load_profile, shipped_profiles
from datawithcare.lessons import (
    LESSONS_FILE,
    Course,
    exercise_source,
    format_minutes,
    key_points_cell,
    lesson_differences,
    load_course,
    page_differences,
    questions_block,
    rewrite_lesson,
    stated_minutes,
    stated_time,
    time_line,
)

COURSE = load_course()
RAW = yaml.safe_load(LESSONS_FILE.read_text(encoding="utf-8"))


def _raw_module_minutes() -> dict[int, int]:
    """Each module's minutes, added up here from the raw YAML (not through the model)."""
    return {m["number"]: sum(p["teaching"] + p["tasks"] for p in m["pages"]) for m in RAW["modules"]}


# The file itself ----------------------------------------------------------------


def test_an_unknown_or_misspelt_key_is_an_error() -> None:
    data = copy.deepcopy(RAW)
    data["modules"][6]["pages"][1]["minutes_teaching"] = 30
    with pytest.raises(ValidationError, match="minutes_teaching"):
        Course.model_validate(data)


def test_a_module_page_without_minutes_is_an_error() -> None:
    data = copy.deepcopy(RAW)
    del data["modules"][3]["pages"][2]["tasks"]
    with pytest.raises(ValidationError, match="needs 'teaching' and 'tasks'"):
        Course.model_validate(data)


def test_a_prerequisite_must_name_a_page_with_metadata() -> None:
    data = copy.deepcopy(RAW)
    data["modules"][6]["pages"][2]["requires"] = ["notebooks/06z-no-such-lesson"]
    with pytest.raises(ValidationError, match="06z-no-such-lesson"):
        Course.model_validate(data)


def test_every_toc_page_has_metadata_and_every_entry_is_in_the_toc() -> None:
    in_toc = toc_files()
    in_data = [p.file for p in COURSE.all_pages()]
    assert sorted(set(in_toc) - set(in_data)) == [], "These _toc.yml pages have no entry in lessons.yaml."
    assert sorted(set(in_data) - set(in_toc)) == [], "These lessons.yaml entries are not in _toc.yml."


def test_each_module_holds_exactly_its_toc_part_in_order() -> None:
    """A module's time is the sum of the pages the learner meets in that part of the menu."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

    def walk(entries: list[dict]) -> list[str]:
        out = []
        for entry in entries:
            out.append(entry["file"])
            out += walk(entry.get("sections", []))
        return out

    parts = {}
    for part in toc["parts"]:
        match = re.match(r"(\d+)\. ", part["caption"])
        if match:
            parts[int(match.group(1))] = walk(part["chapters"])
    assert sorted(parts) == [m.number for m in COURSE.modules]
    for module in COURSE.modules:
        assert [p.file for p in module.pages] == parts[module.number], f"Module {module.number} differs."


def test_every_lesson_with_a_notebook_states_questions_objectives_and_key_points() -> None:
    missing = [
        p.file
        for m in COURSE.modules
        for p in m.pages
        if p.kind == "notebook" and not (p.questions and p.objectives and p.key_points)
    ]
    assert not missing, (
        f"These lessons have no questions, objectives or key points in lessons.yaml: {missing}"
    )


def test_the_trainers_cohort_view_is_not_in_a_learner_module() -> None:
    learner = {p.file for m in COURSE.modules for p in m.pages}
    assert "book/trainers/cohort-view" not in learner
    assert not (ROOT / "notebooks" / "02b-cohort-view.ipynb").exists()


# Paths and prerequisites ---------------------------------------------------------


@pytest.mark.parametrize("path", COURSE.paths, ids=lambda p: p.persona)
def test_every_persona_path_satisfies_every_prerequisite(path) -> None:
    problems = COURSE.unmet(COURSE.expand(path.steps))
    assert not problems, f"{path.persona}'s path:\n" + "\n".join(problems)


def test_the_old_paths_are_caught() -> None:
    """The review found Amira skipping module 8 and Tomasz skipping module 6: the check must see both."""
    amira = COURSE.unmet(COURSE.expand([0, 1, 6, 7, 9]))
    tomasz = COURSE.unmet(COURSE.expand([0, 3, 4, 8, 10]))
    assert any("08a-aggregate-suppress-round" in p for p in amira)
    assert any("06e-joining-and-time" in p for p in tomasz)


def test_lesson_05_needs_6a_and_6b() -> None:
    assert {"notebooks/06a-first-look", "notebooks/06b-selecting-and-filtering"} <= set(
        COURSE.page("notebooks/05-checking-incoming-data").requires
    )


def test_a_page_needed_later_on_the_path_is_reported() -> None:
    steps = ["book/start-here/how-to-use", "notebooks/00-jupyter-in-ten-minutes"]
    problems = COURSE.unmet([*steps, "notebooks/06b-selecting-and-filtering", "notebooks/06a-first-look"])
    assert problems == [
        "notebooks/06b-selecting-and-filtering needs notebooks/06a-first-look, which comes after it on the path."
    ]


def test_a_no_code_page_can_stand_in_for_a_lesson_on_a_path() -> None:
    """How the spreadsheet route joins a path: one entry that stands for the pandas lessons."""
    data = copy.deepcopy(RAW)
    data["modules"][6]["pages"].append(
        {
            "file": "book/spreadsheet-companion/counting",
            "title": "Counting in a spreadsheet",
            "teaching": 20,
            "tasks": 20,
            "stands_for": ["notebooks/06d-counting-and-grouping"],
        }
    )
    course = Course.model_validate(data)
    path = [0, "book/sharing-safely/index", "book/spreadsheet-companion/counting"]
    assert course.unmet(course.expand([*path, "notebooks/08a-aggregate-suppress-round"])) == []
    without = course.unmet(course.expand([0, "notebooks/08a-aggregate-suppress-round"]))
    assert without == [
        "notebooks/08a-aggregate-suppress-round needs notebooks/06d-counting-and-grouping, which is not on the path."
    ]


def test_amira_and_tomasz_do_module_8() -> None:
    by_name = {p.persona: p for p in COURSE.paths}
    assert by_name["Tomasz"].steps.index(6) < by_name["Tomasz"].steps.index(8)
    # Amira hides small numbers (module 8's core, lesson 8a or a page standing
    # for it) before any page of module 9.
    amira = COURSE.expand(by_name["Amira"].steps)
    covers_8a = [
        i
        for i, f in enumerate(amira)
        if f == "notebooks/08a-aggregate-suppress-round"
        or "notebooks/08a-aggregate-suppress-round" in COURSE.page(f).stands_for
    ]
    module_9 = [i for i, f in enumerate(amira) if COURSE.module_of(f) == 9]
    assert covers_8a and module_9 and covers_8a[0] < module_9[0], amira


def test_amiras_path_writes_no_code() -> None:
    """Amira's route: after lesson 00, widgets (which need only Run) and pages; no exercise, no pandas lesson."""
    amira = COURSE.expand(next(p for p in COURSE.paths if p.persona == "Amira").steps)
    code = [
        f
        for f in amira
        if COURSE.page(f).kind == "exercise"
        or (COURSE.page(f).kind == "notebook" and f not in AMIRA_NOTEBOOKS)
    ]
    assert not code, f"Amira's path asks her to write code in {code}"
    assert any(f.startswith("book/spreadsheet-companion/") for f in amira)


# The notebooks on Amira's route: lesson 00 (how to run a cell) and widgets.
AMIRA_NOTEBOOKS = {"notebooks/00-jupyter-in-ten-minutes", "notebooks/01-data-needs-planner"}


# Notebook title cells ----------------------------------------------------------------


LESSON_NOTEBOOKS = [p for p in COURSE.all_pages() if p.kind == "notebook" and p.teaching is not None]
EXERCISES = [p for p in COURSE.all_pages() if p.kind == "exercise"]


@pytest.mark.parametrize("page", LESSON_NOTEBOOKS, ids=lambda p: p.file.rsplit("/", 1)[-1])
def test_notebook_title_cell_and_key_points_match_the_data(page) -> None:
    """lessons.yaml is the one source of a lesson's time, questions, objectives and key points."""
    nb = json.loads((ROOT / f"{page.file}.ipynb").read_text(encoding="utf-8"))
    assert stated_time(nb) == time_line(page)
    found = lesson_differences(page, nb)
    assert not found, (
        f"{page.file} differs from lessons.yaml: {'; '.join(found)}. Change lessons.yaml, then run "
        "`python -m datawithcare.lessons` to rewrite the notebook from it."
    )


def test_a_notebook_edited_by_hand_is_caught_and_rewritten_from_the_data() -> None:
    """A planted edit in each of the three parts is found; rewriting from the data mends it."""
    page = COURSE.page("notebooks/06a-first-look")
    clean = json.loads((ROOT / f"{page.file}.ipynb").read_text(encoding="utf-8"))
    assert lesson_differences(page, clean) == []
    title, points = clean["cells"][0], key_points_cell(clean)
    edits = {
        "the questions or objectives in the title cell differ": (
            title,
            "- look at the first and last rows",
            "- look at the first rows",
        ),
        "the key points differ": (
            points,
            "read the smallest and largest values first",
            "read the mean first",
        ),
        "the time line is not": (title, "**Time:** about", "**Time:** roughly"),
    }
    for message, (cell, before, after) in edits.items():
        nb = copy.deepcopy(clean)
        target = nb["cells"][clean["cells"].index(cell)]
        text = "".join(target["source"]) if isinstance(target["source"], list) else target["source"]
        assert before in text
        target["source"] = text.replace(before, after, 1)
        found = lesson_differences(page, nb)
        assert len(found) == 1 and found[0].startswith(message), found
        assert rewrite_lesson(page, nb) is True
        assert lesson_differences(page, nb) == []
    # An objective added in the data (and not yet in the notebook) is caught too.
    more = page.model_copy(update={"objectives": (*page.objectives, "say what one row means")})
    assert lesson_differences(more, clean) == ["the questions or objectives in the title cell differ"]


PROSE_PAGES = [p for p in COURSE.all_pages() if (ROOT / f"{p.file}.md").exists()]


EDITIONS = sorted({load_profile(name)["sector"]["key"] for name in shipped_profiles()})


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("page", PROSE_PAGES, ids=lambda p: p.file.removeprefix("book/"))
def test_prose_page_questions_objectives_and_key_points_match_the_data(page, edition) -> None:
    """A page's words may carry links and glossary roles; the words must be lessons.yaml's, in each edition."""
    found = page_differences(page, (ROOT / f"{page.file}.md").read_text(encoding="utf-8"), edition)
    assert not found, (
        f"{page.file}.md ({edition} edition): {'; '.join(found)}. Make the page and lessons.yaml say the same."
    )


def test_an_item_for_each_edition_names_every_shipped_edition_and_only_prose_pages_use_them() -> None:
    varied = [p for p in COURSE.all_pages() if p.editions()]
    assert varied, "No page gives each edition its own questions: pick another test."
    for page in varied:
        assert page.editions() == set(EDITIONS), (page.file, page.editions())
        assert not page.is_notebook(), f"{page.file}: a notebook's title cell must suit every edition"
    page = varied[0]
    with pytest.raises(ValueError, match="none for the 'youth' edition"):
        page.in_edition("youth")
    with pytest.raises(ValueError, match="must suit every edition"):
        questions_block(page)
    # Each edition reads its own words.
    texts = {key: page.in_edition(key).questions for key in EDITIONS}
    assert len(set(texts.values())) == len(EDITIONS), texts


def test_a_prose_page_edited_by_hand_is_caught() -> None:
    page = COURSE.page("book/ethics/risks-and-harms")
    text = (ROOT / f"{page.file}.md").read_text(encoding="utf-8")
    assert page_differences(page, text) == []
    planted = {
        "questions": text.replace(
            "How do we tell a small\nrisk from a serious one?", "How big is a risk?", 1
        ),
        "objectives": text.replace("- rate a risk by how likely", "- rate a risk by how new", 1),
        "key points": text.replace("## Key points\n\n- ", "## Key points\n\n- Never ", 1),
    }
    for part, edited in planted.items():
        assert edited != text, part
        assert page_differences(page, edited) == [f"the {part} differ from lessons.yaml"]
    # A page whose block went missing while the data still has it is caught too.
    assert "the key points differ from lessons.yaml" in page_differences(
        page, text.replace("## Key points", "## Points")
    )


@pytest.mark.parametrize("page", EXERCISES, ids=lambda p: p.file.rsplit("/", 1)[-1])
def test_exercise_time_matches_the_data(page) -> None:
    for path in (exercise_source(ROOT, page.file), ROOT / f"{page.file}.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert stated_minutes(nb) == page.minutes, f"{path.relative_to(ROOT)} says a different time."


# What the book shows ------------------------------------------------------------------


def test_landing_pages_type_no_module_times_by_hand() -> None:
    """A time in prose goes stale; the landing pages take every module time from the data."""
    for page in ("book/index.md", "book/start-here/course-map.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        typed = re.findall(r"\d+(?:½|¼|¾)? (?:hours?|minutes)\b(?! of)", text)
        assert not typed, f"{page} types times by hand: {typed}"
        assert "{{ course_hours }}" in text
    assert "{{ welcome_modules }}" in (ROOT / "book/index.md").read_text(encoding="utf-8")
    course_map = (ROOT / "book/start-here/course-map.md").read_text(encoding="utf-8")
    assert "{{ course_map_modules }}" in course_map and "{{ persona_paths }}" in course_map


def test_every_module_page_takes_its_time_line_from_the_data() -> None:
    for module in COURSE.modules[1:]:
        text = (ROOT / f"{module.landing}.md").read_text(encoding="utf-8")
        line = re.search(r"^\*\*Time[.:]\*\*.*$", text, re.M)
        assert line, f"{module.landing}: no '**Time:**' line."
        assert f'{{{{ module_time["{module.number}"] }}}}' in line.group(0), (
            f'{module.landing}: the time line should use {{{{ module_time["{module.number}"] }}}}.'
        )


def test_every_prose_page_takes_its_time_line_from_the_data() -> None:
    typed = []
    for page in COURSE.all_pages():
        source = ROOT / f"{page.file}.md"
        if page.teaching is None or not source.exists() or page.file.endswith("/index"):
            continue
        line = re.search(r"^\*\*Time[.:]\*\*.*$", source.read_text(encoding="utf-8"), re.M)
        if line and f'{{{{ page_line["{page.file}"] }}}}' not in line.group(0):
            typed.append(page.file)
    assert not typed, f"These pages type their time by hand; use {{{{ page_line[...] }}}}: {typed}"


_NUMBER_WORDS = {"five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40}


def titled_minutes(title: str) -> int | None:
    """The minutes a title promises ('Jupyter in ten minutes' -> 10), or None."""
    match = re.search(r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r") minutes?\b", title, re.I)
    if not match:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def test_no_title_promises_a_time_its_minutes_do_not_keep() -> None:
    """The review found "Jupyter in ten minutes" taking 20 minutes by its own data."""
    assert titled_minutes("Jupyter in ten minutes") == 10
    assert titled_minutes("Jupyter: your first notebook") is None
    wrong = [
        (p.file, p.title, p.minutes)
        for p in COURSE.all_pages()
        if titled_minutes(p.title) is not None and titled_minutes(p.title) != p.minutes
    ]
    assert not wrong, f"These titles promise a time their minutes in lessons.yaml do not keep: {wrong}"
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        title = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"]
        heading = ("".join(title) if isinstance(title, list) else title).splitlines()[0]
        assert titled_minutes(heading) is None, f"{notebook.name}: a time in the title {heading!r}"


def test_times_are_written_in_plain_words() -> None:
    assert format_minutes(45) == "45 minutes"
    assert format_minutes(60) == "1 hour"
    assert format_minutes(155) == "2 hours 35 minutes"


def _cells(row) -> list[str]:
    return [" ".join(c.get_text(" ").split()) for c in row.find_all(["td", "th"])]


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_built_course_map_and_welcome_page_show_the_datas_sums(built_book) -> None:
    from bs4 import BeautifulSoup

    expected = {n: format_minutes(m) for n, m in _raw_module_minutes().items()}
    total_hours = round(sum(_raw_module_minutes().values()) / 60)

    course_map = BeautifulSoup(
        (built_book.html / "book" / "start-here" / "course-map.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    rows = [_cells(r) for r in course_map.select("article table tbody tr")]
    shown = {int(r[0]): r[-1] for r in rows if r and r[0].isdigit()}
    assert shown == expected, "The course map's module times are not the sums of the pages in lessons.yaml."
    text = " ".join(course_map.get_text(" ").split())
    assert f"whole course takes about {total_hours} hours" in text
    assert "{{" not in text, "A substitution was left unrendered on the course map."
    amira = re.search(r"Amira, a volunteer coordinator.*?It takes about", text)
    hiding = COURSE.page("book/spreadsheet-companion/hiding-small-numbers").title
    assert amira and hiding in amira.group(0), (
        f"Amira's path on the course map should include module 8's core, {hiding!r}."
    )

    welcome = BeautifulSoup(
        (built_book.html / "book" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    rows = [_cells(r) for r in welcome.select("article table tbody tr")]
    shown = {int(r[0].split(".")[0]): r[-1] for r in rows if r and r[0][:1].isdigit()}
    assert shown == expected, "The welcome page's module times are not the sums of the pages in lessons.yaml."
    assert f"whole course takes about {total_hours} hours" in " ".join(welcome.get_text(" ").split())

    analysis = (built_book.html / "book" / "analysis-basics" / "index.html").read_text(encoding="utf-8")
    analysis_text = " ".join(BeautifulSoup(analysis, "html.parser").get_text(" ").split())
    assert f"about {expected[6]} in all" in analysis_text
