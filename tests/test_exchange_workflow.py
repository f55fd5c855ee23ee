"""The instructor's whole week, through nbgrader's exchange: release, students fetch and
submit, collect, grade, feedback back to the students, grades exported to CSV.

Students are simulated by their student ids, each working in a folder of their own.
"""

import csv
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.machine import make_course

UNIT = "00-orientation"


def run(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", *arguments], cwd=folder,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def student(course: Path, folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    """A student's nbgrader command: no course config in their folder, so name course and exchange."""
    return run(folder, "nbgrader", *arguments, "--course", "backend-lab",
               f"--Exchange.root={course / 'exchange'}")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_course(tmp_path_factory.mktemp("course"), UNIT)


def test_release_fetch_submit_collect_grade_feedback_export(course: Path, tmp_path: Path) -> None:
    run(course, "nbgrader", "generate_assignment", UNIT, "--force")
    run(course, "nbgrader", "release_assignment", UNIT, "--force")
    assert (course / "exchange" / "backend-lab" / "outbound" / UNIT).is_dir()

    for student_id in ("alice", "bob"):
        home = tmp_path / student_id
        home.mkdir()
        student(course, home, "fetch_assignment", UNIT)
        if student_id == "alice":  # alice solves everything; bob hands in what he fetched
            for notebook in (course / "source" / UNIT).glob("*.ipynb"):
                shutil.copy(notebook, home / UNIT / notebook.name)
        student(course, home, "submit", UNIT, "--student", student_id)

    run(course, "nbgrader", "collect", UNIT)
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["alice", "bob"]

    graded = run(course, "backendlab", "grade", UNIT)
    assert "alice" in graded.stdout and "bob" in graded.stdout

    run(course, "nbgrader", "generate_feedback", UNIT, "--force")
    run(course, "nbgrader", "release_feedback", UNIT)
    student(course, tmp_path / "alice", "fetch_feedback", UNIT, "--student", "alice")
    feedback = list((tmp_path / "alice" / UNIT / "feedback").glob("*/01-sql-warmup.html"))
    assert feedback and all("Exercise 1" in page.read_text() for page in feedback)

    run(course, "nbgrader", "export")
    with open(course / "grades.csv") as table:
        rows = {row["student_id"]: row for row in csv.DictReader(table)}
    assert float(rows["alice"]["raw_score"]) == 6.0  # every autograded point; reflections by hand
    assert float(rows["bob"]["raw_score"]) == 0.0
    assert float(rows["alice"]["max_score"]) == 12.0


def solve(course: Path, home: Path) -> None:
    """The student's answers become the solutions (full marks)."""
    for notebook in (course / "source" / UNIT).glob("*.ipynb"):
        shutil.copy(notebook, home / UNIT / notebook.name)


def submitted_at(course: Path, student_id: str) -> str:
    return (course / "submitted" / student_id / UNIT / "timestamp.txt").read_text().strip()


def test_resubmission_due_date_and_late_penalty(tmp_path: Path) -> None:
    """README's recipe: a due date set with `nbgrader db assignment add` after
    generate_assignment, LateSubmissionPlugin.penalty_method = "zero", `collect --update` for a
    resubmission, and ExchangeCollect.check_owner off (on hubs where jovyan owns every file)."""
    course = make_course(tmp_path / "course", UNIT)
    config = course / "nbgrader_config.py"
    config.write_text(config.read_text() + '\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    run(course, "nbgrader", "generate_assignment", UNIT, "--force")
    run(course, "nbgrader", "release_assignment", UNIT, "--force")
    homes = {student_id: tmp_path / student_id for student_id in ("dave", "carol")}
    for student_id, home in homes.items():
        home.mkdir()
        student(course, home, "fetch_assignment", UNIT)

    solve(course, homes["dave"])  # dave hands in everything on time
    student(course, homes["dave"], "submit", UNIT, "--student", "dave")
    time.sleep(1.1)  # due dates have whole seconds
    due = datetime.now(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M:%S Europe/Berlin")
    run(course, "nbgrader", "db", "assignment", "add", UNIT, f"--duedate={due}")
    time.sleep(1.1)
    student(course, homes["carol"], "submit", UNIT, "--student", "carol")  # late, and unanswered

    collected = run(course, "nbgrader", "collect", UNIT)
    assert "claims to be submitted by carol but is owned by" in collected.stderr  # check_owner
    first = submitted_at(course, "carol")
    solve(course, homes["carol"])
    time.sleep(1.1)
    student(course, homes["carol"], "submit", UNIT, "--student", "carol")  # carol resubmits
    kept = run(course, "nbgrader", "collect", UNIT)
    assert "use --update" in kept.stderr and submitted_at(course, "carol") == first

    config.write_text(config.read_text() + "c.ExchangeCollect.check_owner = False\n")
    updated = run(course, "nbgrader", "collect", "--update", UNIT)
    assert "Updating submission: carol" in updated.stderr
    assert "claims to be submitted" not in updated.stderr
    assert submitted_at(course, "carol") > first

    run(course, "backendlab", "grade", UNIT)
    run(course, "nbgrader", "export")
    with open(course / "grades.csv") as table:
        rows = {row["student_id"]: row for row in csv.DictReader(table)}
    assert [float(rows["dave"][key]) for key in ("raw_score", "late_submission_penalty", "score")] == [6, 0, 6]
    assert [float(rows["carol"][key]) for key in ("raw_score", "late_submission_penalty", "score")] == [6, 6, 0]
