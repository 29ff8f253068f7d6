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


def parse_day(text: str, page: Path) -> date:
    try:
        return datetime.strptime(text.strip(), "%d %B %Y").date()
    except ValueError:
        pytest.fail(f"{page.relative_to(ROOT)}: cannot read the date {text!r}; write it like '24 May 2027'.")


def test_there_are_legal_pages():
    assert (LEGAL_DIR / "index.md").is_file(), "the data protection landing page is missing"
    assert len(legal_pages()) >= 2


@pytest.mark.parametrize("page", legal_pages(), ids=lambda p: str(p.relative_to(LEGAL_DIR)))
def test_page_has_one_review_line(page: Path):
    text = page.read_text(encoding="utf-8")
    found = REVIEW_LINE.findall(text)
    rel = page.relative_to(ROOT)
    assert found, (
        f"{rel} has no review line. Add one like "
        "'**Law last checked:** 24 November 2026 · **Review by:** 24 May 2027'."
    )
    assert len(found) == 1, f"{rel} has {len(found)} review lines; keep exactly one."
    attempts = [line for line in text.splitlines() if LOOKS_LIKE_REVIEW_LINE.search(line)]
    assert len(attempts) == 1, (
        f"{rel}: a line mentions the review dates but is not in the agreed form: {attempts}"
    )


@pytest.mark.parametrize("page", legal_pages(), ids=lambda p: str(p.relative_to(LEGAL_DIR)))
def test_review_date_has_not_passed(page: Path):
    match = REVIEW_LINE.search(page.read_text(encoding="utf-8"))
    if match is None:
        pytest.fail(f"{page.relative_to(ROOT)} has no review line (see test_page_has_one_review_line).")
    checked = parse_day(match["checked"], page)
    review = parse_day(match["review"], page)
    today = date.today()
    rel = page.relative_to(ROOT)
    assert checked <= today, f"{rel}: the law cannot have been checked in the future ({checked})."
    assert checked < review, f"{rel}: the review-by date {review} must come after the check on {checked}."
    assert (review - checked).days <= LONGEST_GAP_DAYS, (
        f"{rel}: review at least once a year; {review} is too long after {checked}."
    )
    assert review >= today, (
        f"{rel}: the review-by date {review:%d %B %Y} has passed. Check the page against the law "
        "(UK GDPR, DPA 2018 and the Data (Use and Access) Act 2025, and the ICO's guidance), "
        "then move both dates on."
    )


def test_no_template_download_copy_is_missing_its_page():
    """Every download copy in templates/ is linked from a page, and every link has a file."""
    copies = {p.name for p in DOWNLOAD_COPIES.glob("*.md")}
    linked: set[str] = set()
    for page in legal_pages():
        for name in re.findall(r"\{download\}`[^`<]*<templates/([^>`]+)>`", page.read_text(encoding="utf-8")):
            linked.add(name)
    assert linked <= copies, f"pages link to template files that do not exist: {sorted(linked - copies)}"
    assert copies <= linked, f"template files that no page offers for download: {sorted(copies - linked)}"
