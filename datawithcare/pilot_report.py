"""The pilot learning report: what a cohort's saved forms say changed, and for whom.

A trainer keeps three small files for each cohort, typed up from the
course's plain-English forms (see the trainer's guide, "Forms for
capturing the learning"):

``learners.csv``
    One row per learner, with a code instead of a name (``L01``), the
    organisation's code (``ORG01``), and three "about you" answers.
``confidence.csv``
    One row per learner and round (``before`` or ``after``): how
    confident they feel, from 1 to 5, on each of the course's statements.
``feedback.csv``
    One row per anonymous end-of-session form: how useful, the pace,
    whether the language was easy to follow, and two comments.

The organisations' data maturity, before and after, comes from the
maturity cohort table (``load_dataset("maturity_cohort")``, or a file in
the same shape).

:func:`read_cohort` reads and checks the folder, and explains in plain
words what is wrong with a file. The other functions compare before and
after **on the same people and the same organisations only**, count who
dropped out, say how many answers were left blank, and never show a group
smaller than :data:`MIN_GROUP`. :func:`make_sample_cohort` makes the
synthetic cohort the course ships, from a seed.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from datawithcare.paths import repo_root

__all__ = [
    "CONFIDENCE_ITEMS",
    "CONFIDENCE_NAMES",
    "MIN_GROUP",
    "Cohort",
    "CohortFileError",
    "confidence_by_group",
    "confidence_change",
    "comments",
    "dropouts",
    "make_sample_cohort",
    "maturity_by_group",
    "maturity_change",
    "missing_answers",
    "protect_groups",
    "read_cohort",
    "read_maturity",
    "sample_cohort_folder",
    "session_feedback",
    "what_changed",
    "what_did_not_work",
    "write_sample_cohort",
]

#: The smallest group of organisations, or of learners, a report may show.
#: It is the course's rule for cohort reports (the cohort view notebook's
#: ``min_group`` and the trainer's guide on evaluation): no group smaller
#: than three.
MIN_GROUP = 3

#: The seed of the synthetic cohort that the course ships.
SAMPLE_SEED = 2026

#: Where the course keeps the synthetic cohort's files.
SAMPLE_FOLDER = repo_root() / "book" / "trainers" / "sample-cohort"

#: The confidence statements, in the order of the form: column name -> words on the form.
CONFIDENCE_ITEMS: dict[str, str] = {
    "least_data": "Explain to a colleague why we collect only the data we need",
    "lawful_basis": "Say which lawful basis we rely on when we use people's data",
    "breach": "Know what to do if personal data is lost or sent to the wrong person",
    "analysis": "Count and group our own records to answer a question",
    "charts": "Make a clear chart that tells the truth",
    "share_safely": "Share numbers with a funder without putting anyone at risk",
}

#: Short names for the statements, for charts.
CONFIDENCE_NAMES: dict[str, str] = {
    "least_data": "Why we collect the least data",
    "lawful_basis": "Lawful basis",
    "breach": "When data goes astray",
    "analysis": "Counting our records",
    "charts": "Honest charts",
    "share_safely": "Sharing numbers safely",
}

#: The answer scale for confidence (the form shows the words).
CONFIDENCE_SCALE: dict[int, str] = {
    1: "Not at all confident",
    2: "A little confident",
    3: "Fairly confident",
    4: "Confident",
    5: "Very confident",
}

#: The "about you" questions on the learner register, and the answers each allows.
#: A blank cell means the learner did not answer (or preferred not to say).
LEARNER_GROUPS: dict[str, tuple[str, ...]] = {
    "role": ("leads the organisation", "paid staff", "volunteer"),
    "english": ("first language", "additional language"),
    "coded_before": ("yes", "no"),
}

#: Plain names for the "about you" questions, for tables and charts.
GROUP_NAMES: dict[str, str] = {
    "role": "Role in the organisation",
    "english": "English as a first or additional language",
    "coded_before": "Had written code before",
    "org_type": "Type of organisation",
    "staff_band": "Staff and regular volunteers",
}

ROUNDS = ("before", "after")
SESSIONS = tuple(range(1, 7))
PACE = ("too slow", "about right", "too fast")
LANGUAGE = ("yes", "partly", "no")

#: Label for the group of answers left blank.
NOT_ANSWERED = "not answered"

_FILES: dict[str, list[str]] = {
    "learners.csv": ["learner", "org_id", "role", "english", "coded_before", "sessions_attended"],
    "confidence.csv": ["learner", "round", *CONFIDENCE_ITEMS],
    "feedback.csv": ["session", "useful", "pace", "language", "hardest", "do_differently"],
}

_MATURITY_COLUMNS = ["org_id", "org_type", "staff_band", "round", "theme", "score"]

_FORMS_HELP = "The trainer's guide page 'Forms for capturing the learning' shows each file's columns."


class CohortFileError(ValueError):
    """A cohort file is missing, or holds something the report cannot use. The message says what to fix."""


@dataclass
class Cohort:
    """A cohort's three files, checked and tidied (text answers in lower case, blanks as missing)."""

    learners: pd.DataFrame
    confidence: pd.DataFrame
    feedback: pd.DataFrame
    folder: Path | None = None
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# Reading and checking the files
# --------------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise CohortFileError(
            f"The file {path.name!r} is not in {str(path.parent)!r}. A cohort folder needs "
            f"{', '.join(_FILES)}. {_FORMS_HELP}"
        )
    try:
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""], encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CohortFileError(
            f"{path.name} is not saved as UTF-8 text. In your spreadsheet, choose "
            "'Save as' and 'CSV UTF-8 (comma delimited)'."
        ) from error
    except pd.errors.EmptyDataError as error:
        raise CohortFileError(f"{path.name} is empty. It needs a header row and one row per form.") from error
    except pd.errors.ParserError as error:
        raise CohortFileError(
            f"{path.name} could not be read as a CSV file: {error}. Check for a stray comma or quote mark."
        ) from error
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def _check_columns(frame: pd.DataFrame, expected: list[str], name: str) -> pd.DataFrame:
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        raise CohortFileError(
            f"{name} has no column {', '.join(map(repr, missing))}. Its columns are "
            f"{', '.join(map(repr, frame.columns))}; it needs {', '.join(map(repr, expected))}. {_FORMS_HELP}"
        )
    if frame.empty:
        raise CohortFileError(f"{name} has a header row but no answers in it.")
    return frame[expected].copy()


