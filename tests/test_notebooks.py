"""Every lesson runs top to bottom on a fresh kernel: twice, and no more.

1. On the shipped data, in the author environment. The executed notebook
   is shared with every other test of the session and with the book build
   (see ``conftest.py``): the alt-text and identifier checks read it.
2. In the learner's Binder environment, on the course's second sector
   (the ``homelessness-greater-manchester`` profile, chosen the way a fork
   chooses it: the ``DATAWITHCARE_PROFILE`` setting) and on another seed (if
   the lesson's ``parameters`` cell names ``dataset_seed``), because a lesson
   that only works on one seed, or on one sector, teaches the seed or the
   sector. Lessons without a seed load the second sector's data that the
   package makes into its cache, as on Colab.

Each run also runs the solutions hidden in the lesson's ``<details>``
blocks, and fails if a cell tagged ``raises-exception`` does not raise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import (
    ALT_TEXT_MIN_WORDS,
    RUNS,
    charts_without_alt_text,
    execute_notebook,
    lessons,
    output_text,
    second_run_params,
    second_sector,
)

from datawithcare.identifiers import find_unsafe_identifiers

LESSONS = lessons()


def _check_outputs(name: str, executed: dict) -> None:
    missing = charts_without_alt_text(executed)
    assert not missing, (
        f"{name}: cells {missing} draw a chart with no alt text (or fewer than {ALT_TEXT_MIN_WORDS} words). "
        'Add {"mystnb": {"image": {"alt": "..."}}} to the cell metadata (see CONTRIBUTING.md).'
    )
    unsafe = find_unsafe_identifiers(output_text(executed))
    assert not unsafe, f"{name} shows identifiers that could reach a real person: {unsafe[:5]}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_on_the_shipped_data(path: Path, lesson_runs, record_property) -> None:
    run = lesson_runs.shipped(path)
    record_property("notebook", path.name)
    record_property("notebook_seconds", run.seconds)
    _check_outputs(path.name, run.notebook)


#: The profile of every lesson's second run: the shipped sector that is not active.
SECOND_SECTOR = second_sector()


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_in_the_binder_environment_on_the_second_sector_and_another_seed(
    path: Path, binder_kernel: str, record_property, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kernel inherits these: the profile setting a fork would change, and a cache
    # folder for the second sector's data shared by the test session.
    monkeypatch.setenv("DATAWITHCARE_PROFILE", SECOND_SECTOR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(RUNS.parent / "test-cache"))
    monkeypatch.delenv("DATAWITHCARE_DATA_DIR", raising=False)
    params = second_run_params(path)
    run = execute_notebook(path, params=params, kernel_name=binder_kernel)
    record_property(
        "notebook",
        f"{path.name} (Binder, {SECOND_SECTOR}{', seed ' + str(params['dataset_seed']) if params else ''})",
    )
    record_property("notebook_seconds", run.seconds)
    _check_outputs(path.name, run.notebook)


def test_there_are_lessons() -> None:
    assert len([p for p in LESSONS if p.parent.name == "notebooks"]) >= 10, (
        "Fewer than ten lesson notebooks were found in notebooks/."
    )
