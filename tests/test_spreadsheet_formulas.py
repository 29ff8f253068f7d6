"""Every formula the spreadsheet companion prints, worked out by LibreOffice Calc.

A learner copies a formula from a page into a cell of the workbook they
downloaded. This test does the same: it reads each formula from the page,
puts it into a copy of the shipped workbook (datasets/spreadsheets/*.xlsx,
the file the page links to), and lets real LibreOffice Calc work it out
(``soffice --headless``, set to recalculate every formula on load). The
number Calc gives must equal the answer worked out with pandas from the
shipped CSV file, and the number the page tells the learner to expect.

The one formula printed in Calc's own spelling (with ";") is typed into
Calc as such: Calc reads it beside the shipped data with "evaluate formulas"
on, which parses it the way Calc parses what a learner types in a cell.

A filter hides rows; SUBTOTAL(103, …) counts only the rows left showing.
Here the rows a page's filter would hide are hidden in the copy, so Calc
counts what the learner would see.

LibreOffice comes from ``make setup-system`` (Debian's libreoffice-calc).
Without it the tests skip and say so; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from harness import ROOT
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string

from datawithcare import course_sector

DATASETS = ROOT / "datasets"
SHEETS = DATASETS / "spreadsheets"
COMPANION = ROOT / "book" / "spreadsheet-companion"

# Calc recalculates every formula when it opens a file, whatever the file
# says about its saved results.
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
# CSV, comma-separated, UTF-8, values not as shown (so no thousands separators).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,false,false,false"
# Reading CSV: the last option, "evaluate formulas", makes Calc read a field
# that starts with = as a formula typed in Calc, in Calc's own spelling.
CSV_TYPED = "CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true"

_FORMULA = re.compile(r"(=[A-Z][A-Z.]*\(.*)")


def page_formulas(text: str) -> list[str]:
    """The formulas on a page, in order: in `code` and in ```text blocks."""
    found = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        found += [line.strip() for line in block.splitlines() if _FORMULA.fullmatch(line.strip())]
    outside = re.sub(r"```.*?```", "", text, flags=re.S)
    found_inline = [m for m in re.findall(r"`(=[^`]+)`", outside) if _FORMULA.fullmatch(m)]
    # Keep the page's order: find each formula's first position.
    every = found + found_inline
    return sorted(every, key=lambda f: (text.index(f), every.index(f)))


def soffice_or_skip() -> str:
    path = shutil.which("soffice")
    if not path:
        message = (
            "LibreOffice Calc is missing, so the companion's formulas cannot be worked out: "
            "run `make setup-system` as root (it installs Debian's libreoffice-calc)."
        )
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return path


# What each formula should give ---------------------------------------------


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATASETS / f"{name}.csv", dtype=str, keep_default_na=False, na_filter=False)


def _clean(value: str) -> str:
    """TRIM(CLEAN(…)): no control characters, single spaces, none at the ends."""
    return re.sub(" +", " ", re.sub(r"[\x00-\x1f]", "", value)).strip(" ")


def _newham(messy: pd.DataFrame) -> pd.Series:
    return messy["Borough"].map(lambda v: re.sub(r"\s", "", v).lower()).isin({"newham", "lbnewham"})


def _area(clients: pd.DataFrame) -> pd.Series:
    top = clients["borough"].value_counts().head(6).index
    return clients["borough"].where(clients["borough"].isin(top), f"Other {course_sector().city} boroughs")


def _newham_count(gender: str) -> int:
    clients = _csv("clients")
    return int(((_area(clients) == "Newham") & (clients["gender"] == gender)).sum())


def _mround(count: int) -> int:
    return int(count / 5 + 0.5) * 5


def _under_18(c: pd.DataFrame) -> pd.Series:
    return c["age"].astype(int) < 18


@dataclass
class Check:
    """One formula on a page: where a learner types it, and what it must give."""

    about: str
    book: str  # a dataset's name, or "count:<gender>" for a table whose B2 is one count
    expected: Callable[[], object]
    stated: str | None = None  # a pattern for the number the page tells the learner
    shows: Callable[[pd.DataFrame], pd.Series] | None = None  # the rows a filter leaves showing
    column: str | None = None  # "H": typed in H2 and filled down; None: one cell
    calc_only: bool = False  # the Calc spelling with ";" of the formula after it
    extra: list[Check] = field(default_factory=list)


CHECKS: dict[str, list[Check]] = {
    "first-look": [
        Check("women, Calc's spelling", "clients", lambda: None, calc_only=True),
        Check(
            "women",
            "clients",
            lambda: int((_csv("clients")["gender"] == "Woman").sum()),
            stated=r"\*\*(\d+) women\*\*",
        ),
        Check(
            "no other language",
            "clients",
            lambda: int((_csv("clients")["other_languages"] == "").sum()),
            stated=r"\*\*(\d+) clients\*\* have no other",
        ),
    ],
    "filter-and-sort": [
        Check(
            "rows showing, filtered to under 18",
            "clients",
            lambda: int(_under_18(_csv("clients")).sum()),
            stated=r"\*\*(\d+) clients\*\* are under 18\.",
            shows=_under_18,
            extra=[
                Check(
                    "rows showing, filtered to under 18 who need an interpreter",
                    "clients",
                    lambda: int((_under_18(c := _csv("clients")) & (c["needs_interpreter"] == "True")).sum()),
                    stated=r"\*\*(\d+) clients\*\* are under 18 and need",
                    shows=lambda c: _under_18(c) & (c["needs_interpreter"] == "True"),
                )
            ],
        ),
        Check(
            "under 18 and need an interpreter",
            "clients",
            lambda: int((_under_18(c := _csv("clients")) & (c["needs_interpreter"] == "True")).sum()),
            stated=r"\*\*(\d+) clients\*\* are under 18 and need",
        ),
        Check(
            "registered in 2025",
            "clients",
            lambda: int(_csv("clients")["registered_on"].str.startswith("2025-").sum()),
            stated=r"\*\*(\d+) clients\*\* registered in 2025",
        ),
        Check(
            "cases still open",
            "cases",
            lambda: int((_csv("cases")["closed_on"] == "").sum()),
            stated=r"\*\*(\d+) of \d+ cases\*\*",
        ),
    ],
    "blanks-and-variants": [
        Check(
            "empty phone numbers",
            "messy_export",
            lambda: int((_csv("messy_export")["Phone"] == "").sum()),
            stated=r"\*\*(\d+) phone numbers\*\*",
        ),
        Check(
            "blanks in disguise",
            "messy_export",
            lambda: int(_csv("messy_export")["DOB"].str.lower().isin({"n/a", "na", "-", "unknown"}).sum()),
            stated=r"\*\*(\d+) dates of birth\*\*",
        ),
        Check(
            "boroughs with spaces or a tab",
            "messy_export",
            lambda: int(((b := _csv("messy_export")["Borough"]).str.len() != b.map(_clean).str.len()).sum()),
            stated=r"\*\*(\d+) boroughs\*\* have extra",
        ),
        Check(
            "each borough cleaned",
            "messy_export",
            lambda: list(_csv("messy_export")["Borough"].map(_clean)),
            column="Z",
        ),
        Check(
            "rows showing, filtered to every spelling of Newham",
            "messy_export",
            lambda: int(_newham(_csv("messy_export")).sum()),
            stated=r"\*\*(\d+) rows\*\* for Newham",
            shows=_newham,
        ),
        Check(
            "exactly Newham",
            "messy_export",
            lambda: int((_csv("messy_export")["Borough"].str.lower() == "newham").sum()),
            stated=r"Only (\d+) of them match",
        ),
    ],
    "pivot-tables": [
        Check(
            "year each case was opened",
            "cases",
            lambda: [int(d[:4]) for d in _csv("cases")["opened_on"]],
            column="I",
        ),
        Check(
            "Housing cases opened in 2025",
            "cases",
            lambda: int(
                (
                    (c := _csv("cases"))["issue_area"].eq("Housing") & c["opened_on"].str.startswith("2025-")
                ).sum()
            ),
            stated=r"In 2025 the charity opened \*\*(\d+)\*\* Housing",
        ),
        Check(
            "Housing cases closed",
            "cases",
            lambda: int(((c := _csv("cases"))["issue_area"].eq("Housing") & c["closed_on"].ne("")).sum()),
            stated=r"\*\*(\d+)\*\* of the \d+ Housing cases are closed",
        ),
    ],
    "hiding-small-numbers": [
        Check("area of each client", "clients", lambda: list(_area(_csv("clients"))), column="AA"),
        Check(
            "Newham's men, rounded to 5",
            "count:Man",
            lambda: _mround(_newham_count("Man")),
            stated=r"Newham's \d+ men become \*\*(\d+)\*\*",
            extra=[
                Check(
                    "Newham's women, rounded to 5",
                    "count:Woman",
                    lambda: _mround(_newham_count("Woman")),
                    stated=r"\d+ women become \*\*(\d+)\*\*",
                )
            ],
        ),
    ],
}


# Calc at work ----------------------------------------------------------------


@dataclass
class Placed:
    page: str
    check: Check
    formula: str
    file: str
    cell: tuple[int, int] | None = None  # (row, column), 1-based, for one cell
    column: int | None = None  # for a formula filled down


def _pairs(pages: dict[str, str]) -> list[tuple[str, Check, str]]:
    pairs = []
    for page, text in pages.items():
        formulas = page_formulas(text)
        checks = CHECKS[page]
        assert len(formulas) == len(checks), (
            f"{page}.md prints {len(formulas)} formulas and this test checks {len(checks)}: {formulas}. "
            "Add a Check for each new formula."
        )
        for formula, check in zip(formulas, checks, strict=True):
            if check.calc_only:
                continue
            for one in [check, *check.extra]:
                pairs.append((page, one, formula))
    return pairs


def _workbook(check: Check) -> Workbook:
    if check.book.startswith("count:"):
        book = Workbook()
        sheet = book.active
        sheet.append(["area", check.book.split(":")[1]])
        sheet.append(["Newham", _newham_count(check.book.split(":")[1])])
        return book
    return load_workbook(SHEETS / f"{check.book}.xlsx")


def calc_results(pages: dict[str, str], work: Path) -> list[tuple[Placed, object]]:
    """Put each page's formulas into copies of the shipped workbooks; Calc works them out."""
    soffice = soffice_or_skip()
    groups: dict[tuple, list[tuple[str, Check, str]]] = {}
    for page, check, formula in _pairs(pages):
        # One copy of a workbook per page, and one more for each filter.
        key = (check.book, check.about if check.shows else "", page)
        groups.setdefault(key, []).append((page, check, formula))
    placed: list[Placed] = []
    files = []
    for number, (key, items) in enumerate(groups.items()):
        book = _workbook(items[0][1])
        sheet = book.worksheets[0]
        width = sheet.max_column
        rows = sheet.max_row
        name = f"{number:02d}-{key[0].replace(':', '-')}.xlsx"
        if items[0][1].shows:
            showing = items[0][1].shows(_csv(key[0]))
            for index, show in enumerate(showing, start=2):
                sheet.row_dimensions[index].hidden = not show
        free = width + 2
        for page, check, formula in items:
            if check.column:
                letter = check.column
                column = column_index_from_string(letter)
                assert column > width, f"{page}.md: column {letter} is not empty in {check.book}."
                # Type it in row 2 and fill it down: the row number moves with each row.
                for row in range(2, rows + 1):
                    sheet.cell(row, column, re.sub(r"([A-Z])2\b", rf"\g<1>{row}", formula))
                placed.append(Placed(page, check, formula, name, column=column))
            else:
                sheet.cell(1, free, formula)
                placed.append(Placed(page, check, formula, name, cell=(1, free)))
                free += 1
        book.save(work / name)
        files.append(name)
    profile = work / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD, encoding="utf-8")
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(work / "out"),
            *files,
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    results = []
    for place in placed:
        out = work / "out" / place.file.replace(".xlsx", ".csv")
        assert out.is_file(), f"Calc wrote no {out.name}: {done.stdout} {done.stderr}"
        table = pd.read_csv(out, header=None, dtype=str, keep_default_na=False, na_filter=False)
        if place.cell:
            value = table.iat[place.cell[0] - 1, place.cell[1] - 1]
            results.append((place, int(value) if re.fullmatch(r"-?\d+", value) else value))
        else:
            values = list(table.iloc[1:, place.column - 1])
            results.append((place, [int(v) if re.fullmatch(r"-?\d+", v) else v for v in values]))
    return results


