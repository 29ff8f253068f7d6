"""Each profile's hand-written datasheets: kept beside the profile, copied by `make data`.

The datasheets (``datasets/*.md``) describe the data of one sector. Each
shipped profile keeps its own set in ``datawithcare/profiles/<profile>/datasheets/``;
``make data`` (``python -m datawithcare.generate --out datasets``) copies the
active profile's set into the data folder, byte for byte, and takes away
the files it wrote there earlier for another profile (and nothing else).
"""

from __future__ import annotations

import fnmatch
import re
import tomllib

import pytest
from harness import messy_datasheet_examples

from datawithcare.generate import (
    datasheet_folder,
    generate_tables,
    main,
    remove_other_profiles_files,
    write_datasheets,
)
from datawithcare.generator.profile import load_profile, shipped_profiles
from datawithcare.generator.schema import TABLE_NAMES
from datawithcare.official import comparison_settings, load_official_profile, official_profile_path
from datawithcare.paths import repo_root

DATASETS = repo_root() / "datasets"
PROFILES = shipped_profiles()


def _sheets(name: str) -> dict[str, str]:
    folder = datasheet_folder(load_profile(name))
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.md"))}


def _expected_sheets(name: str) -> set[str]:
    """A datasheet per table (the answer key is in the messy export's) and per official extract."""
    tables = {f"{t}.md" for t in TABLE_NAMES if t != "messy_export_answer_key"}
    official = load_official_profile(official_profile_path(name))
    return tables | {f"{extract['name']}.md" for extract in official["extracts"]}


def test_every_shipped_profile_has_its_own_datasheets():
    assert {"refugee-london", "homelessness-greater-manchester"} <= set(PROFILES)
    for name in PROFILES:
        assert datasheet_folder(load_profile(name)) == (
            repo_root() / "datawithcare" / "profiles" / name / "datasheets"
        )
        assert set(_sheets(name)) == _expected_sheets(name), name


@pytest.mark.parametrize("name", PROFILES)
def test_each_datasheet_has_the_sections_and_seed_of_its_profile(name):
    profile = load_profile(name)
    seed = profile["default_seed"]
    org = profile["organisation"]
    others = [load_profile(o)["organisation"] for o in PROFILES if o != name]
    for file_name, text in _sheets(name).items():
        for heading in ("Purpose", "How it was made", "must not be used for", "Sources"):
            assert heading.lower() in text.lower(), f"{name}/{file_name} has no section about {heading!r}"
        if not file_name.startswith("official_"):
            assert "deliberately" in text.lower(), f"{name}/{file_name}: what is deliberately wrong?"
            assert re.search(rf"seed(?: is)?\W*\*\*{seed}\*\*", text, re.I), f"{name}/{file_name}: seed"
        for other in others:
            # A datasheet copied from another sector and not rewritten gives itself away.
            for word in (other["name"], other["short_name"]):
                assert word not in text, f"{name}/{file_name} names {word!r}, another profile's organisation"
    assert org["name"] in _sheets(name)["clients.md"]


def test_the_shipped_datasheets_are_the_active_profiles():
    """`make data` leaves git clean: datasets/*.md are the active profile's files, byte for byte."""
    folder = datasheet_folder(load_profile())
    shipped = sorted(p.name for p in DATASETS.glob("*.md"))
    assert shipped == sorted(p.name for p in folder.glob("*.md"))
    for name in shipped:
        assert (DATASETS / name).read_bytes() == (folder / name).read_bytes(), (
            f"datasets/{name} differs from {folder / name}: edit the profile's copy, then run `make data`"
        )


@pytest.mark.parametrize("name", PROFILES)
def test_make_data_writes_the_profiles_datasheets(name, tmp_path):
    assert main(["--profile", name, "--out", str(tmp_path), "--quiet"]) == 0
    for file_name, text in _sheets(name).items():
        assert (tmp_path / file_name).read_text(encoding="utf-8") == text
    assert {p.name for p in tmp_path.glob("*.md")} == set(_sheets(name))


def test_switching_profile_removes_only_the_old_profiles_own_files(tmp_path):
    """The old sector's extracts and datasheets go; a person's own or edited files stay."""
    out = tmp_path / "data"
    assert main(["--profile", "refugee-london", "--out", str(out), "--quiet"]) == 0
    old = {p.name for p in out.iterdir()}
    assert "official_asylum_support_illustrative.csv" in old
    (out / "my-notes.md").write_text("mine", encoding="utf-8")
    (out / "official_uk_asylum_headlines.csv").write_text("edited by hand\n", encoding="utf-8")
    assert main(["--profile", "homelessness-greater-manchester", "--out", str(out), "--quiet"]) == 0
    now = {p.name for p in out.iterdir()}
    assert "official_temporary_accommodation_illustrative.md" in now
    assert (out / "my-notes.md").read_text(encoding="utf-8") == "mine"
    assert (out / "official_uk_asylum_headlines.csv").read_text(encoding="utf-8") == "edited by hand\n"
    gone = old - now
    assert gone == {
        "official_asylum_support_illustrative.csv",
        "official_asylum_support_as_published.csv",
        "official_asylum_support_illustrative.md",
        "official_uk_asylum_headlines.md",
    }
    # Files both profiles write (clients.csv, clients.md, the census extract) were rewritten, not removed.
    second = load_profile("homelessness-greater-manchester")["organisation"]
    assert second["short_name"] in (out / "clients.md").read_text(encoding="utf-8")
    assert second["city"] in (out / "official_census_population.md").read_text(encoding="utf-8")


