"""The shop app behind nginx: started, reused and stopped like the private Redis.

``start(name, kind)`` runs the shop API (``shop_api``) as its own process, listening on a unix
socket in the per-user runtime folder (on a shared machine a loopback port is visible to every
user; a socket in a 0700 folder is not). Three kinds, one per lesson:

- ``"fastapi"``: FastAPI on uvicorn (one worker) — the app learners expect to deploy;
- ``"blocking"``: sync workers (``workers=1`` by default), each serving one request at a time
  and closing the connection, like gunicorn's sync workers — where queueing, 502 and 504 are
  the lesson (``delay=`` seconds per request, ``backlog=`` connections waiting);
- ``"stdlib"``: Python's http.server speaking HTTP/1.1 with keep-alive — where raw HTTP is the
  lesson, because there is nothing between the bytes and the handler.

The process is its own session, so it survives a kernel restart and is reused by the next
``start`` with the same name, kind and options (other options: it is replaced). Ready means an
HTTP 200 from it, not a socket that exists. ``App.requests_served()`` counts the requests that
reached the app, so a lesson can prove that a cache answered instead.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket as socketlib
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._process import exclusive_lock, log_tail, process_runs, read_number
from ..errors import CourseError
from ..load import UnixHTTPConnection
from ..paths import grading_suffix, runtime_dir
from . import check_name, shop_api

KINDS = ("fastapi", "blocking", "stdlib")
OPTIONS = {  # option: (kinds that take it, type, default)
    "delay": (KINDS, float, 0.0),
    "workers": (("blocking",), int, 1),
    "backlog": (("blocking", "stdlib"), int, 64),
}
DATA_VARIABLES = ("BACKENDLAB_DATABASE_URL", "BACKENDLAB_SCALE", "BACKENDLAB_DATA_DIR")
PROGRAM = "backendlab.services.shop_app"  # in every app's command line: never signal others
START_TIMEOUT = 180.0  # the first start may build the dataset (seconds at full scale)


@dataclass
class App:
    """A running shop app. nginx reaches it with ``server unix:{app.socket};``."""

    name: str
    kind: str
    socket: Path
    options: dict[str, Any] = field(default_factory=dict)

    def requests_served(self) -> int:
        """How many requests reached the app since it started (the readiness probe excluded).
        Still readable after the app stopped."""
        try:
            return _files(_stem(self.name))["count"].stat().st_size
        except FileNotFoundError:
            return 0

    @property
    def pid(self) -> int | None:
        """The app's main process id, or None when it is not running (like ``site.pid``)."""
        pid = read_number(_files(_stem(self.name))["pid"])
        return pid if pid and process_runs(pid, PROGRAM) else None

    @property
    def static(self) -> Path:
        """The folder the "fastapi" app serves at ``/static/`` (``app.mount("/static",
        StaticFiles(...))``, as FastAPI apps do): a lesson puts the same file here and in
        nginx's root to measure who serves it better."""
        folder = _files(_stem(self.name))["static"]
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def log(self) -> list[str]:
        """The app's own log (start-up messages, tracebacks)."""
        try:
            return _files(_stem(self.name))["log"].read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return []

    def stop(self) -> bool:
        return stop(self.name)


# --- the service manager --------------------------------------------------------------------------


def _check_name(name: str) -> str:
    return check_name(name, "app")


def _stem(name: str) -> Path:
    """Where the app's files go: the runtime folder; grading kernels get their own (``-g…``)."""
    return runtime_dir() / f"app-{name}{grading_suffix()}"


def _files(stem: Path) -> dict[str, Path]:
    """The app's files, ``_files(_stem(name))``. The app process is told its ``stem`` by the
    manager: while grading outside the sandbox, its own ``grading_suffix()`` (its pid) is not
    the kernel's."""
    return {part: Path(f"{stem}.{part}")
            for part in ("sock", "pid", "log", "count", "json", "static", "lock")}


