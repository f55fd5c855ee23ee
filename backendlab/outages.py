"""Redis failing on purpose, for lesson 3.10: a real server frozen or stopped, a server that
never answers, and a clock a test moves by hand.

What the app does when its cache fails is graded on what happened: whether the page was served,
how many times the database was asked, how many connections a client opened to a server that
does not answer — never on how long anything took. The failures are real: ``frozen`` stops the
real ``redis-server`` process (SIGSTOP: the kernel still accepts connections, nobody answers),
``stopped`` shuts it down (nothing listens on the socket), and :class:`SilentServer` is a unix
socket in the per-user runtime folder that accepts connections, reads what is sent and never
replies, counting every connection — how a test sees how often a client retried.

    with outages.frozen(r):          # r's private server stops answering until the block ends
        ...
    with outages.stopped("03-fails"):  # caching.private_server("03-fails") is down meanwhile
        ...
    with outages.SilentServer() as silent:
        client = redis.Redis(unix_socket_path=silent.path, socket_timeout=0.2)
        ...; silent.connections
"""

from __future__ import annotations

import io
import os
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from . import caching
from .errors import CourseError
from .paths import runtime_dir


def _server_pid(r: redis.Redis) -> int:
    """The pid of the course's private redis-server behind ``r`` (its pid file lies next to its
    socket); only such a server may be frozen: it is yours."""
    path = r.connection_pool.connection_kwargs.get("path")
    pidfile = Path(str(path)).with_suffix(".pid") if path else None
    try:
        return int(pidfile.read_text()) if pidfile else 0
    except (OSError, ValueError):
        return 0


@contextmanager
def frozen(r: redis.Redis) -> Iterator[None]:
    """Inside the block the redis-server behind ``r`` is paused (SIGSTOP), as a server swapping,
    stuck in a long command or behind a broken network looks: connections are accepted by the
    kernel, no command is answered. It goes on where it was when the block ends."""
    pid = _server_pid(r)
    if not pid:
        raise CourseError("This client does not talk to one of the course's private Redis servers, "
                          "so there is no server process of yours to freeze.",
                          'use a client from caching.private_server("name").')
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@contextmanager
def stopped(name: str) -> Iterator[None]:
    """Inside the block the private server ``name`` (``caching.private_server(name)``) is shut
    down: nothing listens on its socket. It is started again, empty, when the block ends — as
    a restarted cache without persistence is; clients of it reconnect by themselves."""
    caching.stop_private_server(name)
    try:
        yield
    finally:
        with redirect_stdout(io.StringIO()):  # not "Started a private redis-server" after each outage
            caching.private_server(name)


class SilentServer:
    """A unix socket that accepts connections and never answers: a Redis that hangs. Counts
    the connections made to it (``connections``), which is how often a client tried.

    Leaving the block closes every connection, so a client still waiting gets an error instead
    of waiting forever (a test with a client that has no timeout can still end)."""

    def __init__(self, prefix: str = "silent-") -> None:
        """``prefix`` names its folder: a hidden test can give it a name like any other server's."""
        self._folder = Path(tempfile.mkdtemp(prefix=prefix, dir=runtime_dir()))
        self.path = str(self._folder / "redis.sock")
        self.connections = 0
        self._accepted: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_UNIX)
        self._listener.bind(self.path)
        self._listener.listen(64)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # closed: the block has ended
            with self._lock:
                self.connections += 1
                self._accepted.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(5)
        with self._lock:
            for connection in self._accepted:
                connection.close()
        Path(self.path).unlink(missing_ok=True)
        self._folder.rmdir()


class ManualClock:
    """A clock that only moves when told (``advance``): call it like ``time.monotonic``. A
    circuit breaker's cool-down is then checked without waiting and without timing."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Attempt(caching.Background):
    """One call run in a thread of its own (a ``caching.Background``) and given ``seconds`` to
    end: whether it ended, how long it took, and what it returned or raised. A call that would
    wait forever is then a fact a test can state ("still waiting after 10 s"), not a kernel that
    hangs; ``result(seconds)`` waits longer, then returns or raises as the call did."""

    def __init__(self, action: Callable[[], Any], seconds: float) -> None:
        self.seconds: float | None = None  # how long the call took, once it has ended
        started = time.perf_counter()

        def timed() -> Any:
            try:
                return action()
            finally:
                self.seconds = time.perf_counter() - started

        super().__init__(timed)
        self._thread.join(seconds)

    @property
    def ended(self) -> bool:
        return not self._thread.is_alive()

    @property
    def value(self) -> Any:
        return self._value

    @property
    def error(self) -> BaseException | None:
        return self._error


def failing_fast(r: redis.Redis, seconds: float = 0.2) -> redis.Redis:
    """A client to the same server as ``r`` that tries once and waits ``seconds`` at most for a
    reply. Lesson 3.10's tests of fail-open and of the circuit breaker use it, so that those
    exercises are graded whatever your answer to the client exercise is."""
    pool = r.connection_pool
    options = {**pool.connection_kwargs, "socket_timeout": seconds, "socket_connect_timeout": seconds,
               "retry": Retry(NoBackoff(), 0)}
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **options))
