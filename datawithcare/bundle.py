"""The learner bundle: what learners get, and nothing else.

The course repository holds the solved exercises (``exercises/source/``),
with their solutions and hidden tests. Learners must not get them, but a
Binder link or an nbgitpuller link copies a whole branch. So learners'
links point at a separate branch, ``learner``, that holds only:

- the lessons (``notebooks/``) and the book's pages they link to (``book/``),
  except the trainer's guide (``book/trainers/``: model answers, rubrics),
- the student copies of the exercises (``exercises/release/``),
- the datasets (``datasets/``),
- the course package (``datawithcare/``, ``pyproject.toml``) and the
  learner environment Binder builds (``binder/``),
- a short README and the licence.

Paths are the same as in the repository, so the book's launch buttons and
the lessons' links work on either branch.

Command line (``make learner-bundle`` and ``make learner-branch`` run these)::

    python -m datawithcare.bundle build [OUT]          # default _build/learner-bundle
    python -m datawithcare.bundle publish [--branch learner]

``publish`` builds the bundle and commits it as the next commit of the
branch (made if missing), without touching your working folder or your
current branch. Then ``git push origin learner`` puts it online.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from datawithcare.paths import repo_root

#: Folders copied whole (minus caches), relative to the course root.
FOLDERS = ("notebooks", "book", "datasets", "datawithcare", "binder", "exercises/release")
#: Single files copied.
FILES = ("pyproject.toml", "LICENSE.md")
#: Never copied, wherever they are.
_CACHES = shutil.ignore_patterns(
    "__pycache__", "*.pyc", ".ipynb_checkpoints", "my-answers", "*.egg-info", ".pytest_cache"
)
#: The trainer's guide stays out: it holds model answers and marking rubrics.
TRAINER_ONLY = Path("book") / "trainers"


def _skip(root: Path):
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(_CACHES(folder, names))
        here = Path(folder).resolve().relative_to(root.resolve())
        return skipped | {n for n in names if here / n == TRAINER_ONLY}

    return ignore


README = """\
# Data with Care: learner copy

This is the learners' copy of the Data with Care course: the lessons
(`notebooks/`), the exercises to do (`exercises/release/`), the practice
data (`datasets/`) and the course's helper package (`datawithcare/`).

Start with `notebooks/00-jupyter-in-ten-minutes.ipynb`. All the data is
made up: no real person is in it.

The book with every page is online; your trainer will give you the link.
This copy is made from the course repository by `make learner-bundle`:
change the course there, not here.
"""


def build(out: Path | None = None, root: Path | None = None) -> Path:
    """Write the learner bundle into ``out`` (emptied first) and return it."""
    root = root or repo_root()
    out = (out or root / "_build" / "learner-bundle").resolve()
    if out == root.resolve() or root.resolve().is_relative_to(out):
        raise ValueError(f"Refusing to build the bundle into {out}: it would replace the course itself.")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for folder in FOLDERS:
        source = root / folder
        if not source.is_dir():
            raise FileNotFoundError(f"The course has no {folder}/ folder to put in the learner bundle.")
        shutil.copytree(source, out / folder, ignore=_skip(root))
    for name in FILES:
        shutil.copy2(root / name, out / name)
    (out / "README.md").write_text(README, encoding="utf-8")
    return out


def _git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def commit_folder(folder: Path, git_dir: Path, branch: str = "learner", message: str = "") -> str:
    """Commit the contents of ``folder`` as the next commit of ``branch`` in ``git_dir``.

    Uses a throwaway index, so the repository's working folder, index and
    current branch are untouched. Returns the new commit's id.
    """
    git_dir = git_dir.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "GIT_DIR": str(git_dir),
            "GIT_WORK_TREE": str(folder.resolve()),
            "GIT_INDEX_FILE": str(Path(tmp) / "index"),
        }
        _git(["add", "--all", "--force", "."], folder, env)
        tree = _git(["write-tree"], folder, env)
        parent = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        args = ["commit-tree", tree, "-m", message or "Learner bundle (made by make learner-branch)"]
        if parent:
            args[2:2] = ["-p", parent]
        commit = _git(args, folder, env)
        _git(["update-ref", f"refs/heads/{branch}", commit], folder, env)
    return commit


def publish(branch: str = "learner", root: Path | None = None) -> str:
    """Build the bundle and commit it to ``branch`` of the course's own repository."""
    root = root or repo_root()
    source_commit = _git(["rev-parse", "--short", "HEAD"], root)
    common = Path(_git(["rev-parse", "--git-common-dir"], root))
    git_dir = common if common.is_absolute() else (root / common).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        bundle = build(Path(tmp) / "bundle", root)
        return commit_folder(bundle, git_dir, branch, f"Learner bundle from {source_commit}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m datawithcare.bundle", description=__doc__.split("\n\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("build", help="write the learner bundle into a folder")
    make.add_argument("out", nargs="?", type=Path, default=None)
    push = commands.add_parser("publish", help="commit the learner bundle to a branch of this repository")
    push.add_argument("--branch", default="learner")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            print(f"Learner bundle written to {build(args.out)}")
        else:
            commit = publish(args.branch)
            print(
                f"Branch {args.branch} is now at {commit[:12]}. Put it online: git push origin {args.branch}"
            )
    except (ValueError, RuntimeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
