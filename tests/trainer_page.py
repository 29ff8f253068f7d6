"""Read the trainer's guide as a trainer would, and play learners for it.

Shared by the tests that run the guide's commands literally
(``test_trainer_guide.py``) and the test on a real hub (``test_hub.py``).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from datawithcare.nbgrader_feedback import BEGIN, END

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "book" / "trainers" / "running-exercises.md"
EXERCISE = "06a-first-look"


def page_blocks(page: Path = PAGE) -> dict[str, str]:
    """Every named ``{code-block}`` on the page: name -> the commands in it."""
    blocks = {}
    for token in MarkdownIt("commonmark").parse(page.read_text(encoding="utf-8")):
        if token.type != "fence" or not token.info.startswith("{code-block}"):
            continue
        lines = token.content.splitlines()
        options = {}
        while lines and lines[0].startswith(":"):
            key, _, value = lines.pop(0)[1:].partition(":")
            options[key.strip()] = value.strip()
        if "name" in options:
            blocks[options["name"]] = "\n".join(lines) + "\n"
    return blocks


def scratch_course(folder: Path) -> Path:
    """A trainer's copy of the course: the exercises (solved sources too) and the .venv."""
    course = folder / "course"
    (course / "exercises").mkdir(parents=True)
    for part in ("source", "release"):
        shutil.copytree(ROOT / "exercises" / part, course / "exercises" / part)
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course / "exercises")
    (course / ".venv").symlink_to(ROOT / ".venv")
    return course


def tool_env(**extra: str) -> dict[str, str]:
    """The environment of a terminal in the course environment (its bin first on the PATH)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "NBGRADER"))}
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    env.update(extra)
    return env


def run_block(script: str, cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    """Run a block of commands as a trainer pasting it into bash would (stop at the first error)."""
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, (
        f"The trainer's guide commands failed (exit {result.returncode}):\n{script}\n"
        f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
    )
    return result.stdout + result.stderr


def _by_id(nb: dict) -> dict[str, dict]:
    return {
        c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"] if "nbgrader" in c.get("metadata", {})
    }


def solved(student_copy: dict, name: str = EXERCISE) -> dict:
    """The student copy with every answer cell written as the solved source writes it."""
    source = json.loads((ROOT / "exercises" / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    answers = _by_id(source)
    nb = copy.deepcopy(student_copy)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]["source"]
    return nb


def tampered(student_copy: dict, name: str = EXERCISE) -> dict:
    """Solved, but the first test cell deleted and the second test cell's checks replaced by ``pass``."""
    nb = solved(student_copy, name)
    tests = [c for c in nb["cells"] if is_test(c)]
    assert len(tests) >= 2, f"{name} needs two test cells for the tampering check."
    nb["cells"].remove(tests[0])
    tests[1]["source"] = "pass\n"
    return nb


def is_test(cell: dict) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution") and cell["cell_type"] == "code"


def hidden_lines(name: str = EXERCISE) -> list[str]:
    """The lines of the exercise's hidden tests (markers left out), stripped."""
    nb = json.loads((ROOT / "exercises" / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    lines, inside = [], False
    for cell in nb["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if BEGIN in line:
                inside = True
            elif END in line:
                inside = False
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def visible_text(html: str) -> str:
    """The text a learner reads in a feedback page."""
    return BeautifulSoup(html, "html.parser").get_text()


def assert_no_hidden_tests(text: str, what: str, name: str = EXERCISE) -> None:
    hidden = hidden_lines(name)
    assert hidden, f"{name} has no hidden tests, so this check would prove nothing."
    shown = [line for line in hidden if line in text]
    assert not shown and "HIDDEN TESTS" not in text, f"{what} shows hidden tests: {shown}"
