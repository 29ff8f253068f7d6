"""The ethics canvas: think through a planned use of data, strand by strand.

A learner describes one planned use of data (what it is for, which data,
who is affected), then answers a question for each of the course's five
ethical strands, rates the risk for each, and records a decision: go, go
with changes, or stop.

The logic lives in pure functions, so it can be tested and reused:

* :func:`check_canvas` lists what is missing or unclear, in plain words;
* :func:`canvas_to_markdown` and :func:`canvas_to_html` make a printable
  summary;
* :func:`sample_canvas` returns a filled example: the course's imagined charity.

:class:`EthicsCanvas` is the form itself. It saves to the ``ethics-canvas``
answer store and reloads the saved answers when it is opened again.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import ipywidgets as widgets
import yaml
from pydantic import BaseModel, ConfigDict, StrictStr

from datawithcare.answers import download_link
from datawithcare.render import markdown_body, markdown_to_html, render_markdown
from datawithcare.ui import AnswerWidget, button

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


#: The canvas's words: questions, ratings, decisions and the worked example.
CONTENT_PATH = Path(__file__).resolve().parent / "frameworks" / "ethics-canvas.yaml"


def load_content(path: str | Path | None = None) -> dict[str, Any]:
    """Read the canvas's questions, ratings, decisions and sample from YAML."""
    content = yaml.safe_load(Path(path or CONTENT_PATH).read_text(encoding="utf-8"))
    keys = [field["key"] for field in content["plan_fields"]]
    if keys[:1] != ["project"] or sorted(keys) != sorted(["project", "purpose", "data", "affected"]):
        raise ValueError("plan_fields must be project, then purpose, data and affected.")
    return content


_CONTENT = load_content()

#: The five strands, in the order the course teaches them.
STRANDS: tuple[Strand, ...] = tuple(Strand(**strand) for strand in _CONTENT["strands"])

_STRAND_KEYS = tuple(strand.key for strand in STRANDS)

#: The questions about the plan itself, before the strands: (key, label, hint).
PLAN_FIELDS: tuple[tuple[str, str, str], ...] = tuple(
    (field["key"], field["label"], field["hint"]) for field in _CONTENT["plan_fields"]
)

#: Risk ratings: the saved value and the words shown to the learner.
RISK_LEVELS: dict[str, str] = dict(_CONTENT["risk_levels"])

#: Decisions: the saved value and the words shown to the learner.
DECISIONS: dict[str, str] = dict(_CONTENT["decisions"])

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


def _summary_view(answers: Any) -> dict[str, Any]:
    canvas = normalise_canvas(answers)
    return {
        "title": canvas["project"] or "Untitled plan",
        "problems": check_canvas(answers),
        "fields": [{"label": label, "value": canvas[key]} for key, label, _hint in PLAN_FIELDS[1:]],
        "top": RISK_LEVELS.get(highest_risk(canvas), "not rated"),
        "strands": [
            {
                "title": strand.title,
                "question": strand.question,
                "notes": canvas["strands"][strand.key]["notes"],
                "risk": RISK_LEVELS.get(canvas["strands"][strand.key]["risk"], "not rated"),
            }
            for strand in STRANDS
        ],
        "decision": DECISIONS.get(canvas["decision"], "not decided"),
        "show_changes": bool(canvas["changes"]) or canvas["decision"] == "go-with-changes",
        "changes": canvas["changes"],
    }


def canvas_to_markdown(answers: Any) -> str:
    """Return a printable summary of the canvas as Markdown.

    It works on an unfinished canvas too: gaps show as "(not answered)" and
    the summary starts with the list of what is still to do. Learner text is
    quoted and escaped, so it cannot add headings, tables or HTML.
    """
    return render_markdown("ethics-canvas.md.j2", **_summary_view(answers))


def canvas_to_html(answers: Any) -> str:
    """Return a printable summary of the canvas as a complete HTML page.

    It is made from the same template as :func:`canvas_to_markdown`, and
    everything the learner typed is escaped, so no text can change the page.
    Open the file in a browser and print it, or save it as a PDF.
    """
    title = "Ethics canvas: " + (normalise_canvas(answers)["project"] or "Untitled plan")
    return markdown_to_html(canvas_to_markdown(answers), title)


