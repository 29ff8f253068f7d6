"""Small helpers for the exercises' test cells.

A visible test may compare a learner's answer with the truth, but must not
work the truth out in front of the learner (that shows the method; see
``tests/test_visible_tests.py``). These helpers fetch the truth instead.
"""

from __future__ import annotations

import pandas as pd

from datawithcare.datasets import load_dataset


def answer_key_column(column: str, seed: int | None = None) -> pd.Series:
    """For each row of the messy export, what the person really gave for ``column``.

    The value comes from the ``messy_export_answer_key`` table, matched on the
    client reference, so the result lines up row by row with
    ``load_dataset("messy_export")``. A row whose reference is not in the key
    gets a missing value.

    >>> truth = answer_key_column("borough")
    >>> len(truth) == len(load_dataset("messy_export"))
    True
    """
    data = load_dataset("messy_export", seed=seed)
    key = load_dataset("messy_export_answer_key", seed=seed).set_index("client_ref")
    if column not in key.columns:
        raise ValueError(f"The answer key has no column {column!r}; it has {', '.join(key.columns)}.")
    person = data["Client Ref"].str.strip().str.upper()
    return person.map(key[column])
