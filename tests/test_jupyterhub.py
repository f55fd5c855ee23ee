"""A class on a real JupyterHub: one instructor and three students as real unix users.

The hub (pip ``jupyterhub``, the Python port of ``configurable-http-proxy``, LocalProcessSpawner,
settings in tests/hub/jupyterhub_config.py) runs as root, as on a shared machine, and starts each
user's Jupyter server as that user, from an environment built from the system Python (the
course's ``.venv`` may live where other users cannot execute it). The test follows README's
"A shared JupyterHub" section:

- an environment-wide ``nbgrader_config.py`` names the course and the shared exchange (mode 1777);
- homes are made private (``chmod 700``: Debian's ``useradd`` makes them world-readable);
- the instructor's course folder points its ``Exchange.root`` at the shared exchange.

Students act only through their own servers, reached through the hub's proxy with their own
API tokens, as the Assignments tab does: the contents API to write answers, nbgrader's
``/assignments/fetch|submit|fetch_feedback`` handlers. The instructor runs nbgrader and
``backendlab grade`` in a terminal (here: as the instructor's unix user). One student hands in
the solution, one the stub as fetched, one a cheat (copy the solution from the instructor's
``source/``, rewrite the gradebook, overwrite the other students' work); the grades must be
6 / 0 / 0, and no student may read another's work, the instructor's ``source/`` or gradebook,
or reach another student's Redis or PostgreSQL.

Needs root (to create users and run the hub), ``useradd``/``userdel``, ``setpriv``, Debian's
system Python with ``venv``, ``redis-server`` and ``bwrap``: skipped here without them, failed
in CI. About 100 s once the class's environment is built (it is cached in ``CACHE`` per
pyproject.toml; building it takes one to three minutes, once).

At the end: deploy/zero-to-jupyterhub (a class on Kubernetes), checked without a cluster.
"""

import contextlib
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from tests.lab_server import free_port
from tests.machine import make_course, missing, model_answers
from tests.readme import bash_lines, section
from tests.test_grading_class import ATTACKS, MARKER, REDIS, SQL

ROOT = Path(__file__).resolve().parent.parent
UNIT = "00-orientation"
COURSE_ID = "backend-lab"
SYSTEM_PYTHON = Path("/usr/bin/python3.11")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
PREFIX = "blhub-"  # every unix user this test creates starts with it
INSTRUCTOR = f"{PREFIX}teacher"
# student -> what they hand in
STUDENTS = {f"{PREFIX}ada": "solution", f"{PREFIX}bo": "stub", f"{PREFIX}cy": "cheat"}
EXPECTED_SCORE = {"solution": 6.0, "stub": 0.0, "cheat": 0.0}  # autograded points of 6
# The cheat: three attacks that worked before grading kernels were sandboxed.
CHEAT = {SQL: {"ex1-answer": ATTACKS["reads-source"][1][SQL]["ex1-answer"],
               "ex2-answer": ATTACKS["writes-gradebook"][1][SQL]["ex2-answer"]},
         REDIS: {"ex3-answer": ATTACKS["writes-other-students"][1][REDIS]["ex3-answer"]}}
STEP_TIMEOUT = 300
CACHE = Path("/var/tmp/backendlab-hub-env")  # see build_environment


def dev_pins(*names: str) -> list[str]:
    """``name==version`` for ``names`` from pyproject.toml's dev extra (one place for pins)."""
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["dev"]
    return [pin for pin in dev if pin.split("==")[0] in names]


