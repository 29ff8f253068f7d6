"""The official-statistics extracts for lesson 9b: sourced, labelled, reproducible."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from datawithcare import load_dataset
from datawithcare.generator.profile import load_profile
from datawithcare.official import (
    DEFAULT_OFFICIAL_PROFILE,
    OfficialProfileError,
    as_published_rows,
    comparison_settings,
    extract_frames,
    load_official_profile,
    main,
    official_file_names,
    official_profile_path,
    official_sources,
    official_texts,
    write_official,
    write_xlsx,
)
from datawithcare.paths import repo_root

DATASETS = repo_root() / "datasets"
XLSX = repo_root() / "book" / "telling-the-story" / "downloads" / "official-statistics-as-published.xlsx"
PROFILE = load_official_profile()
EXTRACTS = {e["name"]: e for e in PROFILE["extracts"]}
# The active sector's settings: which extract is the illustrative one, its messy copy, its headlines.
SETTINGS = comparison_settings(PROFILE)
MESSY = DATASETS / SETTINGS["published_file"]


def _datasheet(name: str) -> str:
    """The datasheet of an extract: its own, or the illustrative one that covers the messy copy."""
    path = DATASETS / f"{name}.md"
    if not path.exists() and f"{name}.csv" == SETTINGS["published_file"]:
        path = DATASETS / f"{SETTINGS['service_extract']}.md"
    return path.read_text(encoding="utf-8")


# -- reproducible -------------------------------------------------------------


def test_shipped_files_are_what_the_yaml_makes(tmp_path):
    written = write_official(tmp_path)
    assert sorted(p.name for p in written) == sorted(official_file_names())
    for path in written:
        assert path.read_bytes() == (DATASETS / path.name).read_bytes(), (
            f"{path.name} differs: run `make data`"
        )


def test_workbook_is_the_same_bytes_every_time(tmp_path):
    first = write_xlsx(tmp_path / "a.xlsx").read_bytes()
    second = write_xlsx(tmp_path / "b.xlsx").read_bytes()
    assert first == second
    assert XLSX.read_bytes() == first, (
        "The shipped workbook differs from what the YAML makes: run "
        "`python -m datawithcare.official --xlsx book/telling-the-story/downloads/official-statistics-as-published.xlsx`"
    )


def test_workbook_shows_the_same_cells_as_the_csv_copy():
    from openpyxl import load_workbook

    sheet = load_workbook(XLSX).active
    grid = as_published_rows()
    assert sheet.max_row == len(grid)
    for row_cells, expected in zip(sheet.iter_rows(), grid, strict=True):
        shown = []
        for cell in row_cells:
            if cell.value is None:
                shown.append("")
            elif isinstance(cell.value, int):
                assert cell.number_format == "#,##0"
                shown.append(f"{cell.value:,}")
            else:
                shown.append(cell.value)
        assert shown == expected


def test_numbers_are_written_as_given_not_as_floats():
    name = SETTINGS["headline_extract"]
    text = (DATASETS / f"{name}.csv").read_text(encoding="utf-8")
    for row in EXTRACTS[name]["rows"]:
        assert f",{row[1]}," in text, f"{name}: {row[1]} is not written as the YAML gives it"
    assert not re.search(r",\d+\.0,", text), "a whole number was written with .0"


# -- sourced and labelled ------------------------------------------------------


@pytest.mark.parametrize("name", list(EXTRACTS))
def test_every_extract_has_a_datasheet_naming_its_source(name):
    extract = EXTRACTS[name]
    sheet = _datasheet(name)
    for heading in ("Purpose", "How it was made", "must not be used for", "Sources"):
        assert heading.lower() in sheet.lower(), f"{name}.md has no section about {heading!r}"
    assert extract["source_url"] in sheet, f"{name}.md does not link the publisher's page"
    assert extract["licence"].split(" (")[0] in sheet, f"{name}.md does not name the licence"
    for word in re.findall(r"[A-Z][a-z]+", extract["publisher"])[:2]:
        assert word in sheet, f"{name}.md does not name the publisher ({word})"


@pytest.mark.parametrize("name", [n for n, e in EXTRACTS.items() if e["status"] == "published"])
def test_every_published_figure_is_in_its_datasheet_with_its_source(name):
    """A published figure must be traceable: the datasheet shows it beside a link."""
    frame = extract_frames()[name]
    sheet = _datasheet(name)
    numeric = [c for c in frame.columns if c in {"usual_residents", "value"}]
    assert numeric, f"{name}: no figure column found"
    for value in frame[numeric[0]]:
        shown = f"{value:,}" if float(value).is_integer() else f"{value}"
        assert shown in sheet, f"{name}: the figure {shown} is not in its datasheet"
    extract = EXTRACTS[name]
    if name == "official_census_population":
        assert set(frame["area_name"]) == set(extract["checked_against"]), (
            "every area needs a page its figure was checked against"
        )
    else:
        assert frame["source_url"].str.startswith("https://").all()


def test_illustrative_figures_say_so_everywhere():
    for name, extract in EXTRACTS.items():
        frame = extract_frames()[name]
        assert (frame["status"] == extract["status"]).all()
        if extract["status"] != "illustrative":
            continue
        assert "illustrative" in name
        assert "ILLUSTRATIVE" in extract["title"]
        assert "not real figures" in _datasheet(name)
        shipped = pd.read_csv(DATASETS / f"{name}.csv")
        assert (shipped["status"] == "illustrative").all()
    grid = as_published_rows()
    assert "ILLUSTRATIVE" in grid[0][0] and "ILLUSTRATIVE" in grid[1][0]


def test_sources_table_lists_every_extract():
    sources = official_sources()
    assert list(sources["file"]) == [f"{n}.csv" for n in EXTRACTS]
    assert set(sources["status"]) == {"published", "illustrative"}
    assert sources["source_url"].str.startswith("https://").all()


# -- the messy copy holds the same facts as the tidy one ------------------------


def _clean_independently(text: str, counts: list[str]) -> pd.DataFrame:
    """Clean the messy copy without the lesson's code, to prove the two files agree."""
    raw = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False)
    start = raw.index[raw[0] == "Local authority"][0]
    end = raw.index[raw[0].str.contains("total", case=False)][0]
    body = raw.iloc[start + 1 : end].copy()
    body.columns = ["area_name", "area_code", *counts]
    body["area_name"] = body["area_name"].str.replace(r"\s*\[.*\]$", "", regex=True)
    for column in counts:
        cleaned = body[column].str.replace(r"\s*\[[a-z]\]$", "", regex=True).str.replace(",", "")
        body[column] = pd.to_numeric(cleaned.where(~body[column].str.fullmatch(r"\[[a-z]\]")), errors="raise")
    return body.reset_index(drop=True)


