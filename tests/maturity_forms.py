"""Filling in the maturity self-assessment as a learner does, for the widget tests."""

from __future__ import annotations

from datawithcare.maturity import THEME_IDS, MaturityAssessment


def everyone(score: int) -> dict[str, int]:
    """The same score for every theme."""
    return dict.fromkeys(THEME_IDS, score)


def fill(form: MaturityAssessment, who: str, scores: dict, round_name="before", when="2026-01-15") -> None:
    """Type a round name, a date, a name and scores into the form, then press Add."""
    form.round_name.value = round_name
    form.assessed_on.value = when
    form.respondent.value = who
    for theme_id, score in scores.items():
        form.questions[theme_id].value = score
    form.add_button.click()
