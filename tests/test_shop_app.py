"""The shop app: each kind serves the shop over a unix socket, is reused, replaced when stale,
counts the requests that reach it, and explains why it did not start."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest
import sqlalchemy as sa

from backendlab import web
from backendlab.errors import CourseError
from backendlab.load import UnixHTTPConnection
from backendlab.paths import data_dir
from backendlab.services import shop_app

KINDS = shop_app.KINDS


@pytest.fixture
def name(instance_name: str) -> str:
    """An app of the test's own, stopped afterwards."""
    yield instance_name
    shop_app.stop(instance_name)


def get(app: shop_app.App, path: str, method: str = "GET", headers: dict | None = None,
        body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = UnixHTTPConnection(app.socket)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_exchange(path: os.PathLike, data: bytes, settle: float = 0.5) -> bytes:
    """Send raw bytes, read until the server closes or stays quiet for ``settle`` seconds."""
    with socket.socket(socket.AF_UNIX) as client:
        client.settimeout(settle)
        client.connect(str(path))
        client.sendall(data)
        received = b""
        try:
            while chunk := client.recv(65536):
                received += chunk
        except TimeoutError:
            pass
        return received


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_serves_the_shop(kind: str, name: str, capsys: pytest.CaptureFixture) -> None:
    app = shop_app.start(name, kind)
    assert f"Started the {kind} shop app" in capsys.readouterr().out
    assert app.socket.is_socket() and app.socket.parent.stat().st_mode & 0o077 == 0
    status, headers, body = get(app, "/products/1")
    assert status == 200 and headers["content-type"] == "application/json"
    product = json.loads(body)
    assert product["id"] == 1 and set(product) == {"id", "name", "category", "price_cents"}
    assert headers["etag"].startswith('"')
    assert get(app, "/products/999999")[0] == 404
    assert json.loads(get(app, "/products?limit=3&after=10")[2])["products"][0]["id"] == 11
    orders = json.loads(get(app, "/customers/1/orders")[2])
    assert orders["customer_id"] == 1 and orders["orders"]
    assert get(app, "/customers/999999/orders")[0] == 404
    assert json.loads(get(app, "/health")[2])["kind"] == kind
    assert get(app, "/no-such-page")[0] == 404
    assert get(app, "/products/abc")[0] == (422 if kind == "fastapi" else 404)  # as documented


@pytest.mark.parametrize("kind", KINDS)
def test_etag_304_head_and_methods(kind: str, name: str) -> None:
    app = shop_app.start(name, kind)
    _, headers, body = get(app, "/products/2")
    status, again, empty = get(app, "/products/2", headers={"If-None-Match": headers["etag"]})
    assert (status, again["etag"], empty) == (304, headers["etag"], b"")
    assert get(app, "/products/2", headers={"If-None-Match": f'"other", W/{headers["etag"]}'})[0] == 304
    assert get(app, "/products/2", headers={"If-None-Match": '"other"'})[0] == 200
    status, head, nothing = get(app, "/products/2", method="HEAD")
    assert (status, nothing, head["content-length"]) == (200, b"", str(len(body)))
    status, refused, _ = get(app, "/products/2", method="POST", body=b"{}")
    assert status == 405 and set(refused["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    echoed = json.loads(get(app, "/echo?q=1", method="POST", headers={"X-Test": "yes"}, body=b"hi")[2])
    assert echoed["method"] == "POST" and echoed["path"] == "/echo?q=1" and echoed["body"] == "hi"
    assert ["x-test", "yes"] in [[k.lower(), v] for k, v in echoed["headers"]]
    status, cookie, user = get(app, "/login?user=alice")  # a private answer: it sets a cookie
    assert (status, cookie["set-cookie"], json.loads(user)) == (200, "session=alice; Path=/; HttpOnly",
                                                               {"user": "alice"})


def test_the_same_etag_from_every_kind(name: str) -> None:
    tags = set()
    for kind in KINDS:
        tags.add(get(shop_app.start(name, kind), "/products/3")[1]["etag"])
    assert len(tags) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_requests_served_counts_what_reached_the_app(kind: str, name: str) -> None:
    app = shop_app.start(name, kind)
    assert app.requests_served() == 0  # the readiness probe is not counted
    for _ in range(5):
        get(app, "/products/1")
    get(app, "/nope")
    assert app.requests_served() == 6
    assert app.stop() is True
    assert app.requests_served() == 6  # still readable: "the cache answered, not the app"
    assert not app.socket.exists()
    assert app.stop() is False


def test_second_start_reuses_and_other_options_replace(name: str, capsys: pytest.CaptureFixture) -> None:
    first = shop_app.start(name, "stdlib")
    get(first, "/products/1")
    pid = first.pid
    again = shop_app.start(name, "stdlib")
    assert again.pid == pid and again.requests_served() == 1
    other = shop_app.start(name, "blocking", delay=0.01)
    assert other.pid != pid and other.kind == "blocking" and other.options["delay"] == 0.01
    assert "Replacing the running stdlib app" in capsys.readouterr().out
    assert other.requests_served() == 0


def test_an_app_running_old_code_is_replaced(name: str, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture) -> None:
    pid = shop_app.start(name, "stdlib").pid
    monkeypatch.setattr(shop_app, "_code_version", lambda: "a newer course")
    assert shop_app.start(name, "stdlib").pid != pid
    assert "the course's code has changed since it started" in capsys.readouterr().out


def test_stale_socket_and_pid_file_are_replaced(name: str) -> None:
    """An app that was killed leaves its socket and pid file: the next start replaces them."""
    app = shop_app.start(name, "stdlib")
    os.kill(app.pid, signal.SIGKILL)
    time.sleep(0.1)
    shop_app._reap(int(shop_app._files(shop_app._stem(name))["pid"].read_text()))
    assert app.socket.exists()
    fresh = shop_app.start(name, "stdlib")
    assert get(fresh, "/health")[0] == 200


def test_blocking_workers_stop_serving_when_their_master_is_killed(name: str) -> None:
    """SIGKILL gives the master no chance to stop its forked workers: they notice on their own
    (else they would go on serving the old app from the shared socket)."""
    app = shop_app.start(name, "blocking", workers=2)
    for _ in range(20):  # each connection wakes both workers: one serves, the other must not hang
        assert get(app, "/health")[0] == 200
    master = app.pid
    workers = [child.pid for child in psutil.Process(master).children()]
    assert len(workers) == 2
    os.kill(master, signal.SIGKILL)
    shop_app._reap(master)
    assert web.wait_until(lambda: not any(shop_app.process_runs(pid, shop_app.PROGRAM)
                                          for pid in workers))


def test_a_leftover_socket_file_is_removed(name: str) -> None:
    path = shop_app._files(shop_app._stem(name))["sock"]
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(path))  # bound but never listening, then abandoned: "Address in use"
    leftover.close()
    assert get(shop_app.start(name, "fastapi"), "/health")[0] == 200


def test_stdlib_keeps_the_connection_open_blocking_closes_it(name: str) -> None:
    two = (b"GET /health HTTP/1.1\r\nHost: shop\r\n\r\n"
           b"GET /products/1 HTTP/1.1\r\nHost: shop\r\n\r\n")
    answers = raw_exchange(shop_app.start(name, "stdlib").socket, two)
    assert answers.count(b"HTTP/1.1 200 OK") == 2
    answers = raw_exchange(shop_app.start(name, "blocking").socket, two)
    assert answers.count(b" 200 OK") == 1  # a sync worker answers once, then hangs up


def test_blocking_workers_queue_behind_a_slow_request(name: str) -> None:
    """One sync worker busy with /slow: a second connection is accepted by the kernel but not
    answered until the worker is free (a proxy in front would time out: the 504 lesson)."""
    app = shop_app.start(name, "blocking", workers=1)
    with socket.socket(socket.AF_UNIX) as slow, socket.socket(socket.AF_UNIX) as waiting:
        slow.connect(str(app.socket))
        slow.sendall(b"GET /slow?seconds=1 HTTP/1.0\r\n\r\n")
        time.sleep(0.1)
        waiting.connect(str(app.socket))
        waiting.sendall(b"GET /health HTTP/1.0\r\n\r\n")
        waiting.settimeout(0.3)
        with pytest.raises(TimeoutError):
            waiting.recv(100)
        waiting.settimeout(5)
        assert waiting.recv(100).startswith(b"HTTP/1.0 200")


def test_a_busy_blocking_app_is_reused_not_restarted(name: str) -> None:
    """Re-running a notebook cell while the only sync worker serves a slow request."""
    app = shop_app.start(name, "blocking", workers=1)
    pid = app.pid
    with socket.socket(socket.AF_UNIX) as slow:
        slow.connect(str(app.socket))
        slow.sendall(b"GET /slow?seconds=4 HTTP/1.0\r\n\r\n")
        time.sleep(0.2)
        assert shop_app.start(name, "blocking", workers=1).pid == pid


def test_bad_kind_and_options_are_explained(name: str) -> None:
    with pytest.raises(CourseError, match="no app kind called 'flask'"):
        shop_app.start(name, "flask")
    with pytest.raises(CourseError, match="has no option 'workers'"):
        shop_app.start(name, "fastapi", workers=2)
    with pytest.raises(CourseError, match="out of range"):
        shop_app.start(name, "blocking", workers=0)
    with pytest.raises(CourseError, match="give at most 60 seconds"):
        shop_app.start(name, "fastapi", delay=3600)  # /slow's cap holds for delay= too
    with pytest.raises(CourseError, match="not a usable app name"):
        shop_app.start("../x")


def test_an_app_that_cannot_start_shows_its_log(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKENDLAB_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(CourseError) as raised:
        shop_app.start(name, "stdlib")
    message = str(raised.value)
    assert "did not start (it exited with status" in message
    assert "127.0.0.1" in message  # the app's own error, from its log
    assert "How to fix it" in message
    assert not shop_app._files(shop_app._stem(name))["pid"].exists()


@pytest.mark.parametrize("tag", ["k1", ""])
def test_grading_kernels_get_apps_of_their_own(name: str, tag: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """In the sandbox a kernel is tagged; outside (Validate) its pid names it — not the app's."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    monkeypatch.setenv("BACKENDLAB_KERNEL_TAG", tag)
    app = shop_app.start(name, "stdlib")
    assert app.socket.name == f"app-{name}-g{tag or os.getpid()}.sock"
    assert get(app, "/health")[0] == 200
    assert shop_app.stop(name) is True


def test_on_sqlite_the_app_reads_the_dataset_read_only(name: str) -> None:
    """No working copy per start (88 MB at full scale, ~10 starts per graded student): the
    app opens the pristine dataset read-only, so it cannot change it either."""
    workspaces = data_dir() / "workspaces"
    before = set(workspaces.glob("*")) if workspaces.is_dir() else set()
    app = shop_app.start(name, "stdlib")
    assert json.loads(get(app, "/products/1")[2])["id"] == 1
    after = set(workspaces.glob("*")) if workspaces.is_dir() else set()
    assert after == before
    shop = shop_app._open_shop(name)
    with pytest.raises(sa.exc.OperationalError, match="readonly database"):
        with shop.engine.begin() as connection:
            connection.execute(sa.text("UPDATE products SET price_cents = 0 WHERE id = 1"))
    assert shop.product(1)["price_cents"] > 0


def test_the_app_serves_postgresql_too(name: str, sql_backend: str) -> None:
    app = shop_app.start(name, "stdlib")
    assert json.loads(get(app, "/products/1")[2])["id"] == 1
    assert json.loads(get(app, "/customers/1/orders")[2])["orders"]


def test_a_grading_kernels_app_stops_when_the_kernel_has_gone(name: str) -> None:
    """A grading kernel that exits (or is killed) leaves no app running behind it."""
    kernel = subprocess.run(
        [sys.executable, "-c", "from backendlab.services import shop_app; "
         f"print(shop_app.start({name!r}, 'blocking', workers=2).pid)"],
        capture_output=True, text=True, env={**os.environ, "NBGRADER_EXECUTION": "autograde",
                                             "BACKENDLAB_KERNEL_TAG": "gone"}, check=True)
    pid = int(kernel.stdout.split()[-1])
    assert web.wait_until(lambda: not shop_app.process_runs(pid, shop_app.PROGRAM))
    assert not list(shop_app.runtime_dir().glob(f"app-{name}-ggone.*"))  # no files left either


def test_a_stdlib_app_stops_at_once_while_nginx_holds_idle_keep_alive_connections(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM alone ends it (daemon threads): the SIGKILL fallback, after 5 s, is not needed."""
    site, app = web.nginx("stop-keepalive"), web.app("stop-keepalive", kind="stdlib")
    try:
        site.apply('upstream a { server unix:{app}; keepalive 4; } server { listen {listen}; '
                   'location / { proxy_pass http://a; proxy_http_version 1.1; '
                   'proxy_set_header Connection ""; } }', app=app.socket)
        assert [site.get("/health").status for _ in range(4)] == [200] * 4

        def no_sigkill(*_: object) -> None:
            raise AssertionError("SIGTERM did not stop the app: stop() fell back to SIGKILL")

        monkeypatch.setattr(shop_app.os, "killpg", no_sigkill)
        assert app.stop()
        monkeypatch.undo()
    finally:
        site.stop()
        app.stop()
