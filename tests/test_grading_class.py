"""Grading a class with bad submissions: every one graded as it deserves, nobody else affected.

The submissions are the fixture corpus an instructor meets in a real class, each a copy of
the solution (the release with the model answers typed in, as a student would) or of the
untouched release, with one thing broken. Points per test cell are read back from the
gradebook; what the summary says (late, restored cells, why a student was not graded) is
checked against the corpus.
"""

import asyncio
import csv
import dataclasses
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from backendlab import sandbox
from backendlab.grading import instructor, kernel as grading_kernel
from tests import catalogue
from tests.machine import make_course, missing, model_answers

ROOT = Path(__file__).resolve().parent.parent
GradedClass = tuple[Path, instructor.GradedUnit]  # the course folder, and how it was graded
UNIT = "00-orientation"
SQL, REDIS = "01-sql-warmup.ipynb", "02-redis-warmup.ipynb"
ALL_TESTS = {(SQL, "ex1-test"), (SQL, "ex2-test"), (REDIS, "ex3-test")}

# student id -> (based on, {notebook: {cell id: new source, or None to delete it}}, tests scoring 0)
CORPUS = {
    "solution": ("source", {}, set()),
    "untouched": ("release", {}, ALL_TESTS),
    "infinite-loop": ("source", {SQL: {"ex1-answer": "while True:\n    pass"}}, {(SQL, "ex1-test")}),
    "sleeps-past-timeout": ("source", {SQL: {"ex2-answer": (
        "import time\ndef count_orders(engine, customer_id):\n    time.sleep(3600)")}},
        {(SQL, "ex2-test")}),
    "deleted-test-cell": ("source", {SQL: {"ex1-test": None}}, set()),
    "edited-test-cell": ("release", {SQL: {"ex1-test": "assert True"}}, ALL_TESTS),
    "sys-exit": ("source", {SQL: {"ex1-answer": "import sys\nsys.exit()"}}, {(SQL, "ex1-test")}),
    "os-exit": ("source", {REDIS: {"ex3-answer": "import os\nos._exit(1)"}}, {(REDIS, "ex3-test")}),
    "kernel-crash": ("source", {SQL: {"ex2-answer": "import ctypes\nctypes.string_at(0)"}},
                     {(SQL, "ex2-test")}),
    "huge-output": ("source", {SQL: {"ex1-answer": (
        "print('x' * 5_000_000)\norders_by_status = 'SELECT status, count(*) AS orders FROM orders "
        "GROUP BY status ORDER BY orders DESC'")}}, set()),
    "warning-on-stderr": ("source", {SQL: {"ex2-answer": (
        "import sys, warnings\nfrom sqlalchemy import text\n"
        "def count_orders(engine, customer_id):\n"
        "    warnings.warn('this function is slow')\n"
        "    print('debug: counting', file=sys.stderr)\n"
        "    with engine.connect() as c:\n"
        "        return c.execute(text('SELECT count(*) FROM orders WHERE customer_id = :c'),"
        " {'c': customer_id}).scalar_one()")}}, set()),
    "hard-coded": ("source", {nb: {answer_id: entry.hardcoded for answer_id, entry in catalogue.exercises(UNIT, nb).items()} for nb in (SQL, REDIS)}, ALL_TESTS),
    "memory-hog": ("source", {SQL: {"ex1-answer": "hog = []\nwhile True:\n    hog.append(bytearray(10**8))"}},
                   {(SQL, "ex1-test")}),
    # submitted an hour after the due date set in the fixture (timestamp.txt, as nbgrader submit)
    "late-by-an-hour": ("source", {}, set()),
    # JupyterLab's "Duplicate": the SQL notebook submitted under another name
    "saved-a-copy": ("source", {}, {(SQL, "ex1-test"), (SQL, "ex2-test")}),
    # a notebook that is not JSON any more
    "not-json": ("source", {}, ALL_TESTS),
    # comma (nbgrader's exclude lists and CSV), space, quote, unicode, glob characters, leading dash
    "-odd, ïd [x]*'": ("source", {}, set()),
}
DUE, SUBMITTED_LATE = "2026-12-01 17:00:00 UTC", "2026-12-01 18:00:00.000000 UTC"
ODD_ID = "-odd, ïd [x]*'"
NOT_GRADED = {"saved-a-copy", "not-json"}  # the summary must say why

