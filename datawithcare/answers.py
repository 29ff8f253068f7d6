"""Keep a learner's answers safe between sessions.

Every widget in the course saves what the learner types into an
:class:`AnswerStore`: a small JSON file in the learner's own folder
(``my-answers/`` next to the notebook, unless the environment variable
``DATAWITHCARE_ANSWERS_DIR`` says otherwise). The next time the widget
opens, it reloads the answers.

Three promises:

* Saving never half-writes a file: a new copy is written first, then
  swapped in.
* A file that cannot be read is never overwritten. It is renamed to
  ``<name>.unreadable-<time>.json`` and the learner is told where it is.
* The learner can download their answers with one click, so nothing is
  lost when a Binder session ends.
"""

from __future__ import annotations

import base64
import copy
import html
import io
import json
import os
import re
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: Set this environment variable to keep answers in another folder.
ANSWERS_DIR_ENV = "DATAWITHCARE_ANSWERS_DIR"

_NAME_RULE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FORMAT = "data-with-care-answers"


class AnswerFileError(Exception):
    """An answer file could not be saved or read. The message says what to do."""


def answers_dir() -> Path:
    """Return the folder where answer files are kept (it may not exist yet)."""
    override = os.environ.get(ANSWERS_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path.cwd() / "my-answers"


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _check_json(value: Any, where: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"The answer for {where!r} cannot be saved: only text, numbers, "
            "True/False, lists and dictionaries can go in an answer file. "
            f"({exc})"
        ) from None


class AnswerStore:
    """A learner's answers for one tool, saved as JSON.

    >>> store = AnswerStore("ethics-canvas", folder=tmp_path)  # doctest: +SKIP
    >>> store.set("purpose", "Report numbers to our funder")  # doctest: +SKIP
    >>> AnswerStore("ethics-canvas", folder=tmp_path).get("purpose")  # doctest: +SKIP
    'Report numbers to our funder'

    Parameters
    ----------
    name:
        A short name for the tool, in lower case with hyphens, such as
        ``"ethics-canvas"``. It becomes the file name.
    folder:
        Where to keep the file. Leave it out to use :func:`answers_dir`.
    """

    def __init__(self, name: str, folder: str | Path | None = None) -> None:
        if not isinstance(name, str) or not _NAME_RULE.match(name):
            raise ValueError(
                "An answer store needs a short name in lower case, using letters, "
                f"numbers and hyphens only, such as 'ethics-canvas'. You gave {name!r}."
            )
        self.name = name
        self.folder = Path(folder).expanduser() if folder is not None else answers_dir()
        self.path = self.folder / f"{name}.json"
        #: A note for the learner about the last load (for example, that an
        #: unreadable file was put aside). Empty when all is well.
        self.message = ""
        self._answers: dict[str, Any] = self._read()

    # Reading -----------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        problem = ""
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problem = "it is not a text file"
        except json.JSONDecodeError as exc:
            problem = f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        except OSError as exc:
            raise AnswerFileError(
                f"Your answers in {self.path} could not be opened ({exc.strerror}). "
                "Check that the file is not open in another program, then run the cell again."
            ) from None
        else:
            if (
                isinstance(payload, dict)
                and payload.get("format") == _FORMAT
                and isinstance(payload.get("answers"), dict)
            ):
                return payload["answers"]
            problem = "it does not look like a Data with Care answer file"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.name}.unreadable-{stamp}.json")
        counter = 1
        while backup.exists():
            backup = self.path.with_name(f"{self.name}.unreadable-{stamp}-{counter}.json")
            counter += 1
        self.path.rename(backup)
        self.message = (
            f"Your saved answers in {self.path.name} could not be read: {problem}. "
            f"Nothing has been deleted: the file is now called {backup.name}, in {self.folder}. "
            "You can start again here. If you edited that file by hand, you can "
            "open it, mend it, and rename it back."
        )
        return {}

    def reload(self) -> None:
        """Read the file again, for example after a colleague's answers were copied in."""
        self.message = ""
        self._answers = self._read()

    def get(self, key: str, default: Any = None) -> Any:
        """Return a copy of one saved answer, or ``default`` if there is none."""
        return copy.deepcopy(self._answers.get(key, default))

    def as_dict(self) -> dict[str, Any]:
        """Return a copy of all the saved answers."""
        return copy.deepcopy(self._answers)

    def __contains__(self, key: object) -> bool:
        return key in self._answers

    def __len__(self) -> int:
        return len(self._answers)

    # Writing -----------------------------------------------------------

    def set(self, key: str, value: Any) -> None:
        """Save one answer at once."""
        self.update({key: value})

    def update(self, answers: dict[str, Any]) -> None:
        """Save several answers at once."""
        if not isinstance(answers, dict):
            raise ValueError("Give the answers as a dictionary of names and values.")
        for key, value in answers.items():
            if not isinstance(key, str) or not key.strip():
                raise ValueError(f"Each answer needs a name (some text); got {key!r}.")
            _check_json(value, key)
        merged = {**self._answers, **copy.deepcopy(answers)}
        self._write(merged)
        self._answers = merged

    def delete(self, key: str) -> None:
        """Remove one answer, if it is there."""
        if key in self._answers:
            remaining = {k: v for k, v in self._answers.items() if k != key}
            self._write(remaining)
            self._answers = remaining

    def _write(self, answers: dict[str, Any]) -> None:
        payload = {"format": _FORMAT, "store": self.name, "saved_at": _now(), "answers": answers}
        text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(dir=self.folder, prefix=f".{self.name}-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as temp:
                temp.write(text + "\n")
            os.replace(temp_name, self.path)
        except OSError as exc:
            raise AnswerFileError(
                f"Your answers could not be saved in {self.folder} ({exc.strerror}). "
                "Your answers are still on screen: download them with the link below, "
                "or copy them somewhere safe."
            ) from None

    # Downloading -------------------------------------------------------

    def to_json(self) -> str:
        """Return the answers as the same JSON text the file holds."""
        payload = {"format": _FORMAT, "store": self.name, "saved_at": _now(), "answers": self._answers}
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def download_link(self, label: str | None = None) -> str:
        """Return an HTML link that downloads these answers as a JSON file."""
        return download_link(
            self.to_json(),
            filename=self.path.name,
            mime="application/json",
            label=label or f"Download your answers ({self.path.name})",
        )


def download_link(
    content: str | bytes, filename: str, mime: str = "text/plain", label: str | None = None
) -> str:
    """Return an HTML link that downloads ``content`` as a file.

    The file travels inside the link itself, so the download works on
    Binder, Colab, a JupyterHub or a laptop, with no server involved.
    """
    if not isinstance(filename, str) or not filename.strip() or "/" in filename or "\\" in filename:
        raise ValueError("Give a plain file name for the download, such as 'my-plan.md'.")
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    encoded = base64.b64encode(data).decode("ascii")
    text = html.escape(label or f"Download {filename}")
    return (
        f'<a download="{html.escape(filename)}" href="data:{mime};base64,{encoded}" '
        f'target="_blank" rel="noopener">⬇ {text}</a>'
    )


def download_all_link(folder: str | Path | None = None, label: str | None = None) -> str:
    """Return an HTML link that downloads every answer file as one zip file."""
    source = Path(folder).expanduser() if folder is not None else answers_dir()
    files = sorted(source.glob("*.json")) if source.is_dir() else []
    if not files:
        return "<p>You have no saved answers yet. They appear here once you press a Save button.</p>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, arcname=f"my-answers/{path.name}")
    return download_link(
        buffer.getvalue(),
        filename="data-with-care-answers.zip",
        mime="application/zip",
        label=label or f"Download all your answers ({len(files)} files, zip)",
    )
