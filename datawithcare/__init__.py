"""Data with Care: the small helper package behind the course.

Lessons import what they need from here: the course chart style, the
paths to the shipped data, and the answer store that keeps a learner's
work safe between sessions. Teaching code stays in the notebooks.

Each name is imported from its module the first time a lesson asks for it
(PEP 562), so ``import datawithcare`` alone loads nothing heavy, and a
lesson that never saves answers never loads pydantic's answer models.
On a hub every learner's kernel is smaller for it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for editors and type checkers: the names, without importing them at run time
    from datawithcare.answers import AnswerFileError, AnswerStore
    from datawithcare.datasets import CourseSector, course_sector, list_datasets, load_dataset
    from datawithcare.paths import data_dir, dataset_path, repo_root
    from datawithcare.privacy import (
        generalise_age,
        k_anonymity,
        l_diversity,
        pseudonymise,
        round_to_base,
        suppress_small_counts,
    )
    from datawithcare.style import PALETTE, use_course_style

#: Where each public name lives.
_HOMES = {
    "AnswerFileError": "answers",
    "AnswerStore": "answers",
    "CourseSector": "datasets",
    "course_sector": "datasets",
    "list_datasets": "datasets",
    "load_dataset": "datasets",
    "data_dir": "paths",
    "dataset_path": "paths",
    "repo_root": "paths",
    "generalise_age": "privacy",
    "k_anonymity": "privacy",
    "l_diversity": "privacy",
    "pseudonymise": "privacy",
    "round_to_base": "privacy",
    "suppress_small_counts": "privacy",
    "PALETTE": "style",
    "use_course_style": "style",
}

__all__ = [
    "PALETTE",
    "AnswerFileError",
    "AnswerStore",
    "CourseSector",
    "course_sector",
    "data_dir",
    "dataset_path",
    "generalise_age",
    "k_anonymity",
    "l_diversity",
    "list_datasets",
    "load_dataset",
    "pseudonymise",
    "round_to_base",
    "suppress_small_counts",
    "repo_root",
    "use_course_style",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:  # noqa: ANN401 (any of the package's public names)
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'datawithcare' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"datawithcare.{home}"), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
