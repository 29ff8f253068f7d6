"""The lawful-basis helper: every path of the decision, bad input, and the widget."""

from __future__ import annotations

import base64
import json
import re

import ipywidgets as widgets
import pytest

from datawithcare.answers import AnswerStore
from datawithcare.law_dates import load_law_dates
from datawithcare.lawful_basis import (
    ANNEX1_CONDITIONS,
    EMPLOYMENT,
    EXPLICIT_CONSENT,
    LEARNING_AID_NOTE,
    LEGAL_CLAIMS,
    NONE_OF_THESE,
    QUESTION_KEYS,
    QUESTIONS,
    SAFEGUARDING,
    SPECIAL_PURPOSES,
    VITAL_9,
    AnswerProblem,
    LawfulBasisHelper,
    check_answers,
    suggest_lawful_basis,
)

# Answers that lead to no basis at all; each test changes what it needs.
NOTHING_FITS = {
    "required_by_law": "no",
    "needed_for_contract": "no",
    "official_function": "no",
    "protect_life": "no",
    "annex1_condition": "none",
    "real_choice": "no",
    "reasonable_expectation": "no",
    "special_category": "none",
    "special_purpose": "not applicable",
    "immigration_or_nationality": "no",
    "criminal_offence": "no",
    "children": "no",
}


def answers(**changes: str) -> dict:
    return {**NOTHING_FITS, **changes}


@pytest.fixture(autouse=True)
def answers_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAWITHCARE_ANSWERS_DIR", str(tmp_path / "answers"))
    return tmp_path / "answers"


# Every path through the decision ------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "basis", "article"),
    [
        ({"required_by_law": "yes"}, "Legal obligation", "6(1)(c)"),
        ({"needed_for_contract": "yes"}, "Contract", "6(1)(b)"),
        ({"official_function": "yes"}, "Public task", "6(1)(e)"),
        ({"protect_life": "yes"}, "Vital interests", "6(1)(d)"),
        (
            {"annex1_condition": "safeguarding a vulnerable person"},
            "Recognised legitimate interest",
            "6(1)(ea)",
        ),
        ({"real_choice": "yes"}, "Consent", "6(1)(a)"),
        ({"reasonable_expectation": "yes"}, "Legitimate interests", "6(1)(f)"),
    ],
)
def test_each_basis_is_reached(changes, basis, article):
    result = suggest_lawful_basis(answers(**changes))
    assert result.basis == basis
    assert article in result.article
    assert result.found_basis
    assert result.reasoning, "every suggestion explains itself"
    assert all(url.startswith("https://") for _, url in result.links)


def test_nothing_fits_says_stop_and_ask():
    result = suggest_lawful_basis(NOTHING_FITS)
    assert result.basis is None
    assert not result.found_basis
    assert any("Stop" in c for c in result.caveats)
    assert "none found" in result.to_markdown()


def test_not_sure_about_expectations_is_not_a_basis():
    assert suggest_lawful_basis(answers(reasonable_expectation="not sure")).basis is None


def test_order_a_duty_in_law_comes_before_consent():
    result = suggest_lawful_basis(answers(required_by_law="yes", real_choice="yes"))
    assert result.basis == "Legal obligation"


def test_emergency_comes_before_recognised_legitimate_interest():
    result = suggest_lawful_basis(answers(protect_life="yes", annex1_condition="an emergency"))
    assert result.basis == "Vital interests"


@pytest.mark.parametrize("condition", ANNEX1_CONDITIONS[1:])
def test_every_annex1_condition_is_named(condition):
    result = suggest_lawful_basis(answers(annex1_condition=condition))
    assert result.basis == "Recognised legitimate interest"
    assert condition in " ".join(result.reasoning)
    assert any("skips only the balancing test" in r for r in result.reasoning)
    public_body_warning = any("voluntary" in c for c in result.caveats)
    assert public_body_warning == (condition == "a public body asks for it for its public task")


def test_consent_mentions_legitimate_interests_when_expected():
    with_expectation = suggest_lawful_basis(answers(real_choice="yes", reasonable_expectation="yes"))
    without = suggest_lawful_basis(answers(real_choice="yes"))
    assert any("legitimate interests may fit" in c for c in with_expectation.caveats)
    assert not any("legitimate interests may fit" in c for c in without.caveats)


