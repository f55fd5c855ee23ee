"""The instructor's tools: grading a class with nbgrader, safely and in parallel.

- ``instructor``: ``backendlab grade``, a class graded in parallel;
- ``student_copy``: ``backendlab export-student``, the learner's copy of the course;
- ``preprocessors``: nbgrader plumbing (resilient execution, feedback without hidden tests);
- ``kernel``: how each grading kernel is confined and hardened (imported inside kernels, so it
  stays free of nbgrader).

Importing this package imports nothing heavy: grading kernels import ``backendlab.grading.kernel``.
"""
