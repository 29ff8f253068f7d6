"""Read and check a sector profile (a YAML file of categories and weights).

A profile holds everything that makes the generated data look like one
sector. This module reads it and checks it before any data is made, so a
mistake in a fork's profile gives a message that names the key and says
what was expected, rather than a traceback from deep inside NumPy.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

#: The profile the course ships with and `make data` uses.
DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "profiles" / "refugee-london.yaml"


class ProfileError(ValueError):
    """A sector profile is missing a key or has a value of the wrong kind."""


def _fail(where: str, expected: str, got: Any) -> None:
    shown = repr(got)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise ProfileError(f"In the profile, {where} should be {expected}; it is {shown}.")


def _get(node: Any, key: str, where: str) -> Any:
    if not isinstance(node, dict):
        _fail(where or "the top level", "a mapping of keys to values", node)
    if key not in node:
        place = f"under {where}" if where else "at the top level"
        raise ProfileError(f"The profile has no key {key!r} {place}. Add it (see refugee-london.yaml).")
    return node[key]


def _path(where: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def _number(value: Any, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(where, "a number", value)
    if (low is not None and value < low) or (high is not None and value > high):
        _fail(where, f"a number from {low} to {high}", value)
    return float(value)


def _whole(value: Any, where: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        _fail(where, f"a whole number of at least {low}", value)
    return int(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(where, "some text", value)
    return value


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        _fail(where, "a date written YYYY-MM-DD", value)
    return value


def _list(value: Any, where: str, min_len: int = 1) -> list:
    if not isinstance(value, list) or len(value) < min_len:
        _fail(where, f"a list with at least {min_len} item(s)", value)
    return value


def _weights(value: Any, where: str, allowed: list[str] | None = None) -> dict[str, float]:
    """A mapping label -> weight, with a positive total."""
    if not isinstance(value, dict) or not value:
        _fail(where, "a mapping of labels to weights, like {Woman: 44, Man: 52}", value)
    out = {}
    for label, weight in value.items():
        out[str(label)] = _number(weight, _path(where, str(label)), 0)
        if allowed is not None and str(label) not in allowed:
            raise ProfileError(
                f"In the profile, {where} names {label!r}, which is not one of the labels defined "
                f"elsewhere in the profile: {', '.join(allowed)}."
            )
    if sum(out.values()) <= 0:
        _fail(where, "weights with a total above zero", value)
    return out


def _labelled(items: Any, where: str, extra: dict[str, str] | None = None) -> list[dict]:
    """A list of mappings that each have a unique 'label' (and a 'weight')."""
    items = _list(items, where)
    seen = set()
    for i, item in enumerate(items):
        here = _path(where, i)
        label = _text(_get(item, "label", here), _path(here, "label"))
        if label in seen:
            raise ProfileError(f"In the profile, {where} has the label {label!r} twice.")
        seen.add(label)
        for key, kind in (extra or {}).items():
            value = _get(item, key, here)
            if kind == "weight":
                _number(value, _path(here, key), 0)
            elif kind == "text":
                _text(value, _path(here, key))
            elif kind == "date":
                item[key] = _date(value, _path(here, key))
            elif kind == "prob":
                _number(value, _path(here, key), 0, 1)
            elif kind == "number":
                _number(value, _path(here, key))
    return items


def load_profile(path: str | Path | None = None) -> dict[str, Any]:
    """Read a sector profile and check it; return it as a dictionary.

    ``path`` is a YAML file; ``None`` means the course's own profile
    (``refugee-london.yaml``). A problem raises :class:`ProfileError`
    with a message that names the key.
    """
    path = DEFAULT_PROFILE if path is None else Path(path)
    if not path.is_file():
        raise ProfileError(f"There is no profile file at {path}. Give the path of a .yaml file.")
    try:
        profile = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ProfileError(f"The profile {path.name} is not valid YAML: {error}") from None
    if not isinstance(profile, dict):
        raise ProfileError(f"The profile {path.name} should be a mapping of keys to values.")
    check_profile(profile)
    profile["_source"] = str(path)
    return profile


def check_profile(p: dict[str, Any]) -> None:
    """Check every key the generator uses; raise ProfileError on the first problem."""
    _text(_get(_get(p, "organisation", ""), "name", "organisation"), "organisation.name")
    _whole(_get(p, "default_seed", ""), "default_seed")

    period = _get(p, "period", "")
    for key in ("start", "end", "age_reference_date"):
        period[key] = _date(_get(period, key, "period"), f"period.{key}")
    if period["end"] <= period["start"]:
        _fail("period.end", "a date after period.start", period["end"])

    sizes = _get(p, "sizes", "")
    for key in ("clients", "messy_export_clients", "messy_export_duplicates", "outside_source_people"):
        _whole(_get(sizes, key, "sizes"), f"sizes.{key}", 1)
    _whole(_get(sizes, "maturity_organisations", "sizes"), "sizes.maturity_organisations", 2)
    _number(_get(sizes, "cases_per_client", "sizes"), "sizes.cases_per_client", 0, 50)

    ids = _get(p, "identifiers", "")
    for key in ("client_id", "case_id", "session_id", "caseworker", "organisation"):
        here = f"identifiers.{key}"
        _text(_get(_get(ids, key, "identifiers"), "prefix", here), here + ".prefix")
        _whole(_get(ids[key], "digits", here), here + ".digits", 1)
    for i, rng in enumerate(_list(_get(ids, "phone_ranges", "identifiers"), "identifiers.phone_ranges")):
        here = f"identifiers.phone_ranges[{i}]"
        _text(_get(rng, "prefix", here), here + ".prefix")
        _whole(_get(rng, "digits", here), here + ".digits", 1)
        _number(_get(rng, "weight", here), here + ".weight", 0)
    for i, domain in enumerate(_list(_get(ids, "email_domains", "identifiers"), "identifiers.email_domains")):
        _text(domain, f"identifiers.email_domains[{i}]")
    nhs = _text(_get(ids, "nhs_prefix", "identifiers"), "identifiers.nhs_prefix")
    if not nhs.isdigit() or len(nhs) > 9:
        _fail("identifiers.nhs_prefix", "up to nine digits, such as '999'", nhs)
    ni = _text(_get(ids, "ni_prefix", "identifiers"), "identifiers.ni_prefix")
    if len(ni) != 2 or not ni.isalpha():
        _fail("identifiers.ni_prefix", "two letters, such as 'QQ'", ni)

    for key, value in _get(p, "missing", "").items():
        _number(value, f"missing.{key}", 0, 1)

    gender_items = _labelled(_get(p, "genders", ""), "genders", {"weight": "weight"})
    for i, item in enumerate(gender_items):
        if item.get("names", "any") not in ("female", "male", "any"):
            _fail(f"genders[{i}].names", "female, male or any", item["names"])
    genders = [g["label"] for g in gender_items]
    for i, band in enumerate(_list(_get(p, "age_bands", ""), "age_bands")):
        here = f"age_bands[{i}]"
        low = _whole(_get(band, "min", here), here + ".min")
        high = _whole(_get(band, "max", here), here + ".max")
        if high < low:
            _fail(here + ".max", f"at least min ({low})", high)
        _number(_get(band, "weight", here), here + ".weight", 0)
    for i, item in enumerate(_list(_get(p, "household_size", ""), "household_size")):
        _whole(_get(item, "size", f"household_size[{i}]"), f"household_size[{i}].size", 1)
        _number(_get(item, "weight", f"household_size[{i}]"), f"household_size[{i}].weight", 0)
    _labelled(_get(p, "referral_sources", ""), "referral_sources", {"weight": "weight"})
    for key, value in _get(p, "consent", "").items():
        _number(value, f"consent.{key}", 0, 1)
    interp = _get(p, "interpreter", "")
    for key in ("no_english", "english_second_language", "english_main_language"):
        _number(_get(interp, key, "interpreter"), f"interpreter.{key}", 0, 1)
    _number(_get(p, "english_as_other_language", ""), "english_as_other_language", 0, 1)

    season = _get(p, "seasonality", "")
    for key in ("registrations_by_month", "cases_by_month"):
        months = _list(_get(season, key, "seasonality"), f"seasonality.{key}", 12)
        if len(months) != 12:
            _fail(f"seasonality.{key}", "a list of 12 weights, January to December", months)
        for m, value in enumerate(months):
            _number(value, f"seasonality.{key}[{m}]", 0)
    if "open_by_weekday" in season:
        days = _list(season["open_by_weekday"], "seasonality.open_by_weekday", 7)
        if len(days) != 7:
            _fail("seasonality.open_by_weekday", "a list of 7 weights, Monday to Sunday", days)
        for d, value in enumerate(days):
            _number(value, f"seasonality.open_by_weekday[{d}]", 0)
    by_year = _get(season, "by_year", "seasonality")
    if not isinstance(by_year, dict):
        _fail("seasonality.by_year", "a mapping of year to weight, like {2024: 1.0}", by_year)

    cases = _get(p, "cases", "")
    _whole(_get(cases, "caseworkers", "cases"), "cases.caseworkers", 1)
    _whole(_get(cases, "later_case_window_days", "cases"), "cases.later_case_window_days", 1)
    areas = _labelled(
        _get(cases, "issue_areas", "cases"), "cases.issue_areas", {"median_days_open": "weight"}
    )
    area_labels = [a["label"] for a in areas]
    for i, area in enumerate(areas):
        _weights(_get(area, "outcomes", f"cases.issue_areas[{i}]"), f"cases.issue_areas[{i}].outcomes")

    statuses = _labelled(
        _get(p, "immigration_statuses", ""),
        "immigration_statuses",
        {
            "arrival_median_days": "weight",
            "earliest_arrival": "date",
            "has_nhs_number": "prob",
            "has_ni_number": "prob",
            "wellbeing_shift": "number",
            "dropout_shift": "number",
        },
    )
    status_labels = [s["label"] for s in statuses]
    for i, status in enumerate(statuses):
        here = f"immigration_statuses[{i}].issues"
        _weights(_get(status, "issues", f"immigration_statuses[{i}]"), here, area_labels)

    pools = _get(p, "name_pools", "")
    if not isinstance(pools, dict) or not pools:
        _fail("name_pools", "a mapping of pool names to first and family names", pools)
    for name, pool in pools.items():
        for key in ("female", "male", "family"):
            for j, value in enumerate(
                _list(_get(pool, key, f"name_pools.{name}"), f"name_pools.{name}.{key}")
            ):
                _text(value, f"name_pools.{name}.{key}[{j}]")

    nats = _labelled(
        _get(p, "nationalities", ""),
        "nationalities",
        {"weight": "weight", "group": "text", "name_pool": "text"},
    )
    for i, nat in enumerate(nats):
        here = f"nationalities[{i}]"
        if nat["name_pool"] not in pools:
            _fail(here + ".name_pool", f"one of the name_pools ({', '.join(pools)})", nat["name_pool"])
        _weights(_get(nat, "main_languages", here), here + ".main_languages")
        other = _get(nat, "other_languages", here)
        if not isinstance(other, dict):
            _fail(here + ".other_languages", "a mapping of language to chance (may be {})", other)
        for lang, chance in other.items():
            _number(chance, f"{here}.other_languages.{lang}", 0, 1)
        _weights(_get(nat, "genders", here), here + ".genders", genders)
        _weights(_get(nat, "statuses", here), here + ".statuses", status_labels)
        for j, variant in enumerate(_list(_get(nat, "variants", here), here + ".variants")):
            _text(variant, f"{here}.variants[{j}]")

    boroughs = _labelled(
        _get(p, "boroughs", ""), "boroughs", {"code": "text", "sub_region": "text", "weight": "weight"}
    )
    for i, borough in enumerate(boroughs):
        _list(_get(borough, "variants", f"boroughs[{i}]"), f"boroughs[{i}].variants")

    att = _get(p, "attendance", "")
    for i, term in enumerate(_list(_get(att, "terms", "attendance"), "attendance.terms")):
        here = f"attendance.terms[{i}]"
        term["start"] = _date(_get(term, "start", here), here + ".start")
        term["end"] = _date(_get(term, "end", here), here + ".end")
    for key in ("mean_attendance", "end_of_term_drop", "winter_drop"):
        _number(_get(att, key, "attendance"), f"attendance.{key}", 0, 1)
    _list(_get(att, "winter_months", "attendance"), "attendance.winter_months", 0)
    activities = _labelled(_get(att, "activities", "attendance"), "attendance.activities")
    for i, act in enumerate(activities):
        here = f"attendance.activities[{i}]"
        day = _whole(_get(act, "weekday", here), here + ".weekday")
        if day > 6:
            _fail(here + ".weekday", "0 (Monday) to 6 (Sunday)", day)
        _whole(_get(act, "places", here), here + ".places", 1)
        if not isinstance(_get(act, "eligible", here), dict):
            _fail(here + ".eligible", "a mapping of rules (may be {})", act["eligible"])
        unknown = set(act["eligible"]) - {"needs_english", "genders", "min_age", "max_age"}
        if unknown:
            _fail(
                here + ".eligible", "rules among needs_english, genders, min_age and max_age", sorted(unknown)
            )
        if act.get("booking", "term") not in ("term", "per_session"):
            _fail(here + ".booking", "term or per_session", act["booking"])

    wb = _get(p, "wellbeing", "")
    _number(_get(wb, "share_surveyed", "wellbeing"), "wellbeing.share_surveyed", 0, 1)
    after = _get(wb, "after_days", "wellbeing")
    low = _whole(_get(after, "min", "wellbeing.after_days"), "wellbeing.after_days.min", 1)
    _whole(_get(after, "max", "wellbeing.after_days"), "wellbeing.after_days.max", low)
    for i, q in enumerate(_list(_get(wb, "questions", "wellbeing"), "wellbeing.questions")):
        here = f"wellbeing.questions[{i}]"
        _text(_get(q, "column", here), here + ".column")
        _number(_get(q, "mean", here), here + ".mean", 0, 10)
        if not isinstance(_get(q, "higher_is_better", here), bool):
            _fail(here + ".higher_is_better", "true or false", q["higher_is_better"])
    for key in ("sd_person", "sd_answer", "mean_change", "sd_change", "dropout_log_odds_per_point"):
        _number(_get(wb, key, "wellbeing"), f"wellbeing.{key}")
    for key in ("dropout_base", "skip_question"):
        _number(_get(wb, key, "wellbeing"), f"wellbeing.{key}", 0, 1)

    rel = _get(p, "releases", "")
    _whole(_get(rel, "k", "releases"), "releases.k", 2)
    _list(_get(rel, "careless_years", "releases"), "releases.careless_years")
    _labelled(_get(rel, "age_bands", "releases"), "releases.age_bands", {"min": "number", "max": "number"})
    _list(_get(rel, "keep_genders", "releases"), "releases.keep_genders")
    _text(_get(rel, "other_gender_label", "releases"), "releases.other_gender_label")
    _labelled(_get(rel, "arrival_periods", "releases"), "releases.arrival_periods", {"max_year": "number"})
    _whole(_get(rel, "l", "releases"), "releases.l", 2)
    _number(_get(rel, "max_share", "releases"), "releases.max_share", 0, 1)
    _list(_get(rel, "not_a_status", "releases"), "releases.not_a_status")
    _text(_get(rel, "merged_arrival_label", "releases"), "releases.merged_arrival_label")
    merge = rel.get("sub_region_groups", {})
    if not isinstance(merge, dict):
        _fail("releases.sub_region_groups", "a mapping of part of town to a bigger area", merge)

    messy = _get(p, "messy_export", "")
    for key in ("date_formats", "blank_markers", "yes_words", "no_words"):
        _list(_get(messy, key, "messy_export"), f"messy_export.{key}")
    for key in ("share_blank", "share_number_as_text", "share_variant_spelling", "share_stray_spaces"):
        _number(_get(messy, key, "messy_export"), f"messy_export.{key}", 0, 1)
    _text(_get(messy, "impossible_date", "messy_export"), "messy_export.impossible_date")
    _whole(_get(messy, "impossible_birth_year", "messy_export"), "messy_export.impossible_birth_year", 1)
    if not isinstance(_get(messy, "number_words", "messy_export"), dict):
        _fail("messy_export.number_words", "a mapping like {1: one, 2: two}", messy["number_words"])

    mat = _get(p, "maturity", "")
    themes = _list(_get(mat, "themes", "maturity"), "maturity.themes")
    _labelled(_get(mat, "org_types", "maturity"), "maturity.org_types", {"weight": "weight"})
    _list(_get(mat, "staff_bands", "maturity"), "maturity.staff_bands")
    for key in ("before_dates", "after_dates"):
        node = _get(mat, key, "maturity")
        node["start"] = _date(_get(node, "start", f"maturity.{key}"), f"maturity.{key}.start")
        node["end"] = _date(_get(node, "end", f"maturity.{key}"), f"maturity.{key}.end")
    for key in ("theme_before_mean", "theme_gain_mean"):
        node = _get(mat, key, "maturity")
        for theme in themes:
            _number(_get(node, theme, f"maturity.{key}"), f"maturity.{key}.{theme}")
