"""The data-needs planner: checks, exports and the widget."""

from __future__ import annotations

import copy
import csv
import io
import json
import re

import pytest

from datawithcare.datasets import course_sector
from datawithcare.planner import (
    CSV_COLUMNS,
    DataNeedsPlanner,
    check_new_indicator,
    check_new_item,
    check_plan,
    collection_list,
    empty_plan,
    plan_from_saved,
    plan_rows,
    plan_to_csv,
    plan_to_html,
    plan_to_markdown,
    questions_from_text,
    same_text,
)

#: The organisation of the active profile (tests never type it).
ORG = course_sector().organisation
#: The organisation's name as the download files start: "A Charity Name" -> "a-charity-name".
ORG_SLUG = "-".join(re.findall(r"[a-z0-9]+", ORG.lower()))
Q1 = "Do our learners' English skills improve?"
Q2 = "Do learners keep coming to class?"
I1 = "Number of learners who move up an ESOL level in a year"
I2 = "Share of booked sessions each learner attends"


def good_plan() -> dict:
    return {
        "organisation": ORG,
        "mission": f"Help {course_sector().people} in {course_sector().city} to build a settled life.",
        "questions": [Q1, Q2],
        "indicators": [{"question": Q1, "indicator": I1}, {"question": Q2, "indicator": I2}],
        "data_items": [
            {
                "indicator": I1,
                "item": "ESOL level at start",
                "needed": "yes",
                "sensitive": False,
                "reason": "",
            },
            {"indicator": I1, "item": "ESOL level at end", "needed": "yes", "sensitive": False, "reason": ""},
            {
                "indicator": I2,
                "item": "Register: attended or not",
                "needed": "yes",
                "sensitive": False,
                "reason": "",
            },
            {
                "indicator": I1,
                "item": "Immigration status",
                "needed": "no",
                "sensitive": True,
                "reason": "",
            },
        ],
    }


# Checking a plan -----------------------------------------------------------


def test_a_complete_plan_has_nothing_to_fix():
    check = check_plan(good_plan())
    assert check.ok and check.problems == []
    assert any("decided not to collect: Immigration status" in n for n in check.notes)


def test_same_text_ignores_case_spaces_and_question_mark():
    assert same_text("Do learners  improve?", "do learners improve")
    assert not same_text("Do learners improve?", "Do learners leave?")


def test_questions_from_text_drops_blank_lines():
    assert questions_from_text(f"{Q1}\n\n   \n {Q2} \n") == [Q1, Q2]
    assert questions_from_text("") == []


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda p: p.update(mission="   "), "Write your mission first"),
        (lambda p: p.update(questions=[], indicators=[], data_items=[]), "at least one question"),
        (lambda p: p["questions"].append("do our learners' english skills  improve"), "in the list twice"),
        (lambda p: p["questions"].append(""), "One of your questions is empty"),
        (lambda p: p["indicators"].append({"question": "", "indicator": "Waiting list"}), "has no question"),
        (
            lambda p: p["indicators"].append({"question": "Are we known?", "indicator": "Referrals"}),
            "no longer in",
        ),
        (lambda p: p["indicators"].append({"question": Q1, "indicator": " "}), "One indicator has no text"),
        (lambda p: p["indicators"].append({"question": Q2, "indicator": I1.upper()}), "in the plan twice"),
        (lambda p: p["data_items"].append({"indicator": I1, "item": "", "needed": "yes"}), "no name"),
        (
            lambda p: p["data_items"].append({"indicator": "", "item": "Postcode", "needed": "yes"}),
            "no indicator",
        ),
        (
            lambda p: p["data_items"].append(
                {"indicator": "Old indicator", "item": "Postcode", "needed": "yes"}
            ),
            "not in your plan",
        ),
        (
            lambda p: p["data_items"].append(
                {"indicator": I1, "item": "esol level at start", "needed": "yes"}
            ),
            "listed twice",
        ),
        (
            lambda p: p["data_items"].append({"indicator": I1, "item": "Age", "needed": None}),
            "really need this",
        ),
        (
            lambda p: p["data_items"].append({"indicator": I1, "item": "Age", "needed": "maybe"}),
            "really need this",
        ),
        (
            lambda p: p["data_items"].append(
                {
                    "indicator": I1,
                    "item": "Health conditions",
                    "needed": "yes",
                    "sensitive": True,
                    "reason": "",
                }
            ),
            "marked sensitive, but there is no reason",
        ),
        (
            lambda p: p["data_items"].append(
                {
                    "indicator": I1,
                    "item": "Religion",
                    "needed": "unsure",
                    "sensitive": True,
                    "reason": "Might help",
                }
            ),
            "just in case",
        ),
    ],
)
def test_each_kind_of_mistake_gets_a_clear_problem(change, expected):
    plan = good_plan()
    change(plan)
    check = check_plan(plan)
    assert not check.ok
    assert any(expected in p for p in check.problems), check.problems


