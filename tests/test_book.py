"""The book: its table of contents, and a strict build of every page."""

from __future__ import annotations

import shutil

import pytest
from book_build import BuiltBook
from harness import (
    ROOT,
    content_files,
    expected_html,
    images_without_alt_text,
    lessons,
    resolve_toc_entry,
    toc_files,
)

from datawithcare.bundle import render_names


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
def test_book_builds_strictly_from_the_lessons_tested_runs(
    built_book: BuiltBook,
    lesson_runs,
    tmp_path,
) -> None:
    """The strict build reuses the shipped-data runs of the lesson tests; it runs no notebook itself."""
    result = built_book.result
    log = result.stdout + result.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert result.returncode == 0, "The strict book build failed:\n" + "\n".join(
        warnings[-40:] or [result.stderr[-3000:]]
    )
    executed = [line for line in log.splitlines() if "Executing notebook" in line]
    assert not executed, "The book build ran notebooks that the tests had already run:\n" + "\n".join(
        executed
    )
    build = built_book.build
    missing = [entry for entry in toc_files() if not expected_html(entry, build).exists()]
    assert not missing, f"The build has no HTML page for: {missing}"
    index = (build / "html" / "book" / "index.html").read_text(encoding="utf-8")
    assert "Data with Care" in index
    no_alt = images_without_alt_text(build / "html")
    assert not no_alt, "Images in the built book without alt text:\n" + "\n".join(no_alt[:20])
    # The outputs really came from the tests' runs: every lesson that drew a chart shows one.
    blank = []
    for path in lessons():
        drew = any(
            {"image/png", "image/svg+xml"} & set(out.get("data", {}))
            for cell in lesson_runs.shipped(path).notebook.cells
            for out in cell.get("outputs", [])
        )
        page = expected_html(path.relative_to(ROOT).with_suffix("").as_posix(), build)
        if drew and "<img" not in page.read_text(encoding="utf-8"):
            blank.append(page.name)
    assert not blank, f"These pages should show the lessons' charts but show none: {blank}"
    # The download buttons give learners the active edition with its names, not the raw source:
    # rendering the downloads again, as the learner bundle renders a lesson, changes nothing.
    sources = build / "html" / "_sources"
    downloads = sorted(sources.rglob("*.ipynb"))
    assert len(downloads) >= len(lessons()), f"Too few notebooks behind the download buttons in {sources}"
    again = tmp_path / "again"
    shutil.copytree(sources, again)
    typed = [p for p in (ROOT / "notebooks").glob("*.ipynb") if "{only}" in p.read_text(encoding="utf-8")]
    assert typed, "No lesson has an {only} passage: the check below would prove nothing."
    assert render_names(again) == 0, "Downloads with a substitution or an {only} fence left as typed"
