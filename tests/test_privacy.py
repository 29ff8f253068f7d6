"""Tests for datawithcare.privacy: small-count suppression, rounding,
k-anonymity, l-diversity, pseudonymisation and age bands.

Property-based tests (hypothesis) check the promises each function makes
on many random tables; the answers are worked out independently, in
plain Python, never copied from the function under test.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linprog

import datawithcare
from datawithcare.datasets import course_sector
from datawithcare.privacy import (
    MIN_KEY_BYTES,
    attribute_disclosure,
    generalise_age,
    group_disclosure,
    hidden_cell_ranges,
    k_anonymity,
    l_diversity,
    pseudonymise,
    round_to_base,
    suppress_small_counts,
)

#: The label for the boroughs outside the top six, as on the spreadsheet companion's page.
OTHER_AREAS = f"Other {course_sector().city} boroughs"

KEY = "b7c1e0f2a9d84c51a3e6f0d2c4b8a917"
OTHER_KEY = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------
# suppress_small_counts
# --------------------------------------------------------------------------


def borough_table(values: list[list[int]]) -> pd.DataFrame:
    boroughs = ["Hackney", "Newham", "Tower Hamlets", "Brent", "Ealing", "Lambeth"][: len(values)]
    issues = ["Housing", "Welfare benefits", "Employment", "Health access", "Destitution"][: len(values[0])]
    return pd.DataFrame(
        values, index=pd.Index(boroughs, name="borough"), columns=pd.Index(issues, name="issue")
    )


def hidden_lines(result: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Number of hidden entries in each row and each column of a result."""
    hidden = result.isna().to_numpy()
    return hidden.sum(axis=1), hidden.sum(axis=0)


def test_primary_and_secondary_suppression_small_example():
    table = borough_table([[12, 3], [20, 15]])
    result = suppress_small_counts(table, threshold=10)
    assert list(result.index) == ["Hackney", "Newham", "Total"]
    assert list(result.columns) == ["Housing", "Welfare benefits", "Total"]
    assert result.index.name == "borough" and result.columns.name == "issue"
    # 3 is hidden (primary). It sits in Hackney's row and in the Welfare
    # benefits column, so the smallest visible number in each is hidden
    # too (12 and 15), and then 20, the partner of 12 in the Housing column.
    assert pd.isna(result.loc["Hackney", "Welfare benefits"])
    assert pd.isna(result.loc["Hackney", "Housing"])
    assert pd.isna(result.loc["Newham", "Welfare benefits"])
    assert pd.isna(result.loc["Newham", "Housing"])
    assert result.loc["Total", "Total"] == 50
    assert result.loc["Hackney", "Total"] == 15
    assert result.loc["Total", "Housing"] == 32


def test_nothing_hidden_when_every_count_is_big_enough():
    table = borough_table([[12, 30], [20, 15]])
    result = suppress_small_counts(table, threshold=10)
    assert not result.isna().any().any()
    assert result.loc["Total", "Total"] == 77
    assert result.dtypes.eq("Int64").all()


def test_zeros_stay_visible_unless_asked():
    table = borough_table([[0, 30, 40], [20, 15, 12]])
    assert suppress_small_counts(table).loc["Hackney", "Housing"] == 0
    hidden = suppress_small_counts(table, suppress_zeros=True)
    assert pd.isna(hidden.loc["Hackney", "Housing"])
    row_counts, col_counts = hidden_lines(hidden)
    assert 1 not in row_counts and 1 not in col_counts


def test_small_totals_are_hidden_too():
    table = borough_table([[2, 3], [40, 50]])
    result = suppress_small_counts(table, threshold=10)
    assert pd.isna(result.loc["Hackney", "Total"]), "a row total of 5 is a small count as well"


def test_without_totals_only_primary_suppression():
    table = borough_table([[12, 3], [20, 15]])
    result = suppress_small_counts(table, threshold=10, totals=False)
    assert result.shape == table.shape
    assert result.isna().to_numpy().tolist() == [[False, True], [False, False]]


def test_crosstab_of_categories_and_series_input():
    people = pd.DataFrame(
        {
            "borough": pd.Categorical(["Hackney"] * 12 + ["Newham"] * 4),
            "status": pd.Categorical(["Refugee status"] * 14 + ["Ukraine scheme"] * 2),
        }
    )
    result = suppress_small_counts(pd.crosstab(people["borough"], people["status"]))
    assert "Total" in result.index and "Total" in result.columns
    one_way = suppress_small_counts(people["borough"].value_counts())
    assert pd.isna(one_way.loc["Newham"]).all(), "Newham's 4 and its equal total must both be hidden"


