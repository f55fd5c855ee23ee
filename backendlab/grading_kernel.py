"""Run first in every kernel nbgrader starts (Validate and autograde; see nbgrader_config.py).

Kept apart from ``backendlab.grading`` on purpose: that module imports nbgrader, which takes
seconds to import, and this one runs at the start of every grading kernel.
"""

import os
import resource
import sys

GRADING_MEMORY_VARIABLE = "BACKENDLAB_GRADING_MEMORY_GB"


def harden() -> None:
    """Make one submission unable to hurt the grading of others.

    - A memory limit (``$BACKENDLAB_GRADING_MEMORY_GB``, default 4): an answer that allocates
      without end gets a MemoryError in its own cell instead of taking the machine (and every
      other student's grading) down with it.
    - Standard error goes to standard output: nbgrader gives 0 points to a test cell that wrote
      *anything* to stderr, so a correct answer that prints a warning would lose its points.
      Failures are still failures: they are raised errors, not stderr text.
    """
    limit = int(float(os.environ.get(GRADING_MEMORY_VARIABLE, "4")) * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.stdout.flush()
    os.dup2(1, 2)  # C libraries and subprocesses write to file descriptor 2
    sys.stderr = sys.stdout