def _check_options(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise CourseError(f"There is no app kind called {kind!r}.",
                          f"use one of {', '.join(repr(k) for k in KINDS)}.")
    checked = {option: default for option, (kinds, _, default) in OPTIONS.items() if kind in kinds}
    for option, value in options.items():
        if option not in OPTIONS or kind not in OPTIONS[option][0]:
            takes = [name for name, (kinds, _, _) in OPTIONS.items() if kind in kinds]
            raise CourseError(f"The {kind!r} app has no option {option!r}.",
                              f"its options are: {', '.join(takes)}.")
        wanted = OPTIONS[option][1]
        try:
            checked[option] = wanted(value)
        except (TypeError, ValueError):
            raise CourseError(f"{option}={value!r} is not a {wanted.__name__}.",
                              f"give {option} as a number, e.g. {option}={OPTIONS[option][2]!r}.") from None
        if checked[option] < 0 or (option in ("workers", "backlog") and checked[option] < 1):
            raise CourseError(f"{option}={value!r} is out of range.",
                              f"give a positive {option}, e.g. {option}={OPTIONS[option][2]!r}.")
        if option == "delay" and not checked[option] <= shop_api.MAX_SLEEP:  # NaN too
            raise CourseError(f"delay={value!r} is out of range.",
                              f"give at most {shop_api.MAX_SLEEP:g} seconds (longer than any "
                              "proxy timeout a lesson sets), e.g. delay=0.5.")
    return checked


def _probe(socket: Path, timeout: float = 2.0) -> str:
    """"ready" (an HTTP 200 from the readiness probe: a socket that exists is not enough),
    "busy" (connected, but no answer in time: a sync worker serving a slow request), or
    "down" (no socket, nobody accepting, or a broken answer)."""
    if not socket.exists():
        return "down"
    connection = UnixHTTPConnection(socket, timeout=timeout)
    try:
        connection.request("GET", shop_api.READY_PATH)
        return "ready" if connection.getresponse().status == 200 else "down"
    except TimeoutError:
        return "busy"
    except (OSError, http.client.HTTPException):
        return "down"
    finally:
        connection.close()


def _running(name: str) -> dict | None:
    """The state file of app ``name`` if its process still runs and answers — or is busy
    answering others (re-running a cell while the blocking app serves /slow must not
    restart it)."""
    files = _files(_stem(name))
    pid = read_number(files["pid"])
    if not (pid and process_runs(pid, PROGRAM) and _probe(files["sock"]) != "down"):
        return None
    try:
        return json.loads(files["json"].read_text())
    except (OSError, ValueError):
        return None


def _kill(name: str, wait: float = 5.0) -> bool:
    """Stop app ``name`` (SIGTERM, then SIGKILL) and remove its socket and pid file."""
    files = _files(_stem(name))
    pid = read_number(files["pid"])
    running = bool(pid and process_runs(pid, PROGRAM))
    if running:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while process_runs(pid, PROGRAM) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.02)
        if process_runs(pid, PROGRAM):
            os.killpg(pid, signal.SIGKILL)
        _reap(pid)
    files["sock"].unlink(missing_ok=True)
    files["pid"].unlink(missing_ok=True)
    return running


