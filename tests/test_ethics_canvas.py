"""Tests for the ethics canvas: the pure functions on every path, then the form."""

from __future__ import annotations

import base64
import json
import re

import pytest

from datawithcare import ethics_canvas as ec


def _complete(decision: str = "go") -> dict:
    """A complete canvas with every strand rated low, with the given decision."""
    canvas = ec.sample_canvas()
    for entry in canvas["strands"].values():
        entry["risk"] = "low"
    canvas["decision"] = decision
    return canvas


# -- check_canvas -------------------------------------------------------------


def test_sample_canvas_is_complete_and_a_copy():
    assert ec.check_canvas(ec.sample_canvas()) == []
    first = ec.sample_canvas()
    first["purpose"] = ""
    assert ec.sample_canvas()["purpose"] != ""


@pytest.mark.parametrize("decision", ["go", "go-with-changes", "stop"])
def test_complete_canvas_has_no_problems(decision):
    assert ec.check_canvas(_complete(decision)) == []


@pytest.mark.parametrize("bad", [None, "a canvas", 42, ["purpose"]])
def test_not_a_dict_gives_one_clear_problem(bad):
    problems = ec.check_canvas(bad)
    assert len(problems) == 1
    assert "could not be read" in problems[0]


def test_empty_canvas_lists_every_gap():
    problems = ec.check_canvas(ec.empty_canvas())
    text = " ".join(problems)
    assert "short name" in text
    for label in ("Purpose", "What data", "Who is affected"):
        assert f"'{label}' is empty" in text
    assert "Choose a decision" in text
    for strand in ec.STRANDS:
        assert f"'{strand.title}' is empty" in text


@pytest.mark.parametrize(
    ("purpose", "expected"),
    [
        ("", "is empty"),
        ("   \n  ", "is empty"),
        ("data", "too short"),
        ("funder report", "too short"),
        ("?!...", "no words"),
        ("2026 2027 42", "no words"),
        ("data data data data", "repeats one word"),
    ],
)
def test_weak_purpose_is_explained(purpose, expected):
    canvas = _complete()
    canvas["purpose"] = purpose
    problems = ec.check_canvas(canvas)
    assert len(problems) == 1
    assert "'Purpose'" in problems[0]
    assert expected in problems[0]


def test_words_in_other_alphabets_count():
    canvas = _complete()
    canvas["purpose"] = "تقرير سنوي للممول"  # "yearly report to the funder", in Arabic
    assert ec.check_canvas(canvas) == []


def test_project_name_may_be_one_word_but_not_punctuation():
    canvas = _complete()
    canvas["project"] = "Survey"
    assert ec.check_canvas(canvas) == []
    canvas["project"] = "---"
    assert ec.check_canvas(canvas) == ["The name of the plan has no words in it. Give it a name in words."]


def test_non_text_answers_count_as_blank():
    canvas = _complete()
    canvas["data"] = 12
    canvas["strands"]["harms"] = "high"
    problems = ec.check_canvas(canvas)
    assert any("'What data' is empty" in p for p in problems)
    assert any("'Risks and harms' is empty, but you chose Go" in p for p in problems)


def test_empty_strand_with_go_says_think_first():
    canvas = _complete("go")
    canvas["strands"]["wellbeing"]["notes"] = ""
    problems = ec.check_canvas(canvas)
    assert problems == [
        "'Wellbeing and thriving' is empty, but you chose Go. Think this strand through "
        "before you decide to go ahead."
    ]


def test_empty_strand_with_go_with_changes_is_a_plain_gap():
    canvas = _complete("go-with-changes")
    canvas["strands"]["insights"]["notes"] = " "
    assert ec.check_canvas(canvas) == [
        "'Responsible use of data-informed insights' is empty. Write one or two sentences."
    ]


