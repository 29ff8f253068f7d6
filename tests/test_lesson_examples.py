"""The examples lessons pick still make their point on the data of every shipped edition.

Each lesson runs on both sectors (tests/test_notebooks.py), but a lesson can run
and still show nothing: in the homelessness edition, lesson 6e counted ESOL
learners and found none, lesson 7b's "percentages of tiny groups" had no tiny
group (ten large areas), and lesson 4c's person had no register rows to protect.
These tests read the example from the lesson itself and check it on each
shipped profile's data (made from its seed, byte for byte the shipped files).
"""

from __future__ import annotations

import functools
import re

import pandas as pd
import pytest
from harness import ROOT, cell_source, read_notebook

from datawithcare import editions, forkcheck
from datawithcare.generate import generate_tables
from datawithcare.generator.profile import load_profile, shipped_profiles

SECTORS = shipped_profiles()


@functools.cache
def tables(name: str) -> dict[str, pd.DataFrame]:
    return generate_tables(profile=load_profile(name))


def lesson_text(stem: str, kinds: tuple[str, ...] = ("code", "markdown")) -> str:
    notebook = read_notebook(ROOT / "notebooks" / f"{stem}.ipynb")
    return "\n".join(cell_source(c) for c in notebook["cells"] if c["cell_type"] in kinds)


def lesson_code(stem: str) -> str:
    return lesson_text(stem, ("code",))


@pytest.mark.parametrize("name", SECTORS)
def test_the_subject_access_request_finds_her_in_every_table(name: str) -> None:
    """Lesson 4c: the person who asks (and the second one in task 1) is a woman, as the lesson says,
    with cases, register rows (step 4 is about the other people on her registers) and surveys."""
    code, text = lesson_code("04c-subject-access-request"), lesson_text("04c-subject-access-request")
    person = re.search(r'^person = "(C\d+)"', code, re.M).group(1)
    second = re.search(r'second = "(C\d+)"', text).group(1)
    data = tables(name)
    clients, cases, attendance, wellbeing = (data[t] for t in ("clients", "cases", "attendance", "wellbeing"))
    for who in (person, second):
        assert clients.loc[clients["client_id"] == who, "gender"].tolist() == ["Woman"], who
    assert (cases["client_id"] == person).sum() >= 2
    hers = attendance[attendance["client_id"] == person]
    assert len(hers) >= 5 and hers["attended"].any()
    whole = attendance[attendance["session_id"].isin(hers["session_id"])]
    assert len(whole) > 5 * len(hers), "the whole registers are mostly other people's rows"
    assert (wellbeing["client_id"] == person).any()


@pytest.mark.parametrize("name", SECTORS)
def test_percentages_of_tiny_groups_have_tiny_groups(name: str) -> None:
    """Lesson 7b, section 2: some languages are spoken by fewer than min_group clients, and they sit
    at the extremes of the misleading chart."""
    code = lesson_code("07b-charts-that-mislead")
    min_group = int(re.search(r"^min_group = (\d+)", code, re.M).group(1))
    assert 'clients[clients["main_language"] != "English"]' in code
    clients = tables(name)["clients"]
    not_english = clients[clients["main_language"] != "English"]
    by_language = not_english.groupby("main_language", observed=True)["needs_interpreter"].agg(
        clients="count", share="mean"
    )
    small = by_language["clients"] < min_group
    assert 2 <= small.sum() < len(by_language) - 3
    ordered = by_language.sort_values("share")
    assert small[ordered.index[0]] or small[ordered.index[-1]]
    # Even put together, the small groups make an "Other" bar of at least min_group.
    assert by_language.loc[small, "clients"].sum() >= min_group


@pytest.mark.parametrize("name", SECTORS)
def test_the_class_lesson_6e_counts_has_people_in_it(name: str) -> None:
    code = lesson_code("06e-joining-and-time")
    assert "str.startswith(class_activity)" in code and "class_activity = sector.class_activity" in code
    attendance = tables(name)["attendance"]
    prefix = load_profile(name)["sector"]["examples"]["class_activity"]
    came = attendance[attendance["activity"].astype(str).str.startswith(prefix) & attendance["attended"]]
    assert len(came) > 100 and came["client_id"].nunique() > 20


#: Words of the other sector's data that are also ordinary words in every sector.
EVERYDAY = {
    "Housing",
    "Employment",
    "Prefer not to say",
    "Advice drop-in",
    "Women's group",
    "English conversation",
}


def data_words(profile: dict) -> set[str]:
    """The names a profile's data uses: its sensitive column, its statuses, activities and issue areas."""
    words = {profile["sector"]["status"]["column"]}
    words |= {s["label"] for s in profile["statuses"]}
    words |= {a["label"] for a in profile["attendance"]["activities"]}
    words |= {a["label"] for a in profile["cases"]["issue_areas"]}
    return words


@pytest.mark.parametrize("name", SECTORS)
def test_no_lesson_names_the_other_editions_data(name: str) -> None:
    """Every lesson and exercise, as this edition shows it, names no column, status, class or issue area that
    only the other edition's data has: the homelessness edition's lesson 6a once said its status column
    was ``immigration_status``, and lesson 0 named an ESOL class it does not run."""
    own = load_profile(name)
    others = set().union(*(data_words(load_profile(o)) for o in SECTORS if o != name))
    foreign = sorted(others - data_words(own) - EVERYDAY, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, foreign)) + r")(?![\w-])")
    found = []
    for path in sorted(
        [*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "exercises" / "source").glob("*/*.ipynb")]
    ):
        notebook = read_notebook(path)
        for number, cell in enumerate(notebook["cells"]):
            text = editions.resolve(cell_source(cell), own["sector"]["key"], path.name)
            found += [f"{path.relative_to(ROOT)} cell {number}: {m.group(0)}" for m in pattern.finditer(text)]
    # The book's pages too, but not those that describe every shipped profile by name.
    for path in sorted((ROOT / "book").rglob("*.md")):
        rel = path.relative_to(ROOT).as_posix()
        if any(rel.startswith(allowed) for allowed in forkcheck.ALLOWED):
            continue
        text = editions.resolve(path.read_text(encoding="utf-8"), own["sector"]["key"], rel)
        found += [f"{rel}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not found, "\n".join(found)
