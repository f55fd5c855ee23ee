"""nbgrader settings for Backend Lab (read by every nbgrader command run in this folder)."""

import os
import sysconfig
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
                                    AssignLatePenalties,
                                    CheckCellMetadata,
                                    ClearHiddenTests,
                                    ClearOutput,
                                    DeduplicateIds,
                                    GetGrades,
                                    IgnorePattern,
                                    LimitOutput,
                                    OverwriteKernelspec,
                                    SaveAutoGrades,
)

from backendlab.grading.preprocessors import (
                                               KeepOnlyErrorMessages,
                                               QuotedCsvExport,
                                               ResilientExecute,
                                               RestoreLockedCells,
)

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# nbgrader runs `alembic` from PATH when it creates the gradebook; without this environment's
# bin/ on PATH (not activated) that fails halfway and leaves a gradebook.db with no schema version.
_scripts = sysconfig.get_path("scripts")
if _scripts not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_scripts, os.environ.get("PATH", "")]).rstrip(os.pathsep)

c.CourseDirectory.course_id = "backend-lab"
# The course folder is wherever this file is: no machine-specific paths.
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
# Releases and submissions travel through an exchange folder inside the course folder. On a
# JupyterHub shared by instructor and students, set it to a shared path instead (README).
c.Exchange.root = str(Path(__file__).resolve().parent / "exchange")
# Several grading processes share the gradebook: a writer waits up to 60 s for another.
c.CourseDirectory.db_url = f"sqlite:///{Path(__file__).resolve().parent / 'gradebook.db'}?timeout=60"

# Answer cells in the student version: a comment saying what to do and `pass`, so that the
# notebook still runs from top to bottom and the test below says "no answer yet".
c.ClearSolutions.code_stub = {"python": "pass  # YOUR CODE HERE: replace this line with your answer"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# An infinite loop in an answer is stopped after this many seconds; later cells still run.
c.Execute.timeout = int(os.environ.get("BACKENDLAB_CELL_TIMEOUT", "60"))
c.Execute.interrupt_on_timeout = True
# Every kernel nbgrader starts gets a memory limit and stderr folded into stdout
# (backendlab/grading/kernel.py says why). Setting extra_arguments replaces nbgrader's default
# (history kept in memory), so it is repeated here: a history file shared by parallel grading
# kernels is slow to open.
c.Execute.extra_arguments = [
    "--HistoryManager.hist_file=:memory:",
    "--IPKernelApp.exec_lines=import backendlab.grading.kernel; backendlab.grading.kernel.harden()",
]

# A kernel that dies (os._exit, a crash) costs only the exercise that killed it.
c.Autograde.autograde_preprocessors = [
    ResilientExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]

# Locked cells (tests) are restored from the gradebook; only cells a student really edited or
# deleted are logged (nbgrader also warns for every test cell with hidden tests).
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreLockedCells, CheckCellMetadata,
]
# A deleted test cell is put back (and graded), not quietly moved to manual grading.
c.OverwriteCells.add_missing_cells = True

# Late work: the due date is set with `nbgrader db assignment add UNIT --duedate=...` (README);
# seconds late are shown by `backendlab grade`. "none" keeps the score; "zero" gives late work 0.
c.LateSubmissionPlugin.penalty_method = "none"

# grades.csv with quoted fields: a student id with a comma stays in its column.
c.ExportApp.plugin_class = QuotedCsvExport

# Feedback shows which checks failed and why, never the hidden tests or tracebacks quoting them.
c.GenerateFeedback.preprocessors = [
    GetGrades, ClearHiddenTests, KeepOnlyErrorMessages, CSSHTMLHeaderPreprocessor,
]

# Reflection rubrics sit in the (read-only) question cell between HTML comments holding the
# hidden-test markers: students never get them, autograde restores them for the grader in
# formgrader, and feedback removes them again. Those cells are locked, not graded, cells.
c.ClearHiddenTests.enforce_metadata = False
