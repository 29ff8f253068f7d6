"""The book in a real browser: every page light, navigable and accessible on a phone.

Headless Chromium (Debian's package) opens every page of the strictly built
book, served on 127.0.0.1, and checks what a learner on a phone meets:
axe-core findings at desktop and 320 px widths, sideways overflow at
320 px, requests to other hosts, first-visit weight, and the ☰ and
Contents menus at 375 px by mouse and keyboard.

The first tests prove that each check fails on a page broken on purpose.
Without Chromium or axe-core the tests say what to install; under
``CI=true`` they fail instead of skipping.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
import site_audit as sa
from book_build import BuiltBook


def _need_tools() -> None:
    missing = sa.missing_tools()
    if missing:
        message = sa.tools_message(missing)
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(message)
        pytest.skip(message)


# Module-scoped, so no Playwright session outlives this module: another
# module's test in the same worker starts its own, and two at once fail.
@pytest.fixture(scope="module")
def browser() -> object:
    _need_tools()
    with sa.chromium() as b:
        yield b


# Tests of the tests: each check on a page broken on purpose ---------------

GOOD = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A good page</title></head><body><main><h1>A good page</h1>
<p>Short and plain.</p>{extra}</main></body></html>"""

# A menu built the way the theme builds it: a button opens a <dialog>.
MENU = """<button class="primary-toggle" aria-label="Site navigation">☰</button>
<nav id="pst-primary-sidebar"><a href="#a">A page</a> <a href="#b">Another</a></nav>
<dialog id="pst-primary-sidebar-modal"></dialog>
<script>
const d = document.getElementById('pst-primary-sidebar-modal');
const nav = document.getElementById('pst-primary-sidebar');
document.querySelector('.primary-toggle').addEventListener('click', () => {
  const b = document.activeElement;
  d.append(...nav.childNodes); d.showModal();
  d.addEventListener('close', () => { nav.append(...d.childNodes); b.focus(); }, {once: true});
});
d.addEventListener('click', e => {
  const r = d.getBoundingClientRect();
  if (e.clientX > r.right || e.clientX < r.left) d.close();
});
</script>
<style>dialog { margin: 0; width: 60%; height: 100%; max-height: 100%; }</style>"""


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    def write(name: str, extra: str) -> None:
        (tmp_path / name).write_text(GOOD.format(extra=extra), encoding="utf-8")

    write("good.html", MENU)
    write("unnamed-button.html", '<button class="x"></button>')
    write("wide.html", '<div style="width: 900px">A table far wider than a phone</div>')
    write("cdn.html", '<script src="https://cdn.example.invalid/library.js"></script>')
    write("heavy.html", '<img src="photo.png" alt="A photo too heavy for mobile data">')
    # A button that nothing listens to: the upstream theme bug, where the
    # handler went to another (hidden) button with the same class.
    write(
        "dead-menu.html",
        '<button class="primary-toggle" style="display:none" aria-label="Twin"></button>' + MENU,
    )
    noise = random.Random(14).randbytes(sa.WEIGHT_LIMIT + 50_000)
    (tmp_path / "photo.png").write_bytes(noise)
    return tmp_path


def test_a_good_page_passes_every_check(browser: object, pages: Path) -> None:
    with sa.serve(pages) as server:
        result = sa.audit(browser, server, "/good.html")
    assert result.axe_desktop == [] and result.axe_phone == []
    assert result.overflow == []
    assert result.external == []
    assert 0 < result.weight < 20_000
    assert result.menu == []


def test_axe_check_catches_an_unnamed_button(browser: object, pages: Path) -> None:
    with (
        sa.serve(pages) as server,
        sa.visit(browser, server, "/unnamed-button.html", sa.NARROWEST) as (page, _),
    ):
        found = sa.axe_violations(page)
    assert [v["id"] for v in found] == ["button-name"]


def test_axe_check_catches_an_empty_table_header(browser: object, pages: Path) -> None:
    (pages / "table.html").write_text(
        GOOD.format(extra="<table><tr><th></th><th>Count</th></tr><tr><td>A</td><td>3</td></tr></table>")
    )
    with sa.serve(pages) as server, sa.visit(browser, server, "/table.html", sa.DESKTOP) as (page, _):
        found = sa.axe_violations(page)
    assert "empty-table-header" in [v["id"] for v in found]


