"""README's shared-machine recipe, with a real second unix user (`nobody`) as the student:
on Debian's defaults a student reads the instructor's solutions and gradebook; after
`chmod 700` on the home they cannot, and the `1777` exchange still carries the class's work."""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.machine import make_course
from tests.readme import bash_lines, section

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNIT = "00-orientation"
STUDENT = "nobody"


def readme_command(program: str) -> list[str]:
    """The first command of README's instructor section that runs ``program``."""
    return next(words for words in bash_lines(section("For instructors")) if words[0] == program)


def as_student(home: Path, *command: str) -> subprocess.CompletedProcess:
    """``command`` run by the unix user `nobody`, in its home."""
    return subprocess.run(
        ["setpriv", f"--reuid={STUDENT}", "--regid=nogroup", "--clear-groups", *command],
        cwd=home, env={**os.environ, "HOME": str(home)}, capture_output=True, text=True, timeout=300)


def student_reads(home: Path, path: Path) -> bool:
    probe = as_student(home, sys.executable, "-c", f"open({str(path)!r}, 'rb').read(1)")
    assert probe.returncode == 0 or "PermissionError" in probe.stderr, probe.stderr
    return probe.returncode == 0


@pytest.fixture
def machine() -> Iterator[Path]:
    """A folder standing for the machine's / (homes, /srv), readable by everyone like /."""
    if os.getuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to act as a second unix user")
    folder = Path(tempfile.mkdtemp(prefix="shared-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_private_homes_and_the_1777_exchange(machine: Path) -> None:
    old_umask = os.umask(0o022)  # Debian's UMASK: useradd -m makes 0755 homes
    try:
        instructor = machine / "home" / "instructor"
        instructor.mkdir(parents=True, mode=0o755)
        course = make_course(instructor / "backend-lab", UNIT)
        student_home = machine / "home" / "student"
        student_home.mkdir()
        shutil.chown(student_home, STUDENT, "nogroup")
        student_home.chmod(0o700)

        exchange = machine / "srv" / "nbgrader" / "exchange"
        mkdir = readme_command("mkdir")
        assert mkdir[-1] == "/srv/nbgrader/exchange"
        subprocess.run([*mkdir[:-1], str(exchange)], check=True)
        assert oct(exchange.stat().st_mode & 0o7777) == "0o1777"
        config = course / "nbgrader_config.py"
        config.write_text(config.read_text() + f'\nc.Exchange.root = "{exchange}"\n')
        subprocess.run([str(BIN / "nbgrader"), "generate_assignment", UNIT, "--force"], cwd=course,
                       check=True, capture_output=True)
        solutions = course / "source" / UNIT / "01-sql-warmup.ipynb"

        # Debian's defaults: the student reads the solutions and the gradebook.
        assert student_reads(student_home, solutions)
        assert student_reads(student_home, course / "gradebook.db")

        chmod = readme_command("chmod")
        assert chmod[:2] == ["chmod", "700"]
        subprocess.run(["chmod", "700", str(instructor)], check=True)
        assert not student_reads(student_home, solutions)
        assert not student_reads(student_home, course / "gradebook.db")

        # The class still works through the exchange.
        subprocess.run([str(BIN / "nbgrader"), "release_assignment", UNIT, "--force"], cwd=course,
                       check=True, capture_output=True)
        exchange_options = ["--course", "backend-lab", f"--Exchange.root={exchange}"]
        for step in (["fetch_assignment", UNIT], ["submit", UNIT]):
            done = as_student(student_home, str(BIN / "nbgrader"), *step, *exchange_options)
            assert done.returncode == 0, done.stderr[-2000:]
        inbound = exchange / "backend-lab" / "inbound"
        listing = as_student(student_home, sys.executable, "-c", f"import os; os.listdir({str(inbound)!r})")
        assert "PermissionError" in listing.stderr  # nobody sees the others' submissions
        collected = subprocess.run([str(BIN / "nbgrader"), "collect", UNIT], cwd=course,
                                   capture_output=True, text=True, check=True)
        assert "claims to be submitted" not in collected.stderr  # the owner is the student
        assert (course / "submitted" / STUDENT / UNIT / "01-sql-warmup.ipynb").exists()
    finally:
        os.umask(old_umask)
