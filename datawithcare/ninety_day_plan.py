"""Module 10: a 90-day plan from a maturity self-assessment and a data-needs plan.

:func:`ninety_day_plan` builds the plan as a table; :func:`ninety_day_plan_markdown`
turns it into a printable checklist (learner text escaped, from the template
``templates/ninety-day-plan.md.j2``) and :func:`ninety_day_plan_csv` into a
spreadsheet whose cells never run as formulas.

:func:`open_saved_answers` opens the answers the self-assessment and the
data-needs planner saved, checked against the same schemas those widgets
use: a file of the wrong shape is put aside (nothing deleted) and its
``message`` names the field to mend.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from datawithcare.answers import AnswerStore
from datawithcare.maturity import (
    MaturityAssessment,
    MaturityScores,
    load_framework,
    strengths_and_priorities,
    theme_advice,
)
from datawithcare.planner import DataNeedsPlanner
from datawithcare.render import csv_cell, render_markdown

_DATE_RULE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def open_saved_answers(folder: str | Path | None = None) -> tuple[AnswerStore, AnswerStore]:
    """Open the saved self-assessment and data-needs plan: ``(maturity_store, needs_store)``.

    Each file is checked against the schema of the widget that wrote it
    (:class:`~datawithcare.maturity.MaturityAssessment`,
    :class:`~datawithcare.planner.DataNeedsPlanner`). A file that does not
    fit is renamed, not deleted, and the store's ``message`` says which
    field is wrong and how to mend it; the store is then empty, so the
    lesson uses its worked example. ``folder`` is where the answers are
    (leave it out to use ``my-answers``).
    """
    return (
        AnswerStore(MaturityAssessment.store_name, folder=folder, schema=MaturityAssessment.schema),
        AnswerStore(DataNeedsPlanner.store_name, folder=folder, schema=DataNeedsPlanner.schema),
    )


def _themes(framework: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {theme["id"]: theme for theme in framework["themes"]}


#: The three stages of a 90-day plan, with the day each one ends.
PLAN_STAGES: tuple[tuple[str, int], ...] = (("Days 1-30", 30), ("Days 31-60", 60), ("Days 61-90", 90))

PLAN_COLUMNS = ["stage", "due", "theme", "action", "who", "done"]


def _start_date(start: Any) -> date:
    if start is None:
        return date.today()
    if isinstance(start, date):
        return start
    text = str(start).strip()
    if not _DATE_RULE.match(text):
        raise ValueError(
            f"Give the start date as year-month-day, for example 2026-01-15. You gave {start!r}."
        )
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a real date. Check the month and the day.") from None


def ninety_day_plan(
    scores: MaturityScores,
    framework: Mapping[str, Any] | None = None,
    start: date | str | None = None,
    themes: list[str] | None = None,
    data_needs_plan: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Build a 90-day plan from a maturity result (and, if you have one, a data-needs plan).

    ``themes`` are the theme ids to work on; leave it out to use the two
    priorities from :func:`strengths_and_priorities`, except that
    ethics and protection at level 1 or 2 always comes first. Each theme gets its
    next step from the framework in the first 30 days, a check on progress
    by day 60, and a check that it worked by day 90. A data champion, a
    monthly data hour and a re-assessment on day 90 are always in the plan.
    If ``data_needs_plan`` is given, the data you decided not to collect,
    and the items you are unsure about, become actions too.

    Returns a table with the columns ``stage``, ``due`` (a date),
    ``theme``, ``action``, ``who`` (empty, for you to fill in) and ``done``.
    """
    framework = framework or load_framework()
    first_day = _start_date(start)
    known = _themes(framework)
    if themes is None:
        themes = strengths_and_priorities(scores)["priorities"]
        ethics = "ethics-and-protection"
        level = scores.table["level"].get(ethics, pd.NA) if ethics in known else pd.NA
        if pd.notna(level) and level <= 2 and ethics not in themes:
            # Better analysis of data that is not protected adds risk, not value.
            themes = [ethics, *themes[:1]]
    if not isinstance(themes, list | tuple) or not themes:
        raise ValueError("Choose at least one theme to work on, for example ['analysis'].")
    unknown = [t for t in themes if t not in known]
    if unknown:
        raise ValueError(
            f"These are not themes in the framework: {', '.join(map(str, unknown))}. "
            f"Use the ids: {', '.join(known)}."
        )
    if len(set(themes)) != len(themes):
        raise ValueError("A theme is listed twice. Choose each theme once.")
    if len(themes) > 3:
        raise ValueError(
            "Choose one to three themes. More than three in 90 days is too many for a small team."
        )

    due = {stage: first_day + pd.Timedelta(days=days).to_pytimedelta() for stage, days in PLAN_STAGES}
    first, second, third = (stage for stage, _ in PLAN_STAGES)
    rows: list[dict[str, Any]] = [
        {
            "stage": first,
            "theme": "",
            "action": "Name a data champion and agree with them a few hours a month for the role.",
        },
        {
            "stage": first,
            "theme": "",
            "action": "Hold the first monthly data hour: agree this plan as a team.",
        },
    ]
    advice = theme_advice(scores, framework)
    for theme_id in themes:
        name = known[theme_id]["name"]
        if theme_id in advice.index and pd.notna(advice.loc[theme_id, "level"]):
            step = advice.loc[theme_id, "next_step"]
        else:
            step = f"Ask your team: {known[theme_id]['question']} Then agree one small step."
        rows.append({"stage": first, "theme": name, "action": f"Start: {step}"})
        rows.append(
            {
                "stage": second,
                "theme": name,
                "action": "Check progress at the data hour: what has changed, what is stuck?",
            }
        )
        rows.append(
            {
                "stage": third,
                "theme": name,
                "action": "Check it worked: what is different now, and what is the next step?",
            }
        )
    if data_needs_plan:
        items = [d for d in data_needs_plan.get("data_items") or [] if isinstance(d, Mapping)]
        dropped = sorted({str(d.get("item", "")).strip() for d in items if d.get("needed") == "no"} - {""})
        unsure = sorted({str(d.get("item", "")).strip() for d in items if d.get("needed") == "unsure"} - {""})
        if dropped:
            rows.append(
                {
                    "stage": first,
                    "theme": known["data"]["name"],
                    "action": "Stop collecting what your data-needs plan left out: "
                    f"{', '.join(dropped)}. Remove these items from your forms and delete what you hold, "
                    "following your retention policy.",
                }
            )
        if unsure:
            rows.append(
                {
                    "stage": second,
                    "theme": known["data"]["name"],
                    "action": f"Decide about the data you were not sure of: {', '.join(unsure)}.",
                }
            )
    rows.append({"stage": second, "theme": "", "action": "Hold the monthly data hour."})
    rows.append({"stage": second, "theme": "", "action": "Meet your mentor or your community of practice."})
    rows.append({"stage": third, "theme": "", "action": "Hold the monthly data hour."})
    rows.append(
        {
            "stage": third,
            "theme": "",
            "action": "Re-assess your data maturity as a new round, with the same people, and compare.",
        }
    )
    order = {stage: position for position, (stage, _) in enumerate(PLAN_STAGES)}
    table = pd.DataFrame(rows)
    table["due"] = table["stage"].map(due)
    table["who"] = ""
    table["done"] = False
    table = table.sort_values("stage", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    return table[PLAN_COLUMNS]


def ninety_day_plan_markdown(plan: pd.DataFrame, organisation: str = "") -> str:
    """Return a 90-day plan as a printable Markdown checklist."""
    stages = [
        {
            "stage": stage,
            "due": rows["due"].iloc[0],
            "rows": [
                {
                    "done": bool(row["done"]),
                    "theme": str(row["theme"] or ""),
                    "action": str(row["action"]),
                    "who": str(row["who"] or "").strip(),
                }
                for _, row in rows.iterrows()
            ],
        }
        for stage, rows in plan.groupby("stage", sort=False)
    ]
    return render_markdown(
        "ninety-day-plan.md.j2", organisation=str(organisation or "").strip(), stages=stages
    )


def ninety_day_plan_csv(plan: pd.DataFrame) -> str:
    """Return a 90-day plan as CSV text; a cell such as =HYPERLINK(...) stays text in a spreadsheet."""
    return plan.map(csv_cell).to_csv(index=False)


__all__ = [
    "PLAN_COLUMNS",
    "PLAN_STAGES",
    "ninety_day_plan",
    "ninety_day_plan_csv",
    "ninety_day_plan_markdown",
    "open_saved_answers",
]