def test_multiindex_rows_get_a_total_row():
    table = pd.DataFrame(
        [[12, 30], [20, 15]],
        index=pd.MultiIndex.from_tuples(
            [("Hackney", "Woman"), ("Hackney", "Man")], names=["borough", "gender"]
        ),
        columns=["Housing", "Employment"],
    )
    result = suppress_small_counts(table)
    assert result.index[-1] == ("Total", "")
    assert result.loc[("Total", ""), "Total"] == 77


@pytest.mark.parametrize(
    ("table", "words"),
    [
        (pd.DataFrame(), "no rows"),
        (pd.DataFrame({"Housing": ["12", "3"]}), "not numbers: 'Housing'"),
        (pd.DataFrame({"Housing": [True, False]}), "not numbers"),
        (pd.DataFrame({"Housing": [12.0, np.nan]}), "missing"),
        (pd.DataFrame({"Housing": [12, -3]}), "negative"),
        (pd.DataFrame({"Housing": [12.5, 3.0]}), "whole number"),
        (pd.DataFrame({"Housing": [12, 3], "All": [12, 3]}), "already has totals"),
        (pd.DataFrame({"Housing": [12, 3]}, index=["Hackney", "Total"]), "already has totals"),
    ],
)
def test_suppress_bad_tables_give_clear_messages(table, words):
    with pytest.raises(ValueError, match=words):
        suppress_small_counts(table)


@pytest.mark.parametrize("threshold", [0, -5, 2.5, "10", True, None])
def test_suppress_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold must be a whole number"):
        suppress_small_counts(borough_table([[12, 3]]), threshold=threshold)


def test_suppress_refuses_a_list():
    with pytest.raises(TypeError, match="DataFrame"):
        suppress_small_counts([[12, 3]])


count_tables = hnp.arrays(
    dtype=np.int64,
    shape=hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
    elements=st.integers(min_value=0, max_value=40),
)


@FAST
@given(values=count_tables, threshold=st.integers(min_value=1, max_value=15), zeros=st.booleans())
def test_property_suppression_is_safe_and_truthful(values, threshold, zeros):
    table = pd.DataFrame(values, columns=[f"issue {j}" for j in range(values.shape[1])])
    result = suppress_small_counts(table, threshold=threshold, suppress_zeros=zeros)

    # The full table, with totals, worked out independently.
    full = np.zeros((values.shape[0] + 1, values.shape[1] + 1), dtype=np.int64)
    full[:-1, :-1] = values
    full[:-1, -1] = values.sum(axis=1)
    full[-1, :-1] = values.sum(axis=0)
    full[-1, -1] = values.sum()
    shown = result.to_numpy(dtype="float64", na_value=np.nan)
    visible = ~np.isnan(shown)

    # Every visible number is the true number.
    assert (shown[visible] == full[visible]).all()
    # No visible number (cell or total) is below the threshold (zeros may show unless suppressed).
    lowest_allowed = 0 if zeros else 1
    small = (full >= lowest_allowed) & (full < threshold)
    if not zeros:
        small &= full > 0
    assert not (visible & small).any()
    # No row or column (each adds up to its total) has exactly one hidden number.
    rows, cols = hidden_lines(result)
    assert 1 not in rows.tolist()
    assert 1 not in cols.tolist()


@FAST
@given(values=count_tables, threshold=st.integers(min_value=1, max_value=15))
def test_property_without_totals_hides_exactly_the_small_counts(values, threshold):
    table = pd.DataFrame(values)
    result = suppress_small_counts(table, threshold=threshold, totals=False)
    expected_hidden = (values > 0) & (values < threshold)
    assert (result.isna().to_numpy() == expected_hidden).all()


def independent_ranges(result: pd.DataFrame) -> dict[tuple[int, int], tuple[float, float]]:
    """What a reader can work out about each hidden cell, from the published table alone.

    One variable for every cell of the table (totals included); shown
    cells are fixed by their bounds; every row and every column adds up
    to its total. Written apart from the helper's own audit.
    """
    shown = result.to_numpy(dtype="float64", na_value=np.nan)
    n_rows, n_cols = shown.shape
    size = n_rows * n_cols

    def var(i: int, j: int) -> int:
        return i * n_cols + j

    a_eq, b_eq = [], []
    for i in range(n_rows):
        row = np.zeros(size)
        for j in range(n_cols - 1):
            row[var(i, j)] = 1
        row[var(i, n_cols - 1)] = -1
        a_eq.append(row)
        b_eq.append(0)
    for j in range(n_cols):
        col = np.zeros(size)
        for i in range(n_rows - 1):
            col[var(i, j)] = 1
        col[var(n_rows - 1, j)] = -1
        a_eq.append(col)
        b_eq.append(0)
    bounds = [(0, None) if np.isnan(v) else (v, v) for v in shown.ravel()]
    ranges = {}
    for i, j in np.argwhere(np.isnan(shown)):
        c = np.zeros(size)
        c[var(i, j)] = 1
        low = linprog(c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds, method="highs")
        assert low.status == 0, "the true table is a solution, so the minimum exists"
        ranges[(int(i), int(j))] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return ranges


