"""load_dataset and list_datasets: typed tables, shipped or made with a seed."""

from __future__ import annotations

import pandas as pd
import pytest

import datawithcare
from datawithcare.datasets import list_datasets, load_dataset
from datawithcare.generate import generate_tables, write_tables
from datawithcare.paths import dataset_path

NAMES = [
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
]


def test_list_datasets_names_every_table():
    assert list_datasets() == NAMES
    for name in NAMES:
        assert dataset_path(f"{name}.csv").exists()


def test_top_level_imports():
    assert datawithcare.load_dataset is load_dataset
    assert datawithcare.list_datasets is list_datasets
    assert {"load_dataset", "list_datasets"} <= set(datawithcare.__all__)


def test_clients_are_typed():
    clients = load_dataset("clients")
    status = datawithcare.course_sector().status_column  # "immigration_status", "housing_situation"...
    for column in ("date_of_birth", "arrival_date", "registered_on"):
        assert pd.api.types.is_datetime64_any_dtype(clients[column]), column
    for column in ("needs_interpreter", "consent_contact", "consent_share_partners", "consent_case_study"):
        assert clients[column].dtype == bool, column
    for column in (
        "gender",
        "nationality",
        "borough",
        "borough_code",
        status,
        "referral_source",
    ):
        assert isinstance(clients[column].dtype, pd.CategoricalDtype), column
    assert clients["age"].dtype == "int64" and clients["household_size"].dtype == "int64"
    # ID numbers stay text, with their leading digits intact.
    assert clients["nhs_number"].dropna().str.fullmatch(r"\d{10}").all()
    assert clients["phone"].dropna().str.startswith("0").all()


def test_ordered_categories_sort_in_their_natural_order():
    wellbeing = load_dataset("wellbeing")
    assert wellbeing["survey"].cat.ordered and list(wellbeing["survey"].cat.categories) == ["before", "after"]
    assert str(wellbeing["life_satisfaction"].dtype) == "Int64"  # blanks stay missing, not 0
    maturity = load_dataset("maturity_cohort")
    assert maturity["theme"].cat.ordered and maturity["theme"].cat.categories[-1] == "ethics-and-protection"


def test_open_cases_have_missing_close_dates():
    cases = load_dataset("cases")
    assert pd.api.types.is_datetime64_any_dtype(cases["closed_on"])
    assert cases["closed_on"].isna().any()
    assert cases.loc[cases["closed_on"].isna(), "outcome"].isna().all()


def test_messy_export_stays_raw_text():
    messy = load_dataset("messy_export")
    assert all(str(dtype) == "str" for dtype in messy.dtypes)
    values = set(messy.stack())
    # The profile's stand-ins for blanks ("N/A", "-" in the refugee edition) are kept as typed.
    markers = set(datawithcare.course_sector().blank_markers) - {""}
    assert len(markers) >= 2 and markers <= values
    assert messy.isna().any().any()  # truly empty cells are missing


def test_answer_key_uses_nullable_types():
    key = load_dataset("messy_export_answer_key")
    assert str(key["household_size"].dtype) == "Int64"
    assert str(key["needs_interpreter"].dtype) == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(key["registered_on"])


@pytest.mark.parametrize("name", NAMES)
def test_seeded_tables_have_the_same_types_as_shipped(name):
    shipped = load_dataset(name)
    made = load_dataset(name, seed=7)
    assert list(made.columns) == list(shipped.columns)
    assert made.dtypes.astype(str).tolist() == shipped.dtypes.astype(str).tolist()
    for column in shipped.columns:
        if isinstance(shipped[column].dtype, pd.CategoricalDtype):
            assert list(made[column].cat.categories) == list(shipped[column].cat.categories), column


def test_seed_none_is_the_shipped_data_and_the_default_seed_matches_it():
    assert load_dataset("clients").equals(load_dataset("clients", seed=2026))
    assert not load_dataset("clients").equals(load_dataset("clients", seed=7))


def test_each_call_returns_a_fresh_table():
    first = load_dataset("cases", seed=3)
    first.loc[0, "client_id"] = "changed"
    assert load_dataset("cases", seed=3).loc[0, "client_id"] != "changed"


def test_another_data_folder_can_be_used(tmp_path, monkeypatch):
    write_tables(generate_tables(seed=11, scale=0.2), tmp_path)
    monkeypatch.setenv("DATAWITHCARE_DATA_DIR", str(tmp_path))
    from_folder = load_dataset("attendance")
    assert from_folder.equals(load_dataset("attendance", seed=None))
    assert len(load_dataset("clients")) == 400


@pytest.mark.parametrize("name", ["client", "Clients.csv ", "wellbeing_wide"])
def test_unknown_or_loose_names(name):
    if name.strip().lower().removesuffix(".csv") in NAMES:
        assert len(load_dataset(name)) > 0  # case, spaces and ".csv" are forgiven
        return
    with pytest.raises(ValueError) as info:
        load_dataset(name)
    message = str(info.value)
    assert repr(name) in message
    for known in NAMES:
        assert known in message


@pytest.mark.parametrize("seed", ["7", 7.0, True, -1])
def test_bad_seeds(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        load_dataset("clients", seed=seed)


def test_name_must_be_text():
    with pytest.raises(TypeError, match="as text"):
        load_dataset(3)  # type: ignore[arg-type]


def test_types_come_from_the_data_package_beside_the_files(tmp_path, monkeypatch):
    """The loader reads each column's type from datapackage.json, not from a second list in code."""
    import json
    import shutil

    for path in dataset_path("clients.csv").parent.iterdir():
        if path.is_file():
            shutil.copy(path, tmp_path / path.name)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    (clients,) = [r for r in package["resources"] if r["path"] == "clients.csv"]
    fields = {f["name"]: f for f in clients["schema"]["fields"]}
    fields["household_size"]["type"] = "string"  # now text
    fields["gender"]["categoriesOrdered"] = True  # now an ordered category
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    monkeypatch.setenv("DATAWITHCARE_DATA_DIR", str(tmp_path))
    changed = load_dataset("clients")
    assert changed["household_size"].dtype == object or str(changed["household_size"].dtype) == "str"
    assert changed["gender"].cat.ordered
    assert changed["age"].dtype == "int64"  # untouched fields keep their types
