"""``make fork-check``: every leftover of the old sector in a fork, as FILE:LINE.

A fork of the course changes one setting (``datawithcare/course.yaml``) and
its own profile. What the profile cannot change is text someone typed: a
page that uses the old sector's words or names the old organisation. Like the Carpentries'
FIXME markers, this check lists each one so the fork can rewrite it::

    python -m datawithcare.forkcheck                  # against every other shipped profile
    python -m datawithcare.forkcheck --from refugee-london

It looks in every file git tracks (pages, notebooks, exercises, the package,
tests, README) for the old profile's

- names: the organisation's name and short name, its city and the areas the
  lessons single out (``sector.examples.focus_areas``), with their capitals
  as written;
- sector terms (``sector.terms``), in any case and at the start of a
  word: "clinic" finds "Clinics" too;

A passage that rightly keeps an old word (a real case about a charity of
another sector, which matters in this one) sits between two
comments, ``<!-- fork-check: keep: the reason -->`` and ``<!-- fork-check: end -->``:
those lines are not searched. A ``fork-check: keep`` with no ``end`` after it
keeps its own line only (for a comment at the end of a line of code).

It also lists the old profile's ``sector.pages`` (the pages whose whole
subject is that sector) still in ``_toc.yml`` that the new profile does not
claim as rewritten in its own ``sector.pages``. Exit status 0 when nothing
is left, 1 otherwise.

The same search backs ``tests/test_fork.py``, which fails when the *active*
profile's names appear literally outside :data:`ALLOWED` (they must come
from the profile). A profile's file name (``refugee-london``) is not a
leftover: the guide and the settings name the shipped profiles.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from datawithcare import editions
from datawithcare.generator.profile import (
    ProfileError,
    active_profile_path,
    load_profile,
    profile_name,
    resolve_profile,
    shipped_profiles,
)
from datawithcare.paths import repo_root

#: Not searched by ``make fork-check``: the tests check the shipped profiles
#: themselves by name (a fork keeps them). ``tests/test_fork.py`` still
#: checks the tests for the active profile's organisation and city.
FORK_CHECK_SKIPS = ("tests/",)

#: Files where a profile's names may be typed, and why. Keep this short.
ALLOWED: dict[str, str] = {
    "datawithcare/profiles/": "the profiles and their official-statistics files are where the names live",
    "references.bib": "titles of published sources are quoted as published",
    "datasets/": "the data make data generates from the profile, and the datasheets that describe "
    "that data (the adapting guide's step 5 has a fork rewrite them with its data)",
    "book/adapting/index.md": "the forker's guide describes each shipped profile by name",
    "book/reference/datasets.md": "the data reference describes the data of each shipped profile",
    "datawithcare/identifiers.py": "Ofcom's drama phone ranges are named after the cities they belong to",
}

#: Put this in a comment to keep the words of the passage that follows (see above).
KEEP = "fork-check: keep"
#: ... up to the line with this.
END = "fork-check: end"


def allowed(path: str) -> bool:
    """True if ``path`` (relative to the course root, with /) may hold a profile's names."""
    return any(path == a or (a.endswith("/") and path.startswith(a)) for a in ALLOWED)


@dataclass(frozen=True)
class Words:
    """The literal words of one profile that a page should not type."""

    profile: str
    names: tuple[str, ...]
    terms: tuple[str, ...]
    pages: tuple[str, ...]

    @classmethod
    def of(cls, profile: dict[str, Any], focus_areas: bool = True) -> Words:
        org, sector = profile["organisation"], profile["sector"]
        names = [org["name"], org["short_name"], org["city"]]
        if focus_areas:
            names += list(sector["examples"]["focus_areas"])
        return cls(
            profile=profile_name(profile),
            names=tuple(dict.fromkeys(names)),
            terms=tuple(sector["terms"]),
            pages=tuple(sector.get("pages") or ()),
        )


@dataclass(frozen=True)
class Leftover:
    path: str
    line: int
    word: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.word!r}: {self.text.strip()[:100]}"


def _pattern(words: tuple[str, ...], ignore_case: bool) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w]){alternatives}", re.IGNORECASE if ignore_case else 0)


