"""The data-needs planner: from mission to the least data that serves.

A plan is a chain. Your **mission** leads to the **questions** you must
answer; each question has one or more **indicators** that answer it; each
indicator needs some **data items**. For every data item the planner asks
"do we really need this?" and whether it is sensitive.

A plan is a plain dictionary, so it saves as JSON::

    {
        "organisation": "Our advice charity",
        "mission": "...",
        "questions": ["Do learners' English improve?", ...],
        "indicators": [{"question": "Do learners' ...?", "indicator": "..."}],
        "data_items": [
            {"indicator": "...", "item": "ESOL level at start",
             "needed": "yes", "sensitive": False, "reason": "..."},
        ],
    }

The functions here check a plan (:func:`check_plan`) and export it
(:func:`plan_to_markdown`, :func:`plan_to_html`, :func:`plan_to_csv`).
:class:`DataNeedsPlanner` is the widget; it saves to the answer store
``data-needs-plan``.
"""

from __future__ import annotations

import copy
import csv
import html
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import ipywidgets as widgets
import yaml
from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr

from datawithcare.answers import download_link
from datawithcare.render import csv_cell, markdown_to_html, render_markdown
from datawithcare.ui import AnswerWidget, button, labelled

#: The answer store the widget saves to.
STORE_NAME = "data-needs-plan"

#: The planner's words (the steps, the answers to "do we really need this?").
CONTENT_PATH = Path(__file__).resolve().parent / "frameworks" / "data-needs-planner.yaml"
_CONTENT = yaml.safe_load(CONTENT_PATH.read_text(encoding="utf-8"))

#: The answers to "do we really need this?", and what the planner shows.
NEEDED_CHOICES: dict[str, str] = dict(_CONTENT["needed_choices"])
if list(NEEDED_CHOICES) != ["yes", "unsure", "no"]:
    raise ValueError(f"{CONTENT_PATH.name}: needed_choices must be yes, unsure and no, in that order.")

CSV_COLUMNS = ["mission", "question", "indicator", "data_item", "needed", "sensitive", "reason"]


def empty_plan() -> dict[str, Any]:
    """Return a new, empty plan."""
    return {"organisation": "", "mission": "", "questions": [], "indicators": [], "data_items": []}


def same_text(a: Any, b: Any) -> bool:
    """True if two answers say the same thing, ignoring case, spaces and a final question mark."""
    return _key(a) == _key(b)


