"""Feedback for learners that does not give the hidden tests away.

nbgrader's feedback shows every test cell as it was graded, hidden tests
included, on purpose (jupyter/nbgrader issue 917): its authors want
learners to see why an answer failed. This course reuses its exercises
with every cohort, so the hidden tests must stay hidden. The course's
``exercises/nbgrader_config.py`` adds :class:`HideHiddenTests` to
``nbgrader generate_feedback``. For every test cell it

- removes the lines between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS``, as the student copy does, and
- shortens an error to its last line (``AssertionError: the message``),
  because a traceback quotes the line of the test that failed.

The learner still sees their score for each question and the message of
the test that failed, which is written to help, not to give the answer.

nbgrader and nbconvert belong to the trainer's environment, not the
learner's: import this module only where they are installed.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN = "### BEGIN HIDDEN TESTS"
END = "### END HIDDEN TESTS"


def without_hidden_tests(source: str) -> str:
    """Return ``source`` with every hidden-test region (markers included) removed."""
    kept, hidden = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            hidden = True
        elif END in line:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


def is_test_cell(cell) -> bool:  # noqa: ANN001 (an nbformat cell)
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


class HideHiddenTests(Preprocessor):
    """Remove hidden tests, and the tracebacks that quote them, from test cells."""

    # nbconvert runs a registered preprocessor only if it is enabled.
    enabled = Bool(True).tag(config=True)

    def preprocess_cell(self, cell, resources, index):  # noqa: ANN001, ANN201 (nbconvert's signature)
        if not is_test_cell(cell):
            return cell, resources
        cell.source = without_hidden_tests(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
