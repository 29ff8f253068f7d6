"""The "Is this personal data?" self-check for Module 4.

The questions live in ``frameworks/personal-data-quiz.yaml`` beside this file, so
that a fork can change the examples without touching code. Each has an
example, a fixed set of choices, the right answer and an explanation.

The pure functions check the question file (:func:`load_questions`),
mark one answer (:func:`check_answer`) or a whole set (:func:`mark`), and
write a summary to download (:func:`summary_markdown`).
:class:`PersonalDataQuiz` is the widget; it keeps the learner's progress
in the ``personal-data-quiz`` answer store.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as widgets
import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from datawithcare.answers import AnswerFileError, download_link
from datawithcare.render import render_markdown
from datawithcare.ui import AnswerWidget, button, message_html

QUESTIONS_FILE = Path(__file__).resolve().parent / "frameworks" / "personal-data-quiz.yaml"


class QuizDataError(ValueError):
    """The question file is missing a part or has a mistake. The message says where."""


@dataclass(frozen=True)
class QuizQuestion:
    """One example to judge, with its choices, answer and explanation."""

    id: str
    example: str
    choices: tuple[str, ...]
    answer: str
    explanation: str


@dataclass(frozen=True)
class Result:
    """The result of one answer."""

    question_id: str
    choice: str
    correct: bool
    explanation: str


@dataclass
class Score:
    """The results of a set of answers."""

    total: int
    results: dict[str, Result] = field(default_factory=dict)
    unanswered: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return sum(result.correct for result in self.results.values())

    @property
    def finished(self) -> bool:
        """True when every question has a valid answer."""
        return not self.unanswered and not self.invalid


def load_questions(path: str | Path | None = None) -> list[QuizQuestion]:
    """Read and check the questions; raise :class:`QuizDataError` if anything is wrong."""
    source = Path(path) if path is not None else QUESTIONS_FILE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuizDataError(f"The quiz questions could not be read from {source} ({exc.strerror}).") from None
    except yaml.YAMLError as exc:
        raise QuizDataError(f"The quiz file {source.name} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list) or not data["questions"]:
        raise QuizDataError(f"The quiz file {source.name} needs a non-empty list called 'questions'.")
    default_choices = data.get("choices")
    questions: list[QuizQuestion] = []
    seen: set[str] = set()
    for number, item in enumerate(data["questions"], start=1):
        where = f"question {number} in {source.name}"
        if not isinstance(item, dict):
            raise QuizDataError(f"{where} should be a set of fields (id, example, answer, explanation).")
        missing = [
            key for key in ("id", "example", "answer", "explanation") if not str(item.get(key) or "").strip()
        ]
        if missing:
            raise QuizDataError(f"{where} is missing: {', '.join(missing)}.")
        choices = item.get("choices", default_choices)
        if not isinstance(choices, list) or len(choices) < 2 or not all(isinstance(c, str) for c in choices):
            raise QuizDataError(f"{where} needs at least two choices, as text.")
        if item["answer"] not in choices:
            raise QuizDataError(f"{where}: the answer {item['answer']!r} is not one of its choices.")
        if item["id"] in seen:
            raise QuizDataError(f"{where}: the id {item['id']!r} is used twice.")
        seen.add(item["id"])
        questions.append(
            QuizQuestion(
                id=str(item["id"]),
                example=" ".join(str(item["example"]).split()),
                choices=tuple(choices),
                answer=item["answer"],
                explanation=" ".join(str(item["explanation"]).split()),
            )
        )
    return questions


def check_answer(question: QuizQuestion, choice: object) -> Result:
    """Mark one answer. Raise ``ValueError`` if it is blank or not one of the choices."""
    if choice is None or (isinstance(choice, str) and not choice.strip()):
        raise ValueError(f"Choose an answer for {question.id!r} first.")
    if choice not in question.choices:
        raise ValueError(
            f"{choice!r} is not one of the choices for {question.id!r}. "
            f"Choose one of: {', '.join(repr(c) for c in question.choices)}."
        )
    return Result(question.id, str(choice), choice == question.answer, question.explanation)


def mark(answers: object, questions: list[QuizQuestion] | None = None) -> Score:
    """Mark a set of answers (question id -> choice).

    Unanswered questions are listed in ``Score.unanswered``; answers that
    are not one of the choices, or that name a question that does not
    exist, are listed in ``Score.invalid`` with a message. Neither stops
    the other answers being marked.
    """
    if not isinstance(answers, dict):
        raise ValueError("Give the answers as a dictionary of question ids and choices.")
    questions = questions if questions is not None else load_questions()
    score = Score(total=len(questions))
    known = {q.id for q in questions}
    for key in answers:
        if key not in known:
            score.invalid[str(key)] = f"There is no question called {key!r}."
    for question in questions:
        choice = answers.get(question.id)
        if choice is None or (isinstance(choice, str) and not choice.strip()):
            score.unanswered.append(question.id)
            continue
        try:
            score.results[question.id] = check_answer(question, choice)
        except ValueError as exc:
            score.invalid[question.id] = str(exc)
    return score


def summary_markdown(score: Score, questions: list[QuizQuestion] | None = None) -> str:
    """Return the learner's results, with every explanation, as Markdown (template ``personal-data-quiz.md.j2``)."""
    questions = questions if questions is not None else load_questions()
    items = [
        {
            "example": question.example,
            "answer": question.answer,
            "explanation": question.explanation,
            "result": score.results.get(question.id),
        }
        for question in questions
    ]
    return render_markdown("personal-data-quiz.md.j2", score=score, items=items)


