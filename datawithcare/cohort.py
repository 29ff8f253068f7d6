"""The cohort view: many organisations' self-assessments, read safely and compared fairly.

A trainer collects each organisation's saved self-assessment, the way
notebook 02a saves it: the answers file ``maturity-assessment.json``
(from the **Download your answers** link) or the CSV of one round
(``maturity-<round>.csv``). :func:`import_assessments` reads a folder of
them into the same long table as the ``maturity_cohort`` dataset: one row
per organisation, round and theme, with the team's level.

* Round names are normalised (:func:`normalise_round`): "Before",
  " before the course", "Baseline" and "pre" all become ``before``.
* Every file is checked; one that cannot be read is named in the
  problems, and the others are still imported. Nothing is changed on disk.
* :func:`same_organisations` keeps only the organisations assessed in
  every round, so that the counts and averages of "before" and "after"
  describe the same organisations when one drops out.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from datawithcare.maturity import SavedRounds, load_framework, score_responses

#: Round names that mean the same thing. Anything else is kept, in lower case.
ROUND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "before": (
        "before",
        "pre",
        "start",
        "baseline",
        "beginning",
        "first",
        "before the course",
        "before course",
    ),
    "after": ("after", "post", "end", "final", "after the course", "after course", "end of course"),
}

COLUMNS = ["org_id", "org_type", "round", "assessed_on", "theme", "score"]

_CSV_COLUMNS = {"round", "assessed_on", "respondent", "theme", "score"}
_SUFFIXES = (".json", ".csv")


def normalise_round(name: Any) -> str:
    """Return the standard name of a round: "Before " and "baseline" become ``before``."""
    text = re.sub(r"[\s_\-]+", " ", str(name or "")).strip().casefold()
    text = re.sub(r"^(the|our)\s+", "", text)
    for standard, words in ROUND_SYNONYMS.items():
        if text in words:
            return standard
    return text


def _rounds_from_json(path: Path) -> dict[str, dict[str, Any]]:
    payload = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(payload, Mapping) or payload.get("format") != "data-with-care-answers":
        raise ValueError("it is not a Data with Care answers file")
    if payload.get("store") not in (None, "maturity-assessment"):
        raise ValueError(f"it holds the answers of {payload.get('store')!r}, not a self-assessment")
    return SavedRounds.model_validate(payload.get("answers")).model_dump()


def _unguard(text: str) -> str:
    """Undo the spreadsheet guard 02a adds to text such as "-before-" (see ``csv_cell``)."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def _rounds_from_csv(path: Path) -> dict[str, dict[str, Any]]:
    table = pd.read_csv(io.StringIO(path.read_text(encoding="utf-8")), dtype=str, keep_default_na=False)
    missing = _CSV_COLUMNS - set(table.columns)
    if missing:
        raise ValueError(f"it has no column {', '.join(sorted(missing))}; export the CSV from notebook 02a")
    rounds: dict[str, dict[str, Any]] = {}
    for (name, assessed_on), rows in table.groupby(["round", "assessed_on"], sort=False):
        name = _unguard(name)
        entry = rounds.setdefault(name, {"round": name, "assessed_on": assessed_on, "responses": {}})
        for _, row in rows.iterrows():
            entry["responses"].setdefault(_unguard(row["respondent"]), {})[row["theme"]] = row["score"]
    return rounds