@pytest.mark.parametrize(
    "purpose", [p for p in SPECIAL_PURPOSES if p not in ("not applicable", "none of these")]
)
def test_every_article9_condition(purpose):
    result = suggest_lawful_basis(
        answers(real_choice="yes", protect_life="yes", special_category="health", special_purpose=purpose)
    )
    condition = SPECIAL_PURPOSES[purpose][0]
    assert result.special_condition == condition
    assert result.special_condition.startswith("Article 9(2)(")
    assert any("special category" in r for r in result.reasoning)


# Worked cases with the answer a data-protection lawyer would give ---------------------
# Each row: what happened, the answers, the lawful basis, and the start of the
# Article 9 condition (None: no special category data; "none": none found).

WORKED_CASES = [
    (
        # Regression (expert review): this returned "explicit consent" for an unconscious person.
        "a client collapses at the drop-in, unconscious; tell paramedics about her diabetes",
        answers(protect_life="yes", special_category="health", special_purpose=VITAL_9),
        "Vital interests",
        "Article 9(2)(c)",
    ),
    (
        # Regression (expert review): no legal-claims condition.
        "send a client's medical report to her solicitor for her asylum appeal",
        answers(reasonable_expectation="yes", special_category="health", special_purpose=LEGAL_CLAIMS),
        "Legitimate interests",
        "Article 9(2)(f)",
    ),
    (
        # Regression (expert review): no employment condition.
        "record a member of staff's sick leave to pay statutory sick pay",
        answers(required_by_law="yes", special_category="health", special_purpose=EMPLOYMENT),
        "Legal obligation",
        "Article 9(2)(b)",
    ),
    (
        "tell children's services that a 15-year-old client is being exploited, with her health details",
        answers(
            annex1_condition="safeguarding a vulnerable person",
            special_category="health",
            special_purpose="safeguarding a child or an adult at risk",
            children="yes",
        ),
        "Recognised legitimate interest",
        "Article 9(2)(g) substantial public interest, with DPA 2018 Schedule 1 paragraph 18",
    ),
    (
        "a counselling service keeps session notes about clients' mental health",
        answers(reasonable_expectation="yes", special_category="health", special_purpose="counselling"),
        "Legitimate interests",
        "Article 9(2)(g) substantial public interest, with DPA 2018 Schedule 1 paragraph 17",
    ),
    (
        "equality monitoring of clients' ethnic origin, reported only as totals",
        answers(
            reasonable_expectation="yes",
            special_category="racial or ethnic origin",
            special_purpose="monitoring equality of opportunity",
        ),
        "Legitimate interests",
        "Article 9(2)(g) substantial public interest, with DPA 2018 Schedule 1 paragraph 8",
    ),
    (
        "a client chooses to tell her story, naming her faith, in the newsletter",
        answers(
            real_choice="yes",
            special_category="religious or philosophical beliefs",
            special_purpose="the person gives explicit consent",
        ),
        "Consent",
        "Article 9(2)(a)",
    ),
    (
        "a mosque-based group keeps its members' list",
        answers(
            reasonable_expectation="yes",
            special_category="religious or philosophical beliefs",
            special_purpose="our members, in a not-for-profit body with a religious, political, "
            "philosophical or trade union aim",
        ),
        "Legitimate interests",
        "Article 9(2)(d)",
    ),
    (
        "a not-for-profit peer group for refugees living with HIV keeps members' health details",
        answers(
            reasonable_expectation="yes",
            special_category="health",
            special_purpose="support for people with a disability or medical condition",
        ),
        "Legitimate interests",
        "Article 9(2)(g) substantial public interest, with DPA 2018 Schedule 1 paragraph 16",
    ),
    (
        "keep a list of volunteers to plan the rota",
        answers(reasonable_expectation="yes"),
        "Legitimate interests",
        None,
    ),
    (
        "the council asks for a client's address for its housing duty",
        answers(annex1_condition="a public body asks for it for its public task"),
        "Recognised legitimate interest",
        None,
    ),
    (
        "a funder asks for clients' health conditions by name; no condition fits",
        answers(reasonable_expectation="yes", special_category="health", special_purpose=NONE_OF_THESE),
        "Legitimate interests",
        "none",
    ),
]


