"""The lawful-basis helper: a learning aid for Module 4.

You answer a few plain questions about one purpose (one reason you use
people's data). :func:`suggest_lawful_basis` walks through them in a fixed
order and suggests a lawful basis under Article 6 of the UK GDPR, an
Article 9 condition when the data is special category data, the reasons
for the suggestion, links to the ICO's guidance, and the things to check.

It is a learning aid, not legal advice. Every result shows the date the
law was last checked and the date to review it by, read from the course's
one law-dates file (:mod:`datawithcare.law_dates`).

:class:`LawfulBasisHelper` is the widget, built on the course's one widget
shape (:class:`~datawithcare.ui.AnswerWidget`): radio buttons and drop-downs
for the questions, a "Suggest" button and a result panel. Every change is
saved in the ``lawful-basis`` answer store, checked on loading against
:class:`SavedLawfulBasis`. The result (from the template
``templates/lawful-basis-suggestion.md.j2``) downloads as a page and as
Markdown, always with the answers file.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import ipywidgets as widgets
import yaml
from pydantic import BaseModel, ConfigDict, StrictStr

from datawithcare.answers import AnswerFileError, download_link
from datawithcare.law_dates import load_law_dates
from datawithcare.render import markdown_body, markdown_to_html, render_markdown
from datawithcare.ui import AnswerWidget, button, labelled

#: When the rules in this module were last checked against the law, and when to review them.
LAW_DATES = load_law_dates()
LAW_LAST_CHECKED = LAW_DATES.last_checked_text
LAW_REVIEW_BY = LAW_DATES.review_by_text

#: The helper's words (the questions, the Article 9 uses, the pages it links to) are
#: data, beside the other frameworks; the rules that use them are below.
CONTENT_PATH = Path(__file__).resolve().parent / "frameworks" / "lawful-basis.yaml"
_CONTENT = yaml.safe_load(CONTENT_PATH.read_text(encoding="utf-8"))

#: Said on every result, in the widget and in the download.
LEARNING_AID_NOTE: str = _CONTENT["learning_aid_note"]


def _link(name: str) -> tuple[str, str]:
    entry = _CONTENT["links"][name]
    return entry["title"], entry["url"]


# ICO guidance and the law, as (title, address). Only pages the course has checked.
ICO_GUIDE = _link("ico_guide")
ICO_CONSENT = _link("ico_consent")
ICO_RLI = _link("ico_rli")
LAW_S70 = _link("law_s70")
ICO_ART9 = _link("ico_art9")
ICO_LI = _link("ico_li")
LAW_ART9 = _link("law_art9")
LAW_SCH1_PARA1 = _link("law_sch1_para1")
LAW_SCH1_PARA18 = _link("law_sch1_para18")
ICO_SPI = _link("ico_spi")
ICO_CRIMINAL = _link("ico_criminal")
ICO_CHILDREN = _link("ico_children")


@dataclass(frozen=True)
class Question:
    """One question in the helper: a key, the words shown, and the allowed answers."""

    key: str
    text: str
    options: tuple[str, ...]
    help: str = ""


# The answers the rules below name. Their words must match the data file exactly.
YES, NO, NOT_SURE = "yes", "no", "not sure"
NONE = "none"
NOT_APPLICABLE = "not applicable"
EXPLICIT_CONSENT = "the person gives explicit consent"
VITAL_9 = "protecting someone's life when they cannot give consent (for example, they are unconscious)"
LEGAL_CLAIMS = "a legal claim, such as medical evidence for an appeal against a refusal"
EMPLOYMENT = "your duties as an employer, such as staff sickness records"
SAFEGUARDING = "safeguarding a child or an adult at risk"
DISABILITY_SUPPORT = "support for people with a disability or medical condition"
NONE_OF_THESE = "none of these"
PUBLIC_BODY_ASKS = "a public body asks for it for its public task"
SAFEGUARDING_A_PERSON = "safeguarding a vulnerable person"
AN_EMERGENCY = "an emergency"

#: Annex 1 conditions for a recognised legitimate interest (UK GDPR Art 6(1)(ea)), ``none`` first.
ANNEX1_CONDITIONS: tuple[str, ...] = tuple(_CONTENT["annex1_conditions"])

#: The kinds of special category data (UK GDPR Article 9(1)), ``none`` first.
SPECIAL_CATEGORIES: tuple[str, ...] = tuple(_CONTENT["special_categories"])

#: What special category data is for, and the Article 9 condition (and advice) each points to.
SPECIAL_PURPOSES: dict[str, tuple[str, str]] = {
    entry["use"]: (entry["condition"], entry["advice"]) for entry in _CONTENT["special_purposes"]
}

_OPTION_LISTS = {
    "annex1_conditions": ANNEX1_CONDITIONS,
    "special_categories": SPECIAL_CATEGORIES,
    "special_purposes": tuple(SPECIAL_PURPOSES),
}

QUESTIONS: tuple[Question, ...] = tuple(
    Question(
        q["key"],
        q["text"],
        tuple(q["options"]) if "options" in q else _OPTION_LISTS[q["options_from"]],
        q.get("help", ""),
    )
    for q in _CONTENT["questions"]
)


def _check_content(option_lists: dict[str, tuple[str, ...]], keys: tuple[str, ...]) -> None:
    """Refuse to start if the data file lost a word the rules use (a typo would change the law)."""
    needed = {
        "annex1_conditions": (NONE, PUBLIC_BODY_ASKS, SAFEGUARDING_A_PERSON, AN_EMERGENCY),
        "special_categories": (NONE, "health"),
        "special_purposes": (
            NOT_APPLICABLE,
            EXPLICIT_CONSENT,
            VITAL_9,
            LEGAL_CLAIMS,
            EMPLOYMENT,
            SAFEGUARDING,
            DISABILITY_SUPPORT,
            NONE_OF_THESE,
        ),
    }
    missing = [
        f"{where}: {word!r}"
        for where, words in needed.items()
        for word in words
        if word not in option_lists[where]
    ]
    rules_keys = (
        "required_by_law",
        "needed_for_contract",
        "official_function",
        "protect_life",
        "annex1_condition",
        "real_choice",
        "reasonable_expectation",
        "special_category",
        "special_purpose",
        "immigration_or_nationality",
        "criminal_offence",
        "children",
    )
    missing += [f"questions: {key!r}" for key in rules_keys if key not in keys]
    if option_lists["annex1_conditions"][:1] != (NONE,) or option_lists["special_categories"][:1] != (NONE,):
        missing.append("'none' as the first Annex 1 condition and the first special category")
    if missing:
        raise ValueError(
            f"{CONTENT_PATH.name} is missing words the lawful-basis rules use: {'; '.join(missing)}."
        )


QUESTION_KEYS: tuple[str, ...] = tuple(q.key for q in QUESTIONS)
_BY_KEY = {q.key: q for q in QUESTIONS}
_check_content(_OPTION_LISTS, QUESTION_KEYS)


class AnswerProblem(ValueError):
    """The answers are missing, not allowed, or contradict each other.

    ``problems`` lists each thing to fix, in plain words.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


