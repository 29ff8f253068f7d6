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

Each page serves every edition of the course: where its numbers, formulas
or pictures belong to one sector's data, it gives each edition its own
``{only}`` passage. The test reads a page as the active edition shows it
(:func:`datawithcare.editions.resolve`) and checks it against the active
profile's data (datasets/). It also makes each shipped profile's data in a
temporary folder (as ``make data`` would, with that profile) and checks that
edition's page against it, so every edition's numbers are checked in CI while
datasets/ keeps the shipped data.

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
from functools import cached_property
from pathlib import Path

import pandas as pd
import pytest
from companion import COMPANION, CompanionEdition
from harness import ROOT
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from test_spreadsheets import _by_hand

from datawithcare import editions, suppress_small_counts
from datawithcare.generate import main as generate
from datawithcare.generator.profile import active_profile_path, load_profile, resolve_profile
from datawithcare.spreadsheets import _write_one, read_csv_cells, spreadsheet_name

DATASETS = ROOT / "datasets"
#: Every sector profile the repository ships: each edition's page is checked on its own data.
SHIPPED_PROFILES = ["refugee-london", "homelessness-greater-manchester"]
#: The ones that are not active: the active one is checked on datasets/, which `make data` made from it.
OTHER_PROFILES = [n for n in SHIPPED_PROFILES if resolve_profile(n) != active_profile_path()]

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


# One edition: a profile, its data and its pages ----------------------------


class Edition(CompanionEdition):
    """A sector profile's data (CSV files and their workbooks) and the pages as its edition shows them."""

    @property
    def issue(self) -> str:
        """The issue area the pivot-table page checks by formula: the second biggest (the page names both)."""
        return str(self.csv("cases")["issue_area"].value_counts().index[1])

    @cached_property
    def pages(self) -> dict[str, str]:
        return {page: self.page(page) for page in CHECKS}


def active_edition() -> Edition:
    """The active profile (datawithcare/course.yaml or DATAWITHCARE_PROFILE) and the data in datasets/."""
    return Edition(load_profile(), DATASETS)


# What each formula should give ---------------------------------------------


def _clean(value: str) -> str:
    """TRIM(CLEAN(…)): no control characters, single spaces, none at the ends."""
    return re.sub(" +", " ", re.sub(r"[\x00-\x1f]", "", value)).strip(" ")


def _squeezed(value: str) -> str:
    return re.sub(r"\s", "", value).lower()


def _focus_spellings(e: Edition, messy: pd.DataFrame) -> pd.Series:
    """The rows of the messy export that mean the focus area, however they were typed."""
    borough = next(b for b in e.profile["boroughs"] if b["label"] == e.focus)
    spellings = {_squeezed(s) for s in [borough["label"], *borough["variants"]]}
    return messy["Borough"].map(_squeezed).isin(spellings)


def _disguised(e: Edition) -> int:
    """Dates of birth typed as one of the profile's blank markers (COUNTIF ignores capitals)."""
    markers = {m.lower() for m in e.profile["messy_export"]["blank_markers"] if m.strip()}
    return int(e.csv("messy_export")["DOB"].str.lower().isin(markers).sum())


def _top_six(clients: pd.DataFrame) -> list[str]:
    return list(clients["borough"].value_counts().head(6).index)


def _area(e: Edition) -> pd.Series:
    clients = e.csv("clients")
    return clients["borough"].where(clients["borough"].isin(_top_six(clients)), e.other_areas)


def _area_by_gender(e: Edition) -> pd.DataFrame:
    return pd.crosstab(_area(e).rename("area"), e.csv("clients")["gender"])


def _focus_count(e: Edition, gender: str) -> int:
    return int(_area_by_gender(e).loc[e.focus, gender])


def _mround(count: int) -> int:
    return int(count / 5 + 0.5) * 5


def _under_18(c: pd.DataFrame) -> pd.Series:
    return c["age"].astype(int) < 18