def old_row_and_column_rule(values: np.ndarray, threshold: int) -> pd.DataFrame:
    """What the helper used to publish: hide small counts, then partners until no line has one hidden."""
    full = np.zeros((values.shape[0] + 1, values.shape[1] + 1))
    full[:-1, :-1] = values
    full[:-1, -1] = values.sum(axis=1)
    full[-1, :-1] = values.sum(axis=0)
    full[-1, -1] = values.sum()
    hidden = (full > 0) & (full < threshold)
    while True:
        changed = False
        for i in range(full.shape[0]):
            if hidden[i].sum() == 1:
                j = min((full[i, j], j) for j in range(full.shape[1]) if not hidden[i, j])[1]
                hidden[i, j] = changed = True
        for j in range(full.shape[1]):
            if hidden[:, j].sum() == 1:
                i = min((full[i, j], i) for i in range(full.shape[0]) if not hidden[i, j])[1]
                hidden[i, j] = changed = True
        if not changed:
            return pd.DataFrame(np.where(hidden, np.nan, full))


# A 2 x 2 block of small counts (Hackney and Newham, Housing and Benefits)
# closes on itself: every row and column has two hidden numbers, yet
# Housing + Benefits is known for each borough and each issue is known
# for the two boroughs together, so the block can move by only 1 + 2.
CLOSED_BLOCK = [[1, 2, 40], [2, 1, 35], [30, 25, 20]]
# A table where the old rule left a hidden count that anyone can work out exactly.
EXACTLY_RECOVERABLE = [
    [4, 26, 24, 23, 2],
    [38, 2, 15, 27, 15],
    [15, 14, 13, 20, 8],
    [28, 36, 17, 37, 17],
    [38, 7, 10, 21, 17],
]


def test_closed_block_was_narrow_and_now_is_protected():
    values = np.array(CLOSED_BLOCK)
    before = independent_ranges(old_row_and_column_rule(values, 10))
    assert min(high - low for low, high in before.values()) == 3, "the old rule let a reader pin the block"
    result = suppress_small_counts(borough_table(CLOSED_BLOCK), threshold=10)
    after = independent_ranges(result)
    assert after, "the small counts are still hidden"
    assert all(high - low >= 10 for low, high in after.values())
    assert pd.isna(result.iloc[0, 0]) and pd.isna(result.iloc[1, 1])


def test_old_rule_left_a_count_recoverable_exactly():
    values = np.array(EXACTLY_RECOVERABLE)
    before = independent_ranges(old_row_and_column_rule(values, 10))
    assert min(high - low for low, high in before.values()) == 0
    table = pd.DataFrame(values, columns=[f"issue {j}" for j in range(values.shape[1])])
    after = independent_ranges(suppress_small_counts(table, threshold=10))
    assert min(high - low for low, high in after.values()) >= 10


def test_hidden_cell_ranges_reports_what_a_reader_can_work_out():
    published = old_row_and_column_rule(np.array(CLOSED_BLOCK), 10)
    published.index = ["Hackney", "Newham", "Brent", "Total"]
    published.columns = ["Housing", "Benefits", "Employment", "Total"]
    report = hidden_cell_ranges(published)
    assert list(report.columns) == ["row", "column", "lowest", "highest", "width"]
    first = report.set_index(["row", "column"]).loc[("Hackney", "Housing")]
    assert (first["lowest"], first["highest"]) == (0, 3), "Hackney's Housing count lies between 0 and 3"
    assert report["width"].is_monotonic_increasing, "narrowest first"
    expected = independent_ranges(published)
    for row in report.itertuples():
        i, j = published.index.get_loc(row.row), published.columns.get_loc(row.column)
        assert (row.lowest, row.highest) == pytest.approx(expected[(i, j)])


def test_hidden_cell_ranges_bad_input():
    with pytest.raises(ValueError, match="total row and a total column"):
        hidden_cell_ranges(borough_table([[12, 3], [20, 15]]))
    shown = suppress_small_counts(borough_table([[12, 3], [20, 15]])).astype("string").fillna("[c]")
    with pytest.raises(ValueError, match="before you replace hidden numbers"):
        hidden_cell_ranges(shown)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=count_tables, threshold=st.integers(min_value=2, max_value=12), zeros=st.booleans())
