"""Grading a whole class: every submission of a unit, in parallel, robust to bad submissions.

nbgrader grades one submission after another in one process. Here the class is dealt out to
one grading process per core, so a class takes about 1/cores of the time and nbgrader's
start-up (seconds of imports) is paid once per process, not once per student. Each process
runs nbgrader's own ``Autograde`` converter (as the formgrader does) for its students one by
one, each under its own exact student id (not a comma-separated exclude list, which a comma in
an id would break) and with its own log. The processes share the course's SQLite gradebook;
its busy timeout (``nbgrader_config.py``) makes concurrent writers wait for each other.

A submission nbgrader could not grade is reported with the reason found in its log (a
notebook missing or misnamed, a notebook that is not JSON, ...) and is not graded again: it
would fail the same way. Only when the grading process itself died while grading a
submission is that submission graded again, alone; no bad submission stops the class.

Shared, slow things (the shop dataset, the PostgreSQL template, and for unsandboxed kernels
the Redis server) are prepared once before grading starts, so no submission pays for them.
"""

import datetime
import fcntl
import glob
import json
import logging
import os
import re
import signal
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from . import kernel as grading_kernel
from .preprocessors import RESTORED
from ..errors import CourseError


@dataclass
class StudentResult:
    """One student's result for a unit, as read back from the gradebook and its grading log."""

    student: str
    score: float = 0.0  # autograded points (test cells)
    max_score: float = 0.0  # autograded maximum: what the tests are worth
    manual_max: float = 0.0  # what the answers graded by hand (reflections) are worth
    manual_pending: float = 0.0  # ... of which nobody has graded yet
    manual_score: float = 0.0  # points given by hand so far (0 for an unanswered question)
    seconds_late: float = 0.0  # after the due date (nbgrader's submission timestamp)
    late_penalty: float = 0.0  # what nbgrader's late policy took off
    failed: list[str] = field(default_factory=list)  # grade ids of test cells that lost points
    restored: list[str] = field(default_factory=list)  # "notebook:cell (edited|deleted)"
    problem: str = ""  # why grading did not complete, if it did not


def gradebook_url(course: Path) -> str:
    return f"sqlite:///{course / 'gradebook.db'}"


def submitted_students(course: Path, unit: str) -> list[str]:
    """Student ids with a submission of ``unit`` in ``submitted/``."""
    return sorted(path.parent.name for path in (course / "submitted").glob(f"*/{unit}") if path.is_dir())


# How a notebook opens the shop database: itself, through the shop app (unit 4), or through
# the capstone project (unit 5). ``uses_database`` is the one test of it (tests use it too).
DATABASE_CALLS = ("backendlab.database(", "web.app(", "capstone.Project(",
                  "backendlab.capstone import Project")


def uses_database(notebooks: Iterable[Path]) -> bool:
    """Does one of ``notebooks`` open the shop database (so it needs the dataset built)?"""
    return any(call in path.read_text() for path in notebooks for call in DATABASE_CALLS)


def build_shop_dataset() -> None:
    """Build the shop dataset at the kernels' scale, leaving no working copy behind: the
    pristine SQLite file (which the shop app opens read-only, and which a sandboxed kernel
    cannot write: its datasets folder is read-only) and, with ``BACKENDLAB_DATABASE_URL``,
    the PostgreSQL template (a copy is made from it and dropped at once)."""
    from .. import datasets, sql  # noqa: PLC0415 - heavy imports only when needed

    scale = grading_kernel.grading_scale()
    datasets.shop_sqlite(scale)
    url = os.environ.get(sql.URL_VARIABLE)
    if url:
        server = sql._psycopg_url(url)
        with sql._admin_connection(server) as admin:
            name = f"backendlab_grading_warm_up_{os.getpid()}"
            sql.make_copy(admin, server, name, "shop", scale)  # builds the template if missing
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_shared_services(course: Path, unit: str, sandboxed: bool) -> None:
    """Build what the unit's notebooks need once, before any grading kernel asks for it: the
    shop dataset, and (``sandboxed`` False only) the private redis-server that ordinary
    kernels share. A sandboxed kernel starts a redis-server of its own in its private
    runtime folder, so one started here would be of no use and stay running after grading."""
    notebooks = sorted((course / "source" / unit).glob("*.ipynb"))
    if uses_database(notebooks):
        build_shop_dataset()
    uses_redis = any("backendlab.redis_client(" in path.read_text() for path in notebooks)
    if uses_redis and not sandboxed and not os.environ.get("BACKENDLAB_REDIS_URL"):
        from ..services import redis_server  # noqa: PLC0415

        redis_server.ensure_running()