def test_cleaning_the_messy_copy_gives_the_tidy_extract():
    counts = SETTINGS["count_columns"]
    assert len(counts) == 4, "the refugee and homelessness tables both have three parts and a total"
    cleaned = _clean_independently(MESSY.read_text(encoding="utf-8"), counts)
    tidy = pd.read_csv(DATASETS / f"{SETTINGS['service_extract']}.csv")
    assert cleaned["area_name"].tolist() == tidy["area_name"].tolist()
    assert cleaned["area_code"].tolist() == tidy["area_code"].tolist()
    for column in counts:
        pd.testing.assert_series_equal(cleaned[column], tidy[column], check_names=False, check_dtype=False)


def test_messy_copy_has_the_problems_its_datasheet_promises():
    text = MESSY.read_text(encoding="utf-8")
    city = load_profile()["organisation"]["city"]  # the active sector's extract
    for problem in ("[c]", "[x]", "[note 3]", " [r]", f"{city} total", "Notes"):
        assert problem in text, problem
    assert re.search(r'"\d{1,3},\d{3}', text), "no count written with a thousands comma"
    # Each example the datasheet's list of problems shows is really in the messy copy.
    sheet = _datasheet(SETTINGS["service_extract"])
    promised = sheet.split("## What it gets wrong on purpose", 1)[1].split("\n\n")[2]  # the list
    examples = re.findall(r"`([^`]+)`", promised)
    assert len(examples) >= 5, promised
    for example in examples:
        assert example in text, f"the datasheet shows {example!r}, which is not in {MESSY.name}"
    rows = as_published_rows()
    assert len({len(r) for r in rows}) == 1, (
        "every row has the same number of cells, as a saved spreadsheet has"
    )
    assert all(any(cell for cell in row) for row in rows), "no empty rows (Frictionless rejects them)"


