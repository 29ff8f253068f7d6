"""Drive LibreOffice Calc on a virtual screen for `make screenshots` (run by tests/screenshots.py).

This runs in the system's Python, which has LibreOffice's ``uno`` module
(Debian's python3-uno); the course's own Python does not. tests/screenshots.py
starts Xvfb and Calc, then runs this with the folder of workbook copies
and what the pages say::

    /usr/bin/python3 tests/calc_screens.py WORKDIR EXPECTED.json

For each picture this opens a copy of a shipped .ods file in Calc, does what
the page asks (a filter, a formula typed with the keyboard, a pivot table,
small numbers hidden), then prints one line of JSON, ``{"shot": name,
"box": [left, top, right, bottom]}``, and waits until tests/screenshots.py
has photographed the screen and answers on stdin.

Formulas are typed with xdotool, key by key, exactly as the page prints them
(with commas), so the picture also shows that Calc accepts them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import uno  # Debian's python3-uno
from com.sun.star.sheet.DataPilotFieldOrientation import COLUMN, DATA, ROW
from com.sun.star.sheet.FillDirection import TO_BOTTOM
from com.sun.star.sheet.FilterOperator import EQUAL, LESS
from com.sun.star.sheet.GeneralFunction import COUNT
from com.sun.star.table import CellAddress, CellRangeAddress

PIPE = "dwc_screenshots"
SCREEN = (1280, 800)
# Where Calc draws things in a 1280x800 window at 100% zoom, measured once:
FORMULA_BAR_TOP = 77  # the top of the Name Box and formula bar
GRID_LEFT = 37  # the right edge of the row numbers
GRID_TOP = 124  # the top of row 1
DPI = 96  # Xvfb is started with -dpi 96


def connect() -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            return resolver.resolve(f"uno:pipe,name={PIPE};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 - Calc is still starting
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not start.")


CTX = connect()
DESKTOP = CTX.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", CTX)


def px(hundredths_of_mm: int) -> int:
    return int(hundredths_of_mm * DPI / 2540)


def shot(name: str, box: tuple[int, int, int, int]) -> None:
    """Ask tests/screenshots.py to photograph the screen, cropped to box."""
    time.sleep(1.5)  # let Calc finish drawing
    print(json.dumps({"shot": name, "box": list(box)}), flush=True)
    if sys.stdin.readline().strip() != "ok":
        raise SystemExit("tests/screenshots.py stopped.")


def open_book(path: Path) -> object:
    doc = DESKTOP.loadComponentFromURL(uno.systemPathToFileUrl(str(path)), "_blank", 0, ())
    window = doc.CurrentController.Frame.ContainerWindow
    window.setPosSize(0, 0, SCREEN[0], SCREEN[1], 15)
    time.sleep(1)
    return doc


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True)


def focus(doc: object) -> None:
    """Give Calc's window the keyboard, as a click on it would."""
    doc.CurrentController.Frame.ContainerWindow.setFocus()
    doc.CurrentController.Frame.ComponentWindow.setFocus()
    time.sleep(0.5)


def type_in(doc: object, sheet: object, cell: str, text: str) -> None:
    """Click a cell and type, key by key, then press Enter, as a learner does."""
    doc.CurrentController.select(sheet.getCellRangeByName(cell))
    focus(doc)
    xdotool("type", "--delay", "20", text)
    xdotool("key", "Return")
    time.sleep(0.5)


def check(sheet: object, cell: str, expected: object, what: str) -> None:
    """Stop if what Calc worked out from a typed formula is not what the page says."""
    got = sheet.getCellRangeByName(cell)
    if got.Type.value == "FORMULA" and got.getError():
        raise SystemExit(f"{what}: Calc shows an error (Err:{got.getError()}) in {cell}: {got.Formula}")
    if round(got.Value) != expected:
        raise SystemExit(f"{what}: Calc gives {got.Value} in {cell}; the data says {expected}.")


def select(doc: object, sheet: object, cell: str) -> None:
    doc.CurrentController.select(sheet.getCellRangeByName(cell))
    time.sleep(0.3)


