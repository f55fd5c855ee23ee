"""The catalogue of answers every exercise is proven against.

A learner who sees "passes" believes the answer is right, so an exercise is only as good as the
wrong answers it catches. For every code answer cell of every notebook, the catalogue keeps:

- ``hardcoded``: an answer that copies what the visible test shows instead of computing it
  (it must pass the visible test, so it is a convincing cheat, and fail the hidden ones);
- ``mistakes``: each mistake the lesson names or warns against, plus the common slips, keyed by
  a name that says what is wrong (``fstring_sql``, ``del_before_commit``) — each must lose
  points on its exercise;
- ``alternatives``: correct answers in a style unlike the solution (other commands, other API
  calls, other structure) — each must get full marks.

One file per notebook, ``tests/catalogue/<unit>/<notebook stem>.py``, defining
``EXERCISES = {answer cell grade id: Exercise(...)}``. The files live here, not in ``source/``,
because nbgrader copies everything in ``source/<unit>/`` into the student release.

``tests/test_pipeline.py`` grades the catalogue through nbgrader as a class of pretend students
(:func:`class_of`); ``python -m tests.catalogue NOTEBOOK`` tries one notebook's catalogue
quickly while writing it.
"""

import runpy
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Exercise:
    """What the catalogue knows about one answer cell (code, as the learner would type it)."""

    hardcoded: str
    mistakes: dict[str, str] = field(default_factory=dict)
    alternatives: dict[str, str] = field(default_factory=dict)


def exercises(unit: str, notebook: str) -> dict[str, Exercise]:
    """The catalogue of one notebook: {answer cell grade id: Exercise}; {} when it has none."""
    path = HERE / unit / f"{Path(notebook).stem}.py"
    return runpy.run_path(str(path))["EXERCISES"] if path.exists() else {}


def exercise_name(answer_id: str) -> str:
    """``ex3-answer`` → ``ex3``: the answer cell and its test cells share this prefix."""
    return answer_id.removesuffix("-answer")


def tests_of(answer_id: str, test_ids: list[str]) -> list[str]:
    """The graded test cells that belong to an answer cell (``ex3-answer`` → ``ex3-test``...)."""
    prefix = exercise_name(answer_id) + "-"
    return [test_id for test_id in test_ids if test_id.startswith(prefix)]


@dataclass
class Pretend:
    """One pretend student: which answer replaces the solution in each answer cell, and what the
    grade must then be. ``expect[(notebook, answer id)]`` is "full", "loses" or "zero"."""

    answers: dict[str, dict[str, str]] = field(default_factory=dict)  # notebook -> {id: code}
    expect: dict[tuple[str, str], str] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)  # which entry was used


def class_of(unit: str, notebooks: list[str], answer_ids: dict[str, list[str]]) -> dict[str, Pretend]:
    """The pretend students that prove a unit's catalogue, fewest possible.

    Every exercise is graded on its own test cells, so one student can carry one mistake of
    *every* exercise at once: student ``mistakes-k`` answers each exercise with its k-th mistake
    (or the solution, which must then keep full marks — so a mistake that breaks a neighbour
    is noticed too); it submits only the notebooks where it answers something. Likewise
    ``alternatives-k``; ``hardcoded`` carries every hard-coded answer.
    ``answer_ids`` maps each notebook to its code answer cells.
    """
    catalogue = {notebook: exercises(unit, notebook) for notebook in notebooks}
    students: dict[str, Pretend] = {"hardcoded": Pretend()}
    for notebook in notebooks:
        for answer_id in answer_ids[notebook]:
            entry = catalogue[notebook].get(answer_id)
            if entry is None:
                continue
            students["hardcoded"].answers.setdefault(notebook, {})[answer_id] = entry.hardcoded
            students["hardcoded"].expect[(notebook, answer_id)] = "zero"
            students["hardcoded"].names[(notebook, answer_id)] = "hardcoded"
            for kind, expected, variants in (("mistakes", "loses", entry.mistakes),
                                             ("alternatives", "full", entry.alternatives)):
                for k, (name, code) in enumerate(variants.items(), start=1):
                    student = students.setdefault(f"{kind}-{k}", Pretend())
                    student.answers.setdefault(notebook, {})[answer_id] = code
                    student.expect[(notebook, answer_id)] = expected
                    student.names[(notebook, answer_id)] = name
    # In a notebook a student answers, every exercise not replaced is the solution: full marks.
    # A notebook the student leaves alone is not submitted (the solution student proves it).
    for student in students.values():
        for notebook in student.answers:
            for answer_id in answer_ids[notebook]:
                student.expect.setdefault((notebook, answer_id), "full")
    return students


def with_answers(notebook: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of a source notebook whose answer cells ``answers`` names hold other code."""
    copy = nbformat.from_dict(notebook)
    for cell in copy.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id].strip()
    return copy


def verdict(expected: str, score: float, max_score: float) -> bool:
    """Did an exercise score as its catalogue entry says it must?"""
    return {"full": score == max_score, "loses": score < max_score, "zero": score == 0}[expected]


def solution(notebook: str | Path, grade_id: str) -> str:
    """One answer cell as its solution fills it in, read from the source notebook: the cell with
    its ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines dropped. The catalogue's mistakes are
    edits of it, so they follow the solution when it changes. ``notebook`` is a path, or one
    under ``source/`` (``"04-web-servers/07-cache-and-shield.ipynb"``)."""
    path = Path(notebook) if Path(notebook).is_absolute() else HERE.parents[1] / "source" / notebook
    for cell in nbformat.read(path, 4).cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            lines = cell.source.splitlines()
            if "### BEGIN SOLUTION" not in [line.strip() for line in lines]:
                raise ValueError(f"catalogue: cell {grade_id!r} of {notebook} has no solution")
            return "\n".join(line for line in lines
                              if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")) + "\n"
    raise ValueError(f"catalogue: no cell {grade_id!r} in {notebook}")


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each ``(old, new)`` replaced in turn; fails loudly when an ``old`` is not
    there, so a mistake never silently becomes the solution after the solution changed."""
    for old, new in pairs:
        if old not in text:
            raise ValueError(f"catalogue edit: {old!r} is not in the answer")
        text = text.replace(old, new)
    return text
