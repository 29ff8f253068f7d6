"""Printable worksheets: the paper version of every hands-on activity.

When the computers fail on the day (no Wi-Fi, Binder down, a laptop that
will not start), a group can still do the activity on paper. Each
worksheet is made from the same words the course uses on screen:

- the widgets' own content files in ``datawithcare/frameworks/`` (the
  maturity self-assessment, the data-needs planner, the ethics canvas, the
  lawful-basis helper, the "is this personal data?" quiz), and the stages
  and columns of the 90-day plan (:mod:`datawithcare.ninety_day_plan`);
- each lesson's "Your turn" tasks, read from the lesson notebook, with the
  hidden solutions (``<details>`` blocks) left out.

So a change to a question on screen changes the paper version too.

Each worksheet is an HTML page (template ``templates/worksheet.html.j2``,
A4, no fonts or scripts from anywhere) that any browser prints; Chromium
prints the same pages to PDF (``make worksheets``)::

    python -m datawithcare.worksheets html [OUT]   # HTML only, default _build/worksheets
    python -m datawithcare.worksheets pdf [OUT]    # HTML and PDF (needs Chromium)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from datawithcare.paths import repo_root

HERE = Path(__file__).resolve().parent
FRAMEWORKS = HERE / "frameworks"
TEMPLATES = HERE / "templates"


@dataclass
class Section:
    heading: str
    #: Safe HTML: made here from course text, never from learner input.
    body: Markup = Markup("")
    #: Lines left blank for a written answer (0 for none).
    lines: int = 0


@dataclass
class Worksheet:
    slug: str
    title: str
    intro: str
    sections: list[Section] = field(default_factory=list)
    #: The activity's questions as plain text: what the paper must show.
    questions: list[str] = field(default_factory=list)


def _load(name: str) -> dict:
    return yaml.safe_load((FRAMEWORKS / name).read_text(encoding="utf-8"))


def _esc(text: object) -> str:
    return str(Markup.escape(str(text)))


def _boxes(options: list[str]) -> Markup:
    items = "".join(f'<li><span class="box" aria-hidden="true"></span> {_esc(o)}</li>' for o in options)
    return Markup(f'<ul class="options">{items}</ul>')


def maturity() -> Worksheet:
    framework = _load("maturity.yaml")
    names = framework["level_names"]
    sheet = Worksheet(
        "maturity-self-assessment",
        "Data maturity self-assessment",
        "Answer on your own first. For each theme, tick the one level that sounds most like your "
        "organisation today. Then compare with your colleagues: where you disagree is worth a talk.",
    )
    for theme in framework["themes"]:
        options = [f"{lv['score']}. {names[lv['score']]}: {lv['summary']}" for lv in theme["levels"]]
        sheet.sections.append(Section(f"{theme['name']}: {theme['question']}", _boxes(options)))
        sheet.questions.append(theme["question"])
    sheet.sections.append(Section("The one or two themes we will work on first, and why", lines=4))
    return sheet


def data_needs_planner() -> Worksheet:
    content = _load("data-needs-planner.yaml")
    sheet = Worksheet(
        "data-needs-planner",
        "Data needs planner",
        "Work from your mission to the least data you need. Fill in each step in order.",
    )
    for step in content["steps"][:-1]:
        sheet.sections.append(Section(f"{step['title']}: {step['text']}", lines=5))
        sheet.questions.append(step["text"])
    choices = list(content["needed_choices"].values())
    rows = "".join(
        "<tr><td></td><td></td><td>"
        + "".join(f'<span class="box"></span> {_esc(c)}<br>' for c in choices)
        + "</td></tr>"
        for _ in range(6)
    )
    table = Markup(
        '<table class="grid"><thead><tr><th scope="col">Indicator</th><th scope="col">Data item</th>'
        f'<th scope="col">Do we really need it?</th></tr></thead><tbody>{rows}</tbody></table>'
    )
    sheet.sections.append(Section("Each data item, checked", table))
    return sheet


def ethics_canvas() -> Worksheet:
    content = _load("ethics-canvas.yaml")
    sheet = Worksheet(
        "ethics-canvas",
        "Ethics canvas",
        "One canvas for one plan. Describe the plan, then answer each question, rate the risk and "
        "write what you will change. Decide at the end.",
    )
    for item in content["plan_fields"]:
        sheet.sections.append(Section(f"{item['label']}: {item['hint']}", lines=2))
        sheet.questions.append(item["hint"])
    risks = list(content["risk_levels"].values())
    for strand in content["strands"]:
        body = Markup(f"<p>{_esc(strand['question'])}</p><p>Risk:</p>") + _boxes(risks)
        sheet.sections.append(Section(strand["title"], body, lines=4))
        sheet.questions.append(strand["question"])
    sheet.sections.append(Section("Our decision", _boxes(list(content["decisions"].values())), lines=3))
    return sheet


def lawful_basis() -> Worksheet:
    content = _load("lawful-basis.yaml")
    sheet = Worksheet(
        "lawful-basis",
        "Which lawful basis? (a learning aid)",
        content["learning_aid_note"] + " Describe one purpose, then answer each question.",
    )
    sheet.sections.append(Section("The purpose: what will you do with the data, and why?", lines=3))
    for question in content["questions"]:
        body = _boxes([str(o) for o in question.get("options", [])])
        if question.get("help"):
            body = Markup(f'<p class="help">{_esc(question["help"])}</p>') + body
        sheet.sections.append(Section(question["text"], body))
        sheet.questions.append(question["text"])
    sheet.sections.append(
        Section("Is any of it special category data?", _boxes([c for c in content["special_categories"]]))
    )
    uses = [p["use"] for p in content["special_purposes"]]
    sheet.sections.append(Section("If so, what do you use it for?", _boxes(uses)))
    sheet.sections.append(
        Section("The basis we think fits, and what we will check with the ICO's guidance", lines=4)
    )
    return sheet


def personal_data_quiz() -> Worksheet:
    content = _load("personal-data-quiz.yaml")
    sheet = Worksheet(
        "is-this-personal-data",
        content["title"],
        "For each example, tick one answer and write why. Then talk it through with your group.",
    )
    for i, question in enumerate(content["questions"], 1):
        body = Markup(f"<p>{_esc(question['example'])}</p>") + _boxes(content["choices"])
        sheet.sections.append(Section(f"Example {i}", body, lines=2))
        sheet.questions.append(question["example"])
    return sheet


def ninety_day_plan() -> Worksheet:
    from datawithcare.ninety_day_plan import PLAN_STAGES

    sheet = Worksheet(
        "ninety-day-plan",
        "Your 90-day plan",
        "Choose one to three themes from your self-assessment. More than three in 90 days is too many "
        "for a small team. For each stage, write what you will do, who does it, and tick it when done.",
    )
    sheet.sections.append(Section("The themes we chose (one to three)", lines=3))
    sheet.questions.append("The themes we chose (one to three)")
    for stage, _days in PLAN_STAGES:
        rows = "<tr><td></td><td></td><td></td><td></td></tr>" * 4
        table = Markup(
            '<table class="grid"><thead><tr><th scope="col">Theme</th><th scope="col">Action</th>'
            f'<th scope="col">Who</th><th scope="col">Done</th></tr></thead><tbody>{rows}</tbody></table>'
        )
        sheet.sections.append(Section(stage, table))
        sheet.questions.append(stage)
    return sheet


WIDGET_SHEETS = (
    maturity,
    data_needs_planner,
    ethics_canvas,
    lawful_basis,
    personal_data_quiz,
    ninety_day_plan,
)

_DETAILS = re.compile(r"<details>.*?</details>", re.DOTALL | re.IGNORECASE)
_ROLE = re.compile(r"\{[a-z:-]+\}`([^`<]*?)\s*(?:<[^`]*>)?`")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_FENCE = re.compile(r"^:::.*$", re.MULTILINE)
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def _cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _plain(markdown: str) -> str:
    """Course Markdown made printable: solutions out, MyST roles to their words, names filled in."""
    from datawithcare.bundle import fill_names
    from datawithcare.datasets import course_names
    from datawithcare.editions import resolve

    text = fill_names(resolve(_DETAILS.sub("", markdown), course_names()["sector_key"]))
    text = _ROLE.sub(lambda m: m.group(1), text)
    # On paper a link cannot be followed: keep its words.
    text = _LINK.sub(lambda m: m.group(1), text)
    return _FENCE.sub("", text).strip()


def _is_task_heading(title: str) -> bool:
    """A heading that opens learner tasks: "Your turn ..." or the end-of-lesson "More tasks"."""
    title = title.strip().lstrip("#").strip().lower()
    return "your turn" in title or title.startswith("more tasks")


def lesson_tasks(path: Path) -> Worksheet | None:
    """The "Your turn" tasks of one lesson, with space to write; None if it has none."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb.get("cells", [])
    title = next(
        (
            m.group(2).strip()
            for c in cells
            if c.get("cell_type") == "markdown"
            for m in [_HEADING.search(_cell_text(c))]
            if m
        ),
        path.stem,
    )
    sheet = Worksheet(
        f"lesson-{path.stem}",
        f"{_plain(title)}: your turn",
        "The tasks of this lesson, on paper. Where a task asks for code, write the code or the steps "
        "you would take in words, and say what you expect to see.",
    )
    inside = False
    level = 0
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        text = _cell_text(cell)
        for match in _HEADING.finditer(text):
            if _is_task_heading(match.group(2)):
                inside, level = True, len(match.group(1))
                text = text[match.start() :]
                break
            if inside and len(match.group(1)) <= level:
                inside = False
                text = text[: match.start()]
                break
        if not inside and not any(_is_task_heading(line) for line in text.lower().splitlines()):
            continue
        body = _plain(text)
        if not body:
            continue
        writes_code = i + 1 < len(cells) and cells[i + 1].get("cell_type") == "code"
        sheet.sections.append(Section("", Markup(_MD.render(body)), lines=6 if writes_code else 3))
        sheet.questions.extend(
            m.group(2).strip() for m in _HEADING.finditer(body) if _is_task_heading(m.group(2))
        )
    return sheet if sheet.sections else None


