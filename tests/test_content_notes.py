"""Pages that show distressing material warn the reader first, in one standard block.

The ground rules promise a content note before hard material. The standard
block (CONTRIBUTING.md, "Content notes") is a MyST admonition with the class
``content-note``::

    :::{admonition} Content note
    :class: content-note

    What is coming, and that the reader may take a break.
    :::

A page needs it when it mentions one of the ``STRONG`` topics at all, or
the ``RECURRING`` topics ``RECURRING_LIMIT`` times or more, or when it is
named in ``ALWAYS``. Lessons (notebooks) are checked the same way, on
their Markdown cells.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import ROOT, cell_source, read_notebook

#: Topics that are distressing even when mentioned once.
STRONG = [
    r"tortur\w*",
    r"sexual violence",
    r"\brape\b",
    r"traffick\w*",
    r"self-harm",
    r"suicid\w*",
    r"domestic (?:abuse|violence)",
    r"\babusers?\b",
]

#: Topics a page may mention in passing, but that need a note when the page dwells on them.
RECURRING = [
    r"detention",
    r"\bdetained\b",
    r"deport\w*",
    r"immigration enforcement",
    r"trauma(?!-informed)\w*",
    r"\bviolen\w*",
]
RECURRING_LIMIT = 4

#: Pages that need the note whatever words they use (the topic is the page itself).
ALWAYS = [
    "book/ethics/case-studies.md",
    "book/ethics/why-trust-is-fragile.md",
    "book/ethics/consent-and-trauma-informed-collection.md",
    "book/ethics/risks-and-harms.md",
    "book/trainers/safeguarding.md",
]

STANDARD = re.compile(
    r"^:::\{admonition\} Content note\n:class: content-note\n\n\S.*?\n:::$",
    re.M | re.S,
)


def _text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = read_notebook(path)
        return "\n\n".join(cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def needs_note(text: str) -> list[str]:
    """The distressing topics a text mentions, if they are enough to need a content note."""
    strong = [m.group(0) for p in STRONG for m in re.finditer(p, text, re.I)]
    recurring = [m.group(0) for p in RECURRING for m in re.finditer(p, text, re.I)]
    if strong or len(recurring) >= RECURRING_LIMIT:
        return strong + recurring
    return []


def has_standard_note(text: str) -> bool:
    return bool(STANDARD.search(text))


PAGES = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [*(ROOT / "book").rglob("*.md"), *(ROOT / "notebooks").glob("*.ipynb")]
    if p.name != "glossary.md"  # defines words; tells no story
)


@pytest.mark.parametrize("page", PAGES)
def test_distressing_pages_carry_the_standard_content_note(page: str) -> None:
    text = _text(ROOT / page)
    topics = needs_note(text)
    if page in ALWAYS or topics:
        assert has_standard_note(text), (
            f"{page} mentions {sorted(set(t.lower() for t in topics)) or 'a distressing topic'}: "
            "add the standard content-note block near the top (see CONTRIBUTING.md, 'Content notes')."
        )


@pytest.mark.parametrize("page", [p for p in PAGES if p.startswith("book/")])
def test_book_pages_write_content_notes_only_in_the_standard_block(page: str) -> None:
    text = _text(ROOT / page)
    assert "**Content note.**" not in text, (
        f"{page} writes a content note by hand; use the standard block (CONTRIBUTING.md, 'Content notes')."
    )


def test_every_always_page_exists() -> None:
    missing = [page for page in ALWAYS if not (ROOT / page).is_file()]
    assert not missing, f"Pages named in ALWAYS are gone: {missing}"


def test_the_checks_can_fail() -> None:
    assert needs_note("A case about torture.") == ["torture"]
    assert needs_note("Detention. detention, detention and a trauma.") == [
        "Detention",
        "detention",
        "detention",
        "trauma",
    ]
    assert needs_note("A trauma-informed form, and one mention of detention.") == []
    good = ":::{admonition} Content note\n:class: content-note\n\nThis page is about detention.\n:::\n"
    assert has_standard_note(good)
    assert not has_standard_note(":::{note}\n**Content note.** This page is about detention.\n:::\n")
