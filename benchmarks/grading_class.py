"""How long does grading a class take? nbgrader's serial autograde vs `backendlab grade`.

For each unit asked for, makes a class of N students (default 60: half hand in the release with
the model answers typed in, as an honest student would, half the untouched release), grades it
once with `nbgrader autograde` (serial) and once with `backendlab grade` (one nbgrader per
core, sandboxed kernels), on fresh copies of the same class, checks that both runs succeeded,
gave every student a score, and gave each the same one, and prints the times side by side.

    .venv/bin/python benchmarks/grading_class.py [--unit 02-sql-tuning ...] [--students 60] [--jobs 4]
    .venv/bin/python benchmarks/grading_class.py --students 60 --no-serial   # only backendlab grade

Without --unit: every unit in source/. Grades at the scale an instructor grades at
(``BACKENDLAB_GRADING_SCALE``: small unless set to full).
"""

import argparse
import collections
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the repository's tests/ package is not installed

from backendlab.grading.instructor import default_jobs  # noqa: E402
from tests.machine import make_course, model_answers  # noqa: E402


def make_class(folder: Path, unit: str, students: int) -> list[str]:
    """The course folder with ``students`` submissions; their ids."""
    make_course(folder, unit, release=True)
    ids = [f"s{number:03d}" for number in range(students)]
    for number, student in enumerate(ids):
        submitted = folder / "submitted" / student / unit
        submitted.mkdir(parents=True)
        for released in sorted((folder / "release" / unit).glob("*.ipynb")):
            notebook = nbformat.read(released, 4)
            if number % 2 == 0:
                notebook = model_answers(notebook, nbformat.read(
                    folder / "source" / unit / released.name, 4))
            nbformat.write(notebook, submitted / released.name)
    return ids


def timed(command: list[str], folder: Path, log: Path) -> float:
    """Seconds ``command`` took; its output goes to ``log``, and a failure stops the benchmark
    (a run that failed fast is no measurement)."""
    started = time.perf_counter()
    with open(log, "w") as output:
        code = subprocess.run(command, cwd=folder, stdout=output, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - started
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        sys.exit(f"{' '.join(command[2:])} failed (exit code {code}) in {folder}:\n{tail}")
    return seconds


def scores(folder: Path, unit: str, students: list[str]) -> dict[str, float]:
    """Every student's score; stops the benchmark if one has none (not graded)."""
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        found = {s.student.id: s.score for s in gradebook.assignment_submissions(unit)}
    ungraded = sorted(set(students) - set(found))
    if ungraded:
        sys.exit(f"{len(ungraded)} students of {unit} have no score in {folder}: "
                 f"{', '.join(ungraded[:5])}{', ...' if len(ungraded) > 5 else ''}")
    return found


def spread(found: dict[str, float]) -> str:
    """Which scores how many students got: "30 × 6, 30 × 0"."""
    counted = collections.Counter(found.values()).most_common()
    return ", ".join(f"{count} × {score:g}" for score, count in counted)


def measure(unit: str, students: int, jobs: int, serial: bool) -> str:
    with tempfile.TemporaryDirectory() as serial_dir, tempfile.TemporaryDirectory() as fast_dir:
        slow_course, fast_course = Path(serial_dir), Path(fast_dir)
        ids = make_class(fast_course, unit, students)
        shutil.copytree(fast_course, slow_course, dirs_exist_ok=True)  # the same class again
        log = fast_course / "backendlab-grade.log"
        quick = timed([sys.executable, "-m", "backendlab", "grade", unit, "--jobs", str(jobs)],
                      fast_course, log)
        if "restored before grading" in log.read_text():
            sys.exit(f"backendlab grade says honest students edited locked cells:\n{log.read_text()}")
        fast_scores = scores(fast_course, unit, ids)
        line = (f"{unit:<18} {students:>3} students  backendlab grade --jobs {jobs}: {quick:6.0f} s"
                f"   scores {spread(fast_scores)}")
        if not serial:
            return line
        slow = timed([sys.executable, "-m", "nbgrader", "autograde", unit, "--force"], slow_course,
                     slow_course / "nbgrader-autograde.log")
        same = scores(slow_course, unit, ids) == fast_scores
        return (f"{line}   nbgrader autograde (serial): {slow:6.0f} s   ×{slow / quick:.2f} faster"
                f"   grades {'identical' if same else 'DIFFER'}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--unit", action="append", help="a unit folder in source/ (repeatable)")
    options.add_argument("--students", type=int, default=60)
    options.add_argument("--jobs", type=int, default=default_jobs(),
                         help="students graded at once (default: backendlab grade's, three per core)")
    options.add_argument("--no-serial", dest="serial", action="store_false",
                         help="skip the serial nbgrader run (it takes about twice as long)")
    args = options.parse_args()
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    units = args.unit or sorted(path.name for path in (ROOT / "source").iterdir() if path.is_dir())
    print(f"Grading classes on {os.cpu_count()} cores (measured now, on this machine):", flush=True)
    for unit in units:
        print(measure(unit, args.students, args.jobs, args.serial), flush=True)


if __name__ == "__main__":
    main()
