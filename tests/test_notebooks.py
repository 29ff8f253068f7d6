"""Every lesson notebook runs top to bottom on a fresh kernel.

Each notebook runs on the shipped data; a notebook whose ``parameters``
cell names ``dataset_seed`` runs again on data regenerated from another
seed, because a lesson that only works on one seed teaches the seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from harness import (
    NOTEBOOKS,
    charts_without_alt_text,
    output_text,
    parameters,
    read_notebook,
    run_notebook,
)

LESSONS = sorted(NOTEBOOKS.glob("*.ipynb"))
OTHER_SEED = 7


def _cases():
    for path in LESSONS:
        yield pytest.param(path, None, id=path.stem)
        if re.search(r"^\s*dataset_seed\s*=", parameters(read_notebook(path)), re.M):
            yield pytest.param(path, OTHER_SEED, id=f"{path.stem}[seed={OTHER_SEED}]")


@pytest.mark.parametrize(("path", "seed"), list(_cases()))
def test_lesson_runs(path: Path, seed: int | None, tmp_path: Path, record_property) -> None:
    params = {"dataset_seed": seed} if seed is not None else {}
    executed, seconds = run_notebook(path, tmp_path / path.name, params=params)
    record_property("notebook", f"{path.name}" + (f" (seed {seed})" if seed is not None else ""))
    record_property("notebook_seconds", seconds)

    missing = charts_without_alt_text(executed)
    assert not missing, (
        f"{path.name}: cells {missing} draw a chart with no alt text. Add "
        '{"mystnb": {"image": {"alt": "..."}}} to the cell metadata (see CONTRIBUTING.md).'
    )

    try:
        from datawithcare.identifiers import find_unsafe_identifiers
    except ImportError:  # the scanner arrives with the datasets
        return
    unsafe = find_unsafe_identifiers(output_text(executed))
    assert not unsafe, f"{path.name} shows identifiers that could reach a real person: {unsafe[:5]}"


def test_there_are_lessons() -> None:
    assert LESSONS, "No lesson notebooks were found in notebooks/."
