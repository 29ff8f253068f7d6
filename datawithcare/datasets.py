"""Load the course datasets as tidy, typed pandas DataFrames.

>>> from datawithcare import load_dataset, list_datasets
>>> clients = load_dataset("clients")          # the shipped file
>>> other = load_dataset("clients", seed=7)     # the same table, made with another seed

Dates come back as dates, categories as pandas categoricals, yes/no
columns as booleans, and counts as whole numbers. The messy export is the
exception: it comes back as plain text, because cleaning it is the lesson.
"""

from __future__ import annotations

import io
from functools import lru_cache

import pandas as pd

from datawithcare.generator.profile import load_profile
from datawithcare.generator.schema import TABLE_NAMES, Table, table_schemas
from datawithcare.paths import dataset_path

__all__ = ["list_datasets", "load_dataset"]


def list_datasets() -> list[str]:
    """Return the names you can give to :func:`load_dataset`."""
    return list(TABLE_NAMES)


@lru_cache(maxsize=1)
def _schemas() -> dict[str, Table]:
    return table_schemas(load_profile())


@lru_cache(maxsize=4)
def _generated_csv(seed: int) -> dict[str, str]:
    """Every table made with this seed, as CSV text (kept for the session)."""
    from datawithcare.generate import generate_tables, to_csv_text

    return {name: to_csv_text(frame) for name, frame in generate_tables(seed=seed).items()}


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


def _typed(source: str | io.StringIO, table: Table) -> pd.DataFrame:
    """Read CSV text or a file and give each column its type from the schema."""
    if table.raw_text:
        # Keep "N/A", "-" and the rest as typed; only empty cells become missing.
        return pd.read_csv(source, dtype="str", keep_default_na=False, na_values=[""])
    frame = pd.read_csv(source, dtype="str", keep_default_na=False, na_values=[""])
    expected = table.columns
    if list(frame.columns) != expected:
        raise ValueError(
            f"The file for {table.name!r} has columns {list(frame.columns)}, but the course expects {expected}. "
            "Regenerate the data with `make data`."
        )
    for field in table.fields:
        column = frame[field.name]
        if field.kind == "date":
            frame[field.name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif field.kind == "integer":
            numbers = pd.to_numeric(column).astype("Int64")
            frame[field.name] = (
                numbers if (not field.required or numbers.isna().any()) else numbers.astype("int64")
            )
        elif field.kind == "boolean":
            flags = column.map({"True": True, "False": False}).astype("boolean")
            frame[field.name] = flags if (not field.required or flags.isna().any()) else flags.astype(bool)
        elif field.kind == "category":
            categories = list(field.categories or ())
            extra = sorted(set(column.dropna()) - set(categories))
            dtype = pd.CategoricalDtype(categories + extra, ordered=field.ordered)
            frame[field.name] = column.astype(dtype)
    return frame


def load_dataset(name: str, seed: int | None = None) -> pd.DataFrame:
    """Return one course table as a typed DataFrame.

    ``name`` is one of :func:`list_datasets`, such as ``"clients"`` or
    ``"cases"``. With ``seed=None`` you get the shipped file from the
    data folder. With a whole number you get the same table made fresh
    with that seed (all tables are made together, once per seed), which
    lets a trainer or a test run a lesson on different data.
    """
    table = _schemas()[_check_name(name)]
    if seed is None:
        return _typed(dataset_path(f"{table.name}.csv"), table)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(
            f"The seed must be a whole number such as 2026, or None for the shipped data; got {seed!r}."
        )
    if seed < 0:
        raise ValueError(f"The seed must be zero or more; got {seed}.")
    return _typed(io.StringIO(_generated_csv(seed)[table.name]), table)
