"""The generator, the shipped files and what they promise.

Covers: reproducible files (byte for byte), the profile and command-line
errors, safe identifiers in every shipped file, the keys between tables,
the messy export's defects and answer key, and the linkage demonstration.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from harness import messy_datasheet_examples

from datawithcare.datasets import load_dataset
from datawithcare.generate import generate_tables, main, to_csv_text, write_tables
from datawithcare.generator.profile import (
    COURSE_SETTINGS,
    DEFAULT_PROFILE,
    ProfileError,
    active_profile_path,
    load_profile,
    profile_name,
    resolve_profile,
    shipped_profiles,
)
from datawithcare.generator.schema import TABLE_NAMES, table_schemas
from datawithcare.identifiers import (
    find_unsafe_identifiers,
    is_safe_email,
    is_safe_phone,
    nhs_number_is_valid,
    ni_number_could_be_valid,
)
from datawithcare.official import official_file_names
from datawithcare.paths import repo_root

DATASETS = repo_root() / "datasets"
PACKAGE = repo_root() / "datawithcare"

CONTRACT_COLUMNS = {
    "clients": [
        "client_id", "first_name", "family_name", "date_of_birth", "age", "gender", "nationality",
        "main_language", "other_languages", "needs_interpreter", "borough", "borough_code", "phone", "email",
        "nhs_number", "ni_number", "immigration_status", "arrival_date", "registered_on", "referral_source",
        "household_size", "consent_contact", "consent_share_partners", "consent_case_study",
    ],
    "cases": ["case_id", "client_id", "immigration_status_at_open", "issue_area", "opened_on", "closed_on", "outcome", "caseworker"],
    "attendance": ["session_id", "session_date", "activity", "client_id", "attended"],
    "wellbeing": [
        "client_id", "survey", "survey_date", "life_satisfaction", "worthwhile", "happy_yesterday", "anxious_yesterday",
    ],
    "messy_export": [
        "Client Ref", "Full Name", "DOB", "Nationality", "Borough", "Phone", "Date Registered", "Household Size",
        "Interpreter?",
    ],
    "messy_export_answer_key": [
        "client_ref", "full_name", "date_of_birth", "nationality", "borough", "phone", "registered_on",
        "household_size", "needs_interpreter",
    ],
    "careless_release": ["age", "gender", "nationality", "borough", "arrival_year", "immigration_status"],
    "outside_source": ["name", "age", "gender", "nationality", "borough"],
    "safe_release": ["age_band", "gender", "nationality_group", "sub_region", "arrival_period", "immigration_status"],
    "maturity_cohort": ["org_id", "org_type", "staff_band", "round", "assessed_on", "theme", "score"],
}  # fmt: skip

THEMES = ["uses", "data", "analysis", "leadership", "culture", "tools", "skills", "ethics-and-protection"]
START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")


@pytest.fixture(scope="module")
def t() -> dict[str, pd.DataFrame]:
    """The shipped tables, typed."""
    return {name: load_dataset(name) for name in TABLE_NAMES}


@pytest.fixture(scope="module")
def profile() -> dict:
    return load_profile()


# -- reproducible, small, UTF-8 ---------------------------------------------------


def test_default_command_reproduces_the_shipped_files_byte_for_byte(tmp_path, capsys):
    assert main(["--out", str(tmp_path)]) == 0
    assert "seed 2026" in capsys.readouterr().out
    made = sorted(p.name for p in tmp_path.iterdir())
    from datawithcare.generate import datasheet_folder

    # The active profile's hand-written datasheets are copied too (datawithcare/profiles/NAME/datasheets/).
    sheets = [p.name for p in datasheet_folder(load_profile()).glob("*.md")]
    assert made == sorted(
        [f"{n}.csv" for n in TABLE_NAMES] + official_file_names() + sheets + ["datapackage.json"]
    )
    for name in made:
        assert (tmp_path / name).read_bytes() == (DATASETS / name).read_bytes(), (
            f"{name} differs: run `make data`"
        )


def test_same_seed_same_tables_other_seed_other_tables():
    first = generate_tables(seed=11, scale=0.2)
    again = generate_tables(seed=11, scale=0.2)
    other = generate_tables(seed=12, scale=0.2)
    for name in TABLE_NAMES:
        assert to_csv_text(first[name]) == to_csv_text(again[name])
    assert to_csv_text(first["clients"]) != to_csv_text(other["clients"])


def test_scale_changes_the_number_of_clients():
    small = generate_tables(seed=3, scale=0.25)
    assert len(small["clients"]) == 500
    assert 0.8 < len(small["cases"]) / 1000 < 1.2


def test_shipped_folder_is_small_and_utf8():
    files = [p for p in DATASETS.iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 5 * 1024 * 1024
    for path in files:
        text = path.read_bytes().decode("utf-8")  # raises if not UTF-8
        assert "\r\n" not in text


def test_every_table_has_the_contract_columns(t, profile):
    # The sector's own column takes the name its profile gives it.
    column = profile["sector"]["status"]["column"]
    # Columns some sectors add: a condition beside the status, a safeguarding flag at the end.
    condition = profile["sector"].get("condition")
    safeguarding = profile["sector"].get("safeguarding")
    for name, columns in CONTRACT_COLUMNS.items():
        expected = [c.replace("immigration_status", column) for c in columns]
        if name == "clients":
            if condition:
                expected.insert(expected.index(column) + 1, condition["column"])
            if safeguarding:
                expected.append(safeguarding["column"])
        assert list(t[name].columns) == expected, name


def test_every_table_has_a_datasheet():
    for name in TABLE_NAMES:
        if name == "messy_export_answer_key":
            continue  # described in the messy export's datasheet
        sheet = DATASETS / f"{name}.md"
        assert sheet.exists(), f"datasets/{name}.md is missing"
        text = sheet.read_text(encoding="utf-8")
        for heading in ("Purpose", "How it was made", "deliberately", "must not be used for", "Sources"):
            assert heading.lower() in text.lower(), f"{name}.md has no section about {heading!r}"
        seed = load_profile()["default_seed"]
        assert re.search(rf"seed(?: is)?\W*\*\*{seed}\*\*", text, re.I), (
            f"{name}.md does not give the seed the files were made with ({seed}), as 'seed **{seed}**'."
        )


def test_datapackage_is_valid_with_frictionless():
    import frictionless

    report = frictionless.validate(str(DATASETS / "datapackage.json"))
    problems = [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.valid, problems


def test_datapackage_names_every_table_and_its_foreign_keys():
    import json

    package = json.loads((DATASETS / "datapackage.json").read_text())
    paths = {r["path"] for r in package["resources"]}
    assert paths == {f"{n}.csv" for n in TABLE_NAMES} | set(official_file_names())
    cases = next(r for r in package["resources"] if r["path"] == "cases.csv")
    assert cases["schema"]["foreignKeys"][0]["reference"] == {"resource": "clients", "fields": ["client_id"]}


# -- safe by construction ---------------------------------------------------------


def test_no_shipped_file_holds_an_unsafe_identifier():
    for path in sorted(DATASETS.iterdir()):
        if path.is_file():
            assert find_unsafe_identifiers(path.read_text(encoding="utf-8")) == [], path.name


def test_the_scan_would_catch_an_unsafe_value_in_a_shipped_file():
    text = (DATASETS / "clients.csv").read_text(encoding="utf-8")
    planted = text.replace("07700 900", "07911 123", 1)
    assert find_unsafe_identifiers(planted)


def test_client_identifiers_follow_the_safe_rules(t, profile):
    clients = t["clients"]
    phones = clients["phone"].dropna()
    assert len(phones) > (0.95 - profile["missing"]["phone"]) * len(clients)
    assert phones.map(is_safe_phone).all()
    ranges = "|".join(
        re.escape(r["prefix"]) + rf"\d{{{r['digits']}}}" for r in profile["identifiers"]["phone_ranges"]
    )
    assert phones.str.fullmatch(ranges).all()
    emails = clients["email"].dropna()
    assert len(emails) > 0 and emails.map(is_safe_email).all()
    nhs = clients["nhs_number"].dropna()
    assert len(nhs) > 0 and nhs.str.fullmatch(r"999\d{7}").all()
    assert not nhs.map(nhs_number_is_valid).any()
    ni = clients["ni_number"].dropna()
    assert len(ni) > 0 and ni.str.fullmatch(r"QQ\d{6}[A-D]").all()
    assert not ni.map(ni_number_could_be_valid).any()


def test_no_postcodes_anywhere():
    postcode = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
    for path in DATASETS.glob("*.csv"):
        assert not postcode.search(path.read_text(encoding="utf-8")), path.name


def test_names_come_from_the_profile_pools(t, profile):
    pools = profile["name_pools"].values()
    firsts = {n for p in pools for n in p["female"] + p["male"]}
    families = {n for p in pools for n in p["family"]}
    assert set(t["clients"]["first_name"]) <= firsts
    assert set(t["clients"]["family_name"]) <= families


# -- realism and the contract ------------------------------------------------------


def test_categories_are_the_contract_ones(t, profile):
    clients = t["clients"]
    statuses = [s["label"] for s in profile["statuses"]]
    column = profile["sector"]["status"]["column"]
    assert list(clients[column].cat.categories) == statuses
    assert set(clients[column]) == set(statuses)
    assert list(clients["gender"].cat.categories) == ["Woman", "Man", "Non-binary", "Prefer not to say"]
    assert set(t["cases"]["issue_area"].cat.categories) == {
        a["label"] for a in profile["cases"]["issue_areas"]
    }
    assert {a["label"] for a in profile["attendance"]["activities"]} == set(t["attendance"]["activity"])


# -- every shipped sector: realism the profile declares ---------------------------------

SECTORS = shipped_profiles()


@functools.cache
def sector_tables(name: str) -> tuple[dict, dict[str, pd.DataFrame]]:
    """A shipped profile and the tables its default seed makes (once per test session)."""
    profile = load_profile(name)
    return profile, generate_tables(profile=profile)


def test_the_course_ships_a_second_sector():
    assert {FIRST_SECTOR, HOMELESSNESS} <= set(SECTORS)
    assert not any(name.endswith("-official") for name in SECTORS)


@pytest.mark.parametrize("name", SECTORS)
def test_area_codes_are_the_ons_codes_the_profile_expects(name):
    profile, tables = sector_tables(name)
    pattern = re.compile(profile["sector"]["expectations"]["area_code_pattern"])
    codes = {b["label"]: b["code"] for b in profile["boroughs"]}
    assert len(set(codes.values())) == len(codes), "two areas share a code"
    assert all(pattern.fullmatch(code) for code in codes.values())
    pairs = tables["clients"][["borough", "borough_code"]].astype(str).drop_duplicates()
    assert all(codes[b] == c for b, c in pairs.itertuples(index=False))
    assert set(pairs["borough"]) == set(codes), "every area has someone living in it"


def test_the_greater_manchester_codes_are_the_ons_ones():
    # Written out here from the ONS register, so a typo in the profile cannot pass unseen.
    ons = {
        "Bolton": "E08000001", "Bury": "E08000002", "Manchester": "E08000003", "Oldham": "E08000004",
        "Rochdale": "E08000005", "Salford": "E08000006", "Stockport": "E08000007", "Tameside": "E08000008",
        "Trafford": "E08000009", "Wigan": "E08000010",
    }  # fmt: skip
    profile = load_profile("homelessness-greater-manchester")
    assert {b["label"]: b["code"] for b in profile["boroughs"]} == ons


@pytest.mark.parametrize("name", SECTORS)
def test_categories_come_from_the_profile(name):
    profile, tables = sector_tables(name)
    column = profile["sector"]["status"]["column"]
    clients = tables["clients"]
    statuses = [s["label"] for s in profile["statuses"]]
    assert list(clients[column].cat.categories) == statuses
    assert set(clients[column]) == set(statuses), "every status occurs"
    for table in ("careless_release", "safe_release"):
        assert column in tables[table].columns
    if column != "immigration_status":
        assert not any("immigration_status" in frame.columns for frame in tables.values())
    assert set(tables["cases"]["issue_area"]) == {a["label"] for a in profile["cases"]["issue_areas"]}
    examples = profile["sector"]["examples"]
    assert set(examples["focus_areas"]) <= set(clients["borough"])
    assert set(examples["example_statuses"]) <= set(clients[column])
    assert (tables["cases"]["issue_area"] == examples["main_issue"]).any()
    # Lesson 6e's class (sector.examples.class_activity): tests/test_lesson_examples.py.


@pytest.mark.parametrize("name", SECTORS)
def test_nationality_mix_meets_the_profile_expectations(name):
    profile, tables = sector_tables(name)
    expect = profile["sector"]["expectations"]
    share = tables["clients"]["nationality"].value_counts(normalize=True)
    top = list(share.index[: len(expect["common_nationalities"]) + 3])
    for nat in expect["common_nationalities"]:
        assert share[nat] > 0.04, nat
        assert nat in top, nat
    for pair in expect.get("more_common") or []:
        assert share[pair["label"]] > share[pair["than"]], pair


@pytest.mark.parametrize("name", SECTORS)
def test_each_status_is_most_common_where_the_profile_says(name):
    profile, tables = sector_tables(name)
    clients = tables["clients"]
    column = profile["sector"]["status"]["column"]
    for status, nationality in (profile["sector"]["expectations"].get("status_most_common_in") or {}).items():
        counts = clients.loc[clients[column] == status, "nationality"].value_counts()
        assert counts.index[0] == nationality, (status, counts.head(3).to_dict())


@pytest.mark.parametrize("name", SECTORS)
def test_every_sector_makes_safe_identifiers(name):
    profile, tables = sector_tables(name)
    for table, frame in tables.items():
        assert not find_unsafe_identifiers(to_csv_text(frame)), table
    phones = tables["clients"]["phone"].dropna()
    assert phones.map(is_safe_phone).all()
    prefixes = [r["prefix"] for r in profile["identifiers"]["phone_ranges"]]
    for prefix in prefixes:
        assert phones.str.startswith(prefix).any(), f"no phone from the range {prefix}"


@pytest.mark.parametrize("name", SECTORS)
def test_every_sector_keeps_the_linkage_promise(name):
    profile, tables = sector_tables(name)
    check_linkage(tables, profile)


def test_clients_are_consistent(t):
    c = t["clients"]
    assert 1900 <= len(c) <= 2100
    assert c["client_id"].is_unique and c["client_id"].str.fullmatch(r"C\d{5}").all()
    assert c["registered_on"].between(START, END).all()
    # Those the profile says came from abroad have an arrival date (the rest have none:
    # test_only_people_who_came_from_abroad_have_an_arrival_date), between birth and registering.
    never = [n["label"] for n in load_profile()["nationalities"] if n.get("arrived_from_abroad") is False]
    came = c[~c["nationality"].isin(never)]
    assert len(came) > 0 and came["arrival_date"].notna().all()
    assert (came["arrival_date"] <= came["registered_on"]).all()
    assert (came["arrival_date"] > came["date_of_birth"]).all()
    assert c["registered_on"].is_monotonic_increasing  # ids follow registration order
    ref = pd.Timestamp(load_profile()["period"]["age_reference_date"])
    dob = c["date_of_birth"]
    before_birthday = (dob.dt.month > ref.month) | ((dob.dt.month == ref.month) & (dob.dt.day > ref.day))
    assert (c["age"] == ref.year - dob.dt.year - before_birthday.astype(int)).all()
    assert c["age"].between(16, 90).all()
    assert (c["registered_on"] >= c["date_of_birth"] + pd.DateOffset(years=16)).all()  # 16 or over
    assert c["household_size"].between(1, 12).all()
    langs = c["other_languages"].dropna().str.split(";").explode()
    assert len(langs) > 0 and langs.isin(c["main_language"].cat.categories).all()
    assert not (c["other_languages"].fillna("").str.split(";").apply(len) == 0).any()
    # Missing values where real records have them, not where they do not.
    for column in ("email", "nhs_number", "ni_number", "phone"):
        assert 0 < c[column].isna().mean() < 0.8, column
    for column in ("first_name", "family_name", "date_of_birth", "nationality", "borough", "registered_on"):
        assert c[column].notna().all(), column


def test_cases_link_to_clients_and_have_sensible_dates(t):
    cases, clients = t["cases"], t["clients"].set_index("client_id")
    assert 3500 <= len(cases) <= 4500
    assert cases["case_id"].is_unique and cases["case_id"].str.fullmatch(r"K\d{6}").all()
    assert cases["client_id"].isin(clients.index).all()
    registered = clients.loc[cases["client_id"], "registered_on"].to_numpy()
    assert (cases["opened_on"].to_numpy() >= registered).all()
    assert cases["opened_on"].between(START, END).all()
    closed = cases.dropna(subset=["closed_on"])
    assert (closed["closed_on"] >= closed["opened_on"]).all() and (closed["closed_on"] <= END).all()
    # Open cases have no outcome; closed ones do.
    assert (cases["closed_on"].isna() == cases["outcome"].isna()).all()
    assert 0.05 < cases["closed_on"].isna().mean() < 0.4
    assert cases["caseworker"].astype(str).str.fullmatch(r"CW\d{2}").all()


def test_cases_have_a_seasonal_pattern(t, profile):
    cases = t["cases"]
    # Within each full year, winter months are busier than the summer ones.
    year = cases[cases["opened_on"].dt.year == 2024]
    by_month = year["opened_on"].dt.month.value_counts()
    assert by_month[[1, 2, 11, 12]].mean() > by_month[[6, 7, 8]].mean()
    registrations = t["clients"]["registered_on"]
    for day, weight in enumerate(profile["seasonality"]["open_by_weekday"]):
        if weight == 0:
            assert (registrations.dt.day_of_week == day).sum() == 0  # closed that day


def test_attendance_register(t):
    att, clients = t["attendance"], t["clients"].set_index("client_id")
    assert not att.duplicated(["session_id", "client_id"]).any()
    assert att["client_id"].isin(clients.index).all()
    assert att["session_date"].between(START, END).all()
    assert (att["session_date"].to_numpy() >= clients.loc[att["client_id"], "registered_on"].to_numpy()).all()
    # One date and activity per session.
    assert (att.groupby("session_id")[["session_date", "activity"]].nunique(dropna=False) == 1).all().all()
    assert 0.55 < att["attended"].mean() < 0.9
    women = att[att["activity"] == "Women's group"]
    assert (clients.loc[women["client_id"], "gender"] == "Woman").all()
    esol = att[att["activity"].astype(str).str.startswith("ESOL")]
    assert (clients.loc[esol["client_id"], "main_language"] != "English").all()


def test_wellbeing_scores_and_drop_out_not_at_random(t):
    w = t["wellbeing"]
    scores = w[["life_satisfaction", "worthwhile", "happy_yesterday", "anxious_yesterday"]]
    assert scores.stack().between(0, 10).all()
    assert scores.isna().any().any()  # some questions skipped
    assert not w.duplicated(["client_id", "survey"]).any()
    before = w[w["survey"] == "before"].set_index("client_id")
    after = w[w["survey"] == "after"].set_index("client_id")
    assert set(after.index) < set(before.index)  # nobody has an after without a before
    assert (after["survey_date"] > before.loc[after.index, "survey_date"]).all()
    stayed = before.index.isin(after.index)
    assert 0.15 < 1 - stayed.mean() < 0.6
    # Not at random: those who left started lower than those who stayed.
    assert (
        before.loc[~stayed, "life_satisfaction"].mean() < before.loc[stayed, "life_satisfaction"].mean() - 0.5
    )
    assert after["life_satisfaction"].mean() > before["life_satisfaction"].mean()


def test_maturity_cohort(t):
    m = t["maturity_cohort"]
    assert m["org_id"].nunique() == 15
    assert set(m["org_id"]) == {f"ORG{i:02d}" for i in range(1, 16)}
    assert list(m["theme"].cat.categories) == THEMES
    assert list(m["round"].cat.categories) == ["before", "after"]
    assert m["score"].between(1, 5).all()
    assert len(m) == 15 * 8 * 2 and not m.duplicated(["org_id", "round", "theme"]).any()
    assert (m.groupby(["org_id", "round"], observed=True)["assessed_on"].nunique() == 1).all()
    wide = m.pivot_table(index=["org_id", "theme"], columns="round", values="score", observed=True)
    assert wide["after"].mean() > wide["before"].mean()


# -- messy export and answer key ----------------------------------------------------


#: What the messy export writes for "no answer": the active profile's markers.
BLANKS = set(load_profile()["messy_export"]["blank_markers"])
DATE_SHAPES = {
    "dd/mm/yyyy": r"\d{2}/\d{2}/\d{4}",
    "yyyy-mm-dd": r"\d{4}-\d{2}-\d{2}",
    "d Month yyyy": r"\d{1,2} [A-Z][a-z]+ \d{4}",
    "dd.mm.yyyy": r"\d{2}\.\d{2}\.\d{4}",
    "dd-Mon-yy": r"\d{2}-[A-Z][a-z]{2}-\d{2}",
}


def parse_any(text: str) -> pd.Timestamp | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d.%m.%Y", "%d-%b-%y"):
        try:
            return pd.to_datetime(text.strip(), format=fmt)
        except ValueError:
            continue
    return None


def test_messy_export_has_every_documented_defect(t, profile):
    messy = t["messy_export"]
    raw = messy.fillna("")
    assert 280 <= len(messy) <= 320
    assert all(str(d) == "str" for d in messy.dtypes)
    # Mixed date formats in both date columns.
    for column in ("DOB", "Date Registered"):
        shapes = {name for name, rx in DATE_SHAPES.items() if raw[column].str.strip().str.fullmatch(rx).any()}
        assert len(shapes) >= 3, (column, shapes)
    # Variant spellings of nationalities and boroughs, beyond case and spaces.
    for column, items in (("Nationality", profile["nationalities"]), ("Borough", profile["boroughs"])):
        labels = {i["label"].lower() for i in items}
        values = raw[column].str.strip().str.lower()
        assert (~values.isin(labels | {b.lower() for b in BLANKS})).sum() >= 5, column
    # Near-duplicate rows: the same person twice, written differently.
    refs = raw["Client Ref"].str.strip().str.upper()
    dup = raw[refs.duplicated(keep=False)]
    assert refs.duplicated().sum() >= 5
    assert not raw.duplicated().any(), "duplicates should be near-duplicates, not exact copies"
    assert dup.groupby(refs[dup.index])["Full Name"].nunique().min() == 2
    # Blanks, N/A and dashes.
    stacked = raw[["DOB", "Nationality", "Borough", "Phone", "Household Size", "Interpreter?"]].stack()
    for marker in profile["messy_export"]["blank_markers"][:3]:
        assert (stacked == marker).any(), marker
    # Stray spaces and mixed case.
    text_cols = raw[["Full Name", "Nationality", "Borough", "Client Ref"]].stack()
    assert (text_cols != text_cols.str.strip()).sum() >= 5
    assert (
        raw["Full Name"].str.strip().str.isupper().any() and raw["Full Name"].str.strip().str.islower().any()
    )
    assert raw["Client Ref"].str.strip().str.match(r"c\d").any()
    # Numbers as text.
    sizes = raw["Household Size"].str.strip()
    assert (~sizes.str.fullmatch(r"\d+") & ~sizes.isin(BLANKS)).sum() >= 3
    # Several ways of writing yes and no.
    assert raw["Interpreter?"].str.strip().nunique() >= 6
    # An impossible date (looks like a date, is not one) and an impossible age.
    registered = raw["Date Registered"]
    impossible = [v for v in registered if parse_any(v) is None and v.strip() not in BLANKS]
    assert impossible == [profile["messy_export"]["impossible_date"]]
    births = [parse_any(v) for v in raw["DOB"] if v.strip() not in BLANKS]
    ages = [(pd.Timestamp("2025-12-31") - b).days / 365.25 for b in births if b is not None]
    assert max(ages) > 120


def test_answer_key_is_consistent_with_the_clean_data(t):
    key, clients, messy = t["messy_export_answer_key"], t["clients"].set_index("client_id"), t["messy_export"]
    refs = messy["Client Ref"].str.strip().str.upper()
    assert key["client_ref"].is_unique
    assert set(key["client_ref"]) == set(refs)
    c = clients.loc[key["client_ref"]].reset_index()
    assert (key["full_name"] == c["first_name"].astype(str) + " " + c["family_name"].astype(str)).all()
    for k_col, c_col in (
        ("date_of_birth", "date_of_birth"),
        ("nationality", "nationality"),
        ("borough", "borough"),
        ("phone", "phone"),
        ("registered_on", "registered_on"),
        ("household_size", "household_size"),
        ("needs_interpreter", "needs_interpreter"),
    ):
        known = key[k_col].notna().to_numpy()
        assert known.mean() > 0.8, k_col
        assert (
            key.loc[known, k_col].astype(str).to_numpy() == c.loc[known, c_col].astype(str).to_numpy()
        ).all(), k_col
    # A value is missing from the key only when every copy in the export lost it.
    raw = messy.fillna("")
    for k_col, m_col in (
        ("nationality", "Nationality"),
        ("borough", "Borough"),
        ("household_size", "Household Size"),
    ):
        lost = raw[m_col].str.strip().isin(BLANKS).groupby(refs).all()
        missing = key.set_index("client_ref")[k_col].isna()
        assert (missing == lost.reindex(missing.index)).all(), k_col
    # The impossible values are missing in the key.
    assert key["registered_on"].isna().sum() == 1
    assert key["date_of_birth"].isna().sum() >= 1


# -- the linkage demonstration -------------------------------------------------------

QI = ["age", "gender", "nationality", "borough"]
SAFE_QI = ["age_band", "gender", "nationality_group", "sub_region", "arrival_period"]


def reidentify(careless: pd.DataFrame, outside: pd.DataFrame) -> pd.DataFrame:
    """Outside-source people who match exactly one row of the careless release."""
    joined = outside.merge(careless, on=QI, how="inner")
    counts = joined.groupby("name").size()
    return joined[joined["name"].isin(counts[counts == 1].index)]


def check_linkage(tables: dict[str, pd.DataFrame], profile: dict) -> None:
    status = profile["sector"]["status"]["column"]
    careless, outside, safe, clients = (
        tables["careless_release"],
        tables["outside_source"],
        tables["safe_release"],
        tables["clients"],
    )
    found = reidentify(careless, outside)
    assert len(found) >= 5, "the careless release should let an intruder single some people out"
    # The matches are right: the named person really has that status and arrival year.
    clients = clients.assign(
        name=clients["first_name"].astype(str) + " " + clients["family_name"].astype(str)
    )
    truth = found.merge(clients, on=["name", *QI], how="left", suffixes=("", "_true"))
    assert len(truth) == len(found), "each person named in the newsletter is exactly one client"
    assert truth["client_id"].notna().all()
    assert (truth[status].astype(str) == truth[f"{status}_true"].astype(str)).all()
    assert (truth["arrival_year"] == truth["arrival_date"].dt.year).all()

    # The safe release: k >= 5 on its quasi-identifiers, computed with plain pandas.
    sizes = safe.groupby(SAFE_QI, observed=True).size()
    assert sizes.min() >= profile["releases"]["k"] >= 5
    assert len(safe) > 0.75 * len(careless), "suppression should remove only a minority of rows"
    # ... and it does not give a status away: in every group, at least l different real
    # statuses ("Prefer not to say" is not one), and no status above max_share of those who gave one.
    limits = profile["releases"]
    real = safe[~safe[status].astype(str).isin(limits["not_a_status"])]
    assert "Prefer not to say" in limits["not_a_status"]
    per_group = real.groupby(SAFE_QI, observed=True)[status]
    distinct = per_group.nunique().reindex(sizes.index, fill_value=0)
    assert distinct.min() >= limits["l"] >= 2, "a group of the safe release shares one status"
    largest = per_group.agg(lambda s: s.value_counts().max() / len(s))
    assert largest.max() <= limits["max_share"] <= 0.75, "one status is too common in a group"
    assert not set(QI[:1] + QI[2:]) & set(safe.columns)  # no exact age, nationality or borough to join on
    # The intruder generalises the newsletter the same way and tries again.
    rel = profile["releases"]
    bands = pd.cut(
        outside["age"],
        bins=[b["min"] - 1 for b in rel["age_bands"]] + [rel["age_bands"][-1]["max"]],
        labels=[b["label"] for b in rel["age_bands"]],
    ).astype(str)
    gender = outside["gender"].astype(str)
    merge = rel["sub_region_groups"]
    general = pd.DataFrame(
        {
            "name": outside["name"],
            "age_band": bands,
            "gender": gender.where(gender.isin(rel["keep_genders"]), rel["other_gender_label"]),
            "nationality_group": outside["nationality"]
            .astype(str)
            .map({n["label"]: n["group"] for n in profile["nationalities"]}),
            "sub_region": outside["borough"]
            .astype(str)
            .map({b["label"]: merge[b["sub_region"]] for b in profile["boroughs"]}),
        }
    )
    safe_text = safe.astype({c: str for c in SAFE_QI})
    joined = general.merge(safe_text, on=SAFE_QI[:4], how="inner")
    candidates = joined.groupby("name").size()
    assert len(candidates) > 0
    assert candidates.min() >= 5, "nobody may be narrowed down to fewer than k rows"


def test_careless_release_reidentifies_and_safe_release_does_not(t, profile):
    check_linkage(t, profile)


@pytest.mark.parametrize("seed", [1, 99])
def test_linkage_guarantee_holds_for_other_seeds(seed, profile):
    check_linkage(generate_tables(seed=seed), profile)


# -- profile and command-line errors ------------------------------------------------


def write_profile(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_PROFILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("boroughs"), "no key 'boroughs'"),
        (lambda d: d["sizes"].update(clients="many"), "sizes.clients should be a whole number"),
        (lambda d: d["period"].update(end="31/12/2025"), "period.end should be a date written YYYY-MM-DD"),
        (lambda d: d["nationalities"][0]["statuses"].update({"No such status": 3}), "not one of the labels"),
        (lambda d: d["nationalities"][0].update(name_pool="klingon"), "nationalities[0].name_pool"),
        (lambda d: d["seasonality"].update(cases_by_month=[1, 2]), "seasonality.cases_by_month"),
        (
            lambda d: d["consent"].update(consent_contact=1.5),
            "consent.consent_contact should be a number from 0",
        ),
        (lambda d: d["identifiers"].update(ni_prefix="Q"), "identifiers.ni_prefix"),
        # A misspelt key is a mistake, not something to ignore.
        (
            lambda d: d["sizes"].update(number_of_clients=300),
            "a key 'number_of_clients' under sizes that the course does not use",
        ),
        (lambda d: d.update(colour="blue"), "a key 'colour' at the top level that the course does not use"),
        (lambda d: d["consent"].update(consent_contact=True), "consent.consent_contact should be a number;"),
        (lambda d: d["genders"].append(dict(d["genders"][0])), "genders has the label 'Woman' twice"),
        (
            lambda d: d["age_bands"][1].update(min=50),
            "age_bands[1].max should be at least min (50); it is 24",
        ),
        (lambda d: d["period"].update(end="2022-06-30"), "period.end should be a date after period.start"),
        (lambda d: d["maturity"]["theme_gain_mean"].pop("uses"), "has no value for the theme 'uses'"),
    ],
)
def test_bad_profile_names_the_key(tmp_path, change, message):
    path = write_profile(tmp_path, change)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert message in str(info.value)


def test_every_problem_of_a_profile_is_listed_at_once(tmp_path):
    def two_mistakes(d):
        d["sizes"]["clients"] = "many"
        d["wellbeing"]["share_surveyed"] = 2

    with pytest.raises(ProfileError) as info:
        load_profile(write_profile(tmp_path, two_mistakes))
    message = str(info.value)
    assert message.startswith("The profile has 2 problems:")
    assert "sizes.clients should be a whole number" in message
    assert "wellbeing.share_surveyed should be a number from 0 to 1; it is 2." in message
    assert "Traceback" not in message and "pydantic" not in message


def test_the_checked_profile_is_the_profile_with_dates_as_dates(tmp_path):
    import datetime as dt

    raw = yaml.safe_load(DEFAULT_PROFILE.read_text(encoding="utf-8"))
    raw["period"]["start"] = "2023-01-01"  # written as text, read as a date
    loaded = load_profile(write_profile(tmp_path, lambda d: d.update(raw)))
    assert loaded.pop("_source").endswith("profile.yaml")
    assert loaded["period"]["start"] == dt.date(2023, 1, 1)
    raw["period"]["start"] = dt.date(2023, 1, 1)
    assert loaded == raw and list(loaded) == list(raw)


def test_profile_that_is_not_yaml_or_missing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("nationalities: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="no profile file"):
        load_profile(tmp_path / "nowhere.yaml")


def test_a_fork_changes_the_profile_not_the_code(tmp_path):
    def rename(d):
        d["organisation"]["name"] = "Northside Housing Network"
        d["nationalities"][0]["label"] = "Atlantis"
        d["sector"]["expectations"]["common_nationalities"] = ["Atlantis"]
        d["sector"]["expectations"]["more_common"] = []
        d["sizes"]["clients"] = 300

    tables = generate_tables(seed=5, profile=write_profile(tmp_path, rename))
    assert len(tables["clients"]) == 300
    assert "Atlantis" in set(tables["clients"]["nationality"])
    assert "Afghanistan" not in set(tables["clients"]["nationality"].cat.categories)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "abc"], "seed must be a whole number"),
        (["--seed", "-4"], "seed must be zero or more"),
        (["--scale", "0"], "scale must be above 0"),
        (["--scale", "lots"], "scale must be a number"),
        (["--scale", "5000"], "at most"),
    ],
)
def test_cli_bad_seed_or_scale(tmp_path, capsys, args, message):
    assert main([*args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_cli_bad_profile(tmp_path, capsys):
    path = write_profile(tmp_path, lambda d: d.pop("genders"))
    assert main(["--profile", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "no key 'genders'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_unwritable_folder(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert main(["--out", str(blocker), "--quiet"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["--out", str(blocker / "inside"), "--quiet"]) == 2
    assert "Cannot create the folder" in capsys.readouterr().err


def test_write_tables_writes_what_it_was_given(tmp_path):
    tables = generate_tables(seed=8, scale=0.1)
    written = write_tables(tables, tmp_path)
    assert {p.name for p in written} == {f"{n}.csv" for n in TABLE_NAMES} | set(official_file_names()) | {
        "datapackage.json"
    }
    back = pd.read_csv(tmp_path / "clients.csv", dtype=str)
    assert back["client_id"].tolist() == tables["clients"]["client_id"].tolist()


def test_schema_matches_generated_columns():
    tables = generate_tables(seed=4, scale=0.1)
    schemas = table_schemas(load_profile())
    for name, frame in tables.items():
        assert list(frame.columns) == schemas[name].columns


def test_big_scale_stays_proportional():
    big = generate_tables(seed=2, scale=5)
    assert len(big["clients"]) == 10_000
    assert np.isclose(len(big["cases"]) / len(big["clients"]), 2.0, atol=0.15)


def test_messy_datasheet_examples_are_really_in_the_file(t):
    """The examples the datasheet shows are values a learner can find in the export."""
    sheet = (DATASETS / "messy_export.md").read_text(encoding="utf-8")
    cells = set(t["messy_export"].fillna("").stack())
    examples = messy_datasheet_examples(sheet)
    for problem, item, value in examples:
        assert value in cells, f"{problem}: the datasheet shows {item!r}, which is not in messy_export.csv"
    assert len(examples) >= 20


def test_big_runs_show_a_progress_bar_and_tqdm_loads_lazily(tmp_path, capsys):
    import subprocess
    import sys

    code = "import sys, datawithcare.generate; print('tqdm' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"
    assert main(["--scale", "10", "--seed", "3", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "Making tables" in captured.err
    assert "seed 3" in captured.out
    assert len(pd.read_csv(tmp_path / "clients.csv", usecols=["client_id"])) == 20_000


def test_profile_rule_names_are_checked(tmp_path):
    def bad_rule(d):
        d["attendance"]["activities"][0]["eligible"] = {"speaks_english": False}

    with pytest.raises(ProfileError, match=r"attendance.activities\[0\].eligible"):
        load_profile(write_profile(tmp_path, bad_rule))

    def bad_names(d):
        d["genders"][0]["names"] = "women"

    with pytest.raises(ProfileError, match=r"genders\[0\].names should be female, male or any"):
        load_profile(write_profile(tmp_path, bad_names))


# -- the drawing helper and big runs ------------------------------------------


@pytest.mark.parametrize(
    "weights", [[1], [4, 1], [70, 8, 10, 6, 6], [1e-9, 5, 0, 0, 3, 1e-12, 2], list(range(1, 41))]
)
def test_choose_draws_what_rng_choice_draws(weights):
    from datawithcare.generator.tables import choose, probs

    fast = choose(np.random.default_rng(11), 50_000, weights)
    plain = np.random.default_rng(11).choice(len(weights), size=50_000, p=probs(weights))
    assert fast.dtype == plain.dtype
    np.testing.assert_array_equal(fast, plain)


def test_big_client_tables_keep_their_promises():
    """A big run (client numbers wider than the profile's digits): check what it makes."""
    from datawithcare.generator.tables import make_clients

    clients = make_clients(load_profile(), np.random.default_rng(2026), 200_000)
    assert clients["client_id"].iloc[[0, -1]].tolist() == ["C000001", "C200000"]
    assert clients["client_id"].is_unique
    assert clients["nhs_number"].dropna().str.fullmatch(r"999\d{7}").all()
    assert not clients["nhs_number"].dropna().map(nhs_number_is_valid).any()
    assert clients["ni_number"].dropna().str.fullmatch(r"QQ\d{6}[A-D]").all()
    assert clients["email"].dropna().map(is_safe_email).all()
    speaks_main_as_other = [
        main in str(other).split(";")
        for main, other in zip(
            clients["main_language"][:5000], clients["other_languages"][:5000], strict=True
        )
    ]
    assert not any(speaks_main_as_other)


def test_generator_benchmark_reports_every_profile_against_the_target(monkeypatch):
    """A tiny run of the benchmark: one row per shipped profile, each with the 3 s target and a verdict."""
    from benchmarks import bench_generate

    monkeypatch.setattr(bench_generate, "BIG_ROWS", 2_000)
    monkeypatch.setattr(bench_generate, "REPEATS", 1)
    report = bench_generate.run()
    names = bench_generate.shipped_profiles()
    assert {FIRST_SECTOR, HOMELESSNESS} <= set(names)
    for name in names:
        assert re.search(
            rf"\| Shipped data, profile {name} \| [\d.]+ s \| under 3 s \| (pass|FAIL) \|", report
        )
    assert re.search(
        r"\| Machine load .* \| [\d.]+, [\d.]+, [\d.]+ at the start, [\d.]+, [\d.]+, [\d.]+ at the end \|",
        report,
    )


def test_a_profile_where_nobody_speaks_another_language(tmp_path):
    def monolingual(d):
        d["english_as_other_language"] = 0
        for nat in d["nationalities"]:
            nat["other_languages"] = {}

    clients = generate_tables(seed=4, profile=write_profile(tmp_path, monolingual))["clients"]
    assert clients["other_languages"].isna().all()
    assert clients["main_language"].notna().all()


@pytest.mark.parametrize("seed", [2026, 7, 11])
@pytest.mark.parametrize("name", SECTORS)
def test_no_pile_up_of_cases_at_the_end_of_the_period(name, seed):
    """Later cases that would open after the data ends are dropped, not squeezed
    into the last weeks (which once made December 2025 look like a surge).

    The last month is measured against the rest of its year, and that against
    the same month a year before: a sector that is busier every winter (the
    homelessness profile's December) is its season, not a pile-up at the end.
    Squeezing the cases back in would make the last month several times its season.
    """
    cases = generate_tables(seed=seed, profile=name)["cases"]
    per_month = cases["opened_on"].dt.to_period("M").value_counts()

    def last_month_against_its_year(year: int) -> float:
        rest = per_month[[pd.Period(f"{year}-{m:02d}", "M") for m in range(1, 12)]]
        return per_month[pd.Period(f"{year}-12", "M")] / rest.mean()

    assert last_month_against_its_year(2025) < 1.5 * last_month_against_its_year(2024)


# -- one active profile (issue 15) --------------------------------------------------------

HOMELESSNESS = "homelessness-greater-manchester"
#: The course's first profile, the one it ships with.
FIRST_SECTOR = DEFAULT_PROFILE.stem
#: The profile the course setting (datawithcare/course.yaml) names, whose data this copy
#: ships: refugee-london as shipped, homelessness-greater-manchester in a clone that
#: follows the adapting guide. The switching tests switch to the OTHER shipped profile.
SETTING_SECTOR = resolve_profile(yaml.safe_load(COURSE_SETTINGS.read_text(encoding="utf-8"))["profile"]).stem
OTHER_SECTOR = next(name for name in SECTORS if name != SETTING_SECTOR)


def status_column(name: str) -> str:
    """The clients' status column of a shipped profile ("immigration_status", "housing_situation")."""
    return load_profile(name)["sector"]["status"]["column"]


def test_the_course_setting_names_the_shipped_data_profile(monkeypatch):
    monkeypatch.delenv("DATAWITHCARE_PROFILE", raising=False)
    import json

    package = json.loads((DATASETS / "datapackage.json").read_text(encoding="utf-8"))
    assert package["sector_profile"] == active_profile_path().stem, (
        "run `make data` after changing the profile"
    )
    assert load_profile()["_source"] == str(active_profile_path())


def test_the_environment_variable_chooses_the_profile(monkeypatch):
    monkeypatch.setenv("DATAWITHCARE_PROFILE", OTHER_SECTOR)
    assert load_profile()["_source"] == str(PACKAGE / "profiles" / f"{OTHER_SECTOR}.yaml")
    monkeypatch.setenv("DATAWITHCARE_PROFILE", "nowhere-at-all")
    with pytest.raises(ProfileError, match="no profile called 'nowhere-at-all'.*DATAWITHCARE_PROFILE"):
        load_profile()


def test_a_bare_name_or_a_path_names_a_profile(tmp_path):
    shipped = PACKAGE / "profiles" / f"{HOMELESSNESS}.yaml"
    assert resolve_profile(HOMELESSNESS) == shipped
    assert resolve_profile(f"{HOMELESSNESS}.yaml") == shipped
    copy = tmp_path / "mine.yaml"
    copy.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve_profile(str(copy)) == copy
    with pytest.raises(ProfileError, match=f"{HOMELESSNESS}, {FIRST_SECTOR}"):
        resolve_profile("homelessness")


def test_cli_profile_by_name_as_the_guide_says(tmp_path, capsys):
    # book/adapting/index.md: python -m datawithcare.generate --profile NAME --out FOLDER
    assert main(["--profile", HOMELESSNESS, "--seed", "3", "--out", str(tmp_path), "--quiet"]) == 0
    clients = pd.read_csv(tmp_path / "clients.csv")
    assert "housing_situation" in clients.columns and "immigration_status" not in clients.columns
    assert set(clients["borough_code"]) <= {f"E080000{i:02d}" for i in range(1, 11)}
    import json

    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["sector_profile"] == HOMELESSNESS
    assert load_profile(HOMELESSNESS)["organisation"]["city"] in json.dumps(package)
    assert load_profile(FIRST_SECTOR)["organisation"]["city"] not in json.dumps(package["resources"][0])
    assert main(["--profile", "no-such-sector", "--out", str(tmp_path)]) == 2
    assert "no profile called 'no-such-sector'" in capsys.readouterr().err


def test_make_data_follows_the_active_profile(tmp_path, monkeypatch):
    # `make data` runs the command with no --profile.
    monkeypatch.setenv("DATAWITHCARE_PROFILE", OTHER_SECTOR)
    assert main(["--out", str(tmp_path), "--quiet"]) == 0
    other_area = load_profile(OTHER_SECTOR)["sector"]["examples"]["focus_areas"][0]
    assert other_area in set(pd.read_csv(tmp_path / "clients.csv")["borough"])


def test_load_dataset_with_a_seed_uses_only_the_active_profiles_categories(monkeypatch):
    monkeypatch.setenv("DATAWITHCARE_PROFILE", OTHER_SECTOR)
    profile = load_profile()
    clients = load_dataset("clients", seed=11)
    assert list(clients["borough"].cat.categories) == [b["label"] for b in profile["boroughs"]]
    setting_areas = {b["label"] for b in load_profile(SETTING_SECTOR)["boroughs"]}
    assert not set(clients["borough"].cat.categories) & setting_areas, (
        "no borough of the other profile mixed in"
    )
    status = status_column(OTHER_SECTOR)
    assert list(clients[status].cat.categories) == [s["label"] for s in profile["statuses"]]
    assert status_column(SETTING_SECTOR) not in clients.columns
    monkeypatch.delenv("DATAWITHCARE_PROFILE")
    setting_area = load_profile(SETTING_SECTOR)["sector"]["examples"]["focus_areas"][0]
    assert setting_area in set(load_dataset("clients", seed=11)["borough"])


def test_shipped_data_of_another_profile_are_not_used(tmp_path, monkeypatch):
    # The Colab cache, and a session whose profile differs from the shipped data's:
    # the active profile's data are made once into the cache folder and loaded from there.
    from datawithcare.paths import data_dir

    monkeypatch.delenv("DATAWITHCARE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("DATAWITHCARE_PROFILE", OTHER_SECTOR)
    folder = data_dir()
    assert folder.is_relative_to(tmp_path) and OTHER_SECTOR in folder.name
    clients = load_dataset("clients")
    assert status_column(OTHER_SECTOR) in clients.columns
    assert status_column(SETTING_SECTOR) not in clients.columns
    assert (folder / "clients.csv").read_text(encoding="utf-8") == to_csv_text(
        generate_tables(profile=OTHER_SECTOR)["clients"]
    )
    monkeypatch.delenv("DATAWITHCARE_PROFILE")
    assert data_dir() == DATASETS


@pytest.mark.parametrize(
    ("phones", "message"),
    [
        (
            [{"prefix": "0161 496 1", "digits": 3, "weight": 1}],
            r"phone_ranges\[0\].*not inside an Ofcom drama",
        ),
        ([{"prefix": "07911 123", "digits": 3, "weight": 1}], "could ring a real person"),
    ],
)
def test_a_profile_phone_range_outside_the_drama_ranges_is_refused(tmp_path, phones, message):
    def change(d):
        d["identifiers"]["phone_ranges"] = phones

    with pytest.raises(ProfileError, match=message):
        load_profile(write_profile(tmp_path, change))


def test_a_profile_with_manchesters_drama_range_is_accepted(tmp_path):
    def change(d):
        d["identifiers"]["phone_ranges"] = [{"prefix": "0161 496 0", "digits": 3, "weight": 1}]

    tables = generate_tables(seed=1, profile=write_profile(tmp_path, change), scale=0.1)
    assert tables["clients"]["phone"].dropna().str.startswith("0161 496 0").all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["sector"]["examples"].update(focus_areas=["Atlantis"]), "sector.examples.focus_areas"),
        (lambda d: d["sector"]["examples"].update(main_issue="Flying"), "sector.examples.main_issue"),
        (
            lambda d: d["sector"]["examples"].update(class_activity="Flying lessons"),
            "sector.examples.class_activity.*no activity's name starts with it",
        ),
        (lambda d: d["sector"]["examples"].pop("class_activity"), "class_activity"),
        (lambda d: d["sector"]["status"].update(column="Immigration Status"), "sector.status.column"),
        (lambda d: d["sector"]["expectations"].update(area_code_pattern="E08[0-9]{6}"), "boroughs.0..code"),
        (lambda d: d["sector"].update(colour="blue"), "a key 'colour' under sector"),
    ],
)
def test_sector_part_of_a_profile_is_checked(tmp_path, change, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(write_profile(tmp_path, change))


@pytest.mark.parametrize("name", SECTORS)
def test_course_sector_gives_lessons_the_active_profiles_words(name, monkeypatch):
    from datawithcare import course_sector

    monkeypatch.setenv("DATAWITHCARE_PROFILE", name)
    profile, tables = sector_tables(name)
    sector = course_sector()
    clients = tables["clients"]
    assert sector.status_column in clients.columns
    assert set(sector.focus_areas) <= set(clients["borough"])
    assert set(sector.example_statuses) <= set(clients[sector.status_column])
    labels = {b["label"] for b in profile["boroughs"]}
    assert set(sector.area_variants.values()) <= labels
    assert not set(sector.area_variants) & labels, "a variant is an official name"
    # The messy export's spellings and blanks are the ones the lessons are given.
    raw = tables["messy_export"]["Borough"].dropna().str.strip()
    raw = raw[~raw.isin(sector.blank_markers)]
    fixed = raw.replace(sector.area_variants).str.lower().map({b.lower(): b for b in labels})
    assert fixed.notna().all(), sorted(set(raw[fixed.isna()]))
    assert set(sector.release_regions.values()) == set(tables["safe_release"]["sub_region"].astype(str))


def test_the_guides_one_setting_switches_the_course(tmp_path, monkeypatch):
    # book/adapting/index.md tells a fork to change one line of datawithcare/course.yaml;
    # a copy that has made that change switches back the same way.
    from datawithcare.generator import profile as profile_module

    guide = (repo_root() / "book" / "adapting" / "index.md").read_text(encoding="utf-8")
    line = f"profile: {OTHER_SECTOR}"
    assert f"`{line}`" in guide
    settings = tmp_path / "course.yaml"
    shipped = profile_module.COURSE_SETTINGS.read_text(encoding="utf-8")
    assert f"\nprofile: {SETTING_SECTOR}\n" in shipped
    settings.write_text(shipped.replace(f"profile: {SETTING_SECTOR}", line), encoding="utf-8")
    monkeypatch.setattr(profile_module, "COURSE_SETTINGS", settings)
    monkeypatch.delenv("DATAWITHCARE_PROFILE", raising=False)
    assert profile_module.active_profile_path().stem == OTHER_SECTOR
    assert main(["--out", str(tmp_path / "data"), "--quiet"]) == 0  # what `make data` runs
    columns = pd.read_csv(tmp_path / "data" / "clients.csv").columns
    assert status_column(OTHER_SECTOR) in columns and status_column(SETTING_SECTOR) not in columns


def test_the_reference_pages_commands_work(tmp_path):
    page = (repo_root() / "book" / "reference" / "datasets.md").read_text(encoding="utf-8")
    commands = re.findall(r"^python -m datawithcare\.generate (.+)$", page, re.M)
    by_name = [c for c in commands if "--profile " + HOMELESSNESS in c]
    assert by_name, "the page shows --profile with a shipped profile's name"
    for command in by_name:
        args = command.replace("my-data", str(tmp_path / "out")).split()
        assert main([*args, "--quiet"]) == 0, command
    assert (tmp_path / "out" / "clients.csv").exists()


def test_an_old_profile_is_told_the_new_key_name(tmp_path):
    def old(d):
        d["immigration_statuses"] = d.pop("statuses")

    with pytest.raises(ProfileError) as error:
        load_profile(write_profile(tmp_path, old))
    assert str(error.value) == "The profile key 'immigration_statuses' is now called 'statuses'. Rename it."


# -- realism that depends on the status (issue 15, item 6) ---------------------


@functools.cache
def realism_tables(name: str, which: str) -> tuple[dict, dict[str, pd.DataFrame]]:
    """A shipped profile with its shipped tables, or with the tables another seed makes.

    The active profile's shipped tables are read from ``datasets/``; another
    profile's are made from its seed (byte for byte the same, as the tests above check).
    """
    profile = load_profile(name)
    if which == "shipped":
        if name == active_profile_path().stem:
            return profile, {table: load_dataset(table) for table in ("clients", "cases")}
        return sector_tables(name)
    return profile, generate_tables(seed=int(which), profile=profile)


REALISM = ["shipped", "7"]


def _statuses_with(profile: dict, key: str) -> dict[str, dict]:
    return {s["label"]: s for s in profile["statuses"] if s.get(key)}


#: Each realism check and how a profile asks for it. A profile that does not ask
#: (the homelessness one has no asylum claims) is not checked for it; the course's
#: first profile must ask for every one.
ASKS = {
    "share_of_men": lambda p: p["sector"]["expectations"].get("share_of_men_among_adults"),
    "age_mix": lambda p: _statuses_with(p, "age_band_weights"),
    "condition": lambda p: p["sector"].get("condition"),
    "referral_by_status": lambda p: any(r.get("statuses") for r in p["referral_sources"]),
    "transitions": lambda p: _statuses_with(p, "earlier_statuses"),
    "safeguarding": lambda p: p["sector"].get("safeguarding"),
}


def realism_cases(check: str) -> list:
    """(profile, data) for each shipped profile that asks for the check, in either setting."""
    return [
        pytest.param(name, which, id=f"{name}-{which}")
        for name in SECTORS
        if ASKS[check](load_profile(name))
        for which in REALISM
    ]


def test_the_first_profile_asks_for_every_realism_check():
    profile = load_profile(FIRST_SECTOR)
    assert [check for check, asks in ASKS.items() if not asks(profile)] == []


@pytest.mark.parametrize(("name", "which"), realism_cases("share_of_men"))
def test_share_of_men_among_adults_follows_the_status(name, which):
    profile, tables = realism_tables(name, which)
    clients = tables["clients"]
    status = profile["sector"]["status"]["column"]
    expected = profile["sector"]["expectations"].get("share_of_men_among_adults") or {}
    adults = clients[clients["age"] >= 18]
    for label, (low, high) in expected.items():
        assert 0 <= low < high <= 1, label
        group = adults[adults[status] == label]
        assert len(group) >= 200, label
        assert low <= (group["gender"] == "Man").mean() <= high, label
    # ...while in some other status (in the first profile, families on a scheme) men are
    # clearly fewer: the share follows the status, not one mix for everyone.
    others = adults[~adults[status].isin(list(expected))]
    share_of_men = (others["gender"] == "Man").groupby(others[status].astype(str)).agg(["mean", "count"])
    share_of_men = share_of_men[share_of_men["count"] >= 50]
    assert share_of_men["mean"].min() < min(low for low, _ in expected.values()) - 0.1


@pytest.mark.parametrize(("name", "which"), realism_cases("age_mix"))
def test_ages_differ_by_status_as_the_profile_says(name, which):
    profile, tables = realism_tables(name, which)
    clients = tables["clients"]
    status = profile["sector"]["status"]["column"]
    bands = profile["age_bands"]
    middle = np.array([(b["min"] + b["max"] + 1) / 2 for b in bands])
    expected = {
        label: float(np.average(middle, weights=s["age_band_weights"]))
        for label, s in _statuses_with(profile, "age_band_weights").items()
    }
    assert len(expected) >= 3
    observed = clients.groupby(clients[status].astype(str))["age"].mean()
    for label, mean in expected.items():
        assert abs(observed[label] - mean) < 3, (label, observed[label], mean)
    # The youngest status (in the first profile, people awaiting a decision on their claim) and the
    # oldest (families on a scheme) are years apart, and many in the youngest are under 25.
    youngest, oldest = min(expected, key=expected.get), max(expected, key=expected.get)
    assert observed[oldest] - observed[youngest] > 4
    under_25 = clients["age"] < 25
    assert under_25[clients[status] == youngest].mean() > 0.25


@pytest.mark.parametrize("name", SECTORS)
def test_no_status_is_called_no_recourse_to_public_funds(name):
    labels = [s["label"] for s in load_profile(name)["statuses"]]
    assert not any("recourse" in label.lower() or "nrpf" in label.lower() for label in labels)


@pytest.mark.parametrize(("name", "which"), realism_cases("condition"))
def test_no_recourse_to_public_funds_is_a_condition_not_a_status(name, which):
    profile, tables = realism_tables(name, which)
    clients = tables["clients"]
    status = profile["sector"]["status"]["column"]
    column = profile["sector"]["condition"]["column"]
    assert column == "nrpf_condition" and clients[column].dtype == bool
    can_apply = _statuses_with(profile, "condition_chance")
    assert {"Limited leave to remain", "BN(O) visa"} <= set(can_apply)
    with_condition = clients.loc[clients[column], status].astype(str)
    assert len(with_condition) > 50
    assert set(with_condition) <= set(can_apply), "only leave that can carry the condition has it"
    # The condition is not on everyone in those statuses either.
    assert not clients.loc[clients[status].isin(list(can_apply)), column].all()


@pytest.mark.parametrize(("name", "which"), realism_cases("referral_by_status"))
def test_referral_sources_depend_on_the_status(name, which):
    profile, tables = realism_tables(name, which)
    clients = tables["clients"]
    status = profile["sector"]["status"]["column"]
    restricted = {r["label"]: r["statuses"] for r in profile["referral_sources"] if r.get("statuses")}
    labels = [s["label"] for s in profile["statuses"]]
    # People whose status is settled are never referred by a source kept for other statuses.
    settled = [
        s for s in ["British citizen", "Indefinite leave to remain", "EUSS settled status"] if s in labels
    ]
    if profile_name(profile) == FIRST_SECTOR:
        assert len(settled) == 3
    for source, allowed in restricted.items():
        assert set(allowed) < set(labels), source
        assert not set(settled) & set(allowed), source
        referred = clients.loc[clients["referral_source"] == source, status].astype(str)
        assert len(referred) > 0, source
        assert set(referred) <= set(allowed), source
        assert not (clients[status].isin(settled) & (clients["referral_source"] == source)).any()


@pytest.mark.parametrize(("name", "which"), realism_cases("transitions"))
def test_statuses_change_only_along_the_profiles_transitions(name, which):
    profile, tables = realism_tables(name, which)
    clients, cases = tables["clients"], tables["cases"]
    status = profile["sector"]["status"]["column"]
    cases = cases.merge(clients[["client_id", status]], on="client_id")
    at_open = cases[f"{status}_at_open"].astype(str)
    now = cases[status].astype(str)
    changed = cases[at_open != now]
    assert changed["client_id"].nunique() > 50, "some statuses change"
    allowed = {
        (earlier, s["label"]) for s in profile["statuses"] for earlier in (s.get("earlier_statuses") or {})
    }
    pairs = set(zip(at_open[at_open != now], now[at_open != now], strict=True))
    assert pairs <= allowed
    # The likeliest change into the most common status that changes (in the first
    # profile: from awaiting a decision to being granted protection) is among them.
    changing = _statuses_with(profile, "earlier_statuses")
    common = clients[status].astype(str).value_counts()
    most_common = max(changing, key=lambda label: common.get(label, 0))
    earlier = changing[most_common]["earlier_statuses"]
    assert (max(earlier, key=earlier.get), most_common) in pairs
    # Each client's cases with the earlier status all opened before those with the current one.
    cases["is_earlier"] = (at_open != now).to_numpy()
    last_earlier = cases[cases["is_earlier"]].groupby("client_id")["opened_on"].max()
    first_current = cases[~cases["is_earlier"]].groupby("client_id")["opened_on"].min()
    both = last_earlier.index.intersection(first_current.index)
    assert (last_earlier[both] <= first_current[both]).all()


@pytest.mark.parametrize(("name", "which"), realism_cases("safeguarding"))
def test_sixteen_and_seventeen_year_olds_alone_are_flagged_for_safeguarding(name, which):
    profile, tables = realism_tables(name, which)
    clients = tables["clients"]
    status = profile["sector"]["status"]["column"]
    flag = profile["sector"]["safeguarding"]
    assert flag["column"] == "unaccompanied_minor" and "safeguarding" in flag["description"]
    born, registered = clients["date_of_birth"], clients["registered_on"]
    age_then = (
        registered.dt.year
        - born.dt.year
        - (
            (registered.dt.month < born.dt.month)
            | ((registered.dt.month == born.dt.month) & (registered.dt.day < born.dt.day))
        )
    )
    should = (age_then <= 17) & clients[status].isin(flag["statuses"]) & (clients["household_size"] == 1)
    assert clients[flag["column"]].dtype == bool
    assert clients[flag["column"]].sum() > 0
    assert (clients[flag["column"]] == should).all()


@pytest.mark.parametrize("name", SECTORS)
def test_only_people_who_came_from_abroad_have_an_arrival_date(name):
    profile, tables = sector_tables(name)
    clients = tables["clients"]
    never = [n["label"] for n in profile["nationalities"] if n.get("arrived_from_abroad") is False]
    if name == HOMELESSNESS:
        assert never == ["United Kingdom"]
    came = ~clients["nationality"].isin(never)
    assert clients.loc[~came, "arrival_date"].isna().all()
    assert clients.loc[came, "arrival_date"].notna().all()
    assert (clients.loc[came, "arrival_date"] <= clients.loc[came, "registered_on"]).all()
    # In the releases they have no arrival year, and an arrival period of their own.
    careless, safe = tables["careless_release"], tables["safe_release"]
    assert careless["arrival_year"].isna().sum() == (careless["nationality"].isin(never)).sum()
    if never:
        assert profile["releases"]["no_arrival_label"] in set(safe["arrival_period"])


def test_the_second_sectors_datapackage_is_valid_with_frictionless(tmp_path, capsys):
    """Its UK nationals have no arrival date: the package must allow empty arrival dates and years."""
    import frictionless

    assert main(["--profile", "homelessness-greater-manchester", "--out", str(tmp_path), "--quiet"]) == 0
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    problems = [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.valid, problems
