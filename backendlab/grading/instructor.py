"""Grading a whole class: every submission of a unit, in parallel, robust to bad submissions.

nbgrader grades one submission after another in one process. Here the class is dealt out to
one ``nbgrader autograde`` process per core (each told to skip the other processes' students
with ``--CourseDirectory.student_id_exclude``), so a class takes about 1/cores of the time
and nbgrader's start-up (seconds of imports) is paid once per process, not once per student.
The processes share the course's SQLite gradebook; its busy timeout (``nbgrader_config.py``)
makes concurrent writers wait for each other instead of failing.

A submission that nbgrader could not grade (it logs the error and goes on with the next
student) is graded once more in a process of its own, whose log then explains what went
wrong; no bad submission stops the class.

Shared, slow things (the dataset, the PostgreSQL template, the Redis server) are prepared
once before grading starts, so no submission pays for them.
"""

import datetime
import fcntl
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from . import kernel as grading_kernel
from ..errors import CourseError


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
        from .. import sql  # noqa: PLC0415 - heavy imports only when needed

        sql.database("grading-warm-up").dispose()  # builds the dataset / PostgreSQL template
    if "backendlab.redis_client(" in sources and not os.environ.get("BACKENDLAB_REDIS_URL"):
        from ..services import redis_server  # noqa: PLC0415

        redis_server.ensure_running()


def ensure_assignment_in_gradebook(course: Path, unit: str, logs: Path | None = None) -> None:
    """Autograde needs the unit's cells (hidden tests included) in the gradebook."""
    with Gradebook(gradebook_url(course)) as gradebook:
        try:
            gradebook.find_assignment(unit)
            return
        except MissingEntry:
            pass
    _nbgrader(course, ["generate_assignment", unit, "--force"],
              (logs or new_run_logs(course, unit)) / "generate_assignment.log")


def _nbgrader(course: Path, arguments: list[str], log: Path) -> int:
    with open(log, "w") as output:
        return subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course,
                              stdout=output, stderr=subprocess.STDOUT).returncode


def new_run_logs(course: Path, unit: str) -> Path:
    """A fresh folder for one grading run's logs: ``grading-logs/<unit>/<UTC time>-<pid>/``.
    Earlier runs' logs are kept (never overwritten)."""
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    folder = course / "grading-logs" / unit / f"{stamp}-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def logs_folder(course: Path, unit: str) -> Path:
    """The latest grading run's logs (a new folder if the unit was never graded)."""
    runs = sorted(path for path in (course / "grading-logs" / unit).glob("*-*") if path.is_dir())
    return runs[-1] if runs else new_run_logs(course, unit)


def sandbox_problem() -> str:
    """Why grading kernels will not be sandboxed here, or "" when they will be."""
    return grading_kernel.grading_sandbox_problem()


def sandbox_status() -> str:
    """One line for logs and the summary: how grading kernels are confined here."""
    problem = sandbox_problem()
    if problem:
        return grading_kernel.UNSANDBOXED_WARNING.format(reason=problem)
    return ("Grading kernels ran sandboxed with bubblewrap (read-only system, only their own "
            "notebook's folder, private /tmp, no network, own processes).")


