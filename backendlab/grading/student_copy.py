"""The learner's copy of the course: what a public student repository or Binder link is made from."""

import re
import shutil
from pathlib import Path

from ..errors import CourseError


STUDENT_FILES = ("release", "notebooks", "backendlab", "lab-settings", "pyproject.toml",
                 "environment.yml", "postBuild", "start", "course", "nbgrader_config.py",
                 ".gitignore")

# README.md's sections a learner needs (with the title and introduction above them); the others
# (instructors, hub, authors, repository layout) describe files and commands the copy lacks.
LEARNER_SECTIONS = ("Quickstart", "Units", "For learners")

STUDENT_LAYOUT = """## What is in this folder

This is the learners' copy of Backend Lab: no solutions, hidden tests or gradebooks.
`release/` the course's notebooks (one folder per unit; you work on your own copies in `work/`, which `./course lab` makes) · `notebooks/` start here ·
`backendlab/` the package the notebooks import · `lab-settings/` the course's JupyterLab settings ·
`course` sets up the environment and opens JupyterLab.
"""

# The course folder's exchange: a student copy must not point at the instructor's shared folder.
NEUTRAL_EXCHANGE = 'c.Exchange.root = str(Path(__file__).resolve().parent / "exchange")'


def check_course_folder(course: Path) -> None:
    """Refuse anything but the course folder: run elsewhere, the export would quietly write an
    empty copy (and say it succeeded)."""
    missing = [name for name in ("nbgrader_config.py", "source", "release", "README.md")
               if not (course / name).exists()]
    if missing:
        raise CourseError(
            f"{course} is not the Backend Lab course folder (it has no {', '.join(missing)}).",
            "run the export from the course folder, e.g. "
            "`cd backend-lab && backendlab export-student ../backend-lab-student`.")


def learner_readme(readme: str) -> str:
    """README.md cut down to what a learner reads: its title and introduction, the learner
    sections, and what the copy holds. Generated, so it cannot drift from README.md."""
    parts = re.split(r"^(?=## )", readme, flags=re.M)
    intro, sections = parts[0], {part.splitlines()[0][3:].strip(): part for part in parts[1:]}
    absent = [title for title in LEARNER_SECTIONS if title not in sections]
    if absent:
        raise CourseError(f"README.md has no section {', '.join(absent)} for the learners' README.",
                          f"keep the sections {', '.join(LEARNER_SECTIONS)} in README.md "
                          "(backendlab/grading/student_copy.py copies them).")
    kept = [sections[title].rstrip() + "\n" for title in LEARNER_SECTIONS]
    return "\n".join([intro.rstrip() + "\n", *kept, STUDENT_LAYOUT])


def student_config(config: str) -> str:
    """The course's nbgrader_config.py with the exchange in the copy's own folder, whatever
    shared path the instructor set (a learner's copy must not submit into the class exchange)."""
    neutral, count = re.subn(r"^c\.Exchange\.root\s*=.*$", NEUTRAL_EXCHANGE, config, flags=re.M)
    if count == 0:
        neutral = config.rstrip() + f"\n\n# Releases and submissions: the copy's own exchange folder.\n{NEUTRAL_EXCHANGE}\n"
    return neutral


def export_student_copy(course: Path, destination: Path) -> list[str]:
    """Copy what a learner needs, and nothing that holds solutions, hidden tests or rubrics
    (``source/``, ``tests/``, gradebooks, submissions), to ``destination``; return what was
    copied. A public student repository or a Binder link can be made from that folder."""
    course, destination = course.resolve(), destination.resolve()
    check_course_folder(course)
    if destination.exists() and any(destination.iterdir()):
        raise CourseError(f"{destination} already exists and is not empty.",
                          "choose a new folder (the export never overwrites one).")
    if destination.is_relative_to(course):
        raise CourseError(f"{destination} is inside the course folder {course}.",
                          "export next to it instead, e.g. `backendlab export-student ../backend-lab-student`.")
    readme = learner_readme((course / "README.md").read_text())
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    copied = []
    for name in STUDENT_FILES:
        source = course / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, destination / name)
        else:
            continue
        copied.append(name)
    config = destination / "nbgrader_config.py"
    config.write_text(student_config(config.read_text()))
    (destination / "README.md").write_text(readme)
    copied.append("README.md")
    return copied