# Attacks that worked before grading kernels were sandboxed. Each answer is run from its
# notebook's folder, autograded/<student>/<unit>/, so the course folder is ../../../ from there.
# Only run where the sandbox works: unconfined, they would do what they say on this machine.
MARKER = "pwned-by-a-submission.txt"
ATTACKS = {
    # the solutions are in source/: copy the answer from there (passes every test, unsandboxed)
    "reads-source": ("source", {SQL: {"ex1-answer": (
        "import glob, json\norders_by_status = None\n"
        "for path in glob.glob('../../../source/*/01-sql-warmup.ipynb'):\n"
        "    for cell in json.load(open(path))['cells']:\n"
        "        if cell.get('id') == 'ex1-answer':\n"
        "            exec(''.join(cell['source']))")}},
        {(SQL, "ex1-test")}),
    # full marks for everybody, straight into the gradebook
    "writes-gradebook": ("source", {SQL: {"ex2-answer": (
        "import sqlite3\n"
        "book = sqlite3.connect('../../../gradebook.db', timeout=60)\n"
        "book.execute('UPDATE grade SET auto_score = max_score')\nbook.commit()")}},
        {(SQL, "ex2-test")}),
    # other students' submissions and autograded copies (and the course folder) get a file;
    # their notebooks are replaced by an empty one
    "writes-other-students": ("source", {REDIS: {"ex3-answer": (
        "import glob, pathlib\n"
        "for folder in ['../../..', *glob.glob('../../../*/*/00-orientation')]:\n"
        "    try:\n"
        f"        pathlib.Path(folder, {MARKER!r}).write_text('pwned')\n"
        "        for notebook in glob.glob(folder + '/*.ipynb'):\n"
        "            pathlib.Path(notebook).write_text('{}')\n"
        "    except OSError:\n"
        "        pass")}},
        {(REDIS, "ex3-test")}),
    # kill the grading process (nbgrader is the kernel's parent, unsandboxed)
    "kills-grader": ("source", {SQL: {"ex2-answer": (
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")}}, {(SQL, "ex2-test")}),
    # a fork bomb (bounded here, in case the sandbox ever stops bounding it)
    "fork-bomb": ("source", {SQL: {"ex1-answer": (
        "import os, time\n"
        "for _ in range(3000):\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(600)\n"
        "        os._exit(0)")}}, {(SQL, "ex1-test")}),
    # fill the disk (bounded here at 3 GB, in case the sandbox ever stops bounding it)
    "fills-disk": ("source", {REDIS: {"ex3-answer": (
        "import os, tempfile\n"
        "for folder in (tempfile.gettempdir(), os.path.expanduser('~'), '.'):\n"
        "    with open(os.path.join(folder, 'filler'), 'wb') as filler:\n"
        "        for _ in range(300):\n"
        "            filler.write(bytes(10**7))")}}, {(REDIS, "ex3-test")}),
}


def write_submission(course: Path, unit: str, student: str, based_on: Path,
                     changes: dict[str, dict[str, str | None]]) -> None:
    """submitted/<student>/<unit>/: the notebooks of ``based_on`` with ``changes`` made
    ({notebook: {cell id: new source, or None to delete the cell}}). Based on source/ where
    the course has a release/: the released notebooks with the model answers typed into the
    answer cells, as an honest student's would be (test cells exactly as released)."""
    folder = course / "submitted" / student / unit
    folder.mkdir(parents=True)
    released = course / "release" / unit
    for path in sorted(based_on.glob("*.ipynb")):
        if based_on.parent.name == "source" and (released / path.name).exists():
            notebook = model_answers(nbformat.read(released / path.name, 4), nbformat.read(path, 4))
        else:
            notebook = nbformat.read(path, 4)
        edits = changes.get(path.name, {})
        kept = []
        for cell in notebook.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in edits and edits[grade_id] is None:
                continue
            if grade_id in edits:
                cell.source = edits[grade_id].strip()
            kept.append(cell)
        notebook.cells = kept
        nbformat.write(notebook, folder / path.name)


def mess_up(course: Path, unit: str) -> None:
    """The submissions whose trouble is not in a cell: late, misnamed, not JSON."""
    (course / "submitted" / "late-by-an-hour" / unit / "timestamp.txt").write_text(SUBMITTED_LATE)
    copied = course / "submitted" / "saved-a-copy" / unit
    (copied / SQL).rename(copied / SQL.replace(".ipynb", "-Copy1.ipynb"))
    (course / "submitted" / "not-json" / unit / SQL).write_text('{"cells": [')


def sandboxed() -> bool:
    return not grading_kernel.grading_sandbox_problem()


def corpus() -> dict:
    """The class to grade: the attacks too where grading kernels are sandboxed."""
    return {**CORPUS, **ATTACKS} if sandboxed() else CORPUS


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> GradedClass:
    # with the release students got, made from this source (the repository's release/ may lag)
    course = make_course(tmp_path_factory.mktemp("class"), UNIT, release=True)
    for student, (based_on, changes, _) in corpus().items():
        write_submission(course, UNIT, student, course / based_on / UNIT, changes)
    mess_up(course, UNIT)
    # the due date, set the documented nbgrader way (README, "Due dates and late work")
    subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "add", UNIT,
                    f"--duedate={DUE}"], cwd=course, check=True, capture_output=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BACKENDLAB_CELL_TIMEOUT", "5")  # loops and sleeps are stopped sooner
        patch.setenv("BACKENDLAB_GRADING_MEMORY_GB", "2")
        patch.setenv("BACKENDLAB_GRADING_TMP_MB", "64")  # a full disk is reached sooner
        results = instructor.grade_unit(course, UNIT, jobs=2)
    return course, results


def test_every_submission_is_graded(graded_class: GradedClass) -> None:
    """Is every student graded, however broken the submission?"""
    _, results = graded_class
    assert {result.student for result in results} == set(corpus())
    assert {result.student for result in results if result.problem} == NOT_GRADED


@pytest.mark.parametrize("student", [*CORPUS, *ATTACKS])
def test_each_exercise_scores_what_it_deserves(graded_class: GradedClass, student: str) -> None:
    course, _ = graded_class
    if student not in corpus():
        missing(f"grading kernels are not sandboxed here ({grading_kernel.grading_sandbox_problem()}): "
                f"the attack {student!r} is not run")
    zeros = corpus()[student][2]
    with Gradebook(instructor.gradebook_url(course)) as gradebook:
        submission = gradebook.find_submission(UNIT, student)
        scores = {(nb.name + ".ipynb", grade.name): (grade.auto_score or 0, grade.max_score)
                  for nb in submission.notebooks for grade in nb.grades if grade.cell_type == "code"}
    assert set(scores) == ALL_TESTS
    for test, (score, max_score) in scores.items():
        assert score == (0 if test in zeros else max_score), f"{student}: {test}"


def test_summary_table_lists_scores_and_failures(graded_class: GradedClass) -> None:
    """Autograded points out of what the tests are worth; reflections pending, not in max."""
    _, results = graded_class
    table = instructor.summary(results).splitlines()
    assert table[0].split() == ["student", "auto", "max", "by", "hand", "late", "failed", "tests"]
    solution = next(line for line in table if line.startswith("solution "))
    assert solution.split()[1:] == ["6", "6", "6", "pending", "-", "none"]
    untouched = next(line for line in table if line.startswith("untouched "))
    assert untouched.split()[1:4] == ["0", "6", "0/6"]  # unanswered reflections: nothing to grade
    assert "01-sql-warmup:ex1-test" in untouched


def test_late_submission_shows_how_late(graded_class: GradedClass) -> None:
    _, results = graded_class
    late = {r.student: r.seconds_late for r in results if r.seconds_late}
    assert late == {"late-by-an-hour": 3600}
    row = next(line for line in instructor.summary(results).splitlines()
               if line.startswith("late-by-an-hour "))
    assert " 1 h " in row


@pytest.mark.parametrize(("seconds", "shown"), [(1_209_600, "14 d"), (3600, "1 h"),
                                                (3725, "1 h 2 min"), (90_061, "1 d 1 h"),
                                                (45, "45 s"), (0.4, "under 1 s")])
def test_lateness_reads_at_a_glance(seconds: float, shown: str) -> None:
    assert instructor.duration(seconds) == shown


def test_edited_and_deleted_test_cells_show_as_restored(graded_class: GradedClass) -> None:
    """Tampering is named per student; honest submissions (test cells as released, hidden
    tests and all) have nothing restored and no "checksum has changed" noise in their logs."""
    course, results = graded_class
    restored = {r.student: r.restored for r in results if r.restored}
    assert restored == {"edited-test-cell": ["01-sql-warmup:ex1-test (edited)"],
                        "deleted-test-cell": ["01-sql-warmup:ex1-test (deleted)"]}
    table = instructor.summary(results)
    assert "edited-test-cell:\n  restored before grading (tampering?): 01-sql-warmup:ex1-test (edited)" \
        in table
    run = max(path for path in (course / "grading-logs" / UNIT).iterdir() if path.is_dir())
    logs = "".join(path.read_text() for path in run.rglob("*.log"))
    assert "checksum" not in logs and "has changed" not in logs


def test_a_skipped_submission_says_why_and_is_not_retried(graded_class: GradedClass) -> None:
    course, results = graded_class
    problems = {r.student: r.problem for r in results if r.problem}
    assert problems["saved-a-copy"] == (
        "partly graded: 01-sql-warmup.ipynb not submitted; 01-sql-warmup-Copy1.ipynb is not part "
        "of the unit (rename it to 01-sql-warmup.ipynb in submitted/ and grade again)")
    assert problems["not-json"].startswith("not graded: 01-sql-warmup.ipynb: ")
    assert "NotJSONError" in problems["not-json"]
    run = max(path for path in (course / "grading-logs" / UNIT).iterdir() if path.is_dir())
    for student in NOT_GRADED:
        log = instructor.student_log(run, student).read_text()
        assert log.count(instructor.ATTEMPT) == 1, f"{student} was graded again"


@pytest.mark.parametrize(("unit", "opens"), [("01-linux", False), ("02-sql-tuning", True),
                                             ("04-web-servers", True)])
def test_units_that_open_the_database_are_recognised(unit: str, opens: bool) -> None:
    """Unit 4 opens it through the shop app (web.app), not backendlab.database."""
    assert instructor.uses_database((ROOT / "source" / unit).glob("*.ipynb")) is opens


def test_the_capstone_project_opens_the_database(tmp_path: Path) -> None:
    notebook = tmp_path / "project.ipynb"
    notebook.write_text('{"cells": [{"source": ["project = capstone.Project(\\"mine\\")"]}]}')
    assert instructor.uses_database([notebook])


@pytest.mark.parametrize("sandboxed", [True, False])
def test_shared_services_are_prepared_without_leftovers(tmp_path: Path, sandboxed: bool,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The dataset is built before grading (a sandboxed kernel cannot: its datasets folder is
    read-only), as the pristine file, with no working copy left behind; a redis-server is
    started only for unsandboxed kernels (a sandboxed one starts its own)."""
    from backendlab import datasets  # noqa: PLC0415
    from backendlab.services import redis_server  # noqa: PLC0415

    built, started = [], []
    monkeypatch.setattr(datasets, "shop_sqlite", built.append)
    monkeypatch.setattr(redis_server, "ensure_running", lambda: started.append(True))
    monkeypatch.delenv("BACKENDLAB_DATABASE_URL", raising=False)
    monkeypatch.delenv("BACKENDLAB_REDIS_URL", raising=False)
    monkeypatch.setenv("BACKENDLAB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKENDLAB_SCALE", "small")
    make_course(tmp_path, UNIT)

    instructor.prepare_shared_services(tmp_path, UNIT, sandboxed=sandboxed)

    assert built == ["small"]
    assert started == ([] if sandboxed else [True])
    assert not list((tmp_path / "data").rglob("*warm-up*"))


def test_a_failed_generate_assignment_stops_grading_and_names_its_log(tmp_path: Path) -> None:
    make_course(tmp_path, UNIT, notebooks=[])
    (tmp_path / "source" / UNIT / SQL).write_text('{"cells": [')  # not a notebook
    logs = tmp_path / "logs"
    logs.mkdir()
    with pytest.raises(instructor.CourseError, match="generate_assignment.log"):
        instructor.ensure_assignment_in_gradebook(tmp_path, UNIT, logs)


def test_an_error_in_a_grading_thread_is_not_lost(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "submitted" / "alice" / UNIT).mkdir(parents=True)

    def broken(*arguments: object) -> None:
        raise RuntimeError("a bug in backendlab grade")

    monkeypatch.setattr(instructor, "ensure_assignment_in_gradebook", lambda *a: None)
    monkeypatch.setattr(instructor, "prepare_shared_services", lambda *a, **k: None)
    monkeypatch.setattr(instructor, "autograde_group", broken)
    with pytest.raises(RuntimeError, match="a bug in backendlab grade"):
        instructor.grade_unit(tmp_path, UNIT, jobs=1)


def test_only_a_dead_grading_process_means_grading_again(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """The process dies on "b" (it is graded again alone, then dies again: reported); "c",
    never reached, goes on in a new process; "a" finished and is not graded again."""
    runs = []

    def fake_process(course, unit, students, logs, name, claims=None):
        runs.append(list(students))
        if "b" in students:
            return -9, students[:students.index("b") + 1], set(students[:students.index("b")])
        return 0, list(students), set(students)

    monkeypatch.setattr(instructor, "_run_process", fake_process)
    instructor.autograde_group(tmp_path, UNIT, ["a", "b", "c"], tmp_path, "process-1")
    assert runs == [["a", "b", "c"], ["b"], ["c"]]
    reason = instructor.skip_reason(instructor.student_log(tmp_path, "b").read_text())
    assert reason == ("the grading process died (killed by SIGKILL) while grading this "
                      "submission, again when graded alone: not graded.")


def test_workers_take_the_next_submission_nobody_has_taken(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    """Submissions are not dealt out in advance: while one worker grades a slow one, the
    other takes the rest; each is graded once. A worker whose process dies goes on in a new
    process with what nobody has taken yet."""
    slow, graded_by = threading.Event(), {}
    died = []

    def fake_process(course, unit, students, logs, name, claims=None):
        started = []
        for index, student in enumerate(students):
            if claims is not None and not instructor.take(claims, index):
                continue
            started.append(student)
            if student == "a":
                slow.wait(10)  # the slow submission: the other worker grades everything else
            if student == "d" and not died:
                died.append(name)
                return -9, started, set(started[:-1])
            graded_by.setdefault(student, []).append(name)
            if len(graded_by) == 6:  # all but the slow one
                slow.set()
        return 0, started, set(started)

    monkeypatch.setattr(instructor, "_run_process", fake_process)
    claims = tmp_path / "claims"
    claims.mkdir()
    workers = [threading.Thread(target=instructor.autograde_group,
                                args=(tmp_path, UNIT, list("abcdefg"), tmp_path, f"process-{k}", claims))
               for k in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(20)
    assert sorted(graded_by) == list("abcdefg")
    assert all(len(names) == 1 for names in graded_by.values()), graded_by
    slow_one = graded_by["a"][0]  # whichever worker took it first
    other = "process-2" if slow_one == "process-1" else "process-1"
    assert {graded_by[s][0] for s in "bcefg"} == {other, f"{other}.3"}  # died on d, went on
    assert graded_by["d"] == [f"{other}.2"]  # graded again alone, first


def test_grading_three_per_core_by_default_at_most_16(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(instructor.os, "cpu_count", lambda: 3)
    assert instructor.default_jobs() == 9
    monkeypatch.setattr(instructor.os, "cpu_count", lambda: 64)
    assert instructor.default_jobs() == 16


def test_a_sandboxed_kernel_finds_the_dataset_built_before_it_starts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A grading kernel cannot build the shop dataset (its datasets folder is read-only): the
    grader builds it (once: then it is cached) before starting one — for `nbgrader autograde`
    and the formgrader's button too, not only `backendlab grade`, which builds it up front."""
    from backendlab import datasets  # noqa: PLC0415
    from backendlab.grading import kernel as grading_kernel  # noqa: PLC0415
    from backendlab.grading.preprocessors import SandboxedKernelManager  # noqa: PLC0415

    built = []
    monkeypatch.setattr(datasets, "shop_sqlite", built.append)
    monkeypatch.setattr(grading_kernel, "grading_sandbox_problem", lambda: "")
    monkeypatch.setattr(grading_kernel, "pids_cgroup", lambda tag: None)
    monkeypatch.setattr(grading_kernel, "sandbox_command", lambda kernel, **kw: ["true"])
    monkeypatch.delenv(grading_kernel.GRADING_SCALE_VARIABLE, raising=False)
    manager = SandboxedKernelManager(kernel_name="python3")
    try:
        asyncio.run(manager._async_pre_start_kernel())
    finally:
        asyncio.run(manager._async_cleanup_resources())
    assert built == ["small"]


def test_odd_student_ids_are_graded_and_exported(graded_class: GradedClass) -> None:
    """A comma, a space, a quote, unicode, glob characters and a leading dash in a student id:
    graded like the solution, and one row of grades.csv with the id intact."""
    course, results = graded_class
    odd = next(r for r in results if r.student == ODD_ID)
    assert (odd.score, odd.max_score, odd.failed, odd.problem) == (6, 6, [], "")
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=course, check=True,
                   capture_output=True)
    with open(course / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(corpus())
    assert float(rows[ODD_ID]["raw_score"]) == 6
    assert None not in rows[ODD_ID], "the id's comma split the row"


def test_regrading_one_student_changes_nobody_else(graded_class: GradedClass) -> None:
    course, before = graded_class
    again = instructor.grade_unit(course, UNIT, students=["hard-coded"])
    assert [(r.student, r.score) for r in again] == [("hard-coded", 0)]
    after = {r.student: (r.score, r.failed) for r in
             (instructor.read_result(course, UNIT, s) for s in corpus())}
    assert after == {r.student: (r.score, r.failed) for r in before}
    runs = [path for path in (course / "grading-logs" / UNIT).iterdir() if path.is_dir()]
    assert len(runs) == 2, "each run keeps its own logs"


def test_attacks_leave_the_course_folder_alone(graded_class: GradedClass) -> None:
    """Nothing a submission wrote lands in the course folder; every notebook is still one."""
    course, _ = graded_class
    if not sandboxed():
        missing(f"grading kernels are not sandboxed here ({grading_kernel.grading_sandbox_problem()})")
    assert sorted(course.rglob(MARKER)) == []
    assert sorted(course.rglob("filler")) == []
    for notebook in course.glob("*/*/00-orientation/*.ipynb"):
        if notebook != course / "submitted" / "not-json" / UNIT / SQL:  # broken on purpose
            assert nbformat.read(notebook, 4).cells, notebook


def test_the_summary_says_how_kernels_were_confined(graded_class: GradedClass) -> None:
    """Sandboxed: said in one line. Not sandboxed: said loudly, with the reason."""
    _, results = graded_class
    if sandboxed():
        assert "sandboxed with bubblewrap" in instructor.summary(results)
    table = instructor.summary(dataclasses.replace(results, sandbox_problem="it is not installed"))
    assert "GRADING KERNELS ARE NOT SANDBOXED (it is not installed)" in table


def test_a_second_grading_of_the_unit_refuses(graded_class: GradedClass) -> None:
    course, _ = graded_class
    with instructor.GradingLock(course, UNIT), \
            pytest.raises(instructor.CourseError, match="already being graded"):
        instructor.grade_unit(course, UNIT, students=["solution"])


@pytest.mark.parametrize("jobs", [0, -1])
def test_jobs_are_checked_before_anything_is_deleted(graded_class: GradedClass,
                                                     jobs: int) -> None:
    course, _ = graded_class
    with pytest.raises(instructor.CourseError, match="--jobs must be a whole number"):
        instructor.grade_unit(course, UNIT, jobs=jobs)
    assert (course / "autograded" / "solution" / UNIT / SQL).exists()


def test_unknown_student_is_explained(graded_class: GradedClass) -> None:
    course, _ = graded_class
    with pytest.raises(instructor.CourseError, match="No submission of 00-orientation from: zed"):
        instructor.grade_unit(course, UNIT, students=["zed"])


def test_shell_answer_cannot_write_outside_its_sandbox(tmp_path: Path) -> None:
    """A unit 1 answer that writes into the course folder: the file is not made (where the
    sandbox can isolate), the exercise scores 0, the student's other exercises and the class
    still grade."""
    unit, notebook = "01-linux", "02-streams.ipynb"
    course = make_course(tmp_path / "course", unit, notebooks=[notebook])
    escaped = course / "escaped.txt"
    answer = f'run_fetch = r"""\necho "fetch ok"; echo pwned > {escaped}\n"""'
    source = course / "source" / unit
    write_submission(course, unit, "solution", source, {})
    write_submission(course, unit, "escaper", source, {notebook: {"ex3-answer": answer}})

    results = {r.student: r for r in instructor.grade_unit(course, unit, jobs=2)}

    assert results["solution"].failed == [] and results["solution"].score > 0
    assert results["escaper"].failed == ["02-streams:ex3-test"]
    if sandbox.isolation() == "bwrap":
        assert not escaped.exists(), "the answer wrote outside its sandbox"
