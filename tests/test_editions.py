"""Editions: a page's ``{only} KEY`` passages show in the edition of the active profile, and only there.

The book (a real Sphinx build with the course's extension), the learner
bundle and ``make fork-check`` read the same fences, so they are tested
together here on one small page. The keys come from the shipped profiles.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from harness import ROOT

from datawithcare import bundle, editions, forkcheck
from datawithcare.datasets import course_names
from datawithcare.generator.profile import ProfileError, load_profile, resolve_profile, shipped_profiles

KEYS = {name: load_profile(name)["sector"]["key"] for name in shipped_profiles()}
FIRST, SECOND = sorted(KEYS)

PAGE = textwrap.dedent(
    f"""\
    # A page

    Everyone reads this.

    ```{{only}} {KEYS[FIRST]}
    Only the first edition reads this.
    ```

    ```{{only}} {KEYS[SECOND]}
    Only the second edition reads this.
    ```

    Between the two groups.

    ````{{only}} {KEYS[FIRST]} or {KEYS[SECOND]}
    ```{{note}}
    Both editions read this note.
    ```
    ````

    We help {{{{ sector_people }}}}.
    """
)


def test_each_shipped_profile_has_its_own_key() -> None:
    assert len(set(KEYS.values())) == len(KEYS) >= 2, KEYS


@pytest.mark.parametrize("profile", sorted(KEYS))
def test_resolve_keeps_the_edition_passage_without_fences(profile: str) -> None:
    other = SECOND if profile == FIRST else FIRST
    mine = "first" if profile == FIRST else "second"
    theirs = "second" if profile == FIRST else "first"
    text = editions.resolve(PAGE, KEYS[profile])
    assert f"Only the {mine} edition reads this." in text
    assert f"Only the {theirs} edition reads this." not in text
    assert "Both editions read this note." in text
    assert "{only}" not in text and KEYS[other] not in text
    assert "Everyone reads this." in text and "\n\n\n" not in text
    # The inner fence of the shared passage is kept; only the outer one goes.
    assert "```{note}" in text


def test_a_sector_with_no_passage_is_listed_once_per_group() -> None:
    lines = PAGE.split("\n")
    missing = editions.groups_missing(lines, "youth")
    # The two one-edition passages are one group (only a blank line between them).
    assert [(p.first, sorted(p.keys)) for p in missing] == [
        (5, [KEYS[FIRST]]),
        (15, sorted([KEYS[FIRST], KEYS[SECOND]])),
    ]
    assert editions.groups_missing(lines, KEYS[FIRST]) == []
    assert editions.groups_missing(lines, KEYS[SECOND]) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("```{only} not youth\nx\n```\n", "should name one sector key"),
        ("```{only}\nx\n```\n", "should name one sector key"),
        ("```{only} Youth\nx\n```\n", "should name one sector key"),
        ("```{only} youth\nno end\n", "has no closing"),
    ],
)
def test_a_fence_the_course_cannot_read_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(editions.EditionError, match=message) as caught:
        editions.passages(text.split("\n"), "page.md")
    assert "page.md, line 1" in str(caught.value)


def test_a_profile_key_that_is_not_one_lower_case_word_is_refused(tmp_path: Path) -> None:
    source = resolve_profile(FIRST).read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace(f"  key: {KEYS[FIRST]}\n", "  key: Youth Work\n"), encoding="utf-8")
    with pytest.raises(ProfileError, match="sector.key"):
        load_profile(bad)


@pytest.mark.parametrize("profile", sorted(KEYS))
def test_the_book_shows_the_active_edition_only(tmp_path: Path, profile: str) -> None:
    """A real Sphinx build with MyST and the course's extension, as jupyter-book runs them."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "datawithcare.sphinx_lessons"]\n'
        'myst_enable_extensions = ["substitution"]\n'
        # As jupyter-book sets it: the download button serves _sources/index.md.
        'html_sourcelink_suffix = ""\n',
        encoding="utf-8",
    )
    (src / "index.md").write_text(PAGE, encoding="utf-8")
    env = {**os.environ, "DATAWITHCARE_PROFILE": profile}
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(src), str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    mine, theirs = ("first", "second") if profile == FIRST else ("second", "first")
    assert f"Only the {mine} edition reads this." in html
    assert f"Only the {theirs} edition reads this." not in html
    assert "Both editions read this note." in html
    assert f"We help {course_names(profile)['sector_people']}." in html
    # The download button's copy is the same edition, with the names written in.
    download = (tmp_path / "out" / "_sources" / "index.md").read_text(encoding="utf-8")
    assert download == bundle.fill_names(editions.resolve(PAGE, KEYS[profile]), course_names(profile))


