"""Every lesson runs top to bottom on a fresh kernel: twice, and no more.

1. On the shipped data, in the author environment. The executed notebook
   is shared with every other test of the session and with the book build
   (see ``conftest.py``): the alt-text and identifier checks read it.
2. In the learner's Binder environment, on data made from another seed
   (if the lesson's ``parameters`` cell names ``dataset_seed``), because a
   lesson that only works on one seed teaches the seed.

Each run also runs the solutions hidden in the lesson's ``<details>``
blocks, and fails if a cell tagged ``raises-exception`` does not raise.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import (
    ALT_TEXT_MIN_WORDS,
    charts_without_alt_text,
    execute_notebook,
    lessons,
    output_text,
    second_run_params,
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


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_runs_in_the_binder_environment_on_another_seed(
    path: Path, binder_kernel: str, record_property
) -> None:
    params = second_run_params(path)
    run = execute_notebook(path, params=params, kernel_name=binder_kernel)
    record_property(
        "notebook", f"{path.name} (Binder{', seed ' + str(params['dataset_seed']) if params else ''})"
    )
    record_property("notebook_seconds", run.seconds)
    _check_outputs(path.name, run.notebook)


def test_there_are_lessons() -> None:
    assert len([p for p in LESSONS if p.parent.name == "notebooks"]) >= 10, (
        "Fewer than ten lesson notebooks were found in notebooks/."
    )