def test_property_no_hidden_number_can_be_worked_out(values, threshold, zeros):
    table = pd.DataFrame(values, columns=[f"issue {j}" for j in range(values.shape[1])])
    result = suppress_small_counts(table, threshold=threshold, suppress_zeros=zeros)
    for (i, j), (low, high) in independent_ranges(result).items():
        assert high - low >= threshold, (
            f"cell {(i, j)} is pinned between {low:g} and {high:g} by the published numbers"
        )


# --------------------------------------------------------------------------
# round_to_base
# --------------------------------------------------------------------------


def test_round_to_base_examples():
    assert round_to_base(pd.Series([0, 2, 3, 12, 13, 127])).tolist() == [0, 0, 5, 10, 15, 125]
    assert round_to_base(7, base=10) == 10
    assert round_to_base(4, base=10) == 0
    assert round_to_base(2.5) == 5


def test_round_to_base_keeps_hidden_cells_hidden():
    table = suppress_small_counts(borough_table([[12, 3], [20, 15]]))
    rounded = round_to_base(table, base=5)
    assert (rounded.isna() == table.isna()).all().all()
    assert rounded.loc["Total", "Total"] == 50
    assert rounded.dtypes.eq("Int64").all()


@pytest.mark.parametrize("base", [0, -5, 2.5, "5", None])
def test_round_to_base_bad_base(base):
    with pytest.raises(ValueError, match="base must be a whole number"):
        round_to_base(pd.Series([1, 2]), base=base)


def test_round_to_base_bad_values():
    with pytest.raises(ValueError, match="not numbers: 'borough'"):
        round_to_base(pd.DataFrame({"borough": ["Hackney"], "count": [3]}))
    with pytest.raises(TypeError, match="a number, a Series or a DataFrame"):
        round_to_base("12")


@FAST
@given(
    values=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=50),
    base=st.integers(min_value=1, max_value=100),
)
def test_property_round_to_base_gives_nearest_multiple(values, base):
    rounded = round_to_base(pd.Series(values), base=base)
    for before, after in zip(values, rounded.tolist(), strict=True):
        assert after % base == 0
        assert abs(after - before) <= base / 2
        assert round_to_base(before, base=base) == after


# --------------------------------------------------------------------------
# k_anonymity and l_diversity
# --------------------------------------------------------------------------


def small_release() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age_band": ["20-29", "20-29", "20-29", "30-39", "30-39", "40-49"],
            "gender": ["Woman", "Woman", "Woman", "Man", "Man", "Woman"],
            "borough": ["Hackney"] * 6,
            "immigration_status": [
                "Refugee status",
                "Ukraine scheme",
                "Refugee status",
                "Refugee status",
                "Refugee status",
                "Undocumented",
            ],
        }
    )


def test_k_anonymity_small_example():
    release = small_release()
    assert k_anonymity(release, ["age_band", "gender"]) == 1
    assert k_anonymity(release, "borough") == 6
    k, sizes = k_anonymity(release, ["age_band", "gender"], class_sizes=True)
    assert k == 1
    assert sizes.tolist() == [1, 2, 3], "sizes are sorted, smallest first"
    assert sizes.name == "people"
    assert sizes.loc[("20-29", "Woman")] == 3


def test_k_and_l_with_many_distinct_values():
    rng = np.random.default_rng(7)
    n = 5_000
    release = pd.DataFrame(
        {
            "client_ref": rng.integers(0, 3_000, n),
            "postcode_area": rng.integers(0, 2_000, n),
            "arrival_day": rng.integers(0, 1_500, n),
            "status": rng.integers(0, 4, n),
        }
    )
    qis = ["client_ref", "postcode_area", "arrival_day"]
    expected_k = min(Counter(map(tuple, release[qis].to_numpy().tolist())).values())
    assert k_anonymity(release, qis) == expected_k == k_anonymity(release, qis, class_sizes=True)[0]
    assert l_diversity(release, qis, "status") == l_diversity(release, qis, "status", class_values=True)[0]


def test_k_anonymity_counts_blanks_as_a_value():
    release = pd.DataFrame({"gender": ["Woman", None, None, "Woman"]})
    assert k_anonymity(release, "gender") == 2


def test_l_diversity_small_example():
    release = small_release()
    assert l_diversity(release, ["age_band", "gender"], "immigration_status") == 1
    ell, values = l_diversity(release, "borough", "immigration_status", class_values=True)
    assert ell == 3
    assert values.tolist() == [3]
    # Two men aged 30-39 share one status: the group leaks it even with k = 2.
    _, per_class = l_diversity(release, ["age_band", "gender"], "immigration_status", class_values=True)
    assert per_class.loc[("30-39", "Man")] == 1
    assert per_class.loc[("20-29", "Woman")] == 2