def top_left(doc: object) -> None:
    controller = doc.CurrentController
    controller.setFirstVisibleColumn(0)
    controller.setFirstVisibleRow(0)


def right_edge(sheet: object, last_column: int) -> int:
    columns = sheet.Columns
    widths = [
        px(columns.getByIndex(i).Width) for i in range(last_column + 1) if columns.getByIndex(i).IsVisible
    ]
    return GRID_LEFT + sum(widths)


def bottom_edge(sheet: object, shown: int) -> int:
    """The bottom of the first `shown` rows that a filter leaves showing."""
    heights, row = [], 0
    while len(heights) < shown:
        if sheet.Rows.getByIndex(row).IsVisible:
            heights.append(px(sheet.Rows.getByIndex(row).Height))
        row += 1
    return GRID_TOP + sum(heights)


def fit_columns(sheet: object, last_column: int) -> None:
    """Widen each column to its longest entry: a double-click on the column's right edge."""
    for column in range(last_column + 1):
        sheet.Columns.getByIndex(column).OptimalWidth = True


def hide_columns(sheet: object, letters: str) -> None:
    for letter in letters.split(","):
        sheet.getCellRangeByName(f"{letter}1").Columns.IsVisible = False


def autofilter(doc: object, sheet: object, area: str, conditions: list[tuple[int, object, object]]) -> None:
    """Data ▸ AutoFilter on the table, then each column's condition (0 = column A)."""
    cells = sheet.getCellRangeByName(area)
    address = cells.RangeAddress
    ranges = doc.DatabaseRanges
    name = f"filter_{sheet.Name}"
    if ranges.hasByName(name):
        ranges.removeByName(name)
    ranges.addNewByName(name, address)
    database = ranges.getByName(name)
    database.AutoFilter = True
    descriptor = database.getFilterDescriptor()
    descriptor.ContainsHeader = True
    fields = []
    for column, operator, value in conditions:
        field = uno.createUnoStruct("com.sun.star.sheet.TableFilterField")
        field.Field = column
        field.Operator = operator
        if isinstance(value, str):
            field.IsNumeric = False
            field.StringValue = value
        else:
            field.IsNumeric = True
            field.NumericValue = value
        fields.append(field)
    descriptor.FilterFields = tuple(fields)
    database.refresh()
    time.sleep(0.5)


def pivot_table(doc: object, source: object, rows: str, columns: str | None, count: str, name: str) -> object:
    """Insert ▸ Pivot Table on a new sheet, with a count of one column, as the pages describe."""
    sheets = doc.Sheets
    sheets.insertNewByName(name, sheets.Count)
    target = sheets.getByName(name)
    tables = target.DataPilotTables
    descriptor = tables.createDataPilotDescriptor()
    descriptor.SourceRange = source.RangeAddress
    header = source.getCellRangeByPosition(0, 0, source.Columns.Count - 1, 0).DataArray[0]
    fields = descriptor.DataPilotFields
    for index, column in enumerate(header):
        if column == rows:
            fields.getByIndex(index).Orientation = ROW
        if column == columns:
            fields.getByIndex(index).Orientation = COLUMN
        if column == count:
            field = fields.getByIndex(index)
            field.Orientation = DATA
            field.Function = COUNT
    address = CellAddress()
    address.Sheet = sheets.Count - 1
    address.Column = 0
    address.Row = 2
    tables.insertNewByName("DataPilot1", address, descriptor)
    doc.CurrentController.setActiveSheet(target)
    time.sleep(0.5)
    return target


def used_area(sheet: object) -> CellRangeAddress:
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    return cursor.RangeAddress


