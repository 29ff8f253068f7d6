"""Where the course's files are, from any working directory.

A lesson may run in ``notebooks/``, in a test's temporary folder, on
Binder or on a laptop. These functions find the shipped data the same
way everywhere, so a notebook never depends on the folder it was
started from.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Set this environment variable to use another folder of data, for
#: example data regenerated with a different seed.
DATA_DIR_ENV = "DATAWITHCARE_DATA_DIR"


def repo_root() -> Path:
    """Return the top folder of the course (the one with ``_config.yml``)."""
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Return the folder that holds the course datasets.

    This is ``datasets/`` in the course folder, unless the environment
    variable ``DATAWITHCARE_DATA_DIR`` names another folder. Where the
    package was installed without the course folder (for example on
    Colab), the datasets are made once from their seed into a cache
    folder: they are the same, byte for byte, as the shipped files.
    """
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        folder = Path(override).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(
                f"The data folder {folder} does not exist. "
                f"Check the {DATA_DIR_ENV} setting, or remove it to use the shipped data."
            )
        return folder
    shipped = repo_root() / "datasets"
    if shipped.is_dir():
        return shipped
    return _generated_data_dir()


def _generated_data_dir() -> Path:
    """Make the default datasets into a cache folder (once) and return it."""
    from datawithcare import __version__
    from datawithcare.generate import generate_tables, write_tables

    cache_home = Path(os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache")
    folder = cache_home / "datawithcare" / f"datasets-{__version__}"
    if not (folder / "datapackage.json").exists():
        write_tables(generate_tables(), folder)
    return folder


def dataset_path(filename: str) -> Path:
    """Return the full path of one file in the data folder.

    >>> dataset_path("clients.csv").name
    'clients.csv'
    """
    if not isinstance(filename, str) or not filename.strip():
        raise ValueError("Give the name of a file in the data folder, for example 'clients.csv'.")
    path = data_dir() / filename
    if not path.exists():
        available = sorted(p.name for p in data_dir().iterdir() if p.is_file())
        raise FileNotFoundError(
            f"There is no file called {filename!r} in {data_dir()}. "
            f"The files there are: {', '.join(available) or '(none)'}."
        )
    return path