@dataclass
class Hub:
    """The running hub, and ways to act as its users."""

    base: Path  # everything lives below this folder, removed at the end
    prefix: Path  # the class's environment
    exchange: Path
    url: str  # the proxy's public address
    token: str  # the test's service token
    config: Path | None = None  # stands in for /etc/jupyter
    process: subprocess.Popen | None = None
    user_tokens: dict[str, str] | None = None

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    @property
    def course(self) -> Path:
        return self.home(INSTRUCTOR) / "backend-lab"

    def request(self, method: str, path: str, token: str, body: dict | None = None,
                form: dict | None = None) -> tuple[int, object]:
        """One HTTP request through the proxy; (status, decoded JSON body or text)."""
        data, headers = None, {"Authorization": f"token {token}"}
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.url + urllib.parse.quote(path, safe="/?&="),
                                         data=data, headers=headers,
                                         method=method)
        try:
            with urllib.request.urlopen(request, timeout=STEP_TIMEOUT) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def hub_api(self, method: str, path: str, body: dict | None = None) -> object:
        status, answer = self.request(method, f"/hub/api{path}", self.token, body=body)
        assert status < 300, f"{method} /hub/api{path}: HTTP {status} {answer}"
        return answer

    def server(self, user: str, method: str, path: str, as_user: str | None = None,
               **options) -> tuple[int, object]:
        """A request to ``user``'s own server, with ``as_user``'s token (default: the user's)."""
        assert self.user_tokens is not None
        return self.request(method, f"/user/{user}{path}", self.user_tokens[as_user or user],
                            **options)

    def run_as(self, user: str, *command: str, cwd: Path | None = None,
               check: bool = True) -> subprocess.CompletedProcess:
        """``command`` as the unix user, in the class's environment (a terminal on the hub)."""
        home = self.home(user)
        variables = {"HOME": str(home), "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
                     "PATH": f"{self.prefix / 'bin'}:{SYSTEM_PATH}",
                     # the small dataset keeps grading quick; the course's default is full
                     "BACKENDLAB_SCALE": "small", "PLOOMBER_STATS_ENABLED": "false",
                     "JUPYTER_CONFIG_PATH": str(self.config)}
        result = subprocess.run(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
                                 "--", *command], cwd=cwd or home, env=variables,
                                capture_output=True, text=True, timeout=STEP_TIMEOUT,
                                stdin=subprocess.DEVNULL, check=False)
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(command)} as {user} failed (exit {result.returncode}):\n"
                        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result


# --- setting up and taking down -------------------------------------------------------------

def requirements() -> None:
    needs = "the JupyterHub class test needs"
    if os.geteuid() != 0:
        missing(f"{needs} root: it creates unix users and runs the hub as root (CI runs as root)")
    for program, package in (("useradd", "passwd"), ("userdel", "passwd"),
                             ("setpriv", "util-linux"), ("bwrap", "bubblewrap"),
                             ("redis-server", "redis-server")):
        if shutil.which(program, path=f"{SYSTEM_PATH}:/usr/sbin:/sbin") is None:
            missing(f"{needs} {program} (apt-get install {package})")
    has_venv = SYSTEM_PYTHON.exists() and subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import ensurepip, venv"], capture_output=True,
        check=False).returncode == 0
    if not has_venv:
        missing(f"{needs} Debian's system Python at {SYSTEM_PYTHON} with its venv module "
                "(apt-get install python3-venv)")
    for user in (INSTRUCTOR, *STUDENTS):
        with contextlib.suppress(KeyError):
            left = pwd.getpwnam(user)
            if not left.pw_dir.startswith("/tmp/bl-hub-"):  # not one of ours: never touch it
                pytest.fail(f"a unix user {user} already exists (home {left.pw_dir}); "
                            "this test creates and deletes users of that name")
            remove_user(user)  # left behind by an interrupted run


def build_environment() -> Path:
    """The class's environment, as an admin builds it once for everybody: a venv of the system
    Python (executable by every user) with the course package and JupyterHub at the pins in
    pyproject.toml.

    Built once per pyproject.toml in a world-readable cache (``CACHE``), like pip's cache:
    the first run takes a minute or two, later ones seconds. The course package is installed
    as README's hub recipe installs it (not editable: into site-packages), again at every run,
    so the environment always runs this checkout's ``backendlab``."""
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()
                         + SYSTEM_PYTHON.resolve().name.encode()).hexdigest()[:16]
    home = CACHE / key
    prefix, source = home / "env", home / "src"
    for stale in CACHE.glob("*") if CACHE.is_dir() else []:
        if stale != home:  # environments of older pins
            shutil.rmtree(stale, ignore_errors=True)
    CACHE.mkdir(mode=0o755, exist_ok=True)
    home.mkdir(mode=0o755, exist_ok=True)
    shutil.rmtree(source / "backendlab", ignore_errors=True)
    source.mkdir(mode=0o755, exist_ok=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "backendlab", source / "backendlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = prefix / ".installed"
    if done.exists():
        refreshed = subprocess.run([str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                    "--disable-pip-version-check", "--no-deps", "--force-reinstall",
                                    str(source)], capture_output=True, text=True,
                                   timeout=STEP_TIMEOUT, check=False)
        if refreshed.returncode != 0:
            pytest.fail(f"installing this checkout's backendlab failed:\n{refreshed.stderr[-3000:]}")
        return prefix
    shutil.rmtree(prefix, ignore_errors=True)
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(prefix)], check=True, timeout=120)
    pins = dev_pins("jupyterhub", "configurable-http-proxy")
    assert len(pins) == 2, "pyproject.toml's dev extra must pin jupyterhub and the proxy"
    installed = subprocess.run([str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                "--disable-pip-version-check", str(source), *pins],
                               capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False)
    if installed.returncode != 0:
        pytest.fail(f"building the class's environment failed:\n{installed.stderr[-3000:]}")
    done.write_text("\n".join(pins) + "\n")
    return prefix


