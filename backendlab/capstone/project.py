"""A project: a working copy of the shop, its static files, its Redis, the app it serves and
the replay that measures it."""

from __future__ import annotations

import http.client
import json
import os
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ..errors import CourseError
from ..load import UnixHTTPConnection
from ..paths import grading_suffix, runtime_dir
from .app import App, Naive, _count_statement, request, route_of
from .traffic import Report, Workload, _percentile, workload


# --- the project: data, Redis, app, replay -----------------------------------------------------


class Project:
    """Your project's working copy of the shop, its static files and (on demand) its Redis.

    ``Project(name)`` starts from a fresh copy of the seeded shop, so every run of a notebook
    begins at the same naive state.
    """

    def __init__(self, name: str = "project", *, scale: str | None = None) -> None:
        """``scale``: "small" or "full" (default: ``$BACKENDLAB_SCALE``, else "full") — tests
        whose checks do not depend on the size use the small shop at every scale."""
        from ..sql import database  # noqa: PLC0415 - SQLAlchemy only when a project is made

        self.name = name
        self.engine = database(f"capstone-{name}", scale=scale)
        sa.event.listen(self.engine, "before_cursor_execute", _count_statement)
        self.static = runtime_dir() / f"capstone-{name}{grading_suffix()}-static"
        self.static.mkdir(mode=0o700, exist_ok=True)
        (self.static / "shop.css").write_text("body { font-family: sans-serif; }\n" * 200)
        self._cache: Any = None
        self._apps: list[App] = []
        self._started = 0

    @property
    def apps(self) -> list[App]:
        """The apps this project serves now, oldest first."""
        return list(self._apps)

    @property
    def cache(self) -> Any:
        """This project's private Redis (started on first use), emptied at the start."""
        if self._cache is None:
            from ..caching import private_server  # noqa: PLC0415
            self._cache = private_server(f"capstone-{self.name}")
        return self._cache

    def serve(self, code: type[Naive], *, cache: bool = False) -> App:
        """Serve an instance of ``code`` (Naive or your subclass), replacing every app this
        project served before. ``cache=True`` hands it this project's Redis as ``self.cache``."""
        self.stop()
        return self.start(code, cache=cache)

    def start(self, code: type[Naive], *, cache: bool = False) -> App:
        """Start one more app serving ``code``, on a socket of its own, leaving the others
        running (a deploy starts the new version before it stops the old one)."""
        if not (isinstance(code, type) and issubclass(code, Naive)):
            raise CourseError(f"serve() wants a class derived from capstone.Naive, not {code!r}.",
                              "write `class Mine(capstone.Naive): ...` and pass `Mine` "
                              "(the class itself, not Mine()).")
        self._started += 1
        socket = runtime_dir() / f"capstone-{self.name}-{self._started}{grading_suffix()}.sock"
        app = App(self, code(self.cache if cache else None), socket)
        self._apps.append(app)
        return app

    def stop(self) -> None:
        """Stop every app this project serves, and close the database connections kept
        for them (the next request opens new ones)."""
        while self._apps:
            self._apps.pop().stop()
        self.engine.dispose()

    def price(self, product_id: int) -> int | None:
        """The database's price for a product right now (the truth a cache must agree with)."""
        with self.engine.connect() as db:
            return db.execute(sa.text("SELECT price_cents FROM products WHERE id = :id"),
                              {"id": product_id}).scalar()

    def replay(self, app: App, traffic: Workload | None = None, *, clients: int = 8,
               name: str | None = None, via: Any = None,
               on_round: Callable[[int], None] | None = None) -> Report:
        """Send the seeded traffic to ``app`` — or through ``via`` (nginx: a ``web.Site``, or
        anything with a ``.socket``) — from ``clients`` threads; count statuses, stale reads and
        the statements of every app this project serves; time every request.
        ``on_round(k)`` is called as round k (0, 1, ...) begins: a deploy can happen meanwhile."""
        traffic = traffic or workload(self.engine)
        target = (via or app).socket
        for served_by in self._apps:
            served_by.forget()
        statuses: Counter[int] = Counter()
        latencies: list[float] = []
        stale: list[str] = []
        lock = threading.Lock()
        started, cpu_before = time.perf_counter(), time.process_time()
        for number, (reads, writes) in enumerate(zip(traffic.rounds, traffic.writes)):
            truth = {step.path: self.price(int(step.path.split("/")[2]))
                     for step in reads if route_of(step.path) == "/products/{id}"}
            queue = list(reads)
            if on_round is not None:
                on_round(number)

            def client() -> None:
                connection = UnixHTTPConnection(target, timeout=30)
                reused = False
                try:
                    while True:
                        with lock:
                            if not queue:
                                return
                            step = queue.pop()
                        sent = time.perf_counter()
                        for attempt in (1, 2):
                            try:
                                connection.request(step.method, step.path)
                                response = connection.getresponse()
                                raw = response.read()
                                status = response.status
                                reused = True
                                break
                            except (OSError, http.client.HTTPException):
                                connection.close()
                                connection = UnixHTTPConnection(target, timeout=30)
                                status, raw = 0, b""
                                # A kept-alive connection the server closed meanwhile (nginx's
                                # old workers do on a reload) is retried once on a new one, as
                                # every HTTP client does for a GET; a new connection is not.
                                if not reused:
                                    break
                                reused = False
                        with lock:
                            latencies.append(time.perf_counter() - sent)
                            statuses[status] += 1
                            if status == 200 and step.path in truth:
                                seen = json.loads(raw).get("price_cents")
                                if seen != truth[step.path]:
                                    stale.append(f"GET {step.path} gave price_cents {seen}, "
                                                 f"the database has {truth[step.path]}")
                finally:
                    connection.close()

            threads = [threading.Thread(target=client) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            for step in writes:
                sent = time.perf_counter()
                try:
                    status, _ = request(target, step.method, step.path, step.body)
                except (OSError, http.client.HTTPException):
                    status = 0
                latencies.append(time.perf_counter() - sent)
                statuses[status] += 1
        seconds = time.perf_counter() - started
        per_route: dict[str, list[int]] = defaultdict(list)
        errors: list[str] = []
        for served_by in self._apps:
            for served in list(served_by.served):
                per_route[served.route].append(len(served.statements))
            errors += served_by.errors
        return Report(
            name=name or type(app.code).__name__, requests=traffic.requests, seconds=seconds,
            by_status=dict(statuses), stale_reads=stale,
            statements_per_request={r: statistics.fmean(n) for r, n in sorted(per_route.items())},
            most_statements={r: max(n) for r, n in sorted(per_route.items())},
            p50_ms=_percentile(latencies, 0.5) * 1000, p95_ms=_percentile(latencies, 0.95) * 1000,
            errors=errors, load_average=os.getloadavg()[0], cpus=os.cpu_count() or 1,
            kernel_cpu_seconds=time.process_time() - cpu_before)
