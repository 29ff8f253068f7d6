"""The capstone rubric's model answer gives the figures a learner really gets.

The trainer marks a learner's summary against the model answer in
``book/trainers/capstone-rubric.md``. Its numbers must be the ones the
capstone's own solution computes on the shipped data of the active profile,
in that profile's edition of the page: a trainer who sees a learner write
"1,225" while the rubric says "1,176" cannot tell who is wrong. Regenerated
data, or a second sector's edition, makes this test fail until the page is
updated.
"""

from __future__ import annotations

import re

import matplotlib
import pytest
from harness import ROOT, cell_source, read_notebook

from datawithcare import course_sector, editions

RUBRIC = ROOT / "book" / "trainers" / "capstone-rubric.md"
CAPSTONE = ROOT / "exercises" / "source" / "09-capstone" / "09-capstone.ipynb"
CELLS = ["setup", "q1-answer", "q4-answer"]


def _grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


@pytest.fixture(scope="module")
def figures() -> dict:
    """The capstone's own solution code, run as a learner's finished notebook runs it."""
    matplotlib.use("Agg")
    cells = {
        _grade_id(c): cell_source(c) for c in read_notebook(CAPSTONE)["cells"] if c["cell_type"] == "code"
    }
    missing = [name for name in CELLS if name not in cells]
    assert not missing, f"The capstone has no cell with grade_id {missing}: update CELLS."
    namespace: dict = {}
    for name in CELLS:
        code = "\n".join(line for line in cells[name].splitlines() if not line.startswith("### "))
        exec(compile(code, f"09-capstone:{name}", "exec"), namespace)
    top = namespace["clients_by_issue"]
    return {
        "total": int(namespace["total_clients_2025"]),
        "paired": int(namespace["n_paired"]),
        "missing": int(namespace["n_missing"]),
        "pct": int(namespace["pct_better"]),
        "top_issue": str(top.index[-1]),
    }


@pytest.fixture(scope="module")
def page() -> str:
    return editions.resolve(RUBRIC.read_text(encoding="utf-8"), course_sector().key, str(RUBRIC))


def _section(text: str, heading: str) -> str:
    """The words of one section, with block-quote marks and line breaks as single spaces."""
    start = text.index(heading)
    following = re.search(r"^#{1,3} ", text[start + len(heading) :], re.M)
    section = text[start : start + len(heading) + following.start()] if following else text[start:]
    return " ".join(section.replace("\n>", "\n").split())


def test_the_model_answer_gives_the_figures_of_the_shipped_data(page: str, figures: dict) -> None:
    answer = _section(page, "## A model answer")
    for name in ("total", "paired", "missing"):
        written = f"{figures[name]:,}"
        assert written in answer, (
            f"The rubric's model answer does not give {name} = {written}, "
            "the figure the capstone's solution computes on the shipped data."
        )
    assert f"{figures['pct']}%" in answer, (
        f"The model answer should give {figures['pct']}% who scored higher."
    )
    assert figures["top_issue"].lower() in answer.lower(), (
        f"The model answer should name the most common issue area, {figures['top_issue']}."
    )


def test_the_example_wordings_and_feedback_use_no_other_figures(page: str, figures: dict) -> None:
    """Learners' sample wordings and the sample feedback quote the same data as the model answer."""
    text = page[page.index("### Wordings that earn the point") :]
    expected = {f"{figures[n]:,}" for n in ("total", "paired", "missing")} | {f"{figures['pct']}%"}
    numbers = re.findall(r"\d[\d,]*%?", text)
    years = {n for n in numbers if re.fullmatch(r"20\d\d", n)}  # the counts are written with a comma
    quoted = {n for n in numbers if n.endswith("%") or int(n.replace(",", "")) >= 100} - years
    assert quoted <= expected, (
        f"The rubric quotes {sorted(quoted - expected)}, which the shipped data does not give."
    )
    assert f"{figures['missing']:,}" in _section(page, "## Feedback that helps")
