"""nbgrader settings for the Data with Care exercises.

Trainers: run nbgrader from this folder (``cd exercises``). Solved sources
are in ``source/``, student copies in ``release/``. ``make exercises``
regenerates the student copies; never edit them by hand.
"""

c = get_config()  # noqa: F821 (nbgrader provides get_config)

c.CourseDirectory.course_id = "data-with-care"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Exercises must run quickly; a cell that takes longer than this is a bug.
c.ExecutePreprocessor.timeout = 60

# A learner who deletes a test cell must not score 0 for that question
# without anyone noticing: nbgrader puts the test cell back and runs it.
# `python -m datawithcare.exercises check-submissions NAME` lists who did.
c.OverwriteCells.add_missing_cells = True

# Feedback shows each score and the message of a failed test, but not the
# hidden tests (nbgrader shows them by default) nor the tracebacks that
# quote them. Needs the course package, as installed on the hub.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from datawithcare.nbgrader_feedback import HideHiddenTests  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
