"""A small load generator that fits a notebook on 2 cores: shown in lessons, never graded.

``run(target, path, requests=..., concurrency=...)`` sends a fixed number of requests from
``concurrency`` worker processes (one connection each, closed loop: a worker sends its next
request when the previous answer arrived) and reports requests/s, p50, p95, errors and its own
CPU time — a load generator that eats the cores it measures on must say so. The workers are
plain ``http.client`` (about 0.2 ms of CPU per request here; httpx costs ten times that), over a
unix socket (an ``App``, an nginx site, a socket path) or TCP (``"http://127.0.0.1:8080"``).

``compare({"keep-alive": {...}, "new connection every request": {...}}, rounds=3)`` runs the
cases' rounds interleaved (A B A B A B: a busy laptop slows both alike) and prints their
medians side by side with the measured ratio ("2.1× faster", or "1.4× slower" when it comes out
the other way: the number is whatever this machine measured).

This module only needs the standard library, and runs as a script for its worker processes.
"""

import http.client
import json
import math
import os
import resource
import socket as socketlib
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MAX_CONCURRENCY = 64   # one process each: more would measure the scheduler, not the server
GRADING_REQUESTS_PER_CONNECTION = 25  # under nbgrader: enough to exercise the path, no more
GRADED_NOTE = "measured once while nbgrader graded: not a measurement"


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a unix socket: ``UnixHTTPConnection(path)`` then ``.request(...)``.

    The Host header is still sent (``localhost`` unless given): HTTP/1.1 requires it even
    when no host name was needed to connect.
    """

    def __init__(self, path: "os.PathLike | str", timeout: float = 10.0, host: str = "localhost") -> None:
        super().__init__(host, timeout=timeout)
        self.unix_path = str(path)

    def connect(self) -> None:
        sock = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.unix_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


def _under_nbgrader() -> bool:
    """timing.under_nbgrader(), imported late like CourseError (the workers run without the
    package). While nbgrader grades nobody reads the numbers, and a class pays every request
    once per student: ``run`` and ``compare`` then send one short round."""
    from backendlab.timing import under_nbgrader  # noqa: PLC0415
    return under_nbgrader()


def _error(what: str, how: str) -> Exception:
    """A CourseError, imported late: the worker processes run this file without the package."""
    from backendlab.errors import CourseError  # noqa: PLC0415
    return CourseError(what, how)


def address(target: Any) -> dict[str, Any]:
    """Where to send requests: ``{"unix": path}`` or ``{"host": h, "port": p}``.

    ``target`` is anything with a ``.socket`` (a shop ``App``, an nginx site), a socket path
    (``Path`` or ``"unix:/path"``), or ``"http://host:port"``.
    """
    socket = getattr(target, "socket", None)
    if socket is not None:
        return {"unix": str(socket)}
    if isinstance(target, Path):
        return {"unix": str(target)}
    if isinstance(target, str) and target.startswith("unix:"):
        return {"unix": target.removeprefix("unix:")}
    if isinstance(target, str) and target.startswith("http://"):
        parts = urlsplit(target)
        return {"host": parts.hostname or "127.0.0.1", "port": parts.port or 80}
    raise _error(f"Cannot send load to {target!r}.",
                 'give an app or site (anything with .socket), a socket path, "unix:/path" or '
                 '"http://127.0.0.1:8080".')


# --- one worker process -------------------------------------------------------------------------


def _work(config: dict[str, Any]) -> dict[str, Any]:
    """Send ``config["requests"]`` requests one after another; report what happened."""
    where = config["address"]
    timeout = config["timeout"]
    headers = dict(config["headers"])
    if not config["keep_alive"]:
        headers["Connection"] = "close"

    def connect() -> http.client.HTTPConnection:
        if "unix" in where:
            return UnixHTTPConnection(where["unix"], timeout=timeout)
        return http.client.HTTPConnection(where["host"], where["port"], timeout=timeout)

    latencies: list[float] = []
    statuses: Counter = Counter()
    failures: Counter = Counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    connection = connect()
    for _ in range(config["requests"]):
        sent = time.perf_counter()
        try:
            connection.request(config["method"], config["path"], headers=headers)
            response = connection.getresponse()
            response.read()
            latencies.append(time.perf_counter() - sent)
            statuses[response.status] += 1
        except (OSError, http.client.HTTPException) as error:
            failures[type(error).__name__] += 1
            connection.close()
        if not config["keep_alive"]:
            connection.close()  # the next request connects again (http.client reopens)
    connection.close()
    finished = time.monotonic()
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"latencies": latencies, "statuses": dict(statuses), "failures": dict(failures),
            "started": started, "finished": finished, "cpu": cpu}


def _worker_main() -> None:
    """A worker: read the config, say ready, wait for "go", work, print the report."""
    config = json.loads(sys.stdin.readline())
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps(_work(config)), flush=True)


# --- results ------------------------------------------------------------------------------------


@dataclass
class Round:
    """One round: ``requests`` sent by all workers together."""

    requests: int
    seconds: float
    latencies: list[float]
    statuses: dict[int, int]
    failures: dict[str, int]
    client_cpu_seconds: float

    @property
    def errors(self) -> int:
        """Requests that got no answer (refused, reset, timed out) or a 5xx answer."""
        return sum(self.failures.values()) + sum(n for s, n in self.statuses.items() if s >= 500)

    @property
    def requests_per_second(self) -> float:
        answered = sum(self.statuses.values())
        return answered / self.seconds if self.seconds > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        return _percentile(self.latencies, 50) * 1000

    @property
    def p95_ms(self) -> float:
        return _percentile(self.latencies, 95) * 1000


def _percentile(values: list[float], percent: float) -> float:
    """The course's nearest-rank percentile (``access_log.nearest_rank``, imported late like
    CourseError: the workers run this file without the package); NaN without values."""
    if not values:
        return math.nan
    from backendlab.access_log import nearest_rank  # noqa: PLC0415
    return nearest_rank(values, percent)


@dataclass
class Result:
    """What ``run`` measured: the median of its rounds (numbers) and their sums (counts)."""

    label: str
    concurrency: int
    keep_alive: bool
    rounds: list[Round] = field(default_factory=list)
    graded: bool = False  # sent while nbgrader graded: one short round, not a measurement

    @property
    def requests(self) -> int:
        return sum(r.requests for r in self.rounds)

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)

    @property
    def statuses(self) -> dict[int, int]:
        total: Counter = Counter()
        for r in self.rounds:
            total.update(r.statuses)
        return dict(sorted(total.items()))

    @property
    def failures(self) -> dict[str, int]:
        total: Counter = Counter()
        for r in self.rounds:
            total.update(r.failures)
        return dict(total)

    def _median(self, name: str) -> float:
        values = [getattr(r, name) for r in self.rounds if not math.isnan(getattr(r, name))]
        return statistics.median(values) if values else math.nan

    @property
    def requests_per_second(self) -> float:
        return self._median("requests_per_second")

    @property
    def p50_ms(self) -> float:
        return self._median("p50_ms")

    @property
    def p95_ms(self) -> float:
        return self._median("p95_ms")

    @property
    def client_cpu_seconds(self) -> float:
        return sum(r.client_cpu_seconds for r in self.rounds)

    @property
    def client_cpu_per_request_ms(self) -> float:
        return self.client_cpu_seconds * 1000 / self.requests if self.requests else math.nan

    def line(self, width: int = 0) -> str:
        """One line of numbers; ``width`` aligns the labels of a comparison."""
        errors = f"{self.errors} errors" + (f" ({_describe_errors(self)})" if self.errors else "")
        return (f"{self.label:<{max(len(self.label), width)}}  {self.requests_per_second:8.0f} req/s  "
                f"p50 {self.p50_ms:7.2f} ms  p95 {self.p95_ms:7.2f} ms  {errors}  "
                f"client CPU {self.client_cpu_per_request_ms:.2f} ms/request")

    def __str__(self) -> str:
        how = (GRADED_NOTE if self.graded else "medians of the rounds")
        return (f"{self.line()}\n({self.requests} requests in {len(self.rounds)} round(s), "
                f"{self.concurrency} connection(s), keep-alive {'on' if self.keep_alive else 'off'}; "
                f"{how})")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def _describe_errors(result: "Result") -> str:
    parts = [f"{n}× {name}" for name, n in result.failures.items()]
    parts += [f"{n}× HTTP {status}" for status, n in result.statuses.items() if status >= 500]
    return ", ".join(parts)


# --- running ------------------------------------------------------------------------------------


def _report(worker: subprocess.Popen) -> dict[str, Any]:
    """A worker's report, or a CourseError when it died without one."""
    line = worker.stdout.readline()
    try:
        return json.loads(line)
    except ValueError:
        raise _error(f"A load-generator worker stopped without its report ({line.strip()!r}).",
                     "run it again; if it happens every time, run `python -m backendlab "
                     "doctor`: this needs only Python itself.") from None


