"""Binder, simulated as far as this machine allows.

repo2docker builds a Binder image from ``environment.yml`` alone, runs ``postBuild`` (and
``start`` at each launch), and the learner works as the unprivileged user ``jovyan`` with
1–2 GB of memory, in a copy of the repository that is also their home folder. Here:

- a fresh virtual environment made with Debian's system Python (not the dev ``.venv``) gets
  exactly the pip packages ``environment.yml`` lists, from a wheelhouse downloaded first
  (so the install itself is offline and quick);
- conda-forge's ``redis-server`` and ``postgresql`` packages are stood in for by symlinks to
  Debian's programs, in the environment's ``bin/`` where conda would put them, and the PATH
  holds no other Redis or PostgreSQL (Binder's base image has none);
- everything runs as ``nobody`` when the suite runs as root (as CI does), else as yourself,
  with a fresh HOME that holds a copy of the repository's files (no ``.git``, no ``.venv``).

Differences that remain: Python is Debian's 3.11, not conda's 3.12; there is no container
memory limit, so memory is measured and compared with Binder's budget instead.

Missing system programs skip the tests here and fail them in CI (like a missing PostgreSQL
in ``conftest.postgres_url``).
"""

import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
import pytest

from backendlab.grading.preprocessors import cell_failed
from tests.machine import missing
from tests.test_environment_files import environment_yml, split_dependencies

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = Path("/usr/bin/python3.11")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin"
NOBODY = 65534  # Binder's jovyan is uid 1000; any unprivileged uid proves the same
BINDER_MEMORY_BUDGET = 1.5e9  # Binder gives 1–2 GB; the course must stay well under it
POSTGRES_PROGRAMS = ("initdb", "pg_ctl", "postgres", "pg_config", "psql")
STEP_TIMEOUT = 600


# --- the simulated Binder environment ------------------------------------------------------

def postgres_bindir() -> Path | None:
    """Debian's newest PostgreSQL program folder that has every program we link."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: int(Path(f).parent.name))
    for folder in reversed(folders):
        if all((Path(folder) / program).exists() for program in POSTGRES_PROGRAMS):
            return Path(folder)
    return None


@dataclass
class Binder:
    """The built environment, and a way to run commands in it as the Binder user."""

    base: Path  # everything lives below this folder, removed at the end
    home: Path  # HOME and the repository copy, like /home/jovyan on Binder
    prefix: Path  # the environment, like /srv/conda/envs/notebook
    uid: int
    variables: dict[str, str]
    launcher: list[str] = field(default_factory=list)  # Binder's `start`, once built
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def python(self) -> str:
        return str(self.prefix / "bin" / "python")

    def run(self, *command: str, check: bool = True, extra: dict[str, str] | None = None,
            timeout: float = STEP_TIMEOUT) -> subprocess.CompletedProcess:
        drop = [] if self.uid == os.getuid() else [
            "setpriv", f"--reuid={self.uid}", f"--regid={self.uid}", "--clear-groups", "--"]
        result = subprocess.run([*drop, *self.launcher, *command], check=False, cwd=self.home,
                                env={**self.variables, **(extra or {})}, capture_output=True,
                                text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed (exit {result.returncode}) as uid "
                        f"{self.uid}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result

    def timed(self, step: str, *command: str, **options) -> subprocess.CompletedProcess:
        started = time.monotonic()
        result = self.run(*command, **options)
        self.seconds[step] = time.monotonic() - started
        return result


def learner_files() -> list[str]:
    """What a Binder checkout holds: the repository's files (tracked, or new and not
    ignored), so no .git, .venv, caches or gradebook."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def download(wheelhouse: Path, pip: list[str], *wanted: str) -> None:
    """``pip download`` wheels (only wheels: nothing compiles later) into ``wheelhouse``."""
    result = subprocess.run([*pip, "download", "--quiet", "--only-binary=:all:",
                             "--dest", str(wheelhouse), *wanted],
                            check=False, capture_output=True, text=True, timeout=STEP_TIMEOUT)
    if result.returncode != 0:
        pytest.fail(f"pip download of {' '.join(wanted)} failed:\n{result.stderr}")


