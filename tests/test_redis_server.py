"""The private redis-server: started on demand, reused, replaced when stale, explained when missing."""

import os
import signal
import subprocess
import sys
import time

import pytest

from backendlab.services import redis_server
from backendlab.errors import CourseError
from backendlab.paths import runtime_dir


@pytest.fixture
def server_name(request: pytest.FixtureRequest) -> str:
    """A server of the test's own, stopped afterwards (the suite's main server is shared)."""
    name = f"t{abs(hash(request.node.name)) % 10_000}"
    yield name
    redis_server.stop(name)


def test_a_real_server_starts_on_first_use(server_name: str, capsys: pytest.CaptureFixture) -> None:
    client = redis_server.client(server_name)
    assert client.ping()
    assert client.info("server")["redis_version"]  # a real server: fakes have no INFO
    assert "Started a private redis-server" in capsys.readouterr().out


def test_second_call_reuses_the_running_server(server_name: str) -> None:
    redis_server.client(server_name).set("k", "survives")
    pid = redis_server.client(server_name).info("server")["process_id"]
    assert redis_server.client(server_name).get("k") == "survives"
    assert redis_server.client(server_name).info("server")["process_id"] == pid


def test_stale_socket_and_pid_file_are_replaced(server_name: str) -> None:
    """A server that died (or a socket left over from a reboot) is replaced, not trusted."""
    client = redis_server.client(server_name)
    old_pid = client.info("server")["process_id"]
    os.kill(old_pid, signal.SIGKILL)
    time.sleep(0.1)
    socket, pidfile, _ = redis_server._files(server_name)
    assert socket.exists() or pidfile.exists()  # the leftovers a crash leaves behind
    new_client = redis_server.client(server_name)
    assert new_client.ping()
    assert new_client.info("server")["process_id"] != old_pid


def test_settings_apply_to_a_named_server(server_name: str) -> None:
    client = redis_server.client(server_name, settings={"maxmemory": "2mb",
                                                        "maxmemory-policy": "allkeys-lru"})
    assert client.config_get("maxmemory")["maxmemory"] == str(2 * 1024 * 1024)
    assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "allkeys-lru"


def test_missing_binary_says_how_to_install_one(server_name: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redis_server, "find_binary", lambda: None)
    with pytest.raises(CourseError) as raised:
        redis_server.client(server_name)
    assert "No redis-server program was found" in str(raised.value)
    assert "sudo apt-get install redis-server" in str(raised.value)


def test_unreachable_url_names_the_url_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKENDLAB_REDIS_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(CourseError) as raised:
        redis_server.client()
    assert "BACKENDLAB_REDIS_URL=redis://127.0.0.1:1/0" in str(raised.value)
    assert "unset BACKENDLAB_REDIS_URL" in str(raised.value)


def test_fresh_keyspace_empties_only_its_own_prefix() -> None:
    client = redis_server.client()
    client.set("mine:a", 1)
    client.set("other:a", 1)
    assert redis_server.fresh_keyspace(client, "mine") == "mine:"
    assert client.exists("mine:a") == 0
    assert client.exists("other:a") == 1


def test_grading_kernels_get_keyspaces_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    prefix = redis_server.fresh_keyspace(redis_server.client(), "unit")
    assert prefix == f"unit-g{os.getpid()}:"


def test_a_second_kernel_on_the_same_notebook_gets_keys_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two tabs of one notebook: the first kernel keeps the plain prefix, the second gets its
    own, and neither deletes the other's keys; once the first kernel is gone, its name is free
    again, and a second kernel's leftover keys are deleted once that kernel is gone."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(redis_server, "_KERNEL_SUFFIXES", {})
    client = redis_server.client()
    first_tab = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (runtime_dir() / "owner-two-tabs").write_text(f"{first_tab.pid}\n")
        client.set("two-tabs:page", "the first tab's")
        client.set("two-tabs-k999999999:page", "a closed tab's")
        prefix = redis_server.fresh_keyspace(client, "two-tabs")
        assert prefix == f"two-tabs-k{os.getpid()}:"
        assert client.get("two-tabs:page") == "the first tab's"
        assert client.exists("two-tabs-k999999999:page") == 0
    finally:
        first_tab.kill()
        first_tab.wait()
    assert redis_server.fresh_keyspace(client, "two-tabs") == prefix  # this kernel keeps its keys
    redis_server._KERNEL_SUFFIXES.clear()  # a kernel started after the first tab closed
    assert redis_server.fresh_keyspace(client, "two-tabs") == "two-tabs:"
    assert client.exists("two-tabs:page") == 0


def test_stop_reports_whether_a_server_ran(server_name: str) -> None:
    redis_server.client(server_name)
    assert redis_server.stop(server_name) is True
    assert redis_server.stop(server_name) is False
    socket, _, _ = redis_server._files(server_name)
    assert not socket.exists()
