"""The repository itself: what is committed, how lessons are shaped."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from harness import NOTEBOOKS, ROOT, cell_source, notebook_problems, parameters, read_notebook

from datawithcare.colab import is_setup_cell, setup_source

COURSE_URL = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]

PLACEHOLDERS = re.compile(r"coming soon|lorem ipsum|\bTODO\b|\bFIXME\b|\bTBD\b", re.I)
MAX_FILE_BYTES = 2_000_000


def tracked(pattern: str = "") -> list[Path]:
    args = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    if pattern:
        args.append(pattern)
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in out.splitlines() if line and (ROOT / line).exists()]


NOTEBOOK_FILES = [p for p in tracked("*.ipynb")]


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_is_stripped(path: Path) -> None:
    problems = notebook_problems(read_notebook(path))
    assert not problems, f"{path.name}: {problems}. Run `make strip` before committing."


def test_no_file_is_too_big() -> None:
    big = [p.relative_to(ROOT).as_posix() for p in tracked() if p.stat().st_size > MAX_FILE_BYTES]
    assert not big, f"Files over {MAX_FILE_BYTES:,} bytes: {big}"


def test_datasets_folder_is_small() -> None:
    folder = ROOT / "datasets"
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    assert total <= 5 * 1024 * 1024, f"datasets/ holds {total:,} bytes; the limit is 5 MB."


def test_no_placeholders_for_learners() -> None:
    hits = []
    for path in tracked():
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(("book/", "notebooks/", "exercises/", "datasets/")):
            continue
        if path.suffix not in {".md", ".ipynb", ".csv", ".json", ".yaml"}:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PLACEHOLDERS.search(line):
                hits.append(f"{rel}:{number}")
    assert not hits, f"Placeholders a learner would see: {hits[:10]}"


LESSONS = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_has_the_course_shape(path: Path) -> None:
    assert re.match(r"^\d\d([a-z]\d?)?-[a-z0-9-]+$", path.stem), (
        f"{path.name}: name lessons NN-short-name.ipynb (NN = module), or NNa-… for several per module "
        "(NNa2-… for the second part of lesson NNa)."
    )
    nb = read_notebook(path)
    cells = nb["cells"]
    first = cell_source(cells[0]) if cells else ""
    assert cells and cells[0]["cell_type"] == "markdown" and first.lstrip().startswith("# "), (
        f"{path.name}: the first cell must be Markdown starting with the lesson title ('# ...')."
    )
    for word in ("Questions", "Objectives", "Time"):
        assert word in first, f"{path.name}: the opening cell must state the lesson's {word}."
    # The hidden Colab set-up cell (datawithcare.colab) is the one cell allowed
    # to install anything, and only exactly as generated; the rules below are
    # about the lesson's own code.
    setup = [c for c in cells if is_setup_cell(c)]
    for cell in setup:
        assert cell_source(cell) == setup_source(COURSE_URL), (
            f"{path.name}: the Colab set-up cell was edited; run `python -m datawithcare.colab` instead."
        )
    code = [c for c in cells if c["cell_type"] == "code" and not is_setup_cell(c)]
    assert code and "datawithcare" in cell_source(code[0]), (
        f"{path.name}: the first code cell imports from the helper package (course style, data)."
    )
    assert parameters(nb), f"{path.name}: add a cell tagged 'parameters' (papermill) naming what may change."
    tail = "\n".join(cell_source(c) for c in cells[-3:] if c["cell_type"] == "markdown")
    assert re.search(r"key points", tail, re.I), f"{path.name}: end the lesson with its key points."
    for cell in code:
        assert not re.search(r"^\s*[!%]\s*pip\s+install", cell_source(cell), re.M), (
            f"{path.name}: no pip install in lessons; add the package to requirements instead."
        )