def shared_nbgrader_config(base: Path) -> Path:
    """README: every user gets the same nbgrader settings, in /etc/jupyter/nbgrader_config.py.
    Here a folder of the test's own stands in for /etc/jupyter (JUPYTER_CONFIG_PATH, set for
    every server and command)."""
    folder = base / "etc-jupyter"
    folder.mkdir(mode=0o755)
    (folder / "nbgrader_config.py").write_text(
        f'c = get_config()\nc.CourseDirectory.course_id = "{COURSE_ID}"\n'
        f'c.Exchange.root = "{base / "exchange"}"\n')
    return folder


def create_user(base: Path, user: str) -> None:
    home = base / "home" / user
    subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--user-group",
                    "--shell", "/bin/bash", user], check=True, capture_output=True, timeout=60)
    home.chmod(0o700)  # README: homes private (Debian's default 755 lets everybody read them)


def remove_user(user: str) -> None:
    """Stop everything the user still runs, then delete the user, home and runtime folder."""
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return
    for process in psutil.process_iter(["uids"]):
        with contextlib.suppress(psutil.Error):
            if process.info["uids"] and process.info["uids"].real == uid:
                process.kill()
    psutil.wait_procs([p for p in psutil.process_iter(["uids"])
                       if p.info["uids"] and p.info["uids"].real == uid], timeout=10)
    subprocess.run(["userdel", "--remove", user], capture_output=True, timeout=60, check=False)
    shutil.rmtree(f"/tmp/backendlab-{uid}", ignore_errors=True)


def wait_for(what: str, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} was not ready after {timeout:.0f} s")
        time.sleep(0.3)


def hub_answers(hub: Hub) -> bool:
    with contextlib.suppress(OSError):
        return hub.request("GET", "/hub/api/", hub.token)[0] == 200
    return False


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    requirements()
    seconds: dict[str, float] = {}
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="bl-hub-", dir="/tmp"))
    base.chmod(0o755)  # users reach the environment, the exchange and their homes through it
    (base / "home").mkdir(mode=0o755)
    running = Hub(base, base / "env", base / "exchange", "", secrets.token_hex(32))
    users = [INSTRUCTOR, *STUDENTS]
    try:
        running.prefix = build_environment()
        seconds["environment"] = time.monotonic() - started
        running.config = shared_nbgrader_config(base)
        running.exchange.mkdir()
        running.exchange.chmod(0o1777)  # README: world-writable and sticky, made by an admin
        for user in users:
            create_user(base, user)

        port = free_port()
        running.url = f"http://127.0.0.1:{port}"
        state = base / "hub"
        state.mkdir(mode=0o700)
        variables = {"PATH": f"{running.prefix / 'bin'}:{SYSTEM_PATH}", "LANG": "C.UTF-8",
                     "HOME": str(state), "BLHUB_BASE": str(state),
                     "BLHUB_PREFIX": str(running.prefix), "BLHUB_PORT": str(port),
                     "BLHUB_API_PORT": str(free_port()), "BLHUB_HUB_PORT": str(free_port()),
                     "BLHUB_TOKEN": running.token, "BLHUB_USERS": ",".join(users),
                     "BLHUB_JUPYTER_CONFIG": str(running.config)}
        with open(base / "jupyterhub.log", "w") as log:  # the hub keeps its own copy open
            running.process = subprocess.Popen(
                [str(running.prefix / "bin" / "jupyterhub"), "-f",
                 str(ROOT / "tests" / "hub" / "jupyterhub_config.py")],
                cwd=state, env=variables, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        step = time.monotonic()
        wait_for("the hub", lambda: hub_answers(running) or running.process.poll() is not None)
        assert running.process.poll() is None, (base / "jupyterhub.log").read_text()[-3000:]
        seconds["hub ready"] = time.monotonic() - step

        # Each user (allowed_users puts them in the hub's database): a token of their own,
        # their server started.
        step = time.monotonic()
        running.user_tokens = {
            user: running.hub_api("POST", f"/users/{user}/tokens",
                                  {"note": "class test", "expires_in": 3600})["token"]
            for user in users}
        for user in users:
            running.hub_api("POST", f"/users/{user}/server")
        wait_for("every user's server", lambda: all(
            running.hub_api("GET", f"/users/{user}")["servers"].get("", {}).get("ready")
            for user in users) or running.process.poll() is not None, timeout=180)
        assert running.process.poll() is None, (base / "jupyterhub.log").read_text()[-3000:]
        seconds["servers ready"] = time.monotonic() - step
        yield running
    finally:
        if running.process is not None and running.process.poll() is None:
            running.process.send_signal(signal.SIGTERM)  # stops the servers and the proxy
            try:
                running.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(running.process.pid, signal.SIGKILL)
        for user in users:
            if (base / "home" / user).exists():  # servers a user started (Redis) go first
                for server in ("redis", "postgres"):
                    with contextlib.suppress(Exception):
                        running.run_as(user, str(running.prefix / "bin" / "python"), "-m",
                                       "backendlab", server, "stop", check=False)
            remove_user(user)
        shutil.rmtree(base, ignore_errors=True)
        seconds["total"] = time.monotonic() - started
        print(f"\nJupyterHub class steps (s): { {k: round(v, 1) for k, v in seconds.items()} }")


# --- the class -------------------------------------------------------------------------------

def answer_cells(notebook: nbformat.NotebookNode) -> dict[str, nbformat.NotebookNode]:
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
            if cell.get("metadata", {}).get("nbgrader", {}).get("solution")}