def test_overflow_check_catches_a_wide_element(browser: object, pages: Path) -> None:
    with sa.serve(pages) as server, sa.visit(browser, server, "/wide.html", sa.NARROWEST) as (page, _):
        problems = sa.horizontal_overflow(page)
    assert problems and "A table far wider" in " ".join(problems)
    # Inside a container that scrolls, the same element is fine.
    (pages / "scrolls.html").write_text(
        GOOD.format(
            extra='<div style="overflow-x:auto" tabindex="0"><div style="width:900px">Wide</div></div>'
        )
    )
    with sa.serve(pages) as server, sa.visit(browser, server, "/scrolls.html", sa.NARROWEST) as (page, _):
        assert sa.horizontal_overflow(page) == []


def test_external_request_check_catches_a_cdn_script(browser: object, pages: Path) -> None:
    with sa.serve(pages) as server:
        result = sa.audit(browser, server, "/cdn.html", menus=False)
    assert result.external == ["https://cdn.example.invalid/library.js"]


def test_weight_check_catches_a_huge_asset(browser: object, pages: Path) -> None:
    with sa.serve(pages) as server:
        result = sa.audit(browser, server, "/heavy.html", menus=False)
    assert result.weight > sa.WEIGHT_LIMIT
    assert result.heaviest[0][1] == "/photo.png"


def test_menu_check_catches_a_dead_menu_button(browser: object, pages: Path) -> None:
    with sa.serve(pages) as server, sa.visit(browser, server, "/dead-menu.html", sa.PHONE) as (page, _):
        problems = sa.menu_problems(page, "primary")
    assert problems == ["the ☰ menu: a click on the button did not open it"]


# The built book, every page -------------------------------------------------


@pytest.fixture(scope="module")
def book(built_book: BuiltBook) -> BuiltBook:
    _need_tools()
    assert built_book.result.returncode == 0, "The book did not build; see test_book.py"
    return built_book


# The audit of every page, kept for the whole test run: xdist may run another
# module's test between two of this module's, which tears the module's
# fixtures down, and the audit (about 1,000 s) then ran twice.
_AUDITS: dict[Path, dict[str, sa.PageAudit]] = {}


@pytest.fixture(scope="module")
def audits(browser: object, book: BuiltBook) -> dict[str, sa.PageAudit]:
    if book.html not in _AUDITS:
        paths = sa.page_paths(book.html)
        with sa.serve(book.html) as server:
            _AUDITS[book.html] = {path: sa.audit(browser, server, path) for path in paths}
    return _AUDITS[book.html]