def test_nothing_is_removed_from_a_folder_of_other_files(tmp_path):
    (tmp_path / "official_asylum_support_illustrative.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "cases.md").write_text("my own notes\n", encoding="utf-8")
    assert remove_other_profiles_files(tmp_path, load_profile("homelessness-greater-manchester")) == []
    assert remove_other_profiles_files(tmp_path, load_profile("refugee-london")) == []
    assert len(list(tmp_path.iterdir())) == 2


def test_a_fork_without_datasheets_gets_none_and_keeps_its_folder(tmp_path):
    fork = tmp_path / "my-sector.yaml"
    fork.write_text(
        (repo_root() / "datawithcare" / "profiles" / "refugee-london.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    assert write_datasheets(tmp_path / "out", load_profile(fork)) == []
    sheets = tmp_path / "my-sector" / "datasheets"
    sheets.mkdir(parents=True)
    (sheets / "clients.md").write_text("## Clients\n", encoding="utf-8")
    written = write_datasheets(tmp_path / "out", load_profile(fork))
    assert [p.name for p in written] == ["clients.md"]


def test_the_wheel_carries_every_datasheet():
    """The Colab path makes the data from the installed package, so its datasheets must be package data."""
    pyproject = tomllib.loads((repo_root() / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["datawithcare"]
    package = repo_root() / "datawithcare"
    for path in sorted(package.glob("profiles/*/datasheets/*.md")):
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), f"{relative} is not package data"


@pytest.mark.parametrize("name", PROFILES)
def test_the_messy_datasheets_examples_are_in_that_profiles_export(name):
    """Each edition's messy-export datasheet shows only values its own export has."""
    profile = load_profile(name)
    messy = generate_tables(profile=profile)["messy_export"]
    cells = set(messy.fillna("").stack())
    sheet = _sheets(name)["messy_export.md"]
    examples = messy_datasheet_examples(sheet)
    for problem, item, value in examples:
        assert value in cells, f"{name}: {problem}: the datasheet shows {item!r}, not in the export"
    assert len(examples) >= 20
    # The blank markers the datasheet lists are the profile's own.
    blanks = next(line for line in sheet.splitlines() if line.startswith("| Blanks"))
    for marker in profile["messy_export"]["blank_markers"]:
        if marker:
            assert f"`{marker}`" in blanks, f"{name}: the blank marker {marker!r} is not in the datasheet"


@pytest.mark.parametrize("name", PROFILES)
def test_the_illustrative_datasheet_covers_its_messy_copy(name):
    settings = comparison_settings(load_official_profile(official_profile_path(name)))
    sheet = _sheets(name)[f"{settings['service_extract']}.md"]
    assert settings["published_file"] in sheet
    assert "not real figures" in sheet


@pytest.mark.slow
def test_switching_profile_removes_the_old_profiles_spreadsheets_only(tmp_path):
    """make data's spreadsheet step: the old sector's extract workbooks go; a changed one stays."""
    from datawithcare.spreadsheets import main as spreadsheets_main

    out = tmp_path / "data"
    assert main(["--profile", "refugee-london", "--out", str(out), "--quiet"]) == 0
    assert spreadsheets_main(["--data", str(out)]) == 0
    old = {p.name for p in (out / "spreadsheets").iterdir()}
    assert "official_uk_asylum_headlines.xlsx" in old
    (out / "spreadsheets" / "official_uk_asylum_headlines.ods").write_bytes(b"changed by hand")
    (out / "spreadsheets" / "my-own.xlsx").write_bytes(b"mine")
    assert main(["--profile", "homelessness-greater-manchester", "--out", str(out), "--quiet"]) == 0
    assert spreadsheets_main(["--data", str(out)]) == 0
    now = {p.name for p in (out / "spreadsheets").iterdir()}
    gone = old - now
    stems = {
        "official_asylum_support_illustrative",
        "official_asylum_support_as_published",
        "official_uk_asylum_headlines",
    }
    assert gone == {f"{s}.{x}" for s in stems for x in ("xlsx", "ods")} - {"official_uk_asylum_headlines.ods"}
    assert (out / "spreadsheets" / "official_uk_asylum_headlines.ods").read_bytes() == b"changed by hand"
    assert (out / "spreadsheets" / "my-own.xlsx").read_bytes() == b"mine"
    assert "official_temporary_accommodation_illustrative.xlsx" in now