def test_stop_may_leave_strands_empty_but_needs_one_reason():
    canvas = _complete("stop")
    for key in ("transparency", "protection", "insights", "wellbeing"):
        canvas["strands"][key] = {"notes": "", "risk": ""}
    assert ec.check_canvas(canvas) == []
    canvas["strands"]["harms"] = {"notes": "", "risk": "high"}
    problems = ec.check_canvas(canvas)
    assert len(problems) == 1
    assert "You chose Stop" in problems[0]


def test_one_word_strand_answer_is_too_short():
    canvas = _complete()
    canvas["strands"]["harms"]["notes"] = "fine"
    problems = ec.check_canvas(canvas)
    assert len(problems) == 1
    assert "'Risks and harms' is too short" in problems[0]


def test_strand_with_notes_needs_a_rating():
    canvas = _complete("stop")
    canvas["strands"]["protection"]["risk"] = ""
    assert ec.check_canvas(canvas) == [
        "Choose a risk rating (low, medium or high) for 'Responsibility for data protection'."
    ]


def test_unknown_rating_or_decision_is_treated_as_missing():
    canvas = _complete()
    canvas["strands"]["harms"]["risk"] = "very bad"
    canvas["decision"] = "maybe"
    problems = ec.check_canvas(canvas)
    assert "Choose a decision: go, go with changes, or stop." in problems
    assert "Choose a risk rating (low, medium or high) for 'Risks and harms'." in problems


def test_go_with_a_high_risk_is_questioned():
    canvas = _complete("go")
    canvas["strands"]["harms"]["risk"] = "high"
    problems = ec.check_canvas(canvas)
    assert len(problems) == 1
    assert "high risk, but chose Go" in problems[0]
    canvas["decision"] = "go-with-changes"
    assert ec.check_canvas(canvas) == []


@pytest.mark.parametrize("changes", ["", "tbc", "..."])
def test_go_with_changes_needs_the_changes(changes):
    canvas = _complete("go-with-changes")
    canvas["changes"] = changes
    problems = ec.check_canvas(canvas)
    assert len(problems) == 1
    assert problems[0].startswith("'Changes to make'")
    assert problems[0].endswith("Say what will change, and who will do it.")


# -- normalise_canvas and highest_risk ---------------------------------------


def test_normalise_fills_gaps_and_drops_bad_values():
    canvas = ec.normalise_canvas({"purpose": "  Plan  ", "strands": {"harms": {"notes": 3, "risk": "huge"}}})
    assert canvas["purpose"] == "Plan"
    assert canvas["strands"]["harms"] == {"notes": "", "risk": ""}
    assert set(canvas["strands"]) == {strand.key for strand in ec.STRANDS}
    assert ec.normalise_canvas("nonsense") == ec.empty_canvas()


def test_highest_risk():
    assert ec.highest_risk(ec.empty_canvas()) == ""
    assert ec.highest_risk(ec.sample_canvas()) == "high"
    canvas = _complete()
    canvas["strands"]["insights"]["risk"] = "medium"
    assert ec.highest_risk(canvas) == "medium"


# -- summaries ----------------------------------------------------------------


def test_markdown_summary_of_complete_canvas():
    canvas = ec.sample_canvas()
    text = ec.canvas_to_markdown(canvas)
    assert text.startswith("# Ethics canvas: Yearly report to our main funder\n")
    assert "not finished" not in text
    for number, strand in enumerate(ec.STRANDS, start=1):
        assert f"## {number}. {strand.title}" in text
    assert "Highest risk: **High**" in text
    assert "- Risks and harms: **High**" in text
    assert "- Wellbeing and thriving: **Low**" in text
    assert ec.DECISIONS["go-with-changes"] in text
    assert "> Send counts only" in text


def test_markdown_summary_of_unfinished_canvas_lists_what_to_do():
    text = ec.canvas_to_markdown({"purpose": "Count our ESOL learners"})
    assert text.startswith("# Ethics canvas: Untitled plan\n")
    assert "**This canvas is not finished.**" in text
    assert "- Give the plan a short name" in text
    assert "_(not answered)_" in text
    assert "Highest risk: **not rated**" in text
    assert "- Risks and harms: **not rated**" in text
    assert "**not decided**" in text