class SavedQuiz(BaseModel):
    """The shape of ``personal-data-quiz.json``: the choices made, and how many were right.

    A choice that is not one of the question's choices (after the question
    file changed, say) is cleared with a note, not refused.
    """

    model_config = ConfigDict(extra="allow")

    answers: dict[str, StrictStr] = {}
    correct: StrictInt | None = Field(default=None, ge=0)


class PersonalDataQuiz(AnswerWidget):
    """The self-check as a form: one set of choices per example, and a "Check" button.

    >>> PersonalDataQuiz().show()  # doctest: +SKIP
    """

    store_name = "personal-data-quiz"
    schema = SavedQuiz

    def __init__(self, folder: str | Path | None = None, questions: list[QuizQuestion] | None = None) -> None:
        self.questions = questions if questions is not None else load_questions()
        super().__init__(folder)
        saved = self.store.get("answers", {}) if self.store is not None else {}
        saved = saved if isinstance(saved, dict) else {}
        self.inputs: dict[str, widgets.RadioButtons] = {}
        self.explanations: dict[str, widgets.HTML] = {}
        rows: list[widgets.Widget] = []
        ignored = []
        for number, question in enumerate(self.questions, start=1):
            value = saved.get(question.id)
            if value is not None and value not in question.choices:
                ignored.append(question.id)
                value = None
            control = widgets.RadioButtons(
                options=list(question.choices), value=value, layout=widgets.Layout(width="95%")
            )
            self.inputs[question.id] = control
            self.explanations[question.id] = widgets.HTML(value="")
            rows += [
                widgets.HTML(f"<p><strong>{number}.</strong> {html.escape(question.example)}</p>"),
                control,
                self.explanations[question.id],
            ]
        if ignored:
            self.notice.info(
                "Some saved answers were not one of the choices and have been cleared: "
                + ", ".join(ignored)
                + "."
            )
        self.button = button("Check my answers", button_style="primary", icon="check")
        self.button.on_click(self._on_check)
        self.reset_button = button("Start again", icon="undo")
        self.reset_button.on_click(self._on_reset)
        # Start again deletes saved answers, so it asks first.
        self.confirm_reset_button = button(
            "Yes, delete my saved answers", button_style="danger", icon="trash"
        )
        self.confirm_reset_button.on_click(self._on_confirm_reset)
        self.keep_button = button("No, keep them", icon="times")
        self.keep_button.on_click(self._on_keep)
        self.confirm_row = widgets.HBox([])
        self.score: Score | None = None
        self._form = rows + [widgets.HBox([self.button, self.reset_button]), self.confirm_row]

    def form(self) -> list[widgets.Widget]:
        """One example at a time, with its choices, then the buttons."""
        return self._form

    @property
    def box(self) -> widgets.VBox:
        """The whole widget (the older name for :attr:`widget`)."""
        return self.widget

    def answers(self) -> dict[str, str | None]:
        """Return the choices on the form (None where nothing is chosen)."""
        return {key: control.value for key, control in self.inputs.items()}

    def _on_check(self, _button: object = None) -> None:
        self.downloads.value = ""
        self.confirm_row.children = ()
        answers = self.answers()
        score = mark(answers, self.questions)
        self.score = score
        for question in self.questions:
            result = score.results.get(question.id)
            if result is None:
                self.explanations[question.id].value = ""
            elif result.correct:
                self.explanations[question.id].value = message_html("ok", result.explanation).replace(
                    "Saved:", "Right:", 1
                )
            else:
                self.explanations[question.id].value = message_html(
                    "problem", f"Not quite: the answer is {question.answer!r}. {question.explanation}"
                ).replace("Please check:", "Think again:", 1)
        if score.answered == 0:
            self.feedback.problem("Choose an answer for at least one example, then press the button again.")
            return
        to_save = {"answers": {k: v for k, v in answers.items() if v is not None}, "correct": score.correct}
        saved = self.save(to_save)
        note = f"You have {score.correct} right out of {score.answered} answered ({score.total} in all)."
        if score.unanswered:
            numbers = [str(i) for i, q in enumerate(self.questions, start=1) if q.id in score.unanswered]
            note += f" Still to answer: {', '.join(numbers)}."
        if saved:
            self.feedback.value += message_html("info", note)
        else:
            self.feedback.value = message_html("info", note) + self.feedback.value
        results = download_link(
            summary_markdown(score, self.questions),
            filename="is-this-personal-data.md",
            mime="text/markdown",
            label="Download your results with the explanations",
        )
        self.offer_downloads(None if saved else to_save, extra=[results])

    def _on_reset(self, _button: object = None) -> None:
        if self.store is None or "answers" not in self.store:
            self._clear_form()
            self.feedback.info("The form is cleared. Start again whenever you like.")
            return
        self.confirm_row.children = (self.confirm_reset_button, self.keep_button)
        self.feedback.info(
            "Start again deletes your saved answers too. Download them first if you want to keep a "
            "copy. Do you want to delete them?"
        )

    def _on_keep(self, _button: object = None) -> None:
        self.confirm_row.children = ()
        self.feedback.info("Nothing was deleted. Your saved answers are kept.")

    def _on_confirm_reset(self, _button: object = None) -> None:
        self.confirm_row.children = ()
        if self.store is not None:
            try:
                self.store.reload()  # the learner confirmed: delete what is saved now
                self.store.delete("answers")
                self.store.delete("correct")
            except (AnswerFileError, ValueError) as exc:
                self.feedback.problem(str(exc))
                return
        self._clear_form()
        self.feedback.info(
            "Your answers are cleared (a copy of the old file is in my-answers/backups). "
            "Start again whenever you like."
        )

    def _clear_form(self) -> None:
        for control in self.inputs.values():
            control.value = None
        for area in self.explanations.values():
            area.value = ""
        self.downloads.value = ""
        self.score = None


__all__ = [
    "PersonalDataQuiz",
    "QuizDataError",
    "QuizQuestion",
    "Result",
    "SavedQuiz",
    "Score",
    "check_answer",
    "load_questions",
    "mark",
    "summary_markdown",
]
