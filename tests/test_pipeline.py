"""The instructor's workflow, replayed on every notebook in ``source/``.

Is the committed ``release/`` exactly what nbgrader generates now? Do the solutions pass every
test in nbgrader's Validate, and do the released stubs fail every one? Does a class autograde
as it deserves, on SQLite and on PostgreSQL: the solutions full marks, the untouched release
zero, and the catalogue (``tests/catalogue``) — every hard-coded answer zero, every mistake
losing points on its exercise, every alternative full marks? Does feedback keep hidden tests
hidden?
"""

import filecmp
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator
from traitlets.config.loader import PyFileConfigLoader

from backendlab.grading import instructor
from backendlab.grading.preprocessors import execute, graded_cell_results, is_graded_test
from tests import catalogue

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted(path.name for path in (ROOT / "source").iterdir() if path.is_dir())
NOTEBOOKS = sorted(path.relative_to(ROOT / "source") for path in (ROOT / "source").glob("*/*.ipynb"))
GRADED_NOTEBOOKS = [nb for nb in NOTEBOOKS
                    if any(is_graded_test(cell) for cell in nbformat.read(ROOT / "source" / nb, 4).cells)]


def backends(*notebooks: Path) -> list[str]:
    """Notebooks that open a database (themselves, or through the shop app) run on SQLite and on
    PostgreSQL; others run once."""
    return ["sqlite", "postgresql"] if instructor.uses_database(notebooks) else ["sqlite"]


NOTEBOOK_RUNS = [pytest.param(nb, backend, id=f"{nb}-{backend}") for nb in GRADED_NOTEBOOKS
                 for backend in backends(ROOT / "source" / nb)]
UNIT_RUNS = [pytest.param(unit, backend, id=f"{unit}-{backend}") for unit in UNITS
             for backend in backends(*(ROOT / "source" / unit).glob("*.ipynb"))]


def nbgrader(course: Path, *arguments: str) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course folder, as an instructor would.
    (Its exit code says little: results are read from files and the gradebook.)"""
    return subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh course folder: the config, ``source/``, and a ``release/`` generated now."""
    folder = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "source", folder / "source")
    for unit in UNITS:
        result = nbgrader(folder, "generate_assignment", unit, "--force")
        assert (folder / "release" / unit).is_dir(), result.stdout + result.stderr
    return folder


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ, or exist on one side only, between two folders (recursively)."""
    comparison = filecmp.dircmp(left, right, ignore=[".ipynb_checkpoints"])
    found = [f"only in {left}: {name}" for name in comparison.left_only]
    found += [f"only in {right}: {name}" for name in comparison.right_only]
    found += [name for name in comparison.common_files
              if (left / name).read_bytes() != (right / name).read_bytes()]
    for name in comparison.common_dirs:
        found += differences(left / name, right / name)
    return found


@pytest.mark.parametrize("unit", UNITS)
def test_release_is_what_generate_assignment_makes(course: Path, unit: str) -> None:
    assert (ROOT / "release" / unit).is_dir(), "release/ lacks this unit: run ./course release"
    assert differences(course / "release" / unit, ROOT / "release" / unit) == [], \
        "release/ is out of date with source/: run ./course release and commit the result"


def validate(notebook: Path) -> dict[str, list[dict[str, str]]]:
    """nbgrader's Validate (the learner's Validate button), with the course's nbgrader settings:
    {} when every test passes, else the failed cells under "failed"."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    return Validator(config=config).validate(str(notebook))


def graded_test_sources(notebook: Path) -> set[str]:
    return {cell.source.strip() for cell in nbformat.read(notebook, 4).cells if is_graded_test(cell)}


@pytest.mark.parametrize(("notebook", "sql_backend"), NOTEBOOK_RUNS, indirect=["sql_backend"])
def test_solutions_pass_validate(notebook: Path, sql_backend: str, tmp_path: Path) -> None:
    # A copy, run in a folder of its own: what a notebook writes beside itself (the capstone's
    # baseline.json) must not land in source/, whence generate_assignment would release it.
    copy = tmp_path / notebook.name
    shutil.copy(ROOT / "source" / notebook, copy)
    assert validate(copy) == {}


@pytest.mark.parametrize(("notebook", "sql_backend"), NOTEBOOK_RUNS, indirect=["sql_backend"])
def test_released_stubs_fail_every_test_in_validate(course: Path, notebook: Path, sql_backend: str) -> None:
    released = course / "release" / notebook
    failed = {cell["source"] for cell in validate(released).get("failed", [])}
    assert failed == graded_test_sources(released)


