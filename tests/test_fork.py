"""Names in one place: the active profile's names are typed nowhere else, and ``make fork-check`` is real.

The organisation's name, its short name and its city come from the active
sector profile (``organisation:``) through the MyST substitutions
(``{{ example_org }}``, ``{{ example_org_short }}``, ``{{ city }}``), the
package (``course_sector()``, ``course_names()``) or the learner bundle. So
a literal one anywhere outside :data:`datawithcare.forkcheck.ALLOWED` fails
here; the city may also appear in the profile's own ``sector.pages`` (its
official statistics pages, which a fork rewrites).

Sector terms (``sector.terms``, the words that say which sector a page is
about) and the focus areas may appear only in the active edition's own
``{only}`` passages (and ``sector.pages``), where they are that edition's
examples; ``make fork-check`` lists every one of them for a fork, and passes
in each shipped edition.

Names are read from the profile, never typed here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from datawithcare import forkcheck
from datawithcare.forkcheck import Words
from datawithcare.generator.profile import active_profile_path, load_profile, shipped_profiles
from datawithcare.lessons import load_course

ROOT = Path(__file__).resolve().parent.parent
OTHER = "homelessness-greater-manchester"


def active_words() -> tuple[dict, Words]:
    profile = load_profile(active_profile_path())
    return profile, Words.of(profile, focus_areas=False)


def active_key() -> str:
    return load_profile(active_profile_path())["sector"]["key"]


def test_the_organisation_name_and_short_name_are_typed_only_in_the_profile() -> None:
    _, words = active_words()
    names = Words(words.profile, words.names[:2], (), ())
    found = forkcheck.find(names, edition=active_key())
    assert not found, (
        "Name the organisation with {{ example_org }} / {{ example_org_short }} in a page, "
        "course_sector().organisation in code, or plain words such as 'the charity':\n"
        + "\n".join(map(str, found[:40]))
    )


def test_the_city_is_typed_only_in_the_profile_its_sector_pages_and_its_edition_passages() -> None:
    _, words = active_words()
    city = Words(words.profile, words.names[2:3], (), ())
    # In the edition's own passages the city is that edition's example (the
    # name of a city's own publisher, say); fork-check lists them in a fork.
    found = [
        f
        for f in forkcheck.find(city, skip=words.pages, edition=active_key())
        if not _in_own_passage(f, active_key())
    ]
    assert not found, "Use {{ city }} in a page or course_sector().city in code:\n" + "\n".join(
        map(str, found[:40])
    )


def test_focus_areas_only_in_the_profile_and_their_edition_passages() -> None:
    """The areas the lessons single out come from the profile ({{ focus_areas }}, course_sector().focus_areas).

    Inside the active edition's own ``{only}`` passages they may be named, like
    the sector's terms: those passages are that edition's examples, and
    ``make fork-check`` lists them for a fork from it. The tests may name a
    shipped profile's areas as sample data (they must pass on every profile).
    """
    profile, words = active_words()
    areas = Words(words.profile, tuple(profile["sector"]["examples"]["focus_areas"]), (), ())
    found = [
        f
        for f in forkcheck.find(areas, skip=words.pages, edition=active_key())
        if not _in_own_passage(f, active_key()) and not f.path.startswith(forkcheck.FORK_CHECK_SKIPS)
    ]
    assert not found, (
        "Use {{ focus_areas }} in a page, course_sector().focus_areas in code, "
        "or put the example in its edition's passage:\n" + "\n".join(map(str, found[:40]))
    )


def _in_own_passage(leftover: forkcheck.Leftover, key: str) -> bool:
    from datawithcare import editions

    text = (ROOT / leftover.path).read_text(encoding="utf-8")
    passage = editions.inside(forkcheck._logical_lines(leftover.path, text), leftover.path).get(leftover.line)
    return passage is not None and passage.shown_in(key)


def test_sector_terms_only_in_the_editions_own_passages() -> None:
    _, words = active_words()
    terms = Words(words.profile, (), words.terms, ())
    found = [
        f
        for f in forkcheck.find(terms, skip=words.pages, edition=active_key(), edition_terms=True)
        if not f.path.startswith(forkcheck.FORK_CHECK_SKIPS)
    ]
    assert not found, (
        f"The sector's words {words.terms} outside a passage of its edition: get them from the profile "
        "({{ sector }}, {{ sector_people }}, {{ status_label }} ...), use plain words, or write a "
        f"```{{only}} {active_key()}``` passage (with one for each other edition):\n"
        + "\n".join(map(str, found[:40]))
    )


def test_the_literal_name_test_finds_a_planted_name(tmp_path: Path) -> None:
    """A test of the tests above: a planted name is found, with its line; the exceptions hold."""
    profile, words = active_words()
    org, short, city = words.names[:3]
    term = words.terms[0]
    (tmp_path / "page.md").write_text(
        f"# A page\n\nWe are {org}.\n{short} works in {city}.\nFor {term.capitalize()}s too.\n",
        encoding="utf-8",
    )
    (tmp_path / "kept.md").write_text(
        f"<!-- {forkcheck.KEEP}: a real case -->\n{org}\n<!-- {forkcheck.END} -->\n{city}\n", encoding="utf-8"
    )
    profile_file = f"datawithcare/profiles/{words.profile}.yaml"
    (tmp_path / "datawithcare" / "profiles").mkdir(parents=True)
    (tmp_path / profile_file).write_text(f"name: {org}\n", encoding="utf-8")
    (tmp_path / "settings.yaml").write_text(f"profile: {words.profile}\n", encoding="utf-8")
    found = forkcheck.find(words, ["page.md", "kept.md", profile_file, "settings.yaml"], root=tmp_path)
    got = {(f.path, f.line, f.word) for f in found}
    assert got >= {
        ("page.md", 3, org),
        ("page.md", 4, short),
        ("page.md", 4, city),
        ("page.md", 5, term.capitalize()),
        ("kept.md", 4, city),
    }, got
    # Nothing from the title line, the kept passage, the profile file or a profile's file name.
    assert {(path, line) for path, line, _ in got} <= {
        ("page.md", 3),
        ("page.md", 4),
        ("page.md", 5),
        ("kept.md", 4),
    }
    # The real repository's files, searched the same way, are clean: planting one fails it.
    assert org in (ROOT / profile_file).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", shipped_profiles())
def test_each_profile_sector_page_exists(name: str) -> None:
    pages = load_profile(name)["sector"].get("pages") or []
    assert all((ROOT / page).is_file() for page in pages), pages


def _fork_check(*args: str, profile: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DATAWITHCARE_PROFILE", None)
    if profile:
        env["DATAWITHCARE_PROFILE"] = profile
    return subprocess.run(
        [sys.executable, "-m", "datawithcare.forkcheck", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_fork_check_passes_on_the_shipped_setting() -> None:
    run = _fork_check()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "All clear" in run.stdout


def test_make_fork_check_is_the_command_the_guide_gives() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "fork-check: $(STAMP)\n\t$(BIN)/python -m datawithcare.forkcheck\n" in makefile
    guide = (ROOT / "book" / "adapting" / "index.md").read_text(encoding="utf-8")
    assert "make fork-check" in guide


@pytest.mark.parametrize("profile", shipped_profiles())
def test_fork_check_passes_in_every_shipped_edition(profile: str) -> None:
    """Each shipped edition is one setting away: no leftover of the other sector in it."""
    run = _fork_check(profile=profile)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"in the {profile} course. All clear." in run.stdout


def test_fork_check_lists_each_leftover_in_a_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a copy of the course with planted leftovers, each is listed as FILE:LINE; an independent search agrees."""
    first, second = shipped_profiles()[:2]
    old, new = load_profile(first), load_profile(second)
    term, org, area = (
        old["sector"]["terms"][0],
        old["organisation"]["name"],
        old["sector"]["examples"]["focus_areas"][0],
    )
    old_key, new_key = old["sector"]["key"], new["sector"]["key"]
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "index.md").write_text(
        f"# Home\n\nA {term.capitalize()} page.\n\n```{{only}} {old_key}\n{org} in {area}.\n```\n\n"
        f"```{{only}} {new_key}\nThe new edition, still saying {term}.\n```\n\n"
        f"Between.\n\n```{{only}} {old_key}\nNo passage for the new edition.\n```\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATAWITHCARE_PROFILE", second)
    leftovers, pages = forkcheck.check([first], root=tmp_path)
    got = sorted((f.path, f.line, f.word.lower()) for f in leftovers)
    # Lines 3 and 10 say the term outside the old edition's passage; line 15 opens a group with none for the new one.
    assert got == sorted(
        [
            ("book/index.md", 3, term.lower()),
            ("book/index.md", 10, term.lower()),
            ("book/index.md", 15, f"{{only}} {old_key}"),
        ]
    ), got
    assert pages == []