@pytest.mark.parametrize(
    ("case", "given", "basis", "condition"), WORKED_CASES, ids=[c[0][:40] for c in WORKED_CASES]
)
def test_worked_case(case, given, basis, condition):
    result = suggest_lawful_basis(given)
    assert result.basis == basis, case
    if condition is None:
        assert result.special_condition is None and not result.needs_special_condition
    elif condition == "none":
        assert result.special_condition is None and result.needs_special_condition
        assert "Do not collect or use this special category data" in result.caveats[0]
        assert "Article 9 condition:** none found" in result.to_markdown()
    else:
        assert result.special_condition.startswith(condition), case


def test_every_special_purpose_has_a_worked_case():
    used = {c[1]["special_purpose"] for c in WORKED_CASES}
    assert set(SPECIAL_PURPOSES) - {"not applicable"} <= used


def test_explicit_consent_in_an_emergency_points_to_vital_interests():
    result = suggest_lawful_basis(
        answers(
            protect_life="yes", real_choice="yes", special_category="health", special_purpose=EXPLICIT_CONSENT
        )
    )
    assert any("explicit consent is impossible" in c for c in result.caveats)


def test_vital_interests_for_special_data_needs_a_life_at_risk():
    with pytest.raises(AnswerProblem, match="vital interests"):
        suggest_lawful_basis(answers(real_choice="yes", special_category="health", special_purpose=VITAL_9))


@pytest.mark.parametrize(
    "annex1",
    [
        "a public body asks for it for its public task",
        "national security, public security or defence",
        "preventing, detecting or investigating crime",
    ],
)
def test_safeguarding_condition_is_not_accepted_for_another_purpose(annex1):
    # Regression (expert review): a public body's request was accepted with the
    # safeguarding condition whatever the purpose.
    with pytest.raises(AnswerProblem, match="paragraph 18"):
        suggest_lawful_basis(
            answers(annex1_condition=annex1, special_category="health", special_purpose=SAFEGUARDING)
        )


def test_safeguarding_condition_states_its_extra_requirement():
    result = suggest_lawful_basis(
        answers(
            annex1_condition="safeguarding a vulnerable person",
            special_category="health",
            special_purpose=SAFEGUARDING,
        )
    )
    text = " ".join(result.caveats)
    assert "without the person's consent" in text and "at risk" in text


def test_legitimate_interests_teaches_all_three_parts():
    # Regression (expert review): legitimate interests was taught as a balancing test only.
    result = suggest_lawful_basis(answers(reasonable_expectation="yes"))
    text = " ".join(result.caveats).lower()
    for part in ("purpose test", "necessity test", "balancing test"):
        assert part in text
    assert "right to object" in text


def test_recognised_legitimate_interest_skips_only_the_balancing_test():
    result = suggest_lawful_basis(answers(annex1_condition="an emergency"))
    text = " ".join(result.reasoning)
    assert "skips only the balancing test" in text and "necessary" in text


def test_every_result_shows_the_law_dates():
    dates = load_law_dates()
    result = suggest_lawful_basis(answers(real_choice="yes"))
    for text in (result.to_markdown(), result.to_html()):
        assert dates.last_checked_text in text
        assert dates.review_by_text in text


def test_no_special_category_means_no_article9_condition():
    result = suggest_lawful_basis(answers(real_choice="yes"))
    assert result.special_condition is None


def test_disability_condition_warns_for_other_data():
    result = suggest_lawful_basis(
        answers(
            real_choice="yes",
            special_category="religious or philosophical beliefs",
            special_purpose="support for people with a disability or medical condition",
        )
    )
    assert any("Check that it really fits" in c for c in result.caveats)


@pytest.mark.parametrize(
    ("flag", "words"),
    [
        ("immigration_or_nationality", "not special category data"),
        ("criminal_offence", "Schedule 1"),
        ("children", "under 13"),
    ],
)
def test_high_risk_data_adds_a_caveat(flag, words):
    plain = suggest_lawful_basis(answers(real_choice="yes"))
    flagged = suggest_lawful_basis(answers(real_choice="yes", **{flag: "yes"}))
    assert not any(words in c for c in plain.caveats)
    assert any(words in c for c in flagged.caveats)


