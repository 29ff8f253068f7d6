"""Page weight: what each page of the built book costs on a first visit.

Serves ``_build/html`` (build it first with ``make book``) on 127.0.0.1,
opens every page in headless Chromium with an empty cache, and adds up the
gzipped bytes of everything the page loads. The target (issue 14) is at
most 300 KB a page, aiming for 150 KB; ``tests/test_browser.py`` enforces
the 300 KB limit on a fresh build.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import site_audit as sa  # noqa: E402 (after the path is set)

HTML = ROOT / "_build" / "html"


def run() -> str:
    lines = ["## Page weight (first visit, gzipped, everything each page loads)", ""]
    missing = sa.missing_tools()
    if missing:
        return "\n".join([*lines, sa.tools_message(missing)])
    if not (HTML / "index.html").exists():
        return "\n".join([*lines, f"No built book in {HTML}: run `make book` first."])
    rows = []
    with sa.serve(HTML) as server, sa.chromium() as browser:
        for path in sa.page_paths(HTML):
            with sa.visit(browser, server, path, sa.DESKTOP) as (_, record):
                heaviest = max(record.sent, key=lambda s: s.sent)
                rows.append((record.weight, len(record.sent), path, heaviest, len(record.external)))
    weights = [r[0] for r in rows]
    over = sum(w > sa.WEIGHT_LIMIT for w in weights)
    lines += [
        f"{len(rows)} pages: median {statistics.median(weights) / 1024:.0f} KB, "
        f"heaviest {max(weights) / 1024:.0f} KB, lightest {min(weights) / 1024:.0f} KB; "
        f"{over} over the {sa.WEIGHT_LIMIT // 1024} KB limit, "
        f"{sum(w <= 150 * 1024 for w in weights)} within the 150 KB aim.",
        "",
        "| page | KB gzipped | files | heaviest file | other hosts asked |",
        "|---|---:|---:|---|---:|",
    ]
    for weight, files, path, heaviest, external in sorted(rows, reverse=True):
        lines.append(
            f"| {path} | {weight / 1024:.0f} | {files} | {heaviest.path} ({heaviest.sent / 1024:.0f} KB) | {external} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
