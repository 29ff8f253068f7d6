"""Data maturity: the course framework, scoring, charts and a self-assessment widget.

The framework lives in ``frameworks/maturity.yaml`` so that a fork can
change the words without touching any code. Everything that works out a
result is a plain function, so it can be tested and reused:

* :func:`load_framework` reads and checks the framework;
* :func:`score_responses` combines several people's answers for one round;
* :func:`theme_advice` and :func:`strengths_and_priorities` say what the
  scores mean and what to do next;
* :func:`plot_profile` and :func:`plot_comparison` draw the charts, and
  :func:`profile_alt_text` and :func:`comparison_alt_text` describe them
  in words.

:class:`MaturityAssessment` is the widget learners use. It saves every
round in the answer store ``maturity-assessment``.
"""

from __future__ import annotations

import base64
import io
import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
import yaml
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from pydantic import BaseModel, ConfigDict, RootModel, StrictFloat, StrictInt, StrictStr

from datawithcare.answers import AnswerStore, download_link
from datawithcare.render import csv_cell, markdown_to_html, render_markdown
from datawithcare.style import PALETTE
from datawithcare.ui import AnswerWidget, button, labelled, save_answers, show_downloads

#: The theme ids, in order. The ``maturity_cohort`` dataset uses the same ids.
THEME_IDS: tuple[str, ...] = (
    "uses",
    "data",
    "analysis",
    "leadership",
    "culture",
    "tools",
    "skills",
    "ethics-and-protection",
)

#: Lowest and highest score on every theme.
MIN_SCORE, MAX_SCORE = 1, 5

#: The answer store the widget saves to.
STORE_NAME = "maturity-assessment"

FRAMEWORK_PATH = Path(__file__).resolve().parent / "frameworks" / "maturity.yaml"

_DATE_RULE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The earliest date a round can carry (a typing slip such as 0001-01-01 is refused).
EARLIEST_DATE = date(2000, 1, 1)


# The framework -----------------------------------------------------------


def framework_problems(framework: Any) -> list[str]:
    """Return a list of what is wrong with a framework (empty if it is sound).

    A sound framework has a title, names for the five levels, and themes
    that each have a unique id, a name, a question and exactly five levels
    scored 1 to 5, each with a summary and a next step.
    """
    if not isinstance(framework, Mapping):
        return ["The framework must be a YAML mapping with 'title', 'level_names' and 'themes'."]
    problems: list[str] = []
    if not str(framework.get("title") or "").strip():
        problems.append("The framework needs a title.")
    names = framework.get("level_names")
    if not isinstance(names, Mapping) or sorted(names) != list(range(MIN_SCORE, MAX_SCORE + 1)):
        problems.append("'level_names' must name each level from 1 to 5.")
    elif any(not str(v or "").strip() for v in names.values()):
        problems.append("Every level name in 'level_names' needs some text.")
    themes = framework.get("themes")
    if not isinstance(themes, list) or not themes:
        return problems + ["The framework needs a list of themes."]
    seen: set[str] = set()
    for position, theme in enumerate(themes, start=1):
        if not isinstance(theme, Mapping):
            problems.append(f"Theme {position} is not a mapping with id, name, question and levels.")
            continue
        theme_id = str(theme.get("id") or "").strip()
        label = theme_id or f"number {position}"
        if not theme_id:
            problems.append(f"Theme {position} has no id.")
        elif theme_id in seen:
            problems.append(f"The theme id {theme_id!r} is used twice; ids must be unique.")
        seen.add(theme_id)
        for key in ("name", "question"):
            if not str(theme.get(key) or "").strip():
                problems.append(f"Theme {label} has no {key}.")
        levels = theme.get("levels")
        if not isinstance(levels, list) or len(levels) != MAX_SCORE:
            count = len(levels) if isinstance(levels, list) else 0
            problems.append(f"Theme {label} must have exactly 5 levels; it has {count}.")
            continue
        scores = [lvl.get("score") if isinstance(lvl, Mapping) else None for lvl in levels]
        if scores != list(range(MIN_SCORE, MAX_SCORE + 1)):
            problems.append(f"The levels of theme {label} must be scored 1, 2, 3, 4, 5 in order.")
        for lvl in levels:
            if not isinstance(lvl, Mapping):
                continue
            for key in ("summary", "next_step"):
                if not str(lvl.get(key) or "").strip():
                    problems.append(f"Theme {label}, level {lvl.get('score')}: the {key} is empty.")
    return problems