def test_not_sure_adds_a_prompt_to_find_out():
    result = suggest_lawful_basis(answers(required_by_law="not sure", real_choice="yes"))
    assert result.basis == "Consent"
    assert any("not sure" in c and "Find out" in c for c in result.caveats)


def test_answers_are_tidied():
    tidy = check_answers({**NOTHING_FITS, "real_choice": "  YES "})
    assert tidy["real_choice"] == "yes"


def test_markdown_and_html_carry_the_learning_aid_note():
    result = suggest_lawful_basis(
        answers(real_choice="yes", special_category="health", special_purpose="counselling")
    )
    text = result.to_markdown("Counselling sessions for women who have survived violence")
    assert LEARNING_AID_NOTE in text
    assert "Counselling sessions" in text
    assert "Schedule 1 paragraph 17" in text
    assert "not legal advice" in result.to_html()


# Bad, missing and contradictory input ---------------------------------------------


@pytest.mark.parametrize("bad", [None, "yes", ["no"], 3])
def test_not_a_dictionary(bad):
    with pytest.raises(AnswerProblem, match="dictionary"):
        suggest_lawful_basis(bad)


def test_missing_answers_are_all_listed():
    partial = {k: v for k, v in NOTHING_FITS.items() if k not in ("real_choice", "children")}
    with pytest.raises(AnswerProblem) as info:
        suggest_lawful_basis(partial)
    assert len(info.value.problems) == 2
    assert "real_choice" in str(info.value) and "children" in str(info.value)


def test_empty_dictionary_lists_every_question():
    with pytest.raises(AnswerProblem) as info:
        suggest_lawful_basis({})
    assert len(info.value.problems) == len(QUESTIONS)


def test_blank_answer_counts_as_missing():
    with pytest.raises(AnswerProblem, match="Please answer"):
        suggest_lawful_basis(answers(real_choice="   "))


def test_answer_not_in_the_choices():
    with pytest.raises(AnswerProblem, match="not one of the choices for 'real_choice'"):
        suggest_lawful_basis(answers(real_choice="maybe"))


def test_answer_of_the_wrong_type():
    with pytest.raises(AnswerProblem, match="as text"):
        suggest_lawful_basis({**NOTHING_FITS, "children": True})


def test_unknown_question():
    with pytest.raises(AnswerProblem, match="not questions in the helper: concent"):
        suggest_lawful_basis({**NOTHING_FITS, "concent": "yes"})


def test_use_for_special_data_without_special_data_is_a_contradiction():
    with pytest.raises(AnswerProblem, match="no special category data"):
        suggest_lawful_basis(answers(special_purpose="counselling"))


def test_special_data_without_a_use_asks_for_one():
    with pytest.raises(AnswerProblem, match="Say what you use it for"):
        suggest_lawful_basis(answers(special_category="health"))


def test_explicit_consent_without_a_real_choice_is_a_contradiction():
    with pytest.raises(AnswerProblem, match="contradict"):
        suggest_lawful_basis(
            answers(special_category="health", special_purpose="the person gives explicit consent")
        )


def test_answer_problem_is_a_value_error():
    assert issubclass(AnswerProblem, ValueError)


def test_the_words_of_the_helper_are_data_and_a_lost_word_stops_it():
    from datawithcare import lawful_basis as lb

    assert lb.CONTENT_PATH.name == "lawful-basis.yaml" and lb.CONTENT_PATH.parent.name == "frameworks"
    lb._check_content(lb._OPTION_LISTS, QUESTION_KEYS)  # the shipped file has every word
    edited = {**lb._OPTION_LISTS, "special_purposes": tuple(p for p in SPECIAL_PURPOSES if p != VITAL_9)}
    with pytest.raises(ValueError, match="special_purposes: .protecting someone's life"):
        lb._check_content(edited, QUESTION_KEYS)
    with pytest.raises(ValueError, match="questions: 'children'"):
        lb._check_content(lb._OPTION_LISTS, QUESTION_KEYS[:-1])


def test_every_question_has_a_unique_key_and_options():
    assert len(set(QUESTION_KEYS)) == len(QUESTIONS)
    for question in QUESTIONS:
        assert len(question.options) >= 2
        assert question.text.endswith("?")


# The widget -----------------------------------------------------------------------


