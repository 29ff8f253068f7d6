"""The spreadsheet companion: the files learners download, and the answers the pages give.

The spreadsheets must hold the same cells as the CSV files, come out the same
bytes every time, and carry nothing unsafe. Every "Check your answer" number on
the companion pages is worked out here again from the shipped data, the way the
page tells a learner to work it out in a spreadsheet, so the pages cannot drift
from the data.

Each page serves every edition of the course, with its own ``{only}`` passage
where the numbers belong to one sector's data. The answers are checked for
each shipped profile: the active one on datasets/, the other on its own data
made in a temporary folder (as ``make data`` would make it with that profile).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shlex
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from companion import COMPANION, CompanionEdition
from harness import ROOT
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from datawithcare import suppress_small_counts
from datawithcare.generate import main as generate
from datawithcare.generator.profile import active_profile_path, load_profile, resolve_profile
from datawithcare.identifiers import find_unsafe_identifiers
from datawithcare.privacy import hidden_cell_ranges
from datawithcare.spreadsheets import (
    FIXED_ISO,
    FIXED_TIME,
    _write_one,
    dataset_files,
    main,
    read_csv_cells,
    spreadsheet_name,
    write_spreadsheets,
)

DATASETS = ROOT / "datasets"
SHEETS = DATASETS / "spreadsheets"
NO_CODE = ROOT / "book" / "start-here" / "no-code-route.md"
HOW_TO_USE = ROOT / "book" / "start-here" / "how-to-use.md"
SMALL = ["official_census_population.csv", "outside_source.csv", "messy_export.csv", "maturity_cohort.csv"]


# The files ------------------------------------------------------------------


def test_every_dataset_ships_as_xlsx_and_ods() -> None:
    for csv_path in dataset_files(DATASETS):
        for suffix in ("xlsx", "ods"):
            assert (SHEETS / f"{csv_path.stem}.{suffix}").is_file(), (
                f"datasets/spreadsheets/{csv_path.stem}.{suffix} is missing: run `make data`."
            )


@pytest.mark.slow
def test_make_data_writes_the_shipped_spreadsheets_byte_for_byte(tmp_path: Path) -> None:
    """What `make data` runs, into a new folder: the bytes must equal the shipped files."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ndata:", 1)[1].split("\n\n", 1)[0]
    (line,) = [x for x in recipe.splitlines() if "-m datawithcare.spreadsheets" in x]
    args = shlex.split(line.split("-m datawithcare.spreadsheets", 1)[1])
    assert args[args.index("--out") + 1] == "datasets/spreadsheets"
    args[args.index("--out") + 1] = str(tmp_path)
    args[args.index("--data") + 1] = str(ROOT / args[args.index("--data") + 1])
    assert main(args) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in SHEETS.iterdir())
    for name in written:
        assert (tmp_path / name).read_bytes() == (SHEETS / name).read_bytes(), (
            f"{name} changed on regeneration: run `make data` and commit, or find what is not fixed."
        )


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_second_write_gives_the_same_bytes_and_no_clock_time(suffix: str) -> None:
    first = {
        name: _write_one(read_csv_cells(DATASETS / name), spreadsheet_name(name), suffix) for name in SMALL
    }
    second = {
        name: _write_one(read_csv_cells(DATASETS / name), spreadsheet_name(name), suffix) for name in SMALL
    }
    assert first == second
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT")
    for data in first.values():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert {info.date_time for info in archive.infolist()} == {FIXED_TIME}
            if suffix == "ods":
                first_part = archive.infolist()[0]
                assert first_part.filename == "mimetype" and first_part.compress_type == zipfile.ZIP_STORED
            for name in archive.namelist():
                text = archive.read(name).decode("utf-8", errors="replace")
                assert now not in text, f"{name} holds today's date."
            if suffix == "xlsx":
                core = archive.read("docProps/core.xml").decode()
                assert core.count(FIXED_ISO) == 2, "created and modified should be the fixed time."


