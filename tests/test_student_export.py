"""The student-only copy holds no solution, hidden test or rubric from source/."""

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
MARKERS = [("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")]


def secret_blocks() -> list[list[str]]:
    """Solutions, hidden tests, rubrics and model answers in source/, as lists of lines."""
    blocks = []
    for path in (ROOT / "source").glob("*/*.ipynb"):
        for cell in nbformat.read(path, 4).cells:
            if cell.cell_type == "markdown" and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
                blocks.append(cell.source.splitlines())  # a model answer
            for begin, end in MARKERS:
                for block in re.findall(rf"{begin}[^\n]*\n(.*?)\n[^\n]*{end}", cell.source, re.S):
                    blocks.append(block.splitlines())
    return [[line.strip() for line in block if line.strip()] for block in blocks]


def secrets() -> set[str]:
    """What would give a secret away: two consecutive lines of a block, or one long line.
    (A single short line such as `with engine.connect() as connection:` is not a secret, nor
    two lines as bare as `while True:` / `try:` or `return 404;` / `}`: fewer than 20 letters
    and digits between them.)"""
    found = set()
    for block in secret_blocks():
        found |= {f"{a}\n{b}" for a, b in zip(block, block[1:])
                  if sum(character.isalnum() for character in a + b) >= 20
                  and all(any(character.isalnum() for character in line) for line in (a, b))}
        found |= {line for line in block if len(line) >= 60}
    visible = "\n".join(line.strip() for path in (ROOT / "release").glob("*/*.ipynb")
                        for cell in nbformat.read(path, 4).cells for line in cell.source.splitlines())
    # the capstone's naive app is the learner's starting point, given to read and subclass
    visible += "\n" + "\n".join(line.strip() for line in (ROOT / "backendlab/capstone/app.py").read_text().splitlines())
    return {secret for secret in found if secret not in visible}


def test_student_export_has_no_secrets(tmp_path: Path) -> None:
    export = tmp_path / "student"
    subprocess.run([sys.executable, "-m", "backendlab", "export-student", str(export)],
                   cwd=ROOT, check=True, capture_output=True)
    assert (export / "release").is_dir() and (export / "backendlab" / "__init__.py").exists()
    assert not (export / "source").exists() and not (export / "tests").exists()
    hidden = secrets()
    assert len(hidden) > 10  # the check below is not vacuous
    leaks = [(str(path.relative_to(export)), secret)
             for path in export.rglob("*") if path.is_file()
             for text in ["\n".join(line.strip() for line in path.read_text(errors="ignore").splitlines())]
             for secret in hidden if secret in text]
    assert leaks == []


def test_export_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "taken.txt").write_text("x")
    result = subprocess.run([sys.executable, "-m", "backendlab", "export-student", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "already exists and is not empty" in result.stderr


def test_export_refuses_outside_the_course_folder(tmp_path: Path) -> None:
    """Run anywhere else, it once wrote an empty copy and exited 0."""
    (tmp_path / "elsewhere").mkdir()
    result = subprocess.run([sys.executable, "-m", "backendlab", "export-student", str(tmp_path / "copy")],
                            cwd=tmp_path / "elsewhere", capture_output=True, text=True)
    assert result.returncode == 1
    assert "is not the Backend Lab course folder" in result.stderr and "How to fix it" in result.stderr
    assert not (tmp_path / "copy").exists()


def test_student_copy_has_a_learner_readme(tmp_path: Path) -> None:
    """The learners' README: no instructor or author sections, no command whose files the copy
    lacks, and the check it names runs there."""
    export = tmp_path / "student"
    subprocess.run([sys.executable, "-m", "backendlab", "export-student", str(export)],
                   cwd=ROOT, check=True, capture_output=True)
    readme = (export / "README.md").read_text()
    headings = re.findall(r"^## (.*)$", readme, re.M)
    assert headings == ["Quickstart", "Units", "For learners", "What is in this folder"]
    for absent in ("./course release", "./course test", "nbgrader generate_assignment",
                   "backendlab grade", "source/", "tests/", "For instructors", "For authors"):
        assert absent not in readme, absent
    assert "./course lab" in readme and "release/" in readme
    check = re.search(r"^(\.venv/bin/python -m backendlab doctor)", readme, re.M)
    assert check is not None
    ran = subprocess.run([sys.executable, "-m", "backendlab", "doctor"], cwd=export,
                         capture_output=True, text=True, timeout=300)
    assert "Traceback" not in ran.stdout + ran.stderr and ran.stdout.strip()


def test_student_copy_has_its_own_exchange(tmp_path: Path) -> None:
    """An instructor who pointed the course at the hub's exchange does not hand that path to
    every learner: the copy's nbgrader_config.py uses its own exchange/ folder."""
    course = tmp_path / "course"
    course.mkdir()
    for name in ("release", "notebooks", "backendlab", "source"):
        shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "README.md", course)
    config = (ROOT / "nbgrader_config.py").read_text()
    shared = re.sub(r"^c\.Exchange\.root\s*=.*$", 'c.Exchange.root = "/srv/nbgrader/exchange"', config, flags=re.M)
    assert shared != config
    (course / "nbgrader_config.py").write_text(shared)
    export = tmp_path / "student"
    subprocess.run([sys.executable, "-m", "backendlab", "export-student", str(export)],
                   cwd=course, check=True, capture_output=True)
    assert "/srv/nbgrader" not in (export / "nbgrader_config.py").read_text()
    loaded = subprocess.run(
        [sys.executable, "-c", "from nbgrader.apps import NbGraderApp; app = NbGraderApp(); "
         "app.load_config_file(); print(app.config.Exchange.root)"],
        cwd=export, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == str(export / "exchange")


def test_student_copy_installs_backendlab_with_the_pinned_packages(tmp_path: Path) -> None:
    """README's hub recipe installs the learners' copy into the students' environment: that
    brings the backendlab package (nothing else of the course) and requires the exact pins."""
    export = tmp_path / "student"
    subprocess.run([sys.executable, "-m", "backendlab", "export-student", str(export)],
                   cwd=ROOT, check=True, capture_output=True)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path / "wheels"), str(export)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "wheels").glob("backendlab-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(name for name in names if name.endswith(".dist-info/METADATA"))).decode()
    assert "backendlab/grading/preprocessors.py" in names
    assert {name.split("/")[0] for name in names} <= {"backendlab", wheel.name.split("-py3")[0] + ".dist-info"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = {line.split(": ", 1)[1].split(";")[0].strip().replace(" ", "")
                for line in metadata.splitlines() if line.startswith("Requires-Dist:")}
    pinned = {pin.replace(" ", "") for pin in project["dependencies"] + project["optional-dependencies"]["bundled-servers"]}
    assert pinned <= required and all("==" in pin for pin in pinned)