def test_a_hidden_count_cannot_be_worked_out_from_its_total():
    extract = EXTRACTS[SETTINGS["service_extract"]]  # the active sector's illustrative extract
    assert extract["status"] == "illustrative"
    assert any(isinstance(p, str) for row in extract["rows"] for p in row[2:-1]), "no hidden count to check"
    for row in extract["rows"]:
        parts, total = row[2:-1], row[-1]
        if any(isinstance(p, str) for p in parts):
            assert isinstance(total, str), f"{row[1]}: a hidden cell with a shown total can be worked back"


# -- the sector settings fit the organisation's data ---------------------------


def test_comparison_areas_are_in_the_population_table_and_the_client_data():
    settings = comparison_settings()
    population = extract_frames()[settings["population_extract"]]
    assert set(settings["areas"]) <= set(population["area_name"])
    clients = load_dataset(settings["organisation_table"])
    assert set(settings["areas"]) <= set(clients[settings["area_column"]].astype(str))
    assert settings["status_value"] in set(clients[settings["status_column"]].astype(str))
    assert settings["date_column"] in clients.columns
    service = extract_frames()[settings["service_extract"]]
    assert settings["service_column"] in service.columns


# -- bad input gets a clear message ---------------------------------------------


def _write(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_OFFICIAL_PROFILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "official.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["extracts"][0].pop("licence"), "has no licence"),
        (lambda d: d["extracts"][0].update(status="maybe"), "use one of published, illustrative"),
        (lambda d: d["extracts"][1].update(name="official_asylum_support"), "must say so in its name"),
        (lambda d: d["extracts"][0]["rows"][0].pop(), "but the extract has"),
        (lambda d: d["comparison"].update(population_extract="census"), "not an extract"),
        (lambda d: d.pop("comparison"), "needs two sections"),
    ],
)
def test_bad_yaml_is_explained(tmp_path, change, message):
    with pytest.raises(OfficialProfileError, match=message):
        load_official_profile(_write(tmp_path, change))