def _as_csv_text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path) -> list[list[str]]:
    book = load_workbook(path, read_only=True)
    (sheet,) = book.worksheets
    rows = [[_as_csv_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    # A file read this way leaves out empty cells at the end of a row.
    width = len(rows[0]) if rows else 0
    return [row + [""] * (width - len(row)) for row in rows]


def _csv_rows(path: Path) -> list[list[str]]:
    text = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    return [list(text.columns)] + text.to_numpy().tolist()


@pytest.mark.parametrize("csv_path", dataset_files(DATASETS), ids=lambda p: p.stem)
def test_workbook_cells_are_the_csv_cells(csv_path: Path) -> None:
    assert _xlsx_rows(SHEETS / f"{csv_path.stem}.xlsx") == _csv_rows(csv_path)


@pytest.mark.parametrize("name", SMALL + ["cases.csv"])
def test_opendocument_cells_are_the_csv_cells(name: str) -> None:
    path = SHEETS / name.replace(".csv", ".ods")
    cells = pd.read_excel(
        path, engine="odf", header=None, dtype=object, keep_default_na=False, na_filter=False
    )
    rows = [[_as_csv_text(v) for v in row] for row in cells.itertuples(index=False, name=None)]
    assert rows == _csv_rows(DATASETS / name)


def test_numbers_dates_and_blanks_are_real_cells_but_phone_numbers_stay_text() -> None:
    book = load_workbook(SHEETS / "clients.xlsx", read_only=True)
    header, first = list(book.active.iter_rows(min_row=1, max_row=2, values_only=True))
    row = dict(zip(header, first, strict=True))
    book.close()
    assert isinstance(row["age"], int)
    assert isinstance(row["registered_on"], dt.datetime)
    assert row["needs_interpreter"] in (True, False)
    assert isinstance(row["phone"], str) and row["phone"].startswith("0")
    messy = read_csv_cells(DATASETS / "messy_export.csv")
    assert all(isinstance(v, str | type(None)) for v in messy.to_numpy().ravel()), (
        "The messy export stays text."
    )


def test_no_spreadsheet_holds_an_unsafe_identifier() -> None:
    for path in sorted(SHEETS.glob("*.xlsx")):
        text = "\n".join(",".join(row) for row in _xlsx_rows(path))
        assert find_unsafe_identifiers(text) == [], path.name


def test_the_scan_would_catch_an_unsafe_value_in_a_spreadsheet() -> None:
    text = "\n".join(",".join(row) for row in _xlsx_rows(SHEETS / "clients.xlsx"))
    assert find_unsafe_identifiers(text.replace("07700 900", "07911 123", 1))


def test_a_folder_without_data_gets_a_clear_message(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--data", str(tmp_path)])
    assert "run `make data` first" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [], "Nothing is written when the data is missing."


def test_write_spreadsheets_returns_what_it_wrote(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tiny.csv").write_text("a,b\n1,x\n,y\n", encoding="utf-8")
    (data / "datapackage.json").write_text('{"resources": [{"name": "tiny", "path": "tiny.csv"}]}')
    written = write_spreadsheets(data, tmp_path / "out")
    assert [p.name for p in written] == ["tiny.xlsx", "tiny.ods"]
    assert _xlsx_rows(written[0]) == [["a", "b"], ["1", "x"], ["", "y"]]


# The answers on the pages ---------------------------------------------------

#: Every sector profile the repository ships: each edition's pages are checked on its own data.
SHIPPED_PROFILES = ["refugee-london", "homelessness-greater-manchester"]


class Edition(CompanionEdition):
    """One edition: its profile, the folder of its data, and its pages as that edition shows them."""

    def text(self, name: str) -> pd.DataFrame:
        return self.csv(name)

    def stated(self, page: str, pattern: str) -> list[int]:
        found = re.findall(pattern, " ".join(self.page(page).split()))
        assert found, (
            f"{page}.md ({self.key} edition) no longer says {pattern!r}; update the test with the page."
        )
        return [int(n.replace(",", "")) for n in found]


@pytest.fixture(scope="module", params=SHIPPED_PROFILES)
def edition(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Edition:
    """Each shipped profile's edition: the active one on datasets/ (the files the pages link to),
    the other on its own data, made in a temporary folder as `make data` makes it."""
    name = request.param
    if resolve_profile(name) == active_profile_path():
        return Edition(load_profile(), DATASETS)
    out = tmp_path_factory.mktemp(name)
    assert generate(["--profile", name, "--out", str(out), "--quiet"]) == 0
    return Edition(load_profile(name), out)


def test_both_shipped_editions_are_checked(edition: Edition) -> None:
    keys = {load_profile(name)["sector"]["key"] for name in SHIPPED_PROFILES}
    assert len(keys) == len(SHIPPED_PROFILES) and edition.key in keys
    assert (edition.data / "clients.csv").is_file()


def _column_letter(table: pd.DataFrame, column: str) -> str:
    return get_column_letter(list(table.columns).index(column) + 1)


def test_column_letters_on_the_pages_match_the_files(edition: Edition) -> None:
    tables = {
        "first-look": ["clients"],
        "filter-and-sort": ["clients", "cases"],
        "blanks-and-variants": ["messy_export"],
        "pivot-tables": ["cases"],
        "hiding-small-numbers": ["clients"],
    }
    checked = 0
    for page, names in tables.items():
        text = " ".join(edition.page(page).split())  # a sentence may break anywhere
        named = re.findall(r"`([^`]+)`(?: column| cell)? \(column ([A-Z]+)\)", text)
        named += re.findall(r"`([^`]+)`(?: column)? is column ([A-Z]+)", text)
        for column, letter in named:
            owners = [edition.text(n) for n in names if column in edition.text(n).columns]
            assert len(owners) == 1, f"{page} ({edition.key}): `{column}` is not a column of {names}."
            assert _column_letter(owners[0], column) == letter, (
                f"{page} ({edition.key}): `{column}` is not column {letter}."
            )
            checked += 1
    assert checked >= 10, f"The pages name columns by letter; this test found only {checked}."


def test_first_look_answers(edition: Edition) -> None:
    clients = edition.text("clients")
    assert edition.stated("first-look", r"list has \*\*(\d+) clients\*\*") == [len(clients)]
    assert edition.stated("first-look", r"last row is row (\d+)") == [len(clients) + 1]
    assert edition.stated("first-look", r"\*\*(\d+) columns\*\*") == [clients.shape[1]]
    last = re.findall(r"The last column is ([A-Z]+):", " ".join(edition.page("first-look").split()))
    assert last == [get_column_letter(clients.shape[1])]
    # The "empty cell" the page suggests for a formula really is empty: right of the last column.
    empty = re.findall(
        r"an empty cell to the right of the table, for example ([A-Z]+)2", edition.page("first-look")
    )
    assert empty and all(column_index_from_string(c) > clients.shape[1] for c in empty), (
        empty,
        clients.shape,
    )
    genders = clients["gender"].value_counts()
    assert edition.stated("first-look", r"\*\*(\d+) women\*\*") == [genders["Woman"]]
    line = re.search(r"women\*\*, (\d+) men, (\d+) non-binary, and (\d+) who", edition.page("first-look"))
    assert [int(n) for n in line.groups()] == [
        genders["Man"],
        genders["Non-binary"],
        genders["Prefer not to say"],
    ]
    assert sum(int(n) for n in line.groups()) + genders["Woman"] == len(clients)
    assert edition.stated("first-look", r"four add up to (\d+)") == [len(clients)]
    assert edition.stated("first-look", r"\*\*(\d+) clients\*\* have no other") == [
        (clients["other_languages"] == "").sum()
    ]
    assert edition.stated("first-look", r"COUNTBLANK\(I2:I(\d+)\)") == [len(clients) + 1]


def test_filter_and_sort_answers(edition: Edition) -> None:
    clients = edition.text("clients")
    age = clients["age"].astype(int)
    interpreter = clients["needs_interpreter"] == "True"
    assert edition.stated("filter-and-sort", r"\*\*(\d+) clients\*\* are under 18\.") == [(age < 18).sum()]
    assert edition.stated("filter-and-sort", r"\*\*(\d+) clients\*\* are under 18 and need") == [
        ((age < 18) & interpreter).sum()
    ]
    registered = pd.to_datetime(clients["registered_on"])
    assert edition.stated("filter-and-sort", r"\*\*(\d+) clients\*\* registered in 2025") == [
        (registered.dt.year == 2025).sum()
    ]
    letter = _column_letter(clients, "registered_on")
    assert edition.stated("filter-and-sort", rf"COUNTIFS\({letter}2:{letter}(\d+)") == [len(clients) + 1]
    cases = edition.text("cases")
    assert edition.stated("filter-and-sort", r"\*\*(\d+) of \d+ cases\*\*") == [
        (cases["closed_on"] == "").sum()
    ]
    assert edition.stated("filter-and-sort", r"\*\*\d+ of (\d+) cases\*\*") == [len(cases)]
    assert edition.stated("filter-and-sort", r"A2:A(\d+)\)") == [len(clients) + 1]
    assert edition.stated("filter-and-sort", r"COUNTBLANK\(F2:F(\d+)\)") == [len(cases) + 1]


def _clean(value: str) -> str:
    """What TRIM(CLEAN(…)) gives: no control characters, single spaces, none at the ends."""
    return re.sub(" +", " ", re.sub(r"[\x00-\x1f]", "", value)).strip(" ")


def _squeezed(value: str) -> str:
    return re.sub(r"\s", "", value).lower()


def test_blanks_and_variants_answers(edition: Edition) -> None:
    messy = edition.text("messy_export")
    assert edition.stated("blanks-and-variants", r"It holds (\d+) registrations") == [len(messy)]
    assert edition.stated("blanks-and-variants", r"\*\*(\d+) phone numbers\*\*") == [
        (messy["Phone"] == "").sum()
    ]
    # COUNTIF ignores capital letters; the markers are the profile's (the generator types them).
    markers = {m.lower() for m in edition.profile["messy_export"]["blank_markers"] if m.strip()}
    assert markers, "The messy export has blanks in disguise for the page to find."
    disguised = messy["DOB"].str.lower().isin(markers).sum()
    assert edition.stated("blanks-and-variants", r"\*\*(\d+) dates of birth\*\*") == [disguised]
    assert edition.stated("blanks-and-variants", r"and (\d+) more are truly empty") == [
        (messy["DOB"] == "").sum()
    ]
    assert edition.stated("blanks-and-variants", r"So (\d+) people have no date") == [
        disguised + (messy["DOB"] == "").sum()
    ]
    spaces = (messy["Borough"].str.len() != messy["Borough"].map(_clean).str.len()).sum()
    assert edition.stated("blanks-and-variants", r"\*\*(\d+) boroughs\*\* have extra") == [spaces]
    focus = edition.focus
    borough = next(b for b in edition.profile["boroughs"] if b["label"] == focus)
    every = {_squeezed(s) for s in [focus, *borough["variants"]]}
    rows = messy["Borough"].map(_squeezed).isin(every)
    escaped = re.escape(focus)
    assert edition.stated("blanks-and-variants", rf"\*\*(\d+) rows\*\* for {escaped}") == [rows.sum()]
    assert edition.stated("blanks-and-variants", r"Only (\d+) of them match") == [
        (messy["Borough"].str.lower() == focus.lower()).sum()
    ]
    spellings = {_clean(v).lower() for v in messy.loc[rows, "Borough"]}
    after = " ".join(edition.page("blanks-and-variants").split()).split(f"rows** for {focus}")[1][:200]
    named = {s.lower() for s in re.findall(r'"([^"]+)"', after)}
    assert spellings == named, f"The spellings of {focus} in the data are {sorted(spellings)}."
    key = edition.text("messy_export_answer_key")
    assert edition.stated("blanks-and-variants", r"It has (\d+) rows") == [len(key)]


def test_pivot_table_answers(edition: Edition) -> None:
    cases = edition.text("cases")
    by_area = cases["issue_area"].value_counts()
    # The page names the two biggest issue areas, and checks the second by formula.
    first, second = (re.escape(a) for a in by_area.index[:2])
    assert by_area.iloc[1] > by_area.iloc[2], "The second biggest issue area is not clear."
    assert edition.stated("pivot-tables", rf"{first} has the most cases \(\*\*(\d+)\*\*\)") == [
        by_area.iloc[0]
    ]
    assert edition.stated("pivot-tables", rf"then {second} \(\*\*(\d+)\*\*\)") == [by_area.iloc[1]]
    assert edition.stated("pivot-tables", r"grand total is \*\*(\d+)\*\*") == [len(cases)]
    issue = by_area.index[1]
    year = cases["opened_on"].str[:4].astype(int)
    chosen = cases["issue_area"] == issue
    assert edition.stated("pivot-tables", rf"In 2025 the charity opened \*\*(\d+)\*\* {second} cases") == [
        (chosen & (year == 2025)).sum()
    ]
    assert edition.stated("pivot-tables", r"In 2023 it opened \*\*(\d+)\*\*") == [
        (chosen & (year == 2023)).sum()
    ]
    assert edition.stated("pivot-tables", rf"\*\*(\d+)\*\* of the \d+ {second} cases are closed") == [
        (chosen & (cases["closed_on"] != "")).sum()
    ]
    assert edition.stated("pivot-tables", rf"\*\*\d+\*\* of the (\d+) {second} cases are closed") == [
        chosen.sum()
    ]
    flat = " ".join(edition.page("pivot-tables").split())
    assert re.findall(r'COUNTIFS\(D2:D\d+, "([^"]+)"', flat) == [issue, issue]
    assert edition.stated("pivot-tables", r"to the last row, I(\d+)") == [len(cases) + 1]
    assert set(edition.stated("pivot-tables", r"[DIF]2:[DIF](\d+)")) == {len(cases) + 1}


def _by_hand(counts: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The page's rule of thumb, step by step, as a learner would do it."""
    hidden = (counts > 0) & (counts < threshold)
    changed = True
    while changed:
        changed = False
        for lines, along in ((counts.index, "row"), (counts.columns, "column")):
            for label in lines:
                values = counts.loc[label] if along == "row" else counts[label]
                mask = hidden.loc[label] if along == "row" else hidden[label]
                while mask.any() and (mask.sum() == 1 or values[mask].sum() < threshold):
                    candidates = values[~mask & (values > 0)]
                    if candidates.empty:
                        break
                    smallest = candidates.idxmin()
                    if along == "row":
                        hidden.loc[label, smallest] = True
                    else:
                        hidden.loc[smallest, label] = True
                    mask = hidden.loc[label] if along == "row" else hidden[label]
                    changed = True
    return hidden


def _mround(count: int, base: int = 5) -> int:
    """What MROUND(count, 5) gives for a count: halves round up, unlike Python's round."""
    return int(count / base + 0.5) * base


def _area_by_gender(edition: Edition) -> tuple[pd.DataFrame, list[str]]:
    clients = edition.text("clients")
    top = list(clients["borough"].value_counts().head(6).index)
    area = clients["borough"].where(clients["borough"].isin(top), edition.other_areas)
    return pd.crosstab(area.rename("area"), clients["gender"]), top


def _areas_named(words: str, areas: list[str], top: list[str]) -> list[str]:
    """The areas a phrase of the page names: "all six named boroughs", "every area but X", or one area."""
    if words == "all six named boroughs":
        return top
    if words.startswith("every area but ") and words.removeprefix("every area but ") in areas:
        return [a for a in areas if a != words.removeprefix("every area but ")]
    assert words in areas, f"The page names {words!r}, which is none of the areas {areas}."
    return [words]


def test_hiding_small_numbers_answers(edition: Edition) -> None:
    counts, top = _area_by_gender(edition)
    page = edition.page("hiding-small-numbers")
    flat = " ".join(page.split())
    named = re.search(r"The six biggest are ([^.]+)\.", flat).group(1)
    *first, last = named.split(", ")
    assert [*first, *last.rsplit(" and ", 1)] == top
    formula = re.search(r"=IF\(OR\(([^)]*)\)", page).group(1)
    assert re.findall(r'K2="([^"]+)"', formula) == top
    assert f'"{edition.other_areas}")' in page
    focus = re.escape(edition.focus)
    assert edition.stated("hiding-small-numbers", rf"{focus} has \*\*(\d+)\*\* men") == [
        counts.loc[edition.focus, "Man"]
    ]
    assert edition.stated("hiding-small-numbers", r"men and \*\*(\d+)\*\* women") == [
        counts.loc[edition.focus, "Woman"]
    ]
    assert edition.stated("hiding-small-numbers", r"grand total is \*\*(\d+)\*\*") == [
        counts.to_numpy().sum()
    ]
    small = (counts > 0) & (counts < 10)
    assert edition.stated("hiding-small-numbers", r"\*\*(\d+) counts\*\* are between 1 and 9") == [
        small.sum().sum()
    ]
    words = {"four": 4, "five": 5, "six": 6, "seven": 7}
    assert len(counts) == 7, "The page speaks of seven areas."
    for column in ("Prefer not to say", "Non-binary"):
        word = re.search(rf'(\w+) of the seven counts? for "{column}"', flat)
        assert word and words.get(word.group(1).lower()) == small[column].sum(), column

    hidden = _by_hand(counts, threshold=10)
    assert edition.stated("hiding-small-numbers", r"You hide \*\*(\d+) numbers\*\*") == [hidden.sum().sum()]
    extra = hidden & ~small
    assert edition.stated("hiding-small-numbers", r"small counts and (\d+) more") == [extra.sum().sum()]
    # "(the women in all six named boroughs, and "Prefer not to say" in Other ... boroughs)"
    said = re.search(r'more \(the women in ([^,]+), and "Prefer not to say" in ([^)]+)\)', flat)
    assert said, f"hiding-small-numbers.md ({edition.key}) no longer says which 7 more it hides."
    areas = list(counts.index)
    women, prefer_not = (_areas_named(words, areas, top) for words in said.groups())
    assert sorted(extra.index[extra["Woman"]]) == sorted(women), f"the page says: {said.group()}"
    assert list(extra.index[extra["Prefer not to say"]]) == prefer_not, f"the page says: {said.group()}"
    assert extra.drop(columns=["Woman", "Prefer not to say"]).sum().sum() == 0

    # "The course's helper in lesson 8a hides the same 18 numbers on this table."
    helper = suppress_small_counts(counts, threshold=10)
    assert helper.loc[counts.index, counts.columns].isna().equals(hidden)
    assert edition.stated("hiding-small-numbers", r"hides the same (\d+) numbers") == [hidden.sum().sum()]
    # The result of the rule passes the lesson's interval audit.
    by_hand = counts.mask(hidden).astype("Int64")
    by_hand["Total"] = counts.sum(axis=1)
    by_hand.loc["Total"] = list(counts.sum(axis=0)) + [counts.to_numpy().sum()]
    assert hidden_cell_ranges(by_hand)["width"].min() >= 10

    assert edition.stated("hiding-small-numbers", rf"{focus}'s (\d+) men become") == [
        counts.loc[edition.focus, "Man"]
    ]
    assert edition.stated("hiding-small-numbers", rf"{focus}'s \d+ men become \*\*(\d+)\*\*") == [
        _mround(counts.loc[edition.focus, "Man"])
    ]
    assert edition.stated("hiding-small-numbers", r"its (\d+) women become") == [
        counts.loc[edition.focus, "Woman"]
    ]
    assert edition.stated("hiding-small-numbers", r"\d+ women become \*\*(\d+)\*\*") == [
        _mround(counts.loc[edition.focus, "Woman"])
    ]


def test_the_by_hand_rule_catches_a_lone_hidden_number() -> None:
    """The rule must hide a partner: a test of the test's own helper."""
    table = pd.DataFrame({"a": [3, 40], "b": [50, 60]}, index=["x", "y"])
    hidden = _by_hand(table, threshold=10)
    assert hidden.loc["x", "a"] and hidden.sum().sum() == 4


# Links and pictures ---------------------------------------------------------


def _pages() -> list[Path]:
    return sorted(COMPANION.glob("*.md")) + [NO_CODE, HOW_TO_USE]


def test_every_download_on_these_pages_exists() -> None:
    found = 0
    for page in _pages():
        for target in re.findall(r"\{download\}`[^`]*<([^>]+)>`", page.read_text(encoding="utf-8")):
            assert (page.parent / target).resolve().is_file(), f"{page.name}: {target} does not exist."
            found += 1
    assert found >= 20


def test_every_image_exists_and_has_alt_text() -> None:
    found = 0
    for page in _pages():
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```\{image\} (\S+)\n((?:[ \t]*:[^\n]*\n)*)", text):
            path, options = block
            assert (page.parent / path).is_file(), f"{page.name}: {path} is missing; run `make screenshots`."
            alt = re.search(r":alt: (.+)", options)
            assert alt and len(alt.group(1).split()) >= 12, (
                f"{page.name}: {path} needs alt text that describes it."
            )
            found += 1
        assert "![" not in text, f"{page.name}: use the image directive with :alt:, not ![]()."
    assert found >= 5


def test_every_page_of_the_companion_is_in_the_table_of_contents() -> None:
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for page in sorted(COMPANION.glob("*.md")):
        assert f"book/spreadsheet-companion/{page.stem}" in toc, page.name
    assert "book/start-here/no-code-route" in toc


def test_every_resource_on_the_no_code_route_exists() -> None:
    text = NO_CODE.read_text(encoding="utf-8")
    links = re.findall(r"\{doc\}`(?:[^`<]*<)?([^`>]+)>?`", text) + re.findall(
        r"\]\(([^)#]+\.(?:md|ipynb))\)", text
    )
    assert len(links) >= 15
    for link in links:
        target = (NO_CODE.parent / link) if not link.startswith("/") else ROOT / link.lstrip("/")
        candidates = [target, target.with_suffix(".md"), target.with_suffix(".ipynb")]
        assert any(c.is_file() for c in candidates), (
            f"no-code-route.md links to {link}, which does not exist."
        )
    for target in re.findall(r"\{download\}`[^`]*<([^>]+)>`", text):
        assert (NO_CODE.parent / target).resolve().is_file(), target
    for module in (1, 2, 3, 4, 6, 7, 8, 9, 10):
        assert re.search(rf"^## Module {module}\b", text, re.M), (
            f"The route should say what to do in module {module}."
        )