def _profile_file_names() -> re.Pattern[str]:
    names = [*shipped_profiles(), *(f"{n}-official" for n in shipped_profiles())]
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def tracked_files(root: Path | None = None) -> list[str]:
    """Every file git tracks, relative to the course root."""
    root = root or repo_root()
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        # Not a git repository (a downloaded zip): every file but the tools' own folders.
        skip = {".git", ".venv", "_build", "node_modules", "__pycache__", ".ipynb_checkpoints"}
        return sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(root).parts)
        )
    return sorted(p for p in out.split("\0") if p)


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _kept(lines: list[str]) -> set[int]:
    """The line numbers a ``fork-check: keep`` marker keeps out of the search.

    A keep runs to the next ``fork-check: end``. A keep followed by another
    keep (or by the end of the file) before any end keeps its own line only.
    """
    kept: set[int] = set()
    start = None

    def close(last: int) -> None:
        kept.update(range(start, last + 1))

    for number, line in enumerate(lines, start=1):
        if KEEP in line:
            if start is not None:
                close(start)  # the earlier keep had no end of its own
            start = number
        if END in line and start is not None:
            close(number)
            start = None
    if start is not None:
        close(start)
    return kept


def _logical_lines(rel: str, text: str) -> list[str]:
    """The file's lines as a page reads them: a notebook's JSON string lines decoded."""
    lines = text.splitlines()
    if not rel.endswith(".ipynb"):
        return lines
    out = []
    for line in lines:
        match = _JSON_STRING.match(line)
        if match:
            try:
                line = json.loads(match.group(1)).rstrip("\n")
            except ValueError:
                pass
        out.append(line)
    return out


_JSON_STRING = re.compile(r'^\s*("(?:[^"\\]|\\.)*")\s*,?\s*$')


_YAML_ITEM = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[a-z][a-z0-9_]*):\s")


def _yaml_editions(rel: str, lines: list[str], keys: set[str]) -> dict[int, tuple[str, int]]:
    """In ``datawithcare/lessons.yaml``, the lines of an item given per edition: {line: (key, where its text starts)}.

    An item such as ``- KEY: text`` (one text per edition, see
    :class:`datawithcare.lessons.Page`) belongs to that edition, with the
    lines indented below it (their text starts at 0).
    """
    if rel != "datawithcare/lessons.yaml":
        return {}
    found: dict[int, tuple[str, int]] = {}
    current: tuple[str, int] | None = None
    for number, line in enumerate(lines, start=1):
        match = _YAML_ITEM.match(line)
        if match and match.group("key") in keys:
            current = (match.group("key"), len(match.group("indent")))
            found[number] = (match.group("key"), match.end())
        elif current and line.strip() and len(line) - len(line.lstrip()) > current[1]:
            found[number] = (current[0], 0)
        else:
            current = None
    return found


def edition_keys() -> set[str]:
    """The ``sector.key`` of every shipped profile and of the active one."""
    names = [*shipped_profiles(), active_profile_path()]
    return {load_profile(name)["sector"]["key"] for name in names}


def find(
    words: Words,
    files: list[str] | None = None,
    root: Path | None = None,
    skip: tuple[str, ...] = (),
    edition: str | None = None,
    edition_terms: bool = False,
) -> list[Leftover]:
    """Each line of ``files`` (default: every tracked file not :func:`allowed`) with one of ``words``.

    Names match with their capitals as written; terms match in any case, at
    the start of a word. Files in ``skip`` are not searched. With ``edition``
    (a sector key), the ``{only}`` passages of other editions are not
    searched: that edition never shows them. With ``edition_terms`` too, the
    sector terms in that edition's own passages are its words, not leftovers
    (names still are: they come from the profile everywhere).
    """
    root = root or repo_root()
    names, terms = _pattern(words.names, False), _pattern(words.terms, True)
    profile_files = _profile_file_names()
    found = []
    for rel in files if files is not None else tracked_files(root):
        if allowed(rel) or rel in skip:
            continue
        text = _text(root / rel)
        if text is None:
            continue
        lines = text.splitlines()
        kept = _kept(lines)
        passage_of = editions.inside(_logical_lines(rel, text), rel) if edition else {}
        item_of = _yaml_editions(rel, lines, edition_keys()) if edition else {}
        for number, line in enumerate(lines, start=1):
            if number in kept:
                continue
            passage = passage_of.get(number)
            if passage is not None and (
                not passage.shown_in(edition) or number in (passage.first, passage.last)
            ):
                # Another edition's passage, or a fence (its keys are not words of the page).
                continue
            item = item_of.get(number)
            if item is not None:
                if item[0] != edition:
                    continue
                # The edition's own item: its key is not a word of the text.
                line = line[item[1] :]
                if edition_terms:
                    passage = True
            plain = profile_files.sub("", line)
            for pattern in (names, terms):
                if pattern is None or (pattern is terms and passage is not None and edition_terms):
                    continue
                for match in pattern.finditer(plain):
                    found.append(Leftover(rel, number, match.group(0), line))
    return found