def _report(rows: list[str]) -> str:
    return f"{len(rows)} page(s):\n" + "\n".join(rows[:40])


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_every_page_is_audited(audits: dict[str, sa.PageAudit], book: BuiltBook) -> None:
    assert len(audits) >= 50
    assert "/book/index.html" in audits and "/search.html" in audits


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_no_serious_accessibility_problem_on_any_page(audits: dict[str, sa.PageAudit]) -> None:
    rows = [
        f"{path} [{width}]: {sa.describe_axe(found)}"
        for path, a in audits.items()
        for width, found in (("desktop", a.axe_desktop), ("320 px", a.axe_phone))
        if found
    ]
    assert not rows, "axe-core finds serious or critical problems on " + _report(rows)


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_no_page_overflows_sideways_at_320px(audits: dict[str, sa.PageAudit]) -> None:
    rows = [f"{path}: {'; '.join(a.overflow)}" for path, a in audits.items() if a.overflow]
    assert not rows, "At 320 px these stick out sideways on " + _report(rows)


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_no_page_asks_another_host_for_anything(audits: dict[str, sa.PageAudit]) -> None:
    rows = [f"{path}: {', '.join(a.external[:4])}" for path, a in audits.items() if a.external]
    assert not rows, "Requests to other hosts at page load on " + _report(rows)


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_no_page_loads_a_missing_file(audits: dict[str, sa.PageAudit]) -> None:
    rows = [f"{path}: {', '.join(a.missing)}" for path, a in audits.items() if a.missing]
    assert not rows, "Files asked for and not in the build on " + _report(rows)


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_every_page_weighs_at_most_300kb_on_a_first_visit(audits: dict[str, sa.PageAudit]) -> None:
    rows = [
        f"{path}: {a.weight / 1024:.0f} KB gzipped; heaviest "
        + ", ".join(f"{p} {n / 1024:.0f} KB" for n, p in a.heaviest[:3])
        for path, a in audits.items()
        if a.weight > sa.WEIGHT_LIMIT
    ]
    assert not rows, f"Over {sa.WEIGHT_LIMIT // 1024} KB on a first visit: " + _report(rows)


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_phone_menus_open_close_and_work_by_keyboard(audits: dict[str, sa.PageAudit]) -> None:
    rows = [f"{path}: {'; '.join(a.menu)}" for path, a in audits.items() if a.menu]
    assert not rows, "The phone menus fail on " + _report(rows)


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_menu_check_catches_the_upstream_theme_bug_on_a_real_page(browser: object, book: BuiltBook) -> None:
    # pydata-sphinx-theme#2451: a second, hidden .primary-toggle earlier in
    # the page takes the click handler, and the visible ☰ does nothing.
    html = (book.html / "book" / "index.html").read_text(encoding="utf-8")
    broken = re.sub(
        r"(<body[^>]*>)",
        r'\1<button class="primary-toggle" style="display:none" aria-label="Twin"></button>',
        html,
        count=1,
    )
    with sa.serve(book.html) as server:
        server.overlay["/book/broken-menu.html"] = broken.encode()
        with sa.visit(browser, server, "/book/broken-menu.html", sa.PHONE) as (page, _):
            problems = sa.menu_problems(page, "primary")
    assert "the ☰ menu: a click on the button did not open it" in problems


# The site fixes (datawithcare/sphinx_site.py), on small pieces of HTML --------

PAGE = """<html><head>
<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>
<link rel="stylesheet" href="../_static/sphinx-thebe.css?v=1" />
<script src="../_static/searchtools.js"></script>
<script src="../_static/language_data.js"></script>
<script src="../searchindex.js"></script>
<script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"</script>
<script type="application/vnd.jupyter.widget-state+json">{"state": {
 "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_pick", "IPY_MODEL_go"]}},
 "pick": {"model_name": "DropdownModel", "state": {"description": "Theme", "_options_labels": ["Ethics", "Data"]}},
 "go": {"model_name": "ButtonModel", "state": {"description": "Check and save"}}}}</script>
<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"></script>
</head><body>
<nav><ul><li class="toctree-l1 has-children"><a href="x.html">Ethics of data</a>
<details><summary><span class="toctree-toggle"><i class="fa-solid fa-chevron-down"></i></span></summary>
</details></li></ul></nav>
<button class="btn search-button-field" title="Search" aria-label="Search">Search <kbd>Ctrl</kbd>+<kbd>K</kbd></button>
<button class="sidebar-toggle primary-toggle btn btn-sm" title="Toggle primary sidebar"><span class="fa-solid fa-bars"></span></button>
<div class="citation-list" role="list"><div class="citation" role="doc-biblioentry">A. Author, 2024.</div></div>
<article><table><thead><tr><th></th><th>Count</th></tr></thead></table>
<div class="cell_output"><script type="application/vnd.jupyter.widget-view+json">{"model_id": "box"}</script></div>
<img src="chart.svg" alt="A bar chart of sessions by month">
</article></body></html>"""