def all_worksheets(root: Path | None = None) -> list[Worksheet]:
    root = root or repo_root()
    sheets = [make() for make in WIDGET_SHEETS]
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        sheet = lesson_tasks(path)
        if sheet is not None:
            sheets.append(sheet)
    return sheets


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )


def render(sheet: Worksheet) -> str:
    return _environment().get_template("worksheet.html.j2").render(sheet=sheet)


def write_html(out: Path, root: Path | None = None) -> list[Path]:
    """Write every worksheet as HTML, and an index page, into ``out``; return the worksheets' paths."""
    out.mkdir(parents=True, exist_ok=True)
    sheets = all_worksheets(root)
    paths = []
    for sheet in sheets:
        path = out / f"{sheet.slug}.html"
        path.write_text(render(sheet), encoding="utf-8")
        paths.append(path)
    index = _environment().get_template("worksheet-index.html.j2").render(sheets=sheets)
    (out / "index.html").write_text(index, encoding="utf-8")
    return paths


def chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def write_pdfs(out: Path, root: Path | None = None) -> list[Path]:
    """Write every worksheet as HTML, then print each to an A4 PDF beside it with headless Chromium.

    Uses Debian's Chromium (or ``$CHROMIUM``) through Playwright, one browser
    for all the sheets. The pages load nothing, and any request to another
    address is refused, so printing never uses the network.
    """
    browser_path = chromium()
    if browser_path is None:
        raise RuntimeError("Printing worksheets to PDF needs Chromium: run `make setup-system` (as root).")
    from playwright.sync_api import sync_playwright

    pdfs = []
    htmls = write_html(out, root)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=browser_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.route(re.compile(r"^https?://"), lambda route: route.abort())
            for html in htmls:
                page.goto(html.resolve().as_uri(), wait_until="load")
                pdf = html.with_suffix(".pdf")
                page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
                if not pdf.exists() or pdf.stat().st_size == 0:
                    raise RuntimeError(f"Chromium could not print {html.name} to PDF.")
                pdfs.append(pdf)
        finally:
            browser.close()
    return pdfs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m datawithcare.worksheets", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("format", choices=["html", "pdf"])
    parser.add_argument("out", nargs="?", type=Path, default=None)
    args = parser.parse_args(argv)
    out = (args.out or repo_root() / "_build" / "worksheets").resolve()
    try:
        written = write_pdfs(out) if args.format == "pdf" else write_html(out)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} worksheets written to {out} (open index.html to see them all).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
