"""Read and check a sector profile (a YAML file of categories and weights).

A profile holds everything that makes the generated data look like one
sector. This module reads it and checks it against a schema (pydantic
models, below) before any data is made, so a mistake in a fork's profile
gives a message that names the key and says what was expected, rather than
a traceback from deep inside NumPy. A key the course does not use is a
mistake too (most often a misspelling), and is reported as one.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.functional_validators import AfterValidator, PlainValidator
from pydantic_core import PydanticCustomError

from datawithcare.identifiers import phone_range_is_safe

#: The folder of shipped sector profiles: ``--profile NAME`` looks for ``NAME.yaml`` here.
PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"
#: The course's reference profile: every key a profile can have is in it.
DEFAULT_PROFILE = PROFILES_DIR / "refugee-london.yaml"
#: The one course setting that names the active profile (``profile: NAME``).
COURSE_SETTINGS = Path(__file__).resolve().parent.parent / "course.yaml"
#: Set this environment variable to use another profile for one session or one test run.
PROFILE_ENV = "DATAWITHCARE_PROFILE"


class ProfileError(ValueError):
    """A sector profile is missing a key or has a value of the wrong kind."""


# Kinds of value, each with the words a message uses for it -----------------


def _expected(expected: str, where: str | None = None, got: Any = None) -> PydanticCustomError:
    """An error that says what was expected (the formatter adds where and what was found)."""
    context = {"expected": expected}
    if where is not None:
        context |= {"where": where, "got": got}
    return PydanticCustomError("profile", "should be {expected}", context)


def _key_error(key: str, expected: str, got: Any) -> PydanticCustomError:
    """An error about one key of the part being checked (the formatter adds the part's place)."""
    return PydanticCustomError(
        "profile", "should be {expected}", {"expected": expected, "key": key, "got": got}
    )


def _says(where: str, says: str) -> PydanticCustomError:
    """An error that is a whole sentence about one place in the profile."""
    return PydanticCustomError("profile_says", "{says}", {"where": where, "says": says})


def _kind(check: Callable[[Any], Any]) -> Any:
    return Annotated[Any, PlainValidator(check)]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def Number(low: float | None = None, high: float | None = None) -> Any:  # noqa: N802 (a type)
    def check(value: Any) -> Any:
        if not _is_number(value):
            raise _expected("a number")
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                raise _expected(f"a number of at least {low}")
            raise _expected(f"a number from {low} to {high}")
        return value

    return _kind(check)


def Whole(low: int = 0, high: int | None = None) -> Any:  # noqa: N802
    def check(value: Any) -> Any:
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise _expected(f"a whole number of at least {low}")
        if high is not None and value > high:
            raise _expected(f"a whole number from {low} to {high}")
        return value

    return _kind(check)


def Choice(*allowed: str) -> Any:  # noqa: N802
    words = ", ".join(allowed[:-1]) + f" or {allowed[-1]}"

    def check(value: Any) -> Any:
        if value not in allowed:
            raise _expected(words)
        return value

    return _kind(check)


def _text(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise _expected("some text")
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise _expected("a date written YYYY-MM-DD")


def _edition_key(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise _expected("one word in lower case, such as youth or disability (letters, digits and _)")
    return value


def _flag(value: Any) -> Any:
    if not isinstance(value, bool):
        raise _expected("true or false")
    return value


def _weights(value: Any) -> Any:
    if not isinstance(value, dict) or not value:
        raise _expected("a mapping of labels to weights, like {Woman: 44, Man: 52}")
    for label, weight in value.items():
        if not _is_number(weight) or weight < 0:
            raise _expected(f"weights of at least 0 (the weight of {label!r} is {weight!r})")
    if sum(value.values()) <= 0:
        raise _expected("weights with a total above zero")
    return value


def _months(count: int, what: str) -> Any:
    def check(value: Any) -> Any:
        if (
            not isinstance(value, list)
            or len(value) != count
            or not all(_is_number(v) and v >= 0 for v in value)
        ):
            raise _expected(f"a list of {count} weights, {what}")
        return value

    return _kind(check)


def _unique_labels(items: list) -> list:
    seen = set()
    for item in items:
        if item.label in seen:
            raise PydanticCustomError(
                "profile_list", "has the label {label} twice", {"label": repr(item.label)}
            )
        seen.add(item.label)
    return items


Text = _kind(_text)
EditionKey = _kind(_edition_key)
Date = _kind(_date)
Flag = _kind(_flag)
Weights = _kind(_weights)
Prob = Number(0, 1)
Weight = Number(0)


def NonEmpty(item: Any) -> Any:  # noqa: N802
    return Annotated[list[item], Field(min_length=1)]


def Labelled(item: Any) -> Any:  # noqa: N802
    return Annotated[list[item], Field(min_length=1), AfterValidator(_unique_labels)]


# The profile, part by part -------------------------------------------------


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Organisation(Part):
    """The imagined organisation whose records the lessons use, and its city.

    These names reach every page as MyST substitutions (``{{ example_org }}``,
    ``{{ example_org_short }}``, ``{{ city }}``: see :mod:`datawithcare.sphinx_lessons`),
    the lessons through :func:`datawithcare.datasets.course_sector`, and the
    learner bundle's notebooks through :mod:`datawithcare.bundle`. Nothing else
    types them (``tests/test_fork.py`` checks).
    """

    name: Text
    #: What the pages call the organisation on second mention (a word of its name).
    short_name: Text
    city: Text


def _column_name(value: Any) -> Any:
    if not isinstance(value, str) or not value.isidentifier() or not value.islower():
        raise _expected(
            "a column name in lower case, with underscores for spaces, such as 'housing_situation'"
        )
    return value


class StatusColumn(Part):
    """The sector's own sensitive column: immigration status, housing situation and so on."""

    column: _kind(_column_name)
    label: Text
    plural: Text
    description: Text


class ConditionColumn(Part):
    """A yes/no condition attached to some statuses (``nrpf_condition``): its own column, not a status."""

    column: _kind(_column_name)
    description: Text


class SafeguardingFlag(Part):
    """A yes/no column marking young people in a status who live alone: a safeguarding matter."""

    column: _kind(_column_name)
    description: Text
    max_age: Whole(0)
    statuses: NonEmpty(Text)


class AreaWords(Part):
    """How the data names the places people live (the ``boroughs`` of the profile)."""

    label: Text
    description: Text
    code_description: Text
    region_description: Text


class Examples(Part):
    """Values the lessons and exercises use as examples, so they suit every sector."""

    focus_areas: NonEmpty(Text)
    focus_areas_name: Text
    main_issue: Text
    example_statuses: NonEmpty(Text)
    example_statuses_name: Text
    # Lesson 6e counts the people who came to the activities whose names start with this.
    class_activity: Text


class MoreCommon(Part):
    label: Text
    than: Text


class Expectations(Part):
    """Realism the tests check on this sector's data (see tests/test_generate.py)."""

    area_code_pattern: Text
    common_nationalities: NonEmpty(Text)
    more_common: list[MoreCommon] = None
    status_most_common_in: dict[str, Text] = None
    # The share of men among adults (18 and over) in a status: {status: [lowest, highest]}.
    share_of_men_among_adults: dict[str, list[Prob]] = None


class Source(Part):
    title: Text
    path: Text
    statistic: Text


class Sector(Part):
    #: The edition's key: pages keep a passage for one sector between
    #: ```{only} KEY``` fences (see :mod:`datawithcare.editions`).
    key: EditionKey
    name: Text
    #: The people the sector serves, in the plural, as a page writes them.
    people: Text
    #: The words that say which sector a page is about (see the shipped profiles).
    #: Outside the files listed in ``pages`` they reach pages only through
    #: the profile; ``make fork-check`` lists them in a fork made from this profile.
    terms: NonEmpty(Text)
    #: Pages whose whole subject is this sector (repository paths, such as
    #: ``book/telling-the-story/official-statistics.md``): a fork rewrites them
    #: or takes them out of ``_toc.yml``.
    pages: list[Text] = None
    status: StatusColumn
    condition: ConditionColumn = None
    safeguarding: SafeguardingFlag = None
    area: AreaWords
    examples: Examples
    expectations: Expectations
    sources: NonEmpty(Source)


class Period(Part):
    start: Date
    end: Date
    age_reference_date: Date

    @model_validator(mode="after")
    def _end_after_start(self) -> Period:
        if self.end <= self.start:
            raise _expected("a date after period.start", "period.end", self.end)
        return self


class Sizes(Part):
    clients: Whole(1)
    cases_per_client: Number(0, 50)
    messy_export_clients: Whole(1)
    messy_export_duplicates: Whole(1)
    outside_source_people: Whole(1)
    maturity_organisations: Whole(2)


class IdSpec(Part):
    prefix: Text
    digits: Whole(1)


class PhoneRange(IdSpec):
    weight: Weight


def _nhs_prefix(value: Any) -> Any:
    if not isinstance(value, str) or not value.isdigit() or len(value) > 9:
        raise _expected("up to nine digits, such as '999'")
    return value


def _ni_prefix(value: Any) -> Any:
    if not isinstance(value, str) or len(value) != 2 or not value.isalpha():
        raise _expected("two letters, such as 'QQ'")
    return value


class Identifiers(Part):
    client_id: IdSpec
    case_id: IdSpec
    session_id: IdSpec
    caseworker: IdSpec
    organisation: IdSpec
    phone_ranges: NonEmpty(PhoneRange)
    email_domains: NonEmpty(Text)
    nhs_prefix: _kind(_nhs_prefix)
    ni_prefix: _kind(_ni_prefix)


class Weighted(Part):
    label: Text
    weight: Weight


class Gender(Weighted):
    names: Choice("female", "male", "any") = "any"


class AgeBand(Part):
    min: Whole(0)
    max: Whole(0)
    weight: Weight

    @model_validator(mode="after")
    def _max_not_below_min(self) -> AgeBand:
        if self.max < self.min:
            raise _key_error("max", f"at least min ({self.min})", self.max)
        return self


class HouseholdSize(Part):
    size: Whole(1)
    weight: Weight


class Interpreter(Part):
    no_english: Prob
    english_second_language: Prob
    english_main_language: Prob


def _by_year(value: Any) -> Any:
    if not isinstance(value, dict) or not all(_is_number(v) and v >= 0 for v in value.values()):
        raise _expected("a mapping of year to weight, like {2024: 1.0}")
    return value


class Seasonality(Part):
    registrations_by_month: _months(12, "January to December")
    cases_by_month: _months(12, "January to December")
    by_year: _kind(_by_year)
    open_by_weekday: _months(7, "Monday to Sunday") = None


class Status(Part):
    label: Text
    arrival_median_days: Weight
    earliest_arrival: Date
    has_nhs_number: Prob
    has_ni_number: Prob
    wellbeing_shift: Number()
    dropout_shift: Number()
    issues: Weights
    # Optional realism that depends on the status (the profile's own mix is used otherwise).
    genders: Weights = None
    age_band_weights: list[Weight] = None
    condition_chance: Prob = 0
    earlier_statuses: dict[str, Prob] = None


class Nationality(Part):
    label: Text
    weight: Weight
    # False for people of the country itself: they have no arrival date.
    arrived_from_abroad: bool = True
    group: Text
    name_pool: Text
    main_languages: Weights
    other_languages: dict[str, Prob]
    genders: Weights
    statuses: Weights
    variants: NonEmpty(Text)


class NamePool(Part):
    female: NonEmpty(Text)
    male: NonEmpty(Text)
    family: NonEmpty(Text)


class Borough(Part):
    label: Text
    code: Text
    sub_region: Text
    weight: Weight
    variants: NonEmpty(Text)


class ReferralSource(Weighted):
    # Only people in these statuses are referred this way (every status if left out).
    statuses: list[Text] = None


class IssueArea(Part):
    label: Text
    median_days_open: Weight
    outcomes: Weights


class Cases(Part):
    caseworkers: Whole(1)
    later_case_window_days: Whole(1)
    issue_areas: Labelled(IssueArea)


class Term(Part):
    start: Date
    end: Date


class Eligible(Part):
    needs_english: Flag = None
    genders: NonEmpty(Text) = None
    min_age: Whole(0) = None
    max_age: Whole(0) = None


class Activity(Part):
    label: Text
    weekday: Whole(0, 6)
    places: Whole(1)
    eligible: Eligible
    booking: Choice("term", "per_session") = "term"


class Attendance(Part):
    terms: NonEmpty(Term)
    mean_attendance: Prob
    end_of_term_drop: Prob
    winter_months: list[Whole(1, 12)]
    winter_drop: Prob
    activities: Labelled(Activity)


class Question(Part):
    column: Text
    mean: Number(0, 10)
    higher_is_better: Flag


class AfterDays(Part):
    min: Whole(1)
    max: Whole(1)

    @model_validator(mode="after")
    def _max_not_below_min(self) -> AfterDays:
        if self.max < self.min:
            raise _key_error("max", f"at least min ({self.min})", self.max)
        return self


class Wellbeing(Part):
    share_surveyed: Prob
    after_days: AfterDays
    questions: NonEmpty(Question)
    sd_person: Number()
    sd_answer: Number()
    mean_change: Number()
    sd_change: Number()
    dropout_base: Prob
    dropout_log_odds_per_point: Number()
    skip_question: Prob


class ReleaseBand(Part):
    label: Text
    min: Number()
    max: Number()


class ArrivalPeriod(Part):
    label: Text
    max_year: Number()


class Releases(Part):
    k: Whole(2)
    careless_years: NonEmpty(Whole(1))
    age_bands: Labelled(ReleaseBand)
    keep_genders: NonEmpty(Text)
    other_gender_label: Text
    sub_region_groups: dict[str, Text] = None
    arrival_periods: Labelled(ArrivalPeriod)
    # The status must not leak either (lesson 8c): at least l real statuses
    # per group, no status above max_share of those who gave one.
    l: Whole(2)  # noqa: E741 (the l of l-diversity)
    max_share: Prob
    not_a_status: list[Text]
    merged_arrival_label: Text
    # The arrival period of people with no arrival date (nationalities with arrived_from_abroad: false).
    no_arrival_label: Text = None


class MessyExport(Part):
    date_formats: NonEmpty(Text)
    blank_markers: NonEmpty(str)
    share_blank: Prob
    yes_words: NonEmpty(Text)
    no_words: NonEmpty(Text)
    number_words: dict[int, Text]
    share_number_as_text: Prob
    share_variant_spelling: Prob
    share_stray_spaces: Prob
    phone_international_prefix: str = None
    impossible_date: Text
    impossible_birth_year: Whole(1)


class DateRange(Part):
    start: Date
    end: Date


class Maturity(Part):
    themes: NonEmpty(Text)
    org_types: Labelled(Weighted)
    staff_bands: NonEmpty(Text)
    before_dates: DateRange
    after_dates: DateRange
    theme_before_mean: dict[str, Number()]
    theme_gain_mean: dict[str, Number()]

    @model_validator(mode="after")
    def _a_mean_for_every_theme(self) -> Maturity:
        for key in ("theme_before_mean", "theme_gain_mean"):
            missing = [t for t in self.themes if t not in getattr(self, key)]
            if missing:
                raise _says(f"maturity.{key}", f"has no value for the theme {missing[0]!r}. Add one")
        return self


class Profile(Part):
    """A whole sector profile: what `refugee-london.yaml` holds."""

    profile_version: Whole(1) = None
    organisation: Organisation
    sector: Sector
    default_seed: Whole(0)
    period: Period
    sizes: Sizes
    identifiers: Identifiers
    missing: dict[str, Prob]
    genders: Labelled(Gender)
    age_bands: NonEmpty(AgeBand)
    household_size: NonEmpty(HouseholdSize)
    referral_sources: Labelled(ReferralSource)
    consent: dict[str, Prob]
    interpreter: Interpreter
    english_as_other_language: Prob
    seasonality: Seasonality
    statuses: Labelled(Status)
    nationalities: Labelled(Nationality)
    name_pools: Annotated[dict[str, NamePool], Field(min_length=1)]
    boroughs: Labelled(Borough)
    cases: Cases
    attendance: Attendance
    wellbeing: Wellbeing
    releases: Releases
    messy_export: MessyExport
    maturity: Maturity

    @model_validator(mode="after")
    def _labels_refer_to_labels(self) -> Profile:
        """A label used in one part of the profile must be defined in another."""
        areas = [a.label for a in self.cases.issue_areas]
        genders = [g.label for g in self.genders]
        statuses = [s.label for s in self.statuses]
        checks = [(f"statuses[{i}].issues", s.issues, areas) for i, s in enumerate(self.statuses)]
        for i, s in enumerate(self.statuses):
            checks += [
                (f"statuses[{i}].genders", s.genders or {}, genders),
                (f"statuses[{i}].earlier_statuses", s.earlier_statuses or {}, statuses),
            ]
            if s.age_band_weights is not None and len(s.age_band_weights) != len(self.age_bands):
                raise _says(
                    f"statuses[{i}].age_band_weights",
                    f"has {len(s.age_band_weights)} weights; give one for each of the {len(self.age_bands)} age_bands",
                )
            if s.earlier_statuses and sum(s.earlier_statuses.values()) > 1:
                raise _says(f"statuses[{i}].earlier_statuses", "has chances that add up to more than 1")
        checks += [
            (f"referral_sources[{i}].statuses", r.statuses or [], statuses)
            for i, r in enumerate(self.referral_sources)
        ]
        if self.sector.safeguarding is not None:
            checks.append(("sector.safeguarding.statuses", self.sector.safeguarding.statuses, statuses))
        places = [b.label for b in self.boroughs]
        nationalities = [n.label for n in self.nationalities]
        examples, expect = self.sector.examples, self.sector.expectations
        checks += [
            ("sector.examples.focus_areas", examples.focus_areas, places),
            ("sector.examples.main_issue", [examples.main_issue], areas),
            ("sector.examples.example_statuses", examples.example_statuses, statuses),
            ("sector.expectations.common_nationalities", expect.common_nationalities, nationalities),
            (
                "sector.expectations.more_common",
                [x for pair in expect.more_common or [] for x in (pair.label, pair.than)],
                nationalities,
            ),
            ("sector.expectations.status_most_common_in", list(expect.status_most_common_in or {}), statuses),
            (
                "sector.expectations.share_of_men_among_adults",
                list(expect.share_of_men_among_adults or {}),
                statuses,
            ),
            (
                "sector.expectations.status_most_common_in",
                list((expect.status_most_common_in or {}).values()),
                nationalities,
            ),
        ]
        pattern = re.compile(expect.area_code_pattern)
        for i, place in enumerate(self.boroughs):
            if not pattern.fullmatch(place.code):
                raise _says(
                    f"boroughs[{i}].code",
                    f"is {place.code!r}, which does not match sector.expectations.area_code_pattern "
                    f"({expect.area_code_pattern})",
                )
        for i, phones in enumerate(self.identifiers.phone_ranges):
            if not phone_range_is_safe(phones.prefix, phones.digits):
                raise _says(
                    f"identifiers.phone_ranges[{i}]",
                    f"({phones.prefix!r} and {phones.digits} digits) is not inside an Ofcom drama range, "
                    "so a made-up number could ring a real person. Choose a range from "
                    "datawithcare/identifiers.py (SAFE_PHONE_RANGES)",
                )
        for i, nat in enumerate(self.nationalities):
            here = f"nationalities[{i}]"
            if nat.name_pool not in self.name_pools:
                raise _expected(
                    f"one of the name_pools ({', '.join(self.name_pools)})",
                    f"{here}.name_pool",
                    nat.name_pool,
                )
            checks += [
                (f"{here}.genders", nat.genders, genders),
                (f"{here}.statuses", nat.statuses, statuses),
            ]
        activities = [a.label for a in self.attendance.activities]
        if not any(label.startswith(examples.class_activity) for label in activities):
            raise _says(
                "sector.examples.class_activity",
                f"is {examples.class_activity!r}, but no activity's name starts with it; "
                "the activities are: " + ", ".join(activities),
            )
        for where, weights, allowed in checks:
            for label in weights:
                if label not in allowed:
                    raise _says(
                        where,
                        f"names {label!r}, which is not one of the labels defined elsewhere in the profile: "
                        + ", ".join(allowed),
                    )
        return self


# One way to explain every problem ------------------------------------------


def _place(loc: tuple) -> str:
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def _shown(value: Any) -> str:
    shown = value.isoformat() if isinstance(value, dt.date) else repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


#: Keys a profile used to have, and their names now (a fork's old profile gets told).
RENAMED = {"immigration_statuses": "statuses"}


def explain(error: ValidationError, limit: int = 10) -> str:
    """Turn pydantic's report into sentences a course author can act on, one per problem."""
    lines = []
    problems = error.errors(include_url=False)
    # An old key that was renamed is one problem, not two (the old key, and the new one missing).
    renamed = {
        RENAMED[p["loc"][0]] for p in problems if p["type"] == "extra_forbidden" and p["loc"][0] in RENAMED
    }
    for problem in problems:
        kind, ctx, loc = problem["type"], problem.get("ctx") or {}, tuple(problem["loc"])
        if kind == "missing" and loc in {(new,) for new in renamed}:
            continue
        where = ctx.get("where") or _place(loc + ((ctx["key"],) if "key" in ctx else ()))
        if kind == "missing":
            place = f"under {_place(loc[:-1])}" if len(loc) > 1 else "at the top level"
            lines.append(f"The profile has no key {loc[-1]!r} {place}. Add it (see refugee-london.yaml).")
        elif kind == "extra_forbidden" and loc[-1] in RENAMED:
            lines.append(f"The profile key {loc[-1]!r} is now called {RENAMED[loc[-1]]!r}. Rename it.")
        elif kind == "extra_forbidden":
            place = f"under {_place(loc[:-1])}" if len(loc) > 1 else "at the top level"
            lines.append(
                f"The profile has a key {loc[-1]!r} {place} that the course does not use. "
                "Check its spelling against refugee-london.yaml, or remove it."
            )
        elif kind == "profile_says":
            lines.append(f"In the profile, {where} {ctx['says']}.")
        elif kind == "profile_list":
            lines.append(f"In the profile, {where} {problem['msg']}.")
        else:
            expected = {
                "profile": ctx.get("expected"),
                "model_type": "a mapping of keys to values",
                "model_attributes_type": "a mapping of keys to values",
                "dict_type": "a mapping of keys to values",
                "list_type": "a list",
                "too_short": f"a list with at least {ctx.get('min_length')} item(s)",
                "string_type": "text",
                "int_type": "a whole number",
                "int_parsing": "a whole number",
            }.get(kind, problem["msg"])
            got = ctx["got"] if "got" in ctx else problem.get("input")
            lines.append(
                f"In the profile, {where or 'the top level'} should be {expected}; it is {_shown(got)}."
            )
    if len(lines) == 1:
        return lines[0]
    more = f" (the first {limit} shown)" if len(lines) > limit else ""
    return f"The profile has {len(lines)} problems{more}:\n" + "\n".join(
        f"- {line}" for line in lines[:limit]
    )


def shipped_profiles() -> list[str]:
    """The names of the profiles in ``datawithcare/profiles/`` (the official-statistics file is not one)."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml") if not p.stem.endswith("-official"))


def resolve_profile(name: str | Path) -> Path:
    """The file a profile name or path means.

    A path to a file is used as it is. A bare name such as
    ``homelessness-greater-manchester`` (with or without ``.yaml``) means
    that file in ``datawithcare/profiles/``.
    """
    text = str(name).strip()
    if not text:
        raise ProfileError(f"The profile name is empty. Give one of: {', '.join(shipped_profiles())}.")
    path = Path(text).expanduser()
    if path.is_file():
        return path
    bare = Path(text).name == text
    if bare:
        shipped = PROFILES_DIR / (text if text.endswith((".yaml", ".yml")) else f"{text}.yaml")
        if shipped.is_file():
            return shipped
    if not bare:
        raise ProfileError(f"There is no profile file at {path}. Give the path of a .yaml file.")
    raise ProfileError(
        f"There is no profile called {text!r}. Give the name of a shipped profile "
        f"({', '.join(shipped_profiles())}) or the path of a .yaml file."
    )


def active_profile_setting() -> tuple[str, str]:
    """The active profile's name or path, and where that setting came from.

    The environment variable ``DATAWITHCARE_PROFILE`` wins, for one session
    or one test run; otherwise the ``profile:`` line of ``datawithcare/course.yaml``.
    """
    override = os.environ.get(PROFILE_ENV, "").strip()
    if override:
        return override, f"the {PROFILE_ENV} environment variable"
    where = "datawithcare/course.yaml"
    try:
        settings = yaml.safe_load(COURSE_SETTINGS.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ProfileError(f"Cannot read the course settings {where}: {error}") from None
    name = settings.get("profile") if isinstance(settings, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise ProfileError(f"{where} should have a line such as 'profile: refugee-london'.")
    return name.strip(), where


def active_profile_path() -> Path:
    """The file of the profile the course uses now (see :func:`active_profile_setting`)."""
    name, where = active_profile_setting()
    try:
        return resolve_profile(name)
    except ProfileError as error:
        raise ProfileError(f"{error} (The name comes from {where}.)") from None


def load_profile(path: str | Path | None = None) -> dict[str, Any]:
    """Read a sector profile and check it; return it as a dictionary.

    ``path`` is a YAML file or the name of a shipped profile (such as
    ``refugee-london``); ``None`` means the active profile (the
    ``DATAWITHCARE_PROFILE`` environment variable, or else
    ``datawithcare/course.yaml``). A problem raises :class:`ProfileError`
    with a message that names the key.
    """
    path = active_profile_path() if path is None else resolve_profile(path)
    try:
        # LibYAML's loader (the C one, when installed) reads the same YAML faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        profile = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as error:
        raise ProfileError(f"The profile {path.name} is not valid YAML: {error}") from None
    if not isinstance(profile, dict):
        raise ProfileError(f"The profile {path.name} should be a mapping of keys to values.")
    profile = check_profile(profile)
    profile["_source"] = str(path)
    return profile


def profile_name(profile: dict[str, Any]) -> str:
    """A loaded profile's name: its file name without ``.yaml``."""
    return Path(profile.get("_source", "profile")).stem


def check_profile(p: dict[str, Any]) -> dict[str, Any]:
    """Check every key of a profile against :class:`Profile`; return it with dates as dates.

    Raise :class:`ProfileError` that names each problem's key. The profile
    returned has the same keys and values as ``p`` (dates written as text
    become dates); it is a plain dictionary, as the generator expects.
    """
    try:
        model = Profile.model_validate(p)
    except ValidationError as error:
        raise ProfileError(explain(error)) from None
    return model.model_dump(exclude_unset=True)