def ensure_assignment_in_gradebook(course: Path, unit: str, logs: Path) -> None:
    """Autograde needs the unit's cells (hidden tests included) in the gradebook. An
    assignment made by ``nbgrader db assignment add`` (to set its due date) has none yet."""
    with Gradebook(gradebook_url(course)) as gradebook:
        try:
            if gradebook.find_assignment(unit).notebooks:
                return
        except MissingEntry:
            pass
    log = logs / "generate_assignment.log"
    code = _nbgrader(course, ["generate_assignment", unit, "--force"], log)
    if code != 0:
        raise CourseError(f"nbgrader generate_assignment {unit} failed ({_exit_reason(code)}), "
                          "so the gradebook has no tests to grade with.",
                          f"read {log}, fix what it says (often a notebook in source/{unit}/), "
                          "then grade again.")


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


def sandbox_status(problem: str) -> str:
    """For logs and the summary: how grading kernels were confined, given ``problem`` (why
    they could not be sandboxed, ``kernel.grading_sandbox_problem()``; "" when they were)."""
    if problem:
        return f"{'!' * 78}\n{grading_kernel.UNSANDBOXED_WARNING.format(reason=problem)}\n{'!' * 78}"
    return ("Grading kernels ran sandboxed with bubblewrap (read-only system, only their own "
            "notebook's folder, private /tmp, no network, own processes).")


@dataclass
class GradedUnit:
    """One run of ``grade_unit``: each student's result (iterating over it gives them) and how
    the run's kernels were confined."""

    results: list[StudentResult]
    sandbox_problem: str  # why kernels ran unsandboxed in this run, "" when they were sandboxed

    def __iter__(self) -> Iterator[StudentResult]:
        return iter(self.results)


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


def student_log(logs: Path, student: str) -> Path:
    """Where one run keeps a student's grading log (every attempt, appended)."""
    return logs / "students" / f"{student}.log"


ATTEMPT = "=== backendlab grade: autograding"
FINISHED = "=== backendlab grade: nbgrader finished with this submission"
DIED = "backendlab grade: the grading process died"


