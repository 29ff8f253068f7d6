"""Make and check the student copies of the nbgrader exercises.

Authors edit only the solved source in ``exercises/source/<name>/``. This
module turns it into the student copy in ``exercises/release/<name>/``
with nbgrader, and can autograde a notebook against its source, which is
how the tests prove that solutions score full marks and blanks score zero.

Command line (``make exercises`` runs the first)::

    python -m datawithcare.exercises generate [NAME ...]
    python -m datawithcare.exercises grade NAME NOTEBOOK
    python -m datawithcare.exercises check-submissions NAME   (in exercises/)

nbgrader is part of the author environment, not the learner's: it is
imported only when these functions run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from datawithcare.paths import repo_root

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def exercises_dir() -> Path:
    """Return the ``exercises/`` folder of the course."""
    return repo_root() / "exercises"


def list_exercises(root: Path | None = None) -> list[str]:
    """Return the names of every exercise that has a solved source."""
    source = (root or exercises_dir()) / "source"
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and (p / f"{p.name}.ipynb").exists())


def _nbgrader(args: list[str], course: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "nbgrader",
        *args,
        f"--CourseDirectory.root={course}",
        f"--db=sqlite:///{course / 'gradebook.db'}",
        "--log-level=WARN",
    ]
    # nbgrader calls its own tools (alembic) by name: put this Python's
    # scripts folder first on the PATH so they are found in a virtualenv.
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _stage_course(names: list[str], workdir: Path, root: Path) -> Path:
    """Copy the config and the named sources into a fresh course folder."""
    course = workdir / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", course / "nbgrader_config.py")
    for name in names:
        shutil.copytree(root / "source" / name, course / "source" / name)
    return course


def _tidy(notebook: Path) -> None:
    """Make a generated notebook stable: no outputs, counts or run times."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def generate(names: list[str] | None = None, root: Path | None = None, out: Path | None = None) -> list[Path]:
    """Generate student copies into ``out`` (default ``exercises/release``).

    Returns the paths of the notebooks written. The work happens in a
    temporary folder, so the course folder gets no nbgrader database.
    """
    root = root or exercises_dir()
    available = list_exercises(root)
    names = names or available
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise ValueError(
            f"No solved source for {', '.join(unknown)}. "
            f"Exercises with a source in {root / 'source'}: {', '.join(available) or '(none)'}."
        )
    out = out or root / "release"
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        course = _stage_course(names, Path(tmp), root)
        for name in names:
            _nbgrader(["generate_assignment", name, "--force"], course)
            target = out / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / name, target)
            for notebook in sorted(target.glob("*.ipynb")):
                _tidy(notebook)
                written.append(notebook)
    return written


@dataclass(frozen=True)
class Grade:
    """The result of autograding one notebook."""

    score: float
    max_score: float
    #: Points of hand-marked answers (nbgrader cells with both ``grade`` and
    #: ``solution``), which autograding leaves unscored until a trainer marks them.
    manual_points: float = 0.0


@dataclass(frozen=True)
class Rehearsal:
    """One nbgrader run of an exercise: its student copy and the grades of some notebooks."""

    release: dict[str, dict]
    grades: dict[str, Grade]


def rehearse(name: str, notebooks: dict[str, Path], root: Path | None = None) -> Rehearsal:
    """Generate exercise ``name`` once and autograde ``notebooks`` in one run.

    ``notebooks`` maps a learner's name to the notebook they hand in. The
    result holds the generated student copy (tidied as ``make exercises``
    writes it, by file name) and each learner's grade. One
    ``generate_assignment`` and one ``autograde`` serve every notebook,
    which is how the tests check an exercise without paying for nbgrader
    several times.
    """
    root = root or exercises_dir()
    if name not in list_exercises(root):
        raise ValueError(f"No solved source for exercise {name!r}.")
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory() as tmp:
        course = _stage_course([name], Path(tmp), root)
        _nbgrader(["generate_assignment", name, "--force"], course)
        release = {}
        for notebook in sorted((course / "release" / name).glob("*.ipynb")):
            _tidy(notebook)
            release[notebook.name] = json.loads(notebook.read_text(encoding="utf-8"))
        for learner, notebook in notebooks.items():
            submission = course / "submitted" / learner / name
            submission.mkdir(parents=True)
            shutil.copy(notebook, submission / f"{name}.ipynb")
        grades: dict[str, Grade] = {}
        if notebooks:
            _nbgrader(["autograde", name, "--force"], course)
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
                for learner in notebooks:
                    result = gradebook.find_submission(name, learner)
                    manual = sum(
                        float(cell.max_score)
                        for notebook in result.notebooks
                        for cell in notebook.grades
                        if cell.auto_score is None
                    )
                    grades[learner] = Grade(
                        score=float(result.score), max_score=float(result.max_score), manual_points=manual
                    )
        return Rehearsal(release=release, grades=grades)


