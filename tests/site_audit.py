"""Plumbing for the browser tests: serve a built book and audit its pages in Chromium.

Kept apart from ``test_browser.py`` so that each check is a plain function
that the tests can also run on a page broken on purpose: a check that
cannot fail protects nothing.

What a learner's browser sees is what is measured:

- the book is served on 127.0.0.1 by a small HTTP server that gzips text,
  as any web host does, and counts the bytes it sends for each page;
- headless Chromium (Debian's package, driven by Playwright) loads every
  page with an empty cache, so the weight is the first-visit weight;
- any request to another host is recorded and refused, so the tests never
  use the network.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from harness import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SETUP_HINT = (
    "Run `make setup-system` (as root: it installs Debian's chromium and runs `npm ci` "
    "for the pinned axe-core), then run the tests again."
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Widths in CSS pixels: a desktop, the narrowest phone, a common phone.
DESKTOP = {"width": 1280, "height": 800}
NARROWEST = {"width": 320, "height": 640}
PHONE = {"width": 375, "height": 700}
# First visit, gzipped, everything the page loads (issue 14).
WEIGHT_LIMIT = 300 * 1024
# axe-core rules that fail a page: every serious or critical finding, and
# these lower-rated ones that the course has fixed and must stay fixed.
ALSO_FAIL = {"empty-table-header"}
# Formats that are compressed already; a web host sends them as they are.
COMPRESSED = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2", ".zip", ".gz", ".pdf"}


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def missing_tools() -> list[str]:
    """Name what the browser tests need and this machine lacks."""
    missing = []
    if not chromium_path():
        missing.append("Chromium (the Debian package `chromium`)")
    if not AXE.exists():
        missing.append(f"axe-core ({AXE.relative_to(ROOT)})")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (`make setup`)")
    return missing


def tools_message(missing: list[str]) -> str:
    return "The browser tests need " + ", ".join(missing) + ". " + SETUP_HINT


def page_paths(html_dir: Path) -> list[str]:
    """Every HTML page of a built book, as URL paths ('/book/index.html')."""
    skip = ("_static/", "_sources/", "_images/", "_downloads/")
    return sorted(
        "/" + p.relative_to(html_dir).as_posix()
        for p in html_dir.rglob("*.html")
        if not p.relative_to(html_dir).as_posix().startswith(skip)
    )


# The server -------------------------------------------------------------


@dataclass
class Served:
    path: str
    status: int
    sent: int  # bytes of body on the wire (gzipped where a host would gzip)


@dataclass
class BookServer:
    root: Path
    base: str = ""
    log: list[Served] = field(default_factory=list)
    # URL path -> bytes: extra pages served as if they were in `root`.
    overlay: dict[str, bytes] = field(default_factory=dict)
    _gz: dict[tuple[str, float], bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, url_path: str, accepts_gzip: bool) -> tuple[int, bytes, dict[str, str]]:
        path = unquote(urlsplit(url_path).path)
        if path.endswith("/"):
            path += "index.html"
        if path in self.overlay:
            data, mtime = self.overlay[path], -1.0
        else:
            file = (self.root / path.lstrip("/")).resolve()
            if not file.is_relative_to(self.root.resolve()) or not file.is_file():
                return 404, b"not found", {"Content-Type": "text/plain"}
            data, mtime = file.read_bytes(), file.stat().st_mtime
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype.endswith(("javascript", "json", "xml")):
            ctype += "; charset=utf-8"
        headers = {"Content-Type": ctype, "Cache-Control": "max-age=3600"}
        if accepts_gzip and Path(path).suffix.lower() not in COMPRESSED:
            key = (path, mtime)
            with self._lock:
                if key not in self._gz or mtime < 0:
                    self._gz[key] = gzip.compress(data, compresslevel=6, mtime=0)
                data = self._gz[key]
            headers["Content-Encoding"] = "gzip"
        return 200, data, headers

    def sent_since(self, start: int) -> list[Served]:
        with self._lock:
            return list(self.log[start:])

    def mark(self) -> int:
        with self._lock:
            return len(self.log)


@contextmanager
def serve(root: Path) -> Iterator[BookServer]:
    """Serve ``root`` on 127.0.0.1 (a free port) until the block ends."""
    book = BookServer(Path(root))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            gz = "gzip" in self.headers.get("Accept-Encoding", "")
            status, data, headers = book.body(self.path, gz)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return  # the browser moved on (a closed page); nothing to count
            with book._lock:
                book.log.append(Served(unquote(urlsplit(self.path).path), status, len(data)))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    book.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield book
    finally:
        server.shutdown()
        server.server_close()


# The browser --------------------------------------------------------------


@contextmanager
def chromium() -> Iterator[object]:
    """Headless Debian Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Visit:
    """What one first visit to a page showed."""

    external: list[str] = field(default_factory=list)
    sent: list[Served] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def weight(self) -> int:
        return sum(s.sent for s in self.sent)


