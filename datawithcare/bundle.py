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

In the book, a lesson's text names the organisation with a MyST substitution
such as ``{{ example_org }}``. JupyterLab shows such text as it is, so the
bundle writes the active profile's names into the notebooks' Markdown cells
and the pages (:func:`render_names`): learners read the organisation's
name, whatever the profile calls it.

Command line (``make learner-bundle``, ``make learner-branch``,
``make offline-bundle`` and ``make static-book`` run these)::

    python -m datawithcare.bundle build [OUT]          # default _build/learner-bundle
    python -m datawithcare.bundle publish [--branch learner]
    python -m datawithcare.bundle offline [OUT] [--no-download] [--platform TAG ...]
    python -m datawithcare.bundle static-book [HTML] [ZIP]

``offline`` makes the bundle a trainer copies onto a USB stick for
laptops with no internet (:func:`offline`): the learner bundle without
the package's source, the package as a wheel, the learner environment's
pinned wheels, and a README that says what to type. ``static-book`` zips
the built book, outputs and all, to open with no server (:func:`static_book`).

``publish`` builds the bundle and commits it as the next commit of the
branch (made if missing), without touching your working folder or your
current branch. Then ``git push origin learner`` puts it online.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from datawithcare.datasets import course_names
from datawithcare.editions import resolve
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


#: Fenced code blocks and inline code, where a substitution is shown, not filled in.
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)


def _names_pattern(names: dict[str, str]) -> re.Pattern[str]:
    keys = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
    return re.compile(r"\{\{\s*(" + keys + r")\s*\}\}")


def fill_names(text: str, names: dict[str, str] | None = None) -> str:
    """``text`` with the profile's names written over their substitutions, outside code."""
    names = names or course_names()
    pattern = _names_pattern(names)
    parts = _CODE.split(text)
    # The odd parts are code (fenced blocks and `spans`): left as they are.
    return "".join(
        part if i % 2 else pattern.sub(lambda m: names[m.group(1)], part) for i, part in enumerate(parts)
    )


def render_names(folder: Path, names: dict[str, str] | None = None) -> int:
    """Write the profile's names over their substitutions in ``folder``; return how many files changed.

    Each page keeps its passages for the active sector (``{only}`` fences,
    :mod:`datawithcare.editions`) without their fences and loses the others.
    Only the names (:func:`datawithcare.datasets.course_names`) are written,
    in the Markdown cells of notebooks and in Markdown pages, outside code
    (a page that shows ``{{ city }}`` in backticks, as the adapting guide
    does, keeps it; so does every code cell, which reads the profile itself).
    """
    names = names or course_names()
    key = names["sector_key"]

    def fill(text: str) -> str:
        return fill_names(resolve(text, key), names)

    changed = 0
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            new = fill(text)
        elif path.suffix == ".ipynb":
            text = path.read_text(encoding="utf-8")
            notebook = json.loads(text)
            touched = False
            for cell in notebook.get("cells", []):
                if cell.get("cell_type") == "markdown":
                    source = cell["source"]
                    joined = "".join(source) if isinstance(source, list) else source
                    filled = fill(joined)
                    if filled != joined:
                        cell["source"] = filled.splitlines(keepends=True)
                        touched = True
            # A notebook with nothing to fill keeps its bytes (no reformatting).
            new = (
                json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n" if touched else text
            )
        else:
            continue
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


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
    render_names(out)
    return out


OFFLINE_NAME = "data-with-care-offline"
STATIC_BOOK_NAME = "data-with-care-book"

#: The README of the offline bundle. The shell blocks are what a trainer
#: types; the tests run the "macOS or Linux" block as it is written here.
OFFLINE_README = """\
# Data with Care on a laptop with no internet

This folder holds the whole Data with Care course for one laptop: the
lessons (`notebooks/`), the exercises to do (`exercises/release/`), the
practice data (`datasets/`, all made up: no real person is in it), and
in `wheels/` the course's helper package and every program the lessons
need. Nothing here needs the internet.

Copy the whole folder onto the laptop first (if you have the zip, unzip
it there). Do not work from the USB stick: the laptop is faster, and
learners' work is saved on the laptop.

## What the laptop needs

Python 3.11 or newer. To check, open a terminal (on Windows: PowerShell)
and type `python3 --version` (on Windows: `py --version`).
{platform_note}
## Set it up (once per laptop, about five minutes)

Open a terminal in this folder, then type these lines one at a time.

On macOS or Linux:

```bash
python3 -m venv .venv
.venv/bin/python -m pip install --no-index --find-links wheels -r requirements.txt
.venv/bin/python -m pip install --no-index --find-links wheels datawithcare
```

On Windows (PowerShell):

```powershell
py -m venv .venv
.venv\\Scripts\\python -m pip install --no-index --find-links wheels -r requirements.txt
.venv\\Scripts\\python -m pip install --no-index --find-links wheels datawithcare
```

`--no-index` tells pip to use only the files in `wheels/`, never the
internet. If pip says it cannot find a package, the wheels are for
another kind of computer: see "What the laptop needs".

## Start the course (every session)

In a terminal in this folder:

- macOS or Linux: `.venv/bin/python -m jupyter lab`
- Windows: `.venv\\Scripts\\python -m jupyter lab`

JupyterLab opens in the web browser. Start with
`notebooks/00-jupyter-in-ten-minutes.ipynb`.

## At the end

If the laptop is shared, each learner copies their `my-answers/` folder
and any notebook they changed onto their own USB stick, then deletes
them from the laptop.

This folder was made by `make offline-bundle` from the course
repository: change the course there, not here.
"""

