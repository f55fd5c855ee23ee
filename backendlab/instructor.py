"""Grading a whole class: every submission of a unit, in parallel, robust to bad submissions.

nbgrader grades one submission after another, and one submission whose kernel dies makes
``nbgrader autograde`` exit with an error for the whole run. Here each student is graded by
an ``nbgrader autograde --student <id>`` process of its own, several at a time (one per core
by default), so a bad submission only affects its own grade, and a class takes about
1/cores of the time. The processes share the course's SQLite gradebook; its busy timeout
(``nbgrader_config.py``) makes concurrent writers wait for each other instead of failing.

Shared, slow things (the dataset, the PostgreSQL template, the Redis server) are prepared
once before grading starts, so no submission pays for them.
"""

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from .errors import CourseError


@dataclass
class StudentResult:
    """One student's autograded result for a unit, as read back from the gradebook."""

    student: str
    score: float = 0.0
    max_score: float = 0.0
    failed: list[str] = field(default_factory=list)  # grade ids of test cells that lost points
    problem: str = ""  # why grading did not complete, if it did not


def gradebook_url(course: Path) -> str:
    return f"sqlite:///{course / 'gradebook.db'}"


def submitted_students(course: Path, unit: str) -> list[str]:
    """Student ids with a submission of ``unit`` in ``submitted/``."""
    return sorted(path.parent.name for path in (course / "submitted").glob(f"*/{unit}") if path.is_dir())


def prepare_shared_services(course: Path, unit: str) -> None:
    """Build what the unit's notebooks need once, before any grading kernel asks for it."""
    sources = "\n".join(path.read_text() for path in (course / "source" / unit).glob("*.ipynb"))
    if "backendlab.database(" in sources:
        from . import sql  # noqa: PLC0415 - heavy imports only when needed

        sql.database("grading-warm-up").dispose()  # builds the dataset / PostgreSQL template
    if "backendlab.redis_client(" in sources and not os.environ.get("BACKENDLAB_REDIS_URL"):
        from . import redis_server  # noqa: PLC0415

        redis_server.ensure_running()


def ensure_assignment_in_gradebook(course: Path, unit: str) -> None:
    """Autograde needs the unit's cells (hidden tests included) in the gradebook."""
    with Gradebook(gradebook_url(course)) as gradebook:
        try:
            gradebook.find_assignment(unit)
            return
        except MissingEntry:
            pass
    _nbgrader(course, ["generate_assignment", unit, "--force"], course / f"generate-{unit}.log")


def _nbgrader(course: Path, arguments: list[str], log: Path) -> int:
    with open(log, "w") as output:
        return subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course,
                              stdout=output, stderr=subprocess.STDOUT).returncode


def autograde_student(course: Path, unit: str, student: str) -> None:
    """Grade one submission in its own nbgrader process (its log: grading-logs/)."""
    logs = course / "grading-logs" / unit
    logs.mkdir(parents=True, exist_ok=True)
    _nbgrader(course, ["autograde", unit, "--student", student, "--force"], logs / f"{student}.log")


def read_result(course: Path, unit: str, student: str) -> StudentResult:
    result = StudentResult(student)
    with Gradebook(gradebook_url(course)) as gradebook:
        try:
            submission = gradebook.find_submission(unit, student)
        except MissingEntry:
            log = course / "grading-logs" / unit / f"{student}.log"
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            result.problem = "not graded: " + (" / ".join(tail) or "no log")
            return result
        result.score, result.max_score = submission.score, submission.max_score
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell_type == "code" and (grade.auto_score or 0) < grade.max_score:
                    result.failed.append(f"{notebook.name}:{grade.name}")
    return result


def grade_unit(course: Path, unit: str, students: list[str] | None = None,
               jobs: int | None = None) -> list[StudentResult]:
    """Autograde ``students`` (default: every submission of ``unit``), ``jobs`` at a time."""
    available = submitted_students(course, unit)
    if not available:
        raise CourseError(f"There are no submissions of {unit} in {course / 'submitted'}.",
                          f"collect them first (nbgrader collect {unit}), or copy each into "
                          f"submitted/<student-id>/{unit}/.")
    unknown = sorted(set(students or []) - set(available))
    if unknown:
        raise CourseError(f"No submission of {unit} from: {', '.join(unknown)}.",
                          f"students with a submission: {', '.join(available)}.")
    chosen = students or available
    ensure_assignment_in_gradebook(course, unit)
    prepare_shared_services(course, unit)
    workers = jobs or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(autograde_student, course, unit, student) for student in chosen]
        for _ in tqdm(as_completed(futures), total=len(futures), desc=f"Grading {unit}",
                      unit="student", file=sys.stdout):
            pass
    return [read_result(course, unit, student) for student in chosen]


def summary(results: list[StudentResult]) -> str:
    """A table an instructor can read at a glance."""
    width = max([len("student")] + [len(r.student) for r in results])
    lines = [f"{'student':<{width}}  {'score':>6}  {'max':>5}  failures"]
    for r in results:
        failures = r.problem or (", ".join(r.failed) if r.failed else "none")
        lines.append(f"{r.student:<{width}}  {r.score:>6g}  {r.max_score:>5g}  {failures}")
    return "\n".join(lines)


STUDENT_FILES = ("release", "notebooks", "backendlab", "README.md", "pyproject.toml",
                 "environment.yml", "postBuild", "course", "nbgrader_config.py", ".gitignore")


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
