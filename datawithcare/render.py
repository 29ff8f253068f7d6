"""One way to turn a widget's answers into a summary: Markdown and HTML from one template.

Each summary is a Jinja2 template in ``datawithcare/templates/`` that
writes Markdown. Every value the template prints is escaped for Markdown
first, so learner text stays text: a ``|`` cannot break a table, a line
that starts with ``#`` is not a heading, and ``<script>`` is shown, not
run or dropped. The HTML page is made from that Markdown by markdown-it-py
with raw HTML switched off, so the two formats always say the same thing.
Paragraphs, list items, headings and table cells carry ``dir="auto"``, so
Arabic or Farsi reads right to left.

:func:`csv_cell` makes a value safe for a spreadsheet: a cell that starts
with ``=``, ``+``, ``-`` or ``@`` would run as a formula in Excel.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_LEADING = re.compile(r"^(\d+)([.)])(?=\s|$)|^([#>+=-])")
_PAGE_STYLE = (
    "body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5;color:#1a1a1a}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #777;padding:.3em .5em;"
    "text-align:start;vertical-align:top}blockquote{border-left:4px solid #777;margin-left:0;"
    "padding-left:1em}"
)


def md_text(value: Any) -> str:
    """Return learner text escaped for Markdown, on one line (for headings, lists and table cells)."""
    text = " ".join(str("" if value is None else value).split())
    text = _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", text))
    # A line that starts with #, >, -, +, = or "1." would become a heading, quote or list.
    return _MD_LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def md_lines(value: Any) -> list[str]:
    """Return learner text escaped for Markdown, one entry a line (blank lines kept as "")."""
    return [md_text(line) for line in str("" if value is None else value).splitlines()]


def md_quote(value: Any) -> Markup:
    """Return learner text as a Markdown block quote: each line kept, nothing becomes markup."""
    lines = str("" if value is None else value).strip().splitlines()
    if not lines:
        return Markup("_(not answered)_")
    out = []
    for number, line in enumerate(lines):
        if not line.strip():
            out.append(">")
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        # A backslash at the end of a line keeps the line break (a hard break).
        out.append("> " + md_text(line) + ("\\" if following.strip() else ""))
    return Markup("\n".join(out))


def csv_cell(value: Any) -> Any:
    """Return a value that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _finalize(value: Any) -> Any:
    # Text the template writes itself is marked safe with |safe or Markup.
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, str):
        return md_text(value)
    return value


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["lines"] = md_lines
    env.filters["quote"] = md_quote
    env.filters["md"] = lambda value: Markup(md_text(value))
    return env


_ENV = _environment()
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
_DIRECTIONAL = {"paragraph_open", "list_item_open", "heading_open", "td_open", "blockquote_open"}


def render_markdown(template: str, **context: Any) -> str:
    """Render one summary template as Markdown; every value is escaped for Markdown."""
    text = _ENV.get_template(template).render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def markdown_body(markdown: str, heading_offset: int = 0) -> str:
    """Return this Markdown as HTML (no page around it); raw HTML in it is shown as text.

    ``heading_offset`` moves every heading down, so that a summary shown
    inside a lesson starts at ``<h4>`` and never looks like the lesson's own heading.
    """
    tokens = _MARKDOWN.parse(markdown)
    for token in tokens:
        if token.type in _DIRECTIONAL:
            token.attrSet("dir", "auto")
        if heading_offset and token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + heading_offset, 6)}"
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})


def markdown_to_html(markdown: str, title: str) -> str:
    """Return a whole HTML page for this Markdown, with raw HTML shown as text."""
    body = markdown_body(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_PAGE_STYLE}</style></head>\n"
        f"<body>\n{body}</body></html>\n"
    )


def render(template: str, title: str, **context: Any) -> tuple[str, str]:
    """Render one template as (Markdown, HTML page): one source, two formats."""
    markdown = render_markdown(template, **context)
    return markdown, markdown_to_html(markdown, title)