def _reap(pid: int) -> None:
    """Collect an app we started ourselves once it exits (else it lingers as a zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _why(state: dict, wanted: dict) -> str:
    """Why a running app is not the one asked for, in a few words."""
    if (state.get("kind"), state.get("options")) != (wanted["kind"], wanted["options"]):
        return (f"options {state.get('options')} → a {wanted['kind']} app with options "
                f"{wanted['options']}")
    if state.get("data") != wanted["data"]:
        return f"its data settings ({', '.join(DATA_VARIABLES)}) have changed"
    return "the course's code has changed since it started"


def _code_version() -> str:
    """A fingerprint of the app's own code (this module and the shop API)."""
    digest = hashlib.sha256()
    for module in (__file__, shop_api.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


def start(name: str = "shop", kind: str = "fastapi", **options: Any) -> App:
    """Start the shop app ``name`` of ``kind`` unless it already runs so; return it.

    Options: ``delay`` (seconds before every answer; every kind), ``workers`` (sync workers,
    "blocking"), ``backlog`` (connections the socket queues; "blocking", "stdlib"). A running
    app with another kind or other options is replaced (its request counter starts again).
    """
    _check_name(name)
    options = _check_options(kind, options)
    files = _files(_stem(name))
    # The data it serves belongs to its identity too: an app started on SQLite is not reused
    # once the learner points BACKENDLAB_DATABASE_URL at PostgreSQL.
    # So is its code: after a course update, the next start replaces an app still running
    # the old code.
    wanted = {"kind": kind, "options": options,
              "data": [os.environ.get(variable) for variable in DATA_VARIABLES],
              "code": _code_version()}
    with exclusive_lock(files["lock"]):
        state = _running(name)
        if state == wanted:
            return App(name, kind, files["sock"], options)
        if state is not None:
            print(f"Replacing the running {state['kind']} app {name!r}: {_why(state, wanted)}.")
        _kill(name)
        files["count"].write_bytes(b"")
        files["json"].write_text(json.dumps(wanted))
        command = [sys.executable, "-m", PROGRAM, "serve", "--name", name, "--kind", kind,
                   "--options", json.dumps(options), "--stem", str(_stem(name))]
        if grading_suffix():  # a grading kernel's app is of no use once the kernel has gone
            command += ["--parent", str(os.getpid())]
        with open(files["log"], "wb") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                       start_new_session=True, cwd=runtime_dir())
        files["pid"].write_text(f"{process.pid}\n")
        deadline = time.monotonic() + START_TIMEOUT
        while _probe(files["sock"]) != "ready":
            if process.poll() is not None or time.monotonic() > deadline:
                _kill(name)
                raise CourseError(
                    f"The {kind} shop app {name!r} did not start "
                    f"({'it exited with status ' + str(process.returncode) if process.returncode is not None else 'no HTTP 200 after ' + str(int(START_TIMEOUT)) + ' s'}). "
                    f"The end of its log ({files['log']}):\n{log_tail(files['log'])}",
                    "read the log above. A missing module means the course's environment is "
                    "incomplete: run `python -m backendlab doctor`.")
            time.sleep(0.02)
        print(f"Started the {kind} shop app {name!r} on unix socket {files['sock']}.")
        return App(name, kind, files["sock"], options)


def stop(name: str = "shop") -> bool:
    """Stop the app ``name``; return whether one was running. Its request count stays readable."""
    _check_name(name)
    with exclusive_lock(_files(_stem(name))["lock"]):
        return _kill(name)


# --- the app process ------------------------------------------------------------------------------


def _open_shop(name: str) -> shop_api.Shop:
    """The shop the app serves. The app only reads: on SQLite it opens the pristine dataset
    read-only (no 88 MB working copy per start; a grading sandbox binds the datasets folder
    read-only, and ``mode=ro`` needs no journal or lock file beside it). On PostgreSQL it
    gets a working copy as a lesson does (``BACKENDLAB_DATABASE_URL``)."""
    import sqlalchemy as sa  # noqa: PLC0415 - only the app process needs the database

    from .. import datasets  # noqa: PLC0415
    from ..sql import URL_VARIABLE, database  # noqa: PLC0415

    if os.environ.get(URL_VARIABLE):
        return shop_api.Shop(database(f"shop-app-{name}"))
    uri = f"{datasets.shop_sqlite().resolve().as_uri()}?mode=ro"
    return shop_api.Shop(sa.create_engine(  # a pool of file connections, shared by threads
        "sqlite://", poolclass=sa.pool.QueuePool,
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)))


def _bind(path: Path, backlog: int) -> socketlib.socket:
    """A listening unix socket at ``path``, replacing a stale one (a crash leaves it behind;
    the manager only starts us once the old process is gone)."""
    path.unlink(missing_ok=True)
    listener = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(backlog)
    return listener


def _serve_fastapi(name: str, stem: Path, options: dict[str, Any]) -> None:
    import uvicorn  # noqa: PLC0415

    files = _files(stem)
    app = shop_api.fastapi_app(_open_shop(name), shop_api.Counter(files["count"]),
                               options.get("delay", 0.0))
    from starlette.staticfiles import StaticFiles  # noqa: PLC0415

    files["static"].mkdir(mode=0o700, exist_ok=True)
    app.mount("/static", StaticFiles(directory=files["static"]), name="static")
    listener = _bind(files["sock"], 2048)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[listener])


