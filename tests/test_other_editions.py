"""`make test-editions`: CI runs `make test` again in each other shipped edition, as a fork would."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import other_editions
from harness import ROOT

from datawithcare.generator.profile import shipped_profiles


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def test_the_copy_holds_what_a_commit_would_with_the_one_setting_changed(tmp_path: Path) -> None:
    course = tmp_path / "course"
    (course / "datawithcare").mkdir(parents=True)
    (course / "datawithcare" / "course.yaml").write_text(
        "# The one setting.\nprofile: refugee-london\nother: kept\n", encoding="utf-8"
    )
    (course / "kept.md").write_text("tracked\n", encoding="utf-8")
    (course / "gone.md").write_text("deleted after the commit\n", encoding="utf-8")
    (course / ".gitignore").write_text("_build/\n", encoding="utf-8")
    _git("init", "-q", cwd=course)
    _git("add", "-A", cwd=course)
    _git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start", cwd=course)
    (course / "gone.md").unlink()
    (course / "new.md").write_text("not committed yet\n", encoding="utf-8")
    (course / "kept.md").write_text("changed, not committed\n", encoding="utf-8")
    (course / "_build").mkdir()
    (course / "_build" / "ignored.txt").write_text("build output\n", encoding="utf-8")

    copy = other_editions.make_copy("homelessness-greater-manchester", tmp_path / "copy", root=course)

    files = sorted(
        p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file() and ".git" not in p.parts
    )
    assert files == [".gitignore", "datawithcare/course.yaml", "kept.md", "new.md"]
    assert (copy / "kept.md").read_text(encoding="utf-8") == "changed, not committed\n"
    assert (copy / "datawithcare" / "course.yaml").read_text(encoding="utf-8") == (
        "# The one setting.\nprofile: homelessness-greater-manchester\nother: kept\n"
    )
    assert other_editions.active_setting(copy) == "homelessness-greater-manchester"
    assert _git("status", "--porcelain", cwd=copy) == "", (
        "the copy is a clean repository, like a fork's clone"
    )
    # Made again, the copy starts afresh.
    (copy / "left-over.txt").write_text("from the last run\n", encoding="utf-8")
    other_editions.make_copy("homelessness-greater-manchester", copy, root=course)
    assert not (copy / "left-over.txt").exists()


def test_every_shipped_edition_but_the_active_one_is_tested_again() -> None:
    shipped = shipped_profiles()
    others = other_editions.other_editions(shipped)
    assert other_editions.active_setting() in shipped
    assert len(others) == len(shipped) - 1 and other_editions.active_setting() not in others


def test_ci_runs_make_test_then_the_other_editions() -> None:
    steps = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert steps.index("make test") < steps.index("make test-editions")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test-editions:.*\n\t(.+)$", makefile, re.M)
    assert recipe and recipe.group(1) == "$(BIN)/python tests/other_editions.py"


def test_the_adapting_guide_names_the_command_ci_runs() -> None:
    guide = (ROOT / "book" / "adapting" / "index.md").read_text(encoding="utf-8")
    assert "`make test-editions`" in guide
