"""Make the course datasets from a sector profile and a seed.

From the command line (``make data`` runs the first line)::

    python -m datawithcare.generate --out datasets
    python -m datawithcare.generate --profile my-sector.yaml --seed 7 --scale 2 --out /tmp/data

From Python::

    from datawithcare.generate import generate_tables
    tables = generate_tables(seed=2026)      # a dict of DataFrames
    tables["clients"].head()

The same profile, seed and scale always give the same files, byte for byte.
Nothing depends on today's date: every date range is in the profile.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from datawithcare.generator.profile import DEFAULT_PROFILE, ProfileError, load_profile
from datawithcare.generator.schema import TABLE_NAMES, frictionless_package
from datawithcare.generator.tables import (
    make_attendance,
    make_cases,
    make_clients,
    make_maturity,
    make_messy_export,
    make_releases,
    make_wellbeing,
)

#: Biggest scale the command line accepts (about 2 million clients).
MAX_SCALE = 1000.0

__all__ = [
    "DEFAULT_PROFILE",
    "ProfileError",
    "generate_tables",
    "load_profile",
    "main",
    "datasheet_folder",
    "remove_other_profiles_files",
    "to_csv_text",
    "write_datasheets",
    "write_tables",
]


def check_seed(seed: Any) -> int:
    """Return the seed as an int, or raise ValueError with a plain message."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"The seed must be a whole number such as 2026; got {seed!r}.")
    if seed < 0 or seed >= 2**63:
        raise ValueError(f"The seed must be zero or more (and below 2**63); got {seed}.")
    return int(seed)


def check_scale(scale: Any) -> float:
    """Return the scale as a float, or raise ValueError with a plain message."""
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.integer | np.floating):
        raise ValueError(f"The scale must be a number such as 1 or 0.5; got {scale!r}.")
    if not (0 < float(scale) <= MAX_SCALE) or np.isnan(scale):
        raise ValueError(f"The scale must be above 0 and at most {MAX_SCALE:g}; got {scale}.")
    return float(scale)


