"""What tests (and benchmarks) of the instructor's tools share: a course folder made from this
repository, a student's honest submission, and what to do when this machine lacks a program."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def missing(what: str) -> NoReturn:
    """Skip the test here; in CI, which installs every program the suite needs (.ci/run),
    fail instead, so that CI can never pass by skipping."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} — CI must provide it (.ci/run installs it)")
    pytest.skip(what)


def make_course(folder: Path, unit: str, *, notebooks: Iterable[str] | None = None,
                release: bool = False) -> Path:
    """A course folder (made if need be) with this repository's ``nbgrader_config.py`` and
    ``source/<unit>/`` (only ``notebooks`` of it, if named); with ``release``, its
    ``release/<unit>/`` generated now from that source (the repository's release/ may lag)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    source = folder / "source" / unit
    if notebooks is None:
        shutil.copytree(ROOT / "source" / unit, source)
    else:
        source.mkdir(parents=True, exist_ok=True)
        for name in notebooks:
            shutil.copy(ROOT / "source" / unit / name, source)
    if release:
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", unit, "--force"],
                       cwd=folder, check=True, capture_output=True)
    return folder


def model_answers(release: nbformat.NotebookNode,
                  source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the released notebook with each answer cell holding the source's model
    answer (its BEGIN/END SOLUTION lines dropped): what an honest student who typed the
    answers in hands in (every other cell exactly as released)."""
    answers = {cell.metadata.nbgrader["grade_id"]: cell.source for cell in source.cells
               if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}
    answered = nbformat.from_dict(release)
    for cell in answered.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = "\n".join(line for line in answers[grade_id].split("\n")
                                    if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)
    return answered