def answer_cell_ids(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.metadata.nbgrader.grade_id for cell in notebook.cells if cell.cell_type == "code"
            and cell.metadata.get("nbgrader", {}).get("solution", False)]


@pytest.mark.parametrize("notebook", GRADED_NOTEBOOKS, ids=str)
def test_catalogue_covers_every_exercise(notebook: Path) -> None:
    """Every code answer cell has a hard-coded answer, mistakes and alternatives to be proven
    against (tests/catalogue/<unit>/<notebook>.py)."""
    entries = catalogue.exercises(notebook.parent.name, notebook.name)
    answer_ids = answer_cell_ids(nbformat.read(ROOT / "source" / notebook, 4))
    assert sorted(entries) == sorted(answer_ids), \
        f"tests/catalogue needs an entry for every answer cell of {notebook}"
    thin = {answer_id: (len(entry.mistakes), len(entry.alternatives))
            for answer_id, entry in entries.items()
            if len(entry.mistakes) < 2 or len(entry.alternatives) < 2}
    assert thin == {}, f"(mistakes, alternatives) below 2 in {notebook}"


@pytest.mark.parametrize(("notebook", "sql_backend"), NOTEBOOK_RUNS, indirect=["sql_backend"])
def test_hardcoded_answers_pass_visible_tests(notebook: Path, sql_backend: str, tmp_path: Path) -> None:
    """A hard-coded answer is a convincing cheat: it passes what the learner sees. (The class
    grading below proves that the hidden tests give it zero.)"""
    entries = catalogue.exercises(notebook.parent.name, notebook.name)
    source = catalogue.with_answers(nbformat.read(ROOT / "source" / notebook, 4),
                                    {answer_id: entry.hardcoded for answer_id, entry in entries.items()})
    visible_tests = {cell.metadata.nbgrader.grade_id: cell.source
                     for cell in nbformat.read(ROOT / "release" / notebook, 4).cells
                     if is_graded_test(cell)}
    for cell in source.cells:
        if is_graded_test(cell):
            cell.source = visible_tests[cell.metadata.nbgrader.grade_id]
    nbformat.write(source, tmp_path / "visible-tests-only.ipynb")
    visible = graded_cell_results(execute(tmp_path / "visible-tests-only.ipynb"))
    assert all(visible.values()), f"a hard-coded answer should pass the visible tests: {visible}"


def hidden_blocks(notebook: Path) -> list[list[str]]:
    """The lines between BEGIN and END HIDDEN TESTS markers, per block: hidden tests in code
    cells, grading rubrics in reflection question cells."""
    blocks = []
    for cell in nbformat.read(notebook, 4).cells:
        pattern = r"BEGIN HIDDEN TESTS[^\n]*\n(.*?)\n[^\n]*END HIDDEN TESTS"
        for block in re.findall(pattern, cell.source, re.S):
            blocks.append([line.strip() for line in block.splitlines() if len(line.strip()) > 12])
    return blocks


def hidden_test_lines(notebook: Path, released: Path) -> list[str]:
    """Hidden lines that the released notebook never shows (some repeat visible ones)."""
    visible = "\n".join(cell.source for cell in nbformat.read(released, 4).cells)
    return [line for block in hidden_blocks(notebook) for line in block if line not in visible]


def page_text(path: Path) -> str:
    """What a browser shows of an HTML page: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def unit_answer_ids(course: Path, unit: str) -> dict[str, list[str]]:
    return {path.name: answer_cell_ids(nbformat.read(path, 4))
            for path in sorted((course / "source" / unit).glob("*.ipynb"))}


def write_pretend(course: Path, unit: str, student: str, pretend: catalogue.Pretend) -> None:
    """submitted/<student>/<unit>/: the notebooks the pretend student answers, solutions with its
    answers in place (grading a notebook it leaves as the solution would prove nothing new)."""
    target = course / "submitted" / student / unit
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name, answers in sorted(pretend.answers.items()):
        notebook = catalogue.with_answers(nbformat.read(course / "source" / unit / name, 4), answers)
        nbformat.write(notebook, target / name)


def exercise_scores(gradebook: Gradebook, unit: str, student: str,
                    answer_ids: dict[str, list[str]]) -> dict[tuple[str, str], tuple[float, float]]:
    """(notebook, answer id) → (autograded score, max score) over the exercise's test cells."""
    scores = {}
    for notebook in gradebook.find_submission(unit, student).notebooks:
        grades = {grade.name: grade for grade in notebook.grades if grade.auto_score is not None}
        for answer_id in answer_ids[f"{notebook.name}.ipynb"]:
            tests = catalogue.tests_of(answer_id, sorted(grades))
            scores[(f"{notebook.name}.ipynb", answer_id)] = (
                sum(grades[test].auto_score for test in tests), sum(grades[test].max_score for test in tests))
    return scores


