"""How long does grading a class take? nbgrader's serial autograde vs `backendlab grade`.

For each unit asked for, makes a class of N students (default 60: half submit the solutions,
half the untouched release), grades it once with `nbgrader autograde` (serial) and once with
`backendlab grade` (one nbgrader per core, sandboxed kernels), on fresh copies of the same class,
checks that both gave every student the same score, and prints the times side by side.

    .venv/bin/python benchmarks/grading_class.py [--unit 02-sql-tuning ...] [--students 60] [--jobs 2]
    .venv/bin/python benchmarks/grading_class.py --students 60 --no-serial   # only backendlab grade

Without --unit: every unit in source/. Runs on the dataset scale learners get (BACKENDLAB_SCALE
unset: full), since that is what an instructor grades on.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nbgrader.api import Gradebook  # noqa: E402


def make_course(folder: Path, unit: str, students: int) -> None:
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "source" / unit, folder / "source" / unit)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", unit, "--force"],
                   cwd=folder, check=True, capture_output=True)
    for number in range(students):
        based_on = "source" if number % 2 == 0 else "release"
        shutil.copytree(folder / based_on / unit, folder / "submitted" / f"s{number:03d}" / unit)


def timed(command: list[str], folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def scores(folder: Path, unit: str) -> dict[str, float]:
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.assignment_submissions(unit)}


def measure(unit: str, students: int, jobs: int, serial: bool) -> str:
    with tempfile.TemporaryDirectory() as serial_dir, tempfile.TemporaryDirectory() as fast_dir:
        slow_course, fast_course = Path(serial_dir), Path(fast_dir)
        make_course(fast_course, unit, students)
        shutil.copytree(fast_course, slow_course, dirs_exist_ok=True)  # the same class again
        quick = timed([sys.executable, "-m", "backendlab", "grade", unit, "--jobs", str(jobs)],
                      fast_course)
        line = f"{unit:<18} {students:>3} students  backendlab grade --jobs {jobs}: {quick:6.0f} s"
        if not serial:
            return line
        slow = timed([sys.executable, "-m", "nbgrader", "autograde", unit, "--force"], slow_course)
        same = scores(slow_course, unit) == scores(fast_course, unit)
        return (f"{line}   nbgrader autograde (serial): {slow:6.0f} s   ×{slow / quick:.2f} faster"
                f"   grades {'identical' if same else 'DIFFER'}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--unit", action="append", help="a unit folder in source/ (repeatable)")
    options.add_argument("--students", type=int, default=60)
    options.add_argument("--jobs", type=int, default=os.cpu_count())
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
