"""Data with Care: the small helper package behind the course.

Lessons import what they need from here: the course chart style, the
paths to the shipped data, and the answer store that keeps a learner's
work safe between sessions. Teaching code stays in the notebooks.
"""

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
