"""A small Sphinx extension for the trainer's fallback ladder (``book/trainers/when-things-fail.md``).

Registered in ``_config.yml`` (``sphinx: extra_extensions``). It adds two directives:

- ``colab-links``: a table with a ready Colab link for every lesson and every
  exercise's student copy, made at build time from ``repository.url`` and
  ``repository.branch`` in ``_config.yml`` (:func:`colab_links`), so a fork's
  book links to the fork;
- ``worksheet-downloads``: a download link for every printable worksheet
  (:mod:`datawithcare.worksheets`), written as HTML into
  ``_build/worksheets-html/`` before the pages are read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlparse

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from datawithcare import worksheets

COLAB = "https://colab.research.google.com"
#: Where the worksheets' HTML goes, relative to the book's root.
WORKSHEET_DIR = Path("_build") / "worksheets-html"
_HEADING = re.compile(r"^#\s+(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class ColabLink:
    title: str
    path: str  # inside the course, such as notebooks/06a-first-look.ipynb
    url: str


def learner_notebooks(root: Path) -> list[Path]:
    """Every lesson and every exercise's student copy: what learners open."""
    return sorted([*root.glob("notebooks/*.ipynb"), *root.glob("exercises/release/*/*.ipynb")])


def _title(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            match = _HEADING.search(source)
            if match:
                return match.group(1).strip()
    return path.stem


def colab_url(repository_url: str, branch: str, path: str) -> str:
    repo = urlparse(repository_url)
    parts = repo.path.strip("/").removesuffix(".git").split("/")
    if repo.netloc != "github.com" or len(parts) != 2 or not all(parts):
        raise ValueError(
            f"Colab opens notebooks from GitHub repositories only; repository.url is {repository_url!r}."
        )
    return f"{COLAB}/github/{parts[0]}/{parts[1]}/blob/{quote(branch, safe='')}/{quote(path)}"


def repository(root: Path) -> tuple[str, str]:
    """The course's GitHub address and the branch learners' links open, from ``_config.yml``."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return str(config["repository"]["url"]), str(config["repository"].get("branch") or "learner")


def colab_links(root: Path, repository_url: str, branch: str) -> list[ColabLink]:
    return [
        ColabLink(
            _title(p),
            p.relative_to(root).as_posix(),
            colab_url(repository_url, branch, p.relative_to(root).as_posix()),
        )
        for p in learner_notebooks(root)
    ]


class ColabLinks(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        links = colab_links(root, *repository(root))
        table = nodes.table(classes=["colab-links"])
        group = nodes.tgroup(cols=2)
        table += group
        for width in (60, 40):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        row = nodes.row()
        for label in ("Lesson or exercise", "Open in Colab"):
            row += nodes.entry("", nodes.paragraph(label, label))
        head += row
        body = nodes.tbody()
        group += body
        for link in links:
            row = nodes.row()
            row += nodes.entry(
                "", nodes.paragraph("", "", nodes.Text(link.title), nodes.literal(link.path, f" {link.path}"))
            )
            label = f"Open {link.path.rsplit('/', 1)[-1]} in Colab"
            row += nodes.entry("", nodes.paragraph("", "", nodes.reference(label, label, refuri=link.url)))
            body += row
        return [table]


def _write_worksheets(app: Sphinx) -> None:
    root = Path(app.srcdir)
    worksheets.write_html(root / WORKSHEET_DIR, root)


class WorksheetDownloads(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        items = nodes.bullet_list()
        for sheet in worksheets.all_worksheets(Path(self.env.srcdir)):
            target = "/" + (WORKSHEET_DIR / f"{sheet.slug}.html").as_posix()
            ref = addnodes.download_reference(
                "",
                "",
                reftarget=target,
                refdoc=self.env.docname,
                refdomain="",
                reftype="download",
                refexplicit=True,
            )
            ref += nodes.inline(sheet.title, sheet.title, classes=["xref", "download"])
            items += nodes.list_item("", nodes.paragraph("", "", ref))
        return [items]


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _write_worksheets)
    app.add_directive("colab-links", ColabLinks)
    app.add_directive("worksheet-downloads", WorksheetDownloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
