"""Small building blocks that every course widget shares.

A widget in this course does three things the same way everywhere:

* it tells the learner what to fix in words, not only in colour
  (:class:`Feedback`);
* it saves to an :class:`~datawithcare.answers.AnswerStore` and says so;
* it offers a download link, so work survives the end of a Binder session
  (:func:`download_area`).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from datawithcare.answers import AnswerFileError, AnswerStore, download_link

_BOX = (
    "border-left: 6px solid {colour}; padding: 0.5em 0.8em; margin: 0.4em 0; "
    "background: {background}; color: #1a1a1a;"
)
_KINDS = {
    # The word at the start carries the meaning; colour only supports it.
    "problem": ("Please check:", "#D55E00", "#fdf0e9"),
    "ok": ("Saved:", "#009E73", "#e8f6f1"),
    "info": ("Note:", "#0072B2", "#e8f1f8"),
}


def message_html(kind: str, text: str | list[str]) -> str:
    """Return an accessible message box as HTML; ``kind`` is problem, ok or info."""
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(_KINDS)}; got {kind!r}.")
    word, colour, background = _KINDS[kind]
    style = _BOX.format(colour=colour, background=background)
    if isinstance(text, list):
        items = "".join(f"<li>{html.escape(t)}</li>" for t in text)
        body = f"<strong>{word}</strong><ul style='margin:0.2em 0'>{items}</ul>"
    else:
        body = f"<strong>{word}</strong> {html.escape(text)}"
    return f'<div role="status" style="{style}">{body}</div>'


class Feedback(widgets.HTML):
    """A message area under a form: problems, confirmations and notes."""

    def problem(self, text: str | list[str]) -> None:
        """Say what the learner needs to fix."""
        self.value = message_html("problem", text)

    def ok(self, text: str) -> None:
        """Confirm that something worked."""
        self.value = message_html("ok", text)

    def info(self, text: str) -> None:
        """Give a neutral note."""
        self.value = message_html("info", text)

    def clear(self) -> None:
        """Remove the message."""
        self.value = ""


def open_store(name: str, feedback: Feedback, folder: str | None = None) -> AnswerStore | None:
    """Open an answer store, and show any note about it in ``feedback``.

    Returns ``None`` (after explaining why in ``feedback``) only if the
    folder cannot be read at all.
    """
    try:
        store = AnswerStore(name, folder=folder)
    except AnswerFileError as exc:
        feedback.problem(str(exc))
        return None
    if store.message:
        feedback.info(store.message)
    return store


def save_answers(store: AnswerStore | None, answers: dict, feedback: Feedback) -> bool:
    """Save ``answers`` and report the result in ``feedback``; return True if saved."""
    if store is None:
        feedback.problem("Your answers cannot be saved here. Use the download link to keep a copy.")
        return False
    try:
        store.update(answers)
    except (AnswerFileError, ValueError) as exc:
        feedback.problem(str(exc))
        return False
    feedback.ok(f"your answers are in {store.path}. Download a copy before your session ends.")
    return True


def download_area() -> widgets.HTML:
    """An empty area where a widget puts its download links after saving."""
    return widgets.HTML(value="")


def show_downloads(area: widgets.HTML, links: list[str]) -> None:
    """Fill a download area with one or more links (HTML from ``download_link``)."""
    area.value = "<p>" + "<br>".join(links) + "</p>"


__all__ = [
    "Feedback",
    "download_area",
    "download_link",
    "message_html",
    "open_store",
    "save_answers",
    "show_downloads",
]