@dataclass
class Suggestion:
    """What the helper suggests for one purpose."""

    basis: str | None
    article: str
    reasoning: list[str] = field(default_factory=list)
    special_condition: str | None = None
    caveats: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    note: str = LEARNING_AID_NOTE
    needs_special_condition: bool = False

    @property
    def found_basis(self) -> bool:
        """True if the helper found a lawful basis to suggest."""
        return self.basis is not None

    def to_markdown(self, purpose: str = "") -> str:
        """Return the suggestion as a Markdown document to download or print.

        It is made from ``templates/lawful-basis-suggestion.md.j2``; the
        purpose (the learner's words) is escaped, so it stays text.
        """
        return render_markdown(
            "lawful-basis-suggestion.md.j2",
            purpose=" ".join(str(purpose or "").split()),
            note=self.note,
            last_checked=LAW_LAST_CHECKED,
            review_by=LAW_REVIEW_BY,
            basis=self.basis,
            article=self.article,
            special_condition=self.special_condition,
            needs_special_condition=self.needs_special_condition,
            reasoning=self.reasoning,
            caveats=self.caveats,
            links=self.links,
        )

    def to_html(self, purpose: str = "") -> str:
        """Return the suggestion as HTML for the result panel (a fragment, from the same template).

        Its headings start at ``<h4>``, so they never look like the
        lesson's own headings, and its links open in a new tab, so the
        notebook stays open.
        """
        body = markdown_body(self.to_markdown(purpose), heading_offset=3)
        # Raw HTML is off in the renderer, so every <a href= here is a link from the template.
        return body.replace("<a href=", '<a target="_blank" rel="noopener" href=')

    def to_page(self, purpose: str = "") -> str:
        """Return the suggestion as a whole HTML page to download and print."""
        return markdown_to_html(self.to_markdown(purpose), "Lawful basis: a worked suggestion")