def said_by_tests(autograded: Path, answer_id: str) -> str:
    """What the exercise's test cells raised when graded (shortened): a wrong verdict in CI's
    log then says why, though the course folder is gone by the time anyone reads it."""
    if not autograded.exists():
        return " (not autograded)"
    said = []
    for cell in nbformat.read(autograded, 4).cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if is_graded_test(cell) and catalogue.tests_of(answer_id, [grade_id]):
            said += [f"{out.ename}: {out.evalue}"[:600] for out in cell.get("outputs", [])
                     if out.output_type == "error"]
    return "".join(f"\n      {line}" for line in said)


@pytest.mark.parametrize(("unit", "sql_backend"), UNIT_RUNS, indirect=["sql_backend"])
def test_class_autogrades_as_each_answer_deserves(course: Path, unit: str, sql_backend: str) -> None:
    """One class per unit and engine: the solutions, the untouched release, and the catalogue's
    pretend students (tests/catalogue), graded by ``backendlab grade`` (nbgrader autograde)."""
    submissions = {"solution-student": course / "source" / unit,
                   "untouched-student": course / "release" / unit}
    for student, notebooks in submissions.items():
        target = course / "submitted" / student / unit
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(notebooks, target)
    answer_ids = unit_answer_ids(course, unit)
    pretends = catalogue.class_of(unit, sorted(answer_ids), answer_ids)
    for student, pretend in pretends.items():
        write_pretend(course, unit, student, pretend)
    # Four nbgrader processes on two cores: grading waits (kernels, servers, the database) as
    # much as it computes, so the waits overlap.
    instructor.grade_unit(course, unit, students=[*submissions, *pretends], jobs=4)
    nbgrader(course, "generate_feedback", unit, "--force", "--student", "*-student")

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, full_marks in (("solution-student", True), ("untouched-student", False)):
            submission = gradebook.find_submission(unit, student)
            autograded = [grade for notebook in submission.notebooks for grade in notebook.grades
                          if grade.auto_score is not None]
            assert autograded, f"nothing was autograded for {student}"
            for grade in autograded:
                expected = grade.max_score if full_marks else 0
                assert grade.auto_score == expected, f"{student} {grade.notebook.name}/{grade.name}"

        wrong = []
        for student, pretend in pretends.items():
            scores = exercise_scores(gradebook, unit, student, answer_ids)
            for (notebook, answer_id), expected in sorted(pretend.expect.items()):
                score, max_score = scores[(notebook, answer_id)]
                if not catalogue.verdict(expected, score, max_score):
                    name = pretend.names.get((notebook, answer_id), "the solution")
                    wrong.append(f"{notebook} {catalogue.exercise_name(answer_id)} "
                                 f"{name!r} ({student}): {score:g}/{max_score:g}, must be {expected}"
                                 + said_by_tests(course / "autograded" / student / unit / notebook, answer_id))
    assert wrong == [], "the grading does not match the catalogue:\n" + "\n".join(wrong)

    for student in submissions:
        for notebook in sorted((course / "source" / unit).glob("*.ipynb")):
            feedback = course / "feedback" / student / unit / f"{notebook.stem}.html"
            shown = page_text(feedback)
            hidden = hidden_test_lines(notebook, course / "release" / unit / notebook.name)
            leaked = [line for line in hidden if line in shown]
            assert leaked == [], f"feedback for {student} shows hidden tests of {notebook.name}"
            assert "Traceback (most recent call last)" not in shown, "feedback quotes a traceback"

    # The grader (formgrader shows the autograded notebook) does see the rubrics.
    for notebook in sorted((course / "source" / unit).glob("*.ipynb")):
        autograded = (course / "autograded" / "untouched-student" / unit / notebook.name).read_text()
        rubric_lines = [line for block in hidden_blocks(notebook) if "Rubric" in block[0] for line in block]
        assert all(json.dumps(line, ensure_ascii=False)[1:-1] in autograded for line in rubric_lines), \
            f"the grader should see the rubric of {notebook.name}"
