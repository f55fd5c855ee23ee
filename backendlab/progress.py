"""Progress at a glance: per unit and notebook, which exercises pass their visible tests.

Each of the learner's notebooks (in the work folder, see :mod:`backendlab.workfolder`) runs top
to bottom in a fresh kernel, as the Validate button does: nbgrader's ``NBGRADER_EXECUTION`` is
set, so the run gets its own database copy and Redis keys and never resets the data of a
notebook the learner has open. A notebook whose answer cells are all still as the course gave
them is reported "not started" without running it (its visible tests fail by design), and a
result is remembered in ``.progress.json`` with what it depends on (the notebook's content, the
database engine, the dataset scale), one per notebook, so asking again after changing one
notebook runs only that one, and the file never grows beyond one entry per notebook.

Reflections are read by a person, not tested: they show as "written" or "not yet".

    python -m backendlab progress [UNIT]       # or, in a notebook:
    from backendlab import progress; progress.show()
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from . import charts, workfolder
from .errors import CourseError

CACHE = workfolder.PROGRESS_CACHE  # never archived: see workfolder.archive
CACHE_FORMAT = 2  # {"<unit>/<notebook>": {"key": _cache_key(...), "results": {grade id: passed}}}


@dataclass
class NotebookProgress:
    """One notebook: its exercises (grade id → visible tests pass?) and reflections (grade id →
    written?), keyed by grade id (unique in a notebook: two test cells under one heading stay
    two), with ``labels`` (grade id → the heading the learner sees) for display."""

    unit: str
    name: str
    exercises: dict[str, bool] = field(default_factory=dict)
    reflections: dict[str, bool] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    started: bool = False
    problem: str = ""  # the notebook could not be run (shown instead of results)

    @property
    def passed(self) -> int:
        return sum(self.exercises.values())

    @property
    def written(self) -> int:
        return sum(self.reflections.values())


def _nbgrader(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _labels(notebook: NotebookNode) -> dict[str, str]:
    """grade id → a name the learner recognises: the heading above the cell ("Exercise 1 —
    orders per status"), else the grade id."""
    labels, heading = {}, ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("#"):
            heading = cell.source.splitlines()[0].lstrip("#").strip()
            heading = heading.split(" (")[0]  # drop "(2 points)"
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id:
            labels[grade_id] = heading or grade_id
    return labels


def _answers(notebook: NotebookNode) -> dict[str, str]:
    """grade id → source of every cell the learner writes in (code answers and reflections)."""
    return {_nbgrader(c)["grade_id"]: c.source.strip() for c in notebook.cells
            if _nbgrader(c).get("solution") and _nbgrader(c).get("grade_id")}


def _cache_key(path: Path) -> str:
    """What a notebook's results depend on: its content, the database engine and the dataset
    scale (a query can pass on the small dataset and time out on the full one)."""
    from . import datasets, sql  # noqa: PLC0415 - sqlalchemy and numpy load only when needed

    engine = "postgresql" if os.environ.get(sql.URL_VARIABLE) else "sqlite"
    return f"{workfolder.content_hash(path)}:{engine}:{datasets.default_scale()}"


def _run_tests(path: Path, timeout: int) -> dict[str, bool]:
    """Run ``path`` in a fresh kernel as Validate does; grade id → did its visible test pass?"""
    from .grading import preprocessors  # noqa: PLC0415 - nbclient loads only when running

    notebook = preprocessors.execute(path, timeout, env=preprocessors.VALIDATE_ENV)
    return preprocessors.graded_cell_results(notebook)


def notebook_progress(path: Path, course_version: Path, *, timeout: int = 300,
                      cache: dict | None = None) -> NotebookProgress:
    """Progress of the learner's notebook ``path``, compared with the course's ``course_version``."""
    result = NotebookProgress(path.parent.name, path.name)
    try:
        mine = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as error:  # e.g. a half-written or hand-edited file
        result.problem = f"could not read it ({type(error).__name__}); open it in JupyterLab"
        return result
    given = _answers(nbformat.read(course_version, as_version=4)) if course_version.exists() else {}
    result.labels, answers = _labels(mine), _answers(mine)
    tests = [_nbgrader(c)["grade_id"] for c in mine.cells
             if c.cell_type == "code" and _nbgrader(c).get("grade")
             and not _nbgrader(c).get("solution")]
    for grade_id, source in answers.items():
        cell_type = next(c.cell_type for c in mine.cells if _nbgrader(c).get("grade_id") == grade_id)
        if cell_type == "markdown":
            result.reflections[grade_id] = bool(source) and source != given.get(grade_id)
    result.started = any(source != given.get(grade_id) for grade_id, source in answers.items())
    if not tests:
        return result
    passed: dict[str, bool] = dict.fromkeys(tests, False)
    if result.started:
        slot, key = f"{result.unit}/{result.name}", _cache_key(path)
        remembered = (cache or {}).get(slot) or {}
        cached = remembered.get("results") if remembered.get("key") == key else None
        if cached is None:
            try:
                cached = _run_tests(path, timeout)
            except Exception as error:  # noqa: BLE001 - one broken notebook must not hide the rest
                result.problem = f"could not run it ({type(error).__name__}: " \
                                 f"{str(error).strip().splitlines()[0] if str(error).strip() else ''})"
                cached = {}
            else:
                if cache is not None:
                    cache[slot] = {"key": key, "results": cached}
        passed.update({k: v for k, v in cached.items() if k in passed})
    result.exercises = passed
    return result


def _read_cache(work: Path) -> dict:
    try:
        cache = json.loads((work / CACHE).read_text())
        return cache if cache.get("format") == CACHE_FORMAT else {"format": CACHE_FORMAT}
    except (OSError, ValueError):
        return {"format": CACHE_FORMAT}


def unit_progress(unit: str | None = None, *, release: Path | None = None,
                  work: Path | None = None, timeout: int = 300) -> list[NotebookProgress]:
    """Progress of every notebook of ``unit`` (every unit when None) in the work folder. The
    work folder is prepared first, so the course's notebooks the learner lacks show as not started;
    what preparing says (a course update, told once) is printed, or it would never be seen."""
    release, work = release or workfolder.release_dir(), work or workfolder.work_dir()
    for notice in workfolder.prepare(unit, release=release, work=work).notices:
        print(notice)
    cache = _read_cache(work)
    results = []
    for name in [unit] if unit else workfolder.units(release):
        for course_version in sorted((release / name).glob("*.ipynb")):
            results.append(notebook_progress(work / name / course_version.name, course_version,
                                             timeout=timeout, cache=cache))
    kept = {slot: entry for slot, entry in cache.items()  # notebooks still there, one entry each
            if slot == "format" or (work / slot).is_file()}
    (work / CACHE).write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n")
    return results


def _short(result: NotebookProgress, grade_id: str) -> str:
    """The label of ``grade_id``, shortened: "Exercise 1 — orders per status" → "Exercise 1"."""
    return result.labels.get(grade_id, grade_id).split(" — ")[0]


def table(results: list[NotebookProgress]) -> str:
    """One line per notebook, ✔/✘ per exercise; reflections as written / not yet."""
    lines, unit = [], None
    for result in results:
        if result.unit != unit:
            unit = result.unit
            done = sum(r.passed for r in results if r.unit == unit)
            total = sum(len(r.exercises) for r in results if r.unit == unit)
            if lines:
                lines.append("")
            lines.append(f"{unit}: {done} of {total} exercises pass their visible tests")
        if result.problem:
            detail = result.problem
        elif result.exercises:
            detail = "  ".join(f"{'✔' if ok else '✘'} {_short(result, grade_id)}"
                               for grade_id, ok in result.exercises.items())
            if not result.started:
                detail = "not started"
        else:
            detail = "  ".join(f"{_short(result, grade_id)}: {'written' if ok else 'not yet'}"
                               for grade_id, ok in result.reflections.items())
        lines.append(f"  {result.name:<40} {detail}")
    return "\n".join(lines)


def chart(results: list[NotebookProgress]):
    """A small horizontal bar chart: per notebook, exercises passing (or reflections written)
    out of all. Returns the matplotlib Figure (a notebook cell shows it). A notebook (or unit)
    with nothing to pass is left out: a bar of 0/0 says nothing."""
    units = list(dict.fromkeys(r.unit for r in results))
    if len(units) > 1:  # one bar per unit: exercises passing out of the unit's exercises
        rows = [(u, sum(r.passed for r in results if r.unit == u),
                 sum(len(r.exercises) for r in results if r.unit == u)) for u in units]
        what = "exercises passing their visible tests"
    else:  # one bar per notebook (reflections written, for a reflection notebook)
        rows = [(r.name.removesuffix(".ipynb"), r.passed if r.exercises else r.written,
                 len(r.exercises) or len(r.reflections)) for r in results]
        what = "exercises passing (reflections written)"
    rows = [row for row in rows if row[2]]
    if not rows:
        raise CourseError("There is nothing to chart: no exercise or reflection in "
                          f"{', '.join(units) or 'the work folder'}.",
                          "ask for a unit with exercises (`python -m backendlab progress "
                          "01-linux`), or for every unit (no unit named).")
    names, done, total = (list(column) for column in zip(*rows))
    plt = charts.pyplot()
    figure, axes = plt.subplots(figsize=(7, 0.3 * len(names) + 1))
    axes.barh(names, total, color="#e4e4e4", label="not yet")
    axes.barh(names, done, color="#3a923a", label="done")
    axes.invert_yaxis()
    axes.set_xlabel(what)
    axes.xaxis.get_major_locator().set_params(integer=True)
    for row, (d, t) in enumerate(zip(done, total)):
        axes.text(t, row, f" {d}/{t}", va="center", fontsize="small")
    axes.set_xlim(0, max(total) * 1.12)
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1), ncol=2, frameon=False, fontsize="small")
    axes.tick_params(axis="y", labelsize="small")
    figure.tight_layout()
    plt.close(figure)  # shown once, by the cell's value
    return figure


def show(unit: str | None = None):
    """For the start-here notebook: print the table, return the chart (None when there is
    nothing to chart: the table said so)."""
    results = unit_progress(unit)
    print(table(results))
    if not any(r.exercises or r.reflections for r in results):
        return None
    return chart(results)

