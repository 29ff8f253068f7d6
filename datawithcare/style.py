"""The course's chart style: readable, and safe for colour-blind readers.

Call :func:`use_course_style` once at the top of a lesson. Every
matplotlib chart after that uses large text, light grid lines and the
Okabe-Ito palette, which stays distinct for the common kinds of colour
blindness.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler

#: The Okabe-Ito colours (Okabe and Ito, 2008), in the order charts use them.
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky blue": "#56B4E9",
    "reddish purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: The widest text cell a table shows in full. pandas cuts text after 50
#: characters by default ("Staff or volunteers see immigration status and..."),
#: which hides the words a lesson asks the learner to read.
TABLE_TEXT_WIDTH = 200

#: Colours for a sequence of levels (for example maturity levels 1 to 5),
#: light to dark, distinct in greyscale as well as in colour.
SEQUENTIAL: list[str] = ["#deebf7", "#9ecae1", "#6baed6", "#2171b5", "#08306b"]

COURSE_RC: dict[str, object] = {
    "axes.prop_cycle": cycler(color=list(PALETTE.values())),
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.titleweight": "bold",
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#d0d0d0",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "lines.linewidth": 2.5,
    "lines.markersize": 7,
    "figure.constrained_layout.use": True,
    # Charts drawn as SVG keep their words as text: sharp at any size, and
    # readable when a phone shows the chart narrow (issue 14).
    "svg.fonttype": "none",
}


def use_course_style() -> None:
    """Apply the course style from now on.

    Every matplotlib chart gets the course chart style, and tables show
    text of up to ``TABLE_TEXT_WIDTH`` characters in full, not cut short.
    Single numbers print plainly (``318``, not ``np.int64(318)``).
    """
    mpl.rcParams.update(COURSE_RC)
    pd.set_option("display.max_colwidth", TABLE_TEXT_WIDTH)
    np.set_printoptions(legacy="1.25")
    _charts_as_svg()


def _charts_as_svg() -> None:
    """In Jupyter, show charts as SVG (vector) rather than PNG: lighter, and sharp on a phone."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:
        return
    if get_ipython() is not None:
        set_matplotlib_formats("svg")


def course_colours(n: int) -> list[str]:
    """Return ``n`` colours from the course palette, in order.

    The palette has eight colours; asking for more is an error, because
    a chart with more than eight colours is hard for anyone to read.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError("Ask for a whole number of colours, 1 or more.")
    if n > len(PALETTE):
        raise ValueError(
            f"The course palette has {len(PALETTE)} colours; you asked for {n}. "
            "Group the smallest categories into 'Other', or use small multiples."
        )
    return list(PALETTE.values())[:n]
