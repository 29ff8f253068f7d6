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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from pydantic import BaseModel

from datawithcare.answers import AnswerFileError, AnswerStore, answers_payload, download_link

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


def open_store(
    name: str,
    feedback: Feedback,
    folder: str | Path | None = None,
    schema: type[BaseModel] | None = None,
) -> AnswerStore | None:
    """Open an answer store, and show any note about it in ``feedback``.

    ``schema`` is the pydantic model the saved answers must fit; a file
    that does not fit is put aside and the note names what to fix.
    Returns ``None`` (after explaining why in ``feedback``) only if the
    folder cannot be read at all.
    """
    try:
        store = AnswerStore(name, folder=folder, schema=schema)
    except AnswerFileError as exc:
        feedback.problem(str(exc))
        return None
    if store.message:
        feedback.info(store.message)
    return store


def save_answers(
    store: AnswerStore | None,
    answers: dict,
    feedback: Feedback,
    change: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> bool:
    """Save ``answers`` and report the result in ``feedback``; return True if saved.

    With ``change``, the newest saved answers are read first and passed to
    it, and what it returns is saved (see :meth:`AnswerStore.modify`).
    """
    if store is None:
        feedback.problem("Your answers cannot be saved here. Use the download link to keep a copy.")
        return False
    try:
        if change is not None:
            store.modify(change)
        else:
            store.update(answers)
    except (AnswerFileError, ValueError) as exc:
        feedback.problem(str(exc))
        return False
    text = f"your answers are in {store.path}. Download a copy before your session ends."
    if store.merged:
        text += (
            f" {store.path.name} had changed since this form opened (for example, you uploaded it "
            "or the notebook is open twice): the answers in it are kept, and yours are added."
        )
    if store.message:
        text += " " + store.message
    feedback.ok(text)
    return True


#: Learner text in any language shows in its own direction: Arabic, Farsi,
#: Pashto, Tigrinya... right to left, English left to right.
_BIDI_STYLE = (
    "<style>.dwc-widget input, .dwc-widget textarea, .dwc-widget .widget-label, "
    ".dwc-widget .widget-html-content, .dwc-widget select, .dwc-widget option "
    "{unicode-bidi: plaintext; text-align: start;}</style>"
)


def button(description: str, **kwargs: Any) -> widgets.Button:
    """A button whose label is never cut short ("Remove indica…")."""
    layout = kwargs.pop("layout", None) or widgets.Layout(width="auto")
    return widgets.Button(description=description, layout=layout, **kwargs)


def labelled(widget_class: type[widgets.Widget], **kwargs: Any) -> widgets.Widget:
    """A text box, drop-down or other control whose description is shown in full."""
    style = {"description_width": "initial", **kwargs.pop("style", {})}
    return widget_class(style=style, **kwargs)


class AnswerWidget:
    """The one shape every course widget has.

    A subclass sets :attr:`store_name` (and :attr:`schema`, a pydantic
    model its saved answers must fit), builds its controls, and provides:

    * :meth:`form`: the controls, top to bottom;
    * :meth:`answers`: what is on screen now, in the shape it saves;
    * :meth:`summaries` (optional): extra downloads, such as a printable page.

    The base owns everything else, the same way in every widget:

    * loading: :attr:`store` is opened in ``__init__``; any note about the
      file (put aside because it could not be read, say) goes in
      :attr:`notice`, at the top, above the form;
    * saving: :meth:`save` reads the file again first and merges, so an
      uploaded file or a second open copy is never overwritten (see
      :class:`~datawithcare.answers.AnswerStore`);
    * the feedback line (:attr:`feedback`) under the form;
    * downloads (:meth:`offer_downloads`): always the answers file, which
      the widget can reload, even when saving failed or the answers still
      have problems;
    * display: ``widget``, ``show()`` and showing itself in a notebook.
    """

    #: The answer store's name; it becomes ``my-answers/<store_name>.json``.
    store_name: str = ""
    #: The pydantic model the saved answers must fit (None: any answers).
    schema: type[BaseModel] | None = None

    def __init__(self, folder: str | Path | None = None) -> None:
        self.notice = Feedback()
        self.feedback = Feedback()
        self.downloads = download_area()
        self.store = open_store(self.store_name, self.notice, folder, schema=self.schema)
        self._widget: widgets.VBox | None = None

    # What each widget provides ----------------------------------------

    def form(self) -> list[widgets.Widget]:
        """The widget's own controls, top to bottom."""
        raise NotImplementedError

    def answers(self) -> dict[str, Any]:
        """What is on screen now, in the shape the answer store keeps."""
        raise NotImplementedError

    def summaries(self, answers: dict[str, Any]) -> list[str]:
        """Extra download links (HTML from :func:`download_link`) for these answers."""
        return []

    # What the base does for every widget ------------------------------

    @property
    def widget(self) -> widgets.VBox:
        """The whole widget: notes about the file, the form, feedback, downloads."""
        if self._widget is None:
            form = self.form()
            # A widget may place the feedback line and downloads itself (next to its button).
            ends = [part for part in (self.feedback, self.downloads) if part not in form]
            self._widget = widgets.VBox([widgets.HTML(_BIDI_STYLE), self.notice, *form, *ends])
            self._widget.add_class("dwc-widget")
        return self._widget

    def show(self) -> widgets.VBox:
        """Return the widget, to display in a notebook."""
        return self.widget

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        from IPython.display import display

        display(self.widget)

    def saved(self) -> dict[str, Any]:
        """The answers saved in the file now (read again if it changed, for example by an upload)."""
        if self.store is None:
            return {}
        if self.store.changed_on_disk():
            self.store.reload()
            if self.store.message:
                self.notice.info(self.store.message)
        return self.store.as_dict()

    def save(
        self,
        answers: dict[str, Any] | None = None,
        change: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> bool:
        """Save ``answers`` (or what :meth:`answers` returns), say so, and offer the downloads.

        With ``change``, the newest saved answers are passed to it and what
        it returns is saved, so nothing saved elsewhere is lost.
        """
        if answers is None and change is None:
            answers = self.answers()
        ok = save_answers(self.store, answers or {}, self.feedback, change=change)
        self.offer_downloads(None if ok else answers)
        return ok

    def offer_downloads(self, unsaved: dict[str, Any] | None = None, extra: list[str] | None = None) -> None:
        """Show the download links: the summaries and, always, the answers file.

        ``unsaved`` is what is on screen when it could not be saved: it is
        offered as a file in the same shape, so the learner can upload it
        into ``my-answers`` later and carry on.
        """
        links = list(extra or [])
        if unsaved is not None:
            links.append(
                download_link(
                    answers_payload(self.store_name, unsaved),
                    f"{self.store_name}.json",
                    "application/json",
                    f"Download what is on screen ({self.store_name}.json): put it in my-answers to carry on",
                )
            )
        elif self.store is not None:
            links.append(self.store.download_link())
        show_downloads(self.downloads, links)


def download_area() -> widgets.HTML:
    """An empty area where a widget puts its download links after saving."""
    return widgets.HTML(value="")


def show_downloads(area: widgets.HTML, links: list[str]) -> None:
    """Fill a download area with one or more links (HTML from ``download_link``)."""
    area.value = "<p>" + "<br>".join(links) + "</p>"


__all__ = [
    "AnswerWidget",
    "Feedback",
    "button",
    "labelled",
    "download_area",
    "download_link",
    "message_html",
    "open_store",
    "save_answers",
    "show_downloads",
]
