"""The book: its table of contents, and a strict build of every page."""

from __future__ import annotations

import re

import pytest
from book_build import BuiltBook, built_book  # noqa: F401 (a fixture)
from harness import content_files, expected_html, resolve_toc_entry, toc_files


def test_every_toc_entry_exists() -> None:
    missing = [entry for entry in toc_files() if resolve_toc_entry(entry) is None]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_no_toc_entry_twice() -> None:
    entries = toc_files()
    twice = sorted({e for e in entries if entries.count(e) > 1})
    assert not twice, f"_toc.yml lists these more than once: {twice}"


def test_every_page_is_in_the_toc() -> None:
    listed = set(toc_files())
    orphans = [page for page in content_files() if page not in listed]
    assert not orphans, (
        f"These pages are not in _toc.yml, so a learner can never reach them: {orphans}. "
        "Add them to _toc.yml, or move downloads into a templates/ or downloads/ folder."
    )


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_book_builds_strictly_with_a_page_per_toc_entry(built_book: BuiltBook) -> None:  # noqa: F811
    result = built_book.result
    warnings = [
        line for line in (result.stdout + result.stderr).splitlines() if "WARNING" in line or "ERROR" in line
    ]
    assert result.returncode == 0, "The strict book build failed:\n" + "\n".join(
        warnings[-40:] or [result.stderr[-3000:]]
    )
    build = built_book.build
    missing = [entry for entry in toc_files() if not expected_html(entry, build).exists()]
    assert not missing, f"The build has no HTML page for: {missing}"
    index = (build / "html" / "book" / "index.html").read_text(encoding="utf-8")
    assert "Data with Care" in index
    no_alt = []
    for page in (build / "html").rglob("*.html"):
        for tag in re.findall(r"<img\b[^>]*>", page.read_text(encoding="utf-8")):
            alt = re.search(r'\balt="([^"]*)"', tag)
            if not alt or len(alt.group(1).split()) < 2:
                no_alt.append(f"{page.relative_to(build / 'html')}: {tag[:120]}")
    assert not no_alt, "Images in the built book without alt text:\n" + "\n".join(no_alt[:20])