def test_l_diversity_several_sensitive_columns_uses_the_smallest():
    release = small_release().assign(outcome=["Resolved"] * 6)
    assert l_diversity(release, "borough", ["immigration_status", "outcome"]) == 1


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda d: k_anonymity(d, ["age_band", "nationality"]), "'nationality'.*The columns are: 'age_band'"),
        (lambda d: k_anonymity(d, []), "is empty"),
        (lambda d: k_anonymity(d, ["gender", "gender"]), "more than once: gender"),
        (lambda d: l_diversity(d, "age_band", "status"), "'status'.*The columns are"),
        (lambda d: l_diversity(d, "age_band", "age_band"), "both a quasi-identifier and a sensitive"),
        (lambda d: k_anonymity(d.iloc[0:0], "gender"), "no rows"),
        (lambda d: l_diversity(d.iloc[0:0], "gender", "immigration_status"), "no rows"),
    ],
)
def test_k_and_l_bad_input_messages(call, words):
    with pytest.raises(ValueError, match=words):
        call(small_release())


def test_k_anonymity_wrong_types():
    with pytest.raises(TypeError, match="not `clients\\['age'\\]`"):
        k_anonymity(small_release()["gender"], "gender")
    with pytest.raises(TypeError, match="column name or a list"):
        k_anonymity(small_release(), {"age_band", "gender"})
    with pytest.raises(TypeError, match="column name or a list"):
        l_diversity(small_release(), None, "immigration_status")


def test_numeric_column_names_work():
    # A table read without a header row has columns 0, 1, 2, ...
    release = pd.DataFrame(small_release().to_numpy())
    assert l_diversity(release, [0], 3) == 1
    assert l_diversity(release, 2, 3) == 3
    assert k_anonymity(release, [0, 1]) == 1
    assert k_anonymity(release, 2) == 6
    assert attribute_disclosure(release, 2, 3)["people"].tolist() == [6]


def test_l_diversity_missing_and_prefer_not_to_say_are_not_values():
    release = pd.DataFrame(
        {
            "band": ["20-29"] * 5 + ["30-39"] * 3,
            "status": ["BN(O) visa"] * 4
            + ["Prefer not to say", "Refugee status", None, " prefer NOT to say "],
        }
    )
    ell, per_class = l_diversity(release, "band", "status", class_values=True)
    assert ell == 1
    assert per_class.to_dict() == {"20-29": 1, "30-39": 1}
    assert l_diversity(release, "band", "status") == 1
    assert l_diversity(release.astype("category"), "band", "status") == 1
    # Counted as answers only if you say so.
    assert l_diversity(release, "band", "status", not_values=[]) == 2
    nobody = release.assign(status=["Prefer not to say"] * 8)
    assert l_diversity(nobody, "band", "status") == 0


def test_attribute_disclosure_small_example():
    release = pd.DataFrame(
        {
            "band": ["20-29"] * 5 + ["30-39"] * 4,
            "status": ["BN(O) visa"] * 4 + ["Prefer not to say"] + ["Refugee status", "Undocumented"] * 2,
        }
    )
    report = attribute_disclosure(release, "band", "status")
    assert list(report.columns) == [
        "people",
        "known",
        "different_values",
        "most_common",
        "most_common_people",
        "largest_share",
    ]
    assert report.index.tolist() == ["20-29", "30-39"], "riskiest group first"
    worst = report.loc["20-29"]
    assert (worst["people"], worst["known"], worst["different_values"]) == (5, 4, 1)
    assert worst["most_common"] == "BN(O) visa" and worst["largest_share"] == 1.0
    assert report.loc["30-39", "largest_share"] == 0.5


def test_group_disclosure_finds_rows_where_everyone_shares_one_column():
    counts = pd.DataFrame(
        {"Refugee status": [12, 30, 0], "Ukraine scheme": [0, 8, 0], "Prefer not to say": [3, 1, 4]},
        index=pd.Index(["Brent", "Newham", "Ealing"], name="borough"),
    )
    found = group_disclosure(counts)
    assert found.to_dict("records") == [{"row": "Brent", "column": "Refugee status", "people": 12}]
    # Counting "Prefer not to say" as a value hides Brent, and flags Ealing instead.
    as_answers = group_disclosure(counts, not_values=[])
    assert as_answers.to_dict("records") == [{"row": "Ealing", "column": "Prefer not to say", "people": 4}]
    with_totals = suppress_small_counts(counts.drop(columns="Prefer not to say"), threshold=1)
    assert group_disclosure(with_totals)["row"].tolist() == ["Brent"], "Total rows and columns are left out"


