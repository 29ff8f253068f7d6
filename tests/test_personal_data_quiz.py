"""The "Is this personal data?" self-check: question file, marking, bad input, widget."""

from __future__ import annotations

import base64
import re

import pytest

from datawithcare.answers import AnswerStore
from datawithcare.personal_data_quiz import (
    PersonalDataQuiz,
    QuizDataError,
    check_answer,
    load_questions,
    mark,
    summary_markdown,
)

QUESTIONS = load_questions()
RIGHT = {q.id: q.answer for q in QUESTIONS}


def wrong_choice(question):
    return next(c for c in question.choices if c != question.answer)


@pytest.fixture(autouse=True)
def answers_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("DATAWITHCARE_ANSWERS_DIR", str(tmp_path / "answers"))
    return tmp_path / "answers"


# The shipped questions -------------------------------------------------------------


def test_shipped_questions_are_complete():
    assert len(QUESTIONS) >= 8
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        assert q.answer in q.choices
        assert len(q.explanation.split()) >= 12, f"{q.id}: explain the answer in a sentence or two"


def test_every_choice_is_a_right_answer_somewhere():
    answers = {q.answer for q in QUESTIONS}
    assert answers == set(QUESTIONS[0].choices), "each choice should be right for at least one example"


# Marking ------------------------------------------------------------------------------


def test_all_right():
    score = mark(RIGHT)
    assert score.correct == score.total == score.answered == len(QUESTIONS)
    assert score.finished


def test_all_wrong():
    score = mark({q.id: wrong_choice(q) for q in QUESTIONS})
    assert score.correct == 0
    assert score.answered == len(QUESTIONS)
    assert all(not r.correct for r in score.results.values())


def test_one_answer_is_marked_with_its_explanation():
    question = QUESTIONS[0]
    right = check_answer(question, question.answer)
    wrong = check_answer(question, wrong_choice(question))
    assert right.correct and not wrong.correct
    assert right.explanation == question.explanation


def test_unanswered_are_listed_and_the_rest_marked():
    partial = dict(list(RIGHT.items())[:3]) | {QUESTIONS[3].id: None, QUESTIONS[4].id: "  "}
    score = mark(partial)
    assert score.answered == 3 and score.correct == 3
    assert QUESTIONS[3].id in score.unanswered and QUESTIONS[4].id in score.unanswered
    assert len(score.unanswered) == len(QUESTIONS) - 3
    assert not score.finished


def test_invalid_choice_and_unknown_question_are_reported():
    answers = RIGHT | {QUESTIONS[0].id: "Maybe", "no-such-question": "Yes, personal data"}
    score = mark(answers)
    assert "not one of the choices" in score.invalid[QUESTIONS[0].id]
    assert "no-such-question" in score.invalid
    assert score.answered == len(QUESTIONS) - 1
    assert not score.finished


@pytest.mark.parametrize("bad", [None, "", "   ", "Probably", 3])
def test_check_answer_rejects_blank_and_invalid(bad):
    with pytest.raises(ValueError):
        check_answer(QUESTIONS[0], bad)


@pytest.mark.parametrize("bad", [None, ["Yes"], "Yes"])
def test_mark_needs_a_dictionary(bad):
    with pytest.raises(ValueError, match="dictionary"):
        mark(bad)


def test_summary_has_score_answers_and_explanations():
    answers = {QUESTIONS[0].id: QUESTIONS[0].answer, QUESTIONS[1].id: wrong_choice(QUESTIONS[1])}
    text = summary_markdown(mark(answers))
    assert f"**Score:** 1 out of {len(QUESTIONS)} (2 answered)" in text
    assert "Not quite" in text
    assert QUESTIONS[0].explanation in text
    assert text.count("*Not answered yet.*") == len(QUESTIONS) - 2


