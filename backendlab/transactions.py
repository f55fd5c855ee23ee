"""Concurrency on demand, for the transactions lesson (2.11): real clients, forced interleavings.

A race that happens "sometimes" teaches nothing and grades nothing: a wrong answer passes when
the threads happen to run one after the other. So the lesson's clients are real threads, each
with its own database connection, but the moment that decides the race is forced: before a
chosen write statement, every client waits at a one-shot *rendezvous* until every other client
has arrived too (or has finished, or is held up inside the database by a lock). "Both read
before either writes" then happens every time, on SQLite and on PostgreSQL alike.

A client held up by a lock cannot reach the rendezvous, and neither SQLite nor psycopg says
that it waits, so a client that has been inside one statement for ``GRACE_SECONDS`` counts as
held up. Only the *detection power* rests on that: a correct answer is correct in every
interleaving, so it passes whatever the clock does.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .errors import CourseError
from .sql import engine_kind

GRACE_SECONDS = 0.3   # inside one statement this long: held up by a lock (a key lookup takes < 1 ms)
WAIT_SECONDS = 30.0   # nothing in the lesson waits this long unless an answer never returns
BACKOFF_SECONDS = 0.05  # the first pause before a retry; each next one is twice as long
WRITE_WORDS = ("insert", "update", "delete", "replace", "merge")

# What "try again" means on each engine (SQLSTATE codes on PostgreSQL, result codes on SQLite).
RETRYABLE_SQLSTATES = {"40001": "serialization_failure", "40P01": "deadlock_detected",
                       "55P03": "lock_not_available"}
RETRYABLE_SQLITE_CODES = {5: "SQLITE_BUSY", 6: "SQLITE_LOCKED"}


def retryable(error: BaseException) -> bool:
    """True when ``error`` means "another transaction was in the way: roll back and run yours
    again" — a deadlock, a serialization failure, a lock wait that gave up, SQLite's
    "database is locked". Every other error (a broken constraint, a typo) would fail again
    the same way, so retrying it only hides it."""
    original = getattr(error, "orig", None) or error
    if getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    code = getattr(original, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in RETRYABLE_SQLITE_CODES


def backoff(attempt: int) -> float:
    """Sleep before attempt ``attempt + 1``: 0.05 s after the first failure, twice as long after
    each next one, times a random factor between 0.5 and 1.5; returns the seconds slept.

    Retrying at once hands the lock straight back to the same collision: the transaction that
    won needs a moment to finish (on SQLite, to commit, it needs the loser's read lock gone),
    and two losers that wait exactly as long collide again. Growing, jittered pauses fix both.
    """
    seconds = BACKOFF_SECONDS * 2 ** (attempt - 1) * random.uniform(0.5, 1.5)
    time.sleep(seconds)
    return seconds


def is_write(statement: str) -> bool:
    """Does this statement change rows? (``SELECT … FOR UPDATE`` locks, but reads.)"""
    words = statement.lstrip().split(None, 1)
    return bool(words) and words[0].lower() in WRITE_WORDS


@dataclass
class Outcome:
    """What one client's call did: its return value, or the exception that escaped it."""

    value: Any = None
    error: BaseException | None = None

    @property
    def raised(self) -> bool:
        return self.error is not None

    def __repr__(self) -> str:
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {str(self.error).splitlines()[0]}"
        return f"returned {self.value!r}"


@dataclass
class _Client:
    index: int
    writes: int = 0
    arrived: bool = False
    queued: bool = False  # arrived before the rendezvous opened: goes in its turn
    went: bool = False    # its held statement has been sent and has ended (done, or failed)
    finished: bool = False
    in_statement_since: float | None = None


@dataclass
class _Rendezvous:
    """Holds each client before its ``at_write``-th write until all are there (one-shot), then
    lets those it held go in the order of their calls, each once every earlier one's held
    statement has ended (done or failed), or it is held up by a lock, or it has finished — so
    "who writes first" is decided too, not left to the scheduler."""

    at_write: int
    clients: dict[int, _Client] = field(default_factory=dict)  # thread id -> client
    condition: threading.Condition = field(default_factory=threading.Condition)
    opened: bool = False

    def _held_up(self, client: _Client) -> bool:
        since = client.in_statement_since
        return since is not None and time.monotonic() - since >= GRACE_SECONDS

    def _everyone_there(self) -> bool:
        return all(client.arrived or client.finished or self._held_up(client)
                   for client in self.clients.values())

    def _my_turn(self, client: _Client) -> bool:
        return all(other.finished or other.went or self._held_up(other) for other in self.clients.values()
                   if other.queued and other.index < client.index)

    def before_statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        client = self.clients.get(threading.get_ident())
        if client is None:
            return
        if is_write(statement):
            client.writes += 1
            if client.writes == self.at_write:
                with self.condition:
                    client.arrived = True
                    client.queued = not self.opened
                    self.condition.notify_all()
                    deadline = time.monotonic() + WAIT_SECONDS
                    while not self.opened and not self._everyone_there() and time.monotonic() < deadline:
                        self.condition.wait(0.02)
                    self.opened = True
                    self.condition.notify_all()
                    while client.queued and not self._my_turn(client) and time.monotonic() < deadline:
                        self.condition.wait(0.02)
        client.in_statement_since = time.monotonic()

    def before_commit(self, conn) -> None:
        """A commit can wait for a lock too (SQLite's waits for readers to finish)."""
        client = self.clients.get(threading.get_ident())
        if client is not None:
            client.in_statement_since = time.monotonic()

    def after_statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        client = self.clients.get(threading.get_ident())
        if client is not None:
            client.in_statement_since = None
            if client.arrived and not client.went:
                with self.condition:
                    client.went = True
                    self.condition.notify_all()

    def on_error(self, context) -> None:
        self.after_statement(None, None, "", None, None, False)

    def finish(self) -> None:
        client = self.clients.get(threading.get_ident())
        if client is not None:
            with self.condition:
                client.finished = True
                client.in_statement_since = None
                self.condition.notify_all()


def compete(engine: Engine, *calls: Callable[[], Any], pause_before_write: int = 1) -> list[Outcome]:
    """Run each call in a thread of its own, all released together, and force the race.

    Each client stops just before its ``pause_before_write``-th write statement (UPDATE,
    INSERT, DELETE) on ``engine`` until every other client has reached the same point, has
    finished, or is held up by a lock. ``pause_before_write=1``: everyone has read before
    anyone writes (the lost update). ``2``: everyone has made its first change before anyone
    makes its second (two transfers in opposite directions: a deadlock). Then the clients go
    on in the order of ``calls``, each once the write every earlier one was held before has
    ended (done or failed) or is held up by a lock: who writes first is part of the setup,
    not luck. The rendezvous happens once;
    retries after it run freely.

    Returns one ``Outcome`` per call, in order — an exception is recorded, not raised, so that
    a lesson can show it and a test can check that none escaped.
    """
    if not calls:
        raise CourseError("compete() was given no calls to run.",
                          "pass one function per client, e.g. compete(shop, lambda: sell(3), lambda: sell(2)).")
    meeting = _Rendezvous(at_write=pause_before_write)
    start = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def client(number: int) -> None:
        meeting.clients[threading.get_ident()] = _Client(index=number)
        try:
            start.wait(WAIT_SECONDS)
            outcomes[number].value = calls[number]()
        except BaseException as error:  # noqa: BLE001 - recorded in the outcome, shown by the lesson
            outcomes[number].error = error
        finally:
            meeting.finish()

    listeners = (("before_cursor_execute", meeting.before_statement),
                 ("after_cursor_execute", meeting.after_statement),
                 ("handle_error", meeting.on_error),
                 ("commit", meeting.before_commit))
    for name, listener in listeners:
        sa.event.listen(engine, name, listener)
    try:
        threads = [threading.Thread(target=client, args=(number,), daemon=True) for number in range(len(calls))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT_SECONDS * 2)
        if any(thread.is_alive() for thread in threads):
            raise CourseError(f"A client was still running after {WAIT_SECONDS * 2:.0f} s.",
                              "look for a loop that never stops (a retry with no limit?) and give it one.")
    finally:
        for name, listener in listeners:
            sa.event.remove(engine, name, listener)
    return outcomes


def impatient(engine: Engine, seconds: float) -> Engine:
    """Another engine on the same database whose lock waits give up after ``seconds``.

    SQLite waits for a busy database up to its busy timeout (Python's default: 5 s), then
    says "database is locked"; PostgreSQL waits for a row lock for ever unless
    ``lock_timeout`` is set, then raises LockNotAvailable. A short wait makes the lesson's
    lock conflicts show up at once. Call ``dispose()`` on it when done.
    """
    if engine_kind(engine) == "sqlite":
        return sa.create_engine(engine.url, connect_args={"timeout": seconds})
    return sa.create_engine(engine.url, connect_args={"options": f"-c lock_timeout={int(seconds * 1000)}"})


class HeldLock:
    """Another client, in a transaction that keeps a row from being changed until ``release()``.

    PostgreSQL locks the one row (``SELECT … FOR UPDATE``): writes to other rows go ahead.
    SQLite locks the whole database file: an open read transaction lets another client change
    rows, but not *commit* them (a commit waits for every reader to finish).
    """

    def __init__(self, engine: Engine, table: str, row_id: int) -> None:
        self.connection = engine.connect()
        if engine_kind(engine) == "sqlite":
            self.connection.exec_driver_sql("BEGIN")
            self.connection.execute(sa.text(f"SELECT * FROM {table} WHERE id = :id"), {"id": row_id}).fetchall()
        else:
            self.connection.execute(sa.text(f"SELECT * FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})

    def release(self) -> None:
        if not self.connection.closed:
            self.connection.rollback()
            # Closed, not returned to the pool: the pool's check-in would query the database,
            # which a writer waiting to commit (SQLite) may hold locked at this very moment.
            self.connection.invalidate()
            self.connection.close()


@contextmanager
def held(engine: Engine, table: str, row_id: int) -> Iterator[HeldLock]:
    """``with held(shop, "credit", 2) as lock:`` — a ``HeldLock``, released at the end at the latest."""
    lock = HeldLock(engine, table, row_id)
    try:
        yield lock
    finally:
        lock.release()


class ErrorLog:
    """Counts the database errors raised on an engine's connections (``handle_error``), so a
    test sees how many attempts an answer made, even when it hides the errors it retried."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.errors: list[BaseException] = []
        self._condition = threading.Condition()
        sa.event.listen(engine, "handle_error", self._record)

    def _record(self, context) -> None:
        with self._condition:
            self.errors.append(context.original_exception)
            self._condition.notify_all()

    @property
    def count(self) -> int:
        return len(self.errors)

    def wait_for(self, count: int, stop: threading.Event | None = None, timeout: float = WAIT_SECONDS) -> bool:
        """Wait until ``count`` errors were raised (True), or ``stop`` is set / time is up (False)."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while len(self.errors) < count:
                if (stop is not None and stop.is_set()) or time.monotonic() >= deadline:
                    return False
                self._condition.wait(0.02)
            return True

    def close(self) -> None:
        sa.event.remove(self.engine, "handle_error", self._record)


class Client:
    """One call running in a thread of its own; ``finished`` is set when it returns or raises,
    and ``outcome()`` waits for it."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.finished = threading.Event()
        self._outcome = Outcome()
        self._call = call
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._outcome.value = self._call()
        except BaseException as error:  # noqa: BLE001 - recorded in the outcome
            self._outcome.error = error
        finally:
            self.finished.set()

    def outcome(self, timeout: float = WAIT_SECONDS) -> Outcome:
        if not self.finished.wait(timeout):
            raise CourseError(f"A call was still running after {timeout:.0f} s.",
                              "look for a loop that never stops (a retry with no limit?) and give it one.")
        return self._outcome
