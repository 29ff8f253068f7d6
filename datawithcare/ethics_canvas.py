"""The ethics canvas: think through a planned use of data, strand by strand.

A learner describes one planned use of data (what it is for, which data,
who is affected), then answers a question for each of the course's five
ethical strands, rates the risk for each, and records a decision: go, go
with changes, or stop.

The logic lives in pure functions, so it can be tested and reused:

* :func:`check_canvas` lists what is missing or unclear, in plain words;
* :func:`canvas_to_markdown` and :func:`canvas_to_html` make a printable
  summary;
* :func:`sample_canvas` returns a filled example for Riverside Refugee Action.

:class:`EthicsCanvas` is the form itself. It saves to the ``ethics-canvas``
answer store and reloads the saved answers when it is opened again.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from datawithcare.answers import AnswerStore, download_link
from datawithcare.ui import Feedback, download_area, open_store, save_answers, show_downloads

#: The name of the answer file (``my-answers/ethics-canvas.json``).
STORE_NAME = "ethics-canvas"

#: The fewest words an answer needs before it counts as an answer.
MIN_WORDS = 3


@dataclass(frozen=True)
class Strand:
    """One of the five ethical strands, with the question the canvas asks."""

    key: str
    title: str
    question: str


#: The five strands, in the order the course teaches them.
STRANDS: tuple[Strand, ...] = (
    Strand(
        "harms",
        "Risks and harms",
        "Who could be harmed if this data were lost, leaked, shared or misread: the person, "
        "their family, their community, or your organisation and others like it? "
        "How likely is it, and how bad would it be?",
    ),
    Strand(
        "transparency",
        "Transparency and accountability",
        "Would the people in the data be surprised by this use? How will you tell them, in a "
        "language they understand? Who in your organisation answers for this decision?",
    ),
    Strand(
        "protection",
        "Responsibility for data protection",
        "Who looks after this data? Where is it kept, who can see it, and when will you delete "
        "it? What is the lawful basis, and do you need a data protection impact assessment (DPIA)?",
    ),
    Strand(
        "insights",
        "Responsible use of data-informed insights",
        "What conclusions will you, or others, draw from this data? Could they be misread, or "
        "used against the people they describe? Who is missing from the numbers?",
    ),
    Strand(
        "wellbeing",
        "Wellbeing and thriving",
        "Does this use help the people and communities you serve to thrive? What does it cost "
        "them in time, stress or trust, and is that cost worth it to them?",
    ),
)

_STRAND_KEYS = tuple(strand.key for strand in STRANDS)

#: The questions about the plan itself, before the strands.
PLAN_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("project", "Name of the plan", "A short name, such as 'Yearly report to our funder'."),
    (
        "purpose",
        "Purpose",
        "What do you want to do, and why? One or two sentences.",
    ),
    (
        "data",
        "What data",
        "Which details about people will you collect, use or share? Be specific.",
    ),
    (
        "affected",
        "Who is affected",
        "Whose data is it, and who else could be affected (families, communities, staff)?",
    ),
)

#: Risk ratings: the saved value and the words shown to the learner.
RISK_LEVELS: dict[str, str] = {"low": "Low", "medium": "Medium", "high": "High"}

#: Decisions: the saved value and the words shown to the learner.
DECISIONS: dict[str, str] = {
    "go": "Go: the plan is fine as it is",
    "go-with-changes": "Go with changes: the plan can go ahead once the changes below are made",
    "stop": "Stop: do not go ahead with this plan",
}

_WORD = re.compile(r"[^\W\d_]+")


# ---------------------------------------------------------------------------
# Pure functions
# ---------------------------------------------------------------------------


def empty_canvas() -> dict[str, Any]:
    """Return a canvas with every answer blank, in the shape the form saves."""
    return {
        "project": "",
        "purpose": "",
        "data": "",
        "affected": "",
        "strands": {key: {"notes": "", "risk": ""} for key in _STRAND_KEYS},
        "decision": "",
        "changes": "",
    }


def _text(value: Any) -> str:
    """Return ``value`` as stripped text; anything that is not text counts as blank."""
    return value.strip() if isinstance(value, str) else ""


def normalise_canvas(answers: Any) -> dict[str, Any]:
    """Return a full canvas built from ``answers``, filling gaps with blanks.

    Saved answers may come from an older version of the form, or from a file
    a learner edited by hand. Anything missing or of the wrong type becomes
    blank, so the form and the summary never fail on it.
    """
    canvas = empty_canvas()
    if not isinstance(answers, dict):
        return canvas
    for key in ("project", "purpose", "data", "affected", "changes"):
        canvas[key] = _text(answers.get(key))
    decision = _text(answers.get("decision"))
    canvas["decision"] = decision if decision in DECISIONS else ""
    strands = answers.get("strands")
    if isinstance(strands, dict):
        for key in _STRAND_KEYS:
            entry = strands.get(key)
            if isinstance(entry, dict):
                risk = _text(entry.get("risk"))
                canvas["strands"][key] = {
                    "notes": _text(entry.get("notes")),
                    "risk": risk if risk in RISK_LEVELS else "",
                }
    return canvas


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _answer_problem(text: str, what: str, min_words: int = MIN_WORDS) -> str | None:
    """Say what is wrong with one free-text answer, or return None if it will do."""
    if not text:
        return f"{what} is empty. Write one or two sentences."
    words = _words(text)
    if not words:
        return f"{what} has no words in it, only numbers or punctuation. Write it out in words."
    if len(words) < min_words:
        return (
            f"{what} is too short to be clear to someone else ('{text}'). "
            f"Write at least {min_words} words: a full sentence is best."
        )
    if len(words) >= 2 and len({word.lower() for word in words}) == 1:
        return f"{what} repeats one word. Write what you actually mean, in a sentence."
    return None


def check_canvas(answers: Any) -> list[str]:
    """Return a list of problems with a canvas, in plain words; empty if it is complete.

    The rules:

    * the plan needs a name, and a purpose, the data and the people affected
      described in at least a few real words;
    * each strand needs notes and a risk rating, unless the decision is
      "stop" (you may stop before working through every strand), but a "stop"
      still needs at least one strand that says why;
    * "go" cannot sit with a strand rated high risk;
    * "go with changes" needs the changes written down.
    """
    if not isinstance(answers, dict):
        return ["The canvas could not be read. Fill in the form and press Save again."]
    canvas = normalise_canvas(answers)
    problems: list[str] = []

    if not canvas["project"]:
        problems.append("Give the plan a short name, so you can find it later.")
    elif not _words(canvas["project"]):
        problems.append("The name of the plan has no words in it. Give it a name in words.")

    for key, label, _hint in PLAN_FIELDS[1:]:
        problem = _answer_problem(canvas[key], f"'{label}'")
        if problem:
            problems.append(problem)

    decision = canvas["decision"]
    if not decision:
        problems.append("Choose a decision: go, go with changes, or stop.")

    answered = 0
    for strand in STRANDS:
        entry = canvas["strands"][strand.key]
        notes, risk = entry["notes"], entry["risk"]
        if not notes:
            if decision == "stop":
                continue
            if decision == "go":
                problems.append(
                    f"'{strand.title}' is empty, but you chose Go. Think this strand through "
                    "before you decide to go ahead."
                )
            else:
                problems.append(f"'{strand.title}' is empty. Write one or two sentences.")
            continue
        answered += 1
        problem = _answer_problem(notes, f"'{strand.title}'")
        if problem:
            problems.append(problem)
        if not risk:
            problems.append(f"Choose a risk rating (low, medium or high) for '{strand.title}'.")
        elif risk == "high" and decision == "go":
            problems.append(
                f"You rated '{strand.title}' as high risk, but chose Go. Either change the plan "
                "so the risk is lower and rate it again, or choose Go with changes or Stop."
            )

    if decision == "stop" and answered == 0:
        problems.append(
            "You chose Stop. Write, in at least one strand, why: it helps the next person "
            "who has the same idea."
        )

    if decision == "go-with-changes":
        problem = _answer_problem(canvas["changes"], "'Changes to make'")
        if problem:
            problems.append(problem + " Say what will change, and who will do it.")

    return problems


def highest_risk(answers: Any) -> str:
    """Return the highest risk rating given on the canvas ('' if none is rated)."""
    canvas = normalise_canvas(answers)
    order = list(RISK_LEVELS)
    rated = [canvas["strands"][key]["risk"] for key in _STRAND_KEYS if canvas["strands"][key]["risk"]]
    return max(rated, key=order.index) if rated else ""


def _quote(text: str) -> str:
    """Return learner text as a Markdown block quote, so it cannot break the layout."""
    if not text:
        return "_(not answered)_"
    return "\n".join("> " + line if line.strip() else ">" for line in text.splitlines())


def canvas_to_markdown(answers: Any) -> str:
    """Return a printable summary of the canvas as Markdown.

    It works on an unfinished canvas too: gaps show as "(not answered)" and
    the summary starts with the list of what is still to do.
    """
    canvas = normalise_canvas(answers)
    problems = check_canvas(answers)
    title = canvas["project"] or "Untitled plan"
    lines = [f"# Ethics canvas: {title}", ""]
    if problems:
        lines += ["**This canvas is not finished.** Still to do:", ""]
        lines += [f"- {problem}" for problem in problems]
        lines.append("")
    lines += ["## The plan", ""]
    for key, label, _hint in PLAN_FIELDS[1:]:
        lines += [f"**{label}**", "", _quote(canvas[key]), ""]
    top = highest_risk(canvas)
    lines += ["## Risk at a glance", "", f"Highest risk: **{RISK_LEVELS.get(top, 'not rated')}**", ""]
    for strand in STRANDS:
        risk = canvas["strands"][strand.key]["risk"]
        lines.append(f"- {strand.title}: **{RISK_LEVELS.get(risk, 'not rated')}**")
    lines.append("")
    for number, strand in enumerate(STRANDS, start=1):
        entry = canvas["strands"][strand.key]
        lines += [
            f"## {number}. {strand.title}",
            "",
            f"*{strand.question}*",
            "",
            _quote(entry["notes"]),
            "",
            f"Risk: **{RISK_LEVELS.get(entry['risk'], 'not rated')}**",
            "",
        ]
    decision = DECISIONS.get(canvas["decision"], "not decided")
    lines += ["## Decision", "", f"**{decision}**", ""]
    if canvas["changes"] or canvas["decision"] == "go-with-changes":
        lines += ["**Changes to make**", "", _quote(canvas["changes"]), ""]
    lines.append("_Made with the Data with Care ethics canvas._")
    return "\n".join(lines) + "\n"


def _paragraphs(text: str) -> str:
    if not text:
        return "<p><em>(not answered)</em></p>"
    return "".join(
        "<p>" + html.escape(block).replace("\n", "<br>") + "</p>"
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    )


_TODO_STYLE = "border-left: 6px solid #D55E00; padding: 0.4em 0.8em; background: #fdf0e9;"


def _summary_body(answers: Any, h1: str, h2: str, h3: str) -> list[str]:
    """Return the parts of the HTML summary, with the heading tags given."""
    canvas = normalise_canvas(answers)
    problems = check_canvas(answers)
    esc = html.escape
    title = esc(canvas["project"] or "Untitled plan")
    parts = [f"<{h1}>Ethics canvas: {title}</{h1}>"]
    if problems:
        items = "".join(f"<li>{esc(problem)}</li>" for problem in problems)
        parts.append(
            f'<div class="todo" style="{_TODO_STYLE}"><p><strong>This canvas is not finished.</strong> Still to do:</p>'
            f"<ul>{items}</ul></div>"
        )
    parts.append(f"<{h2}>The plan</{h2}>")
    for key, label, _hint in PLAN_FIELDS[1:]:
        parts.append(f"<{h3}>{esc(label)}</{h3}>{_paragraphs(canvas[key])}")
    rows = "".join(
        f"<tr><td>{esc(strand.title)}</td>"
        f"<td>{esc(RISK_LEVELS.get(canvas['strands'][strand.key]['risk'], 'not rated'))}</td></tr>"
        for strand in STRANDS
    )
    top = esc(RISK_LEVELS.get(highest_risk(canvas), "not rated"))
    parts.append(
        f"<{h2}>Risk at a glance</{h2}><p>Highest risk: <strong>{top}</strong></p>"
        f"<table><thead><tr><th>Strand</th><th>Risk</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    for number, strand in enumerate(STRANDS, start=1):
        entry = canvas["strands"][strand.key]
        risk = esc(RISK_LEVELS.get(entry["risk"], "not rated"))
        parts.append(
            f"<{h2}>{number}. {esc(strand.title)}</{h2}><p><em>{esc(strand.question)}</em></p>"
            f"{_paragraphs(entry['notes'])}<p>Risk: <strong>{risk}</strong></p>"
        )
    decision = esc(DECISIONS.get(canvas["decision"], "not decided"))
    parts.append(f"<{h2}>Decision</{h2}><p><strong>{decision}</strong></p>")
    if canvas["changes"] or canvas["decision"] == "go-with-changes":
        parts.append(f"<{h3}>Changes to make</{h3}>{_paragraphs(canvas['changes'])}")
    parts.append("<p><em>Made with the Data with Care ethics canvas.</em></p>")
    return parts


def canvas_to_html(answers: Any) -> str:
    """Return a printable summary of the canvas as a complete HTML page.

    Everything the learner typed is escaped, so no text can change the page.
    Open the file in a browser and print it, or save it as a PDF.
    """
    title = html.escape(normalise_canvas(answers)["project"] or "Untitled plan")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>Ethics canvas: {title}</title>",
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.5;"
        "color:#1a1a1a}table{border-collapse:collapse}td,th{border:1px solid #777;"
        "padding:0.3em 0.6em;text-align:left}.todo{border-left:6px solid #D55E00;"
        "padding:0.4em 0.8em;background:#fdf0e9}blockquote{margin:0}</style>",
        "</head><body>",
        *_summary_body(answers, "h1", "h2", "h3"),
    ]
    parts[-1] += "</body></html>"
    return "\n".join(parts) + "\n"


def canvas_summary_html(answers: Any) -> str:
    """Return the summary as a bordered box to show inside a notebook.

    Unlike :func:`canvas_to_html`, this is a fragment, not a page: it has no
    style sheet that could change the page around it, and its headings are
    small, so that in the online book they do not become headings of the
    lesson. Learner text is escaped, as in the printable page.
    """
    body = "\n".join(_summary_body(answers, "h4", "h5", "h6"))
    return f'<div class="ethics-canvas-summary" style="{SUMMARY_BOX_STYLE}">\n{body}\n</div>\n'


#: The border and padding of the summary box shown in a notebook.
SUMMARY_BOX_STYLE = "border: 1px solid #ccc; padding: 0.5em 1em; margin: 0.5em 0;"


def summary_filename(answers: Any, extension: str) -> str:
    """Return a safe file name for the summary, such as ``ethics-canvas-yearly-report.md``."""
    name = normalise_canvas(answers)["project"].lower()
    slug = re.sub(r"[^a-z0-9]+", "-", name).strip("-")[:40].strip("-")
    stem = f"ethics-canvas-{slug}" if slug else "ethics-canvas"
    return f"{stem}.{extension.lstrip('.')}"


def sample_canvas() -> dict[str, Any]:
    """Return a filled canvas: Riverside Refugee Action plans its yearly report to a funder."""
    return copy.deepcopy(_SAMPLE)


_SAMPLE: dict[str, Any] = {
    "project": "Yearly report to our main funder",
    "purpose": (
        "Our funder asks how many people we helped this year, with what kind of problem, and "
        "whether their situation improved. We want to answer honestly so that the funding continues."
    ),
    "data": (
        "Counts from our case list: number of people helped, issue area (housing, asylum support, "
        "welfare benefits), borough, age band and outcome. The funder's template also asks for "
        "nationality and immigration status for each client."
    ),
    "affected": (
        "About 400 clients, many of them asylum seekers or people with no recourse to public funds. "
        "Their families. Small national communities in our boroughs, where one person can stand out. "
        "Our caseworkers, who promised clients that their details stay with us."
    ),
    "strands": {
        "harms": {
            "notes": (
                "Client-level rows with nationality, status and borough could identify people in "
                "small communities; a leak could reach immigration enforcement or people the client "
                "fled from. Counts by issue area and borough carry little risk if small numbers are hidden."
            ),
            "risk": "high",
        },
        "transparency": {
            "notes": (
                "Our privacy notice says we share only numbers, never names, with funders. Sending "
                "client-level data would break that promise. Tomasz, the director, signs off the report."
            ),
            "risk": "medium",
        },
        "protection": {
            "notes": (
                "We can meet the funder's need with counts, and counts with small numbers hidden are very "
                "unlikely to identify anyone. No client-level export leaves the case system."
            ),
            "risk": "low",
        },
        "insights": {
            "notes": (
                "Outcome counts could make housing work look like it fails, because housing cases take "
                "longer. People who left before an outcome are missing. We will explain both in words."
            ),
            "risk": "medium",
        },
        "wellbeing": {
            "notes": (
                "Continued funding keeps the advice service open, which clients value. Reporting counts "
                "costs clients nothing extra: we do not ask them any new questions."
            ),
            "risk": "low",
        },
    },
    "decision": "go-with-changes",
    "changes": (
        "Send counts only, by issue area, borough and age band; hide any count under 10. Do not send "
        "nationality or immigration status per client: offer the funder a short explanation instead. "
        "Tomasz writes to the funder this week; Grace checks the table before it goes."
    ),
}


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------

_WIDE = widgets.Layout(width="100%")


def _label(text: str, hint: str = "") -> widgets.HTML:
    hint_html = f"<br><span style='color:#444'>{html.escape(hint)}</span>" if hint else ""
    return widgets.HTML(f"<strong>{html.escape(text)}</strong>{hint_html}")


class EthicsCanvas(widgets.VBox):
    """The ethics canvas form. Display it in a notebook cell to use it.

    >>> canvas = EthicsCanvas()  # doctest: +SKIP
    >>> canvas  # doctest: +SKIP

    Parameters
    ----------
    folder:
        Where to keep the answer file. Leave it out to use ``my-answers/``
        next to the notebook (or the ``DATAWITHCARE_ANSWERS_DIR`` setting).
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self.feedback = Feedback()
        self.downloads = download_area()
        self.store: AnswerStore | None = open_store(
            STORE_NAME, self.feedback, folder=str(folder) if folder is not None else None
        )

        self.plan_inputs: dict[str, widgets.Text | widgets.Textarea] = {}
        plan_rows: list[widgets.Widget] = []
        for key, label, hint in PLAN_FIELDS:
            if key == "project":
                box = widgets.Text(placeholder=hint, layout=_WIDE)
            else:
                box = widgets.Textarea(placeholder=hint, layout=widgets.Layout(width="100%", height="5em"))
            self.plan_inputs[key] = box
            plan_rows += [_label(label, "" if key == "project" else hint), box]

        self.strand_notes: dict[str, widgets.Textarea] = {}
        self.strand_risk: dict[str, widgets.Dropdown] = {}
        strand_rows: list[widgets.Widget] = []
        risk_options = [("Choose a rating", "")] + [(word, value) for value, word in RISK_LEVELS.items()]
        for number, strand in enumerate(STRANDS, start=1):
            notes = widgets.Textarea(
                placeholder="Your answer, in a few sentences.",
                layout=widgets.Layout(width="100%", height="6em"),
            )
            risk = widgets.Dropdown(options=risk_options, value="", description="Risk:")
            self.strand_notes[strand.key] = notes
            self.strand_risk[strand.key] = risk
            strand_rows += [_label(f"{number}. {strand.title}", strand.question), notes, risk]

        self.decision = widgets.Dropdown(
            options=[("Choose a decision", "")] + [(words, value) for value, words in DECISIONS.items()],
            value="",
            description="Decision:",
            layout=widgets.Layout(width="100%"),
            style={"description_width": "initial"},
        )
        self.changes = widgets.Textarea(
            placeholder="What will change, who will do it, and by when?",
            layout=widgets.Layout(width="100%", height="5em"),
        )
        self.save_button = widgets.Button(
            description="Save and make my summary",
            button_style="primary",
            icon="save",
            layout=widgets.Layout(width="auto"),
        )
        self.save_button.on_click(self._on_save)

        super().__init__(
            [
                widgets.HTML("<h3>The plan</h3>"),
                *plan_rows,
                widgets.HTML("<h3>The five strands</h3>"),
                *strand_rows,
                widgets.HTML("<h3>Your decision</h3>"),
                self.decision,
                _label("Changes to make", "Needed if you choose 'Go with changes'."),
                self.changes,
                self.save_button,
                self.feedback,
                self.downloads,
            ]
        )
        self._load()

    # Moving answers between the form and the store ----------------------

    def answers(self) -> dict[str, Any]:
        """Return what is in the form now, in the shape the store keeps."""
        canvas = empty_canvas()
        for key, box in self.plan_inputs.items():
            canvas[key] = box.value.strip()
        for key in _STRAND_KEYS:
            canvas["strands"][key] = {
                "notes": self.strand_notes[key].value.strip(),
                "risk": self.strand_risk[key].value,
            }
        canvas["decision"] = self.decision.value
        canvas["changes"] = self.changes.value.strip()
        return canvas

    def fill(self, answers: Any) -> None:
        """Put answers into the form (anything unreadable is left blank)."""
        canvas = normalise_canvas(answers)
        for key, box in self.plan_inputs.items():
            box.value = canvas[key]
        for key in _STRAND_KEYS:
            self.strand_notes[key].value = canvas["strands"][key]["notes"]
            self.strand_risk[key].value = canvas["strands"][key]["risk"]
        self.decision.value = canvas["decision"]
        self.changes.value = canvas["changes"]

    def _load(self) -> None:
        if self.store is None or len(self.store) == 0:
            return
        self.fill(self.store.as_dict())
        if not self.store.message:
            self.feedback.info(
                f"Your saved canvas was loaded from {self.store.path}. Change it and press Save again."
            )

    # The Save button ------------------------------------------------------

    def _on_save(self, _button: widgets.Button | None = None) -> None:
        answers = self.answers()
        if answers == empty_canvas():
            self.feedback.problem(
                "The form is empty, so there is nothing to save yet. Start with the name and "
                "purpose of your plan."
            )
            return
        if not save_answers(self.store, answers, self.feedback):
            # Keep the learner's work: the summary can still be downloaded.
            self._offer_downloads(answers)
            return
        self._offer_downloads(answers)
        problems = check_canvas(answers)
        if problems:
            self.feedback.problem(
                [*problems, "Your draft is saved. Fix the points above, then press Save again."]
            )
        else:
            self.feedback.ok(
                f"your canvas is complete and saved in {self.store.path}. Download the summary "
                "below to print it or share it with your team."
            )

    def _offer_downloads(self, answers: dict[str, Any]) -> None:
        show_downloads(
            self.downloads,
            [
                download_link(
                    canvas_to_html(answers),
                    summary_filename(answers, "html"),
                    "text/html",
                    label="Download the summary to print (HTML: open it in a browser, then print)",
                ),
                download_link(
                    canvas_to_markdown(answers),
                    summary_filename(answers, "md"),
                    "text/markdown",
                    label="Download the summary as text (Markdown)",
                ),
            ],
        )


__all__ = [
    "DECISIONS",
    "EthicsCanvas",
    "PLAN_FIELDS",
    "RISK_LEVELS",
    "STORE_NAME",
    "STRANDS",
    "Strand",
    "SUMMARY_BOX_STYLE",
    "canvas_summary_html",
    "canvas_to_html",
    "canvas_to_markdown",
    "check_canvas",
    "empty_canvas",
    "highest_risk",
    "normalise_canvas",
    "sample_canvas",
    "summary_filename",
]