def test_markdown_quotes_learner_text_so_it_cannot_add_headings():
    canvas = _complete()
    canvas["purpose"] = "First line of the plan\n# Not a heading\n\nLast line here"
    text = ec.canvas_to_markdown(canvas)
    # Each line stays a line, and "#" is escaped, so it is text inside the quote, not a heading.
    assert "> First line of the plan\\\n> \\# Not a heading\n>\n> Last line here" in text
    assert "\n# Not a heading" not in text and "> # Not a heading" not in text
    assert "<h1>Not a heading" not in ec.canvas_to_html(canvas)


def test_html_summary_escapes_learner_text():
    canvas = _complete()
    canvas["project"] = "<script>alert(1)</script> report"
    canvas["strands"]["harms"]["notes"] = "Names & addresses <b>must</b> stay with us"
    page = ec.canvas_to_html(canvas)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Names &amp; addresses &lt;b&gt;must&lt;/b&gt; stay with us" in page
    assert "not finished" not in page


def test_html_summary_of_unfinished_canvas():
    page = ec.canvas_to_html(ec.empty_canvas())
    assert "This canvas is not finished" in page
    assert page.count("<em>(not answered)</em>") == 3 + len(ec.STRANDS)
    assert '<li dir="auto">Risks and harms: <strong>not rated</strong></li>' in page
    assert "Highest risk: <strong>not rated</strong>" in page


def test_summary_box_is_a_fragment_with_small_headings():
    box = ec.canvas_summary_html(ec.sample_canvas())
    assert box.startswith('<div class="ethics-canvas-summary"')
    assert box.rstrip().endswith("</div>")
    # No page, no style sheet that could restyle the book or the notebook around it.
    for page_only in ("<!DOCTYPE", "<html", "<body", "<style", "<title"):
        assert page_only not in box
    # Headings start at h4, so they never look like the lesson's own headings.
    assert not re.search(r"<h[1-3][ >]", box)
    assert '<h4 dir="auto">Ethics canvas: Yearly report to our main funder</h4>' in box
    assert box.count("<h5 ") == 3 + len(ec.STRANDS)
    assert "Highest risk: <strong>High</strong>" in box


def test_summary_box_escapes_and_shows_what_is_missing():
    canvas = ec.empty_canvas()
    canvas["project"] = "<b>Food bank</b> survey"
    box = ec.canvas_summary_html(canvas)
    assert "<b>Food bank</b>" not in box
    assert "&lt;b&gt;Food bank&lt;/b&gt; survey" in box
    assert "This canvas is not finished" in box
    assert box.count("<em>(not answered)</em>") == 3 + len(ec.STRANDS)


def test_html_keeps_paragraphs():
    canvas = _complete()
    canvas["purpose"] = "One paragraph here.\nSame paragraph.\n\nSecond paragraph here."
    page = ec.canvas_to_html(canvas)
    assert (
        '<p dir="auto">One paragraph here.<br />\nSame paragraph.</p>\n<p dir="auto">Second paragraph here.</p>'
        in page
    )


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        ("Yearly report to our main funder", "ethics-canvas-yearly-report-to-our-main-funder.md"),
        ("", "ethics-canvas.md"),
        ("../../etc/passwd", "ethics-canvas-etc-passwd.md"),
        ("!!!", "ethics-canvas.md"),
    ],
)
def test_summary_filename_is_safe(project, expected):
    assert ec.summary_filename({"project": project}, "md") == expected


# -- the form -----------------------------------------------------------------


def _fill_form(form: ec.EthicsCanvas, canvas: dict) -> None:
    for key, box in form.plan_inputs.items():
        box.value = canvas[key]
    for key, entry in canvas["strands"].items():
        form.strand_notes[key].value = entry["notes"]
        form.strand_risk[key].value = entry["risk"]
    form.decision.value = canvas["decision"]
    form.changes.value = canvas["changes"]


def _decoded_links(area_html: str) -> dict[str, str]:
    links = re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', area_html)
    return {name: base64.b64decode(data).decode("utf-8") for name, data in links}