PLATFORM_NOTE_DOWNLOADED = """
The programs in `wheels/` fit these computers: {platforms}. The
laptop needs one of them, with that version of Python. A laptop of
another kind needs a bundle made for it: the course's maintainer runs
`make offline-bundle OFFLINE_PLATFORMS="win_amd64 macosx_11_0_arm64"`
on a computer with internet (names as pip's `--platform` takes them).
"""

PLATFORM_NOTE_NOT_DOWNLOADED = """
This copy was made without the programs the lessons need (only the
course's own package is in `wheels/`). On a laptop with internet,
leave out `--no-index --find-links wheels` from the first install line
below; with no internet, ask for a bundle made with its wheels.
"""


def _this_computer() -> str:
    system = {"win32": "Windows", "darwin": "macOS", "linux": "Linux"}.get(sys.platform, sys.platform)
    return f"{system} with Python {sys.version_info.major}.{sys.version_info.minor}"


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{result.stderr.strip()[-2000:]}")


def offline(
    out: Path | None = None,
    root: Path | None = None,
    download: bool = True,
    platforms: tuple[str, ...] = (),
    zip_it: bool = True,
) -> Path:
    """Write the offline bundle into ``out`` (emptied first), zip it beside, and return the folder.

    It is the learner bundle (no solutions, no trainer's guide) without the
    package's source: the package goes in ``wheels/`` as a wheel (``pip
    wheel --no-deps``). With ``download``, ``pip download`` puts the
    learner environment's pinned wheels (``binder/requirements.txt``) in
    ``wheels/`` too, for this computer and each of ``platforms`` (pip's
    ``--platform`` tags, such as ``win_amd64``), with any package published
    only as source built into a wheel.
    """
    root = root or repo_root()
    out = (out or root / "_build" / OFFLINE_NAME).resolve()
    build(out, root)
    for name in ("datawithcare", "binder", "pyproject.toml"):
        path = out / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copy2(root / "binder" / "requirements.txt", out / "requirements.txt")
    wheels = out / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    with tempfile.TemporaryDirectory() as tmp:
        # Build from a copy, so no build/ or egg-info is left in the course.
        source = Path(tmp) / "source"
        shutil.copytree(root / "datawithcare", source / "datawithcare", ignore=_CACHES)
        for name in ("pyproject.toml", "README.md", "LICENSE.md"):
            shutil.copy2(root / name, source / name)
        _run(
            [
                *pip,
                "wheel",
                "--quiet",
                "--no-deps",
                "--no-build-isolation",
                "--wheel-dir",
                str(wheels),
                str(source),
            ],
            "Building the course package as a wheel",
        )
    if download:
        requirements = str(out / "requirements.txt")
        # For this computer first; a package published only as source (odfpy)
        # is then built into a wheel, so the laptop never has to build it
        # (a new Python's venv has no setuptools) and other platforms find it.
        _run(
            [*pip, "download", "--quiet", "--dest", str(wheels), "-r", requirements],
            "Downloading the learner environment's wheels",
        )
        for source in [*wheels.glob("*.tar.gz"), *wheels.glob("*.zip")]:
            _run(
                [*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(source)],
                f"Building a wheel of {source.name}",
            )
            source.unlink()
        for platform in platforms:
            _run(
                [
                    *pip,
                    "download",
                    "--quiet",
                    "--only-binary=:all:",
                    "--platform",
                    platform,
                    "--find-links",
                    str(wheels),
                    "--dest",
                    str(wheels),
                    "-r",
                    requirements,
                ],
                f"Downloading the wheels for {platform}",
            )
        note = PLATFORM_NOTE_DOWNLOADED.format(platforms=", ".join([_this_computer(), *platforms]))
    else:
        note = PLATFORM_NOTE_NOT_DOWNLOADED
    (out / "README.md").write_text(OFFLINE_README.format(platform_note=note), encoding="utf-8")
    if zip_it:
        shutil.make_archive(str(out), "zip", root_dir=out.parent, base_dir=out.name)
    return out


def static_book(html: Path | None = None, target: Path | None = None, root: Path | None = None) -> Path:
    """Zip the built book (``_build/html``) into ``target`` and return it.

    The zip opens as a folder; a trainer double-clicks its ``index.html``.
    Every page keeps its outputs (charts, tables) from the build.
    """
    root = root or repo_root()
    html = (html or root / "_build" / "html").resolve()
    target = (target or root / "_build" / f"{STATIC_BOOK_NAME}.zip").resolve()
    if not (html / "index.html").is_file():
        raise FileNotFoundError(f"There is no built book in {html}: run `make book` first.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / STATIC_BOOK_NAME
        shutil.copytree(html, folder, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
        made = shutil.make_archive(str(Path(tmp) / "book"), "zip", root_dir=tmp, base_dir=STATIC_BOOK_NAME)
        shutil.move(made, target)
    return target


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
    usb = commands.add_parser("offline", help="the offline bundle for laptops, folder and zip")
    usb.add_argument("out", nargs="?", type=Path, default=None)
    usb.add_argument("--no-download", action="store_true", help="leave out the learner environment's wheels")
    usb.add_argument("--platform", action="append", default=[], help="pip platform tag (repeat for several)")
    book = commands.add_parser("static-book", help="zip the built book")
    book.add_argument("html", nargs="?", type=Path, default=None)
    book.add_argument("zip", nargs="?", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            print(f"Learner bundle written to {build(args.out)}")
        elif args.command == "offline":
            folder = offline(args.out, download=not args.no_download, platforms=tuple(args.platform))
            print(f"Offline bundle written to {folder} and {folder}.zip: copy either onto a USB stick.")
        elif args.command == "static-book":
            print(f"The book, with its outputs, is in {static_book(args.html, args.zip)}")
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