def hand_in(hub: Hub, student: str, work: str) -> None:
    """Write the student's answers into their fetched notebooks through their server."""
    if work == "stub":
        return
    for source in sorted((ROOT / "source" / UNIT).glob("*.ipynb")):
        path = f"/api/contents/{UNIT}/{source.name}"
        status, model = hub.server(student, "GET", path)
        assert status == 200, (status, model)
        notebook = nbformat.from_dict(model["content"])
        if work == "solution":
            notebook = model_answers(notebook, nbformat.read(source, 4))
        for grade_id, cell in answer_cells(notebook).items():
            if work != "solution" and grade_id in CHEAT.get(source.name, {}):
                cell.source = CHEAT[source.name][grade_id]
        status, saved = hub.server(student, "PUT", path,
                                   body={"type": "notebook", "format": "json", "content": notebook})
        assert status == 200, (status, saved)


def assignments(hub: Hub, student: str, action: str) -> list[dict]:
    """The Assignments tab's request: nbgrader's handler in the student's own server."""
    status, answer = hub.server(student, "POST", f"/assignments/{action}",
                                form={"course_id": COURSE_ID, "assignment_id": UNIT})
    assert status == 200 and isinstance(answer, dict) and answer.get("success"), \
        f"{action} as {student}: HTTP {status} {answer}"
    return answer["value"]


def nbgrader(hub: Hub, *arguments: str) -> subprocess.CompletedProcess:
    """An instructor's command, in the course folder."""
    return hub.run_as(INSTRUCTOR, *arguments, cwd=hub.course)


@pytest.fixture(scope="module")
def graded_class(hub: Hub) -> dict[str, float]:
    """The week: release, fetch, answer, submit, collect, grade, feedback. Scores by student."""
    course = hub.course
    course.mkdir(mode=0o700)
    make_course(course, UNIT)
    # README: the course folder's own nbgrader_config.py points at the shared exchange too
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f'\nc.Exchange.root = "{hub.exchange}"\n')
    for path in [course, *course.rglob("*")]:
        os.chown(path, pwd.getpwnam(INSTRUCTOR).pw_uid, pwd.getpwnam(INSTRUCTOR).pw_gid)

    nbgrader(hub, "nbgrader", "generate_assignment", UNIT, "--force")
    nbgrader(hub, "nbgrader", "release_assignment", UNIT, "--force")
    for student, work in STUDENTS.items():
        listed = assignments(hub, student, "fetch")
        assert any(a["assignment_id"] == UNIT and a["status"] == "fetched" for a in listed), listed
        hand_in(hub, student, work)
        assignments(hub, student, "submit")
    nbgrader(hub, "nbgrader", "collect", UNIT)
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(STUDENTS)

    graded = nbgrader(hub, "backendlab", "grade", UNIT)
    print(f"\nbackendlab grade as {INSTRUCTOR}:\n{graded.stdout[-2000:]}")
    assert "Grading kernels ran sandboxed with bubblewrap" in graded.stdout, graded.stdout
    nbgrader(hub, "nbgrader", "generate_feedback", UNIT, "--force")
    nbgrader(hub, "nbgrader", "release_feedback", UNIT)
    for student in STUDENTS:
        assignments(hub, student, "fetch_feedback")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {student: gradebook.find_submission(UNIT, student).score for student in STUDENTS}


