"""The course datasets as spreadsheets, for learners who work without code.

``make data`` runs this after it writes the CSV files::

    python -m datawithcare.spreadsheets --data datasets --out datasets/spreadsheets

Each CSV file in the data package becomes an Excel workbook (``.xlsx``,
written by openpyxl) and an OpenDocument spreadsheet (``.ods``, written by
odfpy). The cells hold the same values as the CSV:

- a column whose every filled cell is a whole number becomes numbers,
  one whose every filled cell is a date (``2024-03-05``) becomes dates,
  and one of only ``True`` and ``False`` becomes TRUE/FALSE cells;
- every other column stays text, exactly as written, so a phone number
  keeps its leading 0 and a messy export stays messy;
- an empty CSV field is an empty cell.

Both formats are zip files that record when they were saved. Those times
are set to one fixed moment here, so ``make data`` writes the same bytes
every time and git sees no change unless the data changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from datawithcare.paths import repo_root

__all__ = ["FORMATS", "read_csv_cells", "spreadsheet_name", "write_spreadsheets"]

#: The file endings written for each dataset, and the library that writes each.
FORMATS = {"xlsx": "openpyxl", "ods": "odfpy"}

#: Tables that stay text in every column: the lesson on cleaning (06c) loads
#: the export exactly as it arrived, and so does the spreadsheet.
TEXT_ONLY = frozenset({"messy_export", "messy_export_answer_key"})

#: The moment stamped on every file and every part inside it.
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_ISO = "2026-01-01T00:00:00Z"

_INTEGER = re.compile(r"-?(0|[1-9]\d{0,14})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOLEAN = {"True": True, "False": False}


def spreadsheet_name(csv_name: str) -> str:
    """Return the sheet name for a CSV file: its name, cut to Excel's 31 characters."""
    return Path(csv_name).stem[:31]


def _column_kind(values: pd.Series) -> str:
    filled = values[values != ""]
    if filled.empty:
        return "text"
    if filled.isin(list(_BOOLEAN)).all():
        return "boolean"
    if filled.map(lambda v: bool(_INTEGER.fullmatch(v))).all():
        return "integer"
    if filled.map(lambda v: bool(_DATE.fullmatch(v))).all():
        try:
            filled.map(dt.date.fromisoformat)
        except ValueError:
            return "text"
        return "date"
    return "text"