@pytest.fixture
def answers_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAWITHCARE_ANSWERS_DIR", str(tmp_path))
    return tmp_path


def test_form_saves_reloads_and_offers_summary(answers_dir):
    form = ec.EthicsCanvas()
    assert form.feedback.value == ""
    sample = ec.sample_canvas()
    _fill_form(form, sample)
    form.save_button.click()

    assert "Saved:" in form.feedback.value
    assert "complete" in form.feedback.value
    saved = json.loads((answers_dir / "ethics-canvas.json").read_text(encoding="utf-8"))
    assert saved["answers"] == sample

    links = _decoded_links(form.downloads.value)
    assert set(links) == {
        "ethics-canvas-yearly-report-to-our-main-funder.html",
        "ethics-canvas-yearly-report-to-our-main-funder.md",
        "ethics-canvas.json",
    }
    assert json.loads(links["ethics-canvas.json"])["answers"] == sample
    assert links["ethics-canvas-yearly-report-to-our-main-funder.md"] == ec.canvas_to_markdown(sample)

    again = ec.EthicsCanvas()
    assert again.answers() == sample
    assert again.strand_risk["harms"].value == "high"
    assert "was loaded" in again.notice.value


def test_form_explains_bad_input_and_keeps_a_draft(answers_dir):
    form = ec.EthicsCanvas()
    form.plan_inputs["project"].value = "Photos"
    form.plan_inputs["purpose"].value = "???"
    form.strand_notes["harms"].value = "ok"
    form.strand_risk["harms"].value = "high"
    form.decision.value = "go"
    form.save_button.click()

    message = form.feedback.value
    assert "Please check:" in message
    assert "no words in it" in message
    assert "&#x27;Risks and harms&#x27; is too short" in message
    assert "but you chose Go" in message
    assert "Your draft is saved" in message
    assert "Traceback" not in message
    assert ec.EthicsCanvas().plan_inputs["purpose"].value == "???"
    assert "not finished" in _decoded_links(form.downloads.value)["ethics-canvas-photos.md"]


def test_empty_form_is_not_saved(answers_dir):
    form = ec.EthicsCanvas()
    form.save_button.click()
    assert "The form is empty" in form.feedback.value
    assert not (answers_dir / "ethics-canvas.json").exists()
    assert form.downloads.value == ""


def test_form_survives_a_damaged_answer_file(answers_dir):
    (answers_dir / "ethics-canvas.json").write_text("{not json", encoding="utf-8")
    form = ec.EthicsCanvas()
    assert "could not be read" in form.notice.value
    assert form.answers() == ec.empty_canvas()
    assert list(answers_dir.glob("ethics-canvas.unreadable-*.json"))


def test_form_keeps_a_hand_edited_file_with_bad_values_aside_and_names_them(answers_dir):
    payload = {
        "format": "data-with-care-answers",
        "store": "ethics-canvas",
        "answers": {
            "project": "ESOL register",
            "decision": "perhaps",
            "strands": {"harms": {"risk": "severe"}},
        },
    }
    (answers_dir / "ethics-canvas.json").write_text(json.dumps(payload), encoding="utf-8")
    form = ec.EthicsCanvas()
    note = form.notice.value.replace("&#x27;", "'")
    assert "'decision'" in note and "'strands → harms → risk'" in note and "perhaps" in note
    (aside,) = answers_dir.glob("ethics-canvas.unreadable-*.json")
    assert json.loads(aside.read_text(encoding="utf-8")) == payload
    assert form.answers() == ec.empty_canvas()


def test_form_reports_a_folder_it_cannot_write(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("DATAWITHCARE_ANSWERS_DIR", str(blocker))
    form = ec.EthicsCanvas()
    _fill_form(form, ec.sample_canvas())
    form.save_button.click()
    assert "Please check:" in form.feedback.value
    assert "could not be saved" in form.feedback.value
    assert "ethics-canvas-yearly-report-to-our-main-funder.html" in form.downloads.value