def test_site_fixes_trim_assets_and_name_controls() -> None:
    from datawithcare.sphinx_site import WIDGET_NOTE, fix_page

    fixed = fix_page(PAGE)
    for gone in (
        "fontawesome.js",
        "sphinx-thebe",
        "searchindex.js",
        "searchtools.js",
        "THEBE_JS_URL",
        "require",
    ):
        assert gone not in fixed, gone
    assert "widget-state+json" not in fixed and "widget-view+json" not in fixed
    assert 'aria-label="Show the pages in Ethics of data"' in fixed
    assert 'aria-label="Search"' not in fixed
    assert '<span class="dwc-btn-word">Menu</span>' in fixed
    assert '<th><span class="visually-hidden">Row label</span></th>' in fixed
    assert '<div class="citation" role="listitem">' in fixed
    # The form as a picture, with the note on how to use it.
    assert WIDGET_NOTE in fixed
    assert "<option>Ethics</option>" in fixed and "Check and save</button>" in fixed
    assert 'loading="lazy"' in fixed
    # Running the fixes twice changes nothing more (but blank lines).
    assert fix_page(fixed).split() == fixed.split()
    # The search page keeps its search tools, so offline search still works.
    assert "searchindex.js" in fix_page(PAGE, is_search_page=True)


def test_hub_button_only_for_a_real_hub() -> None:
    from datawithcare.datasets import course_sector
    from datawithcare.sphinx_site import is_real_hub

    for placeholder in (
        None,
        "",
        "https://hub.example.org",
        "https://example.com",
        "http://hub.charity.org.uk",
    ):
        assert not is_real_hub(placeholder), placeholder
    # A real hub of the course's organisation (its name from the profile, never typed here).
    organisation = "-".join(re.findall(r"[a-z0-9]+", course_sector().organisation.lower()))
    assert is_real_hub(f"https://hub.{organisation}.org.uk")


def test_form_picture_passes_axe(browser: object, tmp_path: Path) -> None:
    from datawithcare.sphinx_site import fix_page

    fixed = (
        fix_page(PAGE).replace("<html>", '<html lang="en">').replace("<head>", "<head><title>Form</title>")
    )
    (tmp_path / "form.html").write_text(fixed, encoding="utf-8")
    with (
        sa.serve(tmp_path) as server,
        sa.visit(browser, server, "/form.html", sa.NARROWEST) as (page, record),
    ):
        assert sa.axe_violations(page) == []
        assert record.external == []


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_built_pages_keep_their_promises(book: BuiltBook) -> None:
    from fontTools.ttLib import TTFont

    from datawithcare.sphinx_site import WIDGET_NOTE, used_icon_codepoints

    pages = {p: p.read_text(encoding="utf-8") for p in book.html.rglob("*.html") if "_static" not in p.parts}
    hub_buttons = [
        p for p, t in pages.items() if "Launch on JupyterHub" in t or 'href="https://hub.example' in t
    ]
    assert not hub_buttons, f"A launch button points at a hub nobody set up: {hub_buttons[:3]}"
    forms = [p for p, t in pages.items() if "dwc-form-picture" in t]
    assert len(forms) >= 3, "the lessons with forms show no picture of them"
    for page in forms:
        text = pages[page]
        assert WIDGET_NOTE in text and "widget-view+json" not in text, page
        assert "<select" in text or "<input" in text or "<textarea" in text, (
            f"{page}: the form picture is empty"
        )
    # Every icon a page uses is in the cut-down icon fonts.
    for name, codepoints in used_icon_codepoints(book.html).items():
        font = TTFont(book.html / "_static" / "fonts" / f"{name}-subset.woff")
        missing = codepoints - set(font.getBestCmap())
        assert not missing, f"{name}: icons missing from the subset: {sorted(map(hex, missing))}"
    # Offline search: the search page loads the index; other pages do not.
    assert "searchindex.js" in pages[book.html / "search.html"]
    assert "searchindex.js" not in pages[book.html / "book" / "index.html"]


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_a_lesson_prints_without_menus_or_buttons(browser: object, book: BuiltBook) -> None:
    a4 = {"width": 794, "height": 1123}
    with (
        sa.serve(book.html) as server,
        sa.visit(browser, server, "/notebooks/06a-first-look.html", a4) as (page, _),
    ):
        page.emulate_media(media="print")
        shown = page.evaluate(
            "() => [...document.querySelectorAll('.bd-header-article, .bd-sidebar-primary, "
            ".bd-sidebar-secondary, .prev-next-area, .bd-footer')]"
            ".filter(e => e.getClientRects().length > 0).map(e => e.className)"
        )
        assert shown == [], f"These would print: {shown}"
        assert sa.horizontal_overflow(page) == []
        assert len(page.pdf(format="A4")) > 10_000
