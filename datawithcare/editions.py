"""Passages for one sector: the ``{only}`` fences that make each edition of the course.

Most of a page suits every sector, with the organisation's name and the
sector's words coming from the profile (``{{ example_org }}``,
``{{ sector_people }}`` and so on). Where an example only makes sense for one
sector, the page gives one passage per edition, each between fences that name
the profile's ``sector.key``::

    ```{only} youth
    A school asks for a young person's attendance at the club ...
    ```

    ```{only} disability
    A council asks how many hours of support a member gets ...
    ```

The book shows the passage of the active profile only (Sphinx's ``only``
directive; :mod:`datawithcare.sphinx_lessons` sets the active key as a tag).
The learner bundle and the worksheets keep the same passage and drop the
fences (:func:`resolve`). Passages next to each other (with only blank lines
between) are one *group*: ``make fork-check`` lists a group with no passage
for the active sector, so a fork knows each place to write its own.

A fence starts with at most three spaces (four make an indented code block,
which is how the adapting guide shows an example). It names one key, or several joined by ``or`` (``{only} youth or
disability``). Nothing else: no ``and``, no ``not``, no headings inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The opening fence: three or more backticks or colons, then ``{only}`` and the keys.
_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\{only\}[ \t]*(?P<expr>.*?)[ \t]*$")
_KEY = re.compile(r"[a-z][a-z0-9_]*")


class EditionError(ValueError):
    """A page's ``{only}`` fence that the course cannot read."""


@dataclass(frozen=True)
class Passage:
    """One ``{only}`` passage: its keys and its lines (1-based, both fences included)."""

    keys: frozenset[str]
    first: int
    last: int
    group: int

    def shown_in(self, key: str) -> bool:
        return key in self.keys


def _keys(expr: str, where: str) -> frozenset[str]:
    words = [w.strip() for w in re.split(r"\s+or\s+", expr.strip())]
    if not expr.strip() or not all(_KEY.fullmatch(w) for w in words):
        raise EditionError(
            f"{where}: '{{only}} {expr}' should name one sector key, or several joined by 'or' "
            "(such as '{only} youth' or '{only} youth or disability')"
        )
    return frozenset(words)


def passages(lines: list[str], where: str = "the page") -> list[Passage]:
    """Every ``{only}`` passage in ``lines`` (a page's lines, without line ends)."""
    found: list[Passage] = []
    group = -1
    last_end = None
    number = 0
    while number < len(lines):
        match = _OPEN.match(lines[number])
        if not match:
            number += 1
            continue
        start = number
        fence = match.group("fence")
        keys = _keys(match.group("expr"), f"{where}, line {start + 1}")
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        number += 1
        while number < len(lines) and not close.match(lines[number]):
            number += 1
        if number == len(lines):
            raise EditionError(f"{where}, line {start + 1}: this '{{only}}' passage has no closing {fence}")
        between = lines[last_end + 1 : start] if last_end is not None else ["x"]
        if any(line.strip() for line in between):
            group += 1
        found.append(Passage(keys, start + 1, number + 1, group))
        last_end = number
        number += 1
    return found


def resolve(text: str, key: str, where: str = "the page") -> str:
    """``text`` as the ``key`` edition shows it: its passages without their fences, the others gone."""
    lines = text.split("\n")
    drop: set[int] = set()
    for passage in passages(lines, where):
        if passage.shown_in(key):
            drop |= {passage.first - 1, passage.last - 1}
        else:
            drop |= set(range(passage.first - 1, passage.last))
    if not drop:
        return text
    kept = [line for i, line in enumerate(lines) if i not in drop]
    # Two blank lines left where a passage was become one.
    out: list[str] = []
    for line in kept:
        if not line.strip() and out and not out[-1].strip():
            continue
        out.append(line)
    return "\n".join(out)


def groups_missing(lines: list[str], key: str, where: str = "the page") -> list[Passage]:
    """The first passage of each group that has no passage for ``key``."""
    by_group: dict[int, list[Passage]] = {}
    for passage in passages(lines, where):
        by_group.setdefault(passage.group, []).append(passage)
    return [group[0] for group in by_group.values() if not any(p.shown_in(key) for p in group)]


def inside(lines: list[str], where: str = "the page") -> dict[int, Passage]:
    """Each line number (1-based) inside a passage, fences included, with its passage."""
    return {n: p for p in passages(lines, where) for n in range(p.first, p.last + 1)}