@FAST
@given(values=count_tables)
def test_property_group_disclosure(values):
    table = pd.DataFrame(values, columns=[f"status {j}" for j in range(values.shape[1])])
    expected = {
        (i, f"status {j}")
        for i in range(values.shape[0])
        for j in range(values.shape[1])
        if values[i].sum() > 0 and values[i, j] == values[i].sum()
    }
    found = group_disclosure(table)
    assert set(zip(found["row"], found["column"], strict=True)) == expected


def test_group_disclosure_bad_input():
    with pytest.raises(ValueError, match="missing"):
        group_disclosure(pd.DataFrame({"Refugee status": [1.0, np.nan]}))
    with pytest.raises(TypeError, match="not_values must be a list"):
        group_disclosure(pd.DataFrame({"Refugee status": [1]}), not_values="Prefer not to say")


person_rows = st.lists(
    st.tuples(
        st.sampled_from(["20-29", "30-39", "40-49"]),
        st.sampled_from(["Woman", "Man", "Non-binary", None]),
        st.sampled_from(["Hackney", "Newham"]),
        st.sampled_from(["Refugee status", "Ukraine scheme", "Undocumented", "Asylum seeker"]),
    ),
    min_size=1,
    max_size=80,
)


@FAST
@given(rows=person_rows, n_qi=st.integers(min_value=1, max_value=3))
def test_property_k_is_the_smallest_group(rows, n_qi):
    columns = ["age_band", "gender", "borough", "immigration_status"]
    release = pd.DataFrame(rows, columns=columns)
    qis = columns[:n_qi]
    groups = Counter(tuple(row[:n_qi]) for row in rows)
    k, sizes = k_anonymity(release, qis, class_sizes=True)
    assert k == min(groups.values())
    assert sorted(sizes.tolist()) == sorted(groups.values())
    assert sizes.sum() == len(rows)
    # The fast path (no class sizes asked for) agrees, for text and for categories.
    assert k_anonymity(release, qis) == k
    assert k_anonymity(release.astype("category"), qis) == k


@FAST
@given(rows=person_rows, n_qi=st.integers(min_value=1, max_value=3))
def test_property_l_is_the_fewest_sensitive_values(rows, n_qi):
    columns = ["age_band", "gender", "borough", "immigration_status"]
    release = pd.DataFrame(rows, columns=columns)
    seen: dict[tuple, set] = defaultdict(set)
    for row in rows:
        seen[tuple(row[:n_qi])].add(row[3])
    ell = l_diversity(release, columns[:n_qi], "immigration_status")
    assert ell == min(len(s) for s in seen.values())
    assert ell <= k_anonymity(release, columns[:n_qi])
    assert l_diversity(release.astype("category"), columns[:n_qi], "immigration_status") == ell
    slow_ell, per_class = l_diversity(release, columns[:n_qi], "immigration_status", class_values=True)
    assert slow_ell == ell
    assert sorted(per_class.tolist()) == sorted(len(s) for s in seen.values())


@FAST
@given(
    rows=person_rows, n_qi=st.integers(min_value=1, max_value=3), blanks=st.lists(st.booleans(), max_size=80)
)
def test_property_attribute_disclosure_counts_real_values(rows, n_qi, blanks):
    columns = ["age_band", "gender", "borough", "immigration_status"]
    # Some statuses become "Prefer not to say" or missing.
    rows = [
        (*row[:3], ("Prefer not to say" if position % 2 else None) if blank else row[3])
        for position, (row, blank) in enumerate(zip(rows, blanks + [False] * len(rows), strict=False))
    ]
    release = pd.DataFrame(rows, columns=columns)
    qis = columns[:n_qi]
    groups: dict[tuple, list] = defaultdict(list)
    for row in rows:
        groups[row[:n_qi]].append(row[3])
    report = attribute_disclosure(release, qis, "immigration_status").reset_index()
    found = {
        tuple(None if pd.isna(v) else v for v in line[:n_qi]): line[n_qi:]
        for line in report.itertuples(index=False, name=None)
    }
    assert set(found) == set(groups)
    for key, statuses in groups.items():
        people, known, different, most_common, _, share = found[key]
        real = [s for s in statuses if s is not None and s != "Prefer not to say"]
        assert (people, known, different) == (len(statuses), len(real), len(set(real)))
        if real:
            top = max(Counter(real).values())
            assert share == pytest.approx(top / len(real), abs=1e-4)
            assert Counter(real)[most_common] == top
        else:
            assert pd.isna(share)
    assert l_diversity(release, qis, "immigration_status") == report["different_values"].min()


