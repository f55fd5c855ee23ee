"""Fixtures shared by the whole suite.

The suite never touches the learner's own data or servers: every run gets its own data and
runtime folders (so its own private redis-server and PostgreSQL), small datasets, and no
``BACKENDLAB_*_URL`` from the caller's shell. Servers it started (Redis, PostgreSQL, every
nginx and shop app) are stopped at the end.
"""

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from backendlab.errors import CourseError
from backendlab.paths import runtime_dir
from backendlab.services import nginx, postgres_server, redis_server, shop_app
from tests.machine import missing

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bl-tests-", dir="/tmp"))  # short: socket paths
    os.environ["BACKENDLAB_DATA_DIR"] = str(scratch / "data")
    os.environ["BACKENDLAB_RUNTIME_DIR"] = str(scratch / "run")
    os.environ["BACKENDLAB_WORK_DIR"] = str(scratch / "work")  # not the learner's work/ here
    os.environ["BACKENDLAB_SCALE"] = "small"
    os.environ["PLOOMBER_STATS_ENABLED"] = "false"
    os.environ.pop("BACKENDLAB_DATABASE_URL", None)
    os.environ.pop("BACKENDLAB_REDIS_URL", None)
    if Path("/usr/sbin/nginx").is_file():  # graded configs must work on Debian 12's nginx 1.22
        os.environ["BACKENDLAB_NGINX"] = "/usr/sbin/nginx"
    # nbgrader runs `alembic` from PATH: make this environment's programs visible.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    config.backendlab_scratch = scratch


def pytest_unconfigure(config: pytest.Config) -> None:
    scratch = getattr(config, "backendlab_scratch", None)
    if scratch is None:
        return
    redis_server.stop()
    postgres_server.stop()
    for name in nginx.instances():
        nginx.stop(name)
    for pidfile in runtime_dir().glob("app-*.pid"):  # every shop app, grading ones included
        try:
            shop_app.stop(pidfile.stem.removeprefix("app-"))
        except CourseError:  # a grading kernel's name may be longer than a learner may give
            continue
    shutil.rmtree(postgres_server.server_dir(), ignore_errors=True)
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def instance_name(request: pytest.FixtureRequest) -> str:
    """A short name of the test's own for a private nginx or shop app (socket paths are
    short; parametrized runs of one test get different names)."""
    return f"t{abs(hash(request.node.name)) % 100_000}"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """A real PostgreSQL (the private one, started on demand). Skipped where PostgreSQL's
    programs are missing — except in CI, where a missing PostgreSQL is a failure."""
    try:
        return postgres_server.ensure_running()
    except CourseError as error:
        missing(f"PostgreSQL is not available here: {error}")


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test once on the embedded SQLite and once on PostgreSQL (as CI does)."""
    if request.param == "postgresql":
        monkeypatch.setenv("BACKENDLAB_DATABASE_URL", request.getfixturevalue("postgres_url"))
    yield request.param