#: An option's example follows these words; the words before them name the choice.
_EXAMPLE = ", such as "


def same_choice(answer: object, options: tuple[str, ...]) -> str | None:
    """The option ``answer`` chose, or None if it chose none of them.

    An option may end with an example (``"a legal claim, such as ..."``).
    The example can change when the course is reworded, for another sector
    say; an answer saved with the old example still names the same choice,
    so it keeps it rather than losing it.

    >>> same_choice("a legal claim, such as an old example", (LEGAL_CLAIMS, EMPLOYMENT)) == LEGAL_CLAIMS
    True
    >>> same_choice("a claim", (LEGAL_CLAIMS,)) is None
    True
    """
    if not isinstance(answer, str):
        return None
    if answer in options:
        return answer
    if _EXAMPLE not in answer:
        return None
    choice = answer.split(_EXAMPLE, 1)[0]
    matches = [o for o in options if _EXAMPLE in o and o.split(_EXAMPLE, 1)[0] == choice]
    return matches[0] if len(matches) == 1 else None


def check_answers(answers: object) -> dict[str, str]:
    """Check a set of answers and return them tidied (stripped, lower case).

    Raises :class:`AnswerProblem` listing every missing, unknown, not
    allowed or contradictory answer, so that the learner can fix them all
    at once.
    """
    if not isinstance(answers, dict):
        raise AnswerProblem(
            [
                "Give the answers as a dictionary, such as {'required_by_law': 'no', ...}. "
                f"You gave {type(answers).__name__}."
            ]
        )
    problems: list[str] = []
    unknown = sorted(str(k) for k in answers if k not in _BY_KEY)
    if unknown:
        problems.append(
            f"These answers are not questions in the helper: {', '.join(unknown)}. "
            f"The questions are: {', '.join(QUESTION_KEYS)}."
        )
    tidy: dict[str, str] = {}
    for question in QUESTIONS:
        value = answers.get(question.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"Please answer: {question.text} ({question.key})")
            continue
        if not isinstance(value, str):
            problems.append(
                f"The answer to {question.key!r} should be one of the choices as text; you gave {value!r}."
            )
            continue
        value = same_choice(" ".join(value.split()).lower(), question.options) or value
        if value not in question.options:
            problems.append(
                f"{value!r} is not one of the choices for {question.key!r}. "
                f"Choose one of: {', '.join(repr(o) for o in question.options)}."
            )
            continue
        tidy[question.key] = value
    if problems:
        raise AnswerProblem(problems)

    special = tidy["special_category"]
    purpose = tidy["special_purpose"]
    if special == NONE and purpose != NOT_APPLICABLE:
        problems.append(
            "You said there is no special category data, but chose a use for it "
            f"({purpose!r}). Either name the special category data, or choose 'not applicable'."
        )
    if special != NONE and purpose == NOT_APPLICABLE:
        problems.append(
            f"You said the data includes {special} data. Say what you use it for, so the helper "
            "can suggest an Article 9 condition. If none of the uses fits, stop and ask for advice "
            "before you collect it."
        )
    if purpose == VITAL_9 and tidy["protect_life"] != YES:
        problems.append(
            "These answers contradict each other: you chose vital interests for the special category data, "
            "but said you do not need the data to protect someone's life. This condition is only for a "
            "life at risk when the person cannot consent."
        )
    annex1 = tidy["annex1_condition"]
    if purpose == SAFEGUARDING and annex1 not in (NONE, SAFEGUARDING_A_PERSON, AN_EMERGENCY):
        problems.append(
            f"These answers contradict each other: you said the purpose is '{annex1}', but chose "
            "safeguarding for the special category data. The safeguarding condition (DPA 2018 Schedule 1 "
            "paragraph 18) covers only what is necessary to protect a child or an adult at risk. If the "
            "purpose really is safeguarding, choose 'safeguarding a vulnerable person' above. If it is not, "
            "choose the use that fits, or 'none of these'."
        )
    if purpose == EXPLICIT_CONSENT and tidy["real_choice"] == NO:
        problems.append(
            "These answers contradict each other: you chose explicit consent for the special category "
            "data, but said people cannot say no without losing help. Consent is only valid when it is "
            "freely given. Look again at the other uses, or change how you ask."
        )
    if problems:
        raise AnswerProblem(problems)
    return tidy