def _rows(mask: pd.Series) -> str:
    """Spreadsheet row numbers (the header is row 1) of the rows where mask is true."""
    numbers = [str(i + 2) for i in np.flatnonzero(mask.to_numpy())]
    shown = ", ".join(numbers[:8])
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


def _text(frame: pd.DataFrame, column: str, allowed: tuple[str, ...], name: str) -> None:
    """Tidy a text column to lower case and check every answer is one the form allows."""
    values = frame[column].str.strip().str.lower().replace("", pd.NA)
    bad = values.notna() & ~values.isin(allowed)
    if bad.any():
        examples = ", ".join(map(repr, sorted(set(frame.loc[bad, column]))[:5]))
        raise CohortFileError(
            f"{name}, column {column!r}, rows {_rows(bad)}: {examples} is not an answer the form allows. "
            f"Use one of {', '.join(map(repr, allowed))}, or leave the cell blank if there was no answer."
        )
    frame[column] = values


def _numbers(frame: pd.DataFrame, column: str, low: int, high: int, name: str) -> None:
    """Turn a column of whole numbers from low to high into numbers; blanks stay missing."""
    raw = frame[column].str.strip().replace("", pd.NA)
    numbers = pd.to_numeric(raw, errors="coerce")
    bad = raw.notna() & (numbers.isna() | (numbers != numbers.round()) | (numbers < low) | (numbers > high))
    if bad.any():
        examples = ", ".join(map(repr, sorted(set(frame.loc[bad, column]))[:5]))
        raise CohortFileError(
            f"{name}, column {column!r}, rows {_rows(bad)}: {examples} is not a whole number from {low} to {high}. "
            "Type the number the person ticked, or leave the cell blank if they did not answer."
        )
    frame[column] = numbers.astype("Int64")


def _codes(frame: pd.DataFrame, column: str, pattern: str, example: str, name: str) -> None:
    codes = frame[column].str.strip().str.upper()
    bad = codes.isna() | ~codes.fillna("").str.fullmatch(pattern)
    if bad.any():
        raise CohortFileError(
            f"{name}, column {column!r}, rows {_rows(bad)}: every row needs a code like {example!r}. "
            "Use codes, never names: the files must not say who anyone is."
        )
    frame[column] = codes