def test_every_server_serves_its_own_user_only(hub: Hub) -> None:
    for user in (INSTRUCTOR, *STUDENTS):
        status, answer = hub.server(user, "GET", "/api/status")
        assert status == 200 and "kernels" in answer, (user, status, answer)
    # each server runs as its user, not as root
    servers = [process for process in psutil.process_iter(["cmdline", "username"])
               if any("jupyterhub-singleuser" in part for part in process.info["cmdline"] or [])
               and str(hub.prefix) in " ".join(process.info["cmdline"])]
    assert sorted(p.info["username"] for p in servers) == sorted([INSTRUCTOR, *STUDENTS])
    ada, bo = list(STUDENTS)[:2]
    for owner, intruder in ((ada, bo), (INSTRUCTOR, ada)):
        status, _ = hub.server(owner, "GET", "/api/contents", as_user=intruder)
        assert status in (403, 404), f"{intruder}'s token reached {owner}'s server: HTTP {status}"


def test_grades_are_what_each_submission_deserves(graded_class: dict[str, float]) -> None:
    assert graded_class == {student: EXPECTED_SCORE[work] for student, work in STUDENTS.items()}


def test_the_cheat_changed_nothing_but_its_own_grade(hub: Hub, graded_class: dict) -> None:
    course = hub.course
    assert not list(course.rglob(MARKER)), "the cheat wrote into the course folder"
    for student in STUDENTS:
        for notebook in (course / "submitted" / student / UNIT).glob("*.ipynb"):
            assert nbformat.read(notebook, 4).cells, f"{notebook} was overwritten"


def test_every_student_fetched_feedback(hub: Hub, graded_class: dict) -> None:
    for student in STUDENTS:
        status, listing = hub.server(student, "GET", f"/api/contents/{UNIT}/feedback")
        assert status == 200, (student, status, listing)
        (timestamp,) = listing["content"]  # feedback/<submission time>/
        status, page = hub.server(student, "GET",
                                  f"/api/contents/{timestamp['path']}/01-sql-warmup.html")
        assert status == 200 and "Exercise 1" in page["content"], (student, status)
        assert "BEGIN HIDDEN TESTS" not in page["content"]


def test_no_student_reads_another_or_the_instructors_files(hub: Hub, graded_class: dict) -> None:
    course = hub.course
    secrets_of_others = {
        "the instructor's source/": course / "source" / UNIT / "01-sql-warmup.ipynb",
        "the gradebook": course / "gradebook.db",
        "the collected submissions": course / "submitted",
    }
    for student in STUDENTS:
        others = {f"{other}'s fetched work": hub.home(other) / UNIT / "01-sql-warmup.ipynb"
                  for other in STUDENTS if other != student}
        for what, path in {**secrets_of_others, **others}.items():
            attempt = hub.run_as(student, "cat" if path.suffix else "ls", str(path), check=False)
            assert attempt.returncode != 0 and "Permission denied" in attempt.stderr, \
                f"{student} could read {what} ({path}): {attempt.stdout[:200]!r}"
        # the exchange's inbound folder is write-only for students: nobody lists submissions
        inbound = hub.exchange / COURSE_ID / "inbound"
        attempt = hub.run_as(student, "ls", str(inbound), check=False)
        assert "Permission denied" in attempt.stderr, f"{student} listed {inbound}"


