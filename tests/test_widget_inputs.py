"""Every widget survives bad input: hand-edited files, odd text, double clicks (issue 16).

Files of the wrong shape are generated with hypothesis. Whatever the file
holds, building the widget and pressing its button never raises, and
nothing is lost: a file the widget cannot use is kept aside, byte for
byte, and the note at the top of the widget names the field to mend.
"""

from __future__ import annotations

import base64
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from maturity_forms import everyone, fill

from datawithcare import ethics_canvas as ec
from datawithcare.lawful_basis import LawfulBasisHelper
from datawithcare.maturity import MaturityAssessment, check_round_entry, summary_markdown
from datawithcare.ninety_day_plan import ninety_day_plan, ninety_day_plan_csv, ninety_day_plan_markdown
from datawithcare.personal_data_quiz import PersonalDataQuiz, load_questions
from datawithcare.planner import DataNeedsPlanner, empty_plan, plan_to_csv, plan_to_html, plan_to_markdown
from datawithcare.render import csv_cell, md_text

QUESTIONS = load_questions()


def _press_planner(widget: DataNeedsPlanner) -> None:
    widget.save_button.click()


def _press_canvas(widget: ec.EthicsCanvas) -> None:
    widget.plan_inputs["project"].value = "A plan"
    widget.save_button.click()


def _press_quiz(widget: PersonalDataQuiz) -> None:
    widget.inputs[QUESTIONS[0].id].value = QUESTIONS[0].answer
    widget.button.click()


def _press_lawful_basis(widget: LawfulBasisHelper) -> None:
    widget.purpose.value = "Text reminders for the ESOL class"
    widget.inputs["real_choice"].value = "yes"
    widget.button.click()


LAWFUL_BASIS_ANSWERS = {
    "required_by_law": "no",
    "needed_for_contract": "no",
    "official_function": "no",
    "protect_life": "no",
    "annex1_condition": "none",
    "real_choice": "yes",
    "reasonable_expectation": "no",
    "special_category": "none",
    "special_purpose": "not applicable",
    "immigration_or_nationality": "no",
    "criminal_offence": "no",
    "children": "no",
}


def _press_maturity(widget: MaturityAssessment) -> None:
    widget.show_button.click()
    widget.compare_button.click()


