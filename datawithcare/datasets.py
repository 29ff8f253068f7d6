"""Load the course datasets as tidy, typed pandas DataFrames.

>>> from datawithcare import load_dataset, list_datasets
>>> clients = load_dataset("clients")          # the shipped file
>>> other = load_dataset("clients", seed=7)     # the same table, made with another seed

Dates come back as dates, categories as pandas categoricals, yes/no
columns as booleans, and counts as whole numbers. The messy export is the
exception: it comes back as plain text, because cleaning it is the lesson.

Each column's type comes from the Data Package descriptor
(``datapackage.json``) beside the files: the same description that
Frictionless validates the files against. Data made from a seed use the
descriptor the generator would write beside them.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

# The profile module (pydantic, YAML) loads only when a lesson asks for the
# sector's words or for data made with a seed: loading the shipped tables needs neither.
from datawithcare.generator.schema import TABLE_NAMES, frictionless_package
from datawithcare.paths import dataset_path

__all__ = ["CourseSector", "course_names", "course_sector", "list_datasets", "load_dataset"]


def list_datasets() -> list[str]:
    """Return the names you can give to :func:`load_dataset`."""
    return list(TABLE_NAMES)


def _resources(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The package's resources, by file name without ``.csv``."""
    return {r["path"].removesuffix(".csv"): r for r in package["resources"]}


@lru_cache(maxsize=4)
def _shipped_package(path: Path, modified: float) -> dict[str, dict[str, Any]]:
    return _resources(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def _generated_package(profile: Path) -> dict[str, dict[str, Any]]:
    from datawithcare.generator.profile import load_profile

    return _resources(frictionless_package(load_profile(profile)))


@lru_cache(maxsize=4)
def _generated_csv(seed: int, profile: Path) -> dict[str, str]:
    """Every table made with this seed from this profile, as CSV text (kept for the session)."""
    from datawithcare.generate import generate_tables, to_csv_text
    from datawithcare.generator.profile import load_profile

    tables = generate_tables(seed=seed, profile=load_profile(profile))
    return {name: to_csv_text(frame) for name, frame in tables.items()}


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(
            f"Give the dataset's name as text, for example load_dataset('clients'); got {name!r}."
        )
    clean = name.strip().lower()
    if clean.endswith(".csv"):
        clean = clean[:-4]
    if clean not in TABLE_NAMES:
        raise ValueError(f"There is no dataset called {name!r}. The datasets are: {', '.join(TABLE_NAMES)}.")
    return clean


def _typed(source: str | io.StringIO | Path, resource: dict[str, Any]) -> pd.DataFrame:
    """Read CSV text or a file; give each column the type its descriptor field states.

    Frictionless types map to pandas: ``date`` to datetimes, ``integer`` to
    whole numbers (nullable ``Int64`` where a value may be missing),
    ``boolean`` to booleans, a ``string`` with an ``enum`` to a categorical
    (ordered if the field says ``categoriesOrdered``), other strings stay text.
    """
    schema = resource["schema"]
    frame = pd.read_csv(
        source, dtype="str", keep_default_na=False, na_values=schema.get("missingValues", [""])
    )
    expected = [f["name"] for f in schema["fields"]]
    if list(frame.columns) != expected:
        raise ValueError(
            f"The file {resource['path']} has columns {list(frame.columns)}, but the course expects {expected}. "
            "Regenerate the data with `make data`."
        )
    for field in schema["fields"]:
        name, kind = field["name"], field["type"]
        constraints = field.get("constraints", {})
        column = frame[name]
        whole = constraints.get("required", False)
        if kind == "date":
            frame[name] = pd.to_datetime(column, format=field.get("format", "%Y-%m-%d"))
        elif kind == "integer":
            numbers = pd.to_numeric(column).astype("Int64")
            frame[name] = numbers.astype("int64") if whole and not numbers.isna().any() else numbers
        elif kind == "number":
            frame[name] = pd.to_numeric(column)
        elif kind == "boolean":
            values = {v: True for v in field.get("trueValues", ["true"])}
            values |= {v: False for v in field.get("falseValues", ["false"])}
            flags = column.map(values).astype("boolean")
            frame[name] = flags.astype(bool) if whole and not flags.isna().any() else flags
        elif kind == "string" and "enum" in constraints:
            categories = list(constraints["enum"])
            extra = sorted(set(column.dropna()) - set(categories))
            ordered = bool(field.get("categoriesOrdered", False))
            frame[name] = column.astype(pd.CategoricalDtype(categories + extra, ordered=ordered))
    return frame


def load_dataset(name: str, seed: int | None = None) -> pd.DataFrame:
    """Return one course table as a typed DataFrame.

    ``name`` is one of :func:`list_datasets`, such as ``"clients"`` or
    ``"cases"``. With ``seed=None`` you get the shipped file from the
    data folder (made from the active sector profile). With a whole
    number you get the same table made fresh from the active profile with that seed (all tables are made together, once per seed), which
    lets a trainer or a test run a lesson on different data.
    """
    name = _check_name(name)
    if seed is None:
        descriptor = dataset_path("datapackage.json")
        resource = _shipped_package(descriptor, descriptor.stat().st_mtime)[name]
        return _typed(dataset_path(resource["path"]), resource)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            f"The seed must be a whole number such as 2026, or None for the shipped data; got {seed!r}."
        )
    if seed < 0:
        raise ValueError(f"The seed must be zero or more; got {seed}.")
    # The active profile (datawithcare/course.yaml or DATAWITHCARE_PROFILE) makes the data
    # and types it, so its categories never mix with another profile's.
    from datawithcare.generator.profile import active_profile_path

    profile = active_profile_path()
    return _typed(io.StringIO(_generated_csv(seed, profile)[name]), _generated_package(profile)[name])


