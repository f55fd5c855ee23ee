"""README's instructor commands are real: each exists with the options shown, the formgrader
opens where README says (headless, as the instructor starts it), and the shared-machine recipe
does what it says."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.apps.nbgraderapp import NbGraderApp

from backendlab.__main__ import parser
from tests.lab_server import TOKEN, socket_lab, unix_get as get
from tests.machine import make_course
from tests.readme import bash_blocks, bash_lines, commands, section

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNIT = "00-orientation"


def instructor_commands() -> list[list[str]]:
    """README's nbgrader, backendlab and `jupyter lab` commands (the extension commands are
    run in test_students_lose_the_instructor_tools_and_you_get_them_back)."""
    return [words for words in bash_lines(section("For instructors"))
            if words[0] in ("nbgrader", "backendlab") or words[:2] == ["jupyter", "lab"]]


def options(words: list[str]) -> list[str]:
    return [word[2:].split("=")[0] for word in words if word.startswith("--")]


def test_the_instructor_block_is_the_whole_workflow() -> None:
    """Is every step of the week in the block?"""
    steps = {" ".join(words[:2]) for words in instructor_commands()}
    assert {"nbgrader generate_assignment", "nbgrader release_assignment", "nbgrader collect",
            "backendlab grade", "jupyter lab", "nbgrader generate_feedback",
            "nbgrader release_feedback", "nbgrader export", "backendlab export-student",
            "nbgrader db"} <= steps


@pytest.mark.parametrize("words", instructor_commands(), ids=lambda words: " ".join(words[:3]))
def test_every_instructor_command_exists_with_its_options(words: list[str]) -> None:
    """`nbgrader <unknown> --help` prints the general help and exits 0, so exit codes prove
    nothing: walk nbgrader's own subcommand table, and look each option up in the app's."""
    if words[0] == "nbgrader":
        app, rest = NbGraderApp, words[1:]
        while rest and rest[0] in (app.subcommands if isinstance(app.subcommands, dict) else {}):
            app, rest = app.subcommands[rest[0]][0], rest[1:]
        assert app is not NbGraderApp, f"{words}: no such nbgrader command"
        assert app.name != "nbgrader formgrade", "only says the formgrader is in JupyterLab now"
        known = set(app.aliases) | set(app.flags)
        help_command = words[:len(words) - len(rest)]
    elif words[0] == "backendlab":
        backendlab_commands = next(action for action in parser()._actions
                                   if action.dest == "command")
        assert words[1] in backendlab_commands.choices, f"{words}: no such backendlab command"
        known = {option[2:] for action in backendlab_commands.choices[words[1]]._actions
                 for option in action.option_strings}
        help_command = words[:2]
    else:  # jupyter lab
        assert (BIN / f"jupyter-{words[1]}").exists(), words
        known = set()
        help_command = words[:2]
    assert set(options(words)) <= known, f"{words}: {set(options(words)) - known} unknown"
    shown = subprocess.run([str(BIN / help_command[0]), *help_command[1:], "--help"],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr


@pytest.mark.parametrize("where", ["course folder", "hub home"])
def test_formgrader_opens_as_readme_says(tmp_path: Path, where: str) -> None:
    """In the course folder, `jupyter lab` serves /formgrader for this course. On a hub the
    server starts in the instructor's home: `load_subconfig` in ~/.jupyter finds the course."""
    course = make_course(tmp_path / "home" / "backend-lab", UNIT)
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", UNIT, "--force"], cwd=course,
                   check=True, capture_output=True)
    env = {"JUPYTER_CONFIG_DIR": str(tmp_path / "home" / ".jupyter")}
    if where == "hub home":
        (tmp_path / "home" / ".jupyter").mkdir()
        (tmp_path / "home" / ".jupyter" / "nbgrader_config.py").write_text(
            f'load_subconfig("{course / "nbgrader_config.py"}")\n')
    with socket_lab([str(BIN / "jupyter"), "lab"],
                    course if where == "course folder" else tmp_path / "home", env) as sock:
        status, location, _ = get(sock, "/formgrader", token=None)
        assert status == 302 and location.startswith("/login")  # the token is the login
        status, location, _ = get(sock, f"/formgrader?token={TOKEN}", token=None)
        assert (status, location) == (302, "/formgrader/manage_assignments")
        status, _, page = get(sock, "/formgrader/manage_assignments")
        assert status == 200 and "Manage Assignments" in page
        status, _, body = get(sock, "/formgrader/api/assignments")
        assert status == 200
        assignments = {entry["name"]: entry for entry in json.loads(body)}
        assert assignments[UNIT]["max_score"] == 12.0  # this course's gradebook


