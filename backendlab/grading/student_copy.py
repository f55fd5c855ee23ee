"""The learner's copy of the course: what a public student repository or Binder link is made from."""

import shutil
from pathlib import Path

from ..errors import CourseError


STUDENT_FILES = ("release", "notebooks", "backendlab", "lab-settings", "README.md", "pyproject.toml",
                 "environment.yml", "postBuild", "start", "course", "nbgrader_config.py",
                 ".gitignore")


def export_student_copy(course: Path, destination: Path) -> list[str]:
    """Copy what a learner needs, and nothing that holds solutions, hidden tests or rubrics
    (``source/``, ``tests/``, gradebooks, submissions), to ``destination``; return what was
    copied. A public student repository or a Binder link can be made from that folder."""
    if destination.exists() and any(destination.iterdir()):
        raise CourseError(f"{destination} already exists and is not empty.",
                          "choose a new folder (the export never overwrites one).")
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    copied = []
    for name in STUDENT_FILES:
        source = course / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, destination / name)
        else:
            continue
        copied.append(name)
    return copied