def test_missing_file_and_broken_yaml(tmp_path):
    with pytest.raises(OfficialProfileError, match="no official-statistics file"):
        load_official_profile(tmp_path / "nowhere.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("extracts: [\n", encoding="utf-8")
    with pytest.raises(OfficialProfileError, match="not valid YAML"):
        load_official_profile(broken)


def test_command_line(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "data"), "--xlsx", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").exists()
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == sorted(official_file_names())
    bad = _write(tmp_path, lambda d: d["extracts"][0].pop("rows"))
    assert main(["--profile", str(bad), "--out", str(tmp_path / "other")]) == 2
    assert "has no rows" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()
    with pytest.raises(SystemExit):
        main([])


def test_texts_cover_every_file():
    assert sorted(official_texts()) == sorted(official_file_names())


# -- every sector's official file obeys the same rules (issue 18, item 4) ----------

PROFILES_DIR = repo_root() / "datawithcare" / "profiles"
OFFICIAL_FILES = sorted(PROFILES_DIR.glob("*-official.yaml"))
SECTORS = [path.name.removesuffix("-official.yaml") for path in OFFICIAL_FILES]


def test_the_second_sector_has_its_own_official_file():
    assert "homelessness-greater-manchester" in SECTORS and "refugee-london" in SECTORS


@pytest.mark.parametrize("sector", SECTORS)
def test_each_official_file_belongs_to_a_sector_profile_and_is_chosen_by_it(sector, monkeypatch):
    assert (PROFILES_DIR / f"{sector}.yaml").is_file(), f"{sector}-official.yaml has no sector profile"
    monkeypatch.setenv("DATAWITHCARE_PROFILE", sector)
    assert official_profile_path() == PROFILES_DIR / f"{sector}-official.yaml"
    assert comparison_settings() == comparison_settings(
        load_official_profile(PROFILES_DIR / f"{sector}-official.yaml")
    )


def test_a_fork_without_its_own_official_file_gets_the_course_file(tmp_path, monkeypatch):
    fork = tmp_path / "my-sector.yaml"
    fork.write_text((PROFILES_DIR / "refugee-london.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("DATAWITHCARE_PROFILE", str(fork))
    assert official_profile_path() == DEFAULT_OFFICIAL_PROFILE
    own = tmp_path / "my-sector-official.yaml"
    own.write_text(DEFAULT_OFFICIAL_PROFILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert official_profile_path() == own


@pytest.mark.parametrize("sector", SECTORS)
def test_every_published_figure_names_the_page_it_was_checked_against(sector):
    profile = load_official_profile(PROFILES_DIR / f"{sector}-official.yaml")
    frames = extract_frames(profile)
    published = [e for e in profile["extracts"] if e["status"] == "published"]
    assert published, f"{sector}: no published extract"
    for extract in published:
        frame, checked = frames[extract["name"]], extract["checked_against"]
        assert extract["source_url"].startswith("https://"), f"{extract['name']}: source_url"
        assert all(url.startswith(("https://", "http://")) for url in checked.values())
        assert "made up" not in extract["publisher"].lower()
        if "area_name" in frame.columns:
            # Every area's figure, the total too, was checked against a named page.
            assert set(frame["area_name"]) == set(checked), f"{extract['name']}: an area was not checked"
        else:
            # Each figure was checked against a named page, or names its own source page.
            for _, row in frame.iterrows():
                assert row["measure"] in checked or row["source_url"].startswith("https://"), (
                    f"{extract['name']}: {row['measure']!r} has no page it was checked against"
                )


@pytest.mark.parametrize("sector", SECTORS)
def test_every_illustrative_table_is_labelled_everywhere(sector, tmp_path):
    profile = load_official_profile(PROFILES_DIR / f"{sector}-official.yaml")
    illustrative = [e for e in profile["extracts"] if e["status"] == "illustrative"]
    assert illustrative, f"{sector}: the lesson needs an illustrative table to clean"
    for extract in illustrative:
        assert "illustrative" in extract["name"]
        assert extract["title"].startswith("ILLUSTRATIVE")
        assert extract["publisher"].startswith("Made up")
        assert "made up" in extract["changes"].lower()
        assert extract["checked_against"] == {}, "a made-up figure cannot have been checked"
        for field in extract["fields"][2:]:
            assert field["description"].startswith("ILLUSTRATIVE"), field["name"]
    grid = as_published_rows(profile)
    assert "ILLUSTRATIVE" in grid[0][0] and "ILLUSTRATIVE" in grid[1][0]
    written = write_official(tmp_path, profile)
    for path in written:
        if "illustrative" in path.name:
            assert (pd.read_csv(path)["status"] == "illustrative").all()
    messy = next(p for p in written if p.name == comparison_settings(profile)["published_file"])
    text = messy.read_text(encoding="utf-8")
    for problem in ("[c]", "[x]", "[note", " [r]", "total", "Notes"):
        assert problem in text, f"{sector}: the messy copy has no {problem!r} to clean"
    assert re.search(r'"\d{1,3},\d{3}', text), f"{sector}: the messy copy has no thousands comma to clean"


@pytest.mark.parametrize("sector", SECTORS)
def test_hidden_counts_stay_hidden_and_the_total_row_counts_them(sector):
    profile = load_official_profile(PROFILES_DIR / f"{sector}-official.yaml")
    settings = comparison_settings(profile)
    extract = next(e for e in profile["extracts"] if e["name"] == settings["service_extract"])
    for row in extract["rows"]:
        parts, total = row[2:-1], row[-1]
        if any(isinstance(p, str) for p in parts):
            assert isinstance(total, str), f"{row[1]}: a hidden cell with a shown total can be worked back"
        else:
            assert sum(parts) == total, f"{row[1]}: the parts do not add up to the row's total"
    tidy = extract_frames(profile)[settings["service_extract"]]
    total_row = extract["as_published"]["total_row"]
    for column, published in zip(settings["count_columns"], total_row, strict=True):
        assert published >= tidy[column].sum(), f"{column}: the published total is below the visible rows"
    # The lesson's example column really has hidden cells, so its sum falls short.
    assert tidy[settings["hidden_example_column"]].isna().any()
    assert (
        tidy[settings["hidden_example_column"]].sum()
        < total_row[settings["count_columns"].index(settings["hidden_example_column"])]
    )


@pytest.mark.parametrize("sector", SECTORS)
def test_the_comparison_fits_the_sectors_own_data(sector, monkeypatch):
    """What lesson 9b and exercise 9b do with the settings works on this sector's clients."""
    from datawithcare import course_sector

    monkeypatch.setenv("DATAWITHCARE_PROFILE", sector)
    settings = comparison_settings(load_official_profile(PROFILES_DIR / f"{sector}-official.yaml"))
    frames = extract_frames(load_official_profile(PROFILES_DIR / f"{sector}-official.yaml"))
    population = frames[settings["population_extract"]]
    compared = population[population["area_type"] == settings["area_type"]]
    assert sorted(compared["area_name"]) == sorted(settings["areas"]), "the areas are the census extract's"
    assert (population["area_type"] != settings["area_type"]).sum() == 1, "one total row, told apart by type"
    service = frames[settings["service_extract"]].set_index("area_name")
    assert service.loc[settings["areas"], settings["service_column"]].notna().all(), (
        "every compared area needs a shown total, or its rate is missing"
    )
    clients = load_dataset(settings["organisation_table"])
    assert set(settings["areas"]) <= set(clients[settings["area_column"]].astype(str))
    assert settings["status_column"] == course_sector().status_column
    assert settings["status_value"] in set(clients[settings["status_column"]].astype(str))
    assert settings["date_column"] in clients.columns
    headlines = frames[settings["headline_extract"]]
    assert {settings["need_measure"], settings["context_measure"]} <= set(headlines["measure"])


def test_make_data_writes_the_active_sectors_extracts(tmp_path, monkeypatch):
    """`python -m datawithcare.official --out` (as `make data` runs it) follows the active sector."""
    monkeypatch.setenv("DATAWITHCARE_PROFILE", "homelessness-greater-manchester")
    assert main(["--out", str(tmp_path), "--xlsx", str(tmp_path / "t.xlsx")]) == 0
    names = {p.name for p in tmp_path.glob("*.csv")}
    assert "official_temporary_accommodation_as_published.csv" in names
    assert not any("asylum" in name for name in names)
    census = pd.read_csv(tmp_path / "official_census_population.csv")
    assert census["area_code"].str.startswith(("E08", "E11")).all(), (
        "the homelessness profile's own area codes"
    )


def test_the_data_package_of_a_sector_describes_its_own_extracts():
    from datawithcare.generate import package_text
    from datawithcare.generator.profile import load_profile

    package = json.loads(package_text(load_profile("homelessness-greater-manchester")))
    paths = {resource["path"] for resource in package["resources"]}
    assert "official_temporary_accommodation_illustrative.csv" in paths
    assert not any("asylum" in path for path in paths)


# -- each edition of the pages quotes its own sector's figures ------------------

STORY = repo_root() / "book" / "telling-the-story"


def _edition(page: str, sector: str) -> str:
    """The page as the sector's edition shows it, its lines joined into one run of words."""
    from datawithcare import editions

    key = load_profile(sector)["sector"]["key"]
    return " ".join(editions.resolve((STORY / page).read_text(encoding="utf-8"), key).split())


@pytest.mark.parametrize("sector", SECTORS)
def test_the_spreadsheet_page_gives_each_compared_areas_census_figure_as_the_official_file_does(sector):
    profile = load_official_profile(PROFILES_DIR / f"{sector}-official.yaml")
    settings = comparison_settings(profile)
    census = extract_frames(profile)[settings["population_extract"]].set_index("area_name")
    page = _edition("official-statistics-in-a-spreadsheet.md", sector)
    for area in settings["areas"]:
        figure = f"{area} {census.loc[area, settings['population_column']]:,}"
        assert figure in page, f"the {sector} edition does not give '{figure}' (from its official file)"
    others = [s for s in SECTORS if s != sector]
    for other in others:
        for area in comparison_settings(load_official_profile(PROFILES_DIR / f"{other}-official.yaml"))[
            "areas"
        ]:
            assert area not in page, f"the {sector} edition names {area!r}, an area of the {other} edition"


@pytest.mark.parametrize("sector", SECTORS)
def test_the_bid_guide_quotes_the_sectors_need_figure_with_its_date_and_unit(sector):
    profile = load_official_profile(PROFILES_DIR / f"{sector}-official.yaml")
    settings = comparison_settings(profile)
    headlines = extract_frames(profile)[settings["headline_extract"]].set_index("measure")
    need = headlines.loc[settings["need_measure"]]
    figure = f"On {need['period']}, {need['value']:,} {need['unit']}"
    page = _edition("official-statistics.md", sector)
    assert figure in page, (
        f"the {sector} edition's bid paragraph should quote '{figure}...' (its official file)"
    )
    assert f"({need['publisher']})" in page, "the wider picture names its publisher"