@pytest.mark.parametrize("profile", sorted(KEYS))
def test_the_learner_bundle_keeps_the_edition_passage(tmp_path: Path, profile: str) -> None:
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    names = course_names(profile)
    assert bundle.render_names(tmp_path, names) == 1
    text = (tmp_path / "page.md").read_text(encoding="utf-8")
    assert text == bundle.fill_names(editions.resolve(PAGE, KEYS[profile]), names)
    assert "{only}" not in text and "{{" not in text


def test_fork_check_skips_other_editions_and_lists_a_group_without_the_active_one(tmp_path: Path) -> None:
    first = forkcheck.Words.of(load_profile(FIRST))
    term = first.terms[0]
    page = textwrap.dedent(
        f"""\
        ```{{only}} {KEYS[FIRST]}
        A {term} word, in its own edition.
        ```

        ```{{only}} {KEYS[SECOND]}
        A {term} word, left in the other edition.
        ```

        Text between two groups.

        ```{{only}} {KEYS[FIRST]}
        A passage with no second edition.
        ```
        """
    )
    (tmp_path / "page.md").write_text(page, encoding="utf-8")
    found = forkcheck.find(first, ["page.md"], root=tmp_path, edition=KEYS[SECOND])
    assert [(f.line, f.word.lower()) for f in found] == [(6, term.lower())]
    missing = forkcheck.missing_passages(KEYS[SECOND], ["page.md"], root=tmp_path)
    assert [(m.path, m.line) for m in missing] == [("page.md", 11)]
    # In the first edition its own words are its own (edition_terms), and nothing is missing.
    own = forkcheck.find(first, ["page.md"], root=tmp_path, edition=KEYS[FIRST], edition_terms=True)
    assert own == []
    assert forkcheck.missing_passages(KEYS[FIRST], ["page.md"], root=tmp_path) == []


def test_fork_check_reads_passages_in_a_notebook(tmp_path: Path) -> None:
    import nbformat

    first = forkcheck.Words.of(load_profile(FIRST))
    term = first.terms[0]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"```{{only}} {KEYS[FIRST]}\nA {term} passage.\n```"),
        nbformat.v4.new_markdown_cell(f"Neutral text with a {term} leftover."),
    ]
    nbformat.write(nb, tmp_path / "lesson.ipynb")
    found = forkcheck.find(first, ["lesson.ipynb"], root=tmp_path, edition=KEYS[SECOND])
    assert len(found) == 1 and f"Neutral text with a {term} leftover." in found[0].text
    missing = forkcheck.missing_passages(KEYS[SECOND], ["lesson.ipynb"], root=tmp_path)
    assert len(missing) == 1 and missing[0].word == f"{{only}} {KEYS[FIRST]}"


@pytest.mark.parametrize("profile", sorted(KEYS))
def test_a_notebook_in_the_bundle_keeps_its_edition_passage(tmp_path: Path, profile: str) -> None:
    """The notebook's JSON lines start with a quote, so the fences are found per cell, not per file line."""
    import nbformat

    # Fences and no substitution in the text (as lesson 5 has): the fences alone must be seen.
    page = PAGE.replace("We help {{ sector_people }}.", "We help.")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(page),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    nbformat.write(nb, tmp_path / "lesson.ipynb")
    names = course_names(profile)
    assert bundle.render_names(tmp_path, names) == 1
    cells = nbformat.read(tmp_path / "lesson.ipynb", as_version=4).cells
    assert cells[0].source == editions.resolve(page, KEYS[profile])
    assert cells[1].source == "x = 1"
    # Rendered once, nothing is left to render.
    assert bundle.render_names(tmp_path, names) == 0


@pytest.mark.parametrize("profile", shipped_profiles())
def test_pages_that_may_name_every_profile_describe_the_active_charity_in_its_own_words(profile: str) -> None:
    """The data reference and the adapting guide may name both shipped profiles (fork-check allows them),
    but a paragraph about the charity itself (``{{ example_org }}``) must be the edition's own: the
    homelessness edition once placed its network in the other profile's city, beside its focus areas."""
    own = load_profile(profile)
    others = [load_profile(name) for name in shipped_profiles() if name != profile]
    pages = [page for page in forkcheck.ALLOWED if page.startswith("book/") and page.endswith(".md")]
    assert "book/reference/datasets.md" in pages
    wrong = []
    for page in pages:
        text = editions.resolve((ROOT / page).read_text(encoding="utf-8"), own["sector"]["key"], page)
        for paragraph in text.split("\n\n"):
            if "{{ example_org }}" not in paragraph and "{{example_org}}" not in paragraph:
                continue
            flat = " ".join(paragraph.split())
            for other in others:
                words = [other["organisation"]["city"], *other["sector"]["examples"]["focus_areas"]]
                wrong += [f"{page}: {word!r} in: {flat[:120]}" for word in words if word in flat]
    assert not wrong, "\n".join(wrong)