def read_cohort(folder: str | Path) -> Cohort:
    """Read and check a cohort folder: ``learners.csv``, ``confidence.csv`` and ``feedback.csv``.

    Blank answers are allowed: they become missing values, and
    :func:`missing_answers` counts them. Anything else that the forms do
    not allow raises :class:`CohortFileError`, naming the file, the column,
    the spreadsheet rows and what to type instead.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CohortFileError(
            f"There is no folder {str(folder)!r}. Give the folder that holds the cohort's "
            f"{', '.join(_FILES)}."
        )

    learners = _check_columns(_read_csv(folder / "learners.csv"), _FILES["learners.csv"], "learners.csv")
    _codes(learners, "learner", r"L\d{2,3}", "L07", "learners.csv")
    _codes(learners, "org_id", r"ORG\d{2,3}", "ORG03", "learners.csv")
    repeated = learners["learner"].duplicated(keep=False)
    if repeated.any():
        raise CohortFileError(
            f"learners.csv lists the same learner code more than once (rows {_rows(repeated)}): "
            f"{', '.join(sorted(set(learners.loc[repeated, 'learner'])))}. Give each learner one row."
        )
    for column, allowed in LEARNER_GROUPS.items():
        _text(learners, column, allowed, "learners.csv")
    _numbers(learners, "sessions_attended", 0, len(SESSIONS), "learners.csv")

    confidence = _check_columns(
        _read_csv(folder / "confidence.csv"), _FILES["confidence.csv"], "confidence.csv"
    )
    _codes(confidence, "learner", r"L\d{2,3}", "L07", "confidence.csv")
    confidence["round"] = confidence["round"].str.strip().str.lower()
    bad_round = ~confidence["round"].isin(ROUNDS)
    if bad_round.any():
        raise CohortFileError(
            f"confidence.csv, column 'round', rows {_rows(bad_round)}: the round must be 'before' "
            "(the form at the start of the course) or 'after' (the form at the end)."
        )
    for column in CONFIDENCE_ITEMS:
        _numbers(confidence, column, 1, 5, "confidence.csv")
    twice = confidence.duplicated(["learner", "round"], keep=False)
    if twice.any():
        raise CohortFileError(
            f"confidence.csv has two forms from the same learner in the same round (rows {_rows(twice)}). "
            "Keep one form per learner per round, or the before-and-after comparison would count them twice."
        )
    unknown = ~confidence["learner"].isin(learners["learner"])
    if unknown.any():
        raise CohortFileError(
            f"confidence.csv, rows {_rows(unknown)}: learner code(s) "
            f"{', '.join(sorted(set(confidence.loc[unknown, 'learner'])))} are not in learners.csv. "
            "Add them to learners.csv, or correct the code."
        )

    feedback = _check_columns(_read_csv(folder / "feedback.csv"), _FILES["feedback.csv"], "feedback.csv")
    _numbers(feedback, "session", SESSIONS[0], SESSIONS[-1], "feedback.csv")
    if feedback["session"].isna().any():
        raise CohortFileError(
            f"feedback.csv, rows {_rows(feedback['session'].isna())}: every form needs its session number (1 to 6)."
        )
    _numbers(feedback, "useful", 1, 5, "feedback.csv")
    _text(feedback, "pace", PACE, "feedback.csv")
    _text(feedback, "language", LANGUAGE, "feedback.csv")
    for column in ("hardest", "do_differently"):
        feedback[column] = feedback[column].str.strip().replace("", pd.NA)

    return Cohort(learners=learners, confidence=confidence, feedback=feedback, folder=folder)


def read_maturity(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Check a maturity table (the shape of ``maturity_cohort``): a file path or a DataFrame.

    It needs one row per organisation, round and theme, with a score from 1 to 5.
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c).strip().lower() for c in frame.columns]
        name = "The maturity table"
        frame = _check_columns(frame, _MATURITY_COLUMNS, name)
        frame = frame.astype({c: "string" for c in _MATURITY_COLUMNS if c != "score"})
        frame["score"] = frame["score"].astype("string")
    else:
        path = Path(source)
        name = path.name
        frame = _check_columns(_read_csv(path), _MATURITY_COLUMNS, name)
    _codes(frame, "org_id", r"ORG\d{2,3}", "ORG03", name)
    frame["round"] = frame["round"].str.strip().str.lower()
    bad = ~frame["round"].isin(ROUNDS)
    if bad.any():
        raise CohortFileError(
            f"{name}, column 'round', rows {_rows(bad)}: the round must be 'before' or 'after'."
        )
    _numbers(frame, "score", 1, 5, name)
    twice = frame.duplicated(["org_id", "round", "theme"], keep=False)
    if twice.any():
        raise CohortFileError(
            f"{name} has the same organisation, round and theme more than once (rows {_rows(twice)}). "
            "Keep one score per organisation, round and theme."
        )
    return frame


# --------------------------------------------------------------------------
# Small-number protection
# --------------------------------------------------------------------------


def protect_groups(
    sizes: Mapping[str, int] | pd.Series, min_group: int = MIN_GROUP, other: str = "other answers combined"
) -> dict[str, str | None]:
    """Decide how each group may be shown so that no shown group is smaller than ``min_group``.

    Returns a mapping from each group to the label it is reported under:

    * a group of ``min_group`` or more keeps its own label;
    * groups that are too small are combined into one, labelled ``other``;
    * if that combined group is still too small, the smallest shown group joins it;
    * if the whole set is smaller than ``min_group``, nothing is shown (every label is None).

    Combining, rather than only hiding, matters: if the total and every group
    but one were shown, anyone could work the hidden group out by subtraction.
    """
    if isinstance(min_group, bool) or not isinstance(min_group, int | np.integer) or min_group < 1:
        raise ValueError(f"min_group must be a whole number, 1 or more; you gave {min_group!r}.")
    sizes = pd.Series(sizes, dtype="int64")
    sizes = sizes[sizes > 0]
    if sizes.sum() < min_group:
        return {str(group): None for group in sizes.index}
    big = sizes[sizes >= min_group].sort_values()
    small = sizes[sizes < min_group]
    labels: dict[str, str | None] = {str(group): str(group) for group in big.index}
    if small.empty:
        return labels
    if small.sum() < min_group:
        joined = str(big.index[0])
        other = f"{joined}, with {other}"
        labels[joined] = other
    for group in small.index:
        labels[str(group)] = other
    return labels


def _protected_means(
    frame: pd.DataFrame, by: str, unit: str, values: list[str], min_group: int, other: str
) -> tuple[pd.DataFrame, list[str]]:
    """Average ``values`` for each group of ``by``, counting ``unit`` (learner or org_id) per group."""
    frame = frame.copy()
    frame[by] = frame[by].astype("object").where(frame[by].notna(), NOT_ANSWERED).astype(str)
    sizes = frame.groupby(by)[unit].nunique()
    labels = protect_groups(sizes, min_group, other)
    notes = []
    small = sorted(str(g) for g in sizes.index[sizes < min_group])
    if all(label is None for label in labels.values()):
        notes.append(f"{GROUP_NAMES.get(by, by)}: fewer than {min_group} in all, so no breakdown is shown.")
        return pd.DataFrame(columns=["group", "count", *values]).set_index("group"), notes
    if small:
        joined = sorted(g for g, label in labels.items() if label not in (g, other) and g not in small)
        notes.append(
            f"{GROUP_NAMES.get(by, by)}: the groups with fewer than {min_group} ({', '.join(small)}) are "
            f"combined into '{labels[small[0]]}', so that none can be picked out."
            + (f" That was still too few, so '{joined[0]}' joins them." if joined else "")
        )
    frame["group"] = frame[by].map(labels)
    table = frame.groupby("group").agg(count=(unit, "nunique"), **{v: (v, "mean") for v in values})
    assert (table["count"] >= min_group).all()
    return table.sort_values("count", ascending=False), notes


# --------------------------------------------------------------------------
# Learners: who answered, who dropped out, what changed
# --------------------------------------------------------------------------


def dropouts(cohort: Cohort) -> pd.Series:
    """Count the learners: registered, answered before, after, both; and who has only one form.

    ``dropped out`` means a learner who answered the first form but not the last.
    ``after only`` means a learner who missed the first form (joined late, or was away).
    Only the ``both`` learners are compared, before and after.
    """
    rounds = cohort.confidence.groupby("learner")["round"].agg(set)
    before = rounds.map(lambda r: "before" in r)
    after = rounds.map(lambda r: "after" in r)
    return pd.Series(
        {
            "registered": len(cohort.learners),
            "answered before": int(before.sum()),
            "answered after": int(after.sum()),
            "answered both": int((before & after).sum()),
            "dropped out": int((before & ~after).sum()),
            "after only": int((~before & after).sum()),
            "no form at all": int((~cohort.learners["learner"].isin(rounds.index)).sum()),
        },
        name="learners",
    )


def _paired(cohort: Cohort) -> pd.DataFrame:
    """One row per learner who answered both rounds: each item before and after, and the change."""
    wide = cohort.confidence.pivot(index="learner", columns="round", values=list(CONFIDENCE_ITEMS))
    both = cohort.confidence.groupby("learner")["round"].nunique() == len(ROUNDS)
    wide = wide.loc[both[both].index]
    rows = {}
    for item in CONFIDENCE_ITEMS:
        rows[(item, "before")] = wide[(item, "before")]
        rows[(item, "after")] = wide[(item, "after")]
        rows[(item, "change")] = wide[(item, "after")] - wide[(item, "before")]
    return pd.DataFrame(rows).astype("Float64")


def missing_answers(cohort: Cohort) -> tuple[pd.Series, str]:
    """Count the blank confidence answers among the learners compared; return them and a plain message."""
    paired = _paired(cohort)
    counts = pd.Series(
        {item: int(paired[(item, "change")].isna().sum()) for item in CONFIDENCE_ITEMS}, name="blank answers"
    )
    if counts.sum() == 0:
        return counts, "Every learner compared answered every statement, before and after."
    worst = counts.idxmax()
    total = int(counts.sum())
    message = (
        f"{total} {'answer was' if total == 1 else 'answers were'} left blank by learners who filled in "
        "both forms. A learner who left a "
        "statement blank, before or after, is left out of that statement only, and still counts for the others. "
        f"The statement left blank most often: '{CONFIDENCE_ITEMS[worst]}' "
        f"({counts[worst]} {'time' if counts[worst] == 1 else 'times'})."
    )
    return counts, message


def confidence_change(cohort: Cohort, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Compare confidence before and after, on the same learners, one row per statement.

    Columns: ``learners`` (who answered the statement both times), ``before``
    and ``after`` (averages, 1 to 5), ``change``, and ``moved_up`` (% of those
    learners whose answer went up). A statement answered by fewer than
    ``min_group`` learners both times is not shown (its numbers are missing).
    """
    paired = _paired(cohort)
    rows = []
    for item, words in CONFIDENCE_ITEMS.items():
        pair = paired[[(item, "before"), (item, "after"), (item, "change")]].dropna()
        count = len(pair)
        shown = count >= min_group
        rows.append(
            {
                "name": CONFIDENCE_NAMES[item],
                "statement": words,
                "learners": count,
                "before": pair[(item, "before")].mean() if shown else np.nan,
                "after": pair[(item, "after")].mean() if shown else np.nan,
                "change": pair[(item, "change")].mean() if shown else np.nan,
                "moved_up": (pair[(item, "change")] > 0).mean() * 100 if shown else np.nan,
            }
        )
    table = pd.DataFrame(rows, index=list(CONFIDENCE_ITEMS))
    return table.astype({c: "float64" for c in ("before", "after", "change", "moved_up")})