@dataclass
class Check:
    """One formula on a page: where a learner types it, and what it must give."""

    about: str
    book: str  # a dataset's name, or "count:<gender>" for a table whose B2 is one count
    expected: Callable[[Edition], object]
    # A pattern for the number the page tells the learner ({focus}: the edition's focus area;
    # {issue}: its example issue area).
    stated: str | None = None
    shows: Callable[[Edition], pd.Series] | None = None  # the rows a filter leaves showing
    # "H": typed in H2 and filled down; "next": the same in the first empty column; None: one cell.
    column: str | None = None
    calc_only: bool = False  # the Calc spelling with ";" of the formula after it
    extra: list[Check] = field(default_factory=list)


CHECKS: dict[str, list[Check]] = {
    "first-look": [
        Check("women, Calc's spelling", "clients", lambda e: None, calc_only=True),
        Check(
            "women",
            "clients",
            lambda e: int((e.csv("clients")["gender"] == "Woman").sum()),
            stated=r"\*\*(\d+) women\*\*",
        ),
        Check(
            "no other language",
            "clients",
            lambda e: int((e.csv("clients")["other_languages"] == "").sum()),
            stated=r"\*\*(\d+) clients\*\* have no other",
        ),
    ],
    "filter-and-sort": [
        Check(
            "rows showing, filtered to under 18",
            "clients",
            lambda e: int(_under_18(e.csv("clients")).sum()),
            stated=r"\*\*(\d+) clients\*\* are under 18\.",
            shows=lambda e: _under_18(e.csv("clients")),
            extra=[
                Check(
                    "rows showing, filtered to under 18 who need an interpreter",
                    "clients",
                    lambda e: int(
                        (_under_18(c := e.csv("clients")) & (c["needs_interpreter"] == "True")).sum()
                    ),
                    stated=r"\*\*(\d+) clients\*\* are under 18 and need",
                    shows=lambda e: _under_18(c := e.csv("clients")) & (c["needs_interpreter"] == "True"),
                )
            ],
        ),
        Check(
            "under 18 and need an interpreter",
            "clients",
            lambda e: int((_under_18(c := e.csv("clients")) & (c["needs_interpreter"] == "True")).sum()),
            stated=r"\*\*(\d+) clients\*\* are under 18 and need",
        ),
        Check(
            "registered in 2025",
            "clients",
            lambda e: int(e.csv("clients")["registered_on"].str.startswith("2025-").sum()),
            stated=r"\*\*(\d+) clients\*\* registered in 2025",
        ),
        Check(
            "cases still open",
            "cases",
            lambda e: int((e.csv("cases")["closed_on"] == "").sum()),
            stated=r"\*\*(\d+) of \d+ cases\*\*",
        ),
    ],
    "blanks-and-variants": [
        Check(
            "empty phone numbers",
            "messy_export",
            lambda e: int((e.csv("messy_export")["Phone"] == "").sum()),
            stated=r"\*\*(\d+) phone numbers\*\*",
        ),
        Check(
            "blanks in disguise",
            "messy_export",
            _disguised,
            stated=r"\*\*(\d+) dates of birth\*\*",
        ),
        Check(
            "boroughs with spaces or a tab",
            "messy_export",
            lambda e: int(
                ((b := e.csv("messy_export")["Borough"]).str.len() != b.map(_clean).str.len()).sum()
            ),
            stated=r"\*\*(\d+) boroughs\*\* have extra",
        ),
        Check(
            "each borough cleaned",
            "messy_export",
            lambda e: list(e.csv("messy_export")["Borough"].map(_clean)),
            column="Z",
        ),
        Check(
            "rows showing, filtered to every spelling of the focus area",
            "messy_export",
            lambda e: int(_focus_spellings(e, e.csv("messy_export")).sum()),
            stated=r"\*\*(\d+) rows\*\* for {focus}",
            shows=lambda e: _focus_spellings(e, e.csv("messy_export")),
        ),
        Check(
            "exactly the focus area",
            "messy_export",
            lambda e: int((e.csv("messy_export")["Borough"].str.lower() == e.focus.lower()).sum()),
            stated=r"Only (\d+) of them match",
        ),
    ],
    "pivot-tables": [
        Check(
            "year each case was opened",
            "cases",
            lambda e: [int(d[:4]) for d in e.csv("cases")["opened_on"]],
            column="I",
        ),
        Check(
            "the example issue area's cases opened in 2025",
            "cases",
            lambda e: int(
                (
                    (c := e.csv("cases"))["issue_area"].eq(e.issue) & c["opened_on"].str.startswith("2025-")
                ).sum()
            ),
            stated=r"In 2025 the charity opened \*\*(\d+)\*\* {issue}",
        ),
        Check(
            "the example issue area's cases closed",
            "cases",
            lambda e: int(((c := e.csv("cases"))["issue_area"].eq(e.issue) & c["closed_on"].ne("")).sum()),
            stated=r"\*\*(\d+)\*\* of the \d+ {issue} cases are closed",
        ),
    ],
    "hiding-small-numbers": [
        Check("area of each client", "clients", lambda e: list(_area(e)), column="next"),
        Check(
            "the focus area's men, rounded to 5",
            "count:Man",
            lambda e: _mround(_focus_count(e, "Man")),
            stated=r"{focus}'s \d+ men become \*\*(\d+)\*\*",
            extra=[
                Check(
                    "the focus area's women, rounded to 5",
                    "count:Woman",
                    lambda e: _mround(_focus_count(e, "Woman")),
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


def _workbook(e: Edition, check: Check) -> Workbook:
    if check.book.startswith("count:"):
        gender = check.book.split(":")[1]
        book = Workbook()
        sheet = book.active
        sheet.append(["area", gender])
        sheet.append([e.focus, _focus_count(e, gender)])
        return book
    return load_workbook(e.sheets / f"{check.book}.xlsx")


def calc_results(e: Edition, pages: dict[str, str], work: Path) -> list[tuple[Placed, object]]:
    """Put each page's formulas into copies of the edition's workbooks; Calc works them out."""
    soffice = soffice_or_skip()
    groups: dict[tuple, list[tuple[str, Check, str]]] = {}
    for page, check, formula in _pairs(pages):
        # One copy of a workbook per page, and one more for each filter.
        key = (check.book, check.about if check.shows else "", page)
        groups.setdefault(key, []).append((page, check, formula))
    placed: list[Placed] = []
    files = []
    for number, (key, items) in enumerate(groups.items()):
        book = _workbook(e, items[0][1])
        sheet = book.worksheets[0]
        width = sheet.max_column
        rows = sheet.max_row
        name = f"{number:02d}-{key[0].replace(':', '-')}.xlsx"
        if items[0][1].shows:
            showing = items[0][1].shows(e)
            for index, show in enumerate(showing, start=2):
                sheet.row_dimensions[index].hidden = not show
        free = width + 2
        for page, check, formula in items:
            if check.column:
                letter = get_column_letter(width + 1) if check.column == "next" else check.column
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


def problems(e: Edition, results: list[tuple[Placed, object]], pages: dict[str, str]) -> list[str]:
    """What differs between Calc, pandas and the page, in words."""
    found = []
    for place, calc in results:
        check = place.check
        expected = check.expected(e)
        where = f"{place.page}.md, {check.about}: {place.formula}"
        if calc != expected:
            shown = calc if not isinstance(calc, list) else f"{len(calc)} values, not as expected"
            found.append(f"{where} gives {shown} in LibreOffice Calc; the data says {expected!r:.80}.")
        if check.stated:
            flat = " ".join(pages[place.page].split())
            pattern = check.stated.replace("{focus}", re.escape(e.focus)).replace(
                "{issue}", re.escape(e.issue)
            )
            stated = [int(n) for n in re.findall(pattern, flat)]
            if stated != [expected]:
                found.append(f"{where}: the page says {stated}, the data says {expected}.")
    return found


def typed_in_calc(e: Edition, formula: str, book: str, work: Path) -> str:
    """What Calc shows for a formula typed in Calc's spelling, in a cell beside the edition's data."""
    soffice = soffice_or_skip()
    table = e.csv(book)
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


# What the pages say beside their formulas ------------------------------------

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_NAMES = {n: word for word, n in _WORDS.items()}


def _listed(names: str) -> list[str]:
    """ "A, B and C" as ["A", "B", "C"] (a name may hold "and", as in "Barking and Dagenham")."""
    *first, last = names.split(", ")
    return [*first, *last.rsplit(" and ", 1)]


def stated(text: str, pattern: str) -> list[str]:
    """Every match of ``pattern`` on a page, with its lines joined (a sentence may break anywhere)."""
    return re.findall(pattern, " ".join(text.split()))


def claim_problems(e: Edition) -> list[str]:
    """Each number and name the two pages state outside a formula, against the edition's data.

    These are the answers a learner compares with: the hidden cells of the
    hand rule, the spellings a filter list shows, the six biggest areas.
    """
    found: list[str] = []

    def same(page: str, pattern: str, expected: object, convert: Callable = int) -> None:
        expected = expected.item() if hasattr(expected, "item") else expected  # a NumPy number
        got = [convert(g) for g in stated(e.pages[page], pattern.replace("{focus}", re.escape(e.focus)))]
        if got != [expected]:
            found.append(f"{page}.md ({e.key} edition): {pattern!r} says {got}, the data says {expected!r}.")

    messy = e.csv("messy_export")
    same("blanks-and-variants", r"It holds (\d+) registrations", len(messy))
    no_dob = int((messy["DOB"] == "").sum())
    same("blanks-and-variants", r"and (\d+) more are truly empty", no_dob)
    same("blanks-and-variants", r"So (\d+) people have no date", _disguised(e) + no_dob)
    same("blanks-and-variants", r"It has (\d+) rows", len(e.csv("messy_export_answer_key")))
    focus = _focus_spellings(e, messy)
    spellings = sorted({_clean(v).lower() for v in messy.loc[focus, "Borough"]})
    same(
        "blanks-and-variants",
        r"rows\*\* for {focus}, written as ((?:\"[^\"]+\",? (?:and )?)+)",
        spellings,
        lambda listed: sorted({s.lower() for s in re.findall(r'"([^"]+)"', listed)}),
    )

    clients = e.csv("clients")
    top = _top_six(clients)
    counts = _area_by_gender(e)
    same("hiding-small-numbers", r"The six biggest are ([^.]+)\.", top, _listed)
    formula = next(f for f in page_formulas(e.pages["hiding-small-numbers"]) if f.startswith("=IF(OR("))
    if re.findall(r'K2="([^"]+)"', formula) != top or not formula.endswith(f'"{e.other_areas}")'):
        found.append(f"hiding-small-numbers.md ({e.key} edition): {formula} does not name {top}.")
    after = get_column_letter(clients.shape[1] + 1)
    same("hiding-small-numbers", r"type `area` in ([A-Z]+)1 \(the first empty column\)", after, str)
    same("hiding-small-numbers", r"copy it down to ([A-Z]+\d+)\.", f"{after}{len(clients) + 1}", str)
    same("hiding-small-numbers", r"{focus} has \*\*(\d+)\*\* men", counts.loc[e.focus, "Man"])
    same("hiding-small-numbers", r"men and \*\*(\d+)\*\* women", counts.loc[e.focus, "Woman"])
    same("hiding-small-numbers", r"grand total is \*\*(\d+)\*\*", counts.to_numpy().sum())
    small = (counts > 0) & (counts < 10)
    same("hiding-small-numbers", r"\*\*(\d+) counts\*\* are between 1 and 9", small.sum().sum())
    for column in ("Prefer not to say", "Non-binary"):
        same(
            "hiding-small-numbers",
            rf'(\w+) of the {_NAMES[len(counts)]} counts? for "{column}"',
            small[column].sum(),
            lambda word: _WORDS.get(word.lower()),
        )
    hidden = _by_hand(counts, threshold=10)
    same("hiding-small-numbers", r"You hide \*\*(\d+) numbers\*\*", hidden.sum().sum())
    same("hiding-small-numbers", r"small counts and (\d+) more", (hidden & ~small).sum().sum())
    helper = suppress_small_counts(counts, threshold=10).loc[counts.index, counts.columns].isna()
    same("hiding-small-numbers", r"helper in lesson 8a hides the same (\d+) numbers", helper.sum().sum())
    if not helper.equals(hidden):
        found.append(
            f"hiding-small-numbers.md ({e.key} edition): the helper hides other cells than the rule."
        )
    same("hiding-small-numbers", r"{focus}'s (\d+) men become", counts.loc[e.focus, "Man"])
    same("hiding-small-numbers", r"its (\d+) women become", counts.loc[e.focus, "Woman"])
    return found


# Every shipped profile's data, made as `make data` makes it ------------------


@pytest.fixture(scope="module")
def shipped_edition(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Edition]:
    """A profile's data, generated into a temporary folder (datasets/ keeps the shipped data)."""
    made: dict[str, Edition] = {}

    def make(name: str) -> Edition:
        if name not in made:
            out = tmp_path_factory.mktemp(name)
            assert generate(["--profile", name, "--out", str(out), "--quiet"]) == 0
            (out / "spreadsheets").mkdir()
            for book in {c.book for checks in CHECKS.values() for c in checks if ":" not in c.book}:
                cells = read_csv_cells(out / f"{book}.csv")
                xlsx = _write_one(cells, spreadsheet_name(f"{book}.csv"), "xlsx")
                (out / "spreadsheets" / f"{book}.xlsx").write_bytes(xlsx)
            made[name] = Edition(load_profile(name), out)
        return made[name]

    return make


# The tests -------------------------------------------------------------------


def test_every_formula_on_the_pages_is_checked() -> None:
    keys = {load_profile(name)["sector"]["key"] for name in SHIPPED_PROFILES}
    assert len(keys) == len(SHIPPED_PROFILES)
    for key in sorted(keys):
        pages = {
            p: editions.resolve((COMPANION / f"{p}.md").read_text(encoding="utf-8"), key) for p in CHECKS
        }
        pairs = _pairs(pages)
        assert len(pairs) >= 18, key
        for page, text in pages.items():
            for formula, check in zip(page_formulas(text), CHECKS[page], strict=True):
                if check.calc_only:
                    # Calc's spelling must be the next formula with ";" for ",".
                    following = page_formulas(text)[page_formulas(text).index(formula) + 1]
                    assert ";" in formula and formula.replace(";", ",") == following, (key, page, formula)
    others = sorted(set(p.stem for p in COMPANION.glob("*.md")) - set(CHECKS) - {"index"})
    assert others == [], f"New companion pages: {others}; add their formulas to CHECKS."
    assert page_formulas((COMPANION / "index.md").read_text(encoding="utf-8")) == []


def test_calc_gives_the_numbers_the_pages_promise(tmp_path: Path) -> None:
    """The active edition's pages, on the data in datasets/ (the files the pages link to)."""
    e = active_edition()
    results = calc_results(e, e.pages, tmp_path)
    assert len(results) == len(_pairs(e.pages))
    assert problems(e, results, e.pages) == []


def test_the_pages_other_answers_match_the_data() -> None:
    assert claim_problems(active_edition()) == []


def _with_editions(pages: dict[str, str]) -> dict[str, str]:
    """The pages that give each edition its own passages (the others still serve the active edition only)."""
    return {
        page: text
        for page, text in pages.items()
        if editions.passages((COMPANION / f"{page}.md").read_text(encoding="utf-8").split("\n"))
    }


@pytest.mark.parametrize("name", OTHER_PROFILES)
def test_each_edition_promises_the_numbers_of_its_own_data(
    name: str, shipped_edition, tmp_path: Path
) -> None:  # noqa: ANN001
    """Each other shipped profile's edition of the pages, on that profile's data made fresh.

    Every page with a formula gives each edition its own passages where the
    numbers differ, so each is checked on that edition's data.
    """
    e = shipped_edition(name)
    pages = _with_editions(e.pages)
    assert set(pages) == set(CHECKS), f"{sorted(set(CHECKS) - set(pages))} serve one edition only."
    assert claim_problems(e) == []
    results = calc_results(e, pages, tmp_path)
    assert len(results) == len(_pairs(pages)) >= 18
    assert problems(e, results, pages) == []


def test_a_wrong_answer_in_an_edition_is_caught(shipped_edition) -> None:  # noqa: ANN001
    """A test of the test: mistakes planted in a copy of the second edition's page."""
    e = shipped_edition(SHIPPED_PROFILES[1])
    planted = Edition(e.profile, e.data)
    page = e.pages["hiding-small-numbers"]
    hidden = re.search(r"You hide \*\*(\d+) numbers\*\*", page).group(1)
    # The two biggest areas swapped, and a wrong number of hidden cells.
    swapped = re.sub(r"The six biggest are ([^,]+), ([^,]+),", r"The six biggest are \2, \1,", page)
    assert swapped != page
    planted.pages = {
        **e.pages,
        "hiding-small-numbers": swapped.replace(f"**{hidden} numbers**", "**9 numbers**"),
    }
    found = claim_problems(planted)
    assert len(found) == 2, found
    assert "six biggest" in found[0] and f"says [9], the data says {hidden}" in found[1]


def test_a_picture_of_one_editions_data_is_shown_in_that_edition_only() -> None:
    """A page whose numbers differ by edition keeps each Calc picture in one edition's passage.

    The pictures show the data `make screenshots` ran on; another edition's
    learner would see numbers that are not in their files.
    """
    checked = 0
    for page in sorted(COMPANION.glob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        found = editions.passages(lines, page.name)
        if not found:
            continue
        for number, line in enumerate(lines, start=1):
            if line.lstrip("`").startswith("{image}"):
                around = [p for p in found if p.first < number < p.last]
                assert len(around) == 1 and len(around[0].keys) == 1, (
                    f"{page.name}, line {number}: a picture of one edition's data outside its {{only}} passage."
                )
                checked += 1
    assert checked >= 3


def test_calc_spelling_with_semicolons_gives_the_same(tmp_path: Path) -> None:
    """A formula printed for Calc with ";" gives the answer of its twin with "," (the page says both work)."""
    e = active_edition()
    checked = 0
    for page, text in e.pages.items():
        formulas = page_formulas(text)
        for index, check in enumerate(CHECKS[page]):
            if check.calc_only:
                twin = CHECKS[page][index + 1]
                work = tmp_path / f"{page}-{index}"
                work.mkdir()
                got = typed_in_calc(e, formulas[index], check.book, work)
                assert got == str(twin.expected(e)), f"{page}.md: {formulas[index]} gives {got} in Calc."
                # And a wrong one does not: the same formula asking for a spelling nobody used.
                wrong = formulas[index].replace('"Woman"', '"Women"')
                assert wrong != formulas[index], "Plant another mistake for this formula."
                assert typed_in_calc(e, wrong, check.book, work) == "0"
                checked += 1
    assert checked >= 1


def test_a_wrong_formula_on_a_page_is_caught(tmp_path: Path) -> None:
    """A test of the test: ranges that stop short and a wrong column, planted in a copy of a page."""
    e = active_edition()
    pages = {"filter-and-sort": e.pages["filter-and-sort"]}
    right = '=COUNTIFS(E2:E2001, "<18", J2:J2001, TRUE)'
    assert right in pages["filter-and-sort"]
    open_cases = re.search(r"=COUNTBLANK\(F2:F\d+\)", pages["filter-and-sort"]).group()
    pages["filter-and-sort"] = (
        pages["filter-and-sort"]
        .replace(right, right.replace("2001", "201"))
        .replace(open_cases, open_cases.replace("F", "B"))
    )
    clients, cases = e.csv("clients"), e.csv("cases")
    under_18 = int((_under_18(clients) & (clients["needs_interpreter"] == "True")).sum())
    still_open = int((cases["closed_on"] == "").sum())
    found = problems(e, calc_results(e, pages, tmp_path), pages)
    assert len(found) == 2, found
    assert f"J2:J201, TRUE) gives 0 in LibreOffice Calc; the data says {under_18}." in found[0]
    assert (
        f"{open_cases.replace('F', 'B')} gives 0 in LibreOffice Calc; the data says {still_open}" in found[1]
    )
