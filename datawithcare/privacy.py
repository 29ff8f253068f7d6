"""Privacy helpers: share numbers and tables without exposing people.

Module 8 of the course ("Sharing safely") teaches each step in plain
pandas first. These functions do the same steps carefully, so that you
can use them on your own data:

* :func:`suppress_small_counts` hides small numbers in a table of counts,
  and hides more numbers where needed, so that nobody can work a hidden
  number out from the totals, exactly or nearly;
* :func:`hidden_cell_ranges` is the check a reader could make: the range
  each hidden number could have, given what is published (interval audit);
* :func:`group_disclosure` finds rows of a table in which everyone shares
  one value;
* :func:`round_to_base` rounds counts to the nearest 5 (or 10, ...);
* :func:`k_anonymity` and :func:`l_diversity` measure how well a
  person-level table hides each person in a crowd, and
  :func:`attribute_disclosure` shows what each group gives away about a
  sensitive detail;
* :func:`pseudonymise` replaces identifiers (phone numbers, client ids)
  with codes made with a secret key;
* :func:`generalise_age` turns exact ages into age bands.

Every function checks its input and says in plain words what to fix.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

#: Keys shorter than this (in bytes) are refused by :func:`pseudonymise`.
MIN_KEY_BYTES = 16

#: Keys with fewer characters than this outside words, repeats and
#: sequences (or with more than half of them in such patterns) are refused.
MIN_KEY_RANDOM = 12

#: Keys with fewer different characters than this are refused by :func:`pseudonymise`.
MIN_KEY_DIFFERENT = 10

#: Answers that are not a real value of a sensitive column: they never count
#: as one more value in :func:`l_diversity` and :func:`attribute_disclosure`.
NOT_A_VALUE: tuple[str, ...] = ("Prefer not to say",)

#: The label of the added total row and column.
TOTAL_LABEL = "Total"

_MARGIN_LABELS = {"all", "total", "totals", "grand total"}

_KEY_HELP = (
    "Make a long random key once, for example with "
    "`import secrets; secrets.token_hex(32)`, keep it in a file outside the "
    "notebook or in the environment variable DATAWITHCARE_SECRET_KEY, and "
    "never share it with the data."
)


# --------------------------------------------------------------------------
# Checks shared by the functions below
# --------------------------------------------------------------------------


def _check_frame(data: object, what: str = "data") -> pd.DataFrame:
    if isinstance(data, pd.Series):
        raise TypeError(
            f"{what} must be a table (a pandas DataFrame), but you gave one column (a Series). "
            "Pass the whole table, for example `clients`, not `clients['age']`."
        )
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame; you gave a {type(data).__name__}.")
    if len(data) == 0:
        raise ValueError(f"{what} has no rows, so there is nothing to check. Did a filter remove every row?")
    return data


def _column_list(columns: object, argument: str) -> list[Hashable]:
    if isinstance(columns, pd.Index | np.ndarray):
        columns = list(columns)
    if isinstance(columns, list | tuple):
        names = list(columns)
    elif columns is None or isinstance(columns, set | frozenset | dict | pd.Series | pd.DataFrame | bytes):
        raise TypeError(
            f"{argument} must be a column name or a list of column names, "
            f"for example ['age', 'gender']; you gave a {type(columns).__name__}."
        )
    elif isinstance(columns, Hashable):
        names = [columns]  # one column name: text, or a number such as 0
    else:
        raise TypeError(
            f"{argument} must be a column name or a list of column names, "
            f"for example ['age', 'gender']; you gave a {type(columns).__name__}."
        )
    if not names:
        raise ValueError(f"{argument} is empty. Name at least one column, for example ['age', 'gender'].")
    repeated = sorted({str(n) for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"{argument} names the same column more than once: {', '.join(repeated)}.")
    return names


def _check_columns(data: pd.DataFrame, names: list[Hashable], argument: str) -> None:
    missing = [n for n in names if n not in data.columns]
    if missing:
        raise ValueError(
            f"These {argument} are not columns of the table: {', '.join(map(repr, missing))}. "
            f"The columns are: {', '.join(map(repr, data.columns))}. "
            "Check the spelling, upper and lower case, and spaces."
        )


def _check_whole_number(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValueError(f"{name} must be a whole number, {minimum} or more; you gave {value!r}.")
    return int(value)


# --------------------------------------------------------------------------
# Tables of counts: suppression and rounding
# --------------------------------------------------------------------------


def _non_numeric_columns(frame: pd.DataFrame) -> list:
    """Return the columns that do not hold numbers (True/False does not count as a number)."""
    return [
        c
        for c in frame.columns
        if pd.api.types.is_bool_dtype(frame[c]) or not pd.api.types.is_numeric_dtype(frame[c])
    ]


def _counts_matrix(table: pd.DataFrame) -> np.ndarray:
    """Return the counts as a 2-D integer array, or explain what is wrong."""
    not_numeric = _non_numeric_columns(table)
    if not_numeric:
        raise ValueError(
            "Every cell of a table of counts must be a number. These columns are not numbers: "
            f"{', '.join(map(repr, not_numeric))}. Build the table with `pd.crosstab(...)` or "
            "`.groupby(...).size().unstack(fill_value=0)`, or convert text with `pd.to_numeric`."
        )
    values = table.to_numpy(dtype="float64", na_value=np.nan)
    if np.isnan(values).any():
        row, col = np.argwhere(np.isnan(values))[0]
        raise ValueError(
            f"A count is missing (row {table.index[row]!r}, column {table.columns[col]!r}). "
            "If nobody is in that group, the count is 0: use `.fillna(0)` first."
        )
    if (values < 0).any():
        raise ValueError("A count cannot be negative, but this table has a number below 0.")
    if (values != np.round(values)).any():
        raise ValueError(
            "A count must be a whole number, but this table has a number with a decimal part. "
            "Suppress the counts first; work out percentages afterwards."
        )
    return values.astype(np.int64)


def _margin_labels(labels: pd.Index) -> list[str]:
    return [str(x) for x in labels if str(x).strip().lower() in _MARGIN_LABELS]


def _full_table(inner: np.ndarray) -> np.ndarray:
    """Return the counts with a total column and a total row added."""
    n_rows, n_cols = inner.shape
    full = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    full[:n_rows, :n_cols] = inner
    full[:n_rows, n_cols] = inner.sum(axis=1)
    full[n_rows, :n_cols] = inner.sum(axis=0)
    full[n_rows, n_cols] = inner.sum()
    return full


def _ranges(values: np.ndarray, hidden: np.ndarray, cells: list[tuple[int, int]]) -> dict:
    """The smallest and largest value each hidden cell can take, given what is shown.

    ``values`` is a full table whose last row and last column are the
    totals; ``hidden`` marks the hidden cells. Every row adds up to its
    total and every column to its total, and no count is below 0. Each
    hidden cell is a variable of a small linear programme (scipy's
    ``linprog``): minimise it, then maximise it. A two-way table with its
    totals is a "transportation" problem, whose corners are whole
    numbers, so these bounds are the exact whole-number bounds.
    """
    from scipy.optimize import linprog

    where = np.argwhere(hidden)
    number = {(int(i), int(j)): k for k, (i, j) in enumerate(where)}
    n_rows, n_cols = values.shape
    shown = np.where(hidden, 0, values)
    rows_eq, rhs = [], []
    # Row i: its cells add up to its total (last column); column j the same.
    lines = [[(i, j) for j in range(n_cols - 1)] + [(i, n_cols - 1)] for i in range(n_rows)]
    lines += [[(i, j) for i in range(n_rows - 1)] + [(n_rows - 1, j)] for j in range(n_cols)]
    for line in lines:
        signs = [1.0] * (len(line) - 1) + [-1.0]
        if not any(hidden[c] for c in line):
            continue
        row = np.zeros(len(where))
        constant = 0.0
        for cell, sign in zip(line, signs, strict=True):
            if hidden[cell]:
                row[number[cell]] += sign
            else:
                constant += sign * shown[cell]
        rows_eq.append(row)
        rhs.append(-constant)
    a_eq = np.array(rows_eq) if rows_eq else None
    b_eq = np.array(rhs) if rows_eq else None
    result = {}
    for cell in cells:
        k = number[cell]
        if a_eq is None:
            result[cell] = (0.0, np.inf)
            continue
        objective = np.zeros(len(where))
        bounds = []
        for sense in (1.0, -1.0):
            objective[k] = sense
            answer = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if answer.status == 3:  # unbounded: only possible when maximising
                bounds.append(np.inf)
            elif answer.status != 0:  # pragma: no cover - the true table is always a solution
                raise RuntimeError(f"The interval audit could not be solved: {answer.message}")
            else:
                bounds.append(sense * answer.fun)
        result[cell] = (round(bounds[0], 6), round(bounds[1], 6) if np.isfinite(bounds[1]) else np.inf)
    return result


def _is_total_label(label: object) -> bool:
    first = label[0] if isinstance(label, tuple) and label else label
    return str(first).strip().lower() in _MARGIN_LABELS


def hidden_cell_ranges(table: pd.DataFrame) -> pd.DataFrame:
    """For every hidden number in a published table, the range a reader can work out.

    ``table`` is a table as published, with a total row and a total
    column at the end (as :func:`suppress_small_counts` makes it), in which
    hidden numbers are missing. A reader knows that every row adds up to
    its total, every column adds up to its total and no count is below 0.
    From that alone, each hidden number lies between a smallest and a
    largest possible value. This function works both out (an *interval
    audit*, done with a small linear programme from scipy).

    If ``lowest`` equals ``highest``, the hidden number is not hidden at
    all: anyone can work it out. If the two are close, the reader knows
    it nearly. Run this on the table *before* rounding: rounding only
    makes the reader less sure.

    Returns one row per hidden number, with columns ``row``, ``column``,
    ``lowest``, ``highest`` and ``width`` (``highest - lowest``; ``inf``
    when nothing limits it), narrowest first.

    >>> counts = pd.DataFrame({"Housing": [12, 3], "Benefits": [20, 15]}, index=["North", "South"])
    >>> hidden_cell_ranges(suppress_small_counts(counts))["width"].tolist()
    [15.0, 15.0, 15.0, 15.0]
    """
    table = _check_frame(table, "The table")
    if not (_is_total_label(table.index[-1]) and _is_total_label(table.columns[-1])):
        raise ValueError(
            "The table needs a total row and a total column at the end, called 'Total', as "
            "suppress_small_counts makes it. Without any totals, a reader cannot work out a "
            "hidden number from the others; but check that no total is published elsewhere."
        )
    not_numeric = _non_numeric_columns(table)
    if not_numeric:
        raise ValueError(
            "Every cell must be a number or missing (hidden). These columns are not numbers: "
            f"{', '.join(map(repr, not_numeric))}. Run the check before you replace hidden numbers with '[c]'."
        )
    values = table.to_numpy(dtype="float64", na_value=np.nan)
    hidden = np.isnan(values)
    cells = [(int(i), int(j)) for i, j in np.argwhere(hidden)]
    found = _ranges(np.nan_to_num(values), hidden, cells)
    rows = [
        {
            "row": table.index[i],
            "column": table.columns[j],
            "lowest": found[(i, j)][0],
            "highest": found[(i, j)][1],
        }
        for i, j in cells
    ]
    report = pd.DataFrame(rows, columns=["row", "column", "lowest", "highest"])
    report["width"] = report["highest"] - report["lowest"]
    return report.sort_values("width", kind="stable").reset_index(drop=True)


def suppress_small_counts(
    table: pd.DataFrame,
    threshold: int = 10,
    *,
    totals: bool = True,
    suppress_zeros: bool = False,
) -> pd.DataFrame:
    """Hide small counts in a table, and any count that the totals would give away.

    ``table`` is a table of counts without totals, for example
    ``pd.crosstab(clients["borough"], clients[sector.status_column])``
    (with ``sector = course_sector()``).

    1. **Primary suppression.** Every count from 1 up to ``threshold - 1``
       is hidden, because a small group can point to a real person.
       Zeros stay visible unless ``suppress_zeros=True``.
    2. **Secondary suppression** (only with ``totals=True``). A "Total"
       row and column are added, worked out from the original counts.
       Totals below the threshold are hidden as well. If a row or column
       has exactly one hidden number, anyone could subtract the visible
       numbers from the total and find it, so the smallest visible number
       in that row or column is hidden too.
    3. **Interval audit** (only with ``totals=True``). Two hidden numbers
       in a row are not always enough: hidden numbers that close on
       themselves (a 2 x 2 block, say) can still be worked out, exactly or
       nearly, by adding and subtracting rows and columns. So for every
       hidden number the function works out the smallest and the largest
       value a reader could deduce from everything shown (see
       :func:`hidden_cell_ranges`). **The rule:** every hidden number must
       have a possible range at least ``threshold`` wide (``highest -
       lowest >= threshold``). Then a hidden small count could just as
       well be 0 or ``threshold`` or more, and the reader cannot tell. If
       a hidden number fails the rule, the smallest visible number in its
       row or column is hidden too, and steps 2 and 3 repeat until every
       hidden number passes.

    With ``totals=False`` only step 1 is done. Use it only if you will
    never publish any total of the table, anywhere.

    For official statistics, specialist tools such as tau-ARGUS choose
    the extra numbers to hide more cleverly (they hide less); this
    function hides more than it needs to rather than too little.

    Returns a new table of whole numbers in which hidden cells are
    missing (``<NA>``). To print it, for example
    ``result.astype("string").fillna("[c]")`` ("c" for confidential).

    >>> counts = pd.DataFrame({"Housing": [12, 3], "Benefits": [20, 15]}, index=["North", "South"])
    >>> suppress_small_counts(counts, threshold=10)  # doctest: +NORMALIZE_WHITESPACE
           Housing  Benefits  Total
    North     <NA>      <NA>     32
    South     <NA>      <NA>     18
    Total       15        35     50
    """
    if isinstance(table, pd.Series):
        table = table.to_frame()
    table = _check_frame(table, "The table")
    if table.shape[1] == 0:
        raise ValueError("The table has no columns of counts.")
    threshold = _check_whole_number(threshold, "threshold", minimum=1)
    margins = _margin_labels(table.index) + _margin_labels(table.columns)
    if margins:
        raise ValueError(
            f"The table already has totals ({', '.join(sorted(set(margins)))}). Give the table "
            "without totals (for pd.crosstab, leave out margins=True): this function works the "
            "totals out itself and protects them."
        )
    inner = _counts_matrix(table)

    def is_small(values: np.ndarray) -> np.ndarray:
        small = values < threshold
        return small if suppress_zeros else small & (values > 0)

    if not totals:
        hidden = is_small(inner)
        result = pd.DataFrame(inner, index=table.index.copy(), columns=table.columns.copy()).astype("Int64")
        return result.mask(hidden)

    full = _full_table(inner)
    hidden = _protect(full, is_small(full), threshold)
    result = pd.DataFrame(full, index=_with_total(table.index), columns=_with_total(table.columns))
    result = result.astype("Int64")
    return result.mask(hidden)


def _protect(full: np.ndarray, hidden: np.ndarray, threshold: int) -> np.ndarray:
    """Secondary suppression and the interval audit, repeated until both pass."""
    hidden = hidden.copy()
    # The order in which to pick a complementary cell: the smallest
    # non-zero count first, then zeros, then totals (hiding a total tells
    # the reader least and costs the user most); hidden cells never.
    big = np.iinfo(np.int64).max // 4
    cost = np.where(full == 0, big // 8, full)
    cost[-1, :] = cost[-1, :] + big // 4
    cost[:, -1] = cost[:, -1] + big // 4
    safe: set[tuple[int, int]] = set()  # hiding more only widens a range, so a safe cell stays safe
    for _ in range(full.size + 1):
        _no_lonely_hidden(hidden, cost, big)
        todo = [(int(i), int(j)) for i, j in np.argwhere(hidden) if (int(i), int(j)) not in safe]
        if not todo:
            break
        found = _ranges(full, hidden, todo)
        failing = []
        for cell, (low, high) in found.items():
            if high - low >= threshold:
                safe.add(cell)
            else:
                failing.append(cell)
        if not failing:
            break
        masked_cost = np.where(hidden, big, cost)
        # For each failing cell, the cheapest visible number in its row or column.
        candidates = []
        for i, j in failing:
            in_row, in_col = masked_cost[i, :], masked_cost[:, j]
            if in_row.min() <= in_col.min():
                candidates.append((in_row.min(), i, j, (i, int(in_row.argmin()))))
            else:
                candidates.append((in_col.min(), i, j, (int(in_col.argmin()), j)))
        candidates.sort()
        if candidates[0][0] >= big:  # no failing cell has a visible number beside it
            pick = np.unravel_index(masked_cost.argmin(), masked_cost.shape)
            candidates = [(masked_cost[pick], -1, -1, pick)]
        rows_done: set[int] = set()
        cols_done: set[int] = set()
        for price, i, j, pick in candidates:
            # Cheapest first; one new hidden number per row and column, then audit again.
            if price >= big or i in rows_done or j in cols_done or hidden[pick]:
                continue
            hidden[pick] = True
            rows_done.update({i, int(pick[0])})
            cols_done.update({j, int(pick[1])})
    return hidden


def _no_lonely_hidden(hidden: np.ndarray, cost: np.ndarray, big: int) -> None:
    """Hide more until no row or column has exactly one hidden number (in place)."""
    for _ in range(hidden.size):
        changed = False
        for axis in (1, 0):
            exactly_one = hidden.sum(axis=axis) == 1
            if not exactly_one.any():
                continue
            masked_cost = np.where(hidden, big, cost)
            pick = masked_cost.argmin(axis=axis)
            lines = np.flatnonzero(exactly_one)
            if axis == 1:
                hidden[lines, pick[lines]] = True
            else:
                hidden[pick[lines], lines] = True
            changed = True
        if not changed:
            break


def _with_total(labels: pd.Index) -> pd.Index:
    """Return the labels with a "Total" label added at the end."""
    if isinstance(labels, pd.MultiIndex):
        total = (TOTAL_LABEL,) + ("",) * (labels.nlevels - 1)
        return pd.MultiIndex.from_tuples([*labels, total], names=labels.names)
    return pd.Index([*labels, TOTAL_LABEL], name=labels.name)


def round_to_base(values: pd.DataFrame | pd.Series | float, base: int = 5):
    """Round counts to the nearest multiple of ``base`` (5 unless you say otherwise).

    Halves round up: with base 5, 12 becomes 10, 13 becomes 15 and 2.5
    becomes 5. Missing cells (for example suppressed ones) stay missing.
    Works on a single number, a column (Series) or a table (DataFrame),
    and gives back the same kind of thing.

    Rounded numbers no longer add up exactly to rounded totals; say so
    in a note under the published table.

    >>> round_to_base(pd.Series([0, 2, 3, 12, 13, 127]), base=5).tolist()
    [0, 0, 5, 10, 15, 125]
    """
    base = _check_whole_number(base, "base", minimum=1)
    if isinstance(values, pd.DataFrame | pd.Series):
        frame = values.to_frame() if isinstance(values, pd.Series) else values
        not_numeric = _non_numeric_columns(frame)
        if not_numeric:
            raise ValueError(
                "Only numbers can be rounded. These columns are not numbers: "
                f"{', '.join(map(repr, not_numeric))}. Convert text with `pd.to_numeric` first."
            )
        rounded = np.floor(values.astype("Float64") / base + 0.5) * base
        return rounded.astype("Int64")
    if isinstance(values, bool) or not isinstance(values, int | float | np.integer | np.floating):
        raise TypeError(
            f"round_to_base rounds a number, a Series or a DataFrame; you gave a {type(values).__name__}."
        )
    if np.isnan(values):
        return values
    return int(np.floor(values / base + 0.5) * base)


# --------------------------------------------------------------------------
# Person-level tables: k-anonymity and l-diversity
# --------------------------------------------------------------------------


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Number the distinct values of a column 0, 1, 2, ... (a blank is a value too)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        small_codes = column.array.codes
        size = len(column.cat.categories) + 1
        codes = small_codes.astype(np.int64)
        if (small_codes < 0).any():  # blanks are coded -1: give them a number of their own
            codes[small_codes < 0] = size - 1
        return codes, size
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    return codes.astype(np.int64), max(len(uniques), 1)


def _group_keys(data: pd.DataFrame, columns: list[Hashable]) -> tuple[np.ndarray, int]:
    """Give each row one whole number that is the same exactly when all ``columns`` are.

    This is what ``groupby`` does inside, without building group labels,
    so that k and l stay fast on a million rows.
    """
    keys = np.zeros(len(data), dtype=np.int64)
    size = 1
    for column in columns:
        codes, n_values = _codes(data[column])
        keys = keys * n_values + codes
        size *= n_values
        if size > 2**31:  # keep the numbers small: renumber the groups seen so far
            keys, uniques = pd.factorize(keys)
            keys = keys.astype(np.int64)
            size = len(uniques)
    return keys, size


def _smallest_count(keys: np.ndarray, size: int) -> int:
    """Return how many times the least common key occurs."""
    if size <= 4 * len(keys) + 1024:
        counts = np.bincount(keys, minlength=0)
        return int(counts[counts > 0].min())
    return int(np.unique(keys, return_counts=True)[1].min())


def _class_sizes(data: pd.DataFrame, quasi_identifiers: list[Hashable]) -> pd.Series:
    sizes = data.groupby(quasi_identifiers, dropna=False, observed=True, sort=False).size()
    return sizes.rename("people").sort_values(kind="stable")


def k_anonymity(
    data: pd.DataFrame,
    quasi_identifiers: str | Sequence[Hashable],
    *,
    class_sizes: bool = False,
) -> int | tuple[int, pd.Series]:
    """Return k: the size of the smallest group of people who look the same.

    People who share the same values of every quasi-identifier (for
    example the same age, gender, nationality and borough) form an
    *equivalence class*. A table is k-anonymous if every class has at
    least k people: then anyone who knows those details about a person
    still finds at least k rows that could be them. k = 1 means that
    someone is unique, and could be re-identified.

    A blank counts as a value of its own, because an intruder sees blanks too.

    With ``class_sizes=True`` you get ``(k, sizes)``, where ``sizes`` has
    the number of people in each class, smallest first.

    >>> people = pd.DataFrame({"age_band": ["20-29", "20-29", "30-39"], "gender": ["Woman"] * 3})
    >>> k_anonymity(people, ["age_band", "gender"])
    1
    """
    data = _check_frame(data, "The table")
    names = _column_list(quasi_identifiers, "quasi_identifiers")
    _check_columns(data, names, "quasi-identifiers")
    if not class_sizes:
        return _smallest_count(*_group_keys(data, names))
    sizes = _class_sizes(data, names)
    return int(sizes.iloc[0]), sizes


def _normal(value: object) -> str:
    return str(value).strip().casefold()


def _known(column: pd.Series, not_values: Sequence[object]) -> np.ndarray:
    """True where the column holds a real value: not missing, and not in ``not_values``."""
    known = column.notna().to_numpy(dtype=bool, copy=True)
    wanted = {_normal(v) for v in not_values}
    if not wanted:
        return known
    if isinstance(column.dtype, pd.CategoricalDtype):
        candidates = list(column.cat.categories)
    else:
        candidates = list(pd.unique(column.dropna()))
    bad = [v for v in candidates if _normal(v) in wanted]
    if bad:
        known &= ~column.isin(bad).to_numpy(dtype=bool)
    return known


def _check_not_values(not_values: object) -> tuple:
    if isinstance(not_values, str) or not isinstance(not_values, Sequence | set | frozenset):
        raise TypeError(
            "not_values must be a list of answers that are not real values, for example "
            f"['Prefer not to say']; you gave a {type(not_values).__name__}."
        )
    return tuple(not_values)


def l_diversity(
    data: pd.DataFrame,
    quasi_identifiers: str | Sequence[Hashable],
    sensitive: str | Sequence[Hashable],
    *,
    not_values: Sequence[object] = NOT_A_VALUE,
    class_values: bool = False,
) -> int | tuple[int, pd.Series]:
    """Return l: the fewest different sensitive values found in any group.

    k-anonymity hides who is who, but if everyone in a group has the
    same status (an immigration status, a housing situation), an intruder
    learns that status without knowing which row is the person.
    l-diversity counts, in each
    equivalence class, how many different values the ``sensitive``
    column has; l is the smallest of these counts. l = 1 means some
    group shares one sensitive value, which then leaks.

    Only real values count. A missing value is not a value, and nor is
    an answer in ``not_values`` ("Prefer not to say" unless you say
    otherwise; matched without minding case or spaces): four people on
    one route and one who preferred not to say are a group with l = 1.
    A group in which nobody has a real value gets 0.

    With several sensitive columns, each is counted and the smallest
    count is used. With ``class_values=True`` you get ``(l, values)``,
    where ``values`` has the count for each class, smallest first.

    >>> people = pd.DataFrame({"age_band": ["20-29"] * 3, "status": ["Status A"] * 2 + ["Prefer not to say"]})
    >>> l_diversity(people, "age_band", "status")
    1
    """
    data = _check_frame(data, "The table")
    names = _column_list(quasi_identifiers, "quasi_identifiers")
    sensitive_names = _column_list(sensitive, "sensitive")
    not_values = _check_not_values(not_values)
    _check_columns(data, names, "quasi-identifiers")
    _check_columns(data, sensitive_names, "sensitive columns")
    both = [n for n in sensitive_names if n in names]
    if both:
        raise ValueError(
            f"{', '.join(map(repr, both))} cannot be both a quasi-identifier and a sensitive column."
        )
    if not class_values:
        class_keys, _ = _group_keys(data, names)
        class_ids, classes = pd.factorize(class_keys)
        n_classes = len(classes)
        smallest = []
        for column in sensitive_names:
            real = _known(data[column], not_values)
            values, n_values = _codes(data[column])
            pairs = class_ids[real].astype(np.int64) * n_values + values[real]
            if n_classes * n_values <= 4 * len(pairs) + 1024:
                seen = np.flatnonzero(np.bincount(pairs, minlength=0))
            else:
                seen = np.unique(pairs)
            per_class = np.bincount(seen // n_values, minlength=n_classes)
            smallest.append(int(per_class.min()))
        return min(smallest)
    all_classes = data.groupby(names, dropna=False, observed=True, sort=False).size().index
    per_column = []
    for column in sensitive_names:
        real = data[_known(data[column], not_values)]
        distinct = real[[*names, column]].drop_duplicates()
        counts = distinct.groupby(names, dropna=False, observed=True, sort=False).size()
        per_column.append(counts.reindex(all_classes, fill_value=0))
    counts = pd.concat(per_column, axis=1).min(axis=1) if len(per_column) > 1 else per_column[0]
    counts = counts.rename("different_values").astype(np.int64).sort_values(kind="stable")
    ell = int(counts.iloc[0])
    return ell, counts


def attribute_disclosure(
    data: pd.DataFrame,
    quasi_identifiers: str | Sequence[Hashable],
    sensitive: Hashable,
    *,
    not_values: Sequence[object] = NOT_A_VALUE,
) -> pd.DataFrame:
    """For each group of people who look the same, how much it gives away about ``sensitive``.

    k-anonymity stops an intruder finding a person's *row*; this checks
    what they learn about the person anyway, once they know which group
    the person is in (attribute disclosure). One row per equivalence
    class, with:

    * ``people``: how many people are in the group;
    * ``known``: how many of them have a real value (not missing and not
      in ``not_values``, which is "Prefer not to say" unless you say
      otherwise);
    * ``different_values``: how many different real values the group has
      (l-diversity counts these; l is the smallest);
    * ``most_common`` and ``largest_share``: the most common real value
      and its share of the people with a real value. A share of 0.9 means
      an intruder who places someone in this group can guess their value
      and be right 9 times in 10. People who did not answer do not lower
      the share: they probably have the same mix of values as the others.
      (This cap on the largest share is called (alpha, k)-anonymity.)

    Riskiest groups come first. A release is safe for the sensitive
    column only if every group has at least two different real values
    *and* no value has too big a share: agree your limit (this course
    uses 0.75, three people in four) before you look.

    >>> people = pd.DataFrame({"band": ["20-29"] * 4, "status": ["Status A"] * 3 + ["Status B"]})
    >>> report = attribute_disclosure(people, "band", "status")
    >>> int(report["different_values"].min()), float(report["largest_share"].max())
    (2, 0.75)
    """
    data = _check_frame(data, "The table")
    names = _column_list(quasi_identifiers, "quasi_identifiers")
    sensitive_names = _column_list(sensitive, "sensitive")
    if len(sensitive_names) != 1:
        raise ValueError("attribute_disclosure checks one sensitive column at a time; call it once for each.")
    column = sensitive_names[0]
    not_values = _check_not_values(not_values)
    _check_columns(data, names, "quasi-identifiers")
    _check_columns(data, [column], "sensitive columns")
    if column in names:
        raise ValueError(f"{column!r} cannot be both a quasi-identifier and a sensitive column.")
    groups = data.groupby(names, dropna=False, observed=True, sort=False)
    people = groups.size().rename("people")
    real = data[_known(data[column], not_values)]
    value_counts = real.groupby([*names, column], dropna=False, observed=True, sort=False).size()
    report = pd.DataFrame({"people": people})
    if len(value_counts):
        by_class = value_counts.groupby(level=list(range(len(names))), sort=False, dropna=False)
        top = value_counts.sort_values(ascending=False, kind="stable").groupby(
            level=list(range(len(names))), sort=False, dropna=False
        )
        firsts = top.head(1)
        most_common = pd.Series(
            firsts.index.get_level_values(len(names)), index=firsts.index.droplevel(len(names))
        )
        most_people = pd.Series(firsts.to_numpy(), index=most_common.index)
        report["known"] = by_class.sum().reindex(report.index, fill_value=0)
        report["different_values"] = by_class.size().reindex(report.index, fill_value=0)
        report["most_common"] = most_common.reindex(report.index)
        report["most_common_people"] = most_people.reindex(report.index, fill_value=0)
    else:
        report["known"] = 0
        report["different_values"] = 0
        report["most_common"] = None
        report["most_common_people"] = 0
    report[["known", "different_values", "most_common_people"]] = report[
        ["known", "different_values", "most_common_people"]
    ].astype(np.int64)
    report["largest_share"] = (
        report["most_common_people"] / report["known"].where(report["known"] > 0)
    ).round(4)
    order = report.assign(_share=report["largest_share"].fillna(-1.0)).sort_values(
        ["_share", "different_values", "people"], ascending=[False, True, True], kind="stable"
    )
    return order.drop(columns="_share")


def group_disclosure(
    table: pd.DataFrame,
    *,
    not_values: Sequence[object] = NOT_A_VALUE,
) -> pd.DataFrame:
    """Find the rows of a table of counts in which everyone is in one column.

    If every client from one area has the same status (an immigration
    status, a housing situation), the table tells anyone who knows a
    client from that area their status, however big the count is. This is called *group disclosure*,
    and hiding small numbers does not stop it: group the columns (or the
    rows) more, or leave the row out.

    ``table`` is a table of counts before suppression, for example
    ``pd.crosstab(area, clients[sector.status_column])``, with the
    sensitive detail in the columns (use ``table.T`` for the other way
    round). Columns in ``not_values`` ("Prefer not to say" unless you say
    otherwise) are not counted, and nor are "Total" rows and columns.

    Returns one row per problem: ``row``, ``column`` (the value everyone
    shares) and ``people``. An empty result means no row gives its
    people away in this way.

    >>> counts = pd.DataFrame({"Status A": [12, 30], "Status B": [0, 8]}, index=["North", "South"])
    >>> group_disclosure(counts)
         row    column  people
    0  North  Status A      12
    """
    if isinstance(table, pd.Series):
        table = table.to_frame()
    table = _check_frame(table, "The table")
    not_values = _check_not_values(not_values)
    wanted = {_normal(v) for v in not_values}
    keep_rows = [label for label in table.index if not _is_total_label(label)]
    keep_cols = [
        label for label in table.columns if not _is_total_label(label) and _normal(label) not in wanted
    ]
    if not keep_cols:
        raise ValueError("The table has no columns of real values to check.")
    inner = table.loc[keep_rows, keep_cols]
    counts = _counts_matrix(inner)
    row_people = counts.sum(axis=1)
    full = (counts == row_people[:, None]) & (row_people[:, None] > 0)
    rows, cols = np.nonzero(full)
    return pd.DataFrame(
        {
            "row": [inner.index[i] for i in rows],
            "column": [inner.columns[j] for j in cols],
            "people": counts[rows, cols].astype(np.int64),
        }
    )


# --------------------------------------------------------------------------
# Pseudonymisation and generalisation
# --------------------------------------------------------------------------


_WORD = re.compile(r"[A-Z]?[a-z]{4,}")
_VOWELS = set("aeiouyAEIOUY")


def _predictable(text: str) -> int:
    """How many characters of ``text`` are in a pattern that people use and guessers try.

    The patterns: words (four small letters or more, perhaps after a
    capital, with two vowels and with a letter after "f", so that the
    letters a-f of a random hexadecimal key never count, and random
    letters such as "xqzt" seldom do), the same
    character four times or more ("aaaa", "1111"), and runs of four or
    more characters that go up or down by one ("1234", "abcd", "9876").
    """
    marked = np.zeros(len(text), dtype=bool)
    for match in _WORD.finditer(text):
        word = match.group()
        if sum(c in _VOWELS for c in word) >= 2 and any(c.lower() > "f" for c in word):
            marked[match.start() : match.end()] = True
    codes = [ord(c) for c in text]
    for step in (0, 1, -1):
        start = 0
        for i in range(1, len(codes) + 1):
            if i == len(codes) or codes[i] - codes[i - 1] != step:
                if i - start >= 4:
                    marked[start:i] = True
                start = i
    return int(marked.sum())


def _key_bytes(key: object) -> bytes:
    if key is None:
        raise ValueError("pseudonymise needs a secret key, and none was given. " + _KEY_HELP)
    if isinstance(key, str):
        raw = key.strip().encode("utf-8")
    elif isinstance(key, bytes | bytearray):
        raw = bytes(key)
    else:
        raise TypeError(
            f"The secret key must be text or bytes; you gave a {type(key).__name__}. " + _KEY_HELP
        )
    if not raw:
        raise ValueError(
            "The secret key is empty. If you read it from an environment variable or a file, "
            "check that it is set and that the file is not empty. " + _KEY_HELP
        )
    if len(raw) < MIN_KEY_BYTES:
        raise ValueError(
            f"The secret key is too short ({len(raw)} characters); use at least {MIN_KEY_BYTES}, "
            "so that nobody can guess it. " + _KEY_HELP
        )
    text = raw.decode("latin-1")
    if len(set(text)) < MIN_KEY_DIFFERENT:
        raise ValueError(
            f"The secret key is too easy to guess: it uses only {len(set(text))} different characters "
            f"(a key needs at least {MIN_KEY_DIFFERENT}). " + _KEY_HELP
        )
    patterned = _predictable(text)
    if patterned * 2 > len(text) or len(text) - patterned < MIN_KEY_RANDOM:
        raise ValueError(
            "The secret key is too easy to guess: it is made of words, repeated characters or "
            f"sequences such as 1234 ({patterned} of its {len(text)} characters are part of such a "
            "pattern). People think up keys that other people can guess, such as the charity's "
            "name and the year: let the computer make the key. (A short key the computer made "
            "can look like words by chance: make a longer one.) " + _KEY_HELP
        )
    return raw


def pseudonymise(
    values: pd.Series | Sequence[object],
    key: str | bytes,
    *,
    length: int | None = None,
) -> pd.Series:
    """Replace each value with a code made from it and a secret key (HMAC-SHA256).

    The same value and the same key always give the same code, so you
    can still count and join records. Without the key, nobody can turn a
    code back into the value, even by trying every possible phone number.
    With a different key, the codes are completely different.

    Keep the key secret: whoever has it can recreate the codes, and can
    undo them by making the code of every possible value (a phone number
    has only so many). So the result is still personal data for you (it
    is *pseudonymised*, not anonymous), and sending the key with the
    codes, or to a partner, is sending personal data. To link with a
    partner, let a trusted third party hold the key. Use a new key for
    each release: codes made with the same key link the releases to
    each other. There is no default key on purpose.

    The key must be made by a computer, for example with
    ``secrets.token_hex(32)``. A key a person thinks up is refused: one
    shorter than 16 characters, one with fewer than 10 different
    characters, and one made mostly of words, repeated characters or
    sequences such as "1234" (more than half of it, or all but 12
    characters), such as ``"password12345678"`` or the charity's name
    and the year.

    Clean values first: ``"07700 900123"`` and ``"07700900123"`` are
    different text and give different codes, and so do the numbers
    ``12345`` and ``12345.0``. Missing values stay missing.
    ``length`` keeps only the first characters of each code (at least 8).

    >>> pseudonymise(pd.Series(["C00001"]), key="9f2c4e7a1b8d6f3e0a5c2b9d", length=12).str.len().tolist()
    [12]
    """
    raw_key = _key_bytes(key)
    if length is not None:
        length = _check_whole_number(length, "length", minimum=8)
        if length > 64:
            raise ValueError(f"length can be at most 64 (the full code); you gave {length}.")
    if isinstance(values, pd.DataFrame):
        raise TypeError("pseudonymise works on one column at a time, for example `clients['phone']`.")
    if isinstance(values, str | bytes):
        raise TypeError("pseudonymise works on a column of values, not a single text. Put it in a list.")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype="object")
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    base = hmac.new(raw_key, digestmod=hashlib.sha256)
    digests = []
    for value in uniques:
        mac = base.copy()
        mac.update(str(value).encode("utf-8"))
        digests.append(mac.hexdigest()[:length] if length else mac.hexdigest())
    lookup = np.array([*digests, None], dtype=object)
    result = pd.Series(lookup[codes], index=series.index, name=series.name, dtype="str")
    return result


def _age_labels(lowers: list[int], top_open: bool) -> list[str]:
    labels = [f"{lo}-{hi - 1}" for lo, hi in zip(lowers[:-1], lowers[1:], strict=True)]
    if top_open:
        labels.append(f"{lowers[-1]}+")
    return labels


def generalise_age(
    ages: pd.Series | Sequence[float],
    width: int = 10,
    *,
    top: int | None = 80,
    edges: Sequence[int] | None = None,
) -> pd.Series:
    """Turn exact ages into age bands, such as "30-39" and "80+".

    By default the bands are 10 years wide (0-9, 10-19, ...) and everyone
    aged ``top`` or more shares one band ("80+"), because very old ages
    are rare and so easy to spot. ``top=None`` means no open top band.

    Or give your own band starts in ``edges``, for example
    ``edges=[0, 18, 25, 35, 50, 65]`` for 0-17, 18-24, 25-34, 35-49,
    50-64 and 65+.

    Returns an ordered category column with the same index as ``ages``.
    Missing ages stay missing.

    >>> generalise_age(pd.Series([4, 19, 35, 91])).tolist()
    ['0-9', '10-19', '30-39', '80+']
    """
    if isinstance(ages, pd.DataFrame):
        raise TypeError("generalise_age works on one column of ages, for example `clients['age']`.")
    series = ages if isinstance(ages, pd.Series) else pd.Series(list(ages))
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        converted = pd.to_numeric(series, errors="coerce")
        bad = series[converted.isna() & series.notna()]
        if len(bad):
            raise ValueError(
                f"Ages must be numbers; {bad.iloc[0]!r} is not. Convert the column with "
                "`pd.to_numeric(..., errors='coerce')` and check the values that become blank."
            )
        series = converted
    numbers = series.astype("Float64")
    if (numbers < 0).any():
        raise ValueError(f"An age cannot be negative; this column has {numbers.min()}.")

    if edges is not None:
        lowers = [_check_whole_number(e, "each band start in edges", minimum=0) for e in edges]
        if not lowers:
            raise ValueError(
                "edges is empty. Give the start of each band, for example [0, 18, 25, 35, 50, 65]."
            )
        if any(b <= a for a, b in zip(lowers, lowers[1:], strict=False)):
            raise ValueError(
                f"The band starts in edges must go up, each bigger than the last; you gave {lowers}."
            )
        if numbers.notna().any() and numbers.min() < lowers[0]:
            raise ValueError(
                f"Some ages ({numbers.min()}) are below your first band, which starts at {lowers[0]}. "
                "Start edges at 0, or remove those people first."
            )
        top_open = True
    else:
        width = _check_whole_number(width, "width", minimum=1)
        if top is None:
            oldest = int(numbers.max()) if numbers.notna().any() else 0
            lowers = list(range(0, oldest + width + 1, width))
            top_open = False
        else:
            top = _check_whole_number(top, "top", minimum=1)
            if top % width:
                raise ValueError(
                    f"top ({top}) must be a multiple of width ({width}), so that every band is the same size."
                )
            lowers = list(range(0, top + 1, width))
            top_open = True

    labels = _age_labels(lowers, top_open)
    bins = [*lowers, np.inf] if top_open else lowers
    banded = pd.cut(numbers.to_numpy(dtype="float64", na_value=np.nan), bins=bins, right=False, labels=labels)
    return pd.Series(banded, index=series.index, name=series.name)


__all__ = [
    "MIN_KEY_BYTES",
    "NOT_A_VALUE",
    "attribute_disclosure",
    "group_disclosure",
    "hidden_cell_ranges",
    "generalise_age",
    "k_anonymity",
    "l_diversity",
    "pseudonymise",
    "round_to_base",
    "suppress_small_counts",
]