def confidence_by_group(
    cohort: Cohort, by: str, min_group: int = MIN_GROUP
) -> tuple[pd.DataFrame, list[str]]:
    """Average confidence before, after and change, for each answer to one "about you" question.

    Only learners who answered both rounds count. Each learner's score is the
    average of the statements they answered both times. Groups smaller than
    ``min_group`` learners are combined (see :func:`protect_groups`); the
    notes say so, in words for the report.
    """
    if by not in LEARNER_GROUPS:
        raise ValueError(f"by must be one of {', '.join(map(repr, LEARNER_GROUPS))}; you gave {by!r}.")
    paired = _paired(cohort)
    per_learner = pd.DataFrame(
        {
            "before": paired.xs("before", axis=1, level=1)
            .where(paired.xs("change", axis=1, level=1).notna())
            .mean(axis=1),
            "after": paired.xs("after", axis=1, level=1)
            .where(paired.xs("change", axis=1, level=1).notna())
            .mean(axis=1),
        }
    ).dropna()
    per_learner["change"] = per_learner["after"] - per_learner["before"]
    per_learner = per_learner.reset_index().merge(cohort.learners[["learner", by]], on="learner")
    table, notes = _protected_means(
        per_learner, by, "learner", ["before", "after", "change"], min_group, "other answers combined"
    )
    return table.rename(columns={"count": "learners"}), notes