def fill(helper: LawfulBasisHelper, values: dict) -> None:
    for key, value in values.items():
        helper.inputs[key].value = value


def test_widget_suggests_saves_and_offers_a_download(answers_in_tmp):
    helper = LawfulBasisHelper()
    helper.purpose.value = "Text reminders for the ESOL class"
    fill(helper, answers(real_choice="yes"))
    helper.button.click()
    assert "Suggested lawful basis: Consent" in helper.result.value
    assert "not legal advice" in helper.result.value
    assert "Saved:" in helper.feedback.value
    assert "lawful-basis-suggestion.md" in helper.downloads.value
    encoded = re.search(r'href="data:text/markdown;base64,([^"]+)"', helper.downloads.value).group(1)
    assert "Text reminders for the ESOL class" in base64.b64decode(encoded).decode("utf-8")

    stored = AnswerStore("lawful-basis", folder=answers_in_tmp)
    assert stored.get("purpose") == "Text reminders for the ESOL class"
    assert stored.get("suggested_basis") == "Consent"
    assert stored.get("answers")["real_choice"] == "yes"


def test_widget_reloads_saved_answers(answers_in_tmp):
    first = LawfulBasisHelper()
    first.purpose.value = "Safeguarding referral"
    fill(first, answers(annex1_condition="safeguarding a vulnerable person"))
    first.button.click()
    again = LawfulBasisHelper()
    assert again.purpose.value == "Safeguarding referral"
    assert again.inputs["annex1_condition"].value == "safeguarding a vulnerable person"
    assert again.inputs["real_choice"].value == "no"


#: The legal-claims choice as the helper worded it before the course had a second
#: edition: answers saved with it must keep their choice.
OLD_LEGAL_CLAIMS = "a legal claim, such as medical evidence for an asylum appeal"


def test_an_answer_saved_with_an_older_example_keeps_its_choice(answers_in_tmp):
    answers_in_tmp.mkdir(parents=True)
    saved = {
        "purpose": "Medical report to a solicitor",
        "answers": {"special_category": "health", "special_purpose": OLD_LEGAL_CLAIMS},
    }
    payload = {"format": "data-with-care-answers", "store": "lawful-basis", "answers": saved}
    (answers_in_tmp / "lawful-basis.json").write_text(json.dumps(payload), encoding="utf-8")
    helper = LawfulBasisHelper()
    assert OLD_LEGAL_CLAIMS != LEGAL_CLAIMS
    assert helper.inputs["special_purpose"].value == LEGAL_CLAIMS
    assert helper.inputs["special_category"].value == "health"
    # Typed in code, the old wording names the same choice too.
    typed = answers(reasonable_expectation="yes", special_category="health", special_purpose=OLD_LEGAL_CLAIMS)
    assert check_answers(typed)["special_purpose"] == LEGAL_CLAIMS
    # A different choice with the same example is not taken for it.
    with pytest.raises(AnswerProblem):
        check_answers(answers(special_category="health", special_purpose="a claim, such as an asylum appeal"))


def test_widget_with_unanswered_questions_explains_and_keeps_the_work(answers_in_tmp):
    helper = LawfulBasisHelper()
    helper.purpose.value = "Funder report"
    helper.inputs["required_by_law"].value = "no"
    helper.button.click()
    assert "Please check:" in helper.feedback.value
    assert "Please answer" in helper.feedback.value
    assert helper.result.value == ""
    # Issue 16: the answers file is offered even while answers are missing; the suggestion is not.
    assert 'download="lawful-basis.json"' in helper.downloads.value
    assert "lawful-basis-suggestion" not in helper.downloads.value
    # Regression (expert review): work was saved only when Suggest succeeded.
    stored = AnswerStore("lawful-basis", folder=answers_in_tmp)
    assert stored.get("purpose") == "Funder report"
    assert stored.get("answers")["required_by_law"] == "no"
    assert stored.get("answers")["children"] is None


def test_widget_saves_every_change_and_reloads_it(answers_in_tmp):
    helper = LawfulBasisHelper()
    helper.purpose.value = "Health needs at the drop-in"
    helper.inputs["special_category"].value = "health"
    again = LawfulBasisHelper()
    assert again.purpose.value == "Health needs at the drop-in"
    assert again.inputs["special_category"].value == "health"
    assert again.inputs["real_choice"].value is None