@pytest.mark.parametrize("plan", [None, "my plan", ["mission"]])
def test_a_plan_that_is_not_a_dictionary_is_explained(plan):
    check = check_plan(plan)
    assert check.problems == ["The plan is empty or damaged. Start again with a mission."]


def test_a_sensitive_item_left_out_needs_no_reason():
    plan = good_plan()
    assert plan["data_items"][3]["sensitive"] and plan["data_items"][3]["reason"] == ""
    assert check_plan(plan).ok


def test_notes_point_to_gaps_without_blocking():
    plan = good_plan()
    plan["questions"].append("Are we reaching women with young children?")
    plan["indicators"].append({"question": Q2, "indicator": "Learners who leave before the end of term"})
    plan["data_items"].append({"indicator": I2, "item": "Reason for leaving", "needed": "unsure"})
    check = check_plan(plan)
    assert check.ok
    assert any("reaching women with young children" in n and "no indicator yet" in n for n in check.notes)
    assert any("leave before the end of term" in n and "no data item" in n for n in check.notes)
    assert any("Still to decide: Reason for leaving" in n for n in check.notes)


def test_an_empty_plan_lists_what_to_do_first():
    problems = check_plan(empty_plan()).problems
    assert len(problems) == 2
    assert "mission" in problems[0] and "question" in problems[1]


# Checking new entries ------------------------------------------------------


def test_new_indicator_checks():
    plan = good_plan()
    assert check_new_indicator(plan, Q1, "Learners who pass an exam") == []
    assert "Write your questions first" in check_new_indicator(empty_plan(), "", "x")[0]
    assert "Choose the question" in check_new_indicator(plan, None, "x")[0]
    assert "not one of your questions" in check_new_indicator(plan, "Is it raining?", "x")[0]
    assert "Write the indicator" in check_new_indicator(plan, Q1, "  ")[0]
    assert "already in the plan" in check_new_indicator(plan, Q2, I1.lower())[0]


def test_new_item_checks():
    plan = good_plan()
    assert check_new_item(plan, I1, "Date of first class", "yes", False, "") == []
    assert check_new_item(plan, I1, "Address", "no", True, "") == []
    assert "Add an indicator first" in check_new_item(empty_plan(), "", "Age", "yes", False, "")[0]
    assert "Choose the indicator" in check_new_item(plan, None, "Age", "yes", False, "")[0]
    assert "not one of your indicators" in check_new_item(plan, "Happiness", "Age", "yes", False, "")[0]
    assert "Write the data item" in check_new_item(plan, I1, "", "yes", False, "")[0]
    assert "already listed" in check_new_item(plan, I1, "ESOL LEVEL AT START", "yes", False, "")[0]
    assert "really need this" in check_new_item(plan, I1, "Age", None, False, "")[0]
    both = check_new_item(plan, I1, "Religion", "unsure", True, "")
    assert any("say why you need it" in p for p in both) and any("just in case" in p for p in both)


# Exports -------------------------------------------------------------------


def test_collection_list_merges_items_and_leaves_out_the_ones_not_needed():
    plan = good_plan()
    plan["data_items"].append(
        {
            "indicator": I2,
            "item": "esol level at start",
            "needed": "unsure",
            "sensitive": True,
            "reason": "Grouping",
        }
    )
    rows = collection_list(plan)
    names = [r["item"] for r in rows]
    assert names == ["ESOL level at start", "ESOL level at end", "Register: attended or not"]
    start = rows[0]
    assert start["indicators"] == [I1, I2] and start["needed"] == "yes" and start["sensitive"] is True
    assert start["reasons"] == ["Grouping"]


