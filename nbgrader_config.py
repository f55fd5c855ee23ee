"""nbgrader settings for Backend Lab (read by every nbgrader command run in this folder)."""

from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from backendlab.grading import KeepOnlyErrorMessages

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "backend-lab"
# The course folder is wherever this file is: no machine-specific paths.
c.CourseDirectory.root = str(Path(__file__).resolve().parent)

# Answer cells in the student version: a comment saying what to do and `pass`, so that the
# notebook still runs from top to bottom and the test below says "no answer yet".
c.ClearSolutions.code_stub = {"python": "pass  # YOUR CODE HERE: replace this line with your answer"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# An infinite loop in an answer is stopped after this many seconds; later cells still run.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# A deleted test cell is put back (and graded), not quietly moved to manual grading.
c.OverwriteCells.add_missing_cells = True

# Feedback shows which checks failed and why, never the hidden tests or tracebacks quoting them.
c.GenerateFeedback.preprocessors = [
    GetGrades, ClearHiddenTests, KeepOnlyErrorMessages, CSSHTMLHeaderPreprocessor,
]

# Reflection rubrics sit in the (read-only) question cell between HTML comments holding the
# hidden-test markers: students never get them, autograde restores them for the grader in
# formgrader, and feedback removes them again. Those cells are locked, not graded, cells.
c.ClearHiddenTests.enforce_metadata = False