def problems(results: list[tuple[Placed, object]], pages: dict[str, str]) -> list[str]:
    """What differs between Calc, pandas and the page, in words."""
    found = []
    for place, calc in results:
        check = place.check
        expected = check.expected()
        where = f"{place.page}.md, {check.about}: {place.formula}"
        if calc != expected:
            shown = calc if not isinstance(calc, list) else f"{len(calc)} values, not as expected"
            found.append(f"{where} gives {shown} in LibreOffice Calc; the data says {expected!r:.80}.")
        if check.stated:
            flat = " ".join(pages[place.page].split())
            stated = [int(n) for n in re.findall(check.stated, flat)]
            if stated != [expected]:
                found.append(f"{where}: the page says {stated}, the data says {expected}.")
    return found


def typed_in_calc(formula: str, book: str, work: Path) -> str:
    """What Calc shows for a formula typed in Calc's spelling, in a cell beside the shipped data."""
    soffice = soffice_or_skip()
    table = _csv(book)
    table["typed"] = ""
    table.loc[0, "typed"] = formula
    table.to_csv(work / f"{book}.csv", index=False)
    profile = work / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD, encoding="utf-8")
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            f"--infilter={CSV_TYPED}",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(work / "out"),
            f"{book}.csv",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = work / "out" / f"{book}.csv"
    assert out.is_file(), f"Calc wrote no {out.name}: {done.stdout} {done.stderr}"
    result = pd.read_csv(out, dtype=str, keep_default_na=False, na_filter=False)
    return result.loc[0, "typed"]


