"""When the course's law was last checked, and when it must be checked again.

The dates live in one small file, ``law_dates.yaml``, beside this module.
Pages read them through MyST substitutions (see :mod:`datawithcare.sphinx_law`),
downloadable templates are stamped with them at build time by
:func:`stamp`, and the lawful-basis helper shows them on every result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

#: The one file that holds the dates.
LAW_DATES_FILE = Path(__file__).with_name("law_dates.yaml")
#: A review is due at most this many days after the check.
LONGEST_GAP_DAYS = 366
#: The line every legal page and template carries, before stamping.
LAW_LINE = "**Law last checked:** {{ law_last_checked }} · **Review by:** {{ law_review_by }}"

_PLACEHOLDER = re.compile(r"\{\{\s*(law_last_checked|law_review_by)\s*\}\}")


def format_day(day: date) -> str:
    """Write a date the way the course does: ``29 November 2026``."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class LawDates:
    """The date the law was last checked and the date to review it by."""

    last_checked: date
    review_by: date

    @property
    def last_checked_text(self) -> str:
        return format_day(self.last_checked)

    @property
    def review_by_text(self) -> str:
        return format_day(self.review_by)

    def substitutions(self) -> dict[str, str]:
        """The MyST substitutions a page uses: ``{{ law_last_checked }}`` and ``{{ law_review_by }}``."""
        return {"law_last_checked": self.last_checked_text, "law_review_by": self.review_by_text}

    def line(self) -> str:
        """The stamped line, as it appears in a downloaded template."""
        return stamp(LAW_LINE, self)


def load_law_dates(path: str | Path = LAW_DATES_FILE) -> LawDates:
    """Read and check the law dates; raise ``ValueError`` saying what to fix."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"Cannot read the law dates in {path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path} should hold 'law_last_checked' and 'review_by', one a line.")
    days: dict[str, date] = {}
    for key in ("law_last_checked", "review_by"):
        value = raw.get(key)
        if not isinstance(value, date):
            raise ValueError(f"{path}: '{key}' should be a date written like 2026-11-29; found {value!r}.")
        days[key] = value
    checked, review = days["law_last_checked"], days["review_by"]
    if review <= checked:
        raise ValueError(f"{path}: the review-by date must come after the date the law was checked.")
    if (review - checked).days > LONGEST_GAP_DAYS:
        raise ValueError(f"{path}: review the law at least once a year after checking it.")
    return LawDates(checked, review)


def stamp(text: str, dates: LawDates | None = None) -> str:
    """Replace ``{{ law_last_checked }}`` and ``{{ law_review_by }}`` in ``text`` with the dates."""
    values = (dates or load_law_dates()).substitutions()
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


__all__ = ["LAW_DATES_FILE", "LAW_LINE", "LawDates", "format_day", "load_law_dates", "stamp"]
