"""How long does grading a class take? nbgrader's serial autograde vs `backendlab grade`.

Makes a class of N students (default 60) who submitted unit 0 (half the solutions, half the
untouched release), grades it once with `nbgrader autograde` and once with the course's
grader, on fresh gradebooks, and prints both times side by side with the ratio.

    .venv/bin/python benchmarks/grading_class.py [--students 60] [--jobs 2]
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
UNIT = "00-orientation"


def make_course(folder: Path, students: int) -> None:
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    shutil.copytree(ROOT / "source" / UNIT, folder / "source" / UNIT)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", UNIT, "--force"],
                   cwd=folder, check=True, capture_output=True)
    for number in range(students):
        based_on = "source" if number % 2 == 0 else "release"
        shutil.copytree(folder / based_on / UNIT, folder / "submitted" / f"s{number:03d}" / UNIT)


def timed(command: list[str], folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--students", type=int, default=60)
    options.add_argument("--jobs", type=int, default=os.cpu_count())
    args = options.parse_args()
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    os.environ.setdefault("BACKENDLAB_SCALE", "small")
    with tempfile.TemporaryDirectory() as serial_dir, tempfile.TemporaryDirectory() as fast_dir:
        serial, fast = Path(serial_dir), Path(fast_dir)
        make_course(serial, args.students)
        shutil.copytree(serial, fast, dirs_exist_ok=True)  # the same class, graded again
        print(f"Grading {args.students} submissions of {UNIT} on {os.cpu_count()} cores...")
        slow = timed([sys.executable, "-m", "nbgrader", "autograde", UNIT, "--force"], serial)
        quick = timed([sys.executable, "-m", "backendlab", "grade", UNIT, "--jobs", str(args.jobs)], fast)
    print(f"nbgrader autograde (serial): {slow:6.1f} s")
    print(f"backendlab grade --jobs {args.jobs}:   {quick:6.1f} s")
    print(f"→ ×{slow / quick:.2f} faster (measured just now, on this machine)")


if __name__ == "__main__":
    main()