def missing_passages(edition: str, files: list[str], root: Path | None = None) -> list[Leftover]:
    """Each group of ``{only}`` passages with none for ``edition``: a place the fork writes its own."""
    root = root or repo_root()
    found = []
    for rel in files:
        if allowed(rel) or not rel.endswith((".md", ".ipynb")):
            continue
        text = _text(root / rel)
        if text is None or "{only}" not in text:
            continue
        for passage in editions.groups_missing(_logical_lines(rel, text), edition, rel):
            keys = " or ".join(sorted(passage.keys))
            found.append(
                Leftover(
                    rel,
                    passage.first,
                    f"{{only}} {keys}",
                    f"a passage for {keys} with none for {edition}: write one (```{{only}} {edition}```)",
                )
            )
    return found


def toc_files(root: Path | None = None) -> set[str]:
    """The files ``_toc.yml`` puts in the book, as repository paths without suffix."""
    root = root or repo_root()
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "root") and isinstance(value, str):
                    files.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return files


def sector_pages_left(old: Words, new: Words, root: Path | None = None) -> list[str]:
    """The old profile's sector pages still in the book that the new profile has not claimed."""
    in_book = toc_files(root)
    return [
        page for page in old.pages if page not in new.pages and str(Path(page).with_suffix("")) in in_book
    ]


def check(old_profiles: list[str], root: Path | None = None) -> tuple[list[Leftover], list[str]]:
    """Leftovers of ``old_profiles`` in the course, and their sector pages still in ``_toc.yml``."""
    root = root or repo_root()
    active = load_profile(active_profile_path())
    new = Words.of(active)
    edition = active["sector"]["key"]
    leftovers: list[Leftover] = []
    pages: list[str] = []
    files = [f for f in tracked_files(root) if not f.startswith(FORK_CHECK_SKIPS)]
    for name in old_profiles:
        old = Words.of(load_profile(name))
        # The words both profiles share (a city, say) are not leftovers.
        old = Words(
            old.profile,
            tuple(w for w in old.names if w not in new.names),
            tuple(t for t in old.terms if t.lower() not in {n.lower() for n in new.terms}),
            old.pages,
        )
        # The new profile's own pages are the fork's, rewritten: not searched.
        leftovers += find(old, files, root, skip=new.pages, edition=edition)
        pages += [p for p in sector_pages_left(old, new, root) if p not in pages]
    leftovers += missing_passages(edition, files, root)
    leftovers += missing_lesson_items(edition, root)
    return leftovers, pages


def missing_lesson_items(edition: str, root: Path | None = None) -> list[Leftover]:
    """Items of ``lessons.yaml`` given per edition with no text for ``edition``."""
    root = root or repo_root()
    rel = "datawithcare/lessons.yaml"
    path = root / rel
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    items = _yaml_editions(rel, lines, edition_keys())
    # One item: the KEY lines at one indent that follow a "- KEY:" line.
    groups: list[tuple[int, set[str]]] = []
    for number, (key, start) in sorted(items.items()):
        if not start:
            continue
        if lines[number - 1].lstrip().startswith("- "):
            groups.append((number, {key}))
        elif groups:
            groups[-1][1].add(key)
    found = []
    for number, named in groups:
        if edition not in named:
            keys_text = " and ".join(sorted(named))
            found.append(
                Leftover(
                    rel,
                    number,
                    keys_text,
                    f"an item for {keys_text} with none for {edition}: add '{edition}: ...'",
                )
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m datawithcare.forkcheck",
        description="List every leftover of another sector's profile in the course (exit 1 if any).",
    )
    parser.add_argument(
        "--from",
        dest="old",
        action="append",
        metavar="PROFILE",
        help="the profile the course was forked from (name or path); "
        "default: every shipped profile except the active one",
    )
    args = parser.parse_args(argv)
    try:
        active = resolve_profile(active_profile_path()).resolve()
        old = args.old or [n for n in shipped_profiles() if resolve_profile(n).resolve() != active]
        leftovers, pages = check(old)
    except ProfileError as error:
        print(error, file=sys.stderr)
        return 2
    for item in leftovers:
        print(item)
    for page in pages:
        print(
            f"_toc.yml: {page} is about the old sector: rewrite it and list it under "
            "sector.pages in your profile, or take it out of _toc.yml"
        )
    active_name = active.stem
    if not leftovers and not pages:
        print(f"fork-check: no leftovers of {', '.join(old)} in the {active_name} course. All clear.")
        return 0
    files = len({item.path for item in leftovers})
    print(
        f"\nfork-check: {len(leftovers)} leftover(s) of {', '.join(old)} in {files} file(s), "
        f"and {len(pages)} old sector page(s) in the book, while the course uses {active_name}.\n"
        "Rewrite each one for your sector: in a page, use {{ example_org }}, {{ example_org_short }}, "
        "{{ city }}, {{ sector }} or {{ sector_people }}; in code, course_sector(); "
        "or plain words such as 'the charity'. Then run make fork-check again."
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
