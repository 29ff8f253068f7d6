"""Small chart helpers, so a lesson shows the lines that carry its idea.

The lessons draw their charts with plain matplotlib. These helpers hold
the fiddly parts that are the same every time: a year on each tick of a
time axis, a grid of small charts with the empty panels hidden, a name at
the end of a line, the word MISLEADING across a bad example, and a row of
histograms that share their axes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from datawithcare.style import PALETTE


def year_ticks(ax) -> None:
    """Put one tick at the start of each year on a date axis, labelled with the year."""
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def small_multiples(n: int, ncols: int = 3, panel_height: float = 3.0, width: float = 10.0):
    """Make a grid of ``n`` small charts that share both axes.

    Returns the figure and a list of exactly ``n`` axes, in reading order.
    Panels the grid does not need (7 charts on a grid of 9) are hidden.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"Ask for a whole number of charts, 1 or more, not {n!r}.")
    if not isinstance(ncols, int) or isinstance(ncols, bool) or ncols < 1:
        raise ValueError(f"ncols should be a whole number, 1 or more, not {ncols!r}.")
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, grid = plt.subplots(
        nrows, ncols, sharex=True, sharey=True, figsize=(width, panel_height * nrows), squeeze=False
    )
    panels = list(grid.flat)
    for ax in panels[n:]:
        ax.set_visible(False)
    return fig, panels[:n]


def label_line_end(ax, line: pd.Series, text: str | None = None) -> None:
    """Write a line's name just after its last point, in black, so no legend or colour is needed.

    ``line`` is the series the line was drawn from; ``text`` defaults to its name.
    """
    line = line.dropna()
    if line.empty:
        raise ValueError("The line has no points to label.")
    label = str(line.name) if text is None else text
    ax.annotate(f" {label}", (line.index[-1], line.iloc[-1]), va="center", color=PALETTE["black"])


def mark_misleading(ax) -> None:
    """Stamp the word MISLEADING across a chart, so nobody copies a bad example."""
    write = ax.text2D if hasattr(ax, "text2D") else ax.text  # 3D charts need text2D
    write(
        0.5,
        0.5,
        "MISLEADING",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=26,
        fontweight="bold",
        color=PALETTE["black"],
        alpha=0.3,
        rotation=20,
    )


def histograms_side_by_side(
    groups: Mapping[str, pd.Series],
    bins,
    percent: bool = False,
    ncols: int | None = None,
    zero_line: bool = False,
):
    """Draw one histogram per group, on shared axes, with a dashed line at each group's average.

    ``groups`` maps a title to the values of that group; each panel's title
    also gives its number of people (n). With ``percent=True`` each bar is a
    percentage of its own group, so groups of different sizes compare fairly.
    ``zero_line=True`` draws a solid line at 0 (for changes: right of it is
    better). Returns the figure and the list of axes.
    """
    if not groups:
        raise ValueError("Give at least one group to draw.")
    colours = (
        [PALETTE["blue"], PALETTE["vermillion"]] if len(groups) == 2 else [PALETTE["blue"]] * len(groups)
    )
    fig, axes = small_multiples(
        len(groups), ncols=ncols or len(groups), panel_height=3.8 if len(groups) <= 2 else 3.0
    )
    for ax, (title, values), colour in zip(axes, groups.items(), colours, strict=True):
        values = pd.Series(values).dropna()
        if values.empty:
            raise ValueError(f"The group {title!r} has no values to draw.")
        weights = np.full(len(values), 100 / len(values)) if percent else None
        ax.hist(values, bins=bins, weights=weights, color=colour, edgecolor="white")
        if zero_line:
            ax.axvline(0, color=PALETTE["black"], linewidth=1)
        average = values.mean()
        ax.axvline(
            average, color=PALETTE["black"] if not zero_line else PALETTE["vermillion"], linestyle="--"
        )
        ax.set_title(f"{title} (n = {len(values)})", fontsize=11)
    return fig, axes


def random_group_averages(values: pd.Series, size: int, times: int = 20, seed: int = 7) -> pd.Series:
    """The averages of ``times`` random groups of ``size`` values, drawn without repeats within a group.

    Shows how much an average from a small group can move by chance. The
    same seed always gives the same groups.
    """
    values = pd.Series(values).dropna()
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise ValueError(f"size should be a whole number of people, 1 or more, not {size!r}.")
    if size > len(values):
        raise ValueError(f"Cannot draw groups of {size} from {len(values)} values: choose a smaller size.")
    rng = np.random.default_rng(seed)
    averages = [values.sample(size, random_state=rng).mean() for _ in range(times)]
    return pd.Series(averages, index=pd.RangeIndex(1, times + 1, name="group"), name="average")


def points_better(
    before: pd.DataFrame, after: pd.DataFrame, measure: str, lower_is_better: bool = False
) -> pd.Series:
    """For each person who answered ``measure`` both times, how many points better they scored after.

    ``before`` and ``after`` have one row per person, with the same index
    (for example the client ID). People missing from either, or who left
    the question blank either time, are left out. For a question where a
    lower score is better (anxiety), the sign is turned round, so a
    positive number always means better.
    """
    for name, table in (("before", before), ("after", after)):
        if measure not in table.columns:
            raise KeyError(f"The {name} table has no column {measure!r}.")
        if not table.index.is_unique:
            raise ValueError(f"Someone appears twice in the {name} table; keep one row per person.")
    pair = pd.concat({"before": before[measure], "after": after[measure]}, axis=1, join="inner").dropna()
    change = pair["after"] - pair["before"]
    return (-change if lower_is_better else change).rename(measure)


def paired_table(before: pd.DataFrame, after: pd.DataFrame, changes: Mapping[str, pd.Series]) -> pd.DataFrame:
    """One row per question: people with both answers, their averages before and after, and % better, same, worse.

    ``changes`` maps each question (a column of ``before`` and ``after``) to
    its :func:`points_better` series. The averages are of the same people
    at both times.
    """
    rows = {}
    for measure, better in changes.items():
        people = better.index
        rows[measure] = {
            "people with both answers": len(better),
            "average before": before.loc[people, measure].mean(),
            "average after": after.loc[people, measure].mean(),
            "% better": (better > 0).mean() * 100,
            "% the same": (better == 0).mean() * 100,
            "% worse": (better < 0).mean() * 100,
        }
    table = pd.DataFrame(rows).T.round(1)
    table["people with both answers"] = table["people with both answers"].astype(int)
    return table
