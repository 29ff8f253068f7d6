"""Keep a learner's answers safe between sessions.

Every widget in the course saves what the learner types into an
:class:`AnswerStore`: a small JSON file in the learner's own folder
(``my-answers/`` next to the notebook, unless the environment variable
``DATAWITHCARE_ANSWERS_DIR`` says otherwise). The next time the widget
opens, it reloads the answers.

Five promises:

* Saving never half-writes a file: a new copy is written first, then
  swapped in.
* Saving never overwrites what it has not seen. Before it writes, the
  store reads the file again. If the file changed since it was read (a
  file the learner uploaded, or a second copy of the same notebook), the
  answers are merged: answers the store did not touch are kept as they
  are on disk. If the same answer was changed in both places, nothing is
  written and the learner is told how to keep both.
* Before every overwrite, the old file is copied into ``backups/``
  beside it, with the time in its name.
* A file that cannot be read, or that does not have the shape the widget
  expects, is never overwritten. It is renamed to
  ``<name>.unreadable-<time>.json`` and the learner is told which part is
  wrong and what to fix.
* The learner can download their answers with one click, so nothing is
  lost when a Binder session ends.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import html
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

try:  # File locks keep two kernels from writing at the same instant (Linux, macOS).
    import fcntl
except ImportError:  # pragma: no cover - Windows: the fingerprint check still applies
    fcntl = None  # type: ignore[assignment]

#: Set this environment variable to keep answers in another folder.
ANSWERS_DIR_ENV = "DATAWITHCARE_ANSWERS_DIR"

#: The folder, inside the answers folder, that keeps a copy of each file before it is overwritten.
BACKUP_FOLDER = "backups"

_NAME_RULE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_FORMAT = "data-with-care-answers"
_ABSENT = object()


class AnswerFileError(Exception):
    """An answer file could not be saved or read. The message says what to do."""


class AnswerConflictError(AnswerFileError):
    """The file changed since it was read, and the same answer was changed in both places."""


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


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation_problems(exc: ValidationError) -> list[str]:
    """Turn a pydantic error into sentences that name each field and say what to fix."""
    problems = []
    for error in exc.errors():
        where = " → ".join(str(part) for part in error["loc"]) or "the answers"
        found = error.get("input", _ABSENT)
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        text = f"'{where}': {message[:1].lower() + message[1:]}"
        if found is not _ABSENT and error["type"] != "missing":
            text += f" (it is {_short(found)})"
        problems.append(text)
    return problems


class _NotJSON(ValueError):
    pass


def _not_json(word: str) -> Any:
    raise _NotJSON(f"it holds {word}, which is not a number JSON allows; write a number instead")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def answers_payload(name: str, answers: dict[str, Any]) -> str:
    """Return answers as the JSON text an answer file holds (the widgets can reload it)."""
    payload = {"format": _FORMAT, "store": name, "saved_at": _now(), "answers": answers}
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)


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
    schema:
        A pydantic model that the answers must fit (optional). A file whose
        answers do not fit is put aside, like a file that is not JSON, and
        the message names each wrong field.
    """

    def __init__(
        self, name: str, folder: str | Path | None = None, schema: type[BaseModel] | None = None
    ) -> None:
        if not isinstance(name, str) or not _NAME_RULE.match(name):
            raise ValueError(
                "An answer store needs a short name in lower case, using letters, "
                f"numbers and hyphens only, such as 'ethics-canvas'. You gave {name!r}."
            )
        self.name = name
        self.folder = Path(folder).expanduser() if folder is not None else answers_dir()
        self.path = self.folder / f"{name}.json"
        self.schema = schema
        #: A note for the learner about the last load (for example, that an
        #: unreadable file was put aside). Empty when all is well.
        self.message = ""
        #: True when the last save found the file changed underneath and merged with it.
        self.merged = False
        #: The fingerprint of the file as last read or written (None: there was no file).
        self._fingerprint: str | None = None
        self._answers: dict[str, Any] = self._read()

    # Reading -----------------------------------------------------------

    def problems(self, answers: Any) -> list[str]:
        """Return what is wrong with ``answers`` for this store's schema (empty if they fit)."""
        if not isinstance(answers, dict):
            return ["'answers': it must be a mapping of names and answers"]
        if self.schema is None:
            return []
        try:
            self.schema.model_validate(answers)
        except ValidationError as exc:
            return validation_problems(exc)
        return []

    def _load(self) -> tuple[dict[str, Any], str | None]:
        """Return the answers on disk and their fingerprint; put an unreadable file aside."""
        try:
            data = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return {}, None
        except OSError as exc:
            raise AnswerFileError(
                f"Your answers in {self.path} could not be opened ({exc.strerror}). "
                "Check that the file is not open in another program, then run the cell again."
            ) from None
        problem = ""
        try:
            payload = json.loads(data.decode("utf-8"), parse_constant=_not_json)
        except UnicodeDecodeError:
            problem = "it is not a text file"
        except _NotJSON as exc:
            problem = str(exc)
        except json.JSONDecodeError as exc:
            problem = f"it is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        else:
            if (
                isinstance(payload, dict)
                and payload.get("format") == _FORMAT
                and isinstance(payload.get("answers"), dict)
            ):
                wrong = self.problems(payload["answers"])
                if not wrong:
                    return payload["answers"], _digest(data)
                problem = (
                    "some answers are not in the shape this form expects. In the part called "
                    '"answers": ' + "; ".join(wrong[:5]) + ("; and more" if len(wrong) > 5 else "")
                    + ". To mend it, give each named part the kind of value this message asks for, "
                    "or delete that part"
                )  # fmt: skip
            else:
                problem = "it does not look like a Data with Care answer file"
        self._put_aside(problem)
        return {}, None

    def _put_aside(self, problem: str) -> None:
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

    def _read(self) -> dict[str, Any]:
        answers, self._fingerprint = self._load()
        return answers

    def _fingerprint_now(self) -> str | None:
        try:
            return _digest(self.path.read_bytes())
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise AnswerFileError(
                f"Your answers in {self.path} could not be opened ({exc.strerror}). "
                "Check that the file is not open in another program, then try again."
            ) from None

    def changed_on_disk(self) -> bool:
        """True if the file is not what this store last read or wrote (uploaded, or saved elsewhere)."""
        return self._fingerprint_now() != self._fingerprint

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

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AnswerFileError(
                f"Your answers could not be saved in {self.folder} ({exc.strerror}). "
                "Your answers are still on screen: download them with the link below, "
                "or copy them somewhere safe."
            ) from None
        if fcntl is None:  # pragma: no cover - Windows
            yield
            return
        handle = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)

    def _latest(self) -> dict[str, Any]:
        """Inside the lock: the answers on disk now (reads again only if the file changed)."""
        self.merged = False
        if self._fingerprint_now() == self._fingerprint:
            return copy.deepcopy(self._answers)
        self.merged = True
        answers, _ = self._load()
        return answers

    @staticmethod
    def _checked(answers: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(answers, dict):
            raise ValueError("Give the answers as a dictionary of names and values.")
        for key, value in answers.items():
            if not isinstance(key, str) or not key.strip():
                raise ValueError(f"Each answer needs a name (some text); got {key!r}.")
            _check_json(value, key)
        return copy.deepcopy(answers)

    def set(self, key: str, value: Any) -> None:
        """Save one answer at once."""
        self.update({key: value})

    def update(self, answers: dict[str, Any]) -> None:
        """Save several answers at once, keeping every other answer in the file.

        If the file changed since it was read and one of these answers was
        changed there too, nothing is saved and :class:`AnswerConflictError`
        explains what to do.
        """
        self._save(self._checked(answers), ())

    def delete(self, key: str) -> None:
        """Remove one answer, if it is there."""
        self._save({}, (key,))

    def modify(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Read the newest answers, pass a copy to ``change``, and save the answers it returns.

        Use it to add to an answer (a person to a round, say) without losing
        what another copy of the notebook saved meanwhile. Returns what was saved.
        """
        with self._locked():
            latest = self._latest()
            updates = self._checked(change(copy.deepcopy(latest)))
            self._commit({**latest, **updates})
        return copy.deepcopy(updates)

    def _save(self, updates: dict[str, Any], deletes: tuple[str, ...]) -> None:
        with self._locked():
            latest = self._latest()
            conflicts = []
            for key in [*updates, *deletes]:
                on_disk = latest.get(key, _ABSENT)
                seen = self._answers.get(key, _ABSENT)
                wanted = updates.get(key, _ABSENT)
                if on_disk != seen and on_disk != wanted:
                    conflicts.append(key)
            if conflicts:
                raise AnswerConflictError(
                    f"Nothing was saved, so that nothing is lost: {self.path.name} changed after this "
                    "form opened (perhaps you uploaded a file, or this notebook is open twice), and it "
                    f"has a different answer for: {', '.join(conflicts)}. Run the cell again to load the "
                    "saved file, then make your change again. What you typed is still on screen; the "
                    "link below downloads it."
                )
            result = {**latest, **updates}
            for key in deletes:
                result.pop(key, None)
            if result == latest and self.path.exists() and not self.merged:
                return
            self._commit(result)

    def _commit(self, answers: dict[str, Any]) -> None:
        wrong = self.problems(answers)
        if wrong:
            raise ValueError("These answers cannot be saved: " + "; ".join(wrong))
        text = answers_payload(self.name, answers) + "\n"
        try:
            self._backup()
            handle, temp_name = tempfile.mkstemp(dir=self.folder, prefix=f".{self.name}-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as temp:
                temp.write(text)
            os.replace(temp_name, self.path)
        except OSError as exc:
            raise AnswerFileError(
                f"Your answers could not be saved in {self.folder} ({exc.strerror}). "
                "Your answers are still on screen: download them with the link below, "
                "or copy them somewhere safe."
            ) from None
        self._answers = answers
        self._fingerprint = _digest(text.encode("utf-8"))

    def _backup(self) -> None:
        """Copy the file into backups/ before it is overwritten."""
        if not self.path.exists():
            return
        folder = self.folder / BACKUP_FOLDER
        folder.mkdir(exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        shutil.copy2(self.path, folder / f"{self.name}-{stamp}.json")

    def backups(self) -> list[Path]:
        """The copies kept before each overwrite, oldest first."""
        return sorted((self.folder / BACKUP_FOLDER).glob(f"{self.name}-*.json"))

    # Downloading -------------------------------------------------------

    def to_json(self, answers: dict[str, Any] | None = None) -> str:
        """Return the answers (or ``answers``, if given) as the JSON text the file holds."""
        return answers_payload(self.name, self._answers if answers is None else answers)

    def download_link(self, label: str | None = None, answers: dict[str, Any] | None = None) -> str:
        """Return an HTML link that downloads these answers as a JSON file the widget can reload."""
        return download_link(
            self.to_json(answers),
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
