"""Progress: a unit answered with the solutions passes everything; an untouched one nothing.

The small unit 00-orientation, run on SQLite and on PostgreSQL (``sql_backend``).
"""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from backendlab import progress, workfolder
from backendlab.errors import CourseError
from tests.test_workfolder import write_answer

ROOT = Path(__file__).resolve().parent.parent
UNIT = "00-orientation"


def solution(source: str) -> str:
    """A source notebook's solution cell as a learner would write it: without nbgrader's markers."""
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def answer_with_solutions(work: Path) -> None:
    for mine in sorted((work / UNIT).glob("*.ipynb")):
        solved = nbformat.read(ROOT / "source" / UNIT / mine.name, as_version=4)
        solutions = {c.metadata.nbgrader["grade_id"]: c.source for c in solved.cells
                     if c.metadata.get("nbgrader", {}).get("solution")}
        notebook = nbformat.read(mine, as_version=4)
        for cell in notebook.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = (solution(solutions[grade_id]) if cell.cell_type == "code"
                               else "I want to find out why a page is slow, and fix it.")
        nbformat.write(notebook, mine)


def test_progress_of_an_untouched_and_a_solved_unit(sql_backend: str, tmp_path: Path,
                                                    capsys) -> None:
    release = tmp_path / "release"
    shutil.copytree(ROOT / "release" / UNIT, release / UNIT)
    work = tmp_path / "work"

    untouched = progress.unit_progress(UNIT, release=release, work=work)
    assert [r.name for r in untouched] == sorted(p.name for p in (release / UNIT).iterdir())
    assert [r.passed for r in untouched] == [0, 0, 0]
    assert sum(len(r.exercises) for r in untouched) == 3  # exercises 1, 2 (SQL) and 3 (Redis)
    assert not any(r.started for r in untouched)
    reflection = untouched[-1]
    assert reflection.reflections and not any(reflection.reflections.values())
    text = progress.table(untouched)
    assert text.splitlines()[0] == f"{UNIT}: 0 of 3 exercises pass their visible tests"
    assert "not yet" in text and "written" not in text

    answer_with_solutions(work)
    solved = progress.unit_progress(UNIT, release=release, work=work)
    assert [r.problem for r in solved] == ["", "", ""]
    assert all(all(r.exercises.values()) for r in solved) and sum(r.passed for r in solved) == 3
    assert all(solved[-1].reflections.values())
    text = progress.table(solved)
    assert text.splitlines()[0] == f"{UNIT}: 3 of 3 exercises pass their visible tests"
    assert "✔ Exercise 1" in text and "✘" not in text and "not yet" not in text
    figure = progress.chart(solved)
    assert len(figure.axes[0].patches) == 2 * len(solved)  # "not yet" and "passing" bars

    # one wrong answer: only that exercise fails, and only that notebook runs again
    write_answer(work / UNIT / "02-redis-warmup.ipynb",
                 "def count_view(r, prefix, page, window_seconds):\n    return 1")
    again = {r.name: r for r in progress.unit_progress(UNIT, release=release, work=work)}
    assert list(again["02-redis-warmup.ipynb"].exercises.values()) == [False]
    assert all(again["01-sql-warmup.ipynb"].exercises.values())


def test_a_broken_notebook_is_named_not_a_traceback(tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(ROOT / "release" / UNIT, release / UNIT)
    work = tmp_path / "work"
    workfolder.prepare(UNIT, release=release, work=work)
    (work / UNIT / "01-sql-warmup.ipynb").write_text('{"cells": [')  # a half-written file
    results = progress.unit_progress(UNIT, release=release, work=work)
    assert "could not read it" in results[0].problem and results[1].problem == ""
    assert "could not read it" in progress.table(results)


def test_a_course_update_found_while_asking_is_told(tmp_path: Path, capsys) -> None:
    release = tmp_path / "release"
    shutil.copytree(ROOT / "release" / UNIT, release / UNIT)
    work = tmp_path / "work"
    workfolder.prepare(UNIT, release=release, work=work)
    course_version = release / UNIT / "01-sql-warmup.ipynb"
    notebook = nbformat.read(course_version, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("A new paragraph from the course."))
    nbformat.write(notebook, course_version)
    progress.unit_progress(UNIT, release=release, work=work)  # nothing started: nothing runs
    assert "The course updated 00-orientation/01-sql-warmup.ipynb" in capsys.readouterr().out


def test_results_are_remembered_per_content_engine_and_scale_one_entry_per_notebook(
        tmp_path: Path, monkeypatch) -> None:
    release = tmp_path / "release"
    shutil.copytree(ROOT / "release" / UNIT, release / UNIT)
    work = tmp_path / "work"
    workfolder.prepare(UNIT, release=release, work=work)
    write_answer(work / UNIT / "01-sql-warmup.ipynb", "SELECT 1")
    runs = []
    monkeypatch.setattr(progress, "_run_tests", lambda path, timeout: runs.append(path.name) or {})
    monkeypatch.delenv("BACKENDLAB_DATABASE_URL", raising=False)

    monkeypatch.setenv("BACKENDLAB_SCALE", "small")
    progress.unit_progress(UNIT, release=release, work=work)
    progress.unit_progress(UNIT, release=release, work=work)
    assert runs == ["01-sql-warmup.ipynb"]  # the only one started; remembered the second time
    monkeypatch.setenv("BACKENDLAB_SCALE", "full")  # another dataset: its results may differ
    progress.unit_progress(UNIT, release=release, work=work)
    assert len(runs) == 2
    cache = json.loads((work / progress.CACHE).read_text())
    assert set(cache) == {"format", f"{UNIT}/01-sql-warmup.ipynb"}  # replaced, never piled up


def test_two_test_cells_under_one_heading_are_two_exercises(tmp_path: Path) -> None:
    def cell(make, source: str, grade_id: str, **nbgrader: bool):
        made = make(source)
        made.metadata["nbgrader"] = {"grade_id": grade_id, "grade": False, "solution": False,
                                     "locked": False, "schema_version": 3, **nbgrader}
        return made

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Exercise 1 — two checks (2 points)"),
        cell(nbformat.v4.new_code_cell, "answer = None", "ex1", solution=True),
        cell(nbformat.v4.new_code_cell, "assert answer", "ex1-test-a", grade=True),
        cell(nbformat.v4.new_code_cell, "assert answer > 1", "ex1-test-b", grade=True),
    ])
    nbformat.write(notebook, tmp_path / "course.ipynb")
    nbformat.write(notebook, tmp_path / "mine.ipynb")
    result = progress.notebook_progress(tmp_path / "mine.ipynb", tmp_path / "course.ipynb")
    assert result.exercises == {"ex1-test-a": False, "ex1-test-b": False}
    assert result.labels["ex1-test-b"] == "Exercise 1 — two checks"
    assert progress.table([result]).splitlines()[0].endswith("0 of 2 exercises pass their visible tests")


def test_the_chart_leaves_out_what_has_nothing_to_pass() -> None:
    empty = progress.NotebookProgress(UNIT, "99-empty.ipynb")  # neither exercises nor reflections
    one = progress.NotebookProgress(UNIT, "01-sql-warmup.ipynb", exercises={"ex1": True})
    figure = progress.chart([one, empty])
    assert [label.get_text() for label in figure.axes[0].get_yticklabels()] == ["01-sql-warmup"]
    assert [text.get_text() for text in figure.axes[0].texts] == [" 1/1"]
    for nothing in ([], [empty]):
        with pytest.raises(CourseError, match="nothing to chart"):
            progress.chart(nothing)
