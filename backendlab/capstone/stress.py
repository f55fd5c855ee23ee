"""What the cache exercises of unit 5 put the app through: a crowd of real clients, a slow or
failing database, a competing reader at the moment a write commits, Redis stopped or frozen.

Every one of them acts on the real thing — the app's socket, the project's database engine, the
project's redis-server process — never on the learner's methods, so any correct technique passes
(a Redis lock or another kind, delete or a versioned key, ``except redis.RedisError`` or a
wrapper), and the evidence is what happened: statements per request, statuses, prices, keys::

    from backendlab.capstone import stress
    app = stress.serve(project, Mine)                  # served with a cache client that fails fast
    with stress.slow_database(project, 0.3):            # every product query takes 0.3 s more
        answers = stress.crowd(app, "/products/17", 20) # 20 clients released together
    with stress.reader_at_commit(app, "/products/17"):  # a competing GET while the write commits
        app.request("PUT", "/products/17/price", {"price_cents": 999})
    stress.stop_redis(project); ...; stress.start_redis(project)
    with stress.frozen_redis(project): ...              # Redis alive but silent: timeouts
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import redis
import sqlalchemy as sa
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..errors import CourseError
from ..load import UnixHTTPConnection
from .app import App, Naive, _request
from .project import Project

# How long a healthy Redis may take to answer the app before the client gives up: long enough
# for a busy 2-core machine, short enough that a dead cache costs each request little.
CACHE_TIMEOUT_SECONDS = 1.0
WAIT_SECONDS = 15.0


# --- the app's cache client ------------------------------------------------------------------


def fail_fast(client: redis.Redis, seconds: float = CACHE_TIMEOUT_SECONDS) -> redis.Redis:
    """A client to the same server as ``client`` that gives up after ``seconds`` and never
    retries: what an app wants from a cache. (redis-py's defaults wait 5 s for an answer and
    retry 3 times with back-off: about 5 s per command while Redis is down, on every request.)"""
    kwargs = dict(client.connection_pool.connection_kwargs)
    kwargs.update(socket_timeout=seconds, socket_connect_timeout=seconds, retry=Retry(NoBackoff(), 0))
    return redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=client.connection_pool.connection_class, **kwargs))


def serve(project: Project, code: type[Naive]) -> App:
    """``project.serve(code, cache=True)``, with the project's Redis reached through a client
    that fails fast (``fail_fast``): the cache your methods see as ``self.cache``."""
    app = project.serve(code, cache=True)
    app.code.cache = fail_fast(project.cache)
    return app


# --- a crowd of real clients -----------------------------------------------------------------


def crowd(app: App, path: str, clients: int = 20) -> list[tuple[int, Any]]:
    """GET ``path`` from ``clients`` real clients released together (``at_once``); their
    (status, JSON body), in client order."""
    return at_once(app, [path] * clients)


def at_once(app: App, paths: list[str]) -> list[tuple[int, Any]]:
    """One real client per path (a thread with its own connection to the app's socket), all
    connected first, then released together by a barrier: client ``i`` GETs ``paths[i]``.
    Their (status, JSON body) in client order; status 0 when a client got no answer, with why."""
    barrier = threading.Barrier(len(paths))
    answers: list[tuple[int, Any]] = [(0, None)] * len(paths)

    def client(number: int) -> None:
        connection = UnixHTTPConnection(app.socket, timeout=WAIT_SECONDS * 2)
        try:
            connection.connect()
            barrier.wait(WAIT_SECONDS)
            connection.request("GET", paths[number])
            response = connection.getresponse()
            raw = response.read()
            answers[number] = (response.status, json.loads(raw) if raw else None)
        except Exception as error:  # noqa: BLE001 - a client that got no answer says why
            answers[number] = (0, f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(number,), daemon=True) for number in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS * 3)
    return answers


def statements_for(app: App, path: str) -> int:
    """How many SQL statements the requests for exactly ``path`` ran, in all (the app records a
    request before its answer leaves, so every answered request is there)."""
    return sum(len(entry.statements) for entry in list(app.served) if entry.path == path)


# --- the database: slow, failing, a reader at the commit ------------------------------------


def _in_request() -> bool:
    return getattr(_request, "statements", None) is not None


@contextlib.contextmanager
def slow_database(project: Project, seconds: float,
                  meanwhile: Callable[[], Any] | None = None) -> Iterator[list[Any]]:
    """Inside the block, every statement an app request runs takes ``seconds`` longer (after it
    ran: as a slow query under load). ``meanwhile()``, if given, runs once, during the first
    slow statement — what a test wants to look at while a request waits for the database; its
    result is in the list the block gets."""
    seen: list[Any] = []
    once = threading.Lock()

    def slow(*args: Any) -> None:
        if not _in_request():
            return
        if meanwhile is not None and once.acquire(blocking=False):
            seen.append(meanwhile())
        time.sleep(seconds)

    sa.event.listen(project.engine, "after_cursor_execute", slow)
    try:
        yield seen
    finally:
        sa.event.remove(project.engine, "after_cursor_execute", slow)


class DatabaseFailure(sa.exc.OperationalError):
    """The error a failing database raises (``failing_database``)."""


@contextlib.contextmanager
def failing_database(project: Project, times: int = 1) -> Iterator[None]:
    """Inside the block, the next ``times`` statements app requests run fail, as when the
    database drops a connection: the request gets a 500, and the app must not be left broken."""
    left = [times]
    lock = threading.Lock()

    def fail(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not _in_request():
            return
        with lock:
            if left[0] <= 0:
                return
            left[0] -= 1
        raise DatabaseFailure(statement, {}, ConnectionError("the database went away (a test made it fail)"))

    sa.event.listen(project.engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        sa.event.remove(project.engine, "before_cursor_execute", fail)


@dataclass
class AtCommit:
    """What happened at the commit of a write: ``fired`` once a write committed inside the
    block; ``seen`` the (status, body) the competing reader got, if one was sent."""

    fired: bool = False
    seen: tuple[int, Any] | None = None


def _wrote(statements: list[str]) -> bool:
    return any(statement.lstrip().upper().startswith("UPDATE") for statement in statements)


@contextlib.contextmanager
def _at_first_write_commit(app: App,
                           action: Callable[[Any, AtCommit], None]) -> Iterator[AtCommit]:
    """Inside the block, ``action(connection, result)`` runs once: at the commit of the first
    request that wrote (an UPDATE), after its UPDATE and before COMMIT makes it visible.
    Whatever order a write uses (delete, then commit; commit, then delete; a version
    bumped...), the commit is where the database changes."""
    result = AtCommit()

    def at_commit(connection: Any) -> None:
        if result.fired or not _in_request() or not _wrote(_request.statements):
            return
        result.fired = True
        action(connection, result)

    sa.event.listen(app.project.engine, "commit", at_commit)
    try:
        yield result
    finally:
        sa.event.remove(app.project.engine, "commit", at_commit)


@contextlib.contextmanager
def reader_at_commit(app: App, path: str) -> Iterator[AtCommit]:
    """Inside the block, when a request that wrote commits, a real client GETs ``path`` through
    the app's socket, and the commit waits for its answer (``seen``): the competing reader of
    unit 3's stale-set race, at the worst moment."""

    def read(connection: Any, result: AtCommit) -> None:
        reader = threading.Thread(target=lambda: setattr(result, "seen", app.get(path)), daemon=True)
        reader.start()
        reader.join(WAIT_SECONDS)

    with _at_first_write_commit(app, read) as result:
        yield result


@contextlib.contextmanager
def failing_commit(app: App) -> Iterator[AtCommit]:
    """Inside the block, the next commit of a request that wrote fails (the database refuses it:
    a lost connection, a full disk): the write is rolled back and its request gets a 500."""

    def fail(connection: Any, result: AtCommit) -> None:
        # The database refused: its transaction is gone. Roll back the driver's connection, or
        # it would go back to the pool with the UPDATE still pending (SQLAlchemy counts a commit
        # whose event raised as done, and resets nothing).
        connection.connection.rollback()
        raise DatabaseFailure("COMMIT", {}, ConnectionError("the commit failed (a test made it fail)"))

    with _at_first_write_commit(app, fail) as result:
        yield result


# --- Redis: stopped, started again, frozen -----------------------------------------------------


def _redis_name(project: Project) -> str:
    return f"capstone-{project.name}"


def stop_redis(project: Project) -> None:
    """Stop the project's redis-server (its socket disappears: clients get ConnectionError)."""
    from ..caching import stop_private_server  # noqa: PLC0415

    project.cache  # noqa: B018 - started first if it never ran, so that stopping means something
    stop_private_server(_redis_name(project))


def start_redis(project: Project) -> None:
    """Start the project's redis-server again, empty — as after a restart or a crash. The app's
    client reconnects by itself on its next command."""
    from ..caching import private_server  # noqa: PLC0415

    with contextlib.redirect_stdout(None):  # "Started a private redis-server ..." is no news here
        project._cache = private_server(_redis_name(project))


def stop_redis_when(app: App, project: Project, served: int) -> threading.Thread:
    """Stop the project's Redis from another thread as soon as the app has answered ``served``
    requests from now on (call it just before a replay): mid-replay, with requests in flight."""
    app.forget()

    def watch() -> None:
        deadline = time.monotonic() + WAIT_SECONDS * 4
        while len(app.served) < served and time.monotonic() < deadline:
            time.sleep(0.001)
        stop_redis(project)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    return watcher


@contextlib.contextmanager
def frozen_redis(project: Project) -> Iterator[None]:
    """Inside the block the project's redis-server is stopped with SIGSTOP: it still accepts
    connections but answers nothing, as a server stuck in a long command or behind a broken
    network link would — clients get TimeoutError, not ConnectionError."""
    pid = int(project.cache.info("server")["process_id"])
    if os.getpid() == pid:
        raise CourseError("frozen_redis would stop this very process.", "report this to the course authors.")
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


# --- what the cache holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """One key in the cache: its name, type, TTL in seconds (-1: none) and value (strings only)."""

    name: str
    type: str
    ttl: int
    value: str | None

    @property
    def is_counter(self) -> bool:
        """A plain integer, like a version or generation counter (which must have no TTL)."""
        return self.type == "string" and self.value is not None and self.value.lstrip("-").isdigit()

    @property
    def looks_cached(self) -> bool:
        """Looks like a cached answer: a hash, or JSON text of an object, a list or null."""
        if self.type == "hash":
            return True
        if self.type != "string" or self.value is None:
            return False
        try:
            return isinstance(json.loads(self.value), dict | list | type(None))
        except ValueError:
            return False


def keys(client: redis.Redis) -> list[Key]:
    """Every key in the cache, with its type, TTL and (for strings) value."""
    plain = redis.Redis(connection_pool=client.connection_pool)
    found = []
    for name in plain.scan_iter(count=1000):
        name = name.decode() if isinstance(name, bytes) else name
        kind = plain.type(name)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        value = plain.get(name) if kind == "string" else None
        if isinstance(value, bytes):
            value = value.decode(errors="replace")
        found.append(Key(name, kind, plain.ttl(name), value))
    return found


def without_expiry(client: redis.Redis) -> list[Key]:
    """Keys that never expire and are not counters: a cached answer (or a lock) kept forever."""
    return [key for key in keys(client) if key.ttl == -1 and not key.is_counter]


def left_behind(client: redis.Redis) -> list[Key]:
    """Keys with a TTL that are not cached answers: locks (or markers) nobody removed."""
    return [key for key in keys(client) if key.ttl >= 0 and not key.looks_cached]
