"""Templates download as Word, OpenDocument and Markdown, with fill-in fields that stand out.

The files are made the way the book build makes them
(:func:`datawithcare.template_export.export_all`), then opened with real
reader libraries: python-docx for Word and odfpy for OpenDocument. A
small Sphinx project checks the extension that puts them on the pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from odf import style as odf_style
from odf import text as odf_text
from odf.opendocument import load as load_odt

from datawithcare.law_dates import load_law_dates, stamp
from datawithcare.template_export import (
    FILL_IN_STYLE,
    TEMPLATE_DIRS,
    export_all,
    export_template,
    fill_in_fields,
    template_sources,
)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = template_sources(ROOT)


def _plain(text: str) -> str:
    """Markdown heading or field text as a reader shows it: no emphasis marks or escapes."""
    return " ".join(re.sub(r"[*_`\\]", "", text).split())


def _headings(markdown: str) -> list[tuple[int, str]]:
    return [
        (len(m.group(1)), _plain(m.group(2))) for m in re.finditer(r"^(#{1,6}) (.+)$", markdown, re.MULTILINE)
    ]


def _expected_fields(markdown: str) -> set[str]:
    return {f"[{_plain(field)}]" for field in fill_in_fields(markdown)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    return {e.source: e for e in export_all(ROOT, out)}


def test_every_template_folder_has_templates():
    for folder in TEMPLATE_DIRS:
        assert list((ROOT / folder).glob("*.md")), f"no templates in {folder}"
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_markdown_copy_is_stamped(exported, source):
    text = exported[source].markdown.read_text(encoding="utf-8")
    assert "{{" not in text
    assert load_law_dates().line() in text
    assert text == stamp(source.read_text(encoding="utf-8"))


# Word -------------------------------------------------------------------------------


def _docx_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def _docx_fields(document) -> set[str]:
    fields = set()
    for paragraph in _docx_paragraphs(document):
        current = ""
        for run in list(paragraph.runs) + [None]:
            if run is not None and run.style is not None and run.style.name == FILL_IN_STYLE:
                current += run.text
            elif current:
                fields.add(_plain(current))
                current = ""
    return fields


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_word_copy_has_the_headings_and_highlighted_fields(exported, source):
    markdown = exported[source].markdown.read_text(encoding="utf-8")
    document = Document(str(exported[source].docx))
    headings = [
        (int(p.style.name.split()[-1]), _plain(p.text))
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]
    assert headings == _headings(markdown)
    assert _docx_fields(document) == _expected_fields(markdown)
    fill_in = document.styles[FILL_IN_STYLE].font
    assert fill_in.highlight_color == WD_COLOR_INDEX.YELLOW and fill_in.bold
    body = "\n".join(p.text for p in _docx_paragraphs(document))
    dates = load_law_dates()
    assert dates.last_checked_text in body and dates.review_by_text in body


# OpenDocument -----------------------------------------------------------------------


def _odt_text(element) -> str:
    parts = []
    for node in element.childNodes:
        if node.nodeType == node.TEXT_NODE:
            parts.append(str(node.data))
        elif node.qname == (odf_text.TEXTNS, "s"):
            parts.append(" ")
        else:
            parts.append(_odt_text(node))
    return "".join(parts)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_opendocument_copy_has_the_headings_and_highlighted_fields(exported, source):
    markdown = exported[source].markdown.read_text(encoding="utf-8")
    document = load_odt(str(exported[source].odt))
    headings = [
        (int(h.getAttribute("outlinelevel")), _plain(_odt_text(h)))
        for h in document.getElementsByType(odf_text.H)
    ]
    assert headings == _headings(markdown)
    fields = {
        _plain(_odt_text(span))
        for span in document.getElementsByType(odf_text.Span)
        if span.getAttribute("stylename") == FILL_IN_STYLE
    }
    assert fields == _expected_fields(markdown)
    styles = [
        s
        for s in document.styles.getElementsByType(odf_style.Style)
        if s.getAttribute("name") == FILL_IN_STYLE
    ]
    assert len(styles) == 1
    properties = styles[0].getElementsByType(odf_style.TextProperties)[0]
    assert properties.getAttribute("backgroundcolor").upper() == "#FFFF00"
    assert properties.getAttribute("fontweight") == "bold"
    body = "\n".join(_odt_text(p) for p in document.getElementsByType(odf_text.P))
    assert load_law_dates().last_checked_text in body


# The fill-in rule and bad sources -----------------------------------------------------


def test_fill_in_fields_skip_checkboxes_links_and_blank_lines():
    text = (
        "- [ ] a checkbox\n- [x] a ticked one\nSee [the ICO](https://ico.org.uk).\n"
        "Name: [your name]. Two lines: [first part\nsecond part].\n[not\n\nacross a blank line]\n"
        "[ico]: https://ico.org.uk\n# [Organisation name]: what we did\n"
    )
    assert fill_in_fields(text) == ["your name", "first part second part", "Organisation name"]


@pytest.mark.parametrize(
    ("content", "words"),
    [("No heading, but a [field].\n", "heading"), ("# A heading\n\nNo fields at all.\n", "fill-in fields")],
)
def test_a_template_without_headings_or_fields_is_refused(tmp_path, content, words):
    source = tmp_path / "bad.md"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=words):
        export_template(source, tmp_path / "out")


# The Sphinx extension, in a small book --------------------------------------------------


def test_the_extension_puts_dates_and_three_downloads_on_the_pages(tmp_path):
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    folder = src / "book" / "data-protection" / "templates"
    folder.mkdir(parents=True)
    (folder / "letter.md").write_text(
        "# A letter\n\n**Law last checked:** {{ law_last_checked }} · **Review by:** {{ law_review_by }}\n\n"
        "Dear [name],\n",
        encoding="utf-8",
    )
    (src / "conf.py").write_text(
        "extensions = ['myst_parser', 'datawithcare.sphinx_law']\n"
        "myst_enable_extensions = ['substitution', 'colon_fence']\n"
        "myst_substitutions = {'course_name': 'Data with Care'}\n"
        "exclude_patterns = ['_build', '**/templates']\n",
        encoding="utf-8",
    )
    (src / "index.md").write_text(
        "# {{ course_name }}\n\n```{toctree}\nbook/data-protection/page\nbook/data-protection/other\n```\n",
        encoding="utf-8",
    )
    (src / "book" / "data-protection" / "page.md").write_text(
        "# Page\n\n**Law last checked:** {{ law_last_checked }} · **Review by:** {{ law_review_by }}\n\n"
        ":::{course-template} templates/letter.md\n:::\n",
        encoding="utf-8",
    )
    (src / "book" / "data-protection" / "other.md").write_text(
        "# Other\n\n{download}`Download the letter <templates/letter.md>`\n\n"
        "```{literalinclude} templates/letter.md\n:language: markdown\n```\n",
        encoding="utf-8",
    )
    out = tmp_path / "html"
    app = Sphinx(
        str(src), str(src), str(out), str(tmp_path / "doctrees"), "html", warningiserror=True, status=None
    )
    app.build()
    dates = load_law_dates()
    for name in ("page", "other"):
        html = (out / "book" / "data-protection" / f"{name}.html").read_text(encoding="utf-8")
        for fmt in ("md", "docx", "odt"):
            assert re.search(rf'href="[^"]*_downloads/[0-9a-f]+/letter\.{fmt}"', html), (name, fmt)
        assert "{{" not in html
        assert dates.last_checked_text in html and dates.review_by_text in html
    for fmt in ("md", "docx", "odt"):
        assert list((out / "_downloads").glob(f"*/letter.{fmt}"))
    downloaded_md = next((out / "_downloads").glob("*/letter.md")).read_text(encoding="utf-8")
    assert dates.line() in downloaded_md