WIDGETS = {
    "data-needs-plan": (DataNeedsPlanner, _press_planner, {"plan": empty_plan()}),
    "ethics-canvas": (ec.EthicsCanvas, _press_canvas, ec.sample_canvas()),
    "personal-data-quiz": (PersonalDataQuiz, _press_quiz, {"answers": {}, "correct": 0}),
    "lawful-basis": (
        LawfulBasisHelper,
        _press_lawful_basis,
        {"purpose": "Reminders", "answers": LAWFUL_BASIS_ANSWERS, "suggested_basis": "Consent"},
    ),
    "maturity-assessment": (
        MaturityAssessment,
        _press_maturity,
        {"before": {"round": "before", "assessed_on": "2026-01-15", "responses": {"A": everyone(2)}}},
    ),
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _paths(value, prefix=()):
    """Every place in a JSON value that a hand edit could change."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, (*prefix, index))


def _replace(value, path, new):
    if not path:
        return new
    copy = json.loads(json.dumps(value))
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return copy


@st.composite
def damaged(draw, good):
    """A good answers file with one part replaced by any JSON value."""
    paths = list(_paths(good))
    path = draw(st.sampled_from(paths))
    return _replace(good, path, draw(json_values))


def _survives(name: str, answers) -> None:
    widget_class, press, _good = WIDGETS[name]
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        payload = {"format": "data-with-care-answers", "store": name, "answers": answers}
        data = json.dumps(payload).encode("utf-8")
        (folder / f"{name}.json").write_bytes(data)
        widget = widget_class(folder=folder)
        press(widget)
        aside = list(folder.glob(f"{name}.unreadable-*.json"))
        if aside:
            assert len(aside) == 1 and aside[0].read_bytes() == data
            assert "could not be read" in widget.notice.value
            assert "Nothing has been deleted" in widget.notice.value
        else:
            # Loaded: anything saved since keeps a backup of the file as it was.
            backups = sorted((folder / "backups").glob(f"{name}-*.json"))
            assert (folder / f"{name}.json").read_bytes() == data or backups[0].read_bytes() == data
        assert "Traceback" not in widget.feedback.value


@pytest.mark.parametrize("name", sorted(WIDGETS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_damaged_file_never_breaks_a_widget_or_loses_anything(name, data):
    good = WIDGETS[name][2]
    _survives(name, data.draw(damaged(good) | st.dictionaries(st.text(max_size=8), json_values, max_size=3)))


@pytest.mark.parametrize(
    "name, answers, field",
    [
        ("data-needs-plan", {"plan": {"indicators": 5}}, "plan → indicators"),
        ("data-needs-plan", {"plan": {"data_items": [{"item": "Age", "needed": ["yes"]}]}}, "needed"),
        ("data-needs-plan", {"plan": {"questions": "Do we help?"}}, "plan → questions"),
        ("ethics-canvas", {"purpose": None}, "purpose"),
        ("ethics-canvas", {"decision": "perhaps"}, "decision"),
        ("personal-data-quiz", {"answers": ["Yes"]}, "answers"),
        ("lawful-basis", {"answers": None}, "answers"),
        ("lawful-basis", {"purpose": None}, "purpose"),
        ("maturity-assessment", {"before": {"responses": None}}, "before → responses"),
    ],
)
def test_the_wrong_shapes_found_in_review_are_named_and_kept_aside(name, answers, field, tmp_path):
    widget_class, press, _good = WIDGETS[name]
    payload = {"format": "data-with-care-answers", "store": name, "answers": answers}
    (tmp_path / f"{name}.json").write_text(json.dumps(payload), encoding="utf-8")
    widget = widget_class(folder=tmp_path)
    press(widget)
    assert field in widget.notice.value.replace("&#x27;", "'")
    assert "To mend it" in widget.notice.value
    (aside,) = tmp_path.glob(f"{name}.unreadable-*.json")
    assert json.loads(aside.read_text(encoding="utf-8")) == payload
    # The note sits at the top, above the form.
    assert widget.widget.children.index(widget.notice) < 3


def test_answers_null_in_the_file_is_kept_aside(tmp_path):
    payload = {"format": "data-with-care-answers", "store": "ethics-canvas", "answers": None}
    (tmp_path / "ethics-canvas.json").write_text(json.dumps(payload), encoding="utf-8")
    form = ec.EthicsCanvas(folder=tmp_path)
    assert "could not be read" in form.notice.value
    assert len(list(tmp_path.glob("ethics-canvas.unreadable-*.json"))) == 1


# Text is text ----------------------------------------------------------------


def test_a_round_name_with_dollar_signs_is_drawn_and_survives_a_restart(tmp_path):
    form = MaturityAssessment(folder=tmp_path)
    fill(form, "Coordinator", everyone(2), round_name="before")
    fill(form, "Coordinator", everyone(3), round_name="rates $10_$20", when="2026-02-01")
    assert "Saved:" in form.feedback.value
    assert form.saved.value == "rates $10_$20"
    assert "Data maturity: rates $10_$20" not in form.results.value  # the chart is an image…
    assert 'alt="Dot chart' in form.results.value  # …and it is the new round's chart
    assert "maturity-rates-10-20.md" in form.downloads.value
    again = MaturityAssessment(folder=tmp_path)  # a restart: the cell runs again
    assert again.saved.value == "rates $10_$20"
    assert 'alt="Dot chart' in again.results.value
    again.compare_first.value, again.compare_second.value = "before", "rates $10_$20"
    again.compare_button.click()
    assert 'alt="Dumbbell chart' in again.comparison.value


def test_the_chart_shows_dollar_signs_as_text():
    from matplotlib.figure import Figure

    from datawithcare.maturity import plot_profile, score_responses

    fig = plot_profile(score_responses({"A": everyone(2)}), title="rates $10_$20")
    fig.canvas.draw()  # mathtext would raise here
    title = fig.axes[0].title
    assert title.get_text() == r"rates \$10_\$20" and not title._preprocess_math(title.get_text())[1]
    assert isinstance(fig, Figure)


@pytest.mark.parametrize("when", ["0001-01-01", "1999-12-31", "2999-01-01"])
def test_the_self_assessment_refuses_dates_that_cannot_be_right(when):
    problems = check_round_entry("before", when, "Coordinator", everyone(2))
    assert any("cannot be the day you answered" in p for p in problems)


def test_markdown_exports_keep_learner_text_as_text():
    plan = empty_plan()
    plan.update(
        organisation="<script>alert(1)</script>",
        mission="# Not a heading\n| not | a table |",
        questions=["Do we help | or not?"],
        indicators=[{"question": "Do we help | or not?", "indicator": "Visits | per week"}],
        data_items=[
            {
                "indicator": "Visits | per week",
                "item": "Visit date",
                "needed": "yes",
                "sensitive": False,
                "reason": "To count | weekly",
            }
        ],
    )
    text = plan_to_markdown(plan)
    row = next(line for line in text.splitlines() if line.startswith("| Visit date"))
    assert row.count(" | ") == 3 and "To count \\| weekly" in row  # the reason stays in its cell
    assert "\n# Not a heading" not in text and "\\# Not a heading" in text
    assert "<script>" not in text and "\\<script\\>" in text
    page = plan_to_html(plan)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "To count | weekly</td>" in page


def test_the_canvas_quote_cannot_hide_a_heading():
    canvas = ec.sample_canvas()
    canvas["purpose"] = "First line\n# Not a heading\n<script>x</script>"
    text = ec.canvas_to_markdown(canvas)
    assert "> \\# Not a heading" in text and "\\<script\\>x\\</script\\>" in text
    page = ec.canvas_to_html(canvas)
    assert "<h1>Not a heading" not in page and "# Not a heading" in page and "<script>" not in page


def test_right_to_left_text_reads_right_to_left():
    canvas = ec.sample_canvas()
    canvas["purpose"] = "نريد أن نعرف عدد الأشخاص الذين ساعدناهم"
    page = ec.canvas_to_html(canvas)
    assert re.search(r'<blockquote dir="auto">\s*<p dir="auto">نريد', page)
    form = ec.EthicsCanvas(folder=tempfile.mkdtemp())
    assert "unicode-bidi: plaintext" in form.widget.children[0].value


def _cells(text: str) -> list[str]:
    import csv
    import io

    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize("bad", ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)"])
def test_csv_exports_never_hold_a_formula(bad):
    from datawithcare.maturity import responses_csv

    assert csv_cell(bad) == "'" + bad
    plan = empty_plan()
    plan.update(mission=bad, questions=["Q?"])
    for text in (plan_to_csv(plan), responses_csv({bad: {"uses": 2}}, bad, "2026-01-15")):
        cells = _cells(text)
        assert "'" + bad in cells
        assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_the_ninety_day_plan_escapes_names_and_neutralises_formulas():
    from datawithcare.maturity import score_responses

    plan = ninety_day_plan(score_responses({"A": everyone(2)}), start="2026-01-15")
    plan.loc[0, "who"] = "=cmd|' /C calc'!A0"
    text = ninety_day_plan_markdown(plan, "Our | group")
    assert text.startswith("# Our 90-day data plan: Our \\| group")
    assert "(who: \\=cmd\\|' /C calc'!A0)" in text
    assert "'=cmd" in ninety_day_plan_csv(plan)


def test_the_maturity_summary_escapes_the_round_name():
    from datawithcare.maturity import score_responses

    text = summary_markdown(score_responses({"A": everyone(2)}), round_name="<b>x</b> | y")
    assert text.startswith("# Data maturity self-assessment: \\<b\\>x\\</b\\> \\| y")


def test_md_text_escapes_what_would_become_markup():
    assert md_text("1. first") == "1\\. first"
    assert md_text("- item") == "\\- item"
    assert md_text("a & b &amp; c") == "a & b \\&amp; c"
    assert md_text("plain words, stay plain.") == "plain words, stay plain."


# Point 7: small things that mislead ---------------------------------------------


def test_a_double_click_on_add_keeps_the_success_note(tmp_path):
    form = MaturityAssessment(folder=tmp_path)
    fill(form, "Coordinator", everyone(2), round_name="before")
    note = form.feedback.value
    assert "Saved:" in note
    form.add_button.click()  # the second click of a double click
    assert form.feedback.value == note


def test_buttons_and_labels_are_never_cut(tmp_path):
    planner = DataNeedsPlanner(folder=tmp_path)
    for button in (planner.remove_indicator_button, planner.add_item_button, planner.save_button):
        assert button.layout.width == "auto"
    for box in (planner.organisation, planner.item_reason, planner.indicator_question):
        assert box.style.description_width == "initial"
    form = MaturityAssessment(folder=tmp_path)
    assert form.add_button.layout.width == "auto"
    assert form.respondent.style.description_width == "initial"


def test_one_round_is_counted_in_words(tmp_path):
    form = MaturityAssessment(folder=tmp_path)
    fill(form, "Coordinator", everyone(2), round_name="before")
    assert "1 person has answered" in form.feedback.value
    again = MaturityAssessment(folder=tmp_path)
    assert "Loaded 1 saved round." in again.notice.value


def test_counts_of_one_are_singular():
    from datawithcare.maturity import compare_rounds, comparison_alt_text, profile_alt_text, score_responses

    one = score_responses({"A": {"uses": 2}})
    assert "on 1 theme," in profile_alt_text(one) and "1 themes" not in profile_alt_text(one)
    text = comparison_alt_text(compare_rounds(one, score_responses({"A": {"uses": 3}})))
    assert "on 1 theme." in text


def test_a_right_answer_says_right_once(tmp_path):
    quiz = PersonalDataQuiz(folder=tmp_path)
    _press_quiz(quiz)
    explanation = quiz.explanations[QUESTIONS[0].id].value
    assert "Right:" in explanation and "Right." not in explanation


def test_start_again_asks_before_deleting_saved_answers(tmp_path):
    quiz = PersonalDataQuiz(folder=tmp_path)
    quiz.inputs[QUESTIONS[0].id].value = QUESTIONS[0].answer
    quiz.button.click()
    quiz.reset_button.click()
    assert "Do you want to delete them?" in quiz.feedback.value
    assert quiz.inputs[QUESTIONS[0].id].value == QUESTIONS[0].answer
    quiz.keep_button.click()
    assert "Nothing was deleted" in quiz.feedback.value
    assert PersonalDataQuiz(folder=tmp_path).inputs[QUESTIONS[0].id].value == QUESTIONS[0].answer
    quiz.reset_button.click()
    quiz.confirm_reset_button.click()
    assert all(control.value is None for control in quiz.inputs.values())
    assert PersonalDataQuiz(folder=tmp_path).inputs[QUESTIONS[0].id].value is None
    assert list((tmp_path / "backups").glob("personal-data-quiz-*.json"))


def _links(area: str) -> dict[str, bytes]:
    return {
        name: base64.b64decode(data)
        for name, data in re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', area)
    }


def test_every_widget_offers_its_reloadable_answers_file(tmp_path):
    planner = DataNeedsPlanner(folder=tmp_path)
    planner.questions.value = "Do we help?"
    planner.save_button.click()  # the plan still has problems…
    assert "Please check:" in planner.feedback.value
    links = _links(planner.downloads.value)
    assert json.loads(links["data-needs-plan.json"])["answers"]["plan"]["questions"] == ["Do we help?"]

    canvas = ec.EthicsCanvas(folder=tmp_path)
    canvas.plan_inputs["project"].value = "Photos"
    canvas.save_button.click()
    assert json.loads(_links(canvas.downloads.value)["ethics-canvas.json"])["answers"]["project"] == "Photos"

    quiz = PersonalDataQuiz(folder=tmp_path)
    _press_quiz(quiz)
    assert "personal-data-quiz.json" in _links(quiz.downloads.value)

    helper = LawfulBasisHelper(folder=tmp_path)
    helper.purpose.value = "Funder report"
    helper.button.click()  # …questions still unanswered
    assert "Please check:" in helper.feedback.value
    saved = json.loads(_links(helper.downloads.value)["lawful-basis.json"])
    assert saved["answers"]["purpose"] == "Funder report"

    form = MaturityAssessment(folder=tmp_path)
    fill(form, "Coordinator", everyone(2), round_name="<b>before</b>")
    links = _links(form.downloads.value)
    assert "maturity-assessment.json" in links
    page = links["maturity-b-before-b.html"].decode("utf-8")  # the same summary as the Markdown, as a page
    assert "&lt;b&gt;before&lt;/b&gt;" in page and "<b>" not in page
    assert "People who answered: 1" in links["maturity-b-before-b.md"].decode("utf-8")


def test_a_refused_save_offers_what_is_on_screen(tmp_path):
    planner = DataNeedsPlanner(folder=tmp_path)
    other = DataNeedsPlanner(folder=tmp_path)
    other.mission.value = "Saved in another copy"
    other.save_button.click()
    planner.mission.value = "Typed here"
    planner.save_button.click()
    assert "Nothing was saved" in planner.feedback.value
    on_screen = json.loads(_links(planner.downloads.value)["data-needs-plan.json"])
    assert on_screen["answers"]["plan"]["mission"] == "Typed here"
    saved = json.loads((tmp_path / "data-needs-plan.json").read_text(encoding="utf-8"))
    assert saved["answers"]["plan"]["mission"] == "Saved in another copy"


def test_infinity_or_nan_in_a_hand_edited_file_is_kept_aside(tmp_path):
    # Python writes these words, but they are not JSON: found by hypothesis.
    text = '{"format": "data-with-care-answers", "answers": {"b": {"responses": {"A": {"uses": Infinity}}}}}'
    (tmp_path / "maturity-assessment.json").write_text(text, encoding="utf-8")
    form = MaturityAssessment(folder=tmp_path)
    assert "Infinity" in form.notice.value and "could not be read" in form.notice.value
    (aside,) = tmp_path.glob("maturity-assessment.unreadable-*.json")
    assert aside.read_text(encoding="utf-8") == text