@dataclass(frozen=True)
class CourseSector:
    """What the active sector profile says, in the form lessons and exercises use.

    Lessons read the sector's own words and examples from here, so the same
    notebook teaches the organisation of whichever profile is active.
    Everything comes from the profile (see
    ``book/adapting/index.md``).
    """

    organisation: str
    #: The organisation's name on second mention (a word of its name).
    organisation_short: str
    city: str
    name: str
    #: The edition's key (``sector.key``), the tag of its ``{only}`` passages.
    key: str
    #: The people the sector serves, in the plural (``sector.people`` of the profile).
    people: str
    status_column: str
    status_label: str
    status_plural: str
    area_label: str
    focus_areas: list[str]
    focus_areas_name: str
    main_issue: str
    example_statuses: list[str]
    example_statuses_name: str
    #: How the names of the activities lesson 6e counts start (``"ESOL"`` finds ESOL Entry 1 to 3).
    class_activity: str
    not_a_status: list[str]
    blank_markers: list[str]
    date_formats: list[str]
    number_words: dict[str, str]
    area_variants: dict[str, str]
    nationality_variants: dict[str, str]
    nationality_groups: dict[str, str]
    release_regions: dict[str, str]
    release_age_bins: list[int]
    release_age_labels: list[str]
    keep_genders: list[str]
    other_gender_label: str
    #: The phone ranges the data's numbers come from: prefix -> how many digits follow.
    phone_ranges: dict[str, int]


def _variants(items: list[dict[str, Any]]) -> dict[str, str]:
    """Each spelling that is more than a change of case or spaces, and the label it means."""
    found: dict[str, str] = {}
    for item in items:
        for variant in item["variants"]:
            if variant.strip().lower() != item["label"].lower():
                found[variant.strip()] = item["label"]
    return found


@lru_cache(maxsize=4)
def _course_sector(profile_path: Path) -> CourseSector:
    from datawithcare.generator.profile import load_profile

    p = load_profile(profile_path)
    sector, rel = p["sector"], p["releases"]
    merge = rel.get("sub_region_groups") or {}
    bands = rel["age_bands"]
    return CourseSector(
        organisation=p["organisation"]["name"],
        organisation_short=p["organisation"]["short_name"],
        city=p["organisation"]["city"],
        name=sector["name"],
        key=sector["key"],
        people=sector["people"],
        status_column=sector["status"]["column"],
        status_label=sector["status"]["label"],
        status_plural=sector["status"]["plural"],
        area_label=sector["area"]["label"],
        focus_areas=list(sector["examples"]["focus_areas"]),
        focus_areas_name=sector["examples"]["focus_areas_name"],
        main_issue=sector["examples"]["main_issue"],
        example_statuses=list(sector["examples"]["example_statuses"]),
        example_statuses_name=sector["examples"]["example_statuses_name"],
        class_activity=sector["examples"]["class_activity"],
        not_a_status=list(rel["not_a_status"]),
        blank_markers=list(p["messy_export"]["blank_markers"]),
        date_formats=list(p["messy_export"]["date_formats"]),
        number_words={word: str(n) for n, word in p["messy_export"]["number_words"].items()},
        area_variants=_variants(p["boroughs"]),
        nationality_variants=_variants(p["nationalities"]),
        nationality_groups={n["label"]: n["group"] for n in p["nationalities"]},
        release_regions={b["label"]: merge.get(b["sub_region"], b["sub_region"]) for b in p["boroughs"]},
        release_age_bins=[b["min"] - 1 for b in bands] + [bands[-1]["max"]],
        release_age_labels=[b["label"] for b in bands],
        keep_genders=list(rel["keep_genders"]),
        other_gender_label=rel["other_gender_label"],
        phone_ranges={r["prefix"]: r["digits"] for r in p["identifiers"]["phone_ranges"]},
    )


def course_sector() -> CourseSector:
    """The active sector profile's words and examples, for lessons and exercises.

    >>> sector = course_sector()
    >>> sector.status_column in load_dataset("clients").columns
    True
    """
    from datawithcare.generator.profile import active_profile_path

    return _course_sector(active_profile_path())


def course_names(profile: str | Path | None = None) -> dict[str, str]:
    """The names pages use, from the active profile (or ``profile``), by substitution key.

    The book gets them as MyST substitutions (``{{ example_org }}`` and so on,
    see :mod:`datawithcare.sphinx_lessons`) and the learner bundle writes them
    into the lessons' text (:mod:`datawithcare.bundle`), so no page types them.

    >>> course_names()["example_org"] == course_sector().organisation
    True
    """
    from datawithcare.generator.profile import active_profile_path, resolve_profile

    sector = _course_sector(active_profile_path() if profile is None else resolve_profile(profile))
    return {
        "example_org": sector.organisation,
        "example_org_short": sector.organisation_short,
        "city": sector.city,
        "sector": sector.name,
        "sector_people": sector.people,
        "sector_key": sector.key,
        "status_label": sector.status_label,
        "status_name": _in_a_sentence(sector.status_label),
        "status_column": sector.status_column,
        "status_plural": sector.status_plural,
        "area_label": sector.area_label,
        "focus_areas": _and(sector.focus_areas),
        "focus_areas_name": sector.focus_areas_name,
        "main_issue": sector.main_issue,
    }


def _in_a_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Housing situation" -> "housing situation" ("EU status" stays)."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _and(words: list[str]) -> str:
    """``["a", "b", "c"]`` as "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
