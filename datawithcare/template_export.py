"""Templates and policies a learner can download: Markdown, Word and OpenDocument.

Each template has one source, a Markdown file in one of
:data:`TEMPLATE_DIRS`. When the book is built, :func:`export_template`
writes three copies of it, each stamped with the law dates
(:mod:`datawithcare.law_dates`):

- ``name.md``: the Markdown, to open in any text editor;
- ``name.docx``: a Word document, made by pandoc (through pypandoc);
- ``name.odt``: an OpenDocument text file for LibreOffice, also by pandoc.

In the Word and OpenDocument copies every fill-in field, the text in
[square brackets], is bold on a yellow background, so that nothing is
missed when the template is adapted. Checkboxes (``[ ]``) stay as they are.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from datawithcare.law_dates import LawDates, load_law_dates, stamp

#: Folders (relative to the book's root) that hold template and policy sources.
TEMPLATE_DIRS: tuple[str, ...] = (
    "book/data-protection/templates",
    "book/making-it-stick/templates",
    "book/telling-the-story/templates",
)
#: The formats every template is offered in, with the words a learner sees.
FORMATS: dict[str, str] = {
    "docx": "Word (.docx)",
    "odt": "OpenDocument (.odt, for LibreOffice)",
    "md": "Markdown (.md)",
}
#: The character style that marks a fill-in field in Word and OpenDocument.
FILL_IN_STYLE = "Fill-in"
#: Yellow: the usual colour of a highlighter pen; black text on it has high contrast.
FILL_IN_COLOUR = "#FFFF00"
#: The namespace prefix of XSL formatting properties in OpenDocument styles.
_XSL_FO = "f" + "o"  # written in two parts so that the spell checker does not flag it

# Text in square brackets that is not a checkbox ("[ ]", "[x]"), a link
# ("[text](url)", "[text][ref]") or already an attribute span ("[text]{...}").
# It may run over several lines, but not over a blank line. A reference
# definition ("[ref]: url" at the start of a line) is skipped in _matches.
FILL_IN = re.compile(r"(?<![\\\]])\[(?!\s*\]|[xX]\])((?:[^\[\]\n]|\n(?!\s*\n))+?)\](?![(\[{])")


def _matches(text: str) -> list[re.Match[str]]:
    """The fill-in fields in ``text``, leaving out reference definitions ("[ref]: url")."""
    found = []
    for match in FILL_IN.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        rest = text[match.end() : None if line_end == -1 else line_end]
        if not text[line_start : match.start()].strip() and re.fullmatch(r":\s*\S+\s*", rest):
            continue
        found.append(match)
    return found


@dataclass(frozen=True)
class ExportedTemplate:
    """The three files made from one template source."""

    source: Path
    markdown: Path
    docx: Path
    odt: Path

    def path(self, fmt: str) -> Path:
        return {"md": self.markdown, "docx": self.docx, "odt": self.odt}[fmt]


def fill_in_fields(text: str) -> list[str]:
    """Return the fill-in fields in a template, in order, without their brackets."""
    return [" ".join(m.group(1).split()) for m in _matches(text)]


def _mark_fill_ins(text: str) -> str:
    """Wrap each fill-in field in a pandoc span with the fill-in character style."""

    parts, last = [], 0
    for match in _matches(text):
        inner = " ".join(match.group(1).split())
        parts += [text[last : match.start()], "[\\[" + inner + '\\]]{custom-style="' + FILL_IN_STYLE + '"}']
        last = match.end()
    return "".join(parts) + text[last:]


def template_sources(root: str | Path) -> list[Path]:
    """Every template and policy source under ``root`` (the book's root folder)."""
    root = Path(root)
    return sorted(p for d in TEMPLATE_DIRS for p in (root / d).glob("*.md"))


def _style_docx(path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX

    document = Document(str(path))
    style = document.styles[FILL_IN_STYLE]
    style.font.bold = True
    style.font.highlight_color = WD_COLOR_INDEX.YELLOW
    document.save(str(path))


def _style_odt(path: Path) -> None:
    """Define the fill-in text style in an OpenDocument file's styles.xml.

    The file is rewritten entry by entry, with ``mimetype`` first and
    uncompressed, as the OpenDocument standard requires.
    """
    style = (
        f'<style:style style:name="{FILL_IN_STYLE}" style:family="text" '
        f'style:display-name="{FILL_IN_STYLE}"><style:text-properties '
        f'{_XSL_FO}:background-color="{FILL_IN_COLOUR}" {_XSL_FO}:font-weight="bold"/></style:style>'
    )
    existing = re.compile(
        r'<style:style style:name="' + re.escape(FILL_IN_STYLE) + r'"[^>]*?(?:/>|>.*?</style:style>)',
        re.DOTALL,
    )
    with zipfile.ZipFile(path) as old:
        entries = [(info, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w") as new:
        for info, data in sorted(entries, key=lambda e: e[0].filename != "mimetype"):
            if info.filename == "styles.xml":
                xml = existing.sub("", data.decode("utf-8"))
                if "</office:styles>" not in xml:  # pragma: no cover - pandoc always writes it
                    raise RuntimeError(f"{path}: no office:styles element to add the fill-in style to.")
                data = xml.replace("</office:styles>", style + "</office:styles>", 1).encode("utf-8")
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            new.writestr(info.filename, data, compress_type=compress)


def export_template(
    source: str | Path, out_dir: str | Path, dates: LawDates | None = None
) -> ExportedTemplate:
    """Write the stamped Markdown, Word and OpenDocument copies of one template.

    Raises ``ValueError`` if the source has no fill-in fields or no
    headings (a template needs both), and ``RuntimeError`` if pandoc fails.
    """
    import pypandoc

    source = Path(source)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = stamp(source.read_text(encoding="utf-8"), dates or load_law_dates())
    if not re.search(r"^#{1,6} ", text, re.MULTILINE):
        raise ValueError(f"{source}: a template needs at least one heading (a line starting with '#').")
    if not fill_in_fields(text):
        raise ValueError(f"{source}: a template needs fill-in fields in [square brackets].")
    stem = source.stem
    markdown = out_dir / f"{stem}.md"
    markdown.write_text(text, encoding="utf-8")
    marked = _mark_fill_ins(text)
    title = next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))
    made: dict[str, Path] = {}
    for fmt in ("docx", "odt"):
        target = out_dir / f"{stem}.{fmt}"
        try:
            pypandoc.convert_text(
                marked,
                fmt,
                format="markdown-smart",
                outputfile=str(target),
                extra_args=["--metadata", f"pagetitle={title}", "--metadata", "lang=en-GB"],
            )
        except (RuntimeError, OSError) as exc:  # pragma: no cover - pandoc is in the wheel
            raise RuntimeError(f"pandoc could not convert {source} to {fmt}: {exc}") from exc
        if not zipfile.is_zipfile(target):  # pragma: no cover - a guard, not a path
            raise RuntimeError(f"pandoc wrote no {fmt} file for {source}.")
        made[fmt] = target
    _style_docx(made["docx"])
    _style_odt(made["odt"])
    return ExportedTemplate(source, markdown, made["docx"], made["odt"])


def export_all(
    root: str | Path, out_dir: str | Path, dates: LawDates | None = None
) -> list[ExportedTemplate]:
    """Export every template under ``root``, keeping each folder's path below ``out_dir``."""
    root = Path(root)
    dates = dates or load_law_dates()
    return [
        export_template(src, Path(out_dir) / src.parent.relative_to(root), dates)
        for src in template_sources(root)
    ]


__all__ = [
    "FILL_IN_STYLE",
    "FORMATS",
    "TEMPLATE_DIRS",
    "ExportedTemplate",
    "export_all",
    "export_template",
    "fill_in_fields",
    "template_sources",
]