def test_changing_an_answer_forgets_the_old_suggestion(answers_in_tmp):
    helper = LawfulBasisHelper()
    helper.purpose.value = "Reminders"
    fill(helper, answers(real_choice="yes"))
    helper.button.click()
    assert AnswerStore("lawful-basis", folder=answers_in_tmp).get("suggested_basis") == "Consent"
    helper.inputs["real_choice"].value = "no"
    assert AnswerStore("lawful-basis", folder=answers_in_tmp).get("suggested_basis") is None


def test_every_question_starts_unanswered(answers_in_tmp):
    helper = LawfulBasisHelper()
    for key, control in helper.inputs.items():
        assert control.value is None, key
        assert control.index is None or control.label == "Choose one", key
        if isinstance(control, widgets.Dropdown):
            assert control.label == "Choose one", key


@pytest.mark.parametrize("content", ['{"answers": null}', '{"answers": ["yes"], "purpose": "x"}'])
def test_saved_answers_that_are_not_a_dictionary_do_not_crash(answers_in_tmp, content):
    answers_in_tmp.mkdir(parents=True)
    (answers_in_tmp / "lawful-basis.json").write_text(content, encoding="utf-8")
    helper = LawfulBasisHelper()
    assert all(control.value is None for control in helper.inputs.values())


def test_widget_contradiction_is_shown(answers_in_tmp):
    helper = LawfulBasisHelper()
    helper.purpose.value = "Health needs"
    fill(helper, answers(special_category="health", special_purpose="the person gives explicit consent"))
    helper.button.click()
    assert "contradict" in helper.feedback.value
    assert helper.result.value == ""


def test_widget_needs_a_purpose(answers_in_tmp):
    helper = LawfulBasisHelper()
    fill(helper, answers(real_choice="yes"))
    helper.button.click()
    assert "describe the purpose" in helper.feedback.value
    assert helper.result.value == ""


def test_widget_with_unreadable_saved_file_starts_fresh(answers_in_tmp):
    answers_in_tmp.mkdir(parents=True)
    (answers_in_tmp / "lawful-basis.json").write_text("{not json", encoding="utf-8")
    helper = LawfulBasisHelper()
    assert "could not be read" in helper.notice.value
    assert helper.purpose.value == ""
    # The note sits at the top, above the form.
    assert helper.widget.children.index(helper.notice) < 3


def _links(area: str) -> dict[str, bytes]:
    return {
        name: base64.b64decode(data)
        for name, data in re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', area)
    }


def test_suggest_saves_before_it_checks_and_offers_the_answers_file(answers_in_tmp):
    # Issue 16: contradictory answers are still saved, and the answers file is offered.
    helper = LawfulBasisHelper()
    helper.purpose.value = "Health needs"
    fill(helper, answers(special_category="health", special_purpose=EXPLICIT_CONSENT))
    helper.inputs["real_choice"].value = "no"
    helper.button.click()
    assert "contradict" in helper.feedback.value and "saved as they are" in helper.feedback.value
    links = _links(helper.downloads.value)
    assert list(links) == ["lawful-basis.json"]
    offered = json.loads(links["lawful-basis.json"])["answers"]
    assert offered["answers"]["special_purpose"] == EXPLICIT_CONSENT
    assert offered["suggested_basis"] is None
    assert AnswerStore("lawful-basis", folder=answers_in_tmp).get("purpose") == "Health needs"