def _pages() -> dict[str, str]:
    return {page: (COMPANION / f"{page}.md").read_text(encoding="utf-8") for page in CHECKS}


# The tests -------------------------------------------------------------------


def test_every_formula_on_the_pages_is_checked() -> None:
    pairs = _pairs(_pages())
    assert len(pairs) >= 18
    for page, text in _pages().items():
        for formula, check in zip(page_formulas(text), CHECKS[page], strict=True):
            if check.calc_only:
                # Calc's spelling must be the next formula with ";" for ",".
                following = page_formulas(text)[page_formulas(text).index(formula) + 1]
                assert ";" in formula and formula.replace(";", ",") == following, (page, formula)
    others = sorted(set(p.stem for p in COMPANION.glob("*.md")) - set(CHECKS) - {"index"})
    assert others == [], f"New companion pages: {others}; add their formulas to CHECKS."
    assert page_formulas((COMPANION / "index.md").read_text(encoding="utf-8")) == []


def test_calc_gives_the_numbers_the_pages_promise(tmp_path: Path) -> None:
    pages = _pages()
    results = calc_results(pages, tmp_path)
    assert len(results) == len(_pairs(pages))
    assert problems(results, pages) == []


def test_calc_spelling_with_semicolons_gives_the_same(tmp_path: Path) -> None:
    """A formula printed for Calc with ";" gives the answer of its twin with "," (the page says both work)."""
    checked = 0
    for page, text in _pages().items():
        formulas = page_formulas(text)
        for index, check in enumerate(CHECKS[page]):
            if check.calc_only:
                twin = CHECKS[page][index + 1]
                work = tmp_path / f"{page}-{index}"
                work.mkdir()
                got = typed_in_calc(formulas[index], check.book, work)
                assert got == str(twin.expected()), f"{page}.md: {formulas[index]} gives {got} in Calc."
                # And a wrong one does not: the same formula asking for a spelling nobody used.
                wrong = formulas[index].replace('"Woman"', '"Women"')
                assert wrong != formulas[index], "Plant another mistake for this formula."
                assert typed_in_calc(wrong, check.book, work) == "0"
                checked += 1
    assert checked >= 1


def test_a_wrong_formula_on_a_page_is_caught(tmp_path: Path) -> None:
    """A test of the test: ranges that stop short and a wrong column, planted in a copy of a page."""
    pages = {"filter-and-sort": _pages()["filter-and-sort"]}
    right = '=COUNTIFS(E2:E2001, "<18", J2:J2001, TRUE)'
    assert right in pages["filter-and-sort"]
    open_cases = re.search(r"=COUNTBLANK\(F2:F\d+\)", pages["filter-and-sort"]).group()
    pages["filter-and-sort"] = (
        pages["filter-and-sort"]
        .replace(right, right.replace("2001", "201"))
        .replace(open_cases, open_cases.replace("F", "B"))
    )
    clients, cases = _csv("clients"), _csv("cases")
    under_18 = int((_under_18(clients) & (clients["needs_interpreter"] == "True")).sum())
    still_open = int((cases["closed_on"] == "").sum())
    found = problems(calc_results(pages, tmp_path), pages)
    assert len(found) == 2, found
    assert f"J2:J201, TRUE) gives 0 in LibreOffice Calc; the data says {under_18}." in found[0]
    assert (
        f"{open_cases.replace('F', 'B')} gives 0 in LibreOffice Calc; the data says {still_open}" in found[1]
    )