def clients_first_rows(work: Path, expected: dict) -> None:
    doc = open_book(work / "clients.ods")
    sheet = doc.Sheets.getByIndex(0)
    top_left(doc)
    select(doc, sheet, "A1")
    shot("clients-first-rows.png", (0, 0, right_edge(sheet, 6), bottom_edge(sheet, 11)))
    # "A first look", task 3, in both spellings: Calc's with ";" and the one with ",".
    type_in(doc, sheet, "AA2", '=COUNTIF(F:F; "Woman")')
    check(sheet, "AA2", expected["women"], "COUNTIF typed with ;")
    type_in(doc, sheet, "AA3", '=COUNTIF(F:F, "Woman")')
    check(sheet, "AA3", expected["women"], "COUNTIF typed with ,")
    doc.close(True)


def clients_filter_and_countifs(work: Path, expected: dict) -> None:
    # Only the columns this task needs: the names and the rest are hidden, as
    # "A first look" asks before a screen is shared.
    only = "B,C,D,G,H,I,K,L,M,N,O,P,Q,R,S,T,U,V,W,X,Y,Z"
    doc = open_book(work / "clients.ods")
    sheet = doc.Sheets.getByIndex(0)
    hide_columns(sheet, only)
    autofilter(doc, sheet, "A1:Z2001", [(4, LESS, 18), (9, EQUAL, 1)])
    top_left(doc)
    type_in(doc, sheet, "AA1", "=SUBTOTAL(103, A2:A2001)")
    check(sheet, "AA1", expected["under_18_interpreter"], "SUBTOTAL(103, …) under the filters")
    select(doc, sheet, "AA1")
    shot("clients-filter-under-18.png", (0, FORMULA_BAR_TOP, right_edge(sheet, 26), bottom_edge(sheet, 9)))
    doc.close(True)

    doc = open_book(work / "clients.ods")
    sheet = doc.Sheets.getByIndex(0)
    hide_columns(sheet, only)
    autofilter(doc, sheet, "A1:Z2001", [])
    top_left(doc)
    type_in(doc, sheet, "AA2", '=COUNTIFS(E2:E2001, "<18", J2:J2001, TRUE)')
    check(sheet, "AA2", expected["under_18_interpreter"], "COUNTIFS typed")
    select(doc, sheet, "AA2")
    shot("clients-countifs.png", (0, FORMULA_BAR_TOP, right_edge(sheet, 26), bottom_edge(sheet, 6)))
    doc.close(True)


def messy_export_borough(work: Path, expected: dict) -> None:
    doc = open_book(work / "messy_export.ods")
    sheet = doc.Sheets.getByIndex(0)
    autofilter(doc, sheet, "A1:F301", [])
    top_left(doc)
    select(doc, sheet, "E1")
    focus(doc)
    xdotool("key", "alt+Down")  # opens the AutoFilter list of the cell's column
    time.sleep(1.5)
    xdotool("type", "--delay", "60", "new")  # the list's search box
    time.sleep(1.5)
    left = right_edge(sheet, 3)
    shot("messy-export-borough.png", (max(0, left - 40), FORMULA_BAR_TOP, min(SCREEN[0], left + 300), 520))
    xdotool("key", "Return")  # OK: the filter shows the ticked entries
    time.sleep(1.5)
    showing = sum(sheet.Rows.getByIndex(row).IsVisible for row in range(1, 301))
    if showing != expected["newham_rows"]:
        raise SystemExit(
            f"Calc's filter shows {showing} rows for Newham; the data says {expected['newham_rows']}."
        )
    doc.close(True)