def read_assessment(path: str | Path, framework: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Read one organisation's saved self-assessment (JSON or CSV) as one level per round and theme.

    The level is the team's result, as 02a shows it: the average of the
    people who answered, rounded down. Raises ``ValueError`` with a
    message that names the problem if the file cannot be used.
    """
    path = Path(path)
    framework = framework or load_framework()
    try:
        if path.suffix.lower() == ".json":
            rounds = _rounds_from_json(path)
        elif path.suffix.lower() == ".csv":
            rounds = _rounds_from_csv(path)
        else:
            raise ValueError("only .json and .csv files from notebook 02a can be read")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, pd.errors.ParserError) as exc:
        raise ValueError(f"{path.name} could not be read ({exc}).") from None
    except ValueError as exc:
        raise ValueError(f"{path.name} could not be used: {exc}.") from None
    rows = []
    for name, entry in rounds.items():
        try:
            scores = score_responses(entry["responses"], framework)
        except ValueError:
            continue
        for theme, level in scores.table["level"].items():
            if pd.notna(level):
                rows.append(
                    {
                        "round": normalise_round(name),
                        "assessed_on": entry.get("assessed_on", ""),
                        "theme": theme,
                        "score": int(level),
                    }
                )
    if not rows:
        raise ValueError(f"{path.name} has no round with a valid score.")
    return pd.DataFrame(rows)


def import_assessments(
    files: str | Path | Iterable[str | Path],
    org_types: Mapping[str, str] | None = None,
    framework: Mapping[str, Any] | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Read many organisations' saved self-assessments into one long table.

    ``files`` is a folder (every ``.json`` and ``.csv`` in it) or a list of
    files, one per organisation; a folder inside it holds the files of one
    organisation (a CSV for each round, say). The organisation is known by
    its file or folder name, such as ``riverside.json``; in the table it becomes a code
    (``ORG01``...), so names never reach a chart. ``org_types`` maps file
    names (without the extension) to a type of organisation, for the breakdown.

    Returns the table (columns ``org_id``, ``org_type``, ``round``,
    ``assessed_on``, ``theme``, ``score``) and a list of problems: files
    left out and why, rounds with a name that is not before or after.
    """
    framework = framework or load_framework()
    if isinstance(files, str | Path) and Path(files).is_dir():
        paths = sorted(p for p in Path(files).iterdir() if p.is_dir() or p.suffix.lower() in _SUFFIXES)
    elif isinstance(files, str | Path):
        paths = [Path(files)]
    else:
        paths = [Path(p) for p in files]
    org_types = dict(org_types or {})
    frames, problems = [], []
    for number, path in enumerate(paths, start=1):
        # A folder is one organisation that sent several files (a CSV for each round, say).
        parts = (
            sorted(p for p in path.iterdir() if p.suffix.lower() in _SUFFIXES) if path.is_dir() else [path]
        )
        tables = []
        for part in parts:
            try:
                tables.append(read_assessment(part, framework))
            except ValueError as exc:
                problems.append(f"Left out: {exc}")
        if not tables:
            continue
        table = pd.concat(tables, ignore_index=True)
        table.insert(0, "org_id", f"ORG{number:02d}")
        table.insert(1, "org_type", org_types.get(path.stem, "Not given"))
        others = sorted(set(table["round"]) - set(ROUND_SYNONYMS))
        if others:
            problems.append(
                f"{path.name}: the round(s) {', '.join(others)} are not 'before' or 'after'. "
                "Rename them in 02a, or tell the trainer which is which."
            )
        frames.append(table)
    if not frames:
        return pd.DataFrame(columns=COLUMNS), problems
    cohort = pd.concat(frames, ignore_index=True)[COLUMNS]
    # One level per organisation, round and theme: if a round was saved twice, keep the later one.
    cohort = cohort.sort_values(["org_id", "round", "theme", "assessed_on"])
    cohort = cohort.drop_duplicates(["org_id", "round", "theme"], keep="last").reset_index(drop=True)
    return cohort, problems


def same_organisations(cohort: pd.DataFrame, rounds: tuple[str, ...] = ("before", "after")) -> pd.DataFrame:
    """Keep only the organisations assessed in every one of ``rounds``.

    An organisation that dropped out (or joined late) would change the
    average without anything changing in the others, so it is left out
    of a before-and-after comparison. Rounds not named are dropped too.
    """
    kept = cohort[cohort["round"].astype(str).isin(rounds)]
    counts = kept.groupby("org_id", observed=True)["round"].nunique()
    both = counts.index[counts == len(rounds)]
    return kept[kept["org_id"].isin(both)].reset_index(drop=True)


__all__ = [
    "COLUMNS",
    "ROUND_SYNONYMS",
    "import_assessments",
    "normalise_round",
    "read_assessment",
    "same_organisations",
]