def grade(name: str, notebook: Path, root: Path | None = None) -> Grade:
    """Autograde ``notebook`` as a submission of exercise ``name``."""
    return rehearse(name, {"learner": notebook}, root).grades["learner"]


def _source_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _graded_cells(notebook: dict) -> dict[str, dict]:
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: cell
        for cell in notebook.get("cells", [])
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    }


def check_submission(release: Path, submitted: Path) -> list[str]:
    """Say what a learner changed that nbgrader will quietly put right.

    nbgrader restores a locked cell the learner edited, and (with
    ``OverwriteCells.add_missing_cells``, set in the course's
    ``nbgrader_config.py``) puts back a test cell the learner deleted. The
    trainer should still know, to talk to the learner. The comparison is
    with the student copy, so the hidden tests (which the learner never
    had) raise no false alarm.
    """
    given = _graded_cells(json.loads(release.read_text(encoding="utf-8")))
    try:
        handed_in = _graded_cells(json.loads(submitted.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [f"the notebook cannot be read ({exc}); ask the learner to download it again"]
    problems = []
    for grade_id, cell in given.items():
        meta = cell["metadata"]["nbgrader"]
        theirs = handed_in.get(grade_id)
        if theirs is None:
            if meta.get("grade") and not meta.get("solution"):
                problems.append(f"test cell {grade_id!r} was deleted; nbgrader put it back and ran it")
            elif meta.get("solution"):
                problems.append(f"answer cell {grade_id!r} was deleted, so that answer scores 0")
            continue
        if meta.get("locked") and _source_text(theirs) != _source_text(cell):
            problems.append(f"locked cell {grade_id!r} was edited; nbgrader used the original")
    return problems


def check_submissions(name: str, course: Path) -> dict[str, list[str]]:
    """Check every submission of ``name`` in ``course/submitted/``; learner -> problems."""
    release = course / "release" / name / f"{name}.ipynb"
    if not release.exists():
        raise ValueError(f"No student copy at {release}. Run this from the course's exercises/ folder.")
    found = {}
    for submitted in sorted((course / "submitted").glob(f"*/{name}/{name}.ipynb")):
        learner = submitted.parent.parent.name
        found[learner] = check_submission(release, submitted)
    return found


def find_leaks(notebook: Path | dict) -> list[str]:
    """Return the problems that would give answers away in a student copy (a path or a loaded notebook)."""
    nb = notebook if isinstance(notebook, dict) else json.loads(notebook.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb.get("cells", [])):
        text = (
            "".join(cell.get("source", ""))
            if isinstance(cell.get("source"), list)
            else cell.get("source", "")
        )
        for marker in SOLUTION_MARKERS + HIDDEN_MARKERS:
            if marker in text:
                problems.append(f"cell {index}: contains {marker!r}")
        if cell.get("outputs"):
            problems.append(f"cell {index}: has outputs")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m datawithcare.exercises", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate", help="write the student copies into exercises/release/")
    make.add_argument("names", nargs="*", help="exercise names (default: all)")
    check = commands.add_parser("grade", help="autograde a notebook against an exercise")
    check.add_argument("name")
    check.add_argument("notebook", type=Path)
    review = commands.add_parser(
        "check-submissions", help="list learners who deleted or edited cells nbgrader restores"
    )
    review.add_argument("name")
    review.add_argument(
        "--course", type=Path, default=Path("."), help="the folder with nbgrader_config.py (default: here)"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            for path in generate(args.names or None):
                print(f"wrote {path.relative_to(repo_root())}")
        elif args.command == "grade":
            result = grade(args.name, args.notebook)
            print(f"{args.notebook}: {result.score:g} / {result.max_score:g}")
            if result.manual_points:
                print(f"{result.manual_points:g} of those points are for answers a trainer marks by hand.")
        else:
            found = check_submissions(args.name, args.course.resolve())
            if not found:
                print(f"No submissions of {args.name} yet: run nbgrader collect {args.name} first.")
            for learner, problems in found.items():
                if problems:
                    print(f"{learner}: " + "; ".join(problems))
            changed = sum(bool(p) for p in found.values())
            print(f"{len(found)} submissions of {args.name}; {changed} with cells changed or deleted.")
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
