"""The checks behind the tests, kept as plain functions.

Keeping them here (and not inside the test functions) lets
``test_harness.py`` prove that each check catches a broken notebook,
book or exercise: a check that cannot fail protects nothing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXERCISES = ROOT / "exercises"
CONTENT_SUFFIXES = {".md", ".ipynb"}
# Folders that hold pages of the book. Everything in them must be in the ToC.
CONTENT_FOLDERS = ["book", "notebooks", "exercises/release"]
# Files in those folders that are downloads or includes, not pages.
NOT_PAGES = re.compile(r"(^|/)(templates|downloads|includes)/")


def read_notebook(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


# Notebook hygiene ------------------------------------------------------


def notebook_problems(nb: dict[str, Any]) -> list[str]:
    """Return why a notebook is not fit to commit (outputs, counts, widget state)."""
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {index} has outputs")
        if cell.get("execution_count") is not None:
            problems.append(f"cell {index} has an execution count")
        if "execution" in cell.get("metadata", {}):
            problems.append(f"cell {index} has run times in its metadata")
    if "widgets" in nb.get("metadata", {}):
        problems.append("the notebook carries widget state")
    return problems


def has_tag(cell: dict[str, Any], tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def charts_without_alt_text(nb: dict[str, Any]) -> list[int]:
    """Return the indexes of executed code cells that drew an image but have no alt text."""
    missing = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        draws = any(
            "image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})
            for out in cell.get("outputs", [])
        )
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")
        if draws and len(str(alt).split()) < 5:
            missing.append(index)
    return missing


def output_text(nb: dict[str, Any]) -> str:
    """Return every text a notebook's outputs show (for the identifier scan)."""
    parts = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append("".join(out["text"]) if isinstance(out["text"], list) else out["text"])
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def parameters(nb: dict[str, Any]) -> str:
    """Return the source of the notebook's papermill ``parameters`` cell, or ''."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and has_tag(cell, "parameters"):
            return cell_source(cell)
    return ""


# Running notebooks ------------------------------------------------------


def run_notebook(
    path: Path,
    output: Path,
    params: dict[str, Any] | None = None,
    kernel_name: str | None = None,
    timeout: int = 120,
) -> tuple[dict[str, Any], float]:
    """Execute a notebook top to bottom on a fresh kernel; return it and the seconds taken.

    Raises papermill's ``PapermillExecutionError`` if any cell fails that
    is not tagged ``raises-exception``.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(path),
            str(output),
            parameters=params or {},
            cwd=str(Path(path).parent),
            kernel_name=kernel_name,
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
        )
    except PapermillExecutionError:
        # papermill stops at any error output, even in a cell tagged
        # raises-exception (which nbclient ran past on purpose). Look
        # again and fail only for errors nobody meant.
        executed = read_notebook(output)
        unexpected = unexpected_errors(executed)
        if unexpected:
            raise
    seconds = time.perf_counter() - start
    executed = read_notebook(output)
    executed["cells"] = [c for c in executed["cells"] if not has_tag(c, "papermill-error-cell-tag")]
    return executed, seconds


def unexpected_errors(nb: dict[str, Any]) -> list[int]:
    """Return the indexes of cells that raised an error without the raises-exception tag."""
    return [
        index
        for index, cell in enumerate(nb.get("cells", []))
        if any(out.get("output_type") == "error" for out in cell.get("outputs", []))
        and not has_tag(cell, "raises-exception")
    ]


# The table of contents --------------------------------------------------


def toc_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Return every file the ToC names (root first), without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("sections", "chapters"):
                walk(entry.get(key, []))
            for part in entry.get("parts", []):
                walk(part.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return files


def resolve_toc_entry(entry: str, root: Path = ROOT) -> Path | None:
    for suffix in (".md", ".ipynb"):
        candidate = root / f"{entry}{suffix}"
        if candidate.exists():
            return candidate
    return None


def content_files(root: Path = ROOT) -> list[str]:
    """Return every page-like file in the content folders, as ToC-style names."""
    found = []
    for folder in CONTENT_FOLDERS:
        base = root / folder
        if not base.exists():
            continue
        for path in base.rglob("*"):
            rel = path.relative_to(root).as_posix()
            if path.suffix not in CONTENT_SUFFIXES or ".ipynb_checkpoints" in rel or "my-answers" in rel:
                continue
            if NOT_PAGES.search(rel):
                continue
            found.append(rel.rsplit(".", 1)[0])
    return sorted(found)


def expected_html(entry: str, build_dir: Path) -> Path:
    return build_dir / "html" / f"{entry}.html"


def build_book(source: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """Build the book strictly (warnings are errors) into ``output``."""
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(source),
        "--path-output",
        str(output),
        "--warningiserror",
        "--nitpick",
        "--keep-going",
        "--all",
    ]
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)
