"""Legal pages say when the law was last checked, and are reviewed in time.

A "legal page" is every Markdown page under ``book/data-protection/``.
(The folder ``book/data-protection/templates/`` holds the download copies
of the templates, not pages; each template's page sits next to the others
and carries the line like every other page.)

Each legal page has exactly one line of this form:

    **Law last checked:** 24 November 2026 · **Review by:** 24 May 2027

These tests fail when a page has no such line, when a date cannot be
read, or when the review-by date has passed: then someone must check the
page against the law again and move both dates on.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEGAL_DIR = ROOT / "book" / "data-protection"
DOWNLOAD_COPIES = LEGAL_DIR / "templates"

REVIEW_LINE = re.compile(
    r"^\*\*Law last checked:\*\* (?P<checked>[^·*]+?) · \*\*Review by:\*\* (?P<review>.+?)\s*$",
    re.MULTILINE,
)
#: Anything that looks like an attempt at the line, to catch typos.
LOOKS_LIKE_REVIEW_LINE = re.compile(r"\*\*\s*(law last checked|review by):", re.IGNORECASE)
#: A review is due at most this many days after the check.
LONGEST_GAP_DAYS = 366


def legal_pages() -> list[Path]:
    return sorted(p for p in LEGAL_DIR.rglob("*.md") if DOWNLOAD_COPIES not in p.parents)


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d %B %Y").date()
    except ValueError:
        return None


def review_problems(text: str, today: date) -> list[str]:
    """Return what is wrong with a legal page's review line (empty if all is well)."""
    found = list(REVIEW_LINE.finditer(text))
    if not found:
        return [
            "no review line. Add one like "
            "'**Law last checked:** 24 November 2026 · **Review by:** 24 May 2027'."
        ]
    if len(found) > 1:
        return [f"{len(found)} review lines; keep exactly one."]
    attempts = [line for line in text.splitlines() if LOOKS_LIKE_REVIEW_LINE.search(line)]
    if len(attempts) > 1:
        return [f"a line mentions the review dates but is not in the agreed form: {attempts}"]
    match = found[0]
    checked, review = _day(match["checked"]), _day(match["review"])
    problems = [
        f"cannot read the date {raw!r}; write it like '24 May 2027'."
        for raw, parsed in ((match["checked"], checked), (match["review"], review))
        if parsed is None
    ]
    if problems:
        return problems
    if checked > today:
        problems.append(f"the law cannot have been checked in the future ({checked:%d %B %Y}).")
    if review <= checked:
        problems.append(f"the review-by date {review:%d %B %Y} must come after the check.")
    elif (review - checked).days > LONGEST_GAP_DAYS:
        problems.append(
            f"review at least once a year; {review:%d %B %Y} is too long after {checked:%d %B %Y}."
        )
    if review < today:
        problems.append(
            f"the review-by date {review:%d %B %Y} has passed. Check the page against the law "
            "(UK GDPR, DPA 2018 and the Data (Use and Access) Act 2025, and the ICO's guidance), "
            "then move both dates on."
        )
    return problems


def test_there_are_legal_pages():
    assert (LEGAL_DIR / "index.md").is_file(), "the data protection landing page is missing"
    assert len(legal_pages()) >= 2


@pytest.mark.parametrize("page", legal_pages(), ids=lambda p: str(p.relative_to(LEGAL_DIR)))
def test_legal_page_is_reviewed_in_time(page: Path):
    problems = review_problems(page.read_text(encoding="utf-8"), date.today())
    assert not problems, f"{page.relative_to(ROOT)}: " + " ".join(problems)


def test_no_template_download_copy_is_missing_its_page():
    """Every download copy in templates/ is linked from a page, and every link has a file."""
    copies = {p.name for p in DOWNLOAD_COPIES.glob("*.md")}
    linked: set[str] = set()
    for page in legal_pages():
        for name in re.findall(r"\{download\}`[^`<]*<templates/([^>`]+)>`", page.read_text(encoding="utf-8")):
            linked.add(name)
    assert linked <= copies, f"pages link to template files that do not exist: {sorted(linked - copies)}"
    assert copies <= linked, f"template files that no page offers for download: {sorted(copies - linked)}"


# The checker itself, on made-up pages ------------------------------------------------

TODAY = date(2026, 11, 24)
GOOD = "# A page\n\n**Law last checked:** 24 November 2026 · **Review by:** 24 May 2027\n\nText.\n"


def test_checker_accepts_a_good_line():
    assert review_problems(GOOD, TODAY) == []


def test_checker_accepts_the_last_day_of_review():
    assert review_problems(GOOD, date(2027, 5, 24)) == []


@pytest.mark.parametrize(
    ("text", "today", "words"),
    [
        ("# A page with no line\n", TODAY, "no review line"),
        (GOOD, date(2027, 5, 25), "has passed"),
        (GOOD.replace("24 May 2027", "31 Febtember 2027"), TODAY, "cannot read the date"),
        (GOOD.replace("24 May 2027", "2027-05-24"), TODAY, "cannot read the date"),
        (GOOD.replace("24 May 2027", "24 May 2026"), TODAY, "must come after"),
        (GOOD.replace("24 May 2027", "24 May 2028"), TODAY, "at least once a year"),
        (GOOD.replace("24 November 2026", "24 December 2026"), TODAY, "in the future"),
        (GOOD + GOOD, TODAY, "2 review lines"),
        (GOOD + "\n**Review by:** 1 June 2027\n", TODAY, "not in the agreed form"),
        (GOOD.replace(" · ", " - "), TODAY, "no review line"),
    ],
)
def test_checker_catches_problems(text, today, words):
    problems = review_problems(text, today)
    assert problems and words in " ".join(problems)
