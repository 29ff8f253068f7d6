"""What each course table holds: columns, types, keys and descriptions.

One description serves three uses: the loader types columns from it, the
generator writes ``datapackage.json`` (a Frictionless Data Package) from it,
and the tests check the shipped files against it. Category values come from
the profile, so a fork's categories flow through without code changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "string", "integer", "date", "boolean" or "category"
    description: str
    categories: tuple[str, ...] | None = None
    ordered: bool = False
    required: bool = True
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other table, other column)
    raw_text: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


#: The tables, in the order they are written and listed.
TABLE_NAMES = (
    "clients",
    "cases",
    "attendance",
    "wellbeing",
    "messy_export",
    "messy_export_answer_key",
    "careless_release",
    "outside_source",
    "safe_release",
    "maturity_cohort",
)


def _labels(items: list[dict]) -> tuple[str, ...]:
    return tuple(item["label"] for item in items)


def _id_pattern(spec: dict) -> str:
    return f"{spec['prefix']}[0-9]{{{spec['digits']}}}"


def table_schemas(profile: dict) -> dict[str, Table]:
    """Describe every table for this profile."""
    from datawithcare.generator.tables import language_list

    ids = profile["identifiers"]
    client_id = _id_pattern(ids["client_id"])
    genders = _labels(profile["genders"])
    nationalities = _labels(profile["nationalities"])
    boroughs = _labels(profile["boroughs"])
    codes = tuple(b["code"] for b in profile["boroughs"])
    statuses = _labels(profile["statuses"])
    sector = profile["sector"]
    status, place = sector["status"], sector["area"]
    areas = _labels(profile["cases"]["issue_areas"])
    outcomes: list[str] = []
    for area in profile["cases"]["issue_areas"]:
        outcomes += [o for o in area["outcomes"] if o not in outcomes]
    rounds = ("before", "after")
    rel = profile["releases"]
    mat = profile["maturity"]
    groups = tuple(dict.fromkeys(n["group"] for n in profile["nationalities"]))
    merge = rel.get("sub_region_groups") or {}
    regions = tuple(dict.fromkeys(merge.get(b["sub_region"], b["sub_region"]) for b in profile["boroughs"]))
    release_genders = tuple(rel["keep_genders"]) + (rel["other_gender_label"],)
    score = {"minimum": 0, "maximum": 10, "required": False}
    n = profile["organisation"]["name"]

    all_from_abroad = all(x.get("arrived_from_abroad", True) for x in profile["nationalities"])
    condition = (
        (Field(sector["condition"]["column"], "boolean", sector["condition"]["description"]),)
        if sector.get("condition")
        else ()
    )
    safeguarding = (
        (Field(sector["safeguarding"]["column"], "boolean", sector["safeguarding"]["description"]),)
        if sector.get("safeguarding")
        else ()
    )

    S, I, D, B, C = "string", "integer", "date", "boolean", "category"  # noqa: E741 (short names keep the table readable)
    tables = [
        Table(
            "clients",
            "Clients",
            f"One row per person registered with {n}.",
            (
                Field("client_id", S, "The client's reference number.", pattern=client_id),
                Field("first_name", S, "Given name (made up from a pool of common names)."),
                Field("family_name", S, "Family name (made up from a pool of common names)."),
                Field("date_of_birth", D, "Date of birth."),
                Field("age", I, "Age in whole years at the end of the data period.", minimum=0, maximum=120),
                Field("gender", C, "Gender, as the person describes it.", genders),
                Field("nationality", C, "Nationality.", nationalities),
                Field(
                    "main_language", C, "The language the person speaks best.", tuple(language_list(profile))
                ),
                Field(
                    "other_languages", S, "Other languages, separated by ';'. Empty if none.", required=False
                ),
                Field("needs_interpreter", B, "Whether the person asked for an interpreter."),
                Field("borough", C, place["description"], boroughs),
                Field("borough_code", C, place["code_description"], codes),
                Field(
                    "phone", S, "Phone number from a range kept for drama: it reaches nobody.", required=False
                ),
                Field("email", S, "E-mail address on a reserved domain: it reaches nobody.", required=False),
                Field(
                    "nhs_number",
                    S,
                    "Ten digits that fail the NHS check digit: never a real number.",
                    required=False,
                ),
                Field(
                    "ni_number",
                    S,
                    "National Insurance number with the QQ prefix, which is never issued.",
                    required=False,
                ),
                Field(status["column"], C, status["description"], statuses),
                *condition,
                Field(
                    "arrival_date",
                    D,
                    "Date the person arrived in the UK. Empty for people who did not come from abroad.",
                    required=all_from_abroad,
                ),
                Field("registered_on", D, "Date the person registered with the charity."),
                Field(
                    "referral_source",
                    C,
                    "Who told the person about the charity.",
                    _labels(profile["referral_sources"]),
                    required=False,
                ),
                Field(
                    "household_size", I, "Number of people in the household, including the client.", minimum=1
                ),
                Field("consent_contact", B, "Agreed to be contacted about services."),
                Field(
                    "consent_share_partners",
                    B,
                    "Agreed that details may be shared with partner organisations.",
                ),
                Field(
                    "consent_case_study",
                    B,
                    "Agreed that their story may be used, anonymised, in a case study.",
                ),
                *safeguarding,
            ),
            primary_key=("client_id",),
        ),
        Table(
            "cases",
            "Cases",
            "Casework: one row per case opened for a client.",
            (
                Field("case_id", S, "The case reference number.", pattern=_id_pattern(ids["case_id"])),
                Field("client_id", S, "The client the case is for.", pattern=client_id),
                Field(
                    f"{status['column']}_at_open",
                    C,
                    f"The client's {status['label'].lower()} when the case was opened "
                    "(it can differ from their status now).",
                    statuses,
                ),
                Field("issue_area", C, "What the case is about.", areas),
                Field("opened_on", D, "Date the case was opened."),
                Field(
                    "closed_on", D, "Date the case was closed. Empty while the case is open.", required=False
                ),
                Field(
                    "outcome",
                    C,
                    "How the case ended. Empty while the case is open.",
                    tuple(outcomes),
                    required=False,
                ),
                Field(
                    "caseworker",
                    C,
                    "The caseworker, by pseudonym.",
                    tuple(
                        f"{ids['caseworker']['prefix']}{i:0{ids['caseworker']['digits']}d}"
                        for i in range(1, profile["cases"]["caseworkers"] + 1)
                    ),
                ),
            ),
            primary_key=("case_id",),
            foreign_keys=(("client_id", "clients", "client_id"),),
        ),
        Table(
            "attendance",
            "Attendance",
            "A register: one row per client per session they were booked on.",
            (
                Field("session_id", S, "The session reference.", pattern=_id_pattern(ids["session_id"])),
                Field("session_date", D, "Date of the session."),
                Field("activity", C, "The class or group.", _labels(profile["attendance"]["activities"])),
                Field("client_id", S, "The client booked on the session.", pattern=client_id),
                Field("attended", B, "Whether the client came."),
            ),
            primary_key=("session_id", "client_id"),
            foreign_keys=(("client_id", "clients", "client_id"),),
        ),
        Table(
            "wellbeing",
            "Wellbeing",
            "ONS personal well-being answers (0-10), one row per client per survey.",
            (
                Field("client_id", S, "The client who answered.", pattern=client_id),
                Field("survey", C, "Before or after taking part.", rounds, ordered=True),
                Field("survey_date", D, "Date of the survey."),
                *(
                    Field(
                        q["column"],
                        I,
                        f"Answer to the ONS question ({q['column'].replace('_', ' ')}), 0-10. Empty if skipped.",
                        **score,
                    )
                    for q in profile["wellbeing"]["questions"]
                ),
            ),
            primary_key=("client_id", "survey"),
            foreign_keys=(("client_id", "clients", "client_id"),),
        ),
        Table(
            "messy_export",
            "Messy export",
            "A registration spreadsheet as people typed it, with deliberate mistakes. Every column is text.",
            tuple(
                Field(name, S, text, required=False)
                for name, text in (
                    ("Client Ref", "Client reference, as typed."),
                    ("Full Name", "Name, in several styles."),
                    ("DOB", "Date of birth, in several formats."),
                    ("Nationality", "Nationality, with variant spellings."),
                    ("Borough", "Borough, with variant spellings."),
                    ("Phone", "Phone number, in several formats."),
                    ("Date Registered", "Date registered, in several formats."),
                    ("Household Size", "Household size, sometimes as words."),
                    ("Interpreter?", "Yes or no, in several ways."),
                )
            ),
            raw_text=True,
        ),
        Table(
            "messy_export_answer_key",
            "Messy export: answer key",
            "The clean table the messy export should become: one row per person.",
            (
                Field("client_ref", S, "Client reference.", pattern=client_id),
                Field("full_name", S, "First name and family name."),
                Field(
                    "date_of_birth",
                    D,
                    "Date of birth. Empty if the export had none or an impossible one.",
                    required=False,
                ),
                Field(
                    "nationality",
                    C,
                    "Nationality. Empty if the export had none.",
                    nationalities,
                    required=False,
                ),
                Field("borough", C, "Borough. Empty if the export had none.", boroughs, required=False),
                Field("phone", S, "Phone number, written as 07700 900123.", required=False),
                Field(
                    "registered_on",
                    D,
                    "Date registered. Empty if the export had an impossible date.",
                    required=False,
                ),
                Field(
                    "household_size",
                    I,
                    "Household size. Empty if the export had none.",
                    required=False,
                    minimum=1,
                ),
                Field(
                    "needs_interpreter",
                    B,
                    "Interpreter needed. Empty if the export had no answer.",
                    required=False,
                ),
            ),
            primary_key=("client_ref",),
            foreign_keys=(("client_ref", "clients", "client_id"),),
        ),
        Table(
            "careless_release",
            "Careless release",
            "A 'research' table a careless partner published: one row per person. Unsafe on purpose.",
            (
                Field("age", I, "Age in whole years.", minimum=0, maximum=120),
                Field("gender", C, "Gender.", genders),
                Field("nationality", C, "Nationality.", nationalities),
                Field("borough", C, "Borough.", boroughs),
                Field(
                    "arrival_year",
                    I,
                    "Year of arrival in the UK. Empty for people who did not come from abroad.",
                    required=all_from_abroad,
                ),
                Field(
                    status["column"],
                    C,
                    f"{status['description'].removesuffix('.')} (the sensitive detail).",
                    statuses,
                ),
            ),
        ),
        Table(
            "outside_source",
            "Outside source",
            "What an intruder can find elsewhere, such as a community newsletter.",
            (
                Field("name", S, "The person's name."),
                Field("age", I, "Age in whole years.", minimum=0, maximum=120),
                Field("gender", C, "Gender.", genders),
                Field("nationality", C, "Nationality.", nationalities),
                Field("borough", C, "Borough.", boroughs),
            ),
        ),
        Table(
            "safe_release",
            "Safe release",
            f"The careless release generalised, with rare combinations removed, so that every combination "
            f"of the first five columns appears at least {rel['k']} times, has at least {rel['l']} different "
            f"{status['plural']}, and no single one is more than {rel['max_share']:.0%} of the people "
            "in it who gave one.",
            (
                Field("age_band", C, "Age band.", _labels(rel["age_bands"]), ordered=True),
                Field("gender", C, "Gender, with small groups combined.", release_genders),
                Field("nationality_group", C, "Region of nationality.", groups),
                Field("sub_region", C, place["region_description"], regions),
                Field(
                    "arrival_period",
                    C,
                    "When the person arrived; in groups that were too small or gave a status away, "
                    f"'{rel['merged_arrival_label']}'.",
                    (
                        *_labels(rel["arrival_periods"]),
                        rel["merged_arrival_label"],
                        *(() if all_from_abroad else (rel.get("no_arrival_label", "No arrival date"),)),
                    ),
                ),
                Field(status["column"], C, status["description"], statuses),
            ),
        ),
        Table(
            "maturity_cohort",
            "Maturity cohort",
            "Data maturity self-assessments by a cohort of organisations, before and after the course.",
            (
                Field(
                    "org_id", S, "The organisation, by pseudonym.", pattern=_id_pattern(ids["organisation"])
                ),
                Field("org_type", C, "Kind of organisation.", _labels(mat["org_types"])),
                Field(
                    "staff_band",
                    C,
                    "Number of staff and regular volunteers.",
                    tuple(mat["staff_bands"]),
                    ordered=True,
                ),
                Field("round", C, "Before or after the course.", rounds, ordered=True),
                Field("assessed_on", D, "Date of the self-assessment."),
                Field("theme", C, "Theme of data maturity.", tuple(mat["themes"]), ordered=True),
                Field("score", I, "Score from 1 (just starting) to 5 (excellent).", minimum=1, maximum=5),
            ),
            primary_key=("org_id", "round", "theme"),
        ),
    ]
    return {t.name: t for t in tables}


def frictionless_package(profile: dict) -> dict[str, Any]:
    """The Data Package descriptor (datapackage.json) for every table."""
    resources = []
    for table in table_schemas(profile).values():
        fields = []
        for f in table.fields:
            kind = {"category": "string"}.get(f.kind, f.kind)
            spec: dict[str, Any] = {"name": f.name, "type": kind, "description": f.description}
            if kind == "boolean":
                spec["trueValues"] = ["True"]
                spec["falseValues"] = ["False"]
            if kind == "date":
                spec["format"] = "%Y-%m-%d"
            if f.categories is not None and f.ordered:
                # Table Schema v2: the enum's order is the values' natural order.
                spec["categoriesOrdered"] = True
            constraints: dict[str, Any] = {}
            if f.required:
                constraints["required"] = True
            if f.categories is not None:
                constraints["enum"] = list(f.categories)
            if f.pattern:
                constraints["pattern"] = f.pattern
            if f.minimum is not None:
                constraints["minimum"] = f.minimum
            if f.maximum is not None:
                constraints["maximum"] = f.maximum
            if constraints:
                spec["constraints"] = constraints
            fields.append(spec)
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if table.primary_key:
            schema["primaryKey"] = list(table.primary_key)
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": [col], "reference": {"resource": other, "fields": [other_col]}}
                for col, other, other_col in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.name.replace("_", "-"),
                "path": f"{table.name}.csv",
                "title": table.title,
                "description": table.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    # Foreign keys name resources by their package name.
    for resource in resources:
        for fk in resource["schema"].get("foreignKeys", []):
            fk["reference"]["resource"] = fk["reference"]["resource"].replace("_", "-")
    from datawithcare.generator.profile import profile_name

    return {
        "profile": "tabular-data-package",
        "name": "data-with-care-course-datasets",
        "title": f"Synthetic course datasets for {profile['organisation']['name']} (an imagined charity)",
        # Which sector profile made the files: the loader checks it against the active one.
        "sector_profile": profile_name(profile),
        "sources": [
            {"title": source["title"], "path": source["path"], "description": source["statistic"]}
            for source in profile["sector"]["sources"]
        ],
        "description": (
            "Synthetic data for the Data with Care course. Every person is made up; every phone number, "
            "e-mail address and ID number is from a range that reaches nobody. See the datasheet beside each file."
        ),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": resources,
    }
