"""The pilot learning report: reading a cohort's files, pairing, drop-outs, small numbers.

The small cohorts below are written by hand, so that every expected number
can be worked out on paper; the shipped synthetic cohort is checked for its
seed and its shape; the trainer's notebook runs on it and on another seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from harness import ROOT, charts_without_alt_text, output_text, run_notebook
from hypothesis import given
from hypothesis import strategies as st

from datawithcare import load_dataset
from datawithcare import pilot_report as pr

SAMPLE = ROOT / "book" / "trainers" / "sample-cohort"
NOTEBOOK = ROOT / "book" / "trainers" / "pilot-learning-report.ipynb"
ITEMS = list(pr.CONFIDENCE_ITEMS)

LEARNERS = """learner,org_id,role,english,coded_before,sessions_attended
L01,ORG01,leads the organisation,first language,no,6
L02,ORG01,volunteer,additional language,no,6
L03,ORG02,Leads the organisation ,additional language,no,5
L04,ORG03,paid staff,additional language,yes,6
L05,ORG03,volunteer,,no,2
L06,ORG04,paid staff,first language,no,4
"""

# least_data: the four learners with both forms go 1->3, 2->4, 1->2, 2->2.
# L05 (drops out) answered 5 before; L06 (missed the first form) answered 5 after.
# Neither may move the comparison.
CONFIDENCE = """learner,round,least_data,lawful_basis,breach,analysis,charts,share_safely
L01,before,1,1,2,1,1,1
L02,before,2,2,2,1,1,1
L03,before,1,2,2,1,1,1
L04,before,2,2,2,1,1,1
L05,before,5,5,5,5,5,5
L01,after,3,3,3,2,2,2
L02,after,4,,3,2,2,2
L03,after,2,3,3,2,2,2
L04,after,2,3,3,2,2,2
L06,after,5,5,5,5,5,5
"""

FEEDBACK = """session,useful,pace,language,hardest,do_differently
1,4,about right,yes,,
1,5,About right,yes,Saving my work,
1,3,too fast,partly,,Lock the drawer
2,4,too fast,yes,,
2,,,no,,
"""


def write_cohort(folder: Path, **files: str) -> Path:
    texts = {"learners.csv": LEARNERS, "confidence.csv": CONFIDENCE, "feedback.csv": FEEDBACK}
    texts.update({f"{name}.csv": text for name, text in files.items()})
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def cohort(tmp_path: Path) -> pr.Cohort:
    return pr.read_cohort(write_cohort(tmp_path / "cohort"))


# -- drop-outs and pairing ---------------------------------------------------------


def test_dropouts_are_counted_by_person(cohort: pr.Cohort) -> None:
    counts = pr.dropouts(cohort)
    assert counts["registered"] == 6
    assert counts["answered before"] == 5
    assert counts["answered after"] == 5
    assert counts["answered both"] == 4
    assert counts["dropped out"] == 1  # L05
    assert counts["after only"] == 1  # L06
    assert counts["no form at all"] == 0


def test_before_and_after_compare_the_same_learners(cohort: pr.Cohort) -> None:
    table = pr.confidence_change(cohort)
    row = table.loc["least_data"]
    assert row["learners"] == 4
    assert row["before"] == pytest.approx((1 + 2 + 1 + 2) / 4)
    assert row["after"] == pytest.approx((3 + 4 + 2 + 2) / 4)
    assert row["change"] == pytest.approx((2 + 2 + 1 + 0) / 4)
    assert row["moved_up"] == pytest.approx(75.0)
    # A naive comparison of everyone's forms would include L05's 5 and L06's 5:
    naive_before = (
        pd.read_csv(cohort.folder / "confidence.csv").query("round == 'before'")["least_data"].mean()
    )
    assert naive_before != pytest.approx(row["before"])


def test_a_blank_answer_leaves_that_learner_out_of_that_statement_only(cohort: pr.Cohort) -> None:
    table = pr.confidence_change(cohort)
    assert table.loc["lawful_basis", "learners"] == 3  # L02 left it blank after
    assert table.loc["lawful_basis", "before"] == pytest.approx((1 + 2 + 2) / 3)
    assert table.loc["breach", "learners"] == 4
    counts, message = pr.missing_answers(cohort)
    assert counts["lawful_basis"] == 1 and counts.sum() == 1
    assert "1 answer was left blank" in message
    assert pr.CONFIDENCE_ITEMS["lawful_basis"] in message
    assert "still counts for the others" in message


def test_no_blank_answers_says_so(tmp_path: Path) -> None:
    full = CONFIDENCE.replace("L02,after,4,,3", "L02,after,4,3,3")
    counts, message = pr.missing_answers(pr.read_cohort(write_cohort(tmp_path, confidence=full)))
    assert counts.sum() == 0
    assert message.startswith("Every learner compared answered every statement")


def test_maturity_dropouts_are_left_out_of_the_comparison() -> None:
    maturity = load_dataset("maturity_cohort")
    gone = maturity[~((maturity["org_id"] == "ORG03") & (maturity["round"] == "after"))]
    table, counts = pr.maturity_change(gone)
    assert counts["assessed before"] == 15 and counts["assessed after"] == 14
    assert counts["assessed both"] == 14 and counts["dropped out"] == 1
    assert (table["organisations"] == 14).all()
    kept = maturity[maturity["org_id"] != "ORG03"]
    expected = kept[kept["round"] == "before"].groupby("theme", observed=True)["score"].mean()
    assert np.allclose(table["before"], expected.reindex(table.index))
    assert table.loc["ethics-and-protection", "name"] == "Ethics and protection"


# -- small numbers -----------------------------------------------------------------


def test_groups_under_the_threshold_are_never_shown(cohort: pr.Cohort) -> None:
    table, notes = pr.confidence_by_group(cohort, "coded_before")
    # Among the four learners compared only L04 had coded before: a group of one.
    assert "yes" not in table.index
    assert (table["learners"] >= pr.MIN_GROUP).all()
    assert table["learners"].sum() == 4
    assert notes and "(yes)" in notes[0] and "combined" in notes[0]


def test_a_set_too_small_for_any_breakdown_shows_nothing(cohort: pr.Cohort) -> None:
    table, notes = pr.confidence_by_group(cohort, "role", min_group=5)
    assert table.empty
    assert "no breakdown is shown" in notes[0]
    assert pr.confidence_change(cohort, min_group=5)[["before", "after", "change"]].isna().all().all()


def test_the_shipped_maturity_breakdowns_hide_small_types() -> None:
    maturity = load_dataset("maturity_cohort")
    sizes = maturity.drop_duplicates("org_id")["org_type"].value_counts()
    assert (sizes < pr.MIN_GROUP).any(), "the test needs a small type to hide"
    for by in ("org_type", "staff_band"):
        table, _ = pr.maturity_by_group(maturity, by)
        assert (table["organisations"] >= pr.MIN_GROUP).all()
        assert table["organisations"].sum() == 15
        small = sizes[sizes < pr.MIN_GROUP].index if by == "org_type" else []
        assert not set(small) & set(table.index)


def test_a_session_with_few_forms_is_not_summarised(cohort: pr.Cohort) -> None:
    table = pr.session_feedback(cohort)
    assert table.loc[1, "forms"] == 3
    assert table.loc[1, "useful"] == pytest.approx(4.0)
    assert table.loc[1, "too_fast"] == pytest.approx(100 / 3)
    assert table.loc[2, "forms"] == 2
    assert table.loc[2, ["useful", "too_fast", "language_hard"]].isna().all()
    assert table.loc[3, "forms"] == 0


@given(
    sizes=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), st.integers(0, 12), max_size=8),
    min_group=st.integers(1, 6),
)
def test_protect_groups_never_reports_a_group_under_the_threshold(sizes: dict, min_group: int) -> None:
    labels = pr.protect_groups(sizes, min_group)
    reported: dict[str, int] = {}
    for group, label in labels.items():
        if label is not None:
            reported[label] = reported.get(label, 0) + sizes[group]
    assert all(total >= min_group for total in reported.values())
    shown_alone = {g for g, label in labels.items() if label == g}
    assert all(sizes[g] >= min_group for g in shown_alone)
    if sum(sizes.values()) >= min_group:
        assert all(label is not None for label in labels.values())


# -- bad files give clear errors and change nothing ---------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"confidence": CONFIDENCE.replace("L01,after,3", "L01,after,7")},
            r"column 'least_data', rows 7.*1 to 5",
        ),
        (
            {"feedback": FEEDBACK.replace("too fast,partly", "quick,partly")},
            r"'quick' is not an answer.*'too fast'",
        ),
        ({"learners": LEARNERS.replace("L01,ORG01", "Amira,ORG01")}, r"code like 'L07'.*never names"),
        ({"learners": LEARNERS.replace(",role,", ",job,")}, r"learners.csv has no column 'role'"),
        ({"confidence": CONFIDENCE + "L01,after,3,3,3,2,2,2\n"}, r"two forms from the same learner"),
        ({"confidence": CONFIDENCE + "L09,after,3,3,3,2,2,2\n"}, r"L09 are not in learners.csv"),
        ({"confidence": CONFIDENCE.replace("L05,before", "L05,middle")}, r"'before'.*'after'"),
        ({"feedback": ""}, r"feedback.csv is empty"),
        ({"feedback": "session,useful,pace,language,hardest,do_differently\n"}, r"no answers in it"),
        ({"learners": LEARNERS + "L01,ORG05,volunteer,,,1\n"}, r"same learner code more than once"),
    ],
    ids=[
        "score-out-of-range",
        "answer-not-on-form",
        "names-not-codes",
        "missing-column",
        "two-forms",
        "unknown-learner",
        "bad-round",
        "empty-file",
        "header-only",
        "duplicate-learner",
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    folder = write_cohort(tmp_path / "cohort", **files)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(pr.CohortFileError, match=expected):
        pr.read_cohort(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_missing_file_or_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(pr.CohortFileError, match="There is no folder"):
        pr.read_cohort(tmp_path / "nowhere")
    folder = write_cohort(tmp_path / "cohort")
    (folder / "feedback.csv").unlink()
    with pytest.raises(pr.CohortFileError, match=r"'feedback.csv' is not in"):
        pr.read_cohort(folder)


def test_a_file_not_saved_as_utf8_is_explained(tmp_path: Path) -> None:
    folder = write_cohort(tmp_path / "cohort")
    (folder / "feedback.csv").write_bytes(FEEDBACK.replace("Saving my work", "Na\u00efve").encode("cp1252"))
    with pytest.raises(pr.CohortFileError, match="CSV UTF-8"):
        pr.read_cohort(folder)


def test_a_bad_maturity_table_is_explained() -> None:
    maturity = load_dataset("maturity_cohort").astype({"score": "object"})
    maturity.loc[3, "score"] = 9
    with pytest.raises(pr.CohortFileError, match=r"column 'score', rows 5: '9'"):
        pr.maturity_change(maturity)
    with pytest.raises(pr.CohortFileError, match="has no column 'theme'"):
        pr.maturity_change(maturity.drop(columns="theme"))


# -- the shipped synthetic cohort ---------------------------------------------------


def test_the_shipped_cohort_is_made_from_its_seed(tmp_path: Path) -> None:
    pr.write_sample_cohort(tmp_path, seed=pr.SAMPLE_SEED)
    for name in ("learners.csv", "confidence.csv", "feedback.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), (
            f"{name} differs from its seed. Run `python -m datawithcare.pilot_report` to regenerate it."
        )
    from datawithcare.identifiers import find_unsafe_identifiers

    for path in sorted(SAMPLE.iterdir()):
        assert find_unsafe_identifiers(path.read_text(encoding="utf-8")) == [], path.name
    other = pr.make_sample_cohort(seed=7)
    assert not other["confidence.csv"].equals(pr.make_sample_cohort()["confidence.csv"])


@pytest.mark.parametrize("seed", [pr.SAMPLE_SEED, 7, 11])
def test_a_synthetic_cohort_has_dropouts_latecomers_and_blanks(tmp_path: Path, seed: int) -> None:
    cohort = pr.read_cohort(pr.write_sample_cohort(tmp_path, seed=seed)[0].parent)
    counts = pr.dropouts(cohort)
    assert counts["dropped out"] > 0
    assert counts["answered both"] >= 2 * pr.MIN_GROUP
    assert pr.missing_answers(cohort)[0].sum() > 0
    assert cohort.feedback[["useful", "pace", "language"]].isna().any().any()
    assert set(cohort.learners["org_id"]) <= set(load_dataset("maturity_cohort")["org_id"])


# -- the trainer's notebook --------------------------------------------------------

LEARNER_CODE = re.compile(r"\bL\d{2,3}\b")
ORG_CODE = re.compile(r"\bORG\d{2,3}\b")


@pytest.mark.parametrize("seed", [None, 7], ids=["shipped", "seed-7"])
def test_the_report_notebook_runs_and_names_nobody(tmp_path: Path, seed: int | None) -> None:
    params = {}
    if seed is not None:
        folder = tmp_path / "cohort"
        pr.write_sample_cohort(folder, seed=seed)
        params = {"cohort_folder": str(folder), "dataset_seed": seed}
    executed, _ = run_notebook(NOTEBOOK, tmp_path / NOTEBOOK.name, params=params)
    text = output_text(executed)
    assert not charts_without_alt_text(executed)
    assert not LEARNER_CODE.search(text), "the report shows a learner's code"
    assert not ORG_CODE.search(text), "the report shows an organisation's code"
    for heading in ("What changed", "For whom", "What did not work", "What another sector should adapt"):
        assert heading in "".join("".join(c["source"]) for c in executed["cells"])
    assert "dropped out" in text
    assert "left blank" in text
    assert "combined" in text  # the small types of organisation were combined, and the report says so
    warnings = [
        "".join(out.get("text", ""))
        for cell in executed["cells"]
        for out in cell.get("outputs", [])
        if out.get("name") == "stderr"
    ]
    assert not any("Warning" in w for w in warnings), warnings


def test_the_report_notebook_reads_a_trainers_own_maturity_file(tmp_path: Path) -> None:
    maturity = load_dataset("maturity_cohort")
    maturity = maturity[~((maturity["org_id"] == "ORG05") & (maturity["round"] == "after"))]
    path = tmp_path / "our-maturity.csv"
    maturity.to_csv(path, index=False)
    cohort = write_cohort(tmp_path / "cohort")
    params = {"cohort_folder": str(cohort), "maturity_file": str(path), "show_comments": True}
    executed, _ = run_notebook(NOTEBOOK, tmp_path / NOTEBOOK.name, params=params)
    text = output_text(executed)
    assert "1 organisation did not repeat the maturity self-assessment." in text
    assert "1 of 5 learners (20%) dropped out" in text
    assert "Saving my work" in text  # show_comments prints the comments for the trainer
    assert not LEARNER_CODE.search(text) and not ORG_CODE.search(text)


def test_the_report_notebook_says_so_when_every_group_is_too_small(tmp_path: Path) -> None:
    params = {"cohort_folder": str(write_cohort(tmp_path / "cohort")), "min_group": 20}
    executed, _ = run_notebook(NOTEBOOK, tmp_path / NOTEBOOK.name, params=params)
    text = output_text(executed)
    assert "No statement was answered both times by 20 or more learners" in text
    assert "no breakdown is shown" in text
    assert not LEARNER_CODE.search(text) and not ORG_CODE.search(text)


def test_comments_are_listed_by_session(cohort: pr.Cohort) -> None:
    assert pr.comments(cohort, 1, "hardest") == ["Saving my work"]
    assert pr.comments(cohort, 1, "do_differently") == ["Lock the drawer"]
    assert pr.comments(cohort, 2) == []
    with pytest.raises(ValueError, match="hardest"):
        pr.comments(cohort, 1, "pace")


def test_the_report_notebook_stops_with_a_clear_message_on_a_bad_folder(tmp_path: Path) -> None:
    from harness import NotebookFailed

    folder = write_cohort(tmp_path / "cohort", feedback=FEEDBACK.replace("too fast,partly", "quick,partly"))
    with pytest.raises(NotebookFailed, match="'quick' is not an answer"):
        run_notebook(NOTEBOOK, tmp_path / NOTEBOOK.name, params={"cohort_folder": str(folder)})


# -- the forms and the report agree --------------------------------------------------

FORMS = ROOT / "book" / "trainers" / "learning-forms.md"
SURVEY = ROOT / "book" / "trainers" / "pre-course-survey.md"


@pytest.mark.parametrize("page", [FORMS, SURVEY], ids=lambda p: p.stem)
def test_the_printed_forms_ask_what_the_report_reads(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and line.rstrip().endswith("☐ |")]
    statements = [row.split("|")[1].strip() for row in rows]
    assert statements == list(pr.CONFIDENCE_ITEMS.values()), (
        f"{page.name}: the confidence statements must match datawithcare.pilot_report.CONFIDENCE_ITEMS, "
        "in the same order, or the two rounds cannot be compared."
    )


def test_the_typing_guide_names_every_column_and_answer() -> None:
    text = FORMS.read_text(encoding="utf-8")
    for columns in pr._FILES.values():
        for column in columns:
            assert f"`{column}`" in text, f"learning-forms.md does not say what to type in {column!r}"
    for answers in (*pr.LEARNER_GROUPS.values(), pr.PACE, pr.LANGUAGE):
        for answer in answers:
            assert f"`{answer}`" in text, f"learning-forms.md does not list the answer {answer!r}"
    for words in pr.CONFIDENCE_SCALE.values():
        assert words in text
