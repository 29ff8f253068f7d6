"""Official statistics for lesson 9b: the shipped extracts and where they come from.

The figures, their sources and the lesson's sector settings live in one
YAML file per sector: ``profiles/<sector profile>-official.yaml``, beside
the sector profile it belongs to (``refugee-london-official.yaml`` beside
``refugee-london.yaml``, and so on). The active sector profile chooses it. This
module turns that file into the files in the data folder:

- one tidy CSV per extract (``official_*.csv``), the table a learner
  compares with the organisation's own data;
- a deliberately messy copy of one extract, laid out as a publisher's
  spreadsheet is (title rows, notes, ``[c]`` and ``[x]`` markers, a total
  row, footnote markers), as a CSV in ``datasets/`` and, for the no-code
  route, as an ``.xlsx`` workbook;
- the Frictionless Data Package entries for them.

Nothing here reads the network or today's date: the same YAML gives the
same files, byte for byte. From the command line::

    python -m datawithcare.official --out datasets
    python -m datawithcare.official --xlsx book/telling-the-story/downloads/official-statistics-as-published.xlsx

Teaching code (the cleaning itself) stays in the notebook; this module
only builds and describes the files.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

__all__ = [
    "DEFAULT_OFFICIAL_PROFILE",
    "OfficialProfileError",
    "as_published_rows",
    "comparison_settings",
    "extract_frames",
    "frictionless_resources",
    "load_official_profile",
    "main",
    "official_file_names",
    "official_profile_path",
    "official_sources",
    "write_official",
    "write_xlsx",
]

DEFAULT_OFFICIAL_PROFILE = Path(__file__).resolve().parent / "profiles" / "refugee-london-official.yaml"
STATUSES = ("published", "illustrative")
MARKER = re.compile(r"^\[[a-z]+\]$")
# Workbooks get this fixed time, so that the same YAML gives the same bytes.
FIXED_TIME = (2026, 1, 1, 0, 0, 0)
FIXED_ISO = "2026-01-01T00:00:00Z"
REQUIRED_EXTRACT_KEYS = (
    "name",
    "title",
    "status",
    "publisher",
    "table",
    "released",
    "figures_date",
    "licence",
    "source_url",
    "changes",
    "fields",
    "rows",
)


class OfficialProfileError(ValueError):
    """The official-statistics file has a problem; the message says what to fix."""


def official_profile_path(sector_profile: str | Path | None = None) -> Path:
    """The official-statistics file of a sector profile (default: the active one).

    A sector profile ``NAME.yaml`` has its official statistics in
    ``NAME-official.yaml`` in the same folder. A profile without one (a
    fork that has not written its own yet) gets the course's own file,
    the figures of the course's first profile, so that the lesson still runs.
    """
    from datawithcare.generator.profile import active_profile_path, resolve_profile

    sector = active_profile_path() if sector_profile is None else resolve_profile(sector_profile)
    own = sector.with_name(f"{sector.stem}-official.yaml")
    return own if own.is_file() else DEFAULT_OFFICIAL_PROFILE


def load_official_profile(path: str | Path | None = None) -> dict[str, Any]:
    """Read and check an official-statistics YAML file (default: the active sector's)."""
    path = Path(path) if path is not None else official_profile_path()
    if not path.is_file():
        raise OfficialProfileError(f"There is no official-statistics file at {path}.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise OfficialProfileError(f"{path.name} is not valid YAML: {error}") from None
    if not isinstance(data, dict) or "extracts" not in data or "comparison" not in data:
        raise OfficialProfileError(f"{path.name} needs two sections: 'comparison' and 'extracts'.")
    names = set()
    for extract in data["extracts"]:
        missing = [key for key in REQUIRED_EXTRACT_KEYS if key not in extract]
        label = extract.get("name", "(no name)")
        if missing:
            raise OfficialProfileError(f"The extract {label!r} in {path.name} has no {', '.join(missing)}.")
        if not str(label).startswith("official_"):
            raise OfficialProfileError(f"Extract names start with 'official_'; got {label!r}.")
        if extract["status"] not in STATUSES:
            raise OfficialProfileError(
                f"The extract {label!r} has status {extract['status']!r}; use one of {', '.join(STATUSES)}."
            )
        if extract["status"] == "illustrative" and "illustrative" not in label:
            raise OfficialProfileError(
                f"An illustrative extract must say so in its name; {label!r} does not."
            )
        width = len(extract["fields"])
        for row in extract["rows"]:
            if len(row) != width:
                raise OfficialProfileError(
                    f"A row of {label!r} has {len(row)} values but the extract has {width} fields: {row}."
                )
        names.add(label)
    comparison = data["comparison"]
    for key in ("population_extract", "service_extract", "headline_extract"):
        if comparison.get(key) not in names:
            raise OfficialProfileError(
                f"comparison.{key} names {comparison.get(key)!r}, which is not an extract."
            )
    missing = [key for key in COMPARISON_KEYS if key not in comparison]
    if missing:
        raise OfficialProfileError(f"The comparison section of {path.name} has no {', '.join(missing)}.")
    return data


#: What the lesson and the exercise read from the comparison section.
COMPARISON_KEYS = (
    "organisation_table",
    "area_column",
    "date_column",
    "people_label",
    "areas",
    "area_type",
    "population_extract",
    "population_column",
    "service_extract",
    "service_column",
    "service_label",
    "hidden_example_column",
    "status_column",
    "status_value",
    "status_words",
    "headline_extract",
    "need_measure",
    "need_words",
    "context_measure",
    "context_words",
    "people_missed",
)


@lru_cache(maxsize=4)
def _cached_profile(path: str) -> dict[str, Any]:
    return load_official_profile(path)


def _profile(profile: dict[str, Any] | None) -> dict[str, Any]:
    return profile if profile is not None else _cached_profile(str(official_profile_path()))


def comparison_settings(profile: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the lesson's sector settings: areas, columns, words and file names.

    Besides the keys of the YAML's ``comparison`` section, it gives the
    file names the lesson reads (``population_file``, ``service_file``,
    ``published_file``, ``headline_file``) and the service table's count
    columns in order (``count_columns``).
    """
    profile = _profile(profile)
    settings = dict(profile["comparison"])
    extracts = {extract["name"]: extract for extract in profile["extracts"]}
    service = extracts[settings["service_extract"]]
    settings["population_file"] = f"{settings['population_extract']}.csv"
    settings["service_file"] = f"{settings['service_extract']}.csv"
    settings["headline_file"] = f"{settings['headline_extract']}.csv"
    settings["published_file"] = f"{_published_extract(profile)['as_published']['name']}.csv"
    settings["count_columns"] = [field["name"] for field in service["fields"][2:]]
    return settings


def _number_or_missing(value: Any) -> Any:
    """A published cell as a number, or missing where the source shows a marker like [c]."""
    if isinstance(value, str) and MARKER.match(value.strip()):
        return pd.NA
    return value


def extract_frames(profile: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Return every tidy extract as a DataFrame, by name."""
    frames = {}
    for extract in _profile(profile)["extracts"]:
        columns = [field["name"] for field in extract["fields"]]
        rows = [[_number_or_missing(v) for v in row] for row in extract["rows"]]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        # Every row says whether its figures are published or made up.
        frame["status"] = extract["status"]
        for field in extract["fields"]:
            # A "number" column stays as written (111084, 40.6), not 111084.0.
            if field["type"] == "integer":
                frame[field["name"]] = frame[field["name"]].astype("Int64")
            elif field["type"] == "string":
                frame[field["name"]] = frame[field["name"]].astype(str)
        frames[extract["name"]] = frame
    return frames


def _published_extract(profile: dict[str, Any]) -> dict[str, Any]:
    for extract in profile["extracts"]:
        if "as_published" in extract:
            return extract
    raise OfficialProfileError("No extract has an 'as_published' layout.")


def _format_count(value: Any) -> str:
    """A count as a publisher prints it: 1,234; markers such as [c] as they are."""
    if isinstance(value, str):
        return value
    return f"{int(value):,}"


def as_published_rows(profile: dict[str, Any] | None = None) -> list[list[str]]:
    """Return the messy copy as a grid of text cells, as a spreadsheet shows it.

    Title and note rows have text in the first cell only; every row has
    the same number of cells, as a spreadsheet saved as CSV does.
    """
    extract = _published_extract(_profile(profile))
    layout = extract["as_published"]
    width = len(layout["header"])

    def line(first: str) -> list[str]:
        return [first] + [""] * (width - 1)

    # No empty rows: Frictionless (and many tools) treat an empty row as an error.
    grid = [line(layout["title"]), *[line(text) for text in layout["intro"]], list(layout["header"])]
    name_markers = layout.get("name_markers", {})
    number_markers = layout.get("number_markers", {})
    for code, name, *values in extract["rows"]:
        shown_name = f"{name} {name_markers[name]}" if name in name_markers else name
        cells = [_format_count(v) for v in values]
        if name in number_markers:
            cells[-1] = f"{cells[-1]} {number_markers[name]}"
        grid.append([shown_name, code, *cells])
    grid.append(
        [layout["total_label"], layout["total_code"], *[_format_count(v) for v in layout["total_row"]]]
    )
    grid.append(line("Notes"))
    grid.extend(line(note) for note in layout["notes"])
    return grid


def _csv_text(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _frame_csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def official_file_names(profile: dict[str, Any] | None = None) -> list[str]:
    """Return the names of the files :func:`write_official` writes into the data folder."""
    profile = _profile(profile)
    names = [f"{extract['name']}.csv" for extract in profile["extracts"]]
    names.append(f"{_published_extract(profile)['as_published']['name']}.csv")
    return names


def official_texts(profile: dict[str, Any] | None = None) -> dict[str, str]:
    """Return the text of every official file, by file name."""
    profile = _profile(profile)
    texts = {f"{name}.csv": _frame_csv_text(frame) for name, frame in extract_frames(profile).items()}
    layout = _published_extract(profile)["as_published"]
    texts[f"{layout['name']}.csv"] = _csv_text(as_published_rows(profile))
    return texts


def write_official(out: str | Path, profile: dict[str, Any] | None = None) -> list[Path]:
    """Write the official extracts and the messy copy as CSV files into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in official_texts(profile).items():
        path = out / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written


def write_xlsx(path: str | Path, profile: dict[str, Any] | None = None) -> Path:
    """Write the messy copy as an Excel workbook, the same bytes every time.

    openpyxl stamps a workbook with the time it was saved, and a zip file
    stamps each part. Both are set to a fixed time here, and the parts are
    stored uncompressed, so the file does not change unless the YAML does.
    """
    from openpyxl import Workbook

    profile = _profile(profile)
    layout = _published_extract(profile)["as_published"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Table_1"
    for row in as_published_rows(profile):
        sheet.append([_xlsx_cell(cell) for cell in row])
    # Counts are numbers shown with a thousands comma, as a publisher's are;
    # a count with a marker ("972 [r]") stays text, as it does in real files.
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    sheet.column_dimensions["A"].width = 34
    workbook.properties.creator = "Data with Care"
    workbook.properties.title = layout["title"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as target:
        for name in sorted(source.namelist()):
            data = source.read(name)
            if name == "docProps/core.xml":
                data = stamp.sub(lambda m: f"{m.group(1)}{FIXED_ISO}{m.group(3)}", data.decode()).encode()
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return path


def _xlsx_cell(text: str) -> str | int | None:
    if text == "":
        return None
    if re.fullmatch(r"\d{1,3}(,\d{3})*", text):
        return int(text.replace(",", ""))
    return text


def official_sources(profile: dict[str, Any] | None = None) -> pd.DataFrame:
    """Return one row per extract: its file, publisher, table, dates, licence and status."""
    records = []
    for extract in _profile(profile)["extracts"]:
        records.append(
            {
                "file": f"{extract['name']}.csv",
                "title": extract["title"],
                "status": extract["status"],
                "publisher": extract["publisher"],
                "table": extract["table"],
                "figures_date": extract["figures_date"],
                "released": extract["released"] or "see each row",
                "licence": extract["licence"],
                "source_url": extract["source_url"],
            }
        )
    return pd.DataFrame(records)


_FRICTIONLESS_TYPES = {"string": "string", "integer": "integer", "number": "number"}


def frictionless_resources(profile: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return the Data Package entries for the official files."""
    profile = _profile(profile)
    resources = []
    for extract in profile["extracts"]:
        description = (
            f"{extract['title']}. {extract['publisher']}: {extract['table']}. Licence: {extract['licence']}."
        )
        resources.append(
            {
                "name": extract["name"].replace("_", "-"),
                "path": f"{extract['name']}.csv",
                "title": extract["title"],
                "description": description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "sources": [{"title": extract["publisher"], "path": extract["source_url"]}],
                "schema": {
                    "fields": [
                        {
                            "name": field["name"],
                            "type": _FRICTIONLESS_TYPES[field["type"]],
                            "description": field["description"],
                        }
                        for field in extract["fields"]
                    ]
                    + [
                        {
                            "name": "status",
                            "type": "string",
                            "description": "published: real figures, checked; illustrative: made up.",
                            "constraints": {"required": True, "enum": [extract["status"]]},
                        }
                    ]
                },
            }
        )
    layout = _published_extract(profile)["as_published"]
    width = len(layout["header"])
    resources.append(
        {
            "name": layout["name"].replace("_", "-"),
            "path": f"{layout['name']}.csv",
            "title": layout["title"],
            "description": (
                f"A deliberately messy copy of {layout['subject']}, laid out as a "
                "published spreadsheet is: title rows, a header row, [c] and [x] markers, a total row "
                "and notes. It has no header row a program can find on its own, so every column is "
                "plain text, named column_1, column_2 and so on."
            ),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"header": False},
            "schema": {
                "fields": [
                    {
                        "name": f"column_{i}",
                        "type": "string",
                        "description": "A cell as the spreadsheet shows it.",
                    }
                    for i in range(1, width + 1)
                ]
            },
        }
    )
    return resources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m datawithcare.official",
        description="Write the official-statistics extracts for lesson 9b from their YAML file.",
    )
    parser.add_argument(
        "--profile",
        default=None,
        help="official-statistics YAML (default: the one of the active sector profile)",
    )
    parser.add_argument("--out", default=None, help="folder to write the CSV files into")
    parser.add_argument(
        "--xlsx", default=None, help="file to write the messy copy into, as an Excel workbook"
    )
    args = parser.parse_args(argv)
    if not args.out and not args.xlsx:
        parser.error("say where to write: --out FOLDER, --xlsx FILE, or both")
    try:
        profile = load_official_profile(args.profile)
        if args.out:
            for path in write_official(args.out, profile):
                print(f"wrote {path}")
        if args.xlsx:
            print(f"wrote {write_xlsx(args.xlsx, profile)}")
    except (OfficialProfileError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
