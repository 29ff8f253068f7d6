"""Retake the screenshots on the spreadsheet companion and "How to use": `make screenshots`.

The spreadsheet pictures are of real LibreOffice Calc. The shipped .ods
files (datasets/spreadsheets) are copied, opened in Calc on a virtual screen
(Xvfb), and each step the pages describe is done in it: a filter, formulas
typed key by key with xdotool exactly as the pages print them, pivot tables,
the small numbers hidden. tests/calc_screens.py drives Calc (it needs the
system's Python with Debian's python3-uno); this script photographs the
screen when it asks, crops the picture and saves it with 64 colours.

The "How to use" pictures are of the course's own JupyterLab, started on
this computer (loopback only) with lesson 00 open, as a learner sees it,
in headless Debian Chromium through Playwright.

Everything comes from `make setup-system`. Run from the course folder:

    .venv/bin/python tests/screenshots.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from site_audit import chromium, chromium_path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHEETS = ROOT / "datasets" / "spreadsheets"
OUT = ROOT / "book" / "spreadsheet-companion" / "images"
START_HERE = ROOT / "book" / "start-here" / "images"
LESSON_00 = "notebooks/00-jupyter-in-ten-minutes.ipynb"

CALC_DRIVER = Path(__file__).resolve().parent / "calc_screens.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # has Debian's python3-uno, which the course's Python has not

# A fresh LibreOffice profile: no tip of the day, no "what's new" or
# "get involved" bar, so the picture shows what a learner sees once those
# are closed.
CALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>{version}</value></prop></item>
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="LastTimeGetInvolvedShown" oor:op="fuse"><value>4102444800</value></prop></item>
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="LastTimeDonateShown" oor:op="fuse"><value>4102444800</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

CALC_TOOLS = {"soffice": "libreoffice-calc", "Xvfb": "xvfb", "xdotool": "xdotool"}


def missing_calc_tools() -> list[str]:
    missing = [package for tool, package in CALC_TOOLS.items() if not shutil.which(tool)]
    uno = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if uno.returncode:
        missing.append("python3-uno")
    return missing


def companion_page(name: str) -> str:
    """A spreadsheet companion page as the active edition shows it (its own {only} passages)."""
    from datawithcare import course_sector, editions

    text = (ROOT / "book" / "spreadsheet-companion" / f"{name}.md").read_text(encoding="utf-8")
    return editions.resolve(text, course_sector().key, f"{name}.md")


def pictures_not_in_this_edition() -> list[str]:
    """The Calc pictures of the hiding and blanks pages that the active edition does not show.

    Those pages give each edition its own numbers; the pictures sit in one
    edition's passages, so they must be taken on that edition's data.
    """
    wanted = {
        "hiding-small-numbers": ["clients-area-by-gender.png", "clients-suppressed.png"],
        "blanks-and-variants": ["messy-export-borough.png"],
    }
    return [
        f"{page}.md: {picture}"
        for page, pictures in wanted.items()
        for picture in pictures
        if f"images/{picture}" not in companion_page(page)
    ]


def expected() -> dict[str, object]:
    """What the pages say, worked out from the data: the driver checks Calc against it."""
    from datawithcare import course_sector, load_dataset, suppress_small_counts

    clients = load_dataset("clients")
    cases = load_dataset("cases")
    top = list(clients["borough"].value_counts().head(6).index)
    area = (
        clients["borough"]
        .astype(str)
        .where(clients["borough"].isin(top), f"Other {course_sector().city} boroughs")
    )
    counts = pd.crosstab(area.rename("area"), clients["gender"].astype(str))
    # The 15 counts "Hiding small numbers" hides, worked out by the lesson's own helper.
    safe = suppress_small_counts(counts, threshold=10).loc[counts.index, counts.columns]
    hidden = [[a, g] for a in counts.index for g in counts.columns if pd.isna(safe.loc[a, g])]
    messy = pd.read_csv(ROOT / "datasets" / "messy_export.csv", dtype=str, keep_default_na=False)
    spellings = messy["Borough"].map(lambda v: re.sub(r"\s", "", v).lower())
    # The area formula exactly as "Hiding small numbers" prints it (one line), in the active edition.
    page = companion_page("hiding-small-numbers")
    area_formula = next(line for line in page.splitlines() if line.startswith("=IF(OR("))
    return {
        "area_formula": area_formula,
        "hidden": hidden,
        "newham_rows": int(spellings.isin({"newham", "lbnewham"}).sum()),
        "women": int((clients["gender"] == "Woman").sum()),
        "under_18_interpreter": int(((clients["age"] < 18) & clients["needs_interpreter"]).sum()),
        "housing_2025": int(
            ((cases["issue_area"] == "Housing") & (cases["opened_on"].dt.year == 2025)).sum()
        ),
    }


def _free_display() -> int:
    for number in range(91, 140):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("No free X display number.")


def calc_shots() -> None:
    """Open the shipped .ods files in LibreOffice Calc on a virtual screen and photograph each step."""
    from PIL import ImageGrab

    version = re.search(
        r"(\d+\.\d+)", subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout
    )
    display = f":{_free_display()}"
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        for name in ("clients", "cases", "messy_export"):
            shutil.copy(SHEETS / f"{name}.ods", work_dir / f"{name}.ods")
        (work_dir / "expected.json").write_text(json.dumps(expected()), encoding="utf-8")
        (work_dir / "profile" / "user").mkdir(parents=True)
        (work_dir / "profile" / "user" / "registrymodifications.xcu").write_text(
            CALC_PROFILE.format(version=version.group(1) if version else ""), encoding="utf-8"
        )
        env = {**os.environ, "DISPLAY": display, "SAL_USE_VCLPLUGIN": "gen"}
        screen = subprocess.Popen(
            ["Xvfb", display, "-screen", "0", "1280x800x24", "-dpi", "96", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        calc = None
        try:
            time.sleep(1)
            calc = subprocess.Popen(
                [
                    "soffice",
                    f"-env:UserInstallation={(work_dir / 'profile').as_uri()}",
                    "--norestore",
                    "--nologo",
                    "--nodefault",
                    "--nolockcheck",
                    "--accept=pipe,name=dwc_screenshots;urp;",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            driver = subprocess.Popen(
                [SYSTEM_PYTHON, str(CALC_DRIVER), str(work_dir), str(work_dir / "expected.json")],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for line in driver.stdout:
                step = json.loads(line)
                image = ImageGrab.grab(xdisplay=display).crop(tuple(step["box"]))
                image.save(OUT / step["shot"])
                shrink(OUT / step["shot"])
                print(f"wrote {OUT / step['shot']}")
                driver.stdin.write("ok\n")
                driver.stdin.flush()
            if driver.wait(timeout=60):
                raise RuntimeError("The Calc driver (tests/calc_screens.py) failed; see above.")
        finally:
            if calc is not None:
                calc.terminate()
                calc.wait(timeout=60)
            screen.terminate()
            screen.wait(timeout=30)


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
    missing = missing_calc_tools()
    if missing:
        print(
            f"Missing Debian packages: {' '.join(missing)}: run `make setup-system` (as root).",
            file=sys.stderr,
        )
        return 1
    if not chromium_path():
        print("Chromium is missing: run `make setup-system` (as root).", file=sys.stderr)
        return 1
    elsewhere = pictures_not_in_this_edition()
    if elsewhere:
        print(
            "The active profile's edition does not show these Calc pictures, so its data must not be in them: "
            f"{', '.join(elsewhere)}. Retake them with the profile whose passages hold them.",
            file=sys.stderr,
        )
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    calc_shots()
    START_HERE.mkdir(parents=True, exist_ok=True)
    with chromium() as browser:
        jupyterlab_shots(browser)
    return 0


if __name__ == "__main__":
    sys.exit(main())