@contextmanager
def visit(browser: object, server: BookServer, path: str, viewport: dict[str, int]) -> Iterator[tuple]:
    """Open ``path`` in a fresh context (empty cache); yield (page, Visit).

    Requests to any host but the server are recorded and refused.
    """
    context = browser.new_context(viewport=viewport, service_workers="block")
    # Generous: the machine running the tests may be busy.
    context.set_default_timeout(120_000)
    record = Visit()
    origin = server.base

    def route(r: object) -> None:
        url = r.request.url
        if url.startswith(origin + "/") or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            record.external.append(url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: record.errors.append(str(exc)))
    pending: set[object] = set()
    page.on("request", lambda r: pending.add(r))
    page.on("requestfinished", lambda r: pending.discard(r))
    page.on("requestfailed", lambda r: pending.discard(r))
    start = server.mark()
    try:
        page.goto(origin + path, wait_until="load")
        # Settled: nothing in flight for half a second (at most 30 s).
        quiet = 0
        for _ in range(300):
            quiet = quiet + 1 if not pending else 0
            if quiet >= 5:
                break
            page.wait_for_timeout(100)
        record.sent = server.sent_since(start)
        yield page, record
    finally:
        context.close()


# The checks ----------------------------------------------------------------

_AXE_RUN = """async (alsoFail) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => ['serious', 'critical'].includes(v.impact) || alsoFail.includes(v.id))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def axe_violations(page: object) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(_AXE_RUN, sorted(ALSO_FAIL))


_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scroll = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const clips = el => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement;
         a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.position === 'fixed' && a.getBoundingClientRect().right <= width + 1) return true;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)
          && a.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= width + 1) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.position === 'fixed') continue;
    if (clips(el)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string'
         ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
    offenders.push(`${name} (right edge ${Math.round(r.right)} px): `
      + (el.textContent || '').trim().slice(0, 60));
    if (offenders.length >= 5) break;
  }
  return {width, scroll, offenders};
}"""


def horizontal_overflow(page: object) -> list[str]:
    """What sticks out sideways: empty when nothing does."""
    found = page.evaluate(_OVERFLOW)
    problems = list(found["offenders"])
    if found["scroll"] > found["width"] + 1:
        problems.insert(0, f"the page is {found['scroll']} px wide in a {found['width']} px window")
    return problems


_DIALOG_STATE = """(which) => {
  const d = document.getElementById(`pst-${which}-sidebar-modal`);
  if (!d || !d.open) return {open: false};
  const r = d.getBoundingClientRect();
  const links = [...d.querySelectorAll('a[href]')].filter(a => a.getClientRects().length > 0);
  const active = document.activeElement;
  return {open: r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth,
          links: links.length, focusInside: d.contains(active)};
}"""


_FOCUS_BEHIND = """(which) => {
  const d = document.getElementById(`pst-${which}-sidebar-modal`);
  const a = document.activeElement;
  return !!a && a !== document.body && !d.contains(a);
}"""
_REFOCUS = """(which) => {
  const d = document.getElementById(`pst-${which}-sidebar-modal`);
  if (!d.contains(document.activeElement)) d.querySelector('a[href], button')?.focus();
}"""


def _toggle(page: object, which: str) -> object | None:
    buttons = page.locator(f".{which}-toggle:visible")
    return buttons.first if buttons.count() else None