def _article9(tidy: dict[str, str], suggestion: Suggestion) -> None:
    special = tidy["special_category"]
    if special == NONE:
        return
    purpose = tidy["special_purpose"]
    suggestion.needs_special_condition = True
    suggestion.reasoning.append(
        f"The data includes {special} data, which is special category data. You need an Article 9 "
        "condition as well as a lawful basis."
    )
    suggestion.links += [ICO_ART9, LAW_ART9]
    if purpose == NONE_OF_THESE:
        suggestion.special_condition = None
        suggestion.caveats.insert(
            0,
            "No Article 9 condition found. Do not collect or use this special category data until you "
            "have one: change what you collect, or ask the ICO or a solicitor.",
        )
        return
    condition, advice = SPECIAL_PURPOSES[purpose]
    suggestion.special_condition = condition
    suggestion.caveats.append(advice)
    if purpose == EXPLICIT_CONSENT and tidy["protect_life"] == YES:
        suggestion.caveats.append(
            "You said a life is at risk. If the person cannot give consent now (for example, they are "
            "unconscious), explicit consent is impossible: choose the vital interests use instead."
        )
    if purpose == SAFEGUARDING:
        suggestion.links.append(LAW_SCH1_PARA18)
    if purpose == EMPLOYMENT:
        suggestion.links.append(LAW_SCH1_PARA1)
    if tidy["special_purpose"] == DISABILITY_SUPPORT and special != "health":
        suggestion.caveats.append(
            f"This condition is about supporting people with a disability or medical condition, "
            "but you named "
            f"{special} data. Check that it really fits, or choose another use."
        )
    if condition.startswith("Article 9(2)(g)"):
        suggestion.links.append(ICO_SPI)