class GradingLock:
    """One ``backendlab grade`` of a unit at a time in a course folder: a second one refuses
    (two runs would delete and rewrite each other's autograded/ copies)."""

    def __init__(self, course: Path, unit: str) -> None:
        folder = course / "grading-logs" / unit
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / ".lock"
        self.unit = unit
        self._handle = None

    def __enter__(self) -> "GradingLock":
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise CourseError(f"{self.unit} is already being graded in this course folder "
                              f"({holder}).",
                              "wait for that run to finish (its progress bar and logs are in "
                              f"grading-logs/{self.unit}/), then grade again.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started "
                     f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        self._handle = handle
        return self

    def __exit__(self, *exc_info) -> None:
        if self._handle is not None:
            self._handle.truncate(0)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()


def autograde_group(course: Path, unit: str, group: list[str], others: list[str], log: Path) -> None:
    """Grade the students of ``group`` one after another in a single nbgrader process."""
    skip = [f"--CourseDirectory.student_id_exclude={','.join(others)}"] if others else []
    _nbgrader(course, ["autograde", unit, "--force", *skip], log)
    for student in group:  # nbgrader moves on after a failure; retry it alone for its own log
        if not graded(course, unit, student):
            _nbgrader(course, ["autograde", unit, "--student", student, "--force"],
                      log.parent / f"{student}.log")


def graded(course: Path, unit: str, student: str) -> bool:
    """Has nbgrader written every notebook of the student's autograded copy?"""
    notebooks = {path.name for path in (course / "source" / unit).glob("*.ipynb")}
    done = {path.name for path in (course / "autograded" / student / unit).glob("*.ipynb")}
    return notebooks <= done


def read_result(course: Path, unit: str, student: str, logs: Path | None = None) -> StudentResult:
    result = StudentResult(student)
    if not graded(course, unit, student):
        log = (logs or logs_folder(course, unit)) / f"{student}.log"
        tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        result.problem = "not graded: " + (" / ".join(tail) or "no log")
        return result
    with Gradebook(gradebook_url(course)) as gradebook:
        submission = gradebook.find_submission(unit, student)
        result.score, result.max_score = submission.score, submission.max_score
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell_type == "code" and (grade.auto_score or 0) < grade.max_score:
                    result.failed.append(f"{notebook.name}:{grade.name}")
    return result


def grade_unit(course: Path, unit: str, students: list[str] | None = None,
               jobs: int | None = None) -> list[StudentResult]:
    """Autograde ``students`` (default: every submission of ``unit``), ``jobs`` at a time."""
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise CourseError(f"--jobs must be a whole number of at least 1 (got {jobs!r}).",
                          "leave it out to grade one student per core.")
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
    with GradingLock(course, unit):
        logs = new_run_logs(course, unit)
        status = sandbox_status()
        (logs / "sandbox.txt").write_text(status + "\n")
        if sandbox_problem():
            print(f"\n{'!' * 78}\n{status}\n{'!' * 78}\n", flush=True)
        ensure_assignment_in_gradebook(course, unit, logs)
        prepare_shared_services(course, unit)
        for student in chosen:  # what is in autograded/ now is this run's progress
            shutil.rmtree(course / "autograded" / student / unit, ignore_errors=True)
        workers = min(jobs or os.cpu_count() or 1, len(chosen))
        groups = [chosen[k::workers] for k in range(workers)]  # dealt out like cards
        with ThreadPoolExecutor(max_workers=workers) as pool, \
                tqdm(total=len(chosen), desc=f"Grading {unit}", unit="student",
                     file=sys.stdout) as bar:
            running = [pool.submit(autograde_group, course, unit, group,
                                   sorted(set(available) - set(group)),
                                   logs / f"process-{k + 1}.log")
                       for k, group in enumerate(groups)]
            while running:
                time.sleep(0.5)
                running = [future for future in running if not future.done()]
                bar.update(sum(graded(course, unit, s) for s in chosen) - bar.n)
            bar.update(len(chosen) - bar.n)
        return [read_result(course, unit, student, logs) for student in chosen]


def summary(results: list[StudentResult]) -> str:
    """A table an instructor can read at a glance."""
    width = max([len("student")] + [len(r.student) for r in results])
    lines = [f"{'student':<{width}}  {'score':>6}  {'max':>5}  failures"]
    for r in results:
        failures = r.problem or (", ".join(r.failed) if r.failed else "none")
        lines.append(f"{r.student:<{width}}  {r.score:>6g}  {r.max_score:>5g}  {failures}")
    status = sandbox_status()
    lines += ["", f"{'!' * 78}\n{status}\n{'!' * 78}" if sandbox_problem() else status]
    return "\n".join(lines)