# --------------------------------------------------------------------------
# Organisations: data maturity before and after
# --------------------------------------------------------------------------


def _maturity_pairs(maturity: pd.DataFrame) -> pd.DataFrame:
    wide = maturity.pivot_table(
        index=["org_id", "theme"], columns="round", values="score", aggfunc="first", observed=True
    )
    for name in ROUNDS:
        if name not in wide.columns:
            wide[name] = np.nan
    wide = wide[list(ROUNDS)].astype("float64").dropna().reset_index()
    wide["change"] = wide["after"] - wide["before"]
    return wide


def _theme_names() -> dict[str, str]:
    """The course framework's theme names (``uses`` -> "Using data")."""
    from datawithcare.maturity import load_framework

    return {theme["id"]: theme["name"] for theme in load_framework()["themes"]}


def maturity_change(maturity: pd.DataFrame, min_group: int = MIN_GROUP) -> tuple[pd.DataFrame, pd.Series]:
    """Compare data maturity before and after, by theme, on organisations assessed both times.

    Returns the table by theme (``organisations``, ``before``, ``after``,
    ``change``, ``moved_up`` %) and a count of organisations (assessed
    before, after, both, dropped out). A theme with fewer than ``min_group``
    organisations assessed both times is not shown.
    """
    maturity = read_maturity(maturity)
    rounds = maturity.groupby("org_id")["round"].agg(set)
    before = rounds.map(lambda r: "before" in r)
    after = rounds.map(lambda r: "after" in r)
    counts = pd.Series(
        {
            "organisations": len(rounds),
            "assessed before": int(before.sum()),
            "assessed after": int(after.sum()),
            "assessed both": int((before & after).sum()),
            "dropped out": int((before & ~after).sum()),
            "after only": int((~before & after).sum()),
        },
        name="organisations",
    )
    pairs = _maturity_pairs(maturity)
    order = list(dict.fromkeys(maturity["theme"]))
    table = pairs.groupby("theme").agg(
        organisations=("org_id", "nunique"),
        before=("before", "mean"),
        after=("after", "mean"),
        change=("change", "mean"),
        moved_up=("change", lambda c: (c > 0).mean() * 100),
    )
    table = table.reindex(order)
    table.insert(0, "name", [_theme_names().get(theme, theme) for theme in table.index])
    table["organisations"] = table["organisations"].fillna(0).astype(int)
    small = table["organisations"] < min_group
    table.loc[small, ["before", "after", "change", "moved_up"]] = np.nan
    return table, counts