def _extras(tidy: dict[str, str], suggestion: Suggestion) -> None:
    if tidy["immigration_or_nationality"] == YES:
        suggestion.caveats.append(
            "Immigration status and nationality are not special category data, but they are high risk "
            "for the people you support: a leak can lead to detention, destitution or danger. They can "
            "also reveal racial or ethnic origin by inference. Treat them with the same care: collect only "
            "what you need, limit who can see it, and consider a DPIA."
        )
    if tidy["criminal_offence"] == YES:
        suggestion.caveats.append(
            "Criminal offence data (Article 10): you also need one of the conditions in DPA 2018 Schedule 1, "
            "such as safeguarding, counselling, consent, vital interests or legal claims."
        )
        suggestion.links.append(ICO_CRIMINAL)
    if tidy["children"] == YES:
        suggestion.caveats.append(
            "Children's data needs extra care. If you rely on consent for an online service offered directly "
            "to children, a child under 13 needs a parent's consent (this does not apply to preventive or "
            "counselling services), and the ICO expects a DPIA for online services for children."
        )
        suggestion.links.append(ICO_CHILDREN)
    for key in ("required_by_law", "needed_for_contract", "official_function"):
        if tidy[key] == NOT_SURE:
            suggestion.caveats.append(
                f"You were not sure about this question: '{_BY_KEY[key].text}' Find out. If the answer is "
                "yes, that basis may fit better than the one suggested here."
            )
    if ICO_GUIDE not in suggestion.links:
        suggestion.links.append(ICO_GUIDE)
    if date.today() > LAW_DATES.review_by:
        suggestion.caveats.insert(
            0,
            f"The rules in this helper were due to be checked against the law by {LAW_REVIEW_BY}, "
            "and that date has passed. The law may have changed: check the ICO's guidance first.",
        )


def suggest_lawful_basis(answers: dict) -> Suggestion:
    """Suggest a lawful basis for one purpose from the learner's answers.

    ``answers`` maps each key in :data:`QUESTION_KEYS` to one of that
    question's options (see :data:`QUESTIONS`). The questions are taken
    in a fixed order: a duty in law, a contract, a public task, a life in
    danger, a recognised legitimate interest, a real choice (consent),
    and people's reasonable expectations (legitimate interests). The
    first that fits is suggested; there is no ranking of bases in law,
    and the reasons say why this one came first.

    Raises :class:`AnswerProblem` (a ``ValueError``) with a plain list
    of what to fix if an answer is missing, not allowed, or contradicts
    another.
    """
    tidy = check_answers(answers)
    s: Suggestion

    if tidy["required_by_law"] == YES:
        s = Suggestion(
            "Legal obligation",
            "UK GDPR Article 6(1)(c)",
            ["You said a law requires you to use the data in this way. Name the law in your records."],
        )
    elif tidy["needed_for_contract"] == YES:
        s = Suggestion(
            "Contract",
            "UK GDPR Article 6(1)(b)",
            ["You said you need the data to carry out a contract with this person, or steps they asked for."],
        )
    elif tidy["official_function"] == YES:
        s = Suggestion(
            "Public task",
            "UK GDPR Article 6(1)(e)",
            ["You said this is a task for the public good that is set out in law and that you carry out."],
            caveats=["Public task is rare for a small charity. Name the law that sets out the task."],
        )
    elif tidy["protect_life"] == YES:
        s = Suggestion(
            "Vital interests",
            "UK GDPR Article 6(1)(d)",
            ["You said you need the data to protect someone's life in an emergency."],
            caveats=[
                "Vital interests is for emergencies. For planned work, such as safeguarding records, "
                "look at the other bases."
            ],
        )
    elif tidy["annex1_condition"] != NONE:
        condition = tidy["annex1_condition"]
        s = Suggestion(
            "Recognised legitimate interest",
            "UK GDPR Article 6(1)(ea) and Annex 1",
            [
                f"You said the purpose fits the Annex 1 condition: {condition}.",
                "A recognised legitimate interest skips only the balancing test of ordinary legitimate "
                "interests. The use must still be necessary for that purpose, and every other rule still "
                "applies.",
            ],
            links=[ICO_RLI, LAW_S70],
        )
        if condition == PUBLIC_BODY_ASKS:
            s.caveats.append(
                "The ICO describes sharing under this condition as voluntary: a request from a public body "
                "does not by itself oblige you to share. Ask which law or task the body relies on, "
                "share only what is needed, and record your decision."
            )
    elif tidy["real_choice"] == YES:
        s = Suggestion(
            "Consent",
            "UK GDPR Article 6(1)(a)",
            [
                "No duty, contract, public task, emergency or recognised legitimate interest applies, and "
                "people can genuinely say no without losing help, so you can ask for their consent.",
            ],
            caveats=[
                "Consent must be freely given, specific, informed and unambiguous, by a clear yes. Keep a "
                "record of it, ask separately from other matters, and make withdrawing as easy as agreeing.",
            ],
            links=[ICO_CONSENT],
        )
        if tidy["reasonable_expectation"] == YES:
            s.caveats.append(
                "People would also expect this use and the risk is low, so legitimate interests may fit as "
                "well, if it passes all three parts of the ICO's test (purpose, necessity, balancing). If "
                "you choose consent, you must stop when someone withdraws it."
            )
    elif tidy["reasonable_expectation"] == YES:
        s = Suggestion(
            "Legitimate interests",
            "UK GDPR Article 6(1)(f)",
            [
                "No duty, contract, public task, emergency or recognised legitimate interest applies.",
                "People cannot freely say no, so consent would not be valid, but they would expect this use "
                "and the risk to them is low.",
            ],
            caveats=[
                "Before you rely on it, write down the ICO's three-part legitimate interests assessment: "
                "(1) purpose test: what is your legitimate interest? (2) necessity test: do you need this "
                "data for it, or is there a less intrusive way? (3) balancing test: do the person's "
                "interests, rights and freedoms override yours? All three must pass.",
                "Name the interest in your privacy notice, and tell people, separately and clearly, that "
                "they have the right to object.",
            ],
            links=[ICO_LI],
        )
    else:
        s = Suggestion(
            None,
            "",
            [
                "No duty, contract, public task, emergency or recognised legitimate interest applies.",
                "People cannot freely say no, so consent would not be valid.",
                "You were not confident that people would expect this use, so legitimate interests is "
                "doubtful too.",
            ],
            caveats=[
                "Stop and think again before you use the data. Can you change the purpose, use less data, or "
                "use numbers instead of names? If you still need it, ask the ICO or a solicitor.",
            ],
        )

    _article9(tidy, s)
    _extras(tidy, s)
    return s


