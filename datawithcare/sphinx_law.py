"""A small Sphinx extension for the book's law dates and downloadable templates.

Registered in ``_config.yml`` (``sphinx: extra_extensions``). It does three things:

1. Adds the MyST substitutions ``{{ law_last_checked }}`` and
   ``{{ law_review_by }}``, read from the one law-dates file
   (``datawithcare/law_dates.yaml``), so every legal page shows the same dates.
2. Before the pages are read, writes every template and policy as stamped
   Markdown, Word (.docx) and OpenDocument (.odt) into
   ``_build/templates/`` (see :mod:`datawithcare.template_export`).
3. Offers those files on the pages:

   - the ``course-template`` directive shows one template: links to the
     three downloads and the stamped text in a box with a copy button::

         :::{course-template} templates/dpia.md
         :::

   - a page that already links to a template with ``{download}`` and shows
     it with ``literalinclude`` gets the stamped copy and Word and
     OpenDocument links beside it, with no change to the page.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from datawithcare.law_dates import load_law_dates
from datawithcare.template_export import FORMATS, TEMPLATE_DIRS, export_template, template_sources

#: Where the generated copies go, relative to the book's root.
EXPORT_DIR = Path("_build") / "templates"


def _add_law_substitutions(_app: Sphinx, config: Config) -> None:
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.update(load_law_dates().substitutions())
    config.myst_substitutions = substitutions


def _export_templates(app: Sphinx) -> None:
    root = Path(app.srcdir)
    dates = load_law_dates()
    for source in template_sources(root):
        export_template(source, root / EXPORT_DIR / source.parent.relative_to(root), dates)


def _is_template(path: Path, root: Path) -> bool:
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return relative.suffix == ".md" and relative.parent.as_posix() in TEMPLATE_DIRS


def _copy_target(source: Path, root: Path, fmt: str) -> str:
    """The srcdir-absolute target ('/...') of one generated copy of a template."""
    relative = source.resolve().relative_to(root.resolve())
    return "/" + (EXPORT_DIR / relative.parent / f"{relative.stem}.{fmt}").as_posix()


def _download(target: str, label: str, docname: str) -> addnodes.download_reference:
    node = addnodes.download_reference(
        "", "", reftarget=target, refdoc=docname, refdomain="", reftype="download", refexplicit=True
    )
    node += nodes.inline(label, label, classes=["xref", "download"])
    return node


def _download_links(source: Path, root: Path, docname: str) -> nodes.paragraph:
    para = nodes.paragraph(classes=["course-template-downloads"])
    para += nodes.strong("Download: ", "Download: ")
    for i, (fmt, label) in enumerate(FORMATS.items()):
        if i:
            para += nodes.Text(" · ")
        para += _download(_copy_target(source, root, fmt), label, docname)
    return para


class CourseTemplate(SphinxDirective):
    """Show one template: download links in three formats, then its stamped text."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        _rel, absolute = self.env.relfn2path(self.arguments[0], self.env.docname)
        source = Path(absolute)
        if not _is_template(source, root) or not source.is_file():
            raise self.error(
                f"{self.arguments[0]!r} is not a template. Templates are Markdown files in one of: "
                + ", ".join(TEMPLATE_DIRS)
            )
        self.env.note_dependency(str(source))
        stamped = root / _copy_target(source, root, "md").lstrip("/")
        text = stamped.read_text(encoding="utf-8")
        block = nodes.literal_block(text, text, language="markdown")
        # A "toggle" box: sphinx-togglebutton folds it, so a long template does not fill the page.
        folded = nodes.container(classes=["toggle"])
        folded += block
        return [_download_links(source, root, self.env.docname), folded]


class OfferEveryFormat(SphinxTransform):
    """On pages that link a template with {download} and show it with literalinclude,
    link the stamped copy, add Word and OpenDocument links, and show the stamped text."""

    default_priority = 400

    def apply(self, **_kwargs: object) -> None:
        root = Path(self.env.srcdir)
        docname = self.env.docname
        for ref in list(self.document.findall(addnodes.download_reference)):
            target = ref.get("reftarget", "")
            if target.startswith("/_build/"):
                continue
            _rel, absolute = self.env.relfn2path(target, docname)
            source = Path(absolute)
            if not _is_template(source, root):
                continue
            ref["reftarget"] = _copy_target(source, root, "md")
            extra: list[nodes.Node] = []
            for fmt in ("docx", "odt"):
                extra += [
                    nodes.Text(" · "),
                    _download(_copy_target(source, root, fmt), FORMATS[fmt], docname),
                ]
            parent = ref.parent
            index = parent.index(ref)
            for offset, node in enumerate(extra, start=1):
                parent.insert(index + offset, node)
        for block in list(self.document.findall(nodes.literal_block)):
            source = Path(block.get("source", "") or "")
            if block.get("source") and _is_template(source, root):
                stamped = root / _copy_target(source, root, "md").lstrip("/")
                text = stamped.read_text(encoding="utf-8")
                block.children = [nodes.Text(text)]
                block.rawsource = text


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _add_law_substitutions)
    app.connect("builder-inited", _export_templates)
    app.add_directive("course-template", CourseTemplate)
    app.add_transform(OfferEveryFormat)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