def menu_problems(page: object, which: str) -> list[str]:
    """Check that the phone menu (``primary`` ☰ or ``secondary`` Contents) works.

    By mouse: a click opens a dialog with links; a click on the dimmed page
    beside it closes it. By keyboard: Enter on the focused button opens it
    with the focus inside, Tab keeps the focus inside, Escape closes it and
    gives the focus back to the button.
    """
    label = {"primary": "the ☰ menu", "secondary": "the Contents menu"}[which]
    button = _toggle(page, which)
    if button is None:
        return [f"{label}: no visible button"]
    problems = []
    name = button.get_attribute("aria-label") or button.get_attribute("title") or button.inner_text()
    if not (name or "").strip():
        problems.append(f"{label}: the button has no name for a screen reader")
    button.click()
    page.wait_for_timeout(150)
    state = page.evaluate(_DIALOG_STATE, which)
    if not state["open"]:
        return [*problems, f"{label}: a click on the button did not open it"]
    if not state["links"]:
        problems.append(f"{label}: it opened with no links in it")
    # A click on the page beside the drawer closes it.
    width = page.viewport_size["width"]
    page.mouse.click(width - 5 if which == "primary" else 5, page.viewport_size["height"] // 2)
    page.wait_for_timeout(150)
    if page.evaluate(_DIALOG_STATE, which)["open"]:
        problems.append(f"{label}: a click beside it did not close it")
        page.keyboard.press("Escape")
    button = _toggle(page, which)
    if button is None:
        return [*problems, f"{label}: the button vanished after closing"]
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(150)
    state = page.evaluate(_DIALOG_STATE, which)
    if not state["open"]:
        return [*problems, f"{label}: Enter on the button did not open it"]
    if not state["focusInside"]:
        problems.append(f"{label}: opened by keyboard, but the focus is not inside it")
    page.keyboard.press("Tab")
    # Tab stays in the open menu, or (from its last link) leaves the page for
    # the browser's own controls, as a modal dialog allows; it must never
    # reach the page behind the menu.
    if page.evaluate(_FOCUS_BEHIND, which):
        problems.append(f"{label}: Tab moved the focus to the page behind the open menu")
    page.evaluate(_REFOCUS, which)
    page.keyboard.press("Escape")
    page.wait_for_timeout(150)
    if page.evaluate(_DIALOG_STATE, which)["open"]:
        problems.append(f"{label}: Escape did not close it")
    elif not page.evaluate(f"() => document.activeElement.matches('.{which}-toggle')"):
        problems.append(f"{label}: after Escape the focus did not go back to the button")
    return problems


def needs_contents_menu(page: object) -> bool:
    """True when the page has an 'on this page' table of contents to show."""
    return page.evaluate(
        "() => !!document.querySelector('#pst-secondary-sidebar nav a[href], "
        "#pst-secondary-sidebar-modal nav a[href]')"
    )


@dataclass
class PageAudit:
    path: str
    weight: int = 0
    files: int = 0
    external: list[str] = field(default_factory=list)
    axe_desktop: list[dict] = field(default_factory=list)
    axe_phone: list[dict] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    menu: list[str] = field(default_factory=list)
    heaviest: list[tuple[int, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def audit(browser: object, server: BookServer, path: str, menus: bool = True) -> PageAudit:
    """Run every check on one page, loaded once: at desktop, then 320 px, then 375 px."""
    result = PageAudit(path)
    with visit(browser, server, path, DESKTOP) as (page, record):
        result.weight = record.weight
        result.files = len(record.sent)
        result.heaviest = sorted(((s.sent, s.path) for s in record.sent), reverse=True)[:5]
        # (The browser asks for /favicon.ico by itself; the book has none.)
        result.missing = sorted({s.path for s in record.sent if s.status == 404 and s.path != "/favicon.ico"})
        result.axe_desktop = axe_violations(page)
        page.set_viewport_size(NARROWEST)
        # The theme marks scrolling boxes focusable 300 ms after a resize.
        page.wait_for_timeout(800)
        result.overflow = horizontal_overflow(page)
        result.axe_phone = axe_violations(page)
        if menus:
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(200)
            result.menu = menu_problems(page, "primary")
            if needs_contents_menu(page):
                result.menu += menu_problems(page, "secondary")
        # Anything asked for late (after a resize or a click) counts too.
        result.external = list(record.external)
    return result


def describe_axe(found: list[dict]) -> str:
    return "; ".join(f"{v['id']} ({v['impact']}, {v['nodes']}x: {', '.join(v['targets'])})" for v in found)


def main(argv: list[str]) -> int:
    """Audit some pages of a built book and print what fails: ``python tests/site_audit.py _build/html [PATH...]``."""
    html = Path(argv[0])
    paths = argv[1:] or page_paths(html)
    with serve(html) as server, chromium() as browser:
        for path in paths:
            a = audit(browser, server, path)
            print(f"{path}: {a.weight / 1024:.0f} KB, {a.files} files")
            for label, value in (
                ("axe desktop", describe_axe(a.axe_desktop)),
                ("axe 320", describe_axe(a.axe_phone)),
                ("overflow", "; ".join(a.overflow)),
                ("external", ", ".join(a.external)),
                ("menu", "; ".join(a.menu)),
                ("missing", ", ".join(a.missing)),
            ):
                if value:
                    print(f"   {label}: {value}")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