# The widget -----------------------------------------------------------------


class SavedLawfulBasis(BaseModel):
    """The shape of ``lawful-basis.json``: the purpose, each answer, and the last suggestion.

    An answer that is text but not one of the choices (a hand edit) does not
    stop the file loading: that question starts unanswered.
    """

    model_config = ConfigDict(extra="allow")

    purpose: StrictStr = ""
    answers: dict[Literal[QUESTION_KEYS], StrictStr | None] = {}  # type: ignore[valid-type]
    suggested_basis: StrictStr | None = None


class LawfulBasisHelper(AnswerWidget):
    """A form for the lawful-basis helper, with a "Suggest" button.

    Every change is saved as you go. **Suggest** saves too, then shows the
    suggestion (or what to fix) and offers it as a download, with the
    answers file you can load again.

    >>> LawfulBasisHelper().widget  # doctest: +SKIP

    ``folder`` says where to keep the answers (leave it out to use the
    learner's ``my-answers`` folder).
    """

    store_name = "lawful-basis"
    schema = SavedLawfulBasis

    def __init__(self, folder: str | Path | None = None) -> None:
        super().__init__(folder)
        # The schema has checked the file: what loads has the right shape.
        saved = SavedLawfulBasis.model_validate(self.store.as_dict() if self.store is not None else {})
        self.purpose = labelled(
            widgets.Text,
            description="Purpose:",
            placeholder="e.g. Send session reminders by text message",
            value=saved.purpose,
            # Save when the learner leaves the box, not at every key.
            continuous_update=False,
            layout=widgets.Layout(width="95%"),
        )
        self.inputs: dict[str, widgets.ValueWidget] = {}
        self._rows: list[widgets.Widget] = [self.purpose]
        for question in QUESTIONS:
            stored = saved.answers.get(question.key)
            value = same_choice(stored, question.options)
            if len(question.options) <= 3:
                control = widgets.RadioButtons(options=list(question.options), value=value)
            else:
                options = [("Choose one", None)] + [(o, o) for o in question.options]
                control = widgets.Dropdown(options=options, layout=widgets.Layout(width="95%"))
                # Select by position: a value of None alone leaves the box blank, not "Choose one".
                control.index = 0 if value is None else 1 + question.options.index(value)
            self.inputs[question.key] = control
            label = f"<strong>{html.escape(question.text)}</strong>"
            if question.help:
                label += f"<br><small>{html.escape(question.help)}</small>"
            self._rows += [widgets.HTML(label), control]
        self.button = button("Suggest", button_style="primary", icon="check")
        self.button.on_click(self._on_suggest)
        self.result = widgets.HTML(value="")
        self.suggestion: Suggestion | None = None
        # Keep the learner's work as they go, not only when a suggestion succeeds.
        self.purpose.observe(self._save_draft, names="value")
        for control in self.inputs.values():
            control.observe(self._save_draft, names="value")

    def form(self) -> list[widgets.Widget]:
        """The purpose, the questions, the Suggest button, what to fix and the result.

        The base puts the downloads under the result.
        """
        return [*self._rows, self.button, self.feedback, self.result]

    def answers(self) -> dict[str, Any]:
        """What is on screen now: the purpose, each answer (None if unanswered), no suggestion yet."""
        return {
            "purpose": self.purpose.value,
            "answers": {key: control.value for key, control in self.inputs.items()},
            "suggested_basis": None,
        }

    def _save_draft(self, _change: object = None) -> None:
        """Save the purpose and every answer so far, quietly; say so only if saving fails."""
        if self.store is None:
            return
        try:
            # A suggestion made from earlier answers no longer holds (answers() forgets it).
            self.store.update(self.answers())
        except (AnswerFileError, ValueError) as exc:
            self.feedback.problem(str(exc))
            self.offer_downloads(unsaved=self.answers())

    def _on_suggest(self, _button: object = None) -> None:
        self.result.value = ""
        self.downloads.value = ""
        self.suggestion = None
        on_screen = self.answers()
        purpose = on_screen["purpose"].strip()
        problems: list[str] = []
        suggestion: Suggestion | None = None
        if not purpose:
            problems.append(
                "Please describe the purpose in a few words first, so your result makes sense later."
            )
        try:
            suggestion = suggest_lawful_basis(on_screen["answers"])
        except AnswerProblem as exc:
            problems += exc.problems
        if suggestion is not None and not problems:
            on_screen["suggested_basis"] = suggestion.basis
        # Save first, whatever the answers are, so nothing typed is lost.
        if not self.save(on_screen):
            return
        if problems:
            self.feedback.problem(
                problems
                + ["Your answers are saved as they are. Fix the points above and press Suggest again."]
            )
            return
        if suggestion is None:  # pragma: no cover - problems is never empty without one
            return
        self.suggestion = suggestion
        self.result.value = suggestion.to_html(purpose)
        self.offer_downloads(
            extra=[
                download_link(
                    suggestion.to_page(purpose),
                    filename="lawful-basis-suggestion.html",
                    mime="text/html",
                    label="Download this suggestion to print (HTML)",
                ),
                download_link(
                    suggestion.to_markdown(purpose),
                    filename="lawful-basis-suggestion.md",
                    mime="text/markdown",
                    label="Download this suggestion as text (Markdown)",
                ),
            ]
        )


__all__ = [
    "ANNEX1_CONDITIONS",
    "EMPLOYMENT",
    "EXPLICIT_CONSENT",
    "LAW_LAST_CHECKED",
    "LAW_REVIEW_BY",
    "LEGAL_CLAIMS",
    "NONE_OF_THESE",
    "SAFEGUARDING",
    "VITAL_9",
    "LEARNING_AID_NOTE",
    "QUESTIONS",
    "QUESTION_KEYS",
    "SPECIAL_CATEGORIES",
    "SPECIAL_PURPOSES",
    "AnswerProblem",
    "LawfulBasisHelper",
    "SavedLawfulBasis",
    "Suggestion",
    "check_answers",
    "suggest_lawful_basis",
]