def test_nbgrader_without_the_environment_on_path_makes_a_whole_gradebook(tmp_path: Path) -> None:
    """nbgrader runs `alembic` from PATH while it creates gradebook.db; nbgrader_config.py puts
    this environment's bin/ on PATH, so an instructor who did not activate it gets a whole
    gradebook, not one without its schema version."""
    course = make_course(tmp_path / "course", UNIT)
    env = {**os.environ, "PATH": "/usr/bin:/bin"}
    assert shutil.which("alembic", path=env["PATH"]) is None
    for _ in range(2):
        run = subprocess.run([str(BIN / "nbgrader"), "db", "student", "list"], cwd=course, env=env,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]
    with sqlite3.connect(course / "gradebook.db") as db:
        assert len(db.execute("SELECT version_num FROM alembic_version").fetchall()) == 1


def test_login_defs_edit_makes_new_homes_private(tmp_path: Path) -> None:
    """README's `sed` on /etc/login.defs (run here on a copy) sets HOME_MODE 0700."""
    if not Path("/etc/login.defs").exists():
        pytest.skip("no /etc/login.defs on this machine")
    command = next(words for words in bash_lines(section("For instructors")) if words[0] == "sed")
    copy = tmp_path / "login.defs"
    shutil.copy("/etc/login.defs", copy)
    subprocess.run([*command[:-1], str(copy)], check=True)
    assert re.findall(r"^HOME_MODE\s+(\S+)$", copy.read_text(), re.M) == ["0700"]
    assert command[-1] == "/etc/login.defs"


def hub_block() -> tuple[list[list[str]], str]:
    """README's block that hides the instructor tools: the students' `jupyter` commands, and
    the instructor's part as a shell script."""
    block = next(block for block in bash_blocks(section("For instructors"))
                 if "extension disable" in block)
    students, instructor = block.split("# as you")
    return ([words for words in commands(students) if words[0] == "jupyter"],
            instructor.split("\n", 1)[1])


def test_students_lose_the_instructor_tools_and_you_get_them_back(tmp_path: Path) -> None:
    """README's commands, run in a stand-in for the students' environment (a venv that borrows
    this one's packages): a student's server has no /formgrader and JupyterLab hides nbgrader's
    instructor panels; after the instructor's own step, their server has /formgrader back."""
    env_dir = tmp_path / "students-env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = subprocess.run([str(python), "-c", purelib], capture_output=True, text=True, check=True).stdout.strip()
    borrowed = subprocess.run([sys.executable, "-c", purelib], capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "borrowed.pth").write_text(borrowed + "\n")
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", env_dir / "etc" / "jupyter")
    (env_dir / "share").mkdir()
    (env_dir / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter")
    prefix = subprocess.run([str(python), "-c", "import sys; print(sys.prefix)"], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert prefix == str(env_dir)  # --sys-prefix writes there, not into this environment

    homes = {who: tmp_path / who for who in ("student", "instructor")}
    for home in homes.values():
        home.mkdir()
    students, instructor = hub_block()
    modules = {"server": ["-m", "jupyter_server"], "labextension": ["-m", "jupyterlab.labextensions"]}
    for words in students:
        done = subprocess.run([str(python), *modules[words[1]], *words[2:]], capture_output=True, text=True,
                              env={**os.environ, "JUPYTER_CONFIG_DIR": str(homes["student"] / ".jupyter")},
                              timeout=300)
        assert done.returncode == 0 and "Validation failed" not in done.stderr, f"{words}: {done.stderr[-1500:]}"
    env = {key: value for key, value in os.environ.items() if key != "JUPYTER_CONFIG_DIR"}
    subprocess.run(["bash", "-euc", instructor], env={**env, "HOME": str(homes["instructor"])}, check=True)

    course = make_course(tmp_path / "course", UNIT)
    for who, home in homes.items():
        with socket_lab([str(python), "-m", "jupyterlab"], course,
                        {"JUPYTER_CONFIG_DIR": str(home / ".jupyter")}) as sock:
            status, _, _ = get(sock, "/formgrader/manage_assignments")
            _, _, page = get(sock, "/lab")
        config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S)[1])
        hidden = set(config.get("disabledExtensions", []))
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                "@jupyter/nbgrader:create-assignment"} <= hidden  # panels: the browser tab is the way
        assert status == (404 if who == "student" else 200), who