# Bad question files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("questions: []\n", "non-empty list"),
        ("- just a list\n", "non-empty list"),
        ("questions: [\n", "not valid YAML"),
        ("choices: [a, b]\nquestions:\n  - id: x\n    example: e\n    answer: a\n", "missing: explanation"),
        (
            "choices: [a, b]\nquestions:\n  - id: x\n    example: e\n    answer: c\n    explanation: t\n",
            "not one of",
        ),
        ("questions:\n  - id: x\n    example: e\n    answer: a\n    explanation: t\n", "two choices"),
        (
            "choices: [a, b]\nquestions:\n"
            "  - {id: x, example: e, answer: a, explanation: t}\n"
            "  - {id: x, example: f, answer: b, explanation: u}\n",
            "used twice",
        ),
    ],
)
def test_bad_question_files_are_explained(tmp_path, content, message):
    path = tmp_path / "quiz.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QuizDataError, match=message):
        load_questions(path)


def test_missing_question_file(tmp_path):
    with pytest.raises(QuizDataError, match="could not be read"):
        load_questions(tmp_path / "nothing.yaml")


# The widget ---------------------------------------------------------------------------


def test_widget_marks_saves_and_offers_a_download(answers_in_tmp):
    quiz = PersonalDataQuiz()
    first, second = QUESTIONS[0], QUESTIONS[1]
    quiz.inputs[first.id].value = first.answer
    quiz.inputs[second.id].value = wrong_choice(second)
    quiz.button.click()
    assert "Right:" in quiz.explanations[first.id].value
    assert "Think again:" in quiz.explanations[second.id].value
    assert quiz.explanations[QUESTIONS[2].id].value == ""
    assert "1 right out of 2 answered" in quiz.feedback.value
    assert "Still to answer: 3" in quiz.feedback.value
    assert "Saved:" in quiz.feedback.value
    encoded = re.search(r'href="data:text/markdown;base64,([^"]+)"', quiz.downloads.value).group(1)
    assert "Not quite" in base64.b64decode(encoded).decode("utf-8")

    stored = AnswerStore("personal-data-quiz", folder=answers_in_tmp)
    assert stored.get("answers") == {first.id: first.answer, second.id: wrong_choice(second)}
    assert stored.get("correct") == 1


def test_widget_reloads_progress(answers_in_tmp):
    quiz = PersonalDataQuiz()
    quiz.inputs[QUESTIONS[2].id].value = QUESTIONS[2].answer
    quiz.button.click()
    again = PersonalDataQuiz()
    assert again.inputs[QUESTIONS[2].id].value == QUESTIONS[2].answer
    assert again.inputs[QUESTIONS[0].id].value is None


def test_widget_with_nothing_answered_asks_for_an_answer(answers_in_tmp):
    quiz = PersonalDataQuiz()
    quiz.button.click()
    assert "Please check:" in quiz.feedback.value
    assert quiz.downloads.value == ""
    assert not (answers_in_tmp / "personal-data-quiz.json").exists()


def test_widget_clears_invalid_saved_answers(answers_in_tmp):
    AnswerStore("personal-data-quiz", folder=answers_in_tmp).set(
        "answers", {QUESTIONS[0].id: "Maybe", QUESTIONS[1].id: QUESTIONS[1].answer}
    )
    quiz = PersonalDataQuiz()
    assert quiz.inputs[QUESTIONS[0].id].value is None
    assert quiz.inputs[QUESTIONS[1].id].value == QUESTIONS[1].answer
    assert QUESTIONS[0].id in quiz.notice.value


def test_widget_start_again_clears_saved_answers(answers_in_tmp):
    quiz = PersonalDataQuiz()
    quiz.inputs[QUESTIONS[0].id].value = QUESTIONS[0].answer
    quiz.button.click()
    quiz.reset_button.click()
    quiz.confirm_reset_button.click()  # Start again asks first
    assert all(control.value is None for control in quiz.inputs.values())
    assert "cleared" in quiz.feedback.value
    assert AnswerStore("personal-data-quiz", folder=answers_in_tmp).get("answers") is None