def test_a_suggestion_offers_a_page_the_text_and_the_answers_file(answers_in_tmp):
    helper = LawfulBasisHelper()
    helper.purpose.value = "Reminders"
    fill(helper, answers(real_choice="yes"))
    helper.button.click()
    links = _links(helper.downloads.value)
    assert set(links) == {"lawful-basis-suggestion.html", "lawful-basis-suggestion.md", "lawful-basis.json"}
    page = links["lawful-basis-suggestion.html"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Suggested lawful basis: Consent" in page
    # The answers file loads again in a new session, with the suggestion it led to.
    (answers_in_tmp / "lawful-basis.json").unlink()
    (answers_in_tmp / "lawful-basis.json").write_bytes(links["lawful-basis.json"])
    again = LawfulBasisHelper()
    assert again.purpose.value == "Reminders" and again.inputs["real_choice"].value == "yes"
    assert again.store.get("suggested_basis") == "Consent"
    # Links in the panel open in a new tab, so the notebook stays open.
    assert 'target="_blank" rel="noopener" href="https://ico.org.uk/' in helper.result.value


def test_the_purpose_stays_text_in_every_format(answers_in_tmp):
    purpose = "# Not a heading | <script>alert(1)</script> [x](javascript:alert(1))"
    result = suggest_lawful_basis(answers(real_choice="yes"))
    text = result.to_markdown(purpose)
    assert "**Purpose:** \\# Not a heading \\| \\<script\\>" in text
    assert "\\[x\\](javascript:alert(1))" in text
    for page in (result.to_html(purpose), result.to_page(purpose)):
        assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert 'href="javascript' not in page and "# Not a heading | " in page
    helper = LawfulBasisHelper()
    helper.purpose.value = purpose
    fill(helper, answers(real_choice="yes"))
    helper.button.click()
    assert "<script>" not in helper.result.value and "&lt;script&gt;" in helper.result.value


def test_arabic_purpose_reads_right_to_left(answers_in_tmp):
    result = suggest_lawful_basis(answers(real_choice="yes"))
    page = result.to_html("تذكير بدروس اللغة الإنجليزية")
    assert '<p dir="auto"><strong>Purpose:</strong> تذكير' in page


def test_two_open_copies_never_overwrite_each_other(answers_in_tmp):
    first = LawfulBasisHelper()
    second = LawfulBasisHelper()
    first.purpose.value = "Typed in the first copy"
    second.purpose.value = "Typed in the second copy"
    assert "Nothing was saved" in second.feedback.value
    on_screen = json.loads(_links(second.downloads.value)["lawful-basis.json"])["answers"]
    assert on_screen["purpose"] == "Typed in the second copy"
    assert AnswerStore("lawful-basis", folder=answers_in_tmp).get("purpose") == "Typed in the first copy"


def test_the_purpose_is_saved_when_the_learner_leaves_the_box_not_at_every_key(answers_in_tmp):
    # Every save keeps a backup, so saving at every key would fill backups/ with copies.
    helper = LawfulBasisHelper()
    assert helper.purpose.continuous_update is False


@pytest.mark.parametrize(
    ("saved", "field"),
    [
        ({"answers": None}, "answers"),
        ({"purpose": None}, "purpose"),
        ({"answers": {"real_choice": ["yes"]}}, "answers → real_choice"),
        ({"answers": {"concent": "yes"}}, "answers → concent → [key]"),
        ({"suggested_basis": 3}, "suggested_basis"),
    ],
)
def test_a_saved_file_of_the_wrong_shape_is_kept_aside_and_named(answers_in_tmp, saved, field):
    answers_in_tmp.mkdir(parents=True)
    payload = {"format": "data-with-care-answers", "store": "lawful-basis", "answers": saved}
    (answers_in_tmp / "lawful-basis.json").write_text(json.dumps(payload), encoding="utf-8")
    helper = LawfulBasisHelper()
    note = helper.notice.value.replace("&#x27;", "'")
    assert f"'{field}'" in note and "To mend it" in note and "Nothing has been deleted" in note
    assert helper.purpose.value == "" and all(c.value is None for c in helper.inputs.values())
    (aside,) = answers_in_tmp.glob("lawful-basis.unreadable-*.json")
    assert json.loads(aside.read_text(encoding="utf-8")) == payload


def test_a_hand_edited_answer_that_is_not_a_choice_starts_unanswered(answers_in_tmp):
    answers_in_tmp.mkdir(parents=True)
    saved = {"purpose": "Reminders", "answers": {"real_choice": "maybe", "children": "no"}}
    payload = {"format": "data-with-care-answers", "store": "lawful-basis", "answers": saved}
    (answers_in_tmp / "lawful-basis.json").write_text(json.dumps(payload), encoding="utf-8")
    helper = LawfulBasisHelper()
    assert helper.inputs["real_choice"].value is None and helper.inputs["children"].value == "no"
    assert helper.notice.value == ""


def test_a_double_click_on_suggest_keeps_the_note_and_the_result(answers_in_tmp):
    helper = LawfulBasisHelper()
    helper.purpose.value = "Reminders"
    fill(helper, answers(real_choice="yes"))
    helper.button.click()
    note, result = helper.feedback.value, helper.result.value
    assert "Saved:" in note
    helper.button.click()  # the second click of a double click
    assert helper.feedback.value == note and helper.result.value == result


def test_the_form_has_the_shared_widget_shape(answers_in_tmp):
    helper = LawfulBasisHelper()
    parts = helper.widget.children
    assert "unicode-bidi: plaintext" in parts[0].value  # Arabic purposes read right to left
    assert parts[1] is helper.notice and parts[-1] is helper.downloads
    assert parts.index(helper.button) < parts.index(helper.feedback) < parts.index(helper.result)
    assert helper.button.layout.width == "auto" and helper.purpose.style.description_width == "initial"


def test_an_overdue_law_review_is_said_first(monkeypatch):
    from datetime import date

    from datawithcare import lawful_basis
    from datawithcare.law_dates import LawDates

    monkeypatch.setattr(lawful_basis, "LAW_DATES", LawDates(date(2020, 1, 1), date(2020, 6, 1)))
    result = suggest_lawful_basis(answers(real_choice="yes"))
    assert "that date has passed" in result.caveats[0]
    assert result.basis == "Consent"
    monkeypatch.undo()
    assert "that date has passed" not in " ".join(suggest_lawful_basis(answers(real_choice="yes")).caveats)


def test_every_combination_gives_a_right_answer_or_a_clear_problem():
    """Walk every combination of the deciding answers and check the rules the law sets.

    The three flags (immigration status, criminal offence data, children) only add
    caveats, so they stay "no" here; they have their own tests above.
    """
    import itertools

    order = [
        ("required_by_law", "Legal obligation"),
        ("needed_for_contract", "Contract"),
        ("official_function", "Public task"),
        ("protect_life", "Vital interests"),
    ]
    keys = [
        "required_by_law",
        "needed_for_contract",
        "official_function",
        "protect_life",
        "annex1_condition",
        "real_choice",
        "reasonable_expectation",
        "special_category",
        "special_purpose",
    ]
    options = {q.key: q.options for q in QUESTIONS}
    options["special_category"] = ("none", "health")
    checked = refused = 0
    for values in itertools.product(*(options[k] for k in keys)):
        given = answers(**dict(zip(keys, values, strict=True)))
        try:
            result = suggest_lawful_basis(given)
        except AnswerProblem as problem:
            assert problem.problems and all(isinstance(p, str) and p for p in problem.problems)
            refused += 1
            continue
        checked += 1
        # The first basis that fits is the one suggested, in the fixed order.
        expected = next((basis for key, basis in order if given[key] == "yes"), None)
        if expected is None and given["annex1_condition"] != "none":
            expected = "Recognised legitimate interest"
        if expected is None and given["real_choice"] == "yes":
            expected = "Consent"
        if expected is None and given["reasonable_expectation"] == "yes":
            expected = "Legitimate interests"
        assert result.basis == expected, given
        purpose = given["special_purpose"]
        if given["special_category"] == "none":
            assert result.special_condition is None and not result.needs_special_condition
            continue
        # Special category data always needs a condition, or a clear stop.
        assert result.needs_special_condition
        if purpose == NONE_OF_THESE:
            assert result.special_condition is None and "Do not collect" in result.caveats[0]
            continue
        assert result.special_condition == SPECIAL_PURPOSES[purpose][0]
        # Vital interests for special category data only when a life is at risk.
        if purpose == VITAL_9:
            assert given["protect_life"] == "yes"
        # Explicit consent only when people can really say no.
        if purpose == EXPLICIT_CONSENT:
            assert given["real_choice"] == "yes"
        # The safeguarding condition never for a public body's request, security or crime.
        if purpose == SAFEGUARDING:
            assert given["annex1_condition"] in ("none", "safeguarding a vulnerable person", "an emergency")
            assert any("without the person's consent" in c for c in result.caveats)
        if result.basis == "Legitimate interests":
            assert any("necessity test" in c and "balancing test" in c for c in result.caveats)
    assert checked > 10_000 and refused > 1_000