# --------------------------------------------------------------------------
# pseudonymise
# --------------------------------------------------------------------------


def test_pseudonymise_matches_hmac_sha256():
    phones = pd.Series(["07700 900123", "07700 900456", "07700 900123"], name="phone", index=[10, 11, 12])
    codes = pseudonymise(phones, KEY)
    expected = hmac.new(KEY.encode(), b"07700 900123", hashlib.sha256).hexdigest()
    assert codes.loc[10] == expected
    assert codes.loc[10] == codes.loc[12]
    assert codes.loc[10] != codes.loc[11]
    assert codes.name == "phone" and list(codes.index) == [10, 11, 12]
    # A plain SHA-256 (no key) gives a different code: the key matters.
    assert codes.loc[10] != hashlib.sha256(b"07700 900123").hexdigest()


def test_pseudonymise_keeps_blanks_and_shortens():
    codes = pseudonymise(["C00001", None, "C00002"], KEY, length=12)
    assert codes.isna().tolist() == [False, True, False]
    assert codes.dropna().str.len().tolist() == [12, 12]
    assert pseudonymise([12345], KEY).iloc[0] == pseudonymise(["12345"], KEY).iloc[0]
    assert pseudonymise(["C00001"], KEY.encode()).iloc[0] == pseudonymise(["C00001"], KEY).iloc[0]


@pytest.mark.parametrize(
    ("key", "words"),
    [
        (None, "needs a secret key"),
        ("", "key is empty"),
        ("   ", "key is empty"),
        (b"", "key is empty"),
        ("short", "too short"),
        ("x" * (MIN_KEY_BYTES - 1), "too short"),
        ("a" * 16, "only 1 different characters"),
        ("password12345678", "too easy to guess"),
        ("PASSWORD12345678", "too easy to guess"),
        ("riverside-refugee-action-2026", "too easy to guess"),  # the key lesson 8b guesses
        ("".join(course_sector().organisation.split()) + "2026", "too easy to guess"),
        ("practice-only-key-for-exercise-8-never-use-for-real-data", "too easy to guess"),
        ("0123456789abcdefghij", "too easy to guess"),
    ],
)
def test_pseudonymise_refuses_missing_or_weak_keys(key, words):
    with pytest.raises(ValueError, match=words) as info:
        pseudonymise(["07700 900123"], key)
    assert "DATAWITHCARE_SECRET_KEY" in str(info.value), "the message says where to keep a key"


def test_pseudonymise_has_no_default_key():
    with pytest.raises(TypeError):
        pseudonymise(["07700 900123"])  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("values", "key", "kwargs", "error", "words"),
    [
        (["a"], 12345678901234567890, {}, TypeError, "text or bytes"),
        ("07700 900123", KEY, {}, TypeError, "not a single text"),
        (pd.DataFrame({"phone": ["1"]}), KEY, {}, TypeError, "one column at a time"),
        (["a"], KEY, {"length": 4}, ValueError, "length must be a whole number, 8 or more"),
        (["a"], KEY, {"length": 65}, ValueError, "at most 64"),
    ],
)
def test_pseudonymise_bad_input(values, key, kwargs, error, words):
    with pytest.raises(error, match=words):
        pseudonymise(values, key, **kwargs)


# Keys made by a computer: random bytes written as hexadecimal, as secrets.token_hex does.
keys = st.integers(min_value=0, max_value=2**63).map(lambda seed: np.random.default_rng(seed).bytes(32).hex())


def test_keys_made_by_a_computer_are_accepted():
    rng = np.random.default_rng(2026)
    for _ in range(3_000):
        for key in (rng.bytes(32).hex(), rng.bytes(16).hex()):
            assert pseudonymise(["07700 900123"], key).notna().all()
    # Random text from letters and digits, as secrets.token_urlsafe makes it: 43 characters
    # (token_urlsafe(32)) and the shortest such key the course accepts, 22 (token_urlsafe(16)).
    # Random small letters look like words now and then; one key in 200 refused is the most.
    alphabet = np.array(list(string.ascii_letters + string.digits + "-_"))
    refused = sum(1 for _ in range(2_000) if _is_refused("".join(rng.choice(alphabet, size=43))))
    assert refused <= 2, f"{refused} of 2,000 random keys of 43 characters were refused"
    refused = sum(1 for _ in range(4_000) if _is_refused("".join(rng.choice(alphabet, size=22))))
    assert refused <= 20, f"{refused} of 4,000 random keys of 22 characters were refused"


def _is_refused(key: str) -> bool:
    try:
        pseudonymise(["x"], key)
    except ValueError:
        return True
    return False