def _convert(value: str, kind: str) -> Any:
    if value == "":
        return None
    if kind == "boolean":
        return _BOOLEAN[value]
    if kind == "integer":
        return int(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    return value


def read_csv_cells(path: str | Path) -> pd.DataFrame:
    """Read a course CSV file into the cells its spreadsheet holds.

    Every field is read as text first, so nothing is changed by guessing;
    then whole columns of numbers, dates or True/False become those types.
    """
    path = Path(path)
    text = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    if path.stem in TEXT_ONLY:
        return text.astype(object).where(text != "", None)
    cells = {}
    for column in text.columns:
        kind = _column_kind(text[column])
        cells[column] = pd.Series([_convert(v, kind) for v in text[column]], dtype=object)
    return pd.DataFrame(cells, columns=text.columns)


def _fix_stamps(data: bytes, suffix: str) -> bytes:
    """Set the saved-on times inside a workbook to FIXED_ISO, and each zip part's date."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        if suffix == "ods":
            # The OpenDocument rule: "mimetype" first and uncompressed.
            names = ["mimetype"] + sorted(n for n in names if n != "mimetype")
        else:
            names = sorted(names)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in names:
                part = source.read(name)
                if name in {"docProps/core.xml", "meta.xml"}:
                    text = part.decode("utf-8")
                    text = re.sub(
                        r"(<(dcterms:created|dcterms:modified|meta:creation-date|dc:date)\b[^>]*>)[^<]*(</\2>)",
                        lambda m: f"{m.group(1)}{FIXED_ISO}{m.group(3)}",
                        text,
                    )
                    part = text.encode("utf-8")
                info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                target.writestr(info, part)
    return out.getvalue()


def _width(cells: pd.DataFrame, column: str) -> float:
    longest = max([len(str(column))] + [len(str(v)) for v in cells[column].head(200) if v is not None])
    return min(max(longest + 2, 8), 40)


def _xlsx_bytes(cells: pd.DataFrame, sheet_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(cells.columns, start=1):
        sheet.column_dimensions[_column_letter(index)].width = _width(cells, column)
    bold = Font(bold=True)
    header = []
    for column in cells.columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    dates = [i for i, c in enumerate(cells.columns) if cells[c].map(lambda v: isinstance(v, dt.date)).any()]
    for row in cells.itertuples(index=False, name=None):
        values: list[Any] = list(row)
        for i in dates:
            if values[i] is not None:
                cell = WriteOnlyCell(sheet, value=values[i])
                cell.number_format = "yyyy-mm-dd"
                values[i] = cell
        sheet.append(values)
    book.properties.creator = "Data with Care"
    book.properties.title = sheet_name
    fixed = dt.datetime(*FIXED_TIME)
    book.properties.created = fixed
    book.properties.modified = fixed
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _ods_bytes(cells: pd.DataFrame, sheet_name: str) -> bytes:
    from odf.element import Element

    # odfpy keeps one list of XML namespaces for the whole Python process, and
    # writes every name on it into each file: so a file written after another
    # would differ from the same file written first. Start each file from an
    # empty list (and put the old list back after), so the bytes depend only
    # on the data.
    known = dict(Element.namespaces)
    Element.namespaces.clear()
    try:
        return _ods_document(cells, sheet_name)
    finally:
        Element.namespaces.update({**known, **Element.namespaces})


def _ods_document(cells: pd.DataFrame, sheet_name: str) -> bytes:
    from odf import number, style, table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    document = OpenDocumentSpreadsheet()
    date_style = number.DateStyle(name="iso-date")
    date_style.addElement(number.Year(style="long"))
    date_style.addElement(number.Text(text="-"))
    date_style.addElement(number.Month(style="long"))
    date_style.addElement(number.Text(text="-"))
    date_style.addElement(number.Day(style="long"))
    document.automaticstyles.addElement(date_style)
    date_cell = style.Style(name="date-cell", family="table-cell", datastylename="iso-date")
    document.automaticstyles.addElement(date_cell)
    bold_cell = style.Style(name="header-cell", family="table-cell")
    bold_cell.addElement(style.TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold_cell)
    widths = []
    for index, column in enumerate(cells.columns):
        width = style.Style(name=f"col{index}", family="table-column")
        width.addElement(style.TableColumnProperties(columnwidth=f"{_width(cells, column) * 0.19:.2f}cm"))
        document.automaticstyles.addElement(width)
        widths.append(width)

    sheet = table.Table(name=sheet_name)
    for width in widths:
        sheet.addElement(table.TableColumn(stylename=width))
    header = table.TableRow()
    for column in cells.columns:
        cell = table.TableCell(valuetype="string", stylename=bold_cell)
        cell.addElement(text.P(text=str(column)))
        header.addElement(cell)
    sheet.addElement(header)
    for row in cells.itertuples(index=False, name=None):
        line = table.TableRow()
        for value in row:
            if value is None:
                cell = table.TableCell()
            elif isinstance(value, bool):
                cell = table.TableCell(valuetype="boolean", booleanvalue=str(value).lower())
                cell.addElement(text.P(text=str(value).upper()))
            elif isinstance(value, int):
                cell = table.TableCell(valuetype="float", value=str(value))
                cell.addElement(text.P(text=str(value)))
            elif isinstance(value, dt.date):
                cell = table.TableCell(valuetype="date", datevalue=value.isoformat(), stylename=date_cell)
                cell.addElement(text.P(text=value.isoformat()))
            else:
                cell = table.TableCell(valuetype="string")
                cell.addElement(text.P(text=str(value)))
            line.addElement(cell)
        sheet.addElement(line)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _write_one(cells: pd.DataFrame, sheet: str, suffix: str) -> bytes:
    raw = _xlsx_bytes(cells, sheet) if suffix == "xlsx" else _ods_bytes(cells, sheet)
    return _fix_stamps(raw, suffix)


def dataset_files(data: str | Path) -> list[Path]:
    """Return the CSV files the data package lists, in its order."""
    data = Path(data)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    return [data / resource["path"] for resource in package["resources"]]


def write_spreadsheets(data: str | Path, out: str | Path) -> list[Path]:
    """Write an .xlsx and an .ods file for every CSV in the data package; return the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for csv_path in dataset_files(data):
        cells = read_csv_cells(csv_path)
        for suffix in FORMATS:
            target = out / f"{csv_path.stem}.{suffix}"
            target.write_bytes(_write_one(cells, spreadsheet_name(csv_path.name), suffix))
            written.append(target)
    return written


def remove_other_profiles_spreadsheets(data: str | Path, out: str | Path) -> list[Path]:
    """Remove from ``out`` the spreadsheets of another shipped profile's tables that ``data`` no longer has.

    After a switch of profile, ``make data`` removes the old sector's official
    extracts (:func:`datawithcare.generate.remove_other_profiles_files`); their
    spreadsheets would stay beside the new ones. A spreadsheet goes only if
    its table is not in ``data``'s package and its bytes are exactly what
    this module writes for that table as the other profile makes it: a file
    a person made or changed is never touched.
    """
    import tempfile

    from datawithcare.generate import _files_made_for
    from datawithcare.generator.profile import load_profile, shipped_profiles

    out = Path(out)
    current = {p.name for p in dataset_files(data)}
    removed = []
    for name in shipped_profiles():
        for file_name, content in _files_made_for(load_profile(name)).items():
            if not file_name.endswith(".csv") or file_name in current:
                continue
            targets = {suffix: out / f"{Path(file_name).stem}.{suffix}" for suffix in FORMATS}
            if not any(t.is_file() for t in targets.values()):
                continue
            with tempfile.TemporaryDirectory() as tmp:
                csv_path = Path(tmp) / file_name
                csv_path.write_bytes(content)
                cells = read_csv_cells(csv_path)
            for suffix, target in targets.items():
                if target.is_file() and target.read_bytes() == _write_one(
                    cells, spreadsheet_name(file_name), suffix
                ):
                    target.unlink()
                    removed.append(target)
    return removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(repo_root() / "datasets"), help="folder with datapackage.json")
    parser.add_argument(
        "--out", default=None, help="folder for the spreadsheets (default: DATA/spreadsheets)"
    )
    args = parser.parse_args(argv)
    data = Path(args.data)
    if not (data / "datapackage.json").is_file():
        parser.error(
            f"{data} has no datapackage.json: run `make data` first, or name the data folder with --data"
        )
    out = Path(args.out) if args.out else data / "spreadsheets"
    for path in write_spreadsheets(data, out):
        print(f"wrote {path}")
    for path in remove_other_profiles_spreadsheets(data, out):
        print(f"removed {path} (made earlier for another profile)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
