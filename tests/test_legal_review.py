"""One law date, everywhere, and reviewed in time.

The date the law was last checked and the date to review it by live in one
file, ``datawithcare/law_dates.yaml``. Every page that makes a legal claim
shows them through the MyST substitutions, with exactly this line:

    **Law last checked:** {{ law_last_checked }} · **Review by:** {{ law_review_by }}

and so does every template and policy a learner downloads (the build
stamps the dates into the downloaded copies). A "legal page" is every page
under ``book/data-protection/`` and ``book/ethics/``, the pages the
course names in :data:`OTHER_LEGAL_PAGES`, and any other page that cites a
data-protection source (a ``dp-`` key in references.bib).

These tests fail when a legal page or template lacks the line, writes a
date by hand, or when the review-by date has passed; they warn 60 days
before, so that there is time to check the law again and move both dates on.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest

from datawithcare.law_dates import LAW_LINE, LawDates, load_law_dates, stamp
from datawithcare.template_export import template_sources

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
LEGAL_DIRS = (BOOK / "data-protection", BOOK / "ethics")
OTHER_LEGAL_PAGES = (
    BOOK / "sharing-safely" / "index.md",
    BOOK / "sharing-safely" / "publishing-checklist.md",
    BOOK / "telling-the-story" / "advocacy-without-harm.md",
    BOOK / "making-it-stick" / "policies.md",
    BOOK / "glossary.md",
)
#: How long before the review-by date the tests start to warn.
WARN_DAYS = 60

CITES_DP = re.compile(r"\{cite\}`[^`]*\bdp-")
#: A date written by hand next to the words, instead of the substitution.
HAND_WRITTEN = re.compile(r"(law last checked|review by)\W*\s*\d", re.IGNORECASE)


def _is_template(path: Path) -> bool:
    return path.parent.name == "templates"


def legal_pages() -> list[Path]:
    pages = {p for d in LEGAL_DIRS for p in d.rglob("*.md") if not _is_template(p)}
    pages |= {p for p in OTHER_LEGAL_PAGES}
    pages |= {
        p
        for p in BOOK.rglob("*.md")
        if not _is_template(p) and CITES_DP.search(p.read_text(encoding="utf-8"))
    }
    return sorted(pages)


def line_problems(text: str) -> list[str]:
    """What is wrong with a page's or template's law-date line (empty if all is well)."""
    count = sum(1 for line in text.splitlines() if line.strip() == LAW_LINE)
    problems = []
    if count == 0:
        problems.append(f"no law-date line. Add this line, exactly: {LAW_LINE}")
    elif count > 1:
        problems.append(f"{count} law-date lines; keep exactly one.")
    hand = [line for line in text.splitlines() if HAND_WRITTEN.search(line)]
    if hand:
        problems.append(
            "a date is written by hand; use {{ law_last_checked }} and {{ law_review_by }} "
            f"so that it comes from datawithcare/law_dates.yaml: {hand}"
        )
    return problems


def review_status(dates: LawDates, today: date) -> tuple[str, str]:
    """Return ("ok" | "warn" | "fail", what to do) for the review-by date."""
    if dates.last_checked > today:
        return "fail", f"the law cannot have been checked in the future ({dates.last_checked_text})."
    if dates.review_by < today:
        return "fail", (
            f"the review-by date {dates.review_by_text} has passed. Check every legal page and "
            "template against the law (UK GDPR, DPA 2018, the Data (Use and Access) Act 2025, PECR "
            "and the ICO's guidance), then move both dates on in datawithcare/law_dates.yaml."
        )
    if dates.review_by - today <= timedelta(days=WARN_DAYS):
        return "warn", (
            f"the law must be checked again by {dates.review_by_text} "
            f"({(dates.review_by - today).days} days). Plan the review now."
        )
    return "ok", ""


# The real pages, templates and dates ----------------------------------------------


def test_there_are_legal_pages_and_templates():
    pages = legal_pages()
    assert BOOK / "data-protection" / "index.md" in pages
    assert BOOK / "ethics" / "why-trust-is-fragile.md" in pages
    assert len(template_sources(ROOT)) >= 10


@pytest.mark.parametrize("page", legal_pages(), ids=lambda p: str(p.relative_to(BOOK)))
def test_legal_page_shows_the_law_dates(page: Path):
    problems = line_problems(page.read_text(encoding="utf-8"))
    assert not problems, f"{page.relative_to(ROOT)}: " + " ".join(problems)


@pytest.mark.parametrize("template", template_sources(ROOT), ids=lambda p: str(p.relative_to(BOOK)))
def test_template_carries_the_law_dates(template: Path):
    text = template.read_text(encoding="utf-8")
    problems = line_problems(text)
    assert not problems, f"{template.relative_to(ROOT)}: " + " ".join(problems)
    stamped = stamp(text)
    assert "{{" not in stamped and load_law_dates().line() in stamped


def test_law_dates_file_is_valid():
    dates = load_law_dates()
    assert dates.last_checked < dates.review_by


def test_law_review_is_not_overdue():
    status, message = review_status(load_law_dates(), date.today())
    if status == "warn":
        warnings.warn(message, UserWarning, stacklevel=1)
    assert status != "fail", message


def test_the_book_registers_the_law_extension():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s*- datawithcare\.sphinx_law\s*$", config, re.MULTILINE)


def test_the_helper_reads_the_same_dates():
    from datawithcare import lawful_basis

    dates = load_law_dates()
    assert lawful_basis.LAW_LAST_CHECKED == dates.last_checked_text
    assert lawful_basis.LAW_REVIEW_BY == dates.review_by_text


# The checkers themselves, on made-up input ----------------------------------------

DATES = LawDates(date(2026, 11, 29), date(2027, 5, 29))


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 11, 29), "ok"),
        (date(2027, 3, 29), "ok"),
        (date(2027, 3, 30), "warn"),
        (date(2027, 5, 29), "warn"),
        (date(2027, 5, 30), "fail"),
        (date(2026, 11, 28), "fail"),
    ],
)
def test_review_status(today, status):
    assert review_status(DATES, today)[0] == status


def test_an_overdue_review_says_what_to_do():
    message = review_status(DATES, date(2028, 1, 1))[1]
    assert "has passed" in message and "law_dates.yaml" in message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("# A page\n\nNo line here.\n", "no law-date line"),
        (f"# A page\n\n{LAW_LINE}\n\n{LAW_LINE}\n", "2 law-date lines"),
        (
            "# A page\n\n**Law last checked:** 24 November 2026 · **Review by:** 24 May 2027\n",
            "no law-date line",
        ),
        (f"# A page\n\n{LAW_LINE}\n\nReview by: 1 June 2027\n", "written by hand"),
    ],
)
def test_line_checker_catches_problems(text, words):
    assert words in " ".join(line_problems(text))


def test_line_checker_accepts_a_good_page():
    assert line_problems(f"# A page\n\n{LAW_LINE}\n\nText.\n") == []


def test_stamp_fills_in_both_dates():
    assert stamp(LAW_LINE, DATES) == "**Law last checked:** 29 November 2026 · **Review by:** 29 May 2027"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("law_last_checked: 2026-11-29\n", "review_by"),
        ("law_last_checked: 29 November 2026\nreview_by: 2027-05-29\n", "should be a date"),
        ("law_last_checked: 2026-11-29\nreview_by: 2026-11-01\n", "must come after"),
        ("law_last_checked: 2026-11-29\nreview_by: 2028-11-29\n", "once a year"),
        ("- just a list\n", "should hold"),
        ("law_last_checked: [unclosed\n", "Cannot read"),
    ],
)
def test_bad_law_dates_file_says_what_to_fix(tmp_path, content, words):
    path = tmp_path / "law_dates.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=words):
        load_law_dates(path)