def maturity_by_group(
    maturity: pd.DataFrame, by: str = "org_type", min_group: int = MIN_GROUP
) -> tuple[pd.DataFrame, list[str]]:
    """Average maturity change (all themes) for each type or size of organisation, small groups combined."""
    if by not in ("org_type", "staff_band"):
        raise ValueError(f"by must be 'org_type' or 'staff_band'; you gave {by!r}.")
    maturity = read_maturity(maturity)
    per_org = _maturity_pairs(maturity).groupby("org_id")[["before", "after", "change"]].mean().reset_index()
    per_org = per_org.merge(maturity.drop_duplicates("org_id")[["org_id", by]], on="org_id")
    other = "other types combined" if by == "org_type" else "other sizes combined"
    table, notes = _protected_means(per_org, by, "org_id", ["before", "after", "change"], min_group, other)
    return table.rename(columns={"count": "organisations"}), notes


# --------------------------------------------------------------------------
# Session feedback
# --------------------------------------------------------------------------


def session_feedback(cohort: Cohort, min_group: int = MIN_GROUP) -> pd.DataFrame:
    """Summarise the end-of-session forms, one row per session.

    Columns: ``forms``, ``useful`` (average, 1 to 5), ``too_fast`` and
    ``too_slow`` (% of forms that answered the pace question),
    ``language_hard`` (% who could follow the language only partly or not
    at all) and ``comments`` (how many forms had a comment). A session with
    fewer than ``min_group`` forms is not summarised.
    """
    fb = cohort.feedback
    rows = []
    for session in SESSIONS:
        forms = fb[fb["session"] == session]
        count = len(forms)
        shown = count >= min_group
        pace = forms["pace"].dropna()
        language = forms["language"].dropna()
        rows.append(
            {
                "session": session,
                "forms": count,
                "useful": forms["useful"].astype("float64").mean() if shown else np.nan,
                "too_fast": (pace == "too fast").mean() * 100 if shown and len(pace) else np.nan,
                "too_slow": (pace == "too slow").mean() * 100 if shown and len(pace) else np.nan,
                "language_hard": language.isin(["partly", "no"]).mean() * 100
                if shown and len(language)
                else np.nan,
                "comments": int(forms[["hardest", "do_differently"]].notna().any(axis=1).sum()),
            }
        )
    return pd.DataFrame(rows).set_index("session")


def comments(cohort: Cohort, session: int, column: str = "hardest") -> list[str]:
    """Return the comments written on one session's forms, for the trainer to read (not to publish)."""
    if column not in ("hardest", "do_differently"):
        raise ValueError("column must be 'hardest' or 'do_differently'.")
    fb = cohort.feedback
    return sorted(fb.loc[(fb["session"] == session) & fb[column].notna(), column].tolist())


# --------------------------------------------------------------------------
# Findings in words
# --------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    """'1 organisation', '3 organisations'."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _f(value: float) -> str:
    return f"{value:+.1f}" if value else "no change (0.0)"


def what_changed(
    confidence: pd.DataFrame, maturity: pd.DataFrame, learners: pd.Series, organisations: pd.Series
) -> list[str]:
    """Plain sentences on what changed, from :func:`confidence_change` and :func:`maturity_change`."""
    lines = []
    shown = confidence.dropna(subset=["change"])
    if not shown.empty:
        top = shown["change"].idxmax()
        lines.append(
            f"{learners['answered both']} learners filled in the confidence form at the start and at the end. "
            f"On average their confidence rose most on '{shown.loc[top, 'statement']}' "
            f"({shown.loc[top, 'before']:.1f} to {shown.loc[top, 'after']:.1f} out of 5)."
        )
        lines.append(
            f"Across all statements, confidence changed by {_f(shown['change'].mean())} points on a 1 to 5 scale."
        )
    themes = maturity.dropna(subset=["change"])
    if not themes.empty:
        top = themes["change"].idxmax()
        lines.append(
            f"{organisations['assessed both']} organisations assessed their data maturity before and after. "
            f"The theme that moved most was '{themes.loc[top, 'name']}' "
            f"({_f(themes.loc[top, 'change'])} levels on average; "
            f"{themes.loc[top, 'moved_up']:.0f}% of organisations moved up)."
        )
    return lines