def test_no_student_reaches_another_students_redis(hub: Hub) -> None:
    ada, bo = list(STUDENTS)[:2]
    python = str(hub.prefix / "bin" / "python")
    started = hub.run_as(ada, python, "-m", "backendlab", "redis", "start")
    sock = Path(started.stdout.split("redis-cli -s ")[1].split()[0])  # "Try it from ..."
    assert hub.run_as(ada, "redis-cli", "-s", str(sock), "ping").stdout.strip() == "PONG"
    folder = sock.parent
    assert folder.stat().st_uid == pwd.getpwnam(ada).pw_uid
    assert folder.stat().st_mode & 0o777 == 0o700
    attempt = hub.run_as(bo, "redis-cli", "-s", str(sock), "ping", check=False)
    assert "PONG" not in attempt.stdout and "Permission denied" in attempt.stdout + attempt.stderr, \
        attempt
    hub.run_as(ada, python, "-m", "backendlab", "redis", "stop")



def a_server_of(pid: int, uid: int) -> bool:
    """Is ``pid`` a PostgreSQL or Redis server process of the user ``uid``?"""
    try:
        process = psutil.Process(pid)
        return process.uids().real == uid and process.name() in ("postgres", "redis-server")
    except psutil.Error:
        return False


def test_no_student_reaches_another_students_postgresql(hub: Hub) -> None:
    """The private PostgreSQL listens only on a unix socket in its owner's 0700 runtime folder
    (loopback ports would be open to every user of the machine)."""
    from tests.test_binder import postgres_bindir  # noqa: PLC0415

    if postgres_bindir() is None:
        missing("PostgreSQL's programs are missing (apt-get install postgresql)")
    ada, bo = list(STUDENTS)[:2]
    python = str(hub.prefix / "bin" / "python")
    url = hub.run_as(ada, python, "-m", "backendlab", "postgres", "start").stdout.strip()
    sockets = Path(urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["host"][0])
    try:
        connect = ("import sys, psycopg; psycopg.connect(host=sys.argv[1], user='backendlab', "
                   "dbname='postgres', passfile=sys.argv[2]).close(); print('connected')")
        passfile = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["passfile"][0]
        assert hub.run_as(ada, python, "-c", connect, str(sockets), passfile).stdout.strip() \
            == "connected"
        runtime = sockets.parent
        assert runtime.stat().st_uid == pwd.getpwnam(ada).pw_uid
        assert runtime.stat().st_mode & 0o777 == 0o700
        attempt = hub.run_as(bo, python, "-c", connect, str(sockets), passfile, check=False)
        assert attempt.returncode != 0 and "connected" not in attempt.stdout, attempt
        assert "Permission denied" in attempt.stderr, attempt.stderr[-500:]
        uid = pwd.getpwnam(ada).pw_uid
        listening = [c.laddr for c in psutil.net_connections("inet")
                     if c.status == psutil.CONN_LISTEN and c.pid and a_server_of(c.pid, uid)]
        assert listening == [], f"{ada}'s PostgreSQL listens on TCP: {listening}"
    finally:
        hub.run_as(ada, python, "-m", "backendlab", "postgres", "stop")

# --- beyond one machine: Zero to JupyterHub ------------------------------------------------
# No cluster here: deploy/zero-to-jupyterhub/values.yaml is validated against the chart's
# values schema (the part of it the file uses: tests/hub/prune_z2jh_schema.py), and its
# pieces are checked against each other and against the course image.

Z2JH = ROOT / "deploy" / "zero-to-jupyterhub"
CHART_VERSION, CHART_JUPYTERHUB = "4.4.0", "5.5.0"  # the chart, and the JupyterHub its hub runs


def z2jh_values() -> dict:
    import yaml  # noqa: PLC0415 - only these tests need it

    return yaml.safe_load((Z2JH / "values.yaml").read_text())