@FAST
@given(
    values=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20),
    key_a=keys,
    key_b=keys,
)
def test_property_pseudonymise_deterministic_per_key_and_differs_between_keys(values, key_a, key_b):
    first = pseudonymise(values, key_a)
    assert first.tolist() == pseudonymise(values, key_a).tolist()
    # Equal values get equal codes, different values different codes.
    assert len(set(first)) == len(set(values))
    if key_a != key_b:
        other = pseudonymise(values, key_b)
        assert all(a != b for a, b in zip(first, other, strict=True))


# --------------------------------------------------------------------------
# generalise_age
# --------------------------------------------------------------------------


def test_generalise_age_default_bands():
    bands = generalise_age(pd.Series([4, 19, 35, 80, 91, None], index=list("abcdef"), name="age"))
    assert bands.iloc[:5].tolist() == ["0-9", "10-19", "30-39", "80+", "80+"]
    assert pd.isna(bands.iloc[5])
    assert list(bands.index) == list("abcdef") and bands.name == "age"
    assert bands.cat.ordered
    assert list(bands.cat.categories)[-1] == "80+"


def test_generalise_age_edges_and_width():
    bands = generalise_age([17, 18, 24, 25, 64, 65, 70], edges=[0, 18, 25, 35, 50, 65])
    assert bands.tolist() == ["0-17", "18-24", "18-24", "25-34", "50-64", "65+", "65+"]
    five = generalise_age([21, 24, 25], width=5, top=None)
    assert five.tolist() == ["20-24", "20-24", "25-29"]
    assert generalise_age(["34", "40"]).tolist() == ["30-39", "40-49"]


@pytest.mark.parametrize(
    ("ages", "kwargs", "words"),
    [
        ([20, -1], {}, "cannot be negative"),
        (["twenty"], {}, "'twenty' is not"),
        ([20], {"width": 0}, "width must be a whole number"),
        ([20], {"top": 75}, "multiple of width"),
        ([10, 20], {"edges": [16, 25]}, "below your first band"),
        ([20], {"edges": [0, 25, 18]}, "must go up"),
        ([20], {"edges": []}, "edges is empty"),
    ],
)
def test_generalise_age_bad_input(ages, kwargs, words):
    with pytest.raises(ValueError, match=words):
        generalise_age(ages, **kwargs)


@FAST
@given(
    ages=st.lists(st.integers(min_value=0, max_value=110), min_size=1, max_size=40),
    width=st.sampled_from([1, 5, 10, 20]),
)
def test_property_each_age_lands_in_its_band(ages, width):
    bands = generalise_age(ages, width=width, top=80)
    for age, band in zip(ages, bands, strict=True):
        if band.endswith("+"):
            assert age >= int(band[:-1]) == 80
        else:
            low, high = (int(x) for x in band.split("-"))
            assert low <= age <= high and high - low + 1 == width and low < 80


# --------------------------------------------------------------------------
# Package level
# --------------------------------------------------------------------------


def test_public_names_at_top_level():
    for name in [
        "suppress_small_counts",
        "round_to_base",
        "k_anonymity",
        "l_diversity",
        "pseudonymise",
        "generalise_age",
    ]:
        assert name in datawithcare.__all__
        assert getattr(datawithcare, name) is getattr(datawithcare.privacy, name)


# --------------------------------------------------------------------------
# On the shipped data, as the lessons use it
# --------------------------------------------------------------------------


def test_shipped_table_of_lesson_8a_passes_the_interval_audit():
    clients = datawithcare.load_dataset("clients")
    top = clients["borough"].value_counts().head(6).index
    area = clients["borough"].astype(str).where(clients["borough"].isin(top), OTHER_AREAS)
    status = datawithcare.course_sector().status_column
    protected = suppress_small_counts(pd.crosstab(area, clients[status]), threshold=10)
    ranges = independent_ranges(protected)
    assert ranges, "the shipped table has small counts to hide"
    assert min(high - low for low, high in ranges.values()) >= 10


def test_shipped_releases_attribute_check():
    keys = ["age_band", "gender", "nationality_group", "sub_region", "arrival_period"]
    status = datawithcare.course_sector().status_column
    safe = attribute_disclosure(datawithcare.load_dataset("safe_release"), keys, status)
    assert safe["people"].min() >= 5
    assert safe["different_values"].min() >= 2
    assert safe["largest_share"].max() <= 0.75
    careless = datawithcare.load_dataset("careless_release")
    exact = attribute_disclosure(careless, ["age", "gender", "nationality", "borough"], status)
    assert (exact["largest_share"] == 1).sum() > 100, "the careless release gives many statuses away"