def what_did_not_work(
    confidence: pd.DataFrame,
    maturity: pd.DataFrame,
    feedback: pd.DataFrame,
    learners: pd.Series,
    organisations: pd.Series,
) -> list[str]:
    """Plain sentences on what did not work: drop-outs, weak spots, sessions that went too fast."""
    lines = []
    if learners["answered before"]:
        share = learners["dropped out"] / learners["answered before"] * 100
        lines.append(
            f"{learners['dropped out']} of the {learners['answered before']} learners who filled in the first "
            f"form did not fill in the last one ({share:.0f}%). We do not know how their confidence changed."
        )
    if organisations["dropped out"]:
        lines.append(
            f"{_count(organisations['dropped out'], 'organisation')} did not repeat the maturity self-assessment, "
            "so their change is not counted."
        )
    shown = confidence.dropna(subset=["change"])
    if not shown.empty:
        low = shown["change"].idxmin()
        lines.append(
            f"Confidence rose least on '{shown.loc[low, 'statement']}' ({_f(shown.loc[low, 'change'])} points)."
        )
    themes = maturity.dropna(subset=["moved_up"])
    weak = themes[themes["moved_up"] < 50]
    if not weak.empty:
        lines.append(
            "Fewer than half of the organisations moved up on: "
            + ", ".join(f"'{t}'" for t in weak["name"])
            + "."
        )
    fast = feedback[feedback["too_fast"] >= 100 / 3 - 1e-9]  # a third or more
    for session, row in fast.iterrows():
        lines.append(f"Session {session} went too fast for {row['too_fast']:.0f}% of those who answered.")
    hard = feedback[feedback["language_hard"] >= 25]
    for session, row in hard.iterrows():
        lines.append(
            f"In session {session}, {row['language_hard']:.0f}% could follow the language only partly or not at all."
        )
    low_use = feedback[feedback["useful"] < 3.5]
    for session, row in low_use.iterrows():
        lines.append(
            f"Session {session} was rated less useful than the others ({row['useful']:.1f} out of 5)."
        )
    return lines


# --------------------------------------------------------------------------
# The synthetic cohort the course ships
# --------------------------------------------------------------------------

_HARDEST = {
    1: ["Saving and downloading my work", "Knowing which cell to run", "The words on the screen"],
    2: ["The difference between the five strands", "Talking about harm to communities"],
    3: ["Lawful bases", "Special category data", "The words of the law", "When to tell the ICO"],
    4: ["Error messages", "Cleaning dates", "It went too fast", "Typing the code exactly right"],
    5: ["Grouping", "Why the chart misled", "The linkage attack"],
    6: ["Writing who is missing from the data", "Choosing our routines"],
}
_DO_DIFFERENTLY = [
    "Stop collecting date of birth when age band is enough",
    "Keep the sign-in sheet in a locked drawer",
    "Write a retention schedule",
    "Check who can open our shared drive",
    "Ask before we take photos",
    "Count by month before the funder report",
    "Round small numbers in our annual report",
    "Tell volunteers what to do if they lose a list",
]