def canvas_summary_html(answers: Any) -> str:
    """Return the summary as a bordered box to show inside a notebook.

    Unlike :func:`canvas_to_html`, this is a fragment, not a page: it has no
    style sheet that could change the page around it, and its headings
    start at ``<h4>``, so that in the online book they do not become headings
    of the lesson. Learner text is escaped, as in the printable page.
    """
    body = markdown_body(canvas_to_markdown(answers), heading_offset=3)
    return f'<div class="ethics-canvas-summary" style="{SUMMARY_BOX_STYLE}">\n{body}</div>\n'


#: The border and padding of the summary box shown in a notebook.
SUMMARY_BOX_STYLE = "border: 1px solid #ccc; padding: 0.5em 1em; margin: 0.5em 0;"


def summary_filename(answers: Any, extension: str) -> str:
    """Return a safe file name for the summary, such as ``ethics-canvas-yearly-report.md``."""
    name = normalise_canvas(answers)["project"].lower()
    slug = re.sub(r"[^a-z0-9]+", "-", name).strip("-")[:40].strip("-")
    stem = f"ethics-canvas-{slug}" if slug else "ethics-canvas"
    return f"{stem}.{extension.lstrip('.')}"


def sample_canvas() -> dict[str, Any]:
    """Return a filled canvas: the course's imagined charity plans its yearly report to a funder."""
    return copy.deepcopy(_SAMPLE)


_SAMPLE: dict[str, Any] = _CONTENT["sample"]


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------

_WIDE = widgets.Layout(width="100%")


def _label(text: str, hint: str = "") -> widgets.HTML:
    hint_html = f"<br><span style='color:#444'>{html.escape(hint)}</span>" if hint else ""
    return widgets.HTML(f"<strong>{html.escape(text)}</strong>{hint_html}")


class _Saved(BaseModel):
    model_config = ConfigDict(extra="allow")


class SavedStrand(_Saved):
    """One strand as saved: the notes and the risk rating."""

    notes: StrictStr = ""
    risk: Literal[("", *RISK_LEVELS)] = ""  # type: ignore[valid-type]


class SavedCanvas(_Saved):
    """The shape of ``ethics-canvas.json``: what :func:`empty_canvas` makes."""

    project: StrictStr = ""
    purpose: StrictStr = ""
    data: StrictStr = ""
    affected: StrictStr = ""
    strands: dict[Literal[_STRAND_KEYS], SavedStrand] = {}  # type: ignore[valid-type]
    decision: Literal[("", *DECISIONS)] = ""  # type: ignore[valid-type]
    changes: StrictStr = ""


class EthicsCanvas(AnswerWidget):
    """The ethics canvas form. Display it in a notebook cell to use it.

    >>> canvas = EthicsCanvas()  # doctest: +SKIP
    >>> canvas  # doctest: +SKIP

    Parameters
    ----------
    folder:
        Where to keep the answer file. Leave it out to use ``my-answers/``
        next to the notebook (or the ``DATAWITHCARE_ANSWERS_DIR`` setting).
    """

    store_name = STORE_NAME
    schema = SavedCanvas

    def __init__(self, folder: str | Path | None = None) -> None:
        super().__init__(folder)

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
        self.save_button = button("Save and make my summary", button_style="primary", icon="save")
        self.save_button.on_click(self._on_save)
        self._form = [
            widgets.HTML("<h3>The plan</h3>"),
            *plan_rows,
            widgets.HTML("<h3>The five strands</h3>"),
            *strand_rows,
            widgets.HTML("<h3>Your decision</h3>"),
            self.decision,
            _label("Changes to make", "Needed if you choose 'Go with changes'."),
            self.changes,
            self.save_button,
        ]
        self._load()

    def form(self) -> list[widgets.Widget]:
        """The plan, the five strands and the decision, then the Save button."""
        return self._form

    def summaries(self, answers: dict[str, Any]) -> list[str]:
        """The summary to print (HTML) and as text (Markdown)."""
        return [
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
        ]

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
            self.notice.info(
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
        saved = self.save(answers)
        # The summaries and the answers file are offered even if saving failed.
        self.offer_downloads(None if saved else answers, extra=self.summaries(answers))
        if not saved:
            return
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
    "load_content",
    "normalise_canvas",
    "sample_canvas",
    "summary_filename",
]
