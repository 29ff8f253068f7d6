"""The cohort view reads real saved self-assessments and compares the same organisations (issue 11).

The files are made the way learners make them: with the 02a widget
(``maturity-assessment.json``) and its CSV download. One organisation
drops out before the second round.
"""

from __future__ import annotations

import re
import shutil

import pytest
from maturity_forms import everyone, fill

from datawithcare.cohort import import_assessments, normalise_round, read_assessment, same_organisations
from datawithcare.maturity import MaturityAssessment, responses_csv, saved_rounds


def add(form: MaturityAssessment, who: str, scores: dict, round_name: str, when: str) -> None:
    fill(form, who, scores, round_name, when)
    assert "Saved:" in form.feedback.value, form.feedback.value


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Before", "before"),
        ("  before the course ", "before"),
        ("Baseline", "before"),
        ("PRE", "before"),
        ("After", "after"),
        ("after_course", "after"),
        ("The end", "after"),
        ("July", "july"),
    ],
)
def test_round_names_are_normalised(name, expected):
    assert normalise_round(name) == expected


@pytest.fixture
def cohort_folder(tmp_path):
    """Four organisations' saved files; the fourth dropped out after the first round."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    levels = {"amal": (2, 3), "bridges": (1, 3), "cedar": (3, 4), "dropped": (1, None)}
    names = {
        "amal": ("Before", "After"),
        "bridges": ("baseline", "after the course"),
        "cedar": ("pre", "END"),
    }
    names["dropped"] = ("Before", None)
    for org, (first, second) in levels.items():
        form = MaturityAssessment(folder=tmp_path / org)
        add(form, "Coordinator", everyone(first), names[org][0], "2026-01-15")
        add(form, "Trustee", everyone(first), names[org][0], "2026-01-15")
        if second is not None:
            add(form, "Coordinator", everyone(second), names[org][1], "2026-06-15")
        source = tmp_path / org / "maturity-assessment.json"
        if org == "cedar":  # Cedar sends the CSV download of each round, in a folder of its own
            (folder / org).mkdir()
            for name, entry in saved_rounds(form.store).items():
                csv = responses_csv(entry["responses"], name, entry["assessed_on"])
                (folder / org / f"maturity-{name.lower()}.csv").write_text(csv, encoding="utf-8")
        else:
            shutil.copy(source, folder / f"{org}.json")
    (folder / "notes.json").write_text("{not json", encoding="utf-8")
    return folder


def test_import_reads_json_and_csv_and_names_what_it_left_out(cohort_folder):
    cohort, problems = import_assessments(cohort_folder)
    assert cohort["org_id"].nunique() == 4
    assert set(cohort["round"]) == {"before", "after"}
    assert any("notes.json" in p for p in problems)
    cedar = read_assessment(cohort_folder / "cedar" / "maturity-end.csv")
    assert set(cedar["score"]) == {4} and set(cedar["round"]) == {"after"}


def test_a_drop_out_is_left_out_of_counts_and_averages(cohort_folder):
    cohort, _ = import_assessments(cohort_folder)
    same = same_organisations(cohort)
    assert same["org_id"].nunique() == 3
    counts = same.groupby(["theme", "round"], observed=True)["org_id"].nunique().unstack()
    assert (counts["before"] == 3).all() and (counts["after"] == 3).all()
    before = same[same["round"] == "before"].groupby("theme")["score"].mean()
    assert before.round(6).eq(round((2 + 1 + 3) / 3, 6)).all()  # the drop-out's 1 is not in it


def test_the_cohort_notebook_reads_a_folder_and_compares_the_same_organisations(cohort_folder, tmp_path):
    from harness import ROOT, output_text, run_notebook

    path = ROOT / "book" / "trainers" / "cohort-view.ipynb"
    executed, _ = run_notebook(
        path, tmp_path / path.name, params={"assessments_folder": str(cohort_folder), "min_group": 3}
    )
    shown = output_text(executed)
    assert not re.search(r"ORG\d", shown), "The cohort view shows an organisation's code."
    assert "Organisations assessed both times: 3" in shown
    assert "Assessed only once, so left out: 1" in shown
    assert "notes.json" in shown
    table = next(
        c["outputs"][0]["data"]["text/plain"]
        for c in executed["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).startswith("by_theme = (")
    )
    text = "".join(table)
    assert ".0" not in text.split("average")[0], "Organisation counts must be whole numbers."
    # Three organisations in each round; after 3.3 (3, 3, 4), before 2 (2, 1, 3): the drop-out's 1 is not in it.
    assert re.search(r"Using data\s+3\s+3\s+3\.3\s+2\s", text), text