def cases_pivot(work: Path, expected: dict) -> None:
    doc = open_book(work / "cases.ods")
    source = doc.Sheets.getByIndex(0)
    # Task 1: the year column, typed in I1 and I2, then filled down to the last row.
    last = used_area(source).EndRow
    type_in(doc, source, "I1", "year_opened")
    type_in(doc, source, "I2", "=YEAR(E2)")
    source.getCellRangeByPosition(8, 1, 8, last).fillAuto(TO_BOTTOM, 1)
    data = source.getCellRangeByPosition(0, 0, 8, last)
    target = pivot_table(doc, data, "issue_area", None, "case_id", "Pivot Table_cases_1")
    end = used_area(target)
    fit_columns(target, end.EndColumn)
    top_left(doc)
    select(doc, target, "B13")  # the total: the formula bar shows how Calc got it
    right = right_edge(target, end.EndColumn)
    shot("cases-pivot.png", (0, FORMULA_BAR_TOP, right + 4, bottom_edge(target, end.EndRow + 1) + 4))

    # Task 3: the same with year_opened across the top.
    by_year = pivot_table(doc, data, "issue_area", "year_opened", "case_id", "Pivot Table_cases_2")
    end = used_area(by_year)
    fit_columns(by_year, end.EndColumn)
    cells = by_year.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).DataArray
    years = next(row for row in cells if row[0] == "issue_area")
    housing = next(row for row in cells if row[0] == "Housing")
    column = years.index(2025.0)
    if round(housing[column]) != expected["housing_2025"]:
        raise SystemExit(f"Calc's pivot table has {housing[column]} Housing cases in 2025.")
    top_left(doc)
    row = [line[0] for line in cells].index("Housing")
    select(doc, by_year, f"{chr(ord('A') + column)}{row + 1}")
    right = right_edge(by_year, end.EndColumn)
    shot("cases-pivot-by-year.png", (0, FORMULA_BAR_TOP, right + 4, bottom_edge(by_year, end.EndRow + 1) + 4))
    doc.close(True)


def clients_area(work: Path, expected: dict) -> None:
    hidden = expected["hidden"]
    doc = open_book(work / "clients.ods")
    sheet = doc.Sheets.getByIndex(0)
    formula = expected["area_formula"]  # as the page prints it
    type_in(doc, sheet, "AA1", "area")
    type_in(doc, sheet, "AA2", formula)
    sheet.getCellRangeByName("AA2:AA2001").fillAuto(TO_BOTTOM, 1)  # the double-click on the fill handle
    data = sheet.getCellRangeByName("A1:AA2001")
    target = pivot_table(doc, data, "area", "gender", "client_id", "Pivot Table_clients_1")
    end = used_area(target)
    fit_columns(target, end.EndColumn)
    top_left(doc)
    select(doc, target, "B9")  # Newham's men, the count the page checks
    right = right_edge(target, end.EndColumn)
    shot(
        "clients-area-by-gender.png", (0, FORMULA_BAR_TOP, right + 4, bottom_edge(target, end.EndRow + 1) + 4)
    )

    # Task 2 to 4: the table pasted as values on a new sheet, then the hidden numbers replaced by [c].
    doc.Sheets.insertNewByName("safe to send", doc.Sheets.Count)
    safe = doc.Sheets.getByName("safe to send")
    column_a = [row[0] for row in target.getCellRangeByPosition(0, 0, 0, end.EndRow).DataArray]
    first = column_a.index("area")  # the pivot table's own row of names
    values = target.getCellRangeByPosition(0, first, end.EndColumn, end.EndRow).DataArray
    safe.getCellRangeByPosition(0, 0, end.EndColumn, len(values) - 1).DataArray = values
    genders = values[0]
    for row, line in enumerate(values):
        for column, gender in enumerate(genders):
            if [line[0], gender] in hidden:
                cell = safe.getCellByPosition(column, row)
                cell.setString("[c]")
                cell.HoriJustify = uno.Enum("com.sun.star.table.CellHoriJustify", "RIGHT")
                cell.CellBackColor = 0xFFE699
    fit_columns(safe, len(genders) - 1)
    doc.CurrentController.setActiveSheet(safe)
    top_left(doc)
    select(doc, safe, "A1")
    shot(
        "clients-suppressed.png",
        (0, FORMULA_BAR_TOP, right_edge(safe, len(genders) - 1) + 4, bottom_edge(safe, len(values)) + 4),
    )
    doc.close(True)


def main() -> int:
    work = Path(sys.argv[1])
    expected = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    clients_first_rows(work, expected)
    clients_filter_and_countifs(work, expected)
    messy_export_borough(work, expected)
    cases_pivot(work, expected)
    clients_area(work, expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
