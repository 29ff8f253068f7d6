"""The learner bundle (``make learner-bundle``) holds what learners need and no answer.

Learners' Binder and nbgitpuller links point at the ``learner`` branch,
which is this bundle. Every line of every solution and hidden test in the
solved sources is looked for in every file of the bundle.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest

from datawithcare import bundle, exercises
from datawithcare.datasets import course_names

ROOT = Path(__file__).resolve().parent.parent
REGIONS = {
    "### BEGIN SOLUTION": "### END SOLUTION",
    "### BEGIN HIDDEN TESTS": "### END HIDDEN TESTS",
}


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def secret_regions(name: str) -> list[set[str]]:
    """Each solution and hidden-test region of the solved source, as the set of its telling lines.

    Lines the learner is given anyway (outside every region) and short
    lines such as ")" or "plt.show()" are left out: they say nothing
    about the answer.
    """
    nb = json.loads((ROOT / "exercises" / "source" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    regions: list[set[str]] = []
    given: set[str] = set()
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        text = _text(cell)
        whole_cell_answer = meta.get("solution") and not any(m in text for m in REGIONS)
        if whole_cell_answer:
            regions.append(set())
        end = None
        for line in text.splitlines():
            stripped = line.strip()
            if end is None and stripped in REGIONS:
                end = REGIONS[stripped]
                regions.append(set())
            elif end is not None and stripped == end:
                end = None
            elif end is not None or whole_cell_answer:
                regions[-1].add(stripped)
            else:
                given.add(stripped)
    given |= given_in_every_exercise()
    telling = [{ln for ln in r - given if len(ln) >= 12 and any(ch.isalpha() for ch in ln)} for r in regions]
    return [r for r in telling if r]


@functools.cache
def given_in_every_exercise() -> frozenset[str]:
    """Lines that some exercise hands the learner in plain sight, such as ``data = load_dataset("clients")``.

    A line that one student copy shows openly gives nothing away when another
    exercise's hidden test happens to use it too.
    """
    given: set[str] = set()
    for name in exercises.list_exercises():
        nb = json.loads((ROOT / "exercises" / "release" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
        given |= {line.strip() for cell in nb["cells"] for line in _text(cell).splitlines()}
    return frozenset(given)


def secret_lines(name: str) -> set[str]:
    return set().union(*secret_regions(name))


def bundle_lines(path: Path) -> set[str]:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return {line.strip() for cell in nb["cells"] for line in _text(cell).splitlines()}
    try:
        return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    except UnicodeDecodeError:
        return set()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bundle.build(tmp_path_factory.mktemp("bundle") / "learner-bundle")


def test_bundle_holds_what_learners_need_and_nothing_else(built: Path) -> None:
    top = sorted(p.name for p in built.iterdir())
    assert top == sorted(
        [
            "README.md",
            "LICENSE.md",
            "pyproject.toml",
            "binder",
            "book",
            "datasets",
            "datawithcare",
            "exercises",
            "notebooks",
        ]
    ), top
    assert sorted(p.name for p in (built / "exercises").iterdir()) == ["release"]
    names = exercises.list_exercises()
    for name in names:
        assert (built / "exercises" / "release" / name / f"{name}.ipynb").exists(), name
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (built / "notebooks").glob("*.ipynb")) == lessons
    assert (built / "datasets" / "datapackage.json").exists()
    assert (built / "datawithcare" / "__init__.py").exists()
    assert not list(built.rglob("__pycache__"))
    # The trainer's guide (model answers, the capstone rubric) stays with the trainer.
    assert (ROOT / "book" / "trainers" / "capstone-rubric.md").exists()
    assert not (built / "book" / "trainers").exists()
    assert (built / "book" / "index.md").exists()


def test_no_solution_or_hidden_test_anywhere_in_the_bundle(built: Path) -> None:
    """No answer line in the student copies, the package, the book pages or any other file.

    The lessons teach what the exercises practise, so a lesson may show
    one line that an answer also uses (``.value_counts()``); it may not
    hold a whole answer or hidden test of more than one line.
    """
    regions = {name: secret_regions(name) for name in exercises.list_exercises()}
    assert all(regions.values()), f"Some exercise has no solution or hidden test to look for: {regions}"
    found = []
    for path in sorted(p for p in built.rglob("*") if p.is_file()):
        where = path.relative_to(built)
        lines = bundle_lines(path)
        if path.suffix in {".ipynb", ".md"}:
            text = path.read_text(encoding="utf-8")
            found += [f"{where}: the marker {m!r}" for m in [*REGIONS, *REGIONS.values()] if m in text]
        lesson = where.parts[0] == "notebooks"
        for name, parts in regions.items():
            for region in parts:
                if not lesson:
                    found += [f"{where}: a line of {name}'s answers: {s!r}" for s in region & lines]
                elif len(region) > 1 and region <= lines:
                    found.append(f"{where}: a whole answer or hidden test of {name}: {sorted(region)}")
    assert not found, "The learner bundle gives answers away:\n" + "\n".join(found[:30])


def _markdown_text(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join(_text(c) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_lessons_in_the_bundle_name_the_profile_organisation_not_a_substitution(built: Path) -> None:
    """JupyterLab shows ``{{ example_org }}`` as it is: the bundle writes the active profile's names in.

    The course's lessons use the substitutions (a fork changes the profile,
    not the lessons), so the repository's notebooks hold them and the
    bundle's must not.
    """
    names = course_names()
    pattern = re.compile(r"\{\{\s*(" + "|".join(names) + r")\s*\}\}")
    used = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if pattern.search(_markdown_text(p))]
    assert used, "No lesson uses a name substitution, so this test would prove nothing."
    for source in used:
        copy = built / "notebooks" / source.name
        text = _markdown_text(copy)
        prose = bundle._CODE.sub("", text)  # a substitution shown in `code` is meant to be seen
        assert "{{" not in prose, f"{copy.name} still has a substitution learners would see as it is."
        wanted = {names[m.group(1)] for m in pattern.finditer(_markdown_text(source))}
        assert all(name in text for name in wanted), (copy.name, wanted)
    pages = [
        p
        for p in sorted((built / "book").rglob("*.md"))
        if pattern.search(bundle._CODE.sub("", p.read_text(encoding="utf-8")))
    ]
    assert not pages, f"Pages with a name substitution left: {pages}"
    # The notebook is still a notebook Jupyter opens.
    nbformat.validate(nbformat.read(built / "notebooks" / used[0].name, as_version=4))


def test_bundle_writes_another_profile_names_in(tmp_path: Path) -> None:
    """The names come from the profile asked for, not from text typed in the bundle code."""
    other = course_names("homelessness-greater-manchester")
    page = tmp_path / "page.md"
    page.write_text(
        "{{ example_org }} ({{example_org_short}}) in {{ city }}; {{ course_hours }} hours; `{{ city }}`\n",
        encoding="utf-8",
    )
    assert bundle.render_names(tmp_path, other) == 1
    text = page.read_text(encoding="utf-8")
    assert text == (
        f"{other['example_org']} ({other['example_org_short']}) in {other['city']}; "
        "{{ course_hours }} hours; `{{ city }}`\n"
    ), "names filled in; other substitutions and code left as they are"


def test_check_would_find_a_solution(tmp_path: Path) -> None:
    """The search above finds a solved source if one slips into the bundle."""
    name = exercises.list_exercises()[0]
    source = ROOT / "exercises" / "source" / name / f"{name}.ipynb"
    assert secret_lines(name) & bundle_lines(source)
    assert any(len(r) > 1 and r <= bundle_lines(source) for r in secret_regions(name))


def test_publish_commits_the_bundle_to_a_branch_without_touching_the_work_tree(
    built: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "course.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    first = bundle.commit_folder(built, repo, "learner", "first")
    (built / "README.md").write_text("changed\n", encoding="utf-8")
    second = bundle.commit_folder(built, repo, "learner", "second")
    log = subprocess.run(
        ["git", "--git-dir", str(repo), "log", "--format=%H", "learner"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert log == [second, first]
    files = subprocess.run(
        ["git", "--git-dir", str(repo), "ls-tree", "-r", "--name-only", "learner"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "exercises/release/06a-first-look/06a-first-look.ipynb" in files
    assert not [f for f in files if f.startswith(("exercises/source", "tests/"))]
