"""The instructor's whole week, through nbgrader's exchange: release, students fetch and
submit, collect, grade, feedback back to the students, grades exported to CSV.

Students are simulated by their student ids, each working in a folder of their own.
"""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
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
    folder = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "source" / UNIT, folder / "source" / UNIT)
    return folder


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