def test_rows_keep_questions_and_indicators_with_no_data():
    plan = good_plan()
    plan["questions"].append("Are we reaching older people?")
    plan["indicators"].append({"question": Q2, "indicator": "Waiting list length"})
    rows = plan_rows(plan)
    assert all(set(r) == set(CSV_COLUMNS) for r in rows)
    assert {"question": "Are we reaching older people?", "indicator": "", "data_item": ""}.items() <= rows[
        -1
    ].items()
    waiting = [r for r in rows if r["indicator"] == "Waiting list length"]
    assert len(waiting) == 1 and waiting[0]["data_item"] == ""
    assert len(rows) == 4 + 2


def test_csv_round_trips_text_with_commas_and_quotes():
    plan = good_plan()
    plan["mission"] = 'Help people "settle", learn and thrive'
    parsed = list(csv.DictReader(io.StringIO(plan_to_csv(plan))))
    assert len(parsed) == 4
    assert parsed[0]["mission"] == 'Help people "settle", learn and thrive'
    assert [r["data_item"] for r in parsed] == [
        "ESOL level at start",
        "ESOL level at end",
        "Immigration status",
        "Register: attended or not",
    ]
    assert parsed[2]["sensitive"] == "yes" and parsed[2]["needed"] == "no"


def test_markdown_shows_the_chain_and_the_decisions():
    text = plan_to_markdown(good_plan())
    assert text.startswith(f"# Data needs plan: {ORG}")
    assert f"### Question 1: {Q1}" in text and f"- **Indicator:** {I1}" in text
    assert "  - Immigration status (sensitive): not collected" in text
    assert "| ESOL level at start | " + I1 + " | no |  |" in text
    data_we_leave = text.split("## Data we decided not to collect")[1]
    assert "- Immigration status" in data_we_leave
    blank = plan_to_markdown(empty_plan())
    assert "(not written yet)" in blank and "Nothing yet." in blank and "Write your mission first" in blank


def test_html_is_a_whole_page_and_escapes_what_learners_type():
    plan = good_plan()
    plan["organisation"] = "<script>alert(1)</script> & friends"
    page = plan_to_html(plan)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; friends" in page
    assert "<th>Data item</th>" in page and "Immigration status (sensitive): not collected" in page


def test_plan_from_saved_repairs_what_it_can():
    assert plan_from_saved(None) == empty_plan()
    assert plan_from_saved("nonsense") == empty_plan()
    saved = good_plan()
    saved["questions"].append(42)
    saved["indicators"].append("not a dict")
    saved["data_items"].append({"indicator": I1, "item": "Age", "needed": "perhaps", "sensitive": "yes"})
    plan = plan_from_saved(saved)
    assert plan["questions"] == [Q1, Q2] and len(plan["indicators"]) == 2
    assert plan["data_items"][-1] == {
        "indicator": I1,
        "item": "Age",
        "needed": None,
        "sensitive": False,
        "reason": "",
    }


# The widget ----------------------------------------------------------------


@pytest.fixture
def answers_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAWITHCARE_ANSWERS_DIR", str(tmp_path))
    return tmp_path


def add_indicator(form: DataNeedsPlanner, question: str, text: str) -> None:
    form.indicator_question.value = question
    form.indicator_text.value = text
    form.add_indicator_button.click()


def add_item(form, indicator, item, needed, sensitive=False, reason=""):
    form.item_indicator.value = indicator
    form.item_name.value = item
    form.item_needed.value = needed
    form.item_sensitive.value = sensitive
    form.item_reason.value = reason
    form.add_item_button.click()


def fill_good_plan(form: DataNeedsPlanner) -> None:
    form.organisation.value = ORG
    form.mission.value = good_plan()["mission"]
    form.questions.value = f"{Q1}\n{Q2}\n"
    add_indicator(form, Q1, I1)
    add_indicator(form, Q2, I2)
    add_item(form, I1, "ESOL level at start", "yes")
    add_item(form, I1, "ESOL level at end", "yes")
    add_item(form, I2, "Register: attended or not", "yes")
    add_item(form, I1, "Immigration status", "no", sensitive=True)