def test_z2jh_values_pass_the_charts_schema() -> None:
    import jsonschema  # noqa: PLC0415

    schema = json.loads((ROOT / "tests" / "hub" / "z2jh-values-schema-subset.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(z2jh_values())
    # the subset still catches what the chart would refuse: an unknown key, a wrong type
    wrong = z2jh_values()
    wrong["singleuser"]["storage"]["extraVolumeMount"] = wrong["singleuser"]["storage"].pop(
        "extraVolumeMounts")
    wrong["singleuser"]["fsGid"] = "100"
    errors = sorted(error.message for error in jsonschema.Draft7Validator(schema).iter_errors(wrong))
    assert len(errors) == 2 and "'extraVolumeMount' was unexpected" in errors[1], errors
    assert "is not of type 'integer'" in errors[0], errors
    assert CHART_VERSION in (Z2JH / "README.md").read_text()
    assert CHART_VERSION in (Z2JH / "values.yaml").read_text()


def readme_hub_disabled_extensions() -> tuple[set[str], set[str]]:
    """The server and lab extensions README's hub block turns off for students."""
    lines = bash_lines(section("For instructors"))
    server = {words[-1] for words in lines if words[:4] == ["jupyter", "server", "extension", "disable"]}
    lab = {words[-1] for words in lines if words[:3] == ["jupyter", "labextension", "disable"]}
    return server, lab


def test_z2jh_pieces_agree() -> None:
    from traitlets.config import Config  # noqa: PLC0415

    values = z2jh_values()
    singleuser = values["singleuser"]
    mounts = {mount["name"]: mount["mountPath"] for mount in singleuser["storage"]["extraVolumeMounts"]}
    (volume,) = singleuser["storage"]["extraVolumes"]
    exchange = mounts[volume["name"]]
    # the claim the servers mount is the one exchange-volume.yaml makes, shared by every node
    import yaml  # noqa: PLC0415

    claim = yaml.safe_load((Z2JH / "exchange-volume.yaml").read_text())
    assert volume["persistentVolumeClaim"]["claimName"] == claim["metadata"]["name"]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    # every server's nbgrader settings point at that mount (README: /etc/jupyter)
    files = singleuser["extraFiles"]
    assert files["nbgrader-config"]["mountPath"] == "/etc/jupyter/nbgrader_config.py"
    config = Config()
    exec(files["nbgrader-config"]["stringData"], {"get_config": lambda: config})  # noqa: S102
    assert config.Exchange.root == exchange and config.CourseDirectory.course_id == COURSE_ID
    # its mode is made 1777 on that same volume
    (init,) = singleuser["initContainers"]
    assert init["command"] == ["chmod", "1777", exchange]
    assert init["volumeMounts"] == [{"name": volume["name"], "mountPath": exchange}]
    # students' servers get the config folder that turns the instructor tools off
    student = singleuser["extraEnv"]["JUPYTER_CONFIG_PATH"]
    assert files["student-server-config"]["mountPath"].startswith(student + "/")
    # ... the same ones README's hub block disables for students (self-study: those and more)
    server_off, lab_off = readme_hub_disabled_extensions()
    assert "nbgrader.server_extensions.formgrader" in server_off
    assert "nbgrader.server_extensions.course_list" in server_off
    assert files["student-server-config"]["data"]["ServerApp"]["jpserver_extensions"] == \
        dict.fromkeys(server_off, False)
    assert files["student-lab-config"]["data"]["disabledExtensions"] == dict.fromkeys(lab_off, True)
    self_study = ROOT / "lab-settings" / "self-study"
    assert server_off <= {name for name, on in json.loads(
        (self_study / "jupyter_server_config.json").read_text())["ServerApp"][
        "jpserver_extensions"].items() if not on}
    assert lab_off <= {name for name, off in json.loads(
        (self_study / "labconfig" / "page_config.json").read_text())["disabledExtensions"].items()
        if off}
    # the hook is valid Python that gives each user a uid of their own, which the image's
    # entrypoint names; no setuid program may use that entry
    hook = values["hub"]["extraConfig"]["backend-lab"]
    compile(hook, "hub.extraConfig.backend-lab", "exec")
    assert "spawner.uid = 100000 + spawner.user.id" in hook
    assert singleuser["allowPrivilegeEscalation"] is False
    assert "JUPYTERHUB_USER" in (Z2JH / "entrypoint.sh").read_text()
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] != "dummy"


def test_z2jh_image_installs_the_course_as_pinned() -> None:
    dockerfile = (Z2JH / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -e /opt/backend-lab" in dockerfile  # pyproject's pins
    assert f"jupyterhub=={CHART_JUPYTERHUB}" in dockerfile  # singleuser matches the chart's hub
    assert "COPY source" not in dockerfile and "COPY . " not in dockerfile  # no solutions
    for program in ("redis-server", "postgresql", "bubblewrap", "tini"):
        assert program in dockerfile
    copied = [line.split()[1:-1] for line in dockerfile.splitlines() if line.startswith("COPY")]
    for sources in copied:
        for source in sources:
            assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which is missing"