def _serve_stdlib(name: str, stem: Path, kind: str, options: dict[str, Any]) -> None:
    """http.server on a unix socket: threads and keep-alive ("stdlib"), or forked sync
    workers that close every connection ("blocking")."""
    import socketserver  # noqa: PLC0415
    from http.server import BaseHTTPRequestHandler  # noqa: PLC0415

    files = _files(stem)
    shop = _open_shop(name)
    counter = shop_api.Counter(files["count"])
    delay = options.get("delay", 0.0)

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keeps the connection open for the next request (every reply has a
        # Content-Length); the sync workers speak HTTP/1.0 and close, as gunicorn's do.
        protocol_version = "HTTP/1.1" if kind == "stdlib" else "HTTP/1.0"

        def version_string(self) -> str:
            return f"backendlab-{kind}"
        timeout = 30  # an idle keep-alive connection does not hold a thread forever

        def address_string(self) -> str:  # a unix socket's peer has no address
            return "unix"

        def log_message(self, format: str, *args: Any) -> None:  # no access log: counters
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path != shop_api.READY_PATH:
                counter.add()
                if delay:
                    time.sleep(delay)
                reply = shop_api.route(shop, kind, self.command, self.path,
                                       list(self.headers.items()), body)
            else:
                reply = shop_api.Reply(200, shop_api.to_json({"ready": True}))
            self.send_response(reply.status)
            if reply.status != 304:
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
            for header, value in reply.headers.items():
                self.send_header(header, value)
            self.end_headers()
            if self.command != "HEAD" and reply.status != 304:
                self.wfile.write(reply.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _answer

    class Server(socketserver.UnixStreamServer):
        def server_bind(self) -> None:  # bound by _bind (stale socket removed, mode 600)
            pass

        def server_activate(self) -> None:
            pass

    class ThreadingServer(socketserver.ThreadingMixIn, Server):
        # Daemon threads: SIGTERM ends the app at once, not after the idle keep-alive
        # connections nginx holds open have timed out (30 s).
        daemon_threads = True
        block_on_close = False

    class WorkerServer(Server):
        def service_actions(self) -> None:
            """Between requests (every 0.5 s when idle): a master killed with SIGKILL sends
            no SIGTERM, so a worker whose master has gone stops serving on its own."""
            if os.getppid() != master:
                os._exit(0)

    listener = _bind(files["sock"], options.get("backlog", 64))
    if kind == "stdlib":
        server = ThreadingServer(str(files["sock"]), Handler, bind_and_activate=False)
        server.socket.close()
        server.socket = listener
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        server.serve_forever()
        return
    # Every worker waits in select() on the shared socket, and a new connection wakes them all;
    # only one accept() succeeds. A blocking accept() would leave the others stuck until the
    # next connection, deaf to service_actions (a SIGKILLed master's workers lingered on):
    # a non-blocking one returns at once ("would block"), as gunicorn's sync workers do.
    listener.setblocking(False)
    master = os.getpid()
    workers = []
    for _ in range(options.get("workers", 1)):
        pid = os.fork()
        if pid == 0:  # a sync worker: one connection at a time, from the shared socket
            shop.engine.dispose(close=False)  # no pooled connection crosses the fork
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            server = WorkerServer(str(files["sock"]), Handler, bind_and_activate=False)
            server.socket.close()
            server.socket = listener
            server.serve_forever()
            os._exit(0)
        workers.append(pid)

    def stop_workers(*_: Any) -> None:
        for worker in workers:
            try:
                os.kill(worker, signal.SIGTERM)
            except ProcessLookupError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_workers)
    while True:
        try:
            os.wait()  # a worker that dies stays dead: fewer workers, as in a crashing app
        except ChildProcessError:  # every worker has gone: so does the app
            sys.exit(1)


def _alive(pid: int) -> bool:
    """Does ``pid`` run (a zombie, whose command line is empty, does not)?"""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes() != b""
    except OSError:
        return False


def _stop_with(parent: int, stem: Path) -> None:
    """Stop this app (as ``stop`` would: SIGTERM) once ``parent`` has gone, and remove its
    files: nobody will read a gone grading kernel's counter."""
    while _alive(parent):
        time.sleep(0.5)
    for path in _files(stem).values():
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {PROGRAM}")
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--name", required=True)
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--options", default="{}")
    parser.add_argument("--stem", type=Path, required=True, help="where the app's files go")
    parser.add_argument("--parent", type=int, help="stop when this process has gone")
    arguments = parser.parse_args(argv)
    options = json.loads(arguments.options)
    if arguments.parent:
        threading.Thread(target=_stop_with, args=(arguments.parent, arguments.stem),
                         daemon=True).start()
    if arguments.kind == "fastapi":
        _serve_fastapi(arguments.name, arguments.stem, options)
    else:
        _serve_stdlib(arguments.name, arguments.stem, arguments.kind, options)


if __name__ == "__main__":
    main()