def _key(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().rstrip("?").strip().casefold()


def _text(value: Any) -> str:
    return str(value or "").strip()


def questions_from_text(text: str) -> list[str]:
    """Split the questions box into a list: one question a line, blank lines dropped."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


# Checking ----------------------------------------------------------------


@dataclass
class PlanCheck:
    """The result of :func:`check_plan`.

    ``problems`` must be fixed before the plan can be exported; ``notes``
    are gentle reminders that do not block anything.
    """

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when there is nothing to fix."""
        return not self.problems


def check_plan(plan: Any) -> PlanCheck:
    """Check a whole plan and say, in plain words, what to fix and what to think about."""
    result = PlanCheck()
    if not isinstance(plan, Mapping):
        result.problems.append("The plan is empty or damaged. Start again with a mission.")
        return result
    problems, notes = result.problems, result.notes

    if not _text(plan.get("mission")):
        problems.append("Write your mission first: one or two sentences on why your organisation exists.")

    questions = list(plan.get("questions") or [])
    if not questions:
        problems.append("Add at least one question that your organisation must answer.")
    seen: dict[str, str] = {}
    for question in questions:
        if not _text(question):
            problems.append("One of your questions is empty. Remove it or write the question.")
            continue
        if _key(question) in seen:
            problems.append(
                f"The question {_text(question)!r} is in the list twice. Keep one copy, "
                "so that each indicator belongs to one question."
            )
        seen.setdefault(_key(question), _text(question))

    indicators = list(plan.get("indicators") or [])
    known_indicators: dict[str, str] = {}
    answered: set[str] = set()
    for entry in indicators:
        entry = entry if isinstance(entry, Mapping) else {}
        text = _text(entry.get("indicator"))
        question = _text(entry.get("question"))
        if not text:
            problems.append("One indicator has no text. Write what you will count or observe, or remove it.")
            continue
        if not question:
            problems.append(
                f"The indicator {text!r} has no question. Every indicator must answer a question."
            )
        elif _key(question) not in seen:
            problems.append(
                f"The indicator {text!r} answers the question {question!r}, which is no longer in your "
                "list. Add the question back, or remove the indicator."
            )
        else:
            answered.add(_key(question))
        if _key(text) in known_indicators:
            problems.append(f"The indicator {text!r} is in the plan twice. Keep one copy.")
        known_indicators.setdefault(_key(text), text)

    for key, question in seen.items():
        if key not in answered:
            notes.append(f"The question {question!r} has no indicator yet: how will you know the answer?")

    items = list(plan.get("data_items") or [])
    used: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    left_out: list[str] = []
    unsure: list[str] = []
    for entry in items:
        entry = entry if isinstance(entry, Mapping) else {}
        name = _text(entry.get("item"))
        indicator = _text(entry.get("indicator"))
        needed = entry.get("needed")
        if not name:
            problems.append("One data item has no name. Say what you would collect, or remove it.")
            continue
        if not indicator:
            problems.append(f"The data item {name!r} has no indicator. Say which indicator needs it.")
        elif _key(indicator) not in known_indicators:
            problems.append(
                f"The data item {name!r} is for the indicator {indicator!r}, which is not in your plan. "
                "Add the indicator back, or remove the data item."
            )
        if (_key(indicator), _key(name)) in pairs:
            problems.append(f"The data item {name!r} is listed twice for the same indicator. Keep one.")
        pairs.add((_key(indicator), _key(name)))
        if needed not in NEEDED_CHOICES:
            problems.append(f"For {name!r}, answer the question: do we really need this?")
            continue
        sensitive = entry.get("sensitive") is True
        reason = _text(entry.get("reason"))
        if sensitive and needed != "no" and not reason:
            problems.append(
                f"{name!r} is marked sensitive, but there is no reason. Say why you need it and how "
                "you will protect it, or leave it out."
            )
        if sensitive and needed == "unsure":
            problems.append(
                f"{name!r} is sensitive and you are not sure you need it. Do not collect sensitive data "
                "'just in case': decide 'yes' with a reason, or 'no'."
            )
        if needed == "no":
            left_out.append(name)
        elif needed == "unsure":
            unsure.append(name)
        if needed != "no" and _key(indicator) in known_indicators:
            used.add(_key(indicator))

    for key, indicator in known_indicators.items():
        if key not in used:
            notes.append(f"The indicator {indicator!r} has no data item that you need yet.")
    if left_out:
        notes.append(
            f"You decided not to collect: {', '.join(left_out)}. The plan records that decision, "
            "and leaves these items out of the data list."
        )
    if unsure:
        notes.append(f"Still to decide: {', '.join(unsure)}. Decide before you add them to a form.")
    return result


def check_new_indicator(plan: Mapping[str, Any], question: Any, indicator: Any) -> list[str]:
    """Check an indicator before it is added to the plan; return the problems."""
    problems = []
    questions = list(plan.get("questions") or [])
    if not questions:
        problems.append("Write your questions first (step 2), then add indicators for them.")
    elif not _text(question):
        problems.append("Choose the question this indicator answers.")
    elif not any(same_text(question, q) for q in questions):
        problems.append(f"{_text(question)!r} is not one of your questions.")
    if not _text(indicator):
        problems.append("Write the indicator: something you can count or observe.")
    elif any(same_text(indicator, i.get("indicator")) for i in plan.get("indicators") or []):
        problems.append(f"The indicator {_text(indicator)!r} is already in the plan.")
    return problems


def check_new_item(
    plan: Mapping[str, Any], indicator: Any, item: Any, needed: Any, sensitive: Any, reason: Any
) -> list[str]:
    """Check a data item before it is added to the plan; return the problems."""
    problems = []
    indicators = [i.get("indicator") for i in plan.get("indicators") or []]
    if not indicators:
        problems.append("Add an indicator first (step 3), then the data it needs.")
    elif not _text(indicator):
        problems.append("Choose the indicator that needs this data.")
    elif not any(same_text(indicator, i) for i in indicators):
        problems.append(f"{_text(indicator)!r} is not one of your indicators.")
    if not _text(item):
        problems.append("Write the data item, such as 'ESOL level at start'.")
    elif any(
        same_text(item, d.get("item")) and same_text(indicator, d.get("indicator"))
        for d in plan.get("data_items") or []
    ):
        problems.append(f"{_text(item)!r} is already listed for this indicator.")
    if needed not in NEEDED_CHOICES:
        problems.append("Answer the question: do we really need this?")
    if sensitive is True and needed != "no" and not _text(reason):
        problems.append("You marked this item sensitive: say why you need it and how you will protect it.")
    if sensitive is True and needed == "unsure":
        problems.append("Do not collect sensitive data 'just in case': decide 'yes' with a reason, or 'no'.")
    return problems


# Exporting ---------------------------------------------------------------


def collection_list(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the data to collect: each item once, with every indicator that needs it.

    Items marked "no" are left out. An item is sensitive if any entry for it
    is marked sensitive; it is "unsure" only if no indicator needs it for sure.
    """
    items: dict[str, dict[str, Any]] = {}
    for entry in plan.get("data_items") or []:
        if entry.get("needed") not in ("yes", "unsure") or not _text(entry.get("item")):
            continue
        key = _key(entry["item"])
        row = items.setdefault(
            key,
            {
                "item": _text(entry["item"]),
                "indicators": [],
                "needed": "unsure",
                "sensitive": False,
                "reasons": [],
            },
        )
        if _text(entry.get("indicator")) and _text(entry.get("indicator")) not in row["indicators"]:
            row["indicators"].append(_text(entry.get("indicator")))
        if entry["needed"] == "yes":
            row["needed"] = "yes"
        if entry.get("sensitive") is True:
            row["sensitive"] = True
        if _text(entry.get("reason")) and _text(entry.get("reason")) not in row["reasons"]:
            row["reasons"].append(_text(entry.get("reason")))
    return list(items.values())


def plan_rows(plan: Mapping[str, Any]) -> list[dict[str, str]]:
    """Return the plan as flat rows, one per data item, for a spreadsheet.

    A question with no indicator, or an indicator with no data item, still
    gets a row, so nothing in the plan is lost.
    """
    mission = _text(plan.get("mission"))
    rows: list[dict[str, str]] = []
    indicators = list(plan.get("indicators") or [])
    items = list(plan.get("data_items") or [])
    for question in plan.get("questions") or []:
        mine = [i for i in indicators if same_text(i.get("question"), question)]
        if not mine:
            rows.append(dict.fromkeys(CSV_COLUMNS, "") | {"mission": mission, "question": _text(question)})
        for indicator in mine:
            data = [d for d in items if same_text(d.get("indicator"), indicator.get("indicator"))]
            base = {
                "mission": mission,
                "question": _text(question),
                "indicator": _text(indicator.get("indicator")),
            }
            if not data:
                rows.append(dict.fromkeys(CSV_COLUMNS, "") | base)
            for entry in data:
                rows.append(
                    base
                    | {
                        "data_item": _text(entry.get("item")),
                        "needed": str(entry.get("needed") or ""),
                        "sensitive": "yes" if entry.get("sensitive") is True else "no",
                        "reason": _text(entry.get("reason")),
                    }
                )
    return rows


def plan_to_csv(plan: Mapping[str, Any]) -> str:
    """Return the plan as CSV text (see :func:`plan_rows`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    # A cell such as =HYPERLINK(...) would run as a formula in a spreadsheet: keep it text.
    writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in plan_rows(plan))
    return buffer.getvalue()


def _title(plan: Mapping[str, Any]) -> str:
    organisation = _text(plan.get("organisation"))
    return f"Data needs plan: {organisation}" if organisation else "Data needs plan"


def _plan_view(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan arranged for the summary template: the chain, the list to collect, the notes."""
    indicators = [i for i in plan.get("indicators") or [] if isinstance(i, Mapping)]
    items = [d for d in plan.get("data_items") or [] if isinstance(d, Mapping)]
    answers = {"yes": "needed", "unsure": "not sure yet", "no": "not collected"}
    questions = []
    for question in plan.get("questions") or []:
        mine = [i for i in indicators if same_text(i.get("question"), question)]
        questions.append(
            {
                "text": _text(question),
                "indicators": [
                    {
                        "text": _text(indicator.get("indicator")),
                        "items": [
                            {
                                "item": _text(entry.get("item")),
                                "sensitive": entry.get("sensitive") is True,
                                "answer": answers.get(entry.get("needed"), "not decided"),
                            }
                            for entry in items
                            if same_text(entry.get("indicator"), indicator.get("indicator"))
                        ],
                    }
                    for indicator in mine
                ],
            }
        )
    check = check_plan(plan)
    return {
        "title": _title(plan),
        "mission": _text(plan.get("mission")),
        "questions": questions,
        "collect": collection_list(plan),
        "left_out": [_text(d.get("item")) for d in items if d.get("needed") == "no" and _text(d.get("item"))],
        "notes": check.problems + check.notes,
    }


def plan_to_markdown(plan: Mapping[str, Any]) -> str:
    """Return the plan as a printable Markdown page (learner text escaped, so it stays text)."""
    return render_markdown("data-needs-plan.md.j2", **_plan_view(plan))


def plan_to_html(plan: Mapping[str, Any]) -> str:
    """Return the plan as a page that opens in any web browser, ready to print.

    It is made from the same template as :func:`plan_to_markdown`.
    """
    return markdown_to_html(plan_to_markdown(plan), _title(plan))


def plan_from_saved(value: Any) -> dict[str, Any]:
    """Turn a saved plan back into a clean plan; anything unreadable becomes empty."""
    plan = empty_plan()
    if not isinstance(value, Mapping):
        return plan
    plan["organisation"] = _text(value.get("organisation"))
    plan["mission"] = str(value.get("mission") or "")
    plan["questions"] = [str(q) for q in value.get("questions") or [] if isinstance(q, str)]
    plan["indicators"] = [
        {"question": _text(i.get("question")), "indicator": _text(i.get("indicator"))}
        for i in value.get("indicators") or []
        if isinstance(i, Mapping)
    ]
    plan["data_items"] = [
        {
            "indicator": _text(d.get("indicator")),
            "item": _text(d.get("item")),
            "needed": d.get("needed") if d.get("needed") in NEEDED_CHOICES else None,
            "sensitive": d.get("sensitive") is True,
            "reason": _text(d.get("reason")),
        }
        for d in value.get("data_items") or []
        if isinstance(d, Mapping)
    ]
    return plan


# The widget --------------------------------------------------------------


class _Saved(BaseModel):
    model_config = ConfigDict(extra="allow")


class SavedIndicator(_Saved):
    """One indicator in a saved plan."""

    question: StrictStr = ""
    indicator: StrictStr = ""


class SavedDataItem(_Saved):
    """One data item in a saved plan."""

    indicator: StrictStr = ""
    item: StrictStr = ""
    needed: Literal["yes", "unsure", "no"] | None = None
    sensitive: StrictBool = False
    reason: StrictStr = ""


class SavedPlan(_Saved):
    """A saved plan: the shape :func:`empty_plan` makes."""

    organisation: StrictStr = ""
    mission: StrictStr = ""
    questions: list[StrictStr] = []
    indicators: list[SavedIndicator] = []
    data_items: list[SavedDataItem] = []


class SavedAnswers(_Saved):
    """The shape of ``data-needs-plan.json``."""

    plan: SavedPlan | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class DataNeedsPlanner(AnswerWidget):
    """A step-by-step form: mission, questions, indicators, then the data each one needs.

    Press **Check and save** at any time: the plan is saved (even half
    done), checked, and, once there is nothing to fix, offered as a
    printable page and a spreadsheet.

    >>> DataNeedsPlanner().widget  # doctest: +SKIP
    """

    store_name = STORE_NAME
    schema = SavedAnswers

    def __init__(self, folder: str | Path | None = None) -> None:
        super().__init__(folder)
        saved = self.store.get("plan") if self.store is not None else None
        self.plan = plan_from_saved(saved)
        wide = widgets.Layout(width="95%")

        self.organisation = labelled(widgets.Text, description="Organisation", layout=wide)
        self.mission = widgets.Textarea(
            placeholder="Why does your organisation exist, and who is it for?",
            layout=widgets.Layout(width="95%", height="5em"),
        )
        self.questions = widgets.Textarea(
            placeholder="One question a line, for example:\nDo our learners' English skills improve?",
            layout=widgets.Layout(width="95%", height="8em"),
        )
        self.questions.observe(self._on_questions_changed, names="value")

        self.indicator_question = labelled(widgets.Dropdown, description="Question", options=[], layout=wide)
        self.indicator_text = labelled(
            widgets.Text,
            description="Indicator",
            placeholder="something you can count or observe",
            layout=wide,
        )
        self.add_indicator_button = button("Add indicator", icon="plus")
        self.add_indicator_button.on_click(self._on_add_indicator)
        self.indicator_list = widgets.Select(options=[], rows=5, layout=wide)
        self.remove_indicator_button = button("Remove indicator", icon="trash")
        self.remove_indicator_button.on_click(self._on_remove_indicator)

        self.item_indicator = labelled(widgets.Dropdown, description="Indicator", options=[], layout=wide)
        self.item_name = labelled(
            widgets.Text, description="Data item", placeholder="e.g. ESOL level at start", layout=wide
        )
        self.item_needed = widgets.RadioButtons(
            options=[(label, key) for key, label in NEEDED_CHOICES.items()],
            value=None,
            layout=widgets.Layout(width="auto"),
        )
        self.item_sensitive = widgets.Checkbox(
            description="Sensitive (e.g. immigration status, health, religion, address)", indent=False
        )
        self.item_reason = labelled(
            widgets.Text,
            description="Why and how",
            placeholder="why you need it, and how you will protect it",
            layout=wide,
        )
        self.add_item_button = button("Add data item", icon="plus")
        self.add_item_button.on_click(self._on_add_item)
        self.item_list = widgets.Select(options=[], rows=6, layout=wide)
        self.remove_item_button = button("Remove data item", icon="trash")
        self.remove_item_button.on_click(self._on_remove_item)

        self.save_button = button("Check and save", button_style="primary", icon="check")
        self.save_button.on_click(self._on_save)

        def step(number: int) -> widgets.HTML:
            words = _CONTENT["steps"][number]
            return widgets.HTML(f"<h4>{html.escape(words['title'])}</h4><p>{html.escape(words['text'])}</p>")

        self._form = [
                step(0),
                self.organisation,
                self.mission,
                step(1),
                self.questions,
                step(2),
                self.indicator_question,
                self.indicator_text,
                self.add_indicator_button,
                self.indicator_list,
                self.remove_indicator_button,
                step(3),
                self.item_indicator,
                self.item_name,
                widgets.HTML("<p><strong>Do we really need this?</strong></p>"),
                self.item_needed,
                self.item_sensitive,
                self.item_reason,
                self.add_item_button,
                self.item_list,
                self.remove_item_button,
                step(4),
                self.save_button,
        ]  # fmt: skip
        self._fill_from_plan()
        if saved is not None and self.store is not None and not self.store.message:
            self.notice.info("Your saved plan is loaded. Carry on where you left off.")

    def form(self) -> list[widgets.Widget]:
        """The five steps of the plan, and the Check and save button."""
        return self._form

    def answers(self) -> dict[str, Any]:
        """The plan on screen, in the shape the answer store keeps."""
        self._read_form()
        return {"plan": copy.deepcopy(self.plan)}

    def summaries(self, answers: dict[str, Any]) -> list[str]:
        """The plan to print (HTML), as text (Markdown) and as a spreadsheet (CSV)."""
        plan = answers["plan"]
        name = _slug(plan["organisation"]) or "our"
        return [
            download_link(
                plan_to_html(plan),
                f"{name}-data-needs-plan.html",
                "text/html",
                "Download the plan to print (HTML)",
            ),
            download_link(
                plan_to_markdown(plan),
                f"{name}-data-needs-plan.md",
                "text/markdown",
                "Download the plan as text (Markdown)",
            ),
            download_link(
                plan_to_csv(plan),
                f"{name}-data-needs-plan.csv",
                "text/csv",
                "Download the plan as a spreadsheet (CSV)",
            ),
        ]

    # Keeping the form and the plan in step

    def _fill_from_plan(self) -> None:
        self.organisation.value = self.plan["organisation"]
        self.mission.value = self.plan["mission"]
        self.questions.value = "\n".join(self.plan["questions"])
        self._refresh_lists()

    def _read_form(self) -> None:
        self.plan["organisation"] = self.organisation.value.strip()
        self.plan["mission"] = self.mission.value.strip()
        self.plan["questions"] = questions_from_text(self.questions.value)

    def _on_questions_changed(self, _change: Any = None) -> None:
        self.plan["questions"] = questions_from_text(self.questions.value)
        self._refresh_lists()

    def _refresh_lists(self) -> None:
        questions = self.plan["questions"]
        current = self.indicator_question.value
        self.indicator_question.options = questions
        if current in questions:
            self.indicator_question.value = current
        indicators = [i["indicator"] for i in self.plan["indicators"]]
        self.indicator_list.options = [
            (f"{i['indicator']}  (answers: {i['question']})", n)
            for n, i in enumerate(self.plan["indicators"])
        ]
        current = self.item_indicator.value
        self.item_indicator.options = indicators
        if current in indicators:
            self.item_indicator.value = current
        labels = {"yes": "needed", "unsure": "not sure", "no": "left out", None: "not decided"}
        self.item_list.options = [
            (
                f"{d['item']}: {labels.get(d['needed'], 'not decided')}"
                f"{', sensitive' if d['sensitive'] else ''}  (for: {d['indicator']})",
                n,
            )
            for n, d in enumerate(self.plan["data_items"])
        ]

    # Actions

    def _on_add_indicator(self, _button: Any = None) -> None:
        self._read_form()
        problems = check_new_indicator(self.plan, self.indicator_question.value, self.indicator_text.value)
        if problems:
            self.feedback.problem(problems)
            return
        self.plan["indicators"].append(
            {
                "question": self.indicator_question.value.strip(),
                "indicator": self.indicator_text.value.strip(),
            }
        )
        self.indicator_text.value = ""
        self._refresh_lists()
        count = len(self.plan["indicators"])
        self.feedback.info(f"Indicator added. The plan has {count} indicator{'' if count == 1 else 's'}.")

    def _on_remove_indicator(self, _button: Any = None) -> None:
        index = self.indicator_list.value
        if index is None:
            self.feedback.problem("Click an indicator in the list first, then press Remove indicator.")
            return
        removed = self.plan["indicators"].pop(index)
        self._refresh_lists()
        self.feedback.info(
            f"Removed {removed['indicator']!r}. Any data items for it are still listed: "
            "remove them too, or add the indicator back."
        )

    def _on_add_item(self, _button: Any = None) -> None:
        self._read_form()
        problems = check_new_item(
            self.plan,
            self.item_indicator.value,
            self.item_name.value,
            self.item_needed.value,
            self.item_sensitive.value,
            self.item_reason.value,
        )
        if problems:
            self.feedback.problem(problems)
            return
        self.plan["data_items"].append(
            {
                "indicator": self.item_indicator.value.strip(),
                "item": self.item_name.value.strip(),
                "needed": self.item_needed.value,
                "sensitive": bool(self.item_sensitive.value),
                "reason": self.item_reason.value.strip(),
            }
        )
        message = f"{self.item_name.value.strip()!r} added."
        if self.item_needed.value == "no":
            message += " It is recorded as data you decided not to collect."
        self.item_name.value = ""
        self.item_needed.value = None
        self.item_sensitive.value = False
        self.item_reason.value = ""
        self._refresh_lists()
        self.feedback.info(message)

    def _on_remove_item(self, _button: Any = None) -> None:
        index = self.item_list.value
        if index is None:
            self.feedback.problem("Click a data item in the list first, then press Remove data item.")
            return
        removed = self.plan["data_items"].pop(index)
        self._refresh_lists()
        self.feedback.info(f"Removed {removed['item']!r}.")

    def _on_save(self, _button: Any = None) -> None:
        answers = self.answers()
        if not self.save(answers):
            return
        check = check_plan(self.plan)
        if check.problems:
            # The answers file is offered (the base always does); the printable plan waits.
            self.feedback.problem(
                check.problems
                + [
                    "Your plan is saved as it is, and you can download your answers file. "
                    "Fix the points above to download the plan to print."
                ]
            )
            return
        self.offer_downloads(extra=self.summaries(answers))
        message = "Your plan is checked and saved. Download it below."
        if check.notes:
            message += " To think about: " + " ".join(check.notes)
        self.feedback.ok(message)