def generate_tables(
    seed: int | None = None,
    profile: dict | str | Path | None = None,
    scale: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Make every course table in memory and return them by name.

    ``seed`` None uses the profile's ``default_seed``; ``profile`` is a
    loaded profile, a shipped profile's name, a path to a YAML file, or
    None for the active profile (``datawithcare/course.yaml``).
    ``scale`` multiplies the number of clients (1 gives about 2,000).
    ``progress``, if given, is called with the name of each table as it
    is finished.
    """
    if not isinstance(profile, dict):
        profile = load_profile(profile)
    seed = profile["default_seed"] if seed is None else check_seed(seed)
    scale = check_scale(scale)
    # One independent stream per table: changing one table's recipe leaves
    # the others as they were.
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]
    done = progress or (lambda name: None)

    n_clients = max(50, round(profile["sizes"]["clients"] * scale))
    clients = make_clients(profile, streams[0], n_clients)
    done("clients")
    cases = make_cases(profile, streams[1], clients)
    done("cases")
    attendance = make_attendance(profile, streams[2], clients)
    done("attendance")
    wellbeing = make_wellbeing(profile, streams[3], clients)
    done("wellbeing")
    messy, key = make_messy_export(profile, streams[4], clients)
    done("messy_export")
    careless, outside, safe = make_releases(profile, streams[5], clients)
    done("releases")
    maturity = make_maturity(profile, streams[6])
    done("maturity_cohort")
    tables = {
        "clients": clients,
        "cases": cases,
        "attendance": attendance,
        "wellbeing": wellbeing,
        "messy_export": messy,
        "messy_export_answer_key": key,
        "careless_release": careless,
        "outside_source": outside,
        "safe_release": safe,
        "maturity_cohort": maturity,
    }
    assert tuple(tables) == TABLE_NAMES
    return tables


def to_csv_text(frame: pd.DataFrame) -> str:
    """The exact CSV text the course ships: UTF-8, \\n line ends, ISO dates."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return buffer.getvalue()


def package_text(profile: dict) -> str:
    from datawithcare.official import frictionless_resources

    package = frictionless_package(profile)
    # The official-statistics extracts for lesson 9b (datawithcare/official.py), the sector's own.
    package["resources"] = [*package["resources"], *frictionless_resources(_official_for(profile))]
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def _official_for(profile: dict) -> dict:
    """The official statistics that go with a sector profile (its ``-official.yaml`` file)."""
    from datawithcare.official import load_official_profile, official_profile_path

    source = profile.get("_source")
    return load_official_profile(official_profile_path(source) if source else None)


def prepare_folder(out: str | Path) -> Path:
    """Create the output folder if needed; raise PermissionError if it cannot be written."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise PermissionError(f"{out} is a file, not a folder. Give a folder with --out.")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PermissionError(f"Cannot create the folder {out}: {error.strerror}.") from None
    if not os.access(out, os.W_OK):
        raise PermissionError(
            f"Cannot write to the folder {out}. Choose a folder you can write to with --out."
        )
    return out


def write_tables(tables: dict[str, pd.DataFrame], out: str | Path, profile: dict | None = None) -> list[Path]:
    """Write each table as ``<name>.csv``, the official extracts and ``datapackage.json`` into ``out``."""
    from datawithcare.official import write_official

    out = prepare_folder(out)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        path.write_text(to_csv_text(frame), encoding="utf-8", newline="")
        written.append(path)
    profile = profile or load_profile()
    written.extend(write_official(out, _official_for(profile)))
    path = out / "datapackage.json"
    path.write_text(package_text(profile), encoding="utf-8", newline="")
    written.append(path)
    return written


def datasheet_folder(profile: dict) -> Path:
    """Where a profile keeps its hand-written datasheets: ``<profile>/datasheets/`` beside its YAML file.

    For ``datawithcare/profiles/refugee-london.yaml`` that is
    ``datawithcare/profiles/refugee-london/datasheets/``; a fork's
    ``my-sector.yaml`` keeps them in ``my-sector/datasheets/`` next to it.
    """
    source = Path(profile.get("_source") or load_profile()["_source"])
    return source.with_suffix("") / "datasheets"


def _datasheet_texts(profile: dict) -> dict[str, bytes]:
    folder = datasheet_folder(profile)
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.md"))}


def write_datasheets(out: str | Path, profile: dict | None = None) -> list[Path]:
    """Copy the profile's datasheets (``*.md``) into ``out``, byte for byte; return the files written.

    A profile with no datasheets folder yet (a new fork) writes none.
    """
    out = prepare_folder(out)
    written = []
    for name, data in _datasheet_texts(profile or load_profile()).items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written


def _files_made_for(profile: dict) -> dict[str, bytes]:
    """Every file the generator writes for a profile whatever the seed: official extracts and datasheets."""
    from datawithcare.official import official_texts

    files = {name: text.encode("utf-8") for name, text in official_texts(_official_for(profile)).items()}
    files.update(_datasheet_texts(profile))
    return files


def remove_other_profiles_files(out: str | Path, profile: dict) -> list[Path]:
    """Remove from ``out`` the files the generator wrote there for another shipped profile.

    Switching the course to another profile and running ``make data`` would
    otherwise leave the old sector's official extracts and datasheets beside
    the new ones, where a learner could open them by mistake. Only a file
    that has the name of a file made for another shipped profile, is not
    made for this one, and still has exactly the bytes the generator wrote
    is removed: a file a person wrote or changed is never touched.
    """
    from datawithcare.generator.profile import shipped_profiles

    out = Path(out)
    ours = set(_files_made_for(profile))
    active = Path(profile.get("_source", "")).resolve()
    removed = []
    for name in shipped_profiles():
        other = load_profile(name)
        if Path(other["_source"]).resolve() == active:
            continue
        for file_name, data in _files_made_for(other).items():
            path = out / file_name
            if file_name in ours or not path.is_file():
                continue
            if path.read_bytes() == data:
                path.unlink()
                removed.append(path)
    return removed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m datawithcare.generate",
        description="Make the Data with Care synthetic datasets from a sector profile and a seed.",
    )
    parser.add_argument(
        "--profile",
        default=None,
        help="a shipped profile's name (such as homelessness-greater-manchester) or a YAML file "
        "(default: the profile named in datawithcare/course.yaml)",
    )
    parser.add_argument(
        "--seed",
        default=None,
        help="whole number; the same seed gives the same files (default: the profile's)",
    )
    parser.add_argument("--scale", default="1", help="multiply the number of clients (1 gives about 2,000)")
    parser.add_argument(
        "--out", required=True, help="folder to write the CSV files, datasheets and datapackage.json into"
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            seed = None if args.seed is None else int(args.seed)
        except ValueError:
            raise ValueError(f"The seed must be a whole number such as 2026; got {args.seed!r}.") from None
        try:
            scale = float(args.scale)
        except ValueError:
            raise ValueError(f"The scale must be a number such as 1 or 0.5; got {args.scale!r}.") from None
        if seed is not None:
            check_seed(seed)
        check_scale(scale)
        profile = load_profile(args.profile)
        out = prepare_folder(args.out)
        steps = 8
        bar = None
        if scale >= 10 and not args.quiet:
            from tqdm import tqdm  # only big runs need a progress bar

            bar = tqdm(total=steps, desc="Making tables", unit="table")

        def progress(name: str) -> None:
            if bar is not None:
                bar.set_postfix_str(name)
                bar.update(1)

        tables = generate_tables(seed=seed, profile=profile, scale=scale, progress=progress)
        paths = write_tables(tables, out, profile)
        paths += write_datasheets(out, profile)
        removed = remove_other_profiles_files(out, profile)
        progress("written")
        if bar is not None:
            bar.close()
    except (ProfileError, ValueError, PermissionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        used = profile["default_seed"] if seed is None else seed
        rows = sum(len(t) for t in tables.values())
        print(f"Wrote {len(paths)} files ({rows:,} rows, seed {used}) to {out}.")
        if removed:
            print(
                f"Removed {len(removed)} files made earlier for another profile: "
                + ", ".join(path.name for path in removed)
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
