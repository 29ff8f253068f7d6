"""Retake the screenshots on the spreadsheet companion and "How to use": `make screenshots`.

Each picture is an HTML drawing of a real file the course ships
(datasets/spreadsheets/*.xlsx, read with openpyxl), laid out like a
spreadsheet with column letters and row numbers, and photographed in
headless Debian Chromium through Playwright. It is not a picture of Calc,
Excel or Google Sheets, and the alt text on each page says so. Because the
drawing is made from the file, a change to the data changes the picture the
next time this runs.

The "How to use" pictures are of the course's own JupyterLab, started on
this computer (loopback only) with lesson 00 open, as a learner sees it.

Run from the course folder:

    .venv/bin/python tests/screenshots.py
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_audit import chromium, chromium_path  # noqa: E402

from datawithcare.datasets import course_sector  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHEETS = ROOT / "datasets" / "spreadsheets"
OUT = ROOT / "book" / "spreadsheet-companion" / "images"
START_HERE = ROOT / "book" / "start-here" / "images"
LESSON_00 = "notebooks/00-jupyter-in-ten-minutes.ipynb"

STYLE = """
body { margin: 0; padding: 12px; background: #fff; font-family: "DejaVu Sans", Arial, sans-serif;
       font-size: 14px; color: #111; }
table { border-collapse: collapse; }
th, td { border: 1px solid #c8c8c8; padding: 3px 8px; white-space: pre; }
th.col, th.row { background: #eeeeee; color: #333; font-weight: normal; text-align: center; }
td.num { text-align: right; }
td.head { font-weight: bold; }
td.total { font-weight: bold; border-top: 2px solid #555; }
.caption { margin: 0 0 8px; font-size: 13px; color: #333; }
.tab { display: inline-block; margin-top: 8px; padding: 3px 12px; border: 1px solid #c8c8c8;
       border-top: none; background: #fff; font-size: 13px; }
"""


def _cell_text(value: object) -> tuple[str, bool]:
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value).upper(), False
    if hasattr(value, "date") and hasattr(value, "year"):
        return value.date().isoformat() if hasattr(value, "hour") else value.isoformat(), True
    if isinstance(value, int | float):
        return f"{value:g}", True
    # Show a tab or spaces the way a spreadsheet does: invisible, but there.
    return str(value).replace("\t", "    "), False


def read_rows(name: str) -> list[list[object]]:
    book = load_workbook(SHEETS / name, read_only=True)
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    width = len(rows[0])
    return [row + [None] * (width - len(row)) for row in rows]


def grid(rows: Iterable[tuple[int, list[object]]], columns: list[int], sheet: str, caption: str) -> str:
    """A sheet as HTML: column letters on top, the file's own row numbers down the side."""
    parts = [f'<p class="caption">{html.escape(caption)}</p><table><tr><th class="col"></th>']
    parts += [f'<th class="col">{get_column_letter(c + 1)}</th>' for c in columns]
    parts.append("</tr>")
    for number, row in rows:
        parts.append(f'<tr><th class="row">{number}</th>')
        for c in columns:
            text, numeric = _cell_text(row[c])
            cls = "head" if number == 1 else ("num" if numeric else "")
            parts.append(f'<td class="{cls}">{html.escape(text)}</td>')
        parts.append("</tr>")
    parts.append(f'</table><span class="tab">{html.escape(sheet)}</span>')
    return "".join(parts)


def clients_first_rows() -> str:
    rows = read_rows("clients.xlsx")
    return grid(
        [(i + 1, rows[i]) for i in range(11)],
        list(range(7)),
        "clients",
        "clients.xlsx: the top left corner (drawn from the file by the course's screenshot script)",
    )


def messy_export_newham() -> str:
    rows = read_rows("messy_export.xlsx")
    borough = rows[0].index("Borough")
    shown = [(1, rows[0])]
    shown += [
        (i + 1, row)
        for i, row in enumerate(rows[1:], start=1)
        if re.sub(r"\s", "", str(row[borough] or "")).lower() in {"newham", "lbnewham"}
    ][:14]
    return grid(
        shown,
        [0, 1, 4, 5],
        "messy_export",
        "messy_export.xlsx filtered to the spellings of Newham; row numbers are the file's own",
    )


def cases_pivot() -> str:
    rows = read_rows("cases.xlsx")
    area = rows[0].index("issue_area")
    counts = Counter(row[area] for row in rows[1:])
    table = [("issue_area", "Count of case_id")] + sorted(counts.items()) + [("Total", sum(counts.values()))]
    parts = [
        '<p class="caption">A pivot table of cases.xlsx: issue_area down the side, count of case_id',
        " (drawn from the file by the course's screenshot script)</p><table>",
    ]
    for index, (label, value) in enumerate(table):
        cls = "head" if index == 0 else ("total" if label == "Total" else "")
        parts.append(
            f'<tr><td class="{cls}">{html.escape(str(label))}</td>'
            f'<td class="{cls} num">{html.escape(str(value))}</td></tr>'
        )
    parts.append('</table><span class="tab">Pivot Table_cases_1</span>')
    return "".join(parts)


TOP_SIX = ["Newham", "Tower Hamlets", "Barking and Dagenham", "Waltham Forest", "Hackney", "Redbridge"]


def area_by_gender() -> str:
    """Task 2 of "Hiding small numbers": the pivot table before anything is hidden."""
    rows = read_rows("clients.xlsx")
    borough, gender = rows[0].index("borough"), rows[0].index("gender")
    counts = Counter(
        (row[borough] if row[borough] in TOP_SIX else f"Other {course_sector().city} boroughs", row[gender])
        for row in rows[1:]
    )
    areas = sorted({a for a, _ in counts})
    genders = sorted({g for _, g in counts})
    parts = [
        '<p class="caption">A pivot table of clients.xlsx: area down the side, gender across the top,'
        " count of client_id (drawn from the file by the course's screenshot script)</p><table><tr>"
        '<td class="head">Count of client_id</td>'
    ]
    parts += [f'<td class="head">{html.escape(g)}</td>' for g in genders] + [
        '<td class="head">Total</td></tr>'
    ]
    for area in areas + ["Total"]:
        cls = "total" if area == "Total" else ""
        parts.append(f'<tr><td class="{cls}">{html.escape(area)}</td>')
        cells = [
            sum(n for (a, g), n in counts.items() if g == gender and area in (a, "Total"))
            for gender in genders
        ]
        parts += [f'<td class="{cls} num">{n}</td>' for n in cells + [sum(cells)]]
        parts.append("</tr>")
    parts.append('</table><span class="tab">Pivot Table_clients_1</span>')
    return "".join(parts)


SHOTS = {
    "clients-first-rows.png": clients_first_rows,
    "messy-export-borough.png": messy_export_newham,
    "cases-pivot.png": cases_pivot,
    "clients-area-by-gender.png": area_by_gender,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyterlab_shots(browser: object) -> None:
    """Open lesson 00 in the course's own JupyterLab, as a learner sees it on Binder."""
    port, token = _free_port(), "screenshots"
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": f"{home}/config",
            "JUPYTER_RUNTIME_DIR": f"{home}/runtime",
            "JUPYTERLAB_WORKSPACES_DIR": f"{home}/workspaces",
            "JUPYTERLAB_SETTINGS_DIR": f"{home}/settings",
        }
        # Learners on Binder have no nbgrader: leave its menus out of the picture.
        Path(f"{home}/config/labconfig").mkdir(parents=True)
        Path(f"{home}/config/labconfig/page_config.json").write_text(
            '{"disabledExtensions": {"@jupyter/nbgrader": true}}'
        )
        Path(f"{home}/config/jupyter_server_config.json").write_text(
            '{"ServerApp": {"jpserver_extensions": {'
            '"nbgrader.server_extensions.formgrader": false, "nbgrader.server_extensions.assignment_list": false,'
            '"nbgrader.server_extensions.course_list": false, "nbgrader.server_extensions.validate_assignment": false'
            "}}}"
        )
        Path(f"{home}/settings/@jupyterlab/apputils-extension").mkdir(parents=True)
        # No "would you like news?" pop-up over the picture.
        Path(f"{home}/settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings").write_text(
            '{"fetchNews": "false", "checkForUpdates": false}'
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={ROOT}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.5)
            page = browser.new_page(viewport={"width": 1200, "height": 720}, device_scale_factor=1)
            page.goto(f"{base}/lab/tree/{LESSON_00}?token={token}&reset")
            page.wait_for_selector(".jp-Notebook .jp-MarkdownCell", timeout=120_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=str(START_HERE / "jupyterlab-lesson-00.png"))
            shrink(START_HERE / "jupyterlab-lesson-00.png")
            print(f"wrote {START_HERE / 'jupyterlab-lesson-00.png'}")
            page.click("text=File", timeout=10_000)
            page.hover("li.lm-Menu-item:has-text('Download')", timeout=10_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(START_HERE / "jupyterlab-file-download.png"))
            shrink(START_HERE / "jupyterlab-file-download.png")
            print(f"wrote {START_HERE / 'jupyterlab-file-download.png'}")
            page.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


def shrink(path: Path) -> None:
    """Save a screenshot with 64 colours: a third of the size, and it still reads clearly.

    Learners on mobile data pay for every picture; the browser test holds
    each page to 300 KB on a first visit.
    """
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    small.save(path, "PNG", optimize=True)


def main() -> int:
    if not chromium_path():
        print("Chromium is missing: run `make setup-system` (as root).", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 900, "height": 400}, device_scale_factor=1)
        for name, draw in SHOTS.items():
            page.set_content(
                f"<!doctype html><html><head><style>{STYLE}</style></head><body>{draw()}</body></html>"
            )
            body = page.locator("body")
            box = body.evaluate("b => { const r = b.scrollWidth; const h = b.scrollHeight; return [r, h]; }")
            page.set_viewport_size({"width": max(400, box[0] + 4), "height": box[1] + 4})
            page.screenshot(path=str(OUT / name), full_page=True)
            shrink(OUT / name)
            print(f"wrote {OUT / name}")
        page.close()
        START_HERE.mkdir(parents=True, exist_ok=True)
        jupyterlab_shots(browser)
    return 0


if __name__ == "__main__":
    sys.exit(main())
