"""The maturity framework, its scoring, charts and the self-assessment widget."""

from __future__ import annotations

import copy
import json
import math
from datetime import date

import pandas as pd
import pytest
import yaml
from maturity_forms import everyone, fill

from datawithcare import maturity
from datawithcare.maturity import (
    THEME_IDS,
    MaturityAssessment,
    clean_responses,
    compare_rounds,
    comparison_alt_text,
    framework_problems,
    latest_scores,
    load_framework,
    plot_comparison,
    plot_profile,
    profile_alt_text,
    responses_csv,
    saved_rounds,
    score_responses,
    strengths_and_priorities,
    summary_markdown,
    theme_advice,
)
from datawithcare.ninety_day_plan import ninety_day_plan, ninety_day_plan_markdown

FRAMEWORK = load_framework()


# The framework file --------------------------------------------------------


def test_framework_themes_match_the_dataset_contract_in_order():
    assert [t["id"] for t in FRAMEWORK["themes"]] == list(THEME_IDS)


def test_every_theme_has_five_levels_with_text_and_a_question():
    for theme in FRAMEWORK["themes"]:
        assert theme["name"].strip() and theme["question"].strip().endswith("?")
        assert [lvl["score"] for lvl in theme["levels"]] == [1, 2, 3, 4, 5]
        summaries = [lvl["summary"].strip() for lvl in theme["levels"]]
        steps = [lvl["next_step"].strip() for lvl in theme["levels"]]
        assert all(summaries) and all(steps)
        assert len(set(summaries)) == 5, f"{theme['id']} repeats a level description"


def test_framework_ids_are_unique_and_levels_are_named():
    ids = [t["id"] for t in FRAMEWORK["themes"]]
    assert len(ids) == len(set(ids))
    assert sorted(FRAMEWORK["level_names"]) == [1, 2, 3, 4, 5]
    assert "CC BY" in FRAMEWORK["licence"] and "NC" not in FRAMEWORK["licence"]


def test_the_shipped_framework_has_no_problems():
    assert framework_problems(FRAMEWORK) == []


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (lambda f: f["themes"][0]["levels"].pop(), "exactly 5 levels"),
        (lambda f: f["themes"][1].update(id=f["themes"][0]["id"]), "used twice"),
        (lambda f: f["themes"][2].update(question="  "), "has no question"),
        (lambda f: f["themes"][3].update(name=""), "has no name"),
        (lambda f: f["themes"][4]["levels"][2].update(summary=""), "summary is empty"),
        (lambda f: f["themes"][5]["levels"][0].update(next_step=None), "next_step is empty"),
        (lambda f: f["themes"][6]["levels"][0].update(score=0), "scored 1, 2, 3, 4, 5"),
        (lambda f: f["themes"][7].pop("id"), "has no id"),
        (lambda f: f["level_names"].pop(5), "level_names"),
        (lambda f: f.update(themes=[]), "list of themes"),
        (lambda f: f.update(title=""), "title"),
    ],
)
def test_framework_problems_finds_each_kind_of_mistake(break_it, expected):
    broken = copy.deepcopy(FRAMEWORK)
    break_it(broken)
    problems = framework_problems(broken)
    assert any(expected in p for p in problems), problems


def test_framework_problems_rejects_something_that_is_not_a_mapping():
    assert framework_problems(["uses", "data"])