def left_running(base: Path) -> list[psutil.Process]:
    """Processes whose command line names a path in ``base`` (servers we started)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if str(base) in " ".join(process.info["cmdline"] or []) and process.pid != os.getpid():
            found.append(process)
    return found


def chown_tree(folder: Path, uid: int) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, uid, uid)


@pytest.fixture(scope="module")
def binder() -> Iterator[Binder]:
    as_root = os.geteuid() == 0
    needs = "the Binder simulation needs"
    if not SYSTEM_PYTHON.exists():
        missing(f"{needs} Debian's system Python at {SYSTEM_PYTHON} (apt-get install python3)")
    if as_root and not shutil.which("setpriv"):
        missing(f"{needs} setpriv to drop root privileges (apt-get install util-linux)")
    redis = shutil.which("redis-server", path=SYSTEM_PATH)
    if redis is None:
        missing(f"{needs} Debian's redis-server (apt-get install redis-server)")
    bindir = postgres_bindir()
    if bindir is None:
        missing(f"{needs} PostgreSQL's programs {', '.join(POSTGRES_PROGRAMS)} in "
                "/usr/lib/postgresql/<version>/bin (apt-get install postgresql)")

    uid = NOBODY if as_root else os.getuid()
    base = Path(tempfile.mkdtemp(prefix="bl-binder-", dir="/tmp"))  # short: socket paths
    base.chmod(0o755)  # the Binder user must reach its folders through this one
    home, prefix, run_dir = base / "home", base / "srv" / "env", base / "xdg-run"
    image_bin = base / "image-bin"
    wheelhouse = base / "wheelhouse"
    for folder in (home, prefix.parent, run_dir, image_bin):
        folder.mkdir(parents=True)
    run_dir.chmod(0o700)
    variables = {
        "HOME": str(home), "USER": "nobody" if as_root else os.environ.get("USER", ""),
        "PATH": f"{prefix / 'bin'}:{image_bin}",  # the environment first, as on Binder
        "LANG": "C.UTF-8", "SHELL": "/bin/bash",
        # Like a login session's runtime folder: keeps the sockets inside `base`.
        "XDG_RUNTIME_DIR": str(run_dir),
        # pip: none of this machine's configuration, only the wheelhouse (postBuild's build
        # of the course package fetches setuptools from it).
        "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PLOOMBER_STATS_ENABLED": "false",
    }
    environment = Binder(base, home, prefix, uid, variables)
    try:
        _, requirements = split_dependencies(environment_yml())
        (base / "requirements.txt").write_text("\n".join(requirements) + "\n")
        # As the current user, with this machine's pip settings (pip's cache makes this
        # quick), wheels only so nothing compiles later: first pip itself with the dev
        # environment's pip, then everything else with that pip run by the system Python, so
        # that environment markers see its exact version (redis needs async-timeout only
        # before Python 3.11.3, and Debian 12 has 3.11.2).
        started = time.monotonic()
        download(wheelhouse, [sys.executable, "-m", "pip"], "--no-deps", "pip")
        pip_wheel = next(wheelhouse.glob("pip-*.whl"))
        download(wheelhouse, [str(SYSTEM_PYTHON), f"{pip_wheel}/pip"],
                 "-r", str(base / "requirements.txt"), "setuptools", "wheel")
        environment.seconds["download wheels"] = time.monotonic() - started

        # Binder's base image has the usual system programs but no Redis or PostgreSQL of
        # its own (only conda's, below): /usr/bin and /usr/sbin without Debian's servers.
        servers = {program.name for program in bindir.iterdir()}
        for folder in (Path("/usr/bin"), Path("/usr/sbin")):
            for program in folder.iterdir():
                if not (program.name in servers or program.name.startswith(("redis-", "pg_"))
                        or (image_bin / program.name).exists()):
                    (image_bin / program.name).symlink_to(program)

        for name in learner_files():  # Binder's checkout of the repository, in HOME
            (home / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, home / name)
        if as_root:
            chown_tree(home, uid)
            chown_tree(prefix.parent, uid)
            chown_tree(run_dir, uid)

        # The environment, built by the Binder user as repo2docker does: Python first (no
        # ensurepip: Debian ships it separately), pip from the wheelhouse ...
        environment.timed("create venv", str(SYSTEM_PYTHON), "-m", "venv", "--without-pip",
                          str(prefix))
        environment.run(environment.python, f"{pip_wheel}/pip", "install", "--quiet", "pip")
        # ... then conda-forge's packages: STAND-IN for conda-forge's `redis-server` and
        # `postgresql`, which put their programs into the environment's bin/. Here they are
        # symlinks to Debian's programs of the same names.
        links = {name: Path(redis).with_name(name) for name in ("redis-server", "redis-cli")}
        links |= {program.name: program for program in bindir.iterdir()}
        for name, target in links.items():
            if not target.exists():
                continue
            (prefix / "bin" / name).symlink_to(target)
            if as_root:
                os.lchown(prefix / "bin" / name, uid, uid)
        # ... then exactly the pip packages environment.yml lists.
        environment.timed("pip install", environment.python, "-m", "pip", "install", "--quiet",
                          "-r", str(base / "requirements.txt"))
        environment.timed("postBuild", "./postBuild")
        # repo2docker runs `start jupyter ...` at every launch, so the server, its kernels and
        # its terminals see what `start` sets up: run every later command through it.
        environment.timed("start", "./start", "true")
        environment.launcher = [str(home / "start")]
        yield environment
    finally:
        if (prefix / "bin" / "python").exists():
            for server in ("postgres", "redis"):
                environment.run(environment.python, "-m", "backendlab", server, "stop",
                                check=False)
        leftovers = left_running(base)
        for process in leftovers:  # only processes started from our own folder
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        shutil.rmtree(base, ignore_errors=True)
        print(f"\nBinder simulation steps (s): "
              f"{ {step: round(s, 1) for step, s in environment.seconds.items()} }")
    assert not leftovers, f"still running after the servers were stopped: {leftovers}"


def test_the_environment_has_what_environment_yml_declares(binder: Binder) -> None:
    _, requirements = split_dependencies(environment_yml())
    installed = json.loads(binder.run(binder.python, "-m", "pip", "list", "--format=json").stdout)
    versions = {package["name"].lower().replace("_", "-"): package["version"]
                for package in installed}
    for requirement in requirements:
        name, version = requirement.split("==")
        assert versions.get(name.split("[")[0].lower().replace("_", "-")) == version, requirement
    assert binder.run(binder.python, "-m", "pip", "check").returncode == 0
    assert versions["backendlab"]  # postBuild installed the course's package
    settings = binder.prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert settings.read_text() == (ROOT / "lab-settings" / "overrides.json").read_text()


def test_start_here_notebook_runs_as_the_binder_user(binder: Binder) -> None:
    notebook = binder.home / "notebooks" / "00-start-here.ipynb"
    binder.timed("start-here notebook", binder.python, "-m", "jupyter", "nbconvert",
                 "--to", "notebook", "--execute", "--allow-errors",
                 "--output", "executed.ipynb", str(notebook))
    executed = nbformat.read(notebook.with_name("executed.ipynb"), as_version=4)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert [cell.source[:60] for cell in code if cell_failed(cell)] == []

    def output_of(source_start: str) -> str:
        cell = next(cell for cell in code if cell.source.startswith(source_start))
        return "".join(output.get("text", "") or output.get("data", {}).get("text/plain", "")
                       for output in cell.outputs)

    assert output_of("from backendlab import doctor").rstrip().endswith(
        "Ready: every required check passes.")
    started, *_, answer = output_of("r = backendlab.redis_client()").strip().splitlines()
    assert answer == "True"  # r.ping()
    # The environment's redis-server (conda's), never the system's.
    assert started.startswith("Started a private redis-server") and str(binder.prefix) in started
    table = output_of("from backendlab import memory")
    assert "this Python kernel" in table and "redis-server (main)" in table
    print(f"\n{started}\nmemory table in the Binder kernel:\n{table}")


def test_postgres_starts_on_demand_as_the_binder_user(binder: Binder) -> None:
    postmaster = binder.home / ".local/share/backendlab/postgres/data/postmaster.pid"
    try:
        url = binder.timed("postgres start", binder.python, "-m", "backendlab", "postgres",
                           "start").stdout.strip()
        assert url.startswith("postgresql+psycopg://backendlab@/postgres?host=")
        check = binder.run(binder.python, "-c", "import backendlab; print(backendlab.describe("
                           "backendlab.database('binder-check', scale='small')))",
                           extra={"BACKENDLAB_DATABASE_URL": url})
        described = check.stdout.strip().splitlines()[-1]  # after the loading progress bar
        assert described.startswith("PostgreSQL ") and described.endswith("(20,000 orders)")
        server = psutil.Process(int(postmaster.read_text().split()[0]))
        assert server.uids().real == binder.uid  # not root, not the `postgres` system user
        print(f"\n{described}, running as uid {binder.uid}")
    finally:
        binder.run(binder.python, "-m", "backendlab", "postgres", "stop")
        binder.run(binder.python, "-m", "backendlab", "redis", "stop")
    assert not postmaster.exists(), "PostgreSQL is still running"


FULL_SCALE_WORKLOAD = """
import json, os, resource
import backendlab
from backendlab import memory
from backendlab.services import postgres_server