def make_sample_cohort(seed: int = SAMPLE_SEED, organisations: int = 15) -> dict[str, pd.DataFrame]:
    """Make a synthetic cohort's three files from a seed (same seed, same files, byte for byte).

    Each of ``organisations`` organisations (ORG01, ORG02, ...) sends one to
    three learners. Some learners drop out, one or two miss the first form,
    and some answers are left blank, as on real paper forms.
    """
    rng = np.random.default_rng(seed)
    per_org = rng.choice([1, 2, 3], size=organisations, p=[0.3, 0.45, 0.25])
    org_ids = np.repeat([f"ORG{i:02d}" for i in range(1, organisations + 1)], per_org)
    n = len(org_ids)
    learner_ids = [f"L{i:02d}" for i in range(1, n + 1)]
    first_of_org = np.r_[True, org_ids[1:] != org_ids[:-1]]
    role = np.where(
        first_of_org & (rng.random(n) < 0.7),
        "leads the organisation",
        rng.choice(["paid staff", "volunteer"], size=n, p=[0.45, 0.55]),
    )
    english = rng.choice(["first language", "additional language"], size=n, p=[0.35, 0.65]).astype(object)
    coded = rng.choice(["yes", "no"], size=n, p=[0.12, 0.88]).astype(object)
    english[rng.random(n) < 0.08] = ""
    coded[rng.random(n) < 0.06] = ""
    # Who stays: about one in five drops out after session 2 or 3.
    drops = rng.random(n) < 0.2
    attended = np.where(drops, rng.integers(1, 4, size=n), rng.choice([4, 5, 6], size=n, p=[0.1, 0.3, 0.6]))
    learners = pd.DataFrame(
        {
            "learner": learner_ids,
            "org_id": org_ids,
            "role": role,
            "english": english,
            "coded_before": coded,
            "sessions_attended": attended,
        }
    )

    # Confidence: a starting level per learner, a gain per statement.
    gains = np.array([1.4, 1.0, 1.3, 0.9, 1.0, 1.2])
    start = np.clip(rng.normal(2.0, 0.6, size=n), 1, 4)
    start_items = (
        start[:, None] + rng.normal(0, 0.6, size=(n, len(gains))) - np.array([0, 0.3, 0, 0.5, 0.2, 0.1])
    )
    start_items += np.where(coded == "yes", 1.0, 0.0)[:, None] * np.array([0, 0, 0, 1, 0.5, 0])
    before = np.clip(np.rint(start_items), 1, 5)
    after = np.clip(np.rint(start_items + gains + rng.normal(0, 0.7, size=(n, len(gains)))), 1, 5)
    late = (~drops) & (rng.random(n) < 0.08)  # missed the first form
    no_form = rng.random(n) < 0.03
    frames = []
    for name, scores, keep in (("before", before, ~late & ~no_form), ("after", after, ~drops & ~no_form)):
        frame = pd.DataFrame(scores.astype(int), columns=list(CONFIDENCE_ITEMS)).astype(object)
        blanks = rng.random(frame.shape) < 0.05
        frame = frame.mask(blanks, "")
        frame.insert(0, "round", name)
        frame.insert(0, "learner", learner_ids)
        frames.append(frame[keep])
    confidence = pd.concat(frames, ignore_index=True)

    # Session feedback: anonymous, from those who came; not everyone hands one in.
    rows = []
    for session in SESSIONS:
        present = int((attended >= session).sum())
        forms = int(rng.binomial(present, 0.85))
        fast_p = 0.5 if session == 4 else 0.1
        lang_p = 0.35 if session == 3 else 0.12
        for _ in range(forms):
            useful = int(np.clip(rng.normal(3.6 if session == 4 else 4.2, 0.7), 1, 5).round())
            pace = rng.choice(PACE, p=[0.08, 0.92 - fast_p, fast_p])
            language = "partly" if rng.random() < lang_p else "yes"
            if rng.random() < 0.04:
                language = "no"
            rows.append(
                {
                    "session": session,
                    "useful": "" if rng.random() < 0.05 else useful,
                    "pace": "" if rng.random() < 0.06 else pace,
                    "language": "" if rng.random() < 0.06 else language,
                    "hardest": rng.choice(_HARDEST[session]) if rng.random() < 0.5 else "",
                    "do_differently": rng.choice(_DO_DIFFERENTLY) if rng.random() < 0.4 else "",
                }
            )
    feedback = pd.DataFrame(rows, columns=_FILES["feedback.csv"])
    return {"learners.csv": learners, "confidence.csv": confidence, "feedback.csv": feedback}


def write_sample_cohort(folder: str | Path = SAMPLE_FOLDER, seed: int = SAMPLE_SEED) -> list[Path]:
    """Write the synthetic cohort's files into ``folder`` (made if needed); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in make_sample_cohort(seed).items():
        path = folder / name
        path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
        written.append(path)
    return written


def sample_cohort_folder() -> Path:
    """Return the folder of the shipped synthetic cohort.

    Where the package was installed without the course folder (for example
    on Colab), the files are made once from their seed into a cache folder:
    the same, byte for byte, as the shipped ones.
    """
    if SAMPLE_FOLDER.is_dir():
        return SAMPLE_FOLDER
    from datawithcare import __version__

    cache_home = Path(os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache")
    folder = cache_home / "datawithcare" / f"sample-cohort-{__version__}"
    if not (folder / "feedback.csv").exists():
        write_sample_cohort(folder)
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Write the synthetic cohort's files for the pilot learning report."
    )
    parser.add_argument("--out", default=str(SAMPLE_FOLDER), help="folder to write to")
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED, help="the seed (same seed, same files)")
    args = parser.parse_args(argv)
    for path in write_sample_cohort(args.out, args.seed):
        print(path)


if __name__ == "__main__":
    main()