def take(claims: Path, index: int) -> bool:
    """Claim the class's ``index``-th submission for this worker: True for the first worker
    that asks, False for every later one (an exclusive file create, atomic across processes)."""
    try:
        os.close(os.open(claims / str(index), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def grade_here(unit: str, students: list[str], logs: Path, events: Path,
               claims: Path | None = None) -> None:
    """Inside one grading process: autograde ``students`` one after another with nbgrader's
    ``Autograde`` converter, each in its own log — with ``claims``, only those no other
    worker has taken; ``events`` records each start and end (a start without an end means
    the process died on that student)."""
    from nbgrader.apps.autogradeapp import AutogradeApp  # noqa: PLC0415 - worker only
    from nbgrader.converters import Autograde as nbgrader_autograde  # noqa: PLC0415
    from nbgrader.converters.base import NbGraderException  # noqa: PLC0415

    class Autograde(nbgrader_autograde):
        """nbgrader finds a submission's notebooks by a glob inside its folder, so a student
        id with glob characters ("[", "*", "?") hid them: the folder is escaped here."""

        def init_notebooks(self) -> None:
            self.assignments, self.notebooks = {}, []
            pattern = self._format_source(self.coursedir.assignment_id, self.coursedir.student_id)
            for folder in glob.glob(pattern):
                found = glob.glob(os.path.join(glob.escape(folder),
                                               self.coursedir.notebook_id + ".ipynb"))
                if found:
                    self.assignments[folder] = found
                else:
                    self.log.error("No notebooks were matched by '%s'",
                                   os.path.join(folder, self.coursedir.notebook_id + ".ipynb"))
            if not self.assignments:
                raise NbGraderException(f"No notebooks were matched by '{pattern}'")

    app = AutogradeApp()
    app.initialize(["--force"])  # reads nbgrader_config.py from the course folder (the cwd)
    app.coursedir.assignment_id = unit
    (logs / "students").mkdir(exist_ok=True)
    for index, student in enumerate(students):
        if claims is not None and not take(claims, index):
            continue
        with open(events, "a") as record:
            record.write(json.dumps({"student": student, "event": "start"}) + "\n")
        handler = logging.FileHandler(student_log(logs, student), encoding="utf-8")
        handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
        handler.setLevel(logging.INFO)
        handler.stream.write(f"{ATTEMPT} {unit} for {student!r} in process {os.getpid()}\n")
        app.log.addHandler(handler)
        try:
            # the id is a file glob to nbgrader: escaped, it matches this student only
            app.coursedir.student_id = glob.escape(student)
            Autograde(coursedir=app.coursedir, parent=app).start()
        except NbGraderException:
            pass  # nbgrader logged why; the next student goes on
        except Exception:  # noqa: BLE001 - one submission never stops the class
            app.log.exception("There was an error processing assignment %s for %r", unit, student)
        finally:
            handler.stream.write(f"{FINISHED}\n")
            app.log.removeHandler(handler)
            handler.close()
        with open(events, "a") as record:
            record.write(json.dumps({"student": student, "event": "end"}) + "\n")


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _run_process(course: Path, unit: str, students: list[str], logs: Path, name: str,
                 claims: Path | None = None) -> tuple[int, list[str], set[str]]:
    """One grading process for ``students`` (with ``claims``: those it takes): its exit
    code, who it started and who it ended."""
    batch = logs / f"{name}.students.json"
    batch.write_text(json.dumps(students, ensure_ascii=False))
    events = logs / f"{name}.events.jsonl"
    with open(logs / f"{name}.log", "w") as output:
        code = subprocess.run([sys.executable, "-m", __spec__.name, "--grade-here", unit,
                               str(batch), str(logs), str(events), str(claims or "")],
                              cwd=course,
                              stdout=output, stderr=subprocess.STDOUT).returncode
    records = [json.loads(line) for line in events.read_text().splitlines()] \
        if events.exists() else []
    started = [r["student"] for r in records if r["event"] == "start"]
    ended = {r["student"] for r in records if r["event"] == "end"}
    return code, started, ended


def _note(logs: Path, student: str, text: str) -> None:
    student_log(logs, student).parent.mkdir(exist_ok=True)
    with open(student_log(logs, student), "a", encoding="utf-8") as log:
        log.write(text + "\n")


def autograde_group(course: Path, unit: str, group: list[str], logs: Path, name: str,
                    claims: Path | None = None) -> None:
    """One worker: grade ``group`` in one process — with ``claims`` (a folder the workers
    share), only the submissions no other worker has taken, the next one each time it
    finishes one, so a slow submission never leaves the other workers idle. A failure nbgrader
    reports is final (grading again would fail the same way); a submission on which the
    process died is graded once more, alone, and the rest goes on in a new process."""
    queue: list[tuple[list[str], Path | None]] = [(list(group), claims)]
    crashed_once, runs = set(), 0
    while queue:
        batch, shared = queue.pop(0)
        runs += 1
        tag = name if runs == 1 else f"{name}.{runs}"
        code, started, ended = _run_process(course, unit, batch, logs, tag, shared)
        died = [student for student in started if student not in ended]
        for student in died:
            what = f"{DIED} ({_exit_reason(code)}) while grading this submission"
            if student in crashed_once:
                _note(logs, student, f"{what}, again when graded alone: not graded.")
            else:
                crashed_once.add(student)
                _note(logs, student, f"{what}; it is graded again, alone.")
                queue.append(([student], None))
        if shared is None:
            rest = [student for student in batch if student not in started]
        else:  # the submissions nobody has taken yet (none when the process went through)
            rest = [s for i, s in enumerate(batch) if not (shared / str(i)).exists()]
        if rest and not started:  # the process could not even start: say so, do not loop
            if shared is None:
                _not_started(logs, rest, tag, _exit_reason(code))
            # else other workers may still take them; grade_unit notes what nobody took
        elif rest:
            queue.append((rest, None) if shared is None else (batch, shared))


def _not_started(logs: Path, students: list[str], tag: str, reason: str) -> None:
    """Note, for each of ``students``, that grading process ``tag`` died before grading."""
    tail = (logs / f"{tag}.log").read_text(errors="replace").strip().splitlines()[-3:]
    for student in students:
        _note(logs, student, f"{DIED} ({reason}) before grading anything: " + " / ".join(tail))


def graded(course: Path, unit: str, student: str) -> bool:
    """Has nbgrader written every notebook of the student's autograded copy?"""
    notebooks = {path.name for path in (course / "source" / unit).glob("*.ipynb")}
    done = {path.name for path in (course / "autograded" / student / unit).glob("*.ipynb")}
    return notebooks <= done


def latest_student_log(course: Path, unit: str, student: str) -> Path | None:
    """The student's log from the latest run that graded them."""
    runs = sorted((path for path in (course / "grading-logs" / unit).glob("*-*") if path.is_dir()),
                  reverse=True)
    return next((student_log(run, student) for run in runs
                 if student_log(run, student).exists()), None)


def last_attempt(log: str) -> str:
    """The part of a student's log written by its last grading attempt (and notes after it)."""
    return log[log.rindex(ATTEMPT):] if ATTEMPT in log else log


def restored_cells(log: str) -> list[str]:
    """Locked cells the submission changed, which nbgrader put back (RestoreLockedCells)."""
    return [line.split(RESTORED, 1)[1].strip() for line in last_attempt(log).splitlines()
            if RESTORED in line]


def skip_reason(log: str) -> str:
    """Why nbgrader did not grade (all of) a submission, in the words of its log."""
    attempt = last_attempt(log)
    lines = attempt.splitlines()
    died = [line for line in lines if line.startswith(DIED)]
    if died:
        return died[-1].removeprefix("backendlab grade: ")
    missing = [Path(m).name for m in re.findall(r"No submitted file: (.*)", attempt)]
    unknown = [Path(m).name for m in re.findall(r"Skipping unknown notebook: (.*)", attempt)]
    if missing or unknown:
        reason = (f"{', '.join(missing)} not submitted" if missing else "")
        if unknown:
            reason += ("; " if reason else "") + f"{', '.join(unknown)} is not part of the unit"
        if len(missing) == 1 and len(unknown) == 1:
            reason += f" (rename it to {missing[0]} in submitted/ and grade again)"
        return reason
    for index, line in enumerate(lines):
        if "There was an error processing assignment" in line:
            notebook = next((Path(m.group(1)).name for earlier in reversed(lines[:index])
                             if (m := re.search(r"(?:Sanitizing|Autograding) (.*\.ipynb)$",
                                                earlier))), "")
            trace = []  # nbgrader logs the traceback right after this line
            for later in lines[index + 2:]:
                if later.startswith("[") or later.startswith("==="):
                    break
                trace.append(later.strip())
            error = next((t for t in reversed(trace) if t), line.removeprefix("[ERROR] "))
            return (f"{notebook}: " if notebook else "") + error[:300]
    errors = [line for line in lines if line.startswith("[ERROR]")]
    if errors:
        return errors[0].removeprefix("[ERROR] ")[:300]
    tail = [line for line in lines if line.strip() and not line.startswith("===")][-3:]
    return " / ".join(tail) or "no log"


def read_result(course: Path, unit: str, student: str, logs: Path | None = None) -> StudentResult:
    """The student's scores (autograded, by hand, late) and what the grading log says."""
    result = StudentResult(student)
    log_path = student_log(logs, student) if logs else latest_student_log(course, unit, student)
    log = log_path.read_text(errors="replace") if log_path and log_path.exists() else ""
    result.restored = restored_cells(log)
    finished = FINISHED in last_attempt(log) and not any(
        line.startswith(DIED) for line in last_attempt(log).splitlines())
    if not graded(course, unit, student):
        attempt = last_attempt(log)
        partly = finished and "No submitted file: " in attempt and \
            "There was an error processing" not in attempt
        result.problem = ("partly graded: " if partly else "not graded: ") + skip_reason(log)
        if not partly:
            return result  # what the gradebook holds is not this attempt's work
    with Gradebook(gradebook_url(course)) as gradebook:
        try:
            submission = gradebook.find_submission(unit, student)
        except MissingEntry:
            return result
        result.seconds_late = submission.total_seconds_late
        result.late_penalty = submission.late_submission_penalty or 0.0
        for notebook in submission.notebooks:
            by_hand = {cell.name for cell in notebook.notebook.solution_cells}
            for grade in notebook.grades:
                if grade.name in by_hand:
                    result.manual_max += grade.max_score
                    if grade.needs_manual_grade:
                        result.manual_pending += grade.max_score
                    else:
                        result.manual_score += grade.score
                    continue
                result.score += grade.score
                result.max_score += grade.max_score
                if grade.cell_type == "code" and (grade.auto_score or 0) < grade.max_score:
                    result.failed.append(f"{notebook.name}:{grade.name}")
    return result


def default_jobs() -> int:
    """Students graded at once when ``--jobs`` is not given: three per core, since a grading
    kernel spends much of its time waiting for its servers (nginx, the app, Redis) and
    sockets (measured on 2 cores: unit 4's class of 60 took 704 s with 4, 610 s with 6, and 8
    were no faster than 6); at most 16, since each holds servers and database connections
    (PostgreSQL allows 100 by default)."""
    return min(3 * (os.cpu_count() or 1), 16)


def grade_unit(course: Path, unit: str, students: list[str] | None = None,
               jobs: int | None = None) -> GradedUnit:
    """Autograde ``students`` (default: every submission of ``unit``), ``jobs`` at a time."""
    if jobs is not None and jobs < 1:
        raise CourseError(f"--jobs must be a whole number of at least 1 (got {jobs!r}).",
                          f"leave it out to grade {default_jobs()} students at once (three per core).")
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
        problem = grading_kernel.grading_sandbox_problem()  # what the kernels will find too
        (logs / "sandbox.txt").write_text(sandbox_status(problem) + "\n")
        if problem:
            print(f"\n{sandbox_status(problem)}\n", flush=True)
        ensure_assignment_in_gradebook(course, unit, logs)
        prepare_shared_services(course, unit, sandboxed=not problem)
        for student in chosen:  # what is in autograded/ now is this run's progress
            shutil.rmtree(course / "autograded" / student / unit, ignore_errors=True)
        workers = min(jobs or default_jobs(), len(chosen))
        claims = logs / "claims"  # each worker takes the next submission nobody has taken
        claims.mkdir()
        with ThreadPoolExecutor(max_workers=workers) as pool, \
                tqdm(total=len(chosen), desc=f"Grading {unit}", unit="student",
                     file=sys.stdout) as bar:
            futures = [pool.submit(autograde_group, course, unit, chosen, logs,
                                   f"process-{k + 1}", claims) for k in range(workers)]
            while not all(future.done() for future in futures):
                time.sleep(0.5)
                bar.update(sum(graded(course, unit, s) for s in chosen) - bar.n)
            bar.update(len(chosen) - bar.n)
            for future in futures:
                future.result()  # an error in our own code (not a submission's) is raised here
        untaken = [s for i, s in enumerate(chosen) if take(claims, i)]
        if untaken:  # no grading process could start
            _not_started(logs, untaken, "process-1", "no grading process could start")
        return GradedUnit([read_result(course, unit, student, logs) for student in chosen],
                          problem)


def _by_hand(r: StudentResult) -> str:
    if not r.manual_max:
        return "-"
    if r.manual_pending:
        given = f"{r.manual_score:g} + " if r.manual_pending < r.manual_max else ""
        return f"{given}{r.manual_pending:g} pending"
    return f"{r.manual_score:g}/{r.manual_max:g}"


def duration(seconds: float) -> str:
    """A lateness a person reads at a glance: its two largest units ("14 d", "1 d 2 h",
    "1 h 5 min", "45 s"), not 1.2096e+06 s."""
    left = round(seconds)
    parts = []
    for name, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, left = divmod(left, size)
        if count or (parts and len(parts) < 2):
            parts.append((count, name))
    shown = [(count, name) for count, name in parts[:2] if count]
    return " ".join(f"{count} {name}" for count, name in shown) or "under 1 s"


def _late(r: StudentResult) -> str:
    if not r.seconds_late:
        return "-"
    return duration(r.seconds_late) + (f" (-{r.late_penalty:g})" if r.late_penalty else "")


def summary(results: GradedUnit) -> str:
    """A table an instructor can read at a glance: autograded points out of what the tests
    are worth, points still to be given by hand (not in "max"), how late, failed tests;
    below a student, test cells they edited (restored before grading) and why nbgrader could
    not grade them."""
    rows = [(r.student, "-", "-", "-", _late(r), "not graded (below)") if not r.max_score else
            (r.student, f"{r.score:g}", f"{r.max_score:g}", _by_hand(r), _late(r),
             ", ".join(r.failed) if r.failed else "none") for r in results]
    header = ("student", "auto", "max", "by hand", "late", "failed tests")
    widths = [max(len(row[k]) for row in [header, *rows]) for k in range(5)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join([row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width
                                                            in zip(row[1:5], widths[1:]))],
                               ) + "  " + row[5])
    for r in results:
        if r.restored or r.problem:
            lines.append("")
            lines.append(f"{r.student}:")
        if r.restored:
            lines.append(f"  restored before grading (tampering?): {', '.join(r.restored)}")
        if r.problem:
            lines.append(f"  {r.problem}")
    lines += ["", sandbox_status(results.sandbox_problem)]
    return "\n".join(lines)


if __name__ == "__main__" and sys.argv[1:2] == ["--grade-here"]:
    _unit, _batch, _logs, _events, _claims = sys.argv[2:7]
    grade_here(_unit, json.loads(Path(_batch).read_text()), Path(_logs), Path(_events),
               Path(_claims) if _claims else None)