def load_framework(path: str | Path | None = None) -> dict[str, Any]:
    """Read the maturity framework from YAML and check it.

    Leave ``path`` out to use the course framework. A fork can pass the
    path of its own file.
    """
    source = Path(path) if path is not None else FRAMEWORK_PATH
    try:
        framework = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"There is no framework file at {source}.") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"The framework file {source.name} is not valid YAML: {exc}") from None
    problems = framework_problems(framework)
    if problems:
        raise ValueError(f"The framework file {source.name} needs fixing: " + " ".join(problems))
    return framework


def _themes(framework: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {theme["id"]: theme for theme in framework["themes"]}


# Scoring -----------------------------------------------------------------


@dataclass
class MaturityScores:
    """The combined result of one round of self-assessment.

    ``table`` has one row per theme (index: theme id) with the columns
    ``name``, ``respondents``, ``mean``, ``lowest``, ``highest``,
    ``spread`` and ``level``. ``responses`` holds the valid answers that
    went into it; ``problems`` lists every answer that was left out, and why.
    """

    table: pd.DataFrame
    responses: dict[str, dict[str, int]]
    problems: list[str] = field(default_factory=list)

    @property
    def respondents(self) -> list[str]:
        """The people whose answers were counted."""
        return list(self.responses)


def _as_score(value: Any) -> int | None | str:
    """Return a whole score, None for "not answered", or a reason it is invalid."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "it is True or False, not a score"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            return f"{value!r} is text, not a number from 1 to 5"
    elif isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
    else:
        return f"{value!r} is not a number from 1 to 5"
    if not number.is_integer():
        return f"{value!r} is not a whole number"
    if not MIN_SCORE <= number <= MAX_SCORE:
        return f"{value!r} is outside 1 to 5"
    return int(number)


def clean_responses(
    responses: Any, framework: Mapping[str, Any] | None = None
) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Keep the valid answers and explain every answer that was left out.

    ``responses`` maps each person (a name, initials or role) to their
    answers: a mapping of theme id to a score from 1 to 5. Returns the
    valid answers and a list of problems in plain words.
    """
    framework = framework or load_framework()
    themes = _themes(framework)
    if not isinstance(responses, Mapping):
        raise ValueError(
            "Give the answers as a dictionary: each person's name, then their scores, "
            "for example {'Coordinator': {'uses': 2, 'data': 3}}."
        )
    clean: dict[str, dict[str, int]] = {}
    problems: list[str] = []
    for person, answers in responses.items():
        who = str(person).strip() if person is not None else ""
        if not who:
            problems.append("One set of answers has no name, so it was left out.")
            continue
        if not isinstance(answers, Mapping):
            problems.append(
                f"The answers from {who} are not a list of themes and scores, so they were left out."
            )
            continue
        kept: dict[str, int] = {}
        for theme_id, value in answers.items():
            if theme_id not in themes:
                problems.append(f"{who}: {theme_id!r} is not a theme in the framework, so it was left out.")
                continue
            score = _as_score(value)
            if isinstance(score, str):
                problems.append(f"{who}, {themes[theme_id]['name']}: {score}, so it was left out.")
            elif score is not None:
                kept[theme_id] = score
        missing = [themes[t]["name"] for t in themes if t not in kept and not _invalid(answers.get(t))]
        if missing and kept:
            problems.append(f"{who} did not answer: {', '.join(missing)}.")
        if kept:
            clean[who] = kept
        else:
            problems.append(f"{who} gave no valid scores, so their answers were left out.")
    return clean, problems


def _invalid(value: Any) -> bool:
    return isinstance(_as_score(value), str)


def score_responses(responses: Any, framework: Mapping[str, Any] | None = None) -> MaturityScores:
    """Combine several people's answers into one result per theme.

    The result keeps the spread as well as the average: ``lowest``,
    ``highest`` and ``spread`` show where people disagree. ``level`` is the
    average rounded down, so the next step is one the whole team can reach.
    Raises ``ValueError`` if there is not one valid score to count.
    """
    framework = framework or load_framework()
    clean, problems = clean_responses(responses, framework)
    if not clean:
        reason = " ".join(problems) if problems else "There are no answers yet."
        raise ValueError(f"There are no valid scores to combine. {reason}")
    rows = []
    for theme in framework["themes"]:
        scores = [answers[theme["id"]] for answers in clean.values() if theme["id"] in answers]
        if scores:
            mean = sum(scores) / len(scores)
            row = {
                "theme": theme["id"],
                "name": theme["name"],
                "respondents": len(scores),
                "mean": mean,
                "lowest": min(scores),
                "highest": max(scores),
                "spread": max(scores) - min(scores),
                "level": int(math.floor(mean + 1e-9)),
            }
        else:
            problems.append(f"Nobody gave a valid score for {theme['name']}.")
            row = {"theme": theme["id"], "name": theme["name"], "respondents": 0}
        rows.append(row)
    table = pd.DataFrame(rows).set_index("theme")
    for column in ("lowest", "highest", "spread", "level"):
        table[column] = table[column].astype("Int64")
    table["mean"] = table["mean"].astype(float)
    return MaturityScores(table=table, responses=clean, problems=problems)


def theme_advice(scores: MaturityScores, framework: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Say, for each theme, where the organisation is and one next step.

    Returns a table with the columns ``name``, ``level``, ``level_name``,
    ``where_you_are`` and ``next_step``. A theme nobody scored says so.
    """
    framework = framework or load_framework()
    themes = _themes(framework)
    rows = []
    for theme_id, row in scores.table.iterrows():
        theme = themes[theme_id]
        if pd.isna(row["level"]):
            rows.append(
                {
                    "theme": theme_id,
                    "name": theme["name"],
                    "level": pd.NA,
                    "level_name": "",
                    "where_you_are": "Nobody has scored this theme yet.",
                    "next_step": f"Ask your team: {theme['question']}",
                }
            )
            continue
        level = int(row["level"])
        detail = theme["levels"][level - 1]
        rows.append(
            {
                "theme": theme_id,
                "name": theme["name"],
                "level": level,
                "level_name": framework["level_names"][level],
                "where_you_are": detail["summary"],
                "next_step": detail["next_step"],
            }
        )
    table = pd.DataFrame(rows).set_index("theme")
    table["level"] = table["level"].astype("Int64")
    return table


def strengths_and_priorities(scores: MaturityScores, n: int = 2) -> dict[str, list[str]]:
    """Pick the strongest and weakest themes, and the ones people disagree on.

    Returns a dictionary of theme ids: ``strengths`` (the ``n`` highest
    averages), ``priorities`` (the ``n`` lowest) and ``talk_about`` (themes
    where scores differ by 2 or more). Ties keep the framework's order.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError("n must be a whole number, 1 or more.")
    scored = scores.table.dropna(subset=["mean"])
    order = {theme: position for position, theme in enumerate(scores.table.index)}
    ranked = sorted(scored.index, key=lambda t: (-scored.loc[t, "mean"], order[t]))
    n = min(n, len(ranked) // 2) if len(ranked) > 1 else min(n, len(ranked))
    strengths = ranked[:n]
    lowest_first = sorted(scored.index, key=lambda t: (scored.loc[t, "mean"], order[t]))
    priorities = [t for t in lowest_first if t not in strengths][:n]
    talk_about = [t for t in scored.index if scored.loc[t, "spread"] >= 2]
    return {"strengths": strengths, "priorities": priorities, "talk_about": talk_about}


# Charts and words --------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def plain(text: Any) -> str:
    """Return text that matplotlib shows as it is, never as maths.

    Matplotlib reads text between two ``$`` signs as a formula, so a round
    called ``rates $10_$20`` would break the chart. An escaped ``\\$`` is
    shown as a plain dollar sign.
    """
    return str(text).replace("$", r"\$")


def _count(n: int, word: str) -> str:
    """Return "1 theme", "2 themes": never "1 themes"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _people(n: int) -> str:
    return "1 person has" if n == 1 else f"{n} people have"


def profile_alt_text(scores: MaturityScores) -> str:
    """Describe the profile chart in words, from the scores themselves."""
    table = scores.table.dropna(subset=["mean"])
    people = len(scores.respondents)
    top = table["mean"].idxmax()
    bottom = table["mean"].idxmin()
    text = (
        f"Dot chart of data maturity on {_count(len(table), 'theme')}, scored 1 to 5 by "
        f"{people} {'person' if people == 1 else 'people'}. "
        f"Highest average: {table.loc[top, 'name']} ({_fmt(table.loc[top, 'mean'])}). "
        f"Lowest average: {table.loc[bottom, 'name']} ({_fmt(table.loc[bottom, 'mean'])})."
    )
    widest = table["spread"].astype(float).idxmax()
    if people > 1 and table.loc[widest, "spread"] > 0:
        text += (
            f" People disagreed most on {table.loc[widest, 'name']}, with scores from "
            f"{table.loc[widest, 'lowest']} to {table.loc[widest, 'highest']}."
        )
    elif people > 1:
        text += " Everyone gave the same score on every theme."
    unscored = scores.table.index[scores.table["mean"].isna()]
    if len(unscored):
        text += " Not scored: " + ", ".join(scores.table.loc[unscored, "name"]) + "."
    return text


def plot_profile(scores: MaturityScores, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Draw every person's score (small circles) and the average (diamond) per theme.

    The grey line runs from the lowest to the highest score, so the chart
    shows disagreement as well as the average. Pass ``ax`` to draw on your
    own axes; otherwise a new figure is made. Returns the figure.
    """
    if ax is None:
        fig = Figure(figsize=(7.5, 4.8), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    table = scores.table
    positions = list(range(len(table)))[::-1]
    person_label = "One person's score"
    average_label = "Average"
    for y, (theme_id, row) in zip(positions, table.iterrows(), strict=True):
        if pd.isna(row["mean"]):
            ax.text(MIN_SCORE, y, "  no answers", va="center", fontsize=10, color="#444444")
            continue
        ax.plot([row["lowest"], row["highest"]], [y, y], color="#9a9a9a", linewidth=2, zorder=1)
        people = [answers[theme_id] for answers in scores.responses.values() if theme_id in answers]
        counts: dict[int, int] = {}
        for value in people:
            offset = counts.get(value, 0)
            counts[value] = offset + 1
            ax.scatter(
                value,
                y - 0.12 - 0.07 * offset,
                s=28,
                facecolors="white",
                edgecolors=PALETTE["sky blue"],
                linewidths=1.5,
                zorder=2,
                label=person_label,
            )
            person_label = None
        ax.scatter(
            row["mean"],
            y + 0.1,
            s=90,
            marker="D",
            color=PALETTE["blue"],
            zorder=3,
            label=average_label,
        )
        average_label = None
        ax.annotate(
            _fmt(row["mean"]), (row["mean"], y + 0.1), xytext=(8, 4), textcoords="offset points", fontsize=10
        )
    ax.set_yticks(positions, [plain(name) for name in table["name"]])
    ax.set_xticks(range(MIN_SCORE, MAX_SCORE + 1))
    ax.set_xlim(MIN_SCORE - 0.3, MAX_SCORE + 0.5)
    ax.set_ylim(-0.8, len(table) - 0.4)
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Score (1 = not started, 5 = part of how we work)")
    ax.set_ylabel("Theme")
    ax.set_title(plain(title or "Where we are now: data maturity by theme"))
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    return fig


def compare_rounds(before: MaturityScores, after: MaturityScores) -> pd.DataFrame:
    """Put two rounds side by side: average before, after, and the change, per theme."""
    table = pd.DataFrame(
        {
            "name": before.table["name"],
            "before": before.table["mean"],
            "after": after.table["mean"].reindex(before.table.index),
        }
    )
    table["change"] = table["after"] - table["before"]
    return table


def comparison_alt_text(comparison: pd.DataFrame, labels: tuple[str, str] = ("before", "after")) -> str:
    """Describe the before-and-after chart in words, from the numbers."""
    both = comparison.dropna(subset=["before", "after"])
    first, second = labels
    if both.empty:
        return f"Chart comparing {first} and {second}: no theme was scored in both rounds."
    up = both[both["change"] > 0]
    down = both[both["change"] < 0]
    text = (
        f"Dumbbell chart comparing average data maturity {first} and {second} on "
        f"{_count(len(both), 'theme')}. "
        f"Scores rose on {len(up)}, fell on {len(down)} and stayed the same on "
        f"{len(both) - len(up) - len(down)}."
    )
    if len(up):
        best = up["change"].idxmax()
        text += (
            f" The biggest rise was in {both.loc[best, 'name']}, from {_fmt(both.loc[best, 'before'])} "
            f"to {_fmt(both.loc[best, 'after'])}."
        )
    if len(down):
        worst = down["change"].idxmin()
        text += (
            f" The biggest fall was in {both.loc[worst, 'name']}, from {_fmt(both.loc[worst, 'before'])} "
            f"to {_fmt(both.loc[worst, 'after'])}."
        )
    return text


def plot_comparison(
    comparison: pd.DataFrame,
    labels: tuple[str, str] = ("before", "after"),
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Draw a before-and-after (dumbbell) chart from :func:`compare_rounds`.

    The first round is a hollow circle, the second a filled square, so the
    chart reads without colour. The change is written at the right.
    """
    if ax is None:
        fig = Figure(figsize=(7.5, 4.8), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    first, second = labels
    positions = list(range(len(comparison)))[::-1]
    for n, (y, (_, row)) in enumerate(zip(positions, comparison.iterrows(), strict=True)):
        if pd.notna(row["before"]) and pd.notna(row["after"]):
            ax.plot([row["before"], row["after"]], [y, y], color="#9a9a9a", linewidth=2, zorder=1)
        if pd.notna(row["before"]):
            ax.scatter(
                row["before"], y, s=70, facecolors="white", edgecolors=PALETTE["orange"], linewidths=2,
                zorder=2, label=plain(first.capitalize()) if n == 0 else None,
            )  # fmt: skip
        if pd.notna(row["after"]):
            ax.scatter(
                row["after"], y, s=70, marker="s", color=PALETTE["blue"], zorder=3,
                label=plain(second.capitalize()) if n == 0 else None,
            )  # fmt: skip
        change = row["change"]
        note = "not in both" if pd.isna(change) else f"{change:+.1f}"
        ax.text(MAX_SCORE + 0.35, y, note, va="center", fontsize=10)
    ax.set_yticks(positions, [plain(name) for name in comparison["name"]])
    ax.set_xticks(range(MIN_SCORE, MAX_SCORE + 1))
    ax.set_xlim(MIN_SCORE - 0.3, MAX_SCORE + 0.9)
    ax.grid(axis="x", visible=True)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("Average score (1 = not started, 5 = part of how we work)")
    ax.set_ylabel("Theme")
    ax.set_title(plain(title or f"Data maturity, {first} and {second}"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    return fig


def figure_html(fig: Figure, alt: str) -> str:
    """Return a figure as an HTML image with alt text, for use inside widgets."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{escape(alt)}" style="max-width:100%">'


# Saving, exporting -------------------------------------------------------


def check_round_entry(
    round_name: Any, assessed_on: Any, respondent: Any, answers: Mapping[str, Any]
) -> list[str]:
    """Check one person's entry in the widget; return the problems in plain words."""
    problems = []
    if not str(round_name or "").strip():
        problems.append("Give the round a name, such as 'before' or 'after'.")
    text = str(assessed_on or "").strip()
    if not _DATE_RULE.match(text):
        problems.append("Write the date as year-month-day, for example 2026-01-15.")
    else:
        try:
            when = date.fromisoformat(text)
        except ValueError:
            problems.append(f"{text} is not a real date. Check the month and the day.")
        else:
            latest = date.today().replace(year=date.today().year + 1, day=min(date.today().day, 28))
            if not EARLIEST_DATE <= when <= latest:
                problems.append(
                    f"{text} cannot be the day you answered. Write the date you answered, "
                    f"between {EARLIEST_DATE.isoformat()} and {latest.isoformat()}."
                )
    if not str(respondent or "").strip():
        problems.append(
            "Give the person's initials or role, such as 'Coordinator'. A full name is not needed."
        )
    if not any(value is not None for value in answers.values()):
        problems.append("Choose a level for at least one theme.")
    return problems


def responses_csv(responses: Mapping[str, Mapping[str, int]], round_name: str, assessed_on: str) -> str:
    """Return the answers of one round as CSV text: one row per person and theme."""
    rows = [
        {
            "round": round_name,
            "assessed_on": assessed_on,
            "respondent": person,
            "theme": theme,
            "score": score,
        }
        for person, answers in responses.items()
        for theme, score in answers.items()
    ]
    frame = pd.DataFrame(rows, columns=["round", "assessed_on", "respondent", "theme", "score"])
    # A round or a name such as =HYPERLINK(...) stays text when the file is opened in a spreadsheet.
    return frame.map(csv_cell).to_csv(index=False)


def summary_markdown(
    scores: MaturityScores,
    framework: Mapping[str, Any] | None = None,
    round_name: str = "",
    assessed_on: str = "",
) -> str:
    """Return a printable summary of one round: scores, spread, strengths and next steps.

    The round's name is escaped for Markdown (template ``templates/maturity-round.md.j2``).
    """
    framework = framework or load_framework()
    advice = theme_advice(scores, framework)
    picks = strengths_and_priorities(scores)
    names = scores.table["name"]
    rows = []
    for theme_id, row in scores.table.iterrows():
        if pd.isna(row["mean"]):
            rows.append({"name": row["name"], "scored": False})
        else:
            rows.append(
                {
                    "name": row["name"],
                    "scored": True,
                    "mean": _fmt(row["mean"]),
                    "lowest": int(row["lowest"]),
                    "highest": int(row["highest"]),
                    "level": f"{row['level']} ({advice.loc[theme_id, 'level_name']})",
                }
            )
    return render_markdown(
        "maturity-round.md.j2",
        round_name=str(round_name or ""),
        assessed_on=str(assessed_on or ""),
        people=len(scores.respondents),
        rows=rows,
        strengths=[names[t] for t in picks["strengths"]],
        priorities=[{"name": names[t], "step": advice.loc[t, "next_step"]} for t in picks["priorities"]],
        talk_about=[names[t] for t in picks["talk_about"]],
        advice=[
            {"name": row["name"], "where": row["where_you_are"], "step": row["next_step"]}
            for _, row in advice.iterrows()
        ],
        problems=scores.problems,
    )


def saved_rounds(store: AnswerStore | Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the saved rounds, oldest date first, from a store or its answers."""
    answers = store.as_dict() if isinstance(store, AnswerStore) else dict(store)
    rounds = {
        key: value
        for key, value in answers.items()
        if isinstance(value, Mapping) and isinstance(value.get("responses"), Mapping)
    }
    return dict(sorted(rounds.items(), key=lambda item: (str(item[1].get("assessed_on", "")), item[0])))


def latest_scores(
    store: AnswerStore | Mapping[str, Any], framework: Mapping[str, Any] | None = None
) -> tuple[str, MaturityScores] | None:
    """Return the name and scores of the most recent saved round, or None if there is none."""
    rounds = saved_rounds(store)
    for name in reversed(list(rounds)):
        try:
            return name, score_responses(rounds[name]["responses"], framework)
        except ValueError:
            continue
    return None


# The widget --------------------------------------------------------------


class SavedRound(BaseModel):
    """One saved round: its name, the date, and each person's scores.

    A score that is not 1 to 5 (a hand-edited "two", say) does not stop the
    file loading: :func:`score_responses` leaves it out and says why.
    """

    model_config = ConfigDict(extra="allow")

    round: StrictStr = ""
    assessed_on: StrictStr = ""
    responses: dict[str, dict[str, StrictInt | StrictFloat | StrictStr | None]]


class SavedRounds(RootModel[dict[str, SavedRound]]):
    """The shape of ``maturity-assessment.json``: round names, each with its round."""


class MaturityAssessment(AnswerWidget):
    """A self-assessment form: several people answer, the results are combined.

    Each person picks, for every theme, the level that sounds most like
    your organisation today. Answers are saved by round (for example
    ``before`` and ``after``), so you can assess again later and compare.

    >>> MaturityAssessment().widget  # doctest: +SKIP
    """

    store_name = STORE_NAME
    schema = SavedRounds

    def __init__(self, framework: Mapping[str, Any] | None = None, folder: str | Path | None = None) -> None:
        self.framework = framework or load_framework()
        super().__init__(folder)
        #: True just after a person's answers were saved and the form cleared
        #: (a second click on Add then changes nothing, and says nothing wrong).
        self._just_saved = False
        names = self.framework["level_names"]
        self.round_name = labelled(
            widgets.Text, value="before", description="Round", placeholder="before, after, ..."
        )
        self.assessed_on = labelled(widgets.Text, value=date.today().isoformat(), description="Date")
        self.respondent = labelled(
            widgets.Text, description="Who", placeholder="initials or role, e.g. Coordinator"
        )
        self.questions: dict[str, widgets.RadioButtons] = {}
        boxes = []
        for theme in self.framework["themes"]:
            # The long descriptions go in the text, where they wrap; the buttons stay short.
            levels = "".join(
                f"<li><strong>{escape(names[lvl['score']])}:</strong> {escape(lvl['summary'])}</li>"
                for lvl in theme["levels"]
            )
            options = [(f"{lvl['score']}. {names[lvl['score']]}", lvl["score"]) for lvl in theme["levels"]]
            radio = labelled(widgets.RadioButtons, options=options, value=None, description="Your answer")
            self.questions[theme["id"]] = radio
            boxes.append(
                widgets.HTML(
                    f"<h4>{escape(theme['name'])}</h4><p>{escape(theme['question'])}</p><ol>{levels}</ol>"
                )
            )
            boxes.append(radio)
        self.add_button = button("Add these answers", button_style="primary", icon="check")
        self.add_button.on_click(self._on_add)
        self.results = widgets.HTML()
        self.saved = labelled(widgets.Dropdown, description="Saved", options=[])
        self.show_button = button("Show this round")
        self.show_button.on_click(self._on_show)
        self.compare_first = labelled(widgets.Dropdown, description="First", options=[])
        self.compare_second = labelled(widgets.Dropdown, description="Then", options=[])
        self.compare_button = button("Compare rounds", icon="exchange")
        self.compare_button.on_click(self._on_compare)
        self.comparison = widgets.HTML()
        #: The alt text of the last chart drawn (also on the image itself).
        self.last_alt_text = ""
        self._form = [
                widgets.HTML(
                    "<p>Each person answers on their own. Pick the level that sounds most like your "
                    "organisation <em>today</em>, not where you hope to be.</p>"
                ),
                widgets.HBox([self.round_name, self.assessed_on]),
                self.respondent,
                *boxes,
                self.add_button,
                self.feedback,
                self.results,
                self.downloads,
                widgets.HTML("<h4>Saved rounds</h4>"),
                widgets.HBox([self.saved, self.show_button]),
                widgets.HTML("<h4>Compare two rounds</h4>"),
                widgets.HBox([self.compare_first, self.compare_second, self.compare_button]),
                self.comparison,
        ]  # fmt: skip
        self._refresh_rounds()
        rounds = self.rounds()
        if rounds:
            latest = list(rounds)[-1]
            self.saved.value = latest
            self.show_round(latest)
            if self.store is not None and not self.store.message:
                self.notice.info(
                    f"Loaded {len(rounds)} saved {'round' if len(rounds) == 1 else 'rounds'}. "
                    "The latest is shown below."
                )

    def form(self) -> list[widgets.Widget]:
        """The questions, the Add button with its feedback, the results, saved rounds and comparison."""
        return self._form

    def answers(self) -> dict[str, Any]:
        """The person's answers on screen, as the round they would be saved in."""
        name = self.round_name.value.strip()
        scores = {t: radio.value for t, radio in self.questions.items() if radio.value is not None}
        return {
            name: {
                "round": name,
                "assessed_on": self.assessed_on.value.strip(),
                "responses": {self.respondent.value.strip(): scores},
            }
        }

    # Helpers

    def rounds(self) -> dict[str, dict[str, Any]]:
        """The saved rounds, oldest first (read again if the file changed, for example by an upload)."""
        if self.store is None:
            return {}
        if self.store.changed_on_disk():
            self.store.reload()
            if self.store.message:
                self.notice.info(self.store.message)
        return saved_rounds(self.store)

    def _refresh_rounds(self) -> None:
        rounds = self.rounds()
        options = [(f"{name} ({value.get('assessed_on', '')})", name) for name, value in rounds.items()]
        for dropdown in (self.saved, self.compare_first, self.compare_second):
            current = dropdown.value
            dropdown.options = options
            if current in rounds:
                dropdown.value = current
        if len(options) >= 2:
            self.compare_first.value = options[0][1]
            self.compare_second.value = options[-1][1]

    # Actions

    def _on_add(self, _button: Any = None) -> None:
        answers = {theme_id: radio.value for theme_id, radio in self.questions.items()}
        blank = not self.respondent.value.strip() and all(v is None for v in answers.values())
        if blank and self._just_saved:
            # A double click: the answers are saved and the form is clear. Keep the success note.
            return
        self._just_saved = False
        problems = check_round_entry(
            self.round_name.value, self.assessed_on.value, self.respondent.value, answers
        )
        if problems:
            self.feedback.problem(problems)
            return
        name = self.round_name.value.strip()
        person = self.respondent.value.strip()
        assessed_on = self.assessed_on.value.strip()
        scores = {theme: score for theme, score in answers.items() if score is not None}
        outcome: dict[str, Any] = {}

        def add_person(latest: dict[str, Any]) -> dict[str, Any]:
            # The newest file, read under a lock: rounds saved by another copy
            # of this notebook, or uploaded since the cell ran, are kept.
            entry = latest.get(name)
            entry = dict(entry) if isinstance(entry, Mapping) else {"round": name, "responses": {}}
            responses = dict(entry.get("responses") or {})
            outcome["replaced"] = person in responses
            responses[person] = scores
            entry.update(round=name, assessed_on=assessed_on, responses=responses)
            outcome["people"] = len(responses)
            return {name: entry}

        if not save_answers(self.store, {}, self.feedback, change=add_person):
            self.offer_downloads(unsaved=self.answers())
            return
        self._just_saved = True
        replaced = outcome["replaced"]
        missing = [
            self.framework["themes"][i]["name"] for i, t in enumerate(self.questions) if answers[t] is None
        ]
        notes = [f"{person}'s answers are saved in round '{name}'."]
        if replaced:
            notes.append(f"They replace {person}'s earlier answers in this round.")
        if missing:
            notes.append(f"Not answered: {', '.join(missing)}. Enter the same name again to add them.")
        notes.append(f"{_people(outcome['people'])} answered. Next person: clear the form and start again.")
        if self.store is not None and self.store.merged:
            notes.append(
                f"{self.store.path.name} had changed since this form opened (for example, you uploaded "
                "it): every round in it is kept, and yours is added."
            )
        self.feedback.ok(" ".join(notes))
        for radio in self.questions.values():
            radio.value = None
        self.respondent.value = ""
        self._refresh_rounds()
        self.saved.value = name
        self.show_round(name)

    def _on_show(self, _button: Any = None) -> None:
        if not self.saved.value:
            self.feedback.problem("There are no saved rounds yet. Add some answers first.")
            return
        self.show_round(self.saved.value)

    def show_round(self, name: str) -> None:
        """Show the chart, advice and download links for one saved round."""
        entry = self.rounds().get(name)
        if entry is None:
            self.feedback.problem(f"There is no saved round called {name!r}.")
            return
        try:
            scores = score_responses(entry["responses"], self.framework)
            fig = plot_profile(scores, title=f"Data maturity: {name}")
        except ValueError as exc:
            self.feedback.problem(str(exc))
            return
        self.last_alt_text = profile_alt_text(scores)
        advice = theme_advice(scores, self.framework)
        picks = strengths_and_priorities(scores)

        def items(ids: list[str], with_step: bool = False) -> str:
            return "".join(
                f"<li><strong>{escape(advice.loc[t, 'name'])}</strong>"
                + (f": {escape(advice.loc[t, 'next_step'])}" if with_step else "")
                + "</li>"
                for t in ids
            )

        parts = [figure_html(fig, self.last_alt_text), f"<p>{escape(self.last_alt_text)}</p>"]
        parts.append(f"<p><strong>Strengths</strong></p><ul>{items(picks['strengths'])}</ul>")
        parts.append(
            f"<p><strong>Priorities and a next step</strong></p><ul>{items(picks['priorities'], True)}</ul>"
        )
        if picks["talk_about"]:
            parts.append(
                "<p><strong>Talk about these</strong> (people gave scores 2 or more apart)</p>"
                f"<ul>{items(picks['talk_about'])}</ul>"
            )
        self.results.value = "".join(parts)
        assessed_on = str(entry.get("assessed_on", ""))
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "round"
        summary = summary_markdown(scores, self.framework, name, assessed_on)
        links = [
            download_link(
                markdown_to_html(summary, f"Data maturity self-assessment: {name}"),
                f"maturity-{slug}.html",
                "text/html",
                "Download the summary to print (HTML)",
            ),
            download_link(summary, f"maturity-{slug}.md", "text/markdown", "Download the summary (Markdown)"),
            download_link(
                responses_csv(scores.responses, name, assessed_on),
                f"maturity-{slug}.csv",
                "text/csv",
                "Download the answers (CSV)",
            ),
        ]
        if self.store is not None:
            links.append(self.store.download_link())
        show_downloads(self.downloads, links)

    def _on_compare(self, _button: Any = None) -> None:
        first, second = self.compare_first.value, self.compare_second.value
        rounds = self.rounds()
        if len(rounds) < 2:
            self.feedback.problem(
                f"You need two saved rounds to compare, and you have {len(rounds)}. "
                "Assess again later, as a new round (for example 'after')."
            )
            return
        if first not in rounds or second not in rounds or first == second:
            self.feedback.problem("Choose two different rounds to compare.")
            return
        try:
            before = score_responses(rounds[first]["responses"], self.framework)
            after = score_responses(rounds[second]["responses"], self.framework)
        except ValueError as exc:
            self.feedback.problem(str(exc))
            return
        table = compare_rounds(before, after)
        self.last_alt_text = comparison_alt_text(table, (first, second))
        fig = plot_comparison(table, (first, second), title=f"Data maturity: {first} and {second}")
        self.comparison.value = figure_html(fig, self.last_alt_text) + f"<p>{escape(self.last_alt_text)}</p>"
        self.feedback.info(f"Comparing '{first}' with '{second}'.")