def _run_round(where: dict[str, Any], path: str, requests: int, concurrency: int,
                      keep_alive: bool, method: str, headers: dict[str, str],
                      timeout: float) -> Round:
    shares = [requests // concurrency + (1 if i < requests % concurrency else 0)
              for i in range(concurrency)]
    workers = []
    try:
        for share in shares:
            worker = subprocess.Popen([sys.executable, "-I", str(Path(__file__).resolve()), "worker"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            worker.stdin.write(json.dumps({
                "address": where, "path": path, "requests": share, "keep_alive": keep_alive,
                "method": method, "headers": headers, "timeout": timeout}) + "\n")
            worker.stdin.flush()
            workers.append(worker)
        for worker in workers:
            if worker.stdout.readline().strip() != "ready":
                raise _error("A load-generator worker did not start.",
                             "run `python -m backendlab doctor`; this needs only Python itself.")
        for worker in workers:  # all at once: the round starts when every worker may go
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = [_report(worker) for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
            worker.wait()
    statuses: Counter = Counter()
    failures: Counter = Counter()
    for report in reports:
        statuses.update({int(s): n for s, n in report["statuses"].items()})
        failures.update(report["failures"])
    return Round(requests=requests,
                 seconds=max(r["finished"] for r in reports) - min(r["started"] for r in reports),
                 latencies=[x for r in reports for x in r["latencies"]],
                 statuses=dict(statuses), failures=dict(failures),
                 client_cpu_seconds=sum(r["cpu"] for r in reports))


@dataclass
class _Plan:
    label: str
    where: dict[str, Any]
    path: str
    requests: int
    concurrency: int
    keep_alive: bool
    method: str
    headers: dict[str, str]
    timeout: float
    graded: bool

    def round(self) -> Round:
        return _run_round(self.where, self.path, self.requests, self.concurrency,
                          self.keep_alive, self.method, self.headers, self.timeout)


def _plan(target: Any, path: str = "/", *, requests: int = 1000, concurrency: int = 4,
          keep_alive: bool = True, method: str = "GET", headers: dict[str, str] | None = None,
          timeout: float = 10.0, label: str = "") -> _Plan:
    where = address(target)
    if not path.startswith("/"):
        raise _error(f"The path {path!r} does not start with /.", 'give a path such as "/products/1".')
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        raise _error(f"concurrency={concurrency} is out of range.",
                     f"use 1 to {MAX_CONCURRENCY} connections (one process each).")
    if requests < concurrency:
        raise _error(f"requests={requests} is fewer than concurrency={concurrency}.",
                     "send at least one request per connection.")
    if "unix" in where and not Path(where["unix"]).exists():
        raise _error(f"Nothing listens on {where['unix']} (no such socket).",
                     "start the app or site first (its .socket is where it listens).")
    graded = _under_nbgrader()
    if graded:
        requests = min(requests, GRADING_REQUESTS_PER_CONNECTION * concurrency)
    return _Plan(label or path, where, path, requests, concurrency, keep_alive, method,
                 dict(headers or {}), timeout, graded)


def run(target: Any, path: str = "/", *, requests: int = 1000, concurrency: int = 4,
        rounds: int = 1, keep_alive: bool = True, method: str = "GET",
        headers: dict[str, str] | None = None, timeout: float = 10.0,
        label: str = "") -> Result:
    """Send ``requests`` requests to ``path`` over ``concurrency`` connections, ``rounds`` times.

    ``keep_alive=False`` opens a new connection for every request (and asks the server to
    close it). A request that gets no answer within ``timeout`` seconds counts as an error.
    While nbgrader grades: one round of at most 25 requests per connection, and the result
    says it is not a measurement.
    """
    plan = _plan(target, path, requests=requests, concurrency=concurrency, keep_alive=keep_alive,
                 method=method, headers=headers, timeout=timeout, label=label)
    result = Result(plan.label, concurrency, keep_alive, graded=plan.graded)
    for _ in range(1 if plan.graded else max(1, rounds)):
        result.rounds.append(plan.round())
    return result


@dataclass
class Comparison:
    """Results measured side by side; ``str()`` is the table and the measured ratio."""

    results: list[Result]

    def verdict(self) -> str:
        first, second = self.results[0], self.results[1]
        for result in (first, second):
            if not result.requests_per_second > 0:
                return f"No ratio: {result.label!r} got no answers."
        ratio = second.requests_per_second / first.requests_per_second
        if 0.95 < ratio < 1.05:
            return (f"{second.label!r} and {first.label!r} served about the same requests/s "
                    f"({ratio:.2f}×, measured now).")
        if ratio >= 1:
            return f"{second.label!r} served {ratio:.1f}× the requests/s of {first.label!r} (measured now)."
        return (f"{second.label!r} was {1 / ratio:.1f}× slower than {first.label!r} in requests/s "
                "(measured now; the other way round from what the lesson expects — run it again, "
                "and look at what else is using the CPU).")

    def latency_verdict(self) -> str:
        """The median latencies compared: on a busy machine requests/s swing with every
        stall, while the median of hundreds of requests barely moves."""
        first, second = self.results[0].p50_ms, self.results[1].p50_ms
        if not (first > 0 and second > 0):  # NaN (no answers) or a clock too coarse
            return ""
        label = self.results[1].label
        if 0.95 < second / first < 1.05:
            return f"Median latency: about the same ({second:.2f} ms vs {first:.2f} ms)."
        if second < first:
            return f"Median latency of {label!r}: {first / second:.1f}× lower ({second:.2f} ms vs {first:.2f} ms)."
        return f"Median latency of {label!r}: {second / first:.1f}× higher ({second:.2f} ms vs {first:.2f} ms)."

    def __str__(self) -> str:
        rounds = len(self.results[0].rounds)
        width = max(len(result.label) for result in self.results)
        lines = [result.line(width) for result in self.results]
        if any(result.graded for result in self.results):  # no verdict from a single short round
            return "\n".join(lines + [f"({GRADED_NOTE})"])
        lines += [self.verdict(), self.latency_verdict()]
        return "\n".join([line for line in lines if line] + [f"(medians of {rounds} interleaved rounds)"])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def compare(cases: dict[str, dict[str, Any]], *, rounds: int = 3, **common: Any) -> Comparison:
    """Measure two or more cases with their rounds interleaved (A B A B …), so a machine that
    gets busier halfway slows every case alike. Each case is ``run``'s keyword arguments
    (``target`` included); ``common`` ones apply to every case. The ratio compares the
    second case with the first. While nbgrader grades: one short round each (as ``run``),
    and no verdict."""
    if len(cases) < 2:
        raise _error("compare needs at least two cases.",
                     'give {"label": {...}, "other label": {...}}.')
    plans = []
    for label, arguments in cases.items():
        merged = {**common, **arguments}
        if "target" not in merged:
            raise _error(f"The case {label!r} has no target.", "add target=app (or a socket path).")
        plans.append(_plan(merged.pop("target"), label=label, **merged))
    results = [Result(p.label, p.concurrency, p.keep_alive, graded=p.graded)
               for p in plans]
    for _ in range(1 if plans[0].graded else max(1, rounds)):
        for plan, result in zip(plans, results):
            result.rounds.append(plan.round())
    return Comparison(results)


if __name__ == "__main__" and sys.argv[1:] == ["worker"]:
    _worker_main()
