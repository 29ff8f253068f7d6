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

import datawithcare
from datawithcare.privacy import (
    MIN_KEY_BYTES,
    generalise_age,
    k_anonymity,
    l_diversity,
    pseudonymise,
    round_to_base,
    suppress_small_counts,
)

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
        k_anonymity(small_release(), 3)


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


keys = st.text(alphabet=string.ascii_letters + string.digits, min_size=MIN_KEY_BYTES, max_size=40)


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
