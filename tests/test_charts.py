"""The chart helpers that keep plumbing out of lessons 7a, 7b and 9a."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from datawithcare import charts


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_year_ticks_label_each_year_once() -> None:
    dates = pd.date_range("2023-01-01", "2025-12-01", freq="QS")
    fig, ax = plt.subplots()
    ax.plot(dates, np.arange(len(dates)))
    charts.year_ticks(ax)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert {"2023", "2024", "2025"} <= set(labels)
    assert len(labels) == len(set(labels)), labels


def test_small_multiples_gives_one_panel_per_chart_and_hides_the_rest() -> None:
    fig, axes = charts.small_multiples(7, ncols=3)
    assert len(axes) == 7
    hidden = [ax for ax in fig.axes if not ax.get_visible()]
    assert len(fig.axes) == 9 and len(hidden) == 2
    assert all(ax.get_visible() for ax in axes)
    # The panels share both axes, so a small dip and a large fall look different.
    axes[0].set_ylim(0, 100)
    assert axes[6].get_ylim() == (0, 100)


def test_small_multiples_with_fewer_charts_than_columns() -> None:
    fig, axes = charts.small_multiples(2, ncols=3)
    assert len(axes) == 2 and len(fig.axes) == 2


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_small_multiples_refuses_a_bad_number(bad) -> None:
    with pytest.raises(ValueError, match="whole number"):
        charts.small_multiples(bad)


def test_label_line_end_writes_the_name_after_the_last_point() -> None:
    line = pd.Series([3, 5, np.nan], index=[1, 2, 3], name="Housing")
    fig, ax = plt.subplots()
    ax.plot(line.index, line.to_numpy())
    charts.label_line_end(ax, line)
    (text,) = ax.texts
    assert text.get_text().strip() == "Housing"
    assert text.xy == (2, 5), "The label goes at the last point that has a value."
    with pytest.raises(ValueError, match="no points"):
        charts.label_line_end(ax, pd.Series([np.nan], name="Empty"))


def test_mark_misleading_stamps_the_chart_in_2d_and_3d() -> None:
    fig = plt.figure()
    flat = fig.add_subplot(1, 2, 1)
    deep = fig.add_subplot(1, 2, 2, projection="3d")
    for ax in (flat, deep):
        charts.mark_misleading(ax)
        assert [t.get_text() for t in ax.texts] == ["MISLEADING"]


def test_histograms_side_by_side_in_percent_of_each_group() -> None:
    small = pd.Series([1, 1, 2, np.nan])
    large = pd.Series([1, 2, 2, 2, 3, 3, 3, 3])
    fig, axes = charts.histograms_side_by_side(
        {"Stayed": large, "Left": small}, bins=np.arange(-0.5, 4, 1), percent=True
    )
    assert [ax.get_title() for ax in axes] == ["Stayed (n = 8)", "Left (n = 3)"], "n leaves out the blank"
    heights = [[round(p.get_height(), 1) for p in ax.patches] for ax in axes]
    assert heights[0] == [0.0, 12.5, 37.5, 50.0]
    assert heights[1] == [0.0, 66.7, 33.3, 0.0]
    assert all(abs(sum(h) - 100) < 0.1 for h in heights), "Each group adds up to 100%."
    # A dashed line at each group's average.
    averages = [[line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] for ax in axes]
    assert averages == [[large.mean()], [pytest.approx(4 / 3)]]
    with pytest.raises(ValueError, match="no values"):
        charts.histograms_side_by_side({"Empty": pd.Series([np.nan])}, bins=3)


def test_random_group_averages_are_repeatable_and_spread_by_group_size() -> None:
    values = pd.Series(np.arange(100, dtype=float))
    first = charts.random_group_averages(values, 5, times=20, seed=7)
    again = charts.random_group_averages(values, 5, times=20, seed=7)
    pd.testing.assert_series_equal(first, again)
    assert list(first.index) == list(range(1, 21))
    big = charts.random_group_averages(values, 80, times=20, seed=7)
    assert big.max() - big.min() < first.max() - first.min(), "Bigger groups move less by chance."
    everyone = charts.random_group_averages(values, 100, times=3, seed=7)
    assert (everyone == values.mean()).all(), "A group of everyone has everyone's average."
    with pytest.raises(ValueError, match="smaller size"):
        charts.random_group_averages(values, 101)


def _surveys():
    before = pd.DataFrame(
        {"happy": [4, 6, 5, np.nan], "anxious": [8, 5, 6, 7]},
        index=pd.Index(["A", "B", "C", "D"], name="client_id"),
    )
    after = pd.DataFrame(
        {"happy": [7, 6, np.nan, 2], "anxious": [3, 6, 6, 9]}, index=pd.Index(["A", "B", "C", "E"])
    )
    return before, after


def test_points_better_pairs_the_same_people_and_turns_anxiety_round() -> None:
    before, after = _surveys()
    happy = charts.points_better(before, after, "happy")
    # A: 4 -> 7, B: 6 -> 6; C skipped the question after; D and E answered only once.
    assert happy.to_dict() == {"A": 3.0, "B": 0.0}
    anxious = charts.points_better(before, after, "anxious", lower_is_better=True)
    # A: 8 -> 3 is 5 points better; B: 5 -> 6 is 1 point worse; C: the same.
    assert anxious.to_dict() == {"A": 5, "B": -1, "C": 0}


def test_points_better_refuses_bad_tables() -> None:
    before, after = _surveys()
    with pytest.raises(KeyError, match="no column 'worthwhile'"):
        charts.points_better(before, after, "worthwhile")
    twice = pd.concat([before, before.iloc[:1]])
    with pytest.raises(ValueError, match="appears twice in the before table"):
        charts.points_better(twice, after, "happy")


def test_paired_table_gives_the_same_people_before_and_after() -> None:
    before, after = _surveys()
    changes = {
        "happy": charts.points_better(before, after, "happy"),
        "anxious": charts.points_better(before, after, "anxious", lower_is_better=True),
    }
    table = charts.paired_table(before, after, changes)
    assert table.loc["happy"].to_dict() == {
        "people with both answers": 2,
        "average before": 5.0,
        "average after": 6.5,
        "% better": 50.0,
        "% the same": 50.0,
        "% worse": 0.0,
    }
    assert table.loc["anxious", "people with both answers"] == 3
    assert table.loc["anxious", ["% better", "% the same", "% worse"]].tolist() == [33.3, 33.3, 33.3]
    assert table["people with both answers"].dtype.kind == "i"