r = backendlab.redis_client()
keys = backendlab.fresh_keyspace(r, "binder-memory")
shop = backendlab.database("binder-memory", scale="full")  # SQLite working copy
with shop.connect() as c:
    rows = c.exec_driver_sql("SELECT customer_id, count(*), sum(total_cents) FROM orders "
                             "GROUP BY customer_id").all()
with r.pipeline() as pipe:  # cache a summary per customer, as the Redis unit does
    for customer, count, total in rows:
        pipe.set(f"{keys}customer:{customer}", f"{count}:{total}")
    pipe.execute()
os.environ["BACKENDLAB_DATABASE_URL"] = postgres_server.ensure_running()
pg = backendlab.database("binder-memory", scale="full")  # loads the full dataset into PostgreSQL
with pg.connect() as c:
    c.exec_driver_sql("SELECT status, count(*), sum(total_cents) FROM orders GROUP BY status").all()
usage = memory.usage()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": usage, "kernel_peak": peak, "table": memory.table(usage)}))
"""

PEAK_OF_CHILD = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)")


def test_full_dataset_redis_and_postgres_fit_in_binder_memory(binder: Binder) -> None:
    """The worst case a learner meets: the full dataset built, queried on SQLite and loaded
    into PostgreSQL, and a key per customer in Redis."""
    try:
        built = binder.timed("data build (full)", binder.python, "-c", PEAK_OF_CHILD,
                             binder.python, "-m", "backendlab", "data", "build")
        build_peak = int(built.stdout.split()[-1])
        assert "The full shop dataset is ready" in built.stdout
        result = binder.timed("full-scale workload", binder.python, "-c", FULL_SCALE_WORKLOAD)
        measured = json.loads(result.stdout.splitlines()[-1])
    finally:
        binder.run(binder.python, "-m", "backendlab", "postgres", "stop")
        binder.run(binder.python, "-m", "backendlab", "redis", "stop")
    rows = dict(measured["rows"])
    redis_bytes = rows["redis-server (main)"]
    postgres_bytes = next(size for what, size in rows.items() if what.startswith("PostgreSQL"))
    worst = max(measured["kernel_peak"], build_peak) + redis_bytes + postgres_bytes
    print(f"\nfull-scale memory as the Binder user:\n{measured['table']}\n"
          f"peak RSS: data build {build_peak / 1e6:.0f} MB, workload kernel "
          f"{measured['kernel_peak'] / 1e6:.0f} MB; worst case kernel peak + redis + "
          f"postgres = {worst / 1e6:.0f} MB (budget {BINDER_MEMORY_BUDGET / 1e9:.1f} GB)")
    assert redis_bytes and postgres_bytes
    assert worst < BINDER_MEMORY_BUDGET