def test_load_framework_reads_a_fork_and_rejects_a_broken_one(tmp_path):
    fork = copy.deepcopy(FRAMEWORK)
    fork["themes"][0]["name"] = "Using information"
    good = tmp_path / "fork.yaml"
    good.write_text(yaml.safe_dump(fork), encoding="utf-8")
    assert load_framework(good)["themes"][0]["name"] == "Using information"

    fork["themes"][0]["levels"] = fork["themes"][0]["levels"][:3]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(fork), encoding="utf-8")
    with pytest.raises(ValueError, match="exactly 5 levels"):
        load_framework(bad)

    (tmp_path / "broken.yaml").write_text("themes: [unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_framework(tmp_path / "broken.yaml")
    with pytest.raises(FileNotFoundError):
        load_framework(tmp_path / "missing.yaml")


# Scoring -------------------------------------------------------------------


def test_scores_combine_several_people_and_keep_the_spread():
    scores = score_responses({"Coordinator": everyone(2), "Volunteer": everyone(4), "Trustee": everyone(3)})
    row = scores.table.loc["uses"]
    assert row["respondents"] == 3
    assert row["mean"] == pytest.approx(3.0)
    assert (row["lowest"], row["highest"], row["spread"]) == (2, 4, 2)
    assert scores.problems == []
    assert scores.respondents == ["Coordinator", "Volunteer", "Trustee"]


def test_level_is_the_average_rounded_down():
    scores = score_responses({"A": everyone(2), "B": everyone(3), "C": everyone(3)})
    assert scores.table.loc["data", "mean"] == pytest.approx(8 / 3)
    assert scores.table.loc["data", "level"] == 2
    exact = score_responses({"A": everyone(3), "B": everyone(3)})
    assert exact.table.loc["data", "level"] == 3


def test_missing_themes_are_reported_and_not_counted_as_zero():
    partial = {"uses": 4, "data": 2}
    scores = score_responses({"Coordinator": everyone(2), "Volunteer": partial})
    assert scores.table.loc["uses", "respondents"] == 2
    assert scores.table.loc["tools", "respondents"] == 1
    assert scores.table.loc["tools", "mean"] == pytest.approx(2.0)
    assert any("Volunteer did not answer" in p and "Tools" in p for p in scores.problems)


def test_a_theme_nobody_scored_stays_empty_and_is_named():
    answers = everyone(3)
    del answers["skills"]
    scores = score_responses({"Coordinator": answers})
    assert scores.table.loc["skills", "respondents"] == 0
    assert math.isnan(scores.table.loc["skills", "mean"])
    assert any("Nobody gave a valid score for Skills" in p for p in scores.problems)
    advice = theme_advice(scores)
    assert advice.loc["skills", "where_you_are"].startswith("Nobody")
    assert "Not scored: Skills" in profile_alt_text(scores)


@pytest.mark.parametrize(
    "value, reason",
    [
        (0, "outside 1 to 5"),
        (6, "outside 1 to 5"),
        (-2, "outside 1 to 5"),
        ("three", "is text"),
        ("3.5", "whole number"),
        (2.5, "whole number"),
        (True, "True or False"),
        ([3], "not a number"),
    ],
)
def test_invalid_scores_are_left_out_with_a_reason(value, reason):
    answers = everyone(3)
    answers["tools"] = value
    scores = score_responses({"Coordinator": everyone(1), "Volunteer": answers})
    assert scores.table.loc["tools", "respondents"] == 1
    assert scores.table.loc["tools", "mean"] == pytest.approx(1.0)
    assert any(reason in p and "Volunteer" in p for p in scores.problems), scores.problems
    assert not any("did not answer" in p for p in scores.problems)


@pytest.mark.parametrize("value, expected", [("4", 4), (" 2 ", 2), (5.0, 5), (pd.Series([3]).iloc[0], 3)])
def test_numbers_written_as_text_or_floats_are_accepted(value, expected):
    answers = everyone(1)
    answers["culture"] = value
    clean, problems = clean_responses({"A": answers})
    assert clean["A"]["culture"] == expected
    assert problems == []


@pytest.mark.parametrize("blank", [None, "", "  ", float("nan")])
def test_blank_answers_count_as_not_answered(blank):
    answers = everyone(2)
    answers["leadership"] = blank
    scores = score_responses({"A": answers})
    assert scores.table.loc["leadership", "respondents"] == 0
    assert any("did not answer: Leadership" in p for p in scores.problems)


def test_unknown_themes_and_nameless_answers_are_left_out():
    clean, problems = clean_responses(
        {"A": {**everyone(2), "finance": 3}, "": everyone(5), None: everyone(5)}
    )
    assert list(clean) == ["A"] and "finance" not in clean["A"]
    assert any("'finance' is not a theme" in p for p in problems)
    assert sum("has no name" in p for p in problems) == 2


@pytest.mark.parametrize(
    "responses",
    [{}, {"A": {}}, {"A": {"uses": "lots"}}, {"A": "3, 4, 2"}, {"A": dict.fromkeys(THEME_IDS, 9)}],
)
def test_no_valid_scores_at_all_is_a_clear_error(responses):
    with pytest.raises(ValueError, match="no valid scores"):
        score_responses(responses)


@pytest.mark.parametrize("responses", [None, [3, 4], "uses=3"])
def test_answers_that_are_not_a_dictionary_are_a_clear_error(responses):
    with pytest.raises(ValueError, match="dictionary"):
        score_responses(responses)


# Advice, charts, words -----------------------------------------------------


def test_advice_uses_the_framework_text_for_the_level_reached():
    scores = score_responses({"A": {**everyone(2), "tools": 4}})
    advice = theme_advice(scores)
    tools = FRAMEWORK["themes"][THEME_IDS.index("tools")]
    assert advice.loc["tools", "where_you_are"] == tools["levels"][3]["summary"]
    assert advice.loc["tools", "next_step"] == tools["levels"][3]["next_step"]
    assert advice.loc["tools", "level_name"] == FRAMEWORK["level_names"][4]


def test_strengths_priorities_and_disagreements():
    a = {**everyone(2), "culture": 5, "skills": 4, "tools": 1}
    b = {**everyone(2), "culture": 5, "skills": 4, "analysis": 4, "tools": 1}
    picks = strengths_and_priorities(score_responses({"A": a, "B": b}))
    assert picks["strengths"] == ["culture", "skills"]
    assert picks["priorities"][0] == "tools"
    assert picks["talk_about"] == ["analysis"]
    with pytest.raises(ValueError):
        strengths_and_priorities(score_responses({"A": a}), n=0)


def test_profile_alt_text_is_built_from_the_scores():
    scores = score_responses({"A": {**everyone(2), "data": 4}, "B": {**everyone(2), "data": 1, "uses": 4}})
    text = profile_alt_text(scores)
    assert "2 people" in text
    assert "Highest average: Using data (3.0)" in text
    assert "Lowest average: Making sense of data (2.0)" in text
    assert "disagreed most on Our data, with scores from 1 to 4" in text
    same = profile_alt_text(score_responses({"A": everyone(3), "B": everyone(3)}))
    assert "same score" in same
    single = profile_alt_text(score_responses({"A": everyone(3)}))
    assert "1 person." in single and "disagreed" not in single


def test_profile_chart_has_a_row_per_theme_and_labels():
    scores = score_responses({"A": everyone(2), "B": everyone(4)})
    fig = plot_profile(scores)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [t["name"] for t in FRAMEWORK["themes"]]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["Average", "One person's score"]


def test_comparison_table_alt_text_and_chart():
    before = score_responses({"A": everyone(2)})
    after = score_responses({"A": {**everyone(2), "data": 4, "tools": 1}})
    table = compare_rounds(before, after)
    assert table.loc["data", "change"] == pytest.approx(2.0)
    assert table.loc["tools", "change"] == pytest.approx(-1.0)
    text = comparison_alt_text(table, ("January", "June"))
    assert "rose on 1, fell on 1 and stayed the same on 6" in text
    assert "biggest rise was in Our data, from 2.0 to 4.0" in text
    assert "biggest fall was in Tools" in text
    ax = plot_comparison(table, ("January", "June")).axes[0]
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == ["January", "June"]
    assert "+2.0" in [t.get_text() for t in ax.texts]


def test_comparison_when_a_theme_is_missing_from_one_round():
    before = score_responses({"A": {"uses": 2}})
    after = score_responses({"A": {"data": 3}})
    table = compare_rounds(before, after)
    assert table["change"].isna().all()
    assert "no theme was scored in both" in comparison_alt_text(table)


def test_summary_and_csv_exports():
    scores = score_responses({"Coordinator": everyone(2), "Volunteer": {**everyone(3), "tools": "x"}})
    text = summary_markdown(scores, round_name="before", assessed_on="2026-01-15")
    assert text.startswith("# Data maturity self-assessment: before")
    assert "| Using data | 2.5 | 2 | 3 | 2 (First steps) |" in text
    assert "## Answers left out" in text and "'x' is text" in text
    csv = pd.read_csv(__import__("io").StringIO(responses_csv(scores.responses, "before", "2026-01-15")))
    assert len(csv) == 15 and set(csv["respondent"]) == {"Coordinator", "Volunteer"}
    assert list(csv.columns) == ["round", "assessed_on", "respondent", "theme", "score"]


def test_saved_rounds_sorted_by_date_and_latest_scores():
    answers = {
        "after": {"round": "after", "assessed_on": "2026-06-01", "responses": {"A": everyone(4)}},
        "before": {"round": "before", "assessed_on": "2026-01-15", "responses": {"A": everyone(2)}},
        "note": "not a round",
    }
    assert list(saved_rounds(answers)) == ["before", "after"]
    name, scores = latest_scores(answers)
    assert name == "after" and scores.table["mean"].eq(4).all()
    assert latest_scores({}) is None


# The widget ----------------------------------------------------------------


@pytest.fixture
def answers_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAWITHCARE_ANSWERS_DIR", str(tmp_path))
    return tmp_path


def test_widget_saves_several_people_and_reloads(answers_dir):
    form = MaturityAssessment()
    fill(form, "Coordinator", everyone(2))
    assert "Saved:" in form.feedback.value
    fill(form, "Volunteer", {**everyone(3), "tools": 5})
    saved = json.loads((answers_dir / "maturity-assessment.json").read_text(encoding="utf-8"))
    responses = saved["answers"]["before"]["responses"]
    assert responses == {"Coordinator": everyone(2), "Volunteer": {**everyone(3), "tools": 5}}
    assert "2 people have answered" in form.feedback.value
    assert form.respondent.value == "" and all(q.value is None for q in form.questions.values())
    assert 'alt="Dot chart' in form.results.value and "2 people" in form.last_alt_text
    assert "maturity-before.md" in form.downloads.value and "maturity-before.csv" in form.downloads.value

    again = MaturityAssessment()
    assert again.saved.value == "before"
    assert "Loaded 1 saved round." in again.notice.value
    assert "disagreed most on Tools" in again.last_alt_text


def test_widget_partial_answers_and_replacing_a_person(answers_dir):
    form = MaturityAssessment()
    fill(form, "Coordinator", {"uses": 2, "data": 3})
    assert "Not answered:" in form.feedback.value and "Skills" in form.feedback.value
    fill(form, "Coordinator", everyone(4))
    assert "replace" in form.feedback.value
    assert form.rounds()["before"]["responses"] == {"Coordinator": everyone(4)}


@pytest.mark.parametrize(
    "who, when, round_name, scores, message",
    [
        ("", "2026-01-15", "before", everyone(2), "initials or role"),
        ("Coordinator", "15/01/2026", "before", everyone(2), "year-month-day"),
        ("Coordinator", "2026-02-30", "before", everyone(2), "not a real date"),
        ("Coordinator", "2026-01-15", "  ", everyone(2), "Give the round a name"),
        ("Coordinator", "2026-01-15", "before", {}, "at least one theme"),
    ],
)
def test_widget_explains_bad_input_and_saves_nothing(answers_dir, who, when, round_name, scores, message):
    form = MaturityAssessment()
    fill(form, who, scores, round_name=round_name, when=when)
    assert "Please check:" in form.feedback.value and message in form.feedback.value
    assert not (answers_dir / "maturity-assessment.json").exists()


def test_widget_compares_two_rounds(answers_dir):
    form = MaturityAssessment()
    form.compare_button.click()
    assert "two saved rounds" in form.feedback.value
    fill(form, "Coordinator", everyone(2))
    form.compare_button.click()
    assert "you have 1" in form.feedback.value
    fill(form, "Coordinator", {**everyone(2), "analysis": 4}, round_name="after", when="2026-06-20")
    assert (form.compare_first.value, form.compare_second.value) == ("before", "after")
    form.compare_second.value = "before"
    form.compare_button.click()
    assert "Choose two different rounds" in form.feedback.value
    form.compare_second.value = "after"
    form.compare_button.click()
    assert "biggest rise was in Making sense of data, from 2.0 to 4.0" in form.last_alt_text
    assert 'alt="Dumbbell chart' in form.comparison.value


def test_widget_show_button_without_rounds_and_with_an_unreadable_file(answers_dir):
    form = MaturityAssessment()
    form.show_button.click()
    assert "no saved rounds" in form.feedback.value
    (answers_dir / "maturity-assessment.json").write_text("{not json", encoding="utf-8")
    reopened = MaturityAssessment()
    assert "could not be read" in reopened.notice.value
    assert reopened.rounds() == {}


def test_the_framework_page_in_the_book_matches_the_yaml_file():
    page = (maturity.FRAMEWORK_PATH.parents[2] / "book" / "where-you-are-now" / "the-framework.md").read_text(
        encoding="utf-8"
    )
    for theme in FRAMEWORK["themes"]:
        assert f"## {theme['name']}" in page and theme["question"] in page
        for level in theme["levels"]:
            name = FRAMEWORK["level_names"][level["score"]]
            row = f"| {level['score']}. {name} | {level['summary']} | {level['next_step']} |"
            assert row in page, f"The book page is out of date for {theme['id']} level {level['score']}."


# The 90-day plan -----------------------------------------------------------


def test_ninety_day_plan_uses_the_priorities_and_their_next_steps():
    scores = score_responses({"A": {**everyone(3), "analysis": 1, "tools": 2}})
    plan = ninety_day_plan(scores, start="2026-01-15")
    assert list(plan.columns) == ["stage", "due", "theme", "action", "who", "done"]
    analysis = FRAMEWORK["themes"][THEME_IDS.index("analysis")]["levels"][0]["next_step"]
    tools = FRAMEWORK["themes"][THEME_IDS.index("tools")]["levels"][1]["next_step"]
    starts = plan[plan["action"].str.startswith("Start: ")]
    assert list(starts["theme"]) == ["Making sense of data", "Tools"]
    assert list(starts["action"]) == [f"Start: {analysis}", f"Start: {tools}"]
    assert list(plan["stage"].unique()) == ["Days 1-30", "Days 31-60", "Days 61-90"]
    assert set(plan.loc[plan["stage"] == "Days 61-90", "due"]) == {date(2026, 4, 15)}
    assert plan["action"].str.contains("data champion").any()
    assert plan["action"].iloc[-1].startswith("Re-assess your data maturity")
    assert (plan["who"] == "").all() and not plan["done"].any()


def test_weak_ethics_and_protection_always_comes_first():
    scores = score_responses({"A": {**everyone(3), "analysis": 1, "tools": 1, "ethics-and-protection": 2}})
    starts = ninety_day_plan(scores, start="2026-01-15")
    themes = list(starts.loc[starts["action"].str.startswith("Start: "), "theme"])
    assert themes == ["Ethics and protection", "Making sense of data"]


def test_ninety_day_plan_with_chosen_themes_and_a_theme_nobody_scored():
    answers = everyone(2)
    del answers["skills"]
    plan = ninety_day_plan(score_responses({"A": answers}), start=date(2026, 3, 1), themes=["skills"])
    start = plan.loc[plan["action"].str.startswith("Start: "), "action"].iloc[0]
    assert "Ask your team" in start and "How confident are your staff" in start
    assert plan["due"].min() == date(2026, 3, 31)


def test_ninety_day_plan_takes_actions_from_a_data_needs_plan():
    needs = {
        "data_items": [
            {"item": "Immigration status", "needed": "no"},
            {"item": "Full home address", "needed": "no"},
            {"item": "Phone number", "needed": "unsure"},
            {"item": "Register", "needed": "yes"},
        ]
    }
    plan = ninety_day_plan(score_responses({"A": everyone(3)}), start="2026-01-15", data_needs_plan=needs)
    stop = plan[plan["action"].str.startswith("Stop collecting")]
    assert len(stop) == 1 and "Full home address, Immigration status" in stop["action"].iloc[0]
    assert stop["stage"].iloc[0] == "Days 1-30"
    decide = plan[plan["action"].str.contains("not sure of: Phone number")]
    assert decide["stage"].tolist() == ["Days 31-60"]
    assert not plan["action"].str.contains("Register").any()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"themes": []}, "at least one theme"),
        ({"themes": ["finance"]}, "not themes in the framework"),
        ({"themes": ["data", "data"]}, "listed twice"),
        ({"themes": ["uses", "data", "tools", "skills"]}, "one to three themes"),
        ({"start": "15/01/2026"}, "year-month-day"),
        ({"start": "2026-02-30"}, "not a real date"),
    ],
)
def test_ninety_day_plan_explains_bad_choices(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ninety_day_plan(score_responses({"A": everyone(2)}), **kwargs)


def test_ninety_day_plan_markdown_is_a_checklist():
    plan = ninety_day_plan(score_responses({"A": everyone(2)}), start="2026-01-15", themes=["uses"])
    plan.loc[0, "who"] = "Amira"
    plan.loc[0, "done"] = True
    text = ninety_day_plan_markdown(plan, "Amira's women's group")
    assert text.startswith("# Our 90-day data plan: Amira's women's group")
    assert "## Days 1-30 (by 2026-02-14)" in text and "## Days 61-90 (by 2026-04-15)" in text
    assert "- [x] Name a data champion" in text and "(who: Amira)" in text
    assert text.count("- [ ]") == len(plan) - 1 and "(who: ______)" in text


# The cohort view -----------------------------------------------------------


@pytest.mark.parametrize("seed, min_group", [(None, 3), (7, 5)])
def test_cohort_view_never_shows_an_organisation(tmp_path, seed, min_group):
    import re

    from harness import ROOT, output_text, run_notebook

    path = ROOT / "book" / "trainers" / "cohort-view.ipynb"
    executed, _ = run_notebook(
        path, tmp_path / path.name, params={"dataset_seed": seed, "min_group": min_group}
    )
    shown = output_text(executed)
    assert not re.search(r"ORG\d", shown), "The cohort view shows an organisation's id."
    assert "Organisations assessed both times" in shown
    sizes = next(
        c["outputs"][0]["data"]["text/plain"]
        for c in executed["cells"]
        if c["cell_type"] == "code" and "group_sizes\n" in "".join(c["source"]) + "\n"
    )
    counts = [int(n) for n in re.findall(r"\s(\d+)\s*$", "".join(sizes), re.M)]
    assert counts and min(counts) >= min_group, sizes
