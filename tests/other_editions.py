"""Run the whole `make test` in each shipped edition that is not the active one: `make test-editions`.

This is the adapting guide's path for a fork, done by the project for every
edition it ships (book/adapting/index.md): a copy of the course, the one
setting changed (the ``profile:`` line of ``datawithcare/course.yaml``),
``make data``, then ``make test``. The copy holds the files git would commit
(tracked ones and new ones it does not ignore), so uncommitted work is tested
too. It lives in ``_build/editions/<profile>/`` and makes its own ``.venv``
there, as a fresh clone would. CI (``.ci/run``) runs this after ``make test``.

    .venv/bin/python tests/other_editions.py            # every other shipped edition
    .venv/bin/python tests/other_editions.py homelessness-greater-manchester
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Path("datawithcare") / "course.yaml"
SETTING = re.compile(r"^profile:[ \t]*(?P<name>\S+)[ \t]*$", re.M)


def active_setting(root: Path = ROOT) -> str:
    """The profile the course's one setting names (not the environment variable)."""
    match = SETTING.search((root / SETTINGS).read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{SETTINGS} has no 'profile:' line; the adapting guide says to keep one.")
    return match.group("name")


def course_files(root: Path = ROOT) -> list[str]:
    """The files a commit would hold: tracked ones still there, and new ones git does not ignore."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return sorted(name for name in set(listed.split("\0")) if name and (root / name).is_file())


def make_copy(profile: str, dest: Path, root: Path = ROOT) -> Path:
    """A fresh copy of the course in ``dest`` with the guide's one setting changed to ``profile``."""
    if dest.exists():
        shutil.rmtree(dest)
    for name in course_files(root):
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target, follow_symlinks=False)
    settings = dest / SETTINGS
    text, count = SETTING.subn(f"profile: {profile}", settings.read_text(encoding="utf-8"), count=1)
    if count != 1:
        raise SystemExit(f"{SETTINGS} has no 'profile:' line to change.")
    settings.write_text(text, encoding="utf-8")
    # git sees the copy as the guide's clone would be: one repository, the setting changed.
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Data with Care",
            "-c",
            "user.email=ci@example.org",
            "commit",
            "-q",
            "-m",
            f"A copy of the course in the {profile} edition",
        ],
        cwd=dest,
        check=True,
    )
    return dest


def other_editions(shipped: list[str], root: Path = ROOT) -> list[str]:
    """The shipped profiles that the course's setting does not name: the ones still to test."""
    active = active_setting(root)
    return [name for name in shipped if name != active]


def run_edition(profile: str, root: Path = ROOT) -> int:
    dest = root / "_build" / "editions" / profile
    print(
        f"\n=== The {profile} edition: a copy in {dest.relative_to(root)}, then make data and make test ===",
        flush=True,
    )
    make_copy(profile, dest, root)
    env = {k: v for k, v in os.environ.items() if k not in {"DATAWITHCARE_PROFILE", "MAKEFLAGS", "MAKELEVEL"}}
    start = time.monotonic()
    for target in ("data", "test"):
        code = subprocess.run(["make", target], cwd=dest, env=env).returncode
        if code:
            print(f"\n`make {target}` failed in the {profile} edition (copy: {dest}).", flush=True)
            return code
    print(f"\nThe {profile} edition passed make test in {time.monotonic() - start:.0f} s.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from datawithcare.generator.profile import shipped_profiles

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "profiles", nargs="*", help="shipped profiles to test (default: all but the active one)"
    )
    args = parser.parse_args(argv)
    shipped = shipped_profiles()
    wanted = args.profiles or other_editions(shipped)
    unknown = [name for name in wanted if name not in shipped]
    if unknown:
        parser.error(f"not a shipped profile: {', '.join(unknown)} (shipped: {', '.join(shipped)})")
    for profile in wanted:
        code = run_edition(profile)
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
