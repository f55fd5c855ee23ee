"""The two files the final report is written from, and the before/after table.

Notebook 5.1 saves the naive app's replay as ``baseline.json``; the last tuning notebook saves
your app's as ``after.json`` (``Report.save``). The report notebook reads both, so its numbers are
the ones you measured — and a reader can check every number you quote against the files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import CourseError
from ..timing import under_nbgrader
from .app import Naive
from .project import Project
from .traffic import Report, Workload, workload

BASELINE = "baseline.json"
AFTER = "after.json"

# (label, how to read it from a report, higher is better)
METRICS: tuple[tuple[str, Callable[[Report], float], bool], ...] = (
    ("requests/s", lambda r: round(r.requests_per_second, 1), True),
    ("p50 (ms)", lambda r: round(r.p50_ms, 1), False),
    ("p95 (ms)", lambda r: round(r.p95_ms, 1), False),
    ("failed requests", lambda r: r.failed, False),
    ("stale reads", lambda r: len(r.stale_reads), False),
)


def traffic(engine: Any) -> Workload:
    """The traffic both files are measured with (5.1's baseline, 5.4's whole shop): the same
    seed, the same requests — a comparison of two runs of one workload. Smaller while nbgrader
    grades (nothing graded reads these files' timings)."""
    return workload(engine, rounds=1, reads=30) if under_nbgrader() else workload(engine, rounds=3, reads=60)


def load_or_stand_in(file: str | Path, made_by: str) -> Report:
    """The report saved in ``file``; when there is none yet, the naive app measured now as a
    stand-in (and said so), so the notebook runs before the others have."""
    path = Path(file)
    if path.exists():
        try:
            return Report.load(path)
        except (ValueError, TypeError, KeyError) as error:
            raise CourseError(f"{path} is not a report the course wrote ({type(error).__name__}: {error}).",
                              f"run the last cell of {made_by} again to write it anew.") from None
    print(f"There is no {path} yet (the last cell of {made_by} writes it): "
          "measuring the naive app now as a stand-in.")
    project = Project("report-stand-in")
    try:
        return project.replay(project.serve(Naive), traffic(project.engine), name=f"stand-in for {path.name}")
    finally:
        project.stop()


def table(before: Report, after: Report,
          describe: Callable[[float, float, bool], str]) -> list[tuple[str, float, float, str]]:
    """One row per metric: (label, before, after, ``describe(before, after, higher_is_better)``)."""
    rows = []
    for label, read, higher_is_better in METRICS:
        old, new = read(before), read(after)
        rows.append((label, old, new, describe(old, new, higher_is_better)))
    return rows


def show(rows: list[tuple[str, float, float, str]], before: Report, after: Report) -> None:
    """Print the table, and the conditions both measurements were made under."""
    print(f"{'':<16} {'before':>10} {'after':>10}   change")
    for label, old, new, change in rows:
        print(f"{label:<16} {old:>10g} {new:>10g}   {change}")
    for name, report in (("before", before), ("after", after)):
        print(f"{name}: {report.name}, {report.requests} requests, load average "
              f"{report.load_average:.1f} on {report.cpus} cores, {report.kernel_cpu_seconds:.1f} s of "
              "CPU in the kernel (app and clients)")


def whole_shop(project: Project, code: type[Naive], indexes: list[str],
               file: str | Path = AFTER) -> Report:
    """Your whole shop measured and saved as ``file``: the ``indexes`` (CREATE INDEX statements;
    one that exists already is skipped, so the cell can run again) and ``code`` served with
    this project's Redis, replayed with the same seeded traffic as the baseline of 5.1."""
    for statement in indexes:
        try:
            with project.engine.begin() as db:
                db.execute(sa.text(statement))
        except sa.exc.DatabaseError as error:
            if "already exists" not in str(error):
                raise CourseError(f"The database refused {statement!r}: {error.orig}",
                                  "copy the statement exactly as it passed exercise 5 of 5.3.") from None
            print(f"(already there: {statement})")
    app = project.serve(code, cache=True)
    report = project.replay(app, traffic(project.engine), name=f"your whole shop ({code.__name__})")
    report.save(file)
    print(f"Saved as {file}: notebook 5.7 writes the report from it and baseline.json.")
    return report