def test_a_keep_marker_without_an_end_keeps_its_own_line_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two one-line keeps do not hide the lines between them; a keep with an end hides its passage."""
    first, second = shipped_profiles()[:2]
    term = load_profile(first)["sector"]["terms"][0]
    keep, end = f"<!-- {forkcheck.KEEP}: a reason -->", f"<!-- {forkcheck.END} -->"
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/page\n", encoding="utf-8")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text(
        "\n".join(
            [
                f"{term} one line {keep}",  # 1: kept
                f"{term} between",  # 2: listed
                f"{term} again {keep}",  # 3: kept
                keep,  # 4: opens a passage
                f"{term} inside",  # 5: kept
                end,  # 6
                f"{term} after",  # 7: listed
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATAWITHCARE_PROFILE", second)
    leftovers, _ = forkcheck.check([first], root=tmp_path)
    assert sorted(f.line for f in leftovers if f.path == "book/page.md") == [2, 7]


def test_fork_check_says_what_is_wrong_with_a_bad_profile_name() -> None:
    run = _fork_check("--from", "no-such-sector")
    assert run.returncode == 2
    assert "no-such-sector" in run.stderr


def test_fork_check_searches_a_copy_that_is_not_a_git_repository(tmp_path: Path) -> None:
    """A fork downloaded as a zip has no git: every file is searched, the tools' folders are not."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text("text\n", encoding="utf-8")
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "site.py").write_text("x = 1\n", encoding="utf-8")
    assert forkcheck.tracked_files(tmp_path) == ["book/page.md"]


def test_fork_check_lists_each_lesson_item_with_no_text_for_a_new_edition() -> None:
    """lessons.yaml may give an item one text per edition; a fork's edition with none is listed."""
    course_items = [
        item
        for page in load_course().all_pages()
        for item in (*page.questions, *page.objectives, *page.key_points)
        if isinstance(item, dict)
    ]
    assert course_items, "No item of lessons.yaml varies by edition: pick another test."
    missing = forkcheck.missing_lesson_items("youth")
    assert len(missing) == len(course_items), [str(m) for m in missing]
    assert all(m.path == "datawithcare/lessons.yaml" and "none for youth" in m.text for m in missing)
    for name in shipped_profiles():
        assert forkcheck.missing_lesson_items(load_profile(name)["sector"]["key"]) == []