def test_widget_builds_a_plan_saves_it_and_reloads_it(answers_dir):
    form = DataNeedsPlanner()
    fill_good_plan(form)
    assert form.plan == good_plan()
    assert form.item_name.value == "" and form.item_needed.value is None
    form.save_button.click()
    assert "Saved:" in form.feedback.value and "Immigration status" in form.feedback.value
    for suffix in (".html", ".md", ".csv"):
        assert f"{ORG_SLUG}-data-needs-plan{suffix}" in form.downloads.value
    assert 'download="data-needs-plan.json"' in form.downloads.value
    saved = json.loads((answers_dir / "data-needs-plan.json").read_text(encoding="utf-8"))
    assert saved["answers"]["plan"] == good_plan()

    again = DataNeedsPlanner()
    assert again.plan == good_plan()
    assert again.mission.value == good_plan()["mission"]
    assert list(again.indicator_question.options) == [Q1, Q2]
    assert list(again.item_indicator.options) == [I1, I2]
    assert len(again.item_list.options) == 4
    assert "saved plan is loaded" in again.notice.value


def test_widget_saves_a_draft_and_offers_only_the_answers_file_until_it_is_fixed(answers_dir):
    form = DataNeedsPlanner()
    form.questions.value = f"{Q1}\n{Q1.lower()}"
    form.save_button.click()
    assert "Please check:" in form.feedback.value
    assert "Write your mission first" in form.feedback.value and "in the list twice" in form.feedback.value
    assert "saved as it is" in form.feedback.value
    # The answers file (to reload later) is offered; the plan to print waits until it is fixed.
    assert re.findall(r'download="([^"]+)"', form.downloads.value) == ["data-needs-plan.json"]
    saved = json.loads((answers_dir / "data-needs-plan.json").read_text(encoding="utf-8"))
    assert saved["answers"]["plan"]["questions"] == [Q1, Q1.lower()]


def test_widget_explains_bad_entries(answers_dir):
    form = DataNeedsPlanner()
    add_indicator(form, None, I1)
    assert "Write your questions first" in form.feedback.value
    form.questions.value = Q1
    add_indicator(form, Q1, "")
    assert "Write the indicator" in form.feedback.value
    add_item(form, None, "Age", "yes")
    assert "Add an indicator first" in form.feedback.value
    add_indicator(form, Q1, I1)
    add_item(form, I1, "Health conditions", "yes", sensitive=True)
    assert "say why you need it" in form.feedback.value
    add_item(form, I1, "Date of birth", None)
    assert "really need this" in form.feedback.value
    assert form.plan["data_items"] == []


def test_widget_removes_entries_and_flags_what_is_left_behind(answers_dir):
    form = DataNeedsPlanner()
    fill_good_plan(form)
    form.remove_item_button.click()
    assert "Click a data item" in form.feedback.value
    form.indicator_list.value = None
    form.remove_indicator_button.click()
    assert "Click an indicator" in form.feedback.value
    form.item_list.value = 3
    form.remove_item_button.click()
    assert [d["item"] for d in form.plan["data_items"]][-1] == "Register: attended or not"
    form.indicator_list.value = 1
    form.remove_indicator_button.click()
    assert "still listed" in form.feedback.value
    form.save_button.click()
    assert "Please check:" in form.feedback.value and "not in your plan" in form.feedback.value


def test_widget_questions_box_drives_the_question_list(answers_dir):
    form = DataNeedsPlanner()
    form.questions.value = f"{Q1}\n\n{Q2}"
    assert list(form.indicator_question.options) == [Q1, Q2]
    add_indicator(form, Q2, I2)
    form.questions.value = Q1
    form.mission.value = "Help people settle."
    form.save_button.click()
    assert "no longer in your list" in form.feedback.value


def test_widget_with_an_unreadable_file_starts_clean_and_says_so(answers_dir):
    (answers_dir / "data-needs-plan.json").write_text("not json", encoding="utf-8")
    form = DataNeedsPlanner()
    assert "could not be read" in form.notice.value
    assert form.plan == empty_plan()


def test_the_good_plan_is_not_changed_by_the_exports():
    plan = good_plan()
    before = copy.deepcopy(plan)
    plan_to_markdown(plan), plan_to_html(plan), plan_to_csv(plan), collection_list(plan)
    assert plan == before
