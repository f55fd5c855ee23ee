"""The student-only copy holds no solution, hidden test or rubric from source/."""

import re
import subprocess
import sys
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
    (A single short line such as `with engine.connect() as connection:` is not a secret.)"""
    found = set()
    for block in secret_blocks():
        found |= {f"{a}\n{b}" for a, b in zip(block, block[1:])}
        found |= {line for line in block if len(line) >= 60}
    visible = "\n".join(line.strip() for path in (ROOT / "release").glob("*/*.ipynb")
                        for cell in nbformat.read(path, 4).cells for line in cell.source.splitlines())
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
