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
    Colab), or the shipped data were made from another sector profile
    than the active one, the active profile's datasets are made once from
    their seed into a cache folder: for the shipped profile they are the
    same, byte for byte, as the shipped files.
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
    if shipped.is_dir() and _made_from_active_profile(shipped):
        return shipped
    return _generated_data_dir()


def _made_from_active_profile(folder: Path) -> bool:
    """Whether the data in ``folder`` were made from the active sector profile."""
    import json

    from datawithcare.generator.profile import active_profile_path

    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True  # not course data we can judge: use it, and let the loader say what is wrong
    active = active_profile_path().stem
    return package.get("sector_profile", active) == active  # older data name no profile: trust them


def _generated_data_dir() -> Path:
    """Make the active profile's datasets into a cache folder (once) and return it.

    This is what Colab uses (the package is installed without the data),
    and what a session whose ``DATAWITHCARE_PROFILE`` differs from the
    shipped data's profile uses. One folder per version and profile (and its text);
    the files appear all at once, so two kernels never read half a folder.
    """
    import hashlib
    import shutil
    import tempfile

    from datawithcare import __version__
    from datawithcare.generate import generate_tables, write_datasheets, write_tables
    from datawithcare.generator.profile import active_profile_path, load_profile
    from datawithcare.official import official_profile_path

    path = active_profile_path()
    # The profile's own text (and its official statistics') is part of the name:
    # an edited profile never reads stale data.
    digest = hashlib.sha256(path.read_bytes() + official_profile_path(path).read_bytes()).hexdigest()[:10]
    cache_home = Path(os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache")
    folder = cache_home / "datawithcare" / f"datasets-{__version__}-{path.stem}-{digest}"
    if not (folder / "datapackage.json").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        profile = load_profile(path)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            write_tables(generate_tables(profile=profile), work, profile)
            write_datasheets(work, profile)
            try:
                work.rename(folder)
            except OSError:
                pass  # another kernel finished first: use its folder
        finally:
            shutil.rmtree(work, ignore_errors=True)
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
