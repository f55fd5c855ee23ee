"""Unit 5's project: the shop API, naive on purpose, that you make fast without making it wrong.

The app's code is a class whose methods you replace one notebook at a time::

    from backendlab import capstone
    project = capstone.Project("tuning")        # a working copy of the shop (+ Redis on demand)
    app = project.serve(capstone.Naive)         # the app, answering on a private unix socket
    report = project.replay(app)                # the seeded traffic, writes between rounds
    report                                      # requests/s, p50, p95, errors, stale reads, ...

    class Faster(capstone.Naive):
        def customer_orders(self, db, customer_id): ...   # your version
    app = project.serve(Faster)

Why the app runs inside your kernel (threads, one per request) and not as its own process:
your methods are Python objects in this notebook, so the app can call them directly, and the
course can count every SQL statement each request ran (a SQLAlchemy event on the engine,
attributed to the request by a thread-local) — the evidence unit 5 grades, since timings are
shown but never graded. The socket is in your 0700 runtime folder, so nginx (``web.nginx``) can
stand in front of it like it stands in front of the unit-4 app.

Endpoints (JSON)::

    GET  /health
    GET  /products/{id}                 one product; 404 if missing
    PUT  /products/{id}/price           body {"price_cents": 1234}: the only write
    GET  /customers/{id}/orders         the customer's 5 latest orders, each with its items
    GET  /static/{file}                 files of ``project.static`` (the naive app serves them itself)
"""

from __future__ import annotations

import contextlib
import http.client
import json
import random
import socketserver
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from .errors import CourseError
from .load import UnixHTTPConnection
from .paths import grading_suffix, runtime_dir

ORDERS_SHOWN = 5
ROUTES = ("/health", "/products/{id}", "/products/{id}/price", "/customers/{id}/orders",
          "/static/{file}")
_request = threading.local()  # the request a statement belongs to (set by the app's handler)


# --- the app's code: what you change --------------------------------------------------------------


class Naive:
    """The shop as a first version is often written: correct, and slow.

    Every method gets ``db``, a SQLAlchemy connection inside a transaction (committed when the
    request ends well, rolled back when it raises), and can use ``self.cache`` (a redis-py
    client, or None when the project runs without Redis). Return plain JSON-able values.
    """

    def __init__(self, cache: Any = None) -> None:
        self.cache = cache

    def product(self, db: sa.Connection, product_id: int) -> dict | None:
        row = db.execute(sa.text("SELECT id, name, category, price_cents FROM products "
                                 "WHERE id = :id"), {"id": product_id}).mappings().first()
        return dict(row) if row else None

    def set_price(self, db: sa.Connection, product_id: int, price_cents: int) -> bool:
        """Change a product's price; False when there is no such product."""
        changed = db.execute(sa.text("UPDATE products SET price_cents = :price WHERE id = :id"),
                             {"price": price_cents, "id": product_id}).rowcount
        return changed > 0

    def customer_orders(self, db: sa.Connection, customer_id: int) -> list[dict] | None:
        """The customer's latest orders with their items, or None for an unknown customer.
        One query for the orders, then one per order for its items: the N+1 pattern."""
        if db.execute(sa.text("SELECT 1 FROM customers WHERE id = :id"),
                      {"id": customer_id}).first() is None:
            return None
        orders = [dict(row) for row in db.execute(sa.text(
            "SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = :id "
            "ORDER BY created_at DESC, id DESC LIMIT :n"),
            {"id": customer_id, "n": ORDERS_SHOWN}).mappings()]
        for order in orders:
            order["items"] = [dict(row) for row in db.execute(sa.text(
                "SELECT product_id, quantity, unit_price_cents FROM order_items "
                "WHERE order_id = :id ORDER BY id"), {"id": order["id"]}).mappings()]
        return orders


# --- the app: a threaded HTTP server on a unix socket, in this kernel -------------------------


@dataclass
class Served:
    """One request the app answered, as the course saw it."""

    method: str
    path: str
    route: str
    status: int
    seconds: float
    statements: list[str] = field(default_factory=list)


def route_of(path: str) -> str:
    """The route template a path belongs to: "/products/17" → "/products/{id}"."""
    parts = [part for part in path.split("?")[0].split("/") if part]
    if parts == ["health"]:
        return "/health"
    if len(parts) == 2 and parts[0] == "products":
        return "/products/{id}"
    if len(parts) == 3 and parts[0] == "products" and parts[2] == "price":
        return "/products/{id}/price"
    if len(parts) == 3 and parts[0] == "customers" and parts[2] == "orders":
        return "/customers/{id}/orders"
    if len(parts) == 2 and parts[0] == "static":
        return "/static/{file}"
    return "(unknown)"


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 256


class App:
    """The project's app, serving ``code`` (an instance of Naive or your subclass) on a unix
    socket until ``stop()`` (or until the kernel ends: its threads are daemons)."""

    def __init__(self, project: Project, code: Naive) -> None:
        self.project = project
        self.code = code
        self.socket = runtime_dir() / f"capstone-{project.name}{grading_suffix()}.sock"
        self.served: list[Served] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self.socket.unlink(missing_ok=True)
        self._server = _Server(str(self.socket), _handler(self))
        self.socket.chmod(0o600)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name=f"capstone-{project.name}")
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.socket.unlink(missing_ok=True)

    def request(self, method: str, path: str, body: dict | None = None,
                timeout: float = 30.0) -> tuple[int, Any]:
        """One request to the app: (status, decoded JSON body or text)."""
        connection = UnixHTTPConnection(self.socket, timeout=timeout)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            connection.request(method, path, body=payload,
                               headers={"Content-Type": "application/json"} if payload else {})
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, raw.decode(errors="replace")

    def get(self, path: str) -> tuple[int, Any]:
        return self.request("GET", path)

    def statements(self, route: str | None = None) -> list[list[str]]:
        """The SQL statements of every request served (to ``route``), request by request."""
        return [s.statements for s in self.served if route is None or s.route == route]

    def forget(self) -> None:
        """Start counting afresh (before a replay)."""
        with self._lock:
            self.served.clear()
            self.errors.clear()

    def _record(self, served: Served) -> None:
        with self._lock:
            self.served.append(served)

    def __repr__(self) -> str:
        return f"<capstone app {type(self.code).__name__} on {self.socket}>"


def _handler(app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30

        def log_message(self, *args: Any) -> None:  # the course records requests itself
            pass

        def address_string(self) -> str:  # a unix socket has no client address
            return "unix"

        def do_GET(self) -> None:
            self._serve("GET")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def _serve(self, method: str) -> None:
            started = time.perf_counter()
            _request.statements = statements = []
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, payload, content_type = _answer(app, method, self.path, body)
            except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
                app.errors.append(f"{method} {self.path}: {type(error).__name__}: {error}")
                status, payload, content_type = 500, json.dumps(
                    {"detail": f"{type(error).__name__}: {error}"}).encode(), "application/json"
            finally:
                _request.statements = None
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(payload)
            app._record(Served(method, self.path, route_of(self.path), status,
                               time.perf_counter() - started, statements))

    return Handler


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=str).encode()


def _answer(app: App, method: str, path: str, body: bytes) -> tuple[int, bytes, str]:
    route = route_of(path)
    parts = [part for part in path.split("?")[0].split("/") if part]
    if route == "/health":
        return 200, _json({"status": "ok"}), "application/json"
    if route == "/static/{file}":
        return _static(app.project.static, parts[1])
    if route == "(unknown)" or not parts[1].isdigit():
        return 404, _json({"detail": f"{path} not found"}), "application/json"
    number = int(parts[1])
    wanted = "PUT" if route == "/products/{id}/price" else "GET"
    if method not in (wanted, "HEAD" if wanted == "GET" else wanted):
        return 405, _json({"detail": "Method Not Allowed"}), "application/json"
    with app.project.engine.begin() as db:
        if route == "/products/{id}":
            found = app.code.product(db, number)
        elif route == "/customers/{id}/orders":
            orders = app.code.customer_orders(db, number)
            found = None if orders is None else {"customer_id": number, "orders": orders}
        else:
            try:
                price = int(json.loads(body or b"{}")["price_cents"])
            except (ValueError, KeyError, TypeError):
                return 400, _json({"detail": 'send {"price_cents": <integer>}'}), "application/json"
            found = {"id": number, "price_cents": price} if app.code.set_price(db, number, price) else None
    if found is None:
        return 404, _json({"detail": f"{path} not found"}), "application/json"
    return 200, _json(found), "application/json"


def _static(folder: Path, name: str) -> tuple[int, bytes, str]:
    file = folder / name
    if name.startswith(".") or not file.is_file():
        return 404, _json({"detail": f"/static/{name} not found"}), "application/json"
    kinds = {".css": "text/css", ".js": "text/javascript", ".png": "image/png",
             ".svg": "image/svg+xml", ".html": "text/html"}
    return 200, file.read_bytes(), kinds.get(file.suffix, "application/octet-stream")


# --- the traffic: a seeded replay, reads in rounds, writes between them ------------------------


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    body: dict | None = None


@dataclass
class Workload:
    """The seeded traffic: ``rounds`` of concurrent reads, each followed by a few writes.

    A few products and customers are hot (a Zipf-like skew, as in unit 1's log), most are
    cold. Reads within a round never race a write, so "stale" has one meaning: a product read
    whose price differs from the database's at that moment.
    """

    rounds: list[list[Step]]
    writes: list[list[Step]]

    @property
    def requests(self) -> int:
        return sum(len(r) for r in self.rounds) + sum(len(w) for w in self.writes)


def workload(engine: sa.Engine, *, rounds: int = 6, reads: int = 100, writes: int = 3,
             orders_share: float = 0.3, seed: int = 5) -> Workload:
    """Make the seeded traffic for this project's data (the same seed, the same requests)."""
    with engine.connect() as db:
        products = [row[0] for row in db.execute(sa.text("SELECT id FROM products ORDER BY id"))]
        customers = [row[0] for row in db.execute(sa.text(
            "SELECT DISTINCT customer_id FROM orders ORDER BY customer_id LIMIT 500"))]
    rng = random.Random(seed)
    hot_products = rng.sample(products, min(10, len(products)))
    hot_customers = rng.sample(customers, min(10, len(customers)))

    def pick(hot: list[int], everyone: list[int]) -> int:
        return rng.choice(hot) if rng.random() < 0.8 else rng.choice(everyone)

    read_rounds, write_rounds = [], []
    for _ in range(rounds):
        steps = []
        for _ in range(reads):
            if rng.random() < orders_share:
                steps.append(Step("GET", f"/customers/{pick(hot_customers, customers)}/orders"))
            else:
                steps.append(Step("GET", f"/products/{pick(hot_products, products)}"))
        read_rounds.append(steps)
        write_rounds.append([Step("PUT", f"/products/{rng.choice(hot_products)}/price",
                                  {"price_cents": rng.randrange(100, 100_000)})
                             for _ in range(writes)])
    return Workload(read_rounds, write_rounds)


@dataclass
class Report:
    """What a replay measured. Timings are shown, never graded; everything else is evidence."""

    name: str
    requests: int
    seconds: float
    by_status: dict[int, int]
    stale_reads: list[str]
    statements_per_request: dict[str, float]   # route → mean statements per request
    most_statements: dict[str, int]             # route → the most one request ran
    p50_ms: float
    p95_ms: float
    errors: list[str]

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        """Answers that were neither 2xx nor the 404 the seeded traffic never asks for."""
        return sum(n for status, n in self.by_status.items() if status >= 500 or status == 0)

    def save(self, file: str | Path) -> Path:
        """Write the report as JSON (``baseline.json``, ``after.json``) for the final report."""
        path = Path(file)
        path.write_text(json.dumps(asdict(self) | {"requests_per_second": self.requests_per_second},
                                   indent=2, default=str) + "\n")
        return path

    @classmethod
    def load(cls, file: str | Path) -> Report:
        data = json.loads(Path(file).read_text())
        data.pop("requests_per_second", None)
        data["by_status"] = {int(k): v for k, v in data["by_status"].items()}
        return cls(**data)

    def __str__(self) -> str:
        counts = ", ".join(f"{route} {mean:.1f}" for route, mean in self.statements_per_request.items())
        return (f"{self.name}: {self.requests} requests in {self.seconds:.2f} s "
                f"({self.requests_per_second:.0f} requests/s; p50 {self.p50_ms:.1f} ms, "
                f"p95 {self.p95_ms:.1f} ms; measured now, never graded)\n"
                f"  statuses {dict(sorted(self.by_status.items()))}, {self.failed} failed, "
                f"{len(self.stale_reads)} stale reads\n"
                f"  SQL statements per request: {counts}")

    __repr__ = __str__


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


# --- the project: data, Redis, app, replay -----------------------------------------------------


class Project:
    """Your project's working copy of the shop, its static files and (on demand) its Redis.

    ``Project(name)`` starts from a fresh copy of the seeded shop, so every run of a notebook
    begins at the same naive state; ``fresh=False`` keeps what an earlier cell changed.
    """

    def __init__(self, name: str = "project") -> None:
        from .sql import database  # noqa: PLC0415 - SQLAlchemy only when a project is made

        self.name = name
        self.engine = database(f"capstone-{name}")
        sa.event.listen(self.engine, "before_cursor_execute", _count_statement)
        self.static = runtime_dir() / f"capstone-{name}{grading_suffix()}-static"
        self.static.mkdir(mode=0o700, exist_ok=True)
        (self.static / "shop.css").write_text("body { font-family: sans-serif; }\n" * 200)
        self._cache: Any = None
        self._apps: list[App] = []

    @property
    def cache(self) -> Any:
        """This project's private Redis (started on first use), emptied at the start."""
        if self._cache is None:
            from .caching import private_server  # noqa: PLC0415
            self._cache = private_server(f"capstone-{self.name}")
        return self._cache

    def serve(self, code: type[Naive], *, cache: bool = False) -> App:
        """Serve an instance of ``code`` (Naive or your subclass), replacing the app this
        project served before. ``cache=True`` hands it this project's Redis as ``self.cache``."""
        if not (isinstance(code, type) and issubclass(code, Naive)):
            raise CourseError(f"serve() wants a class derived from capstone.Naive, not {code!r}.",
                              "write `class Mine(capstone.Naive): ...` and pass `Mine` "
                              "(the class itself, not Mine()).")
        self.stop()
        app = App(self, code(self.cache if cache else None))
        self._apps.append(app)
        return app

    def stop(self) -> None:
        """Stop every app this project serves."""
        while self._apps:
            self._apps.pop().stop()

    def price(self, product_id: int) -> int | None:
        """The database's price for a product right now (the truth a cache must agree with)."""
        with self.engine.connect() as db:
            return db.execute(sa.text("SELECT price_cents FROM products WHERE id = :id"),
                              {"id": product_id}).scalar()

    def replay(self, app: App, traffic: Workload | None = None, *, clients: int = 8,
               name: str | None = None) -> Report:
        """Send the seeded traffic to ``app`` (or to nginx: anything with ``.socket``) from
        ``clients`` threads; count statuses, statements and stale reads, time every request."""
        traffic = traffic or workload(self.engine)
        app.forget()
        statuses: Counter[int] = Counter()
        latencies: list[float] = []
        stale: list[str] = []
        lock = threading.Lock()
        started = time.perf_counter()
        for reads, writes in zip(traffic.rounds, traffic.writes):
            truth = {step.path: self.price(int(step.path.split("/")[2]))
                     for step in reads if route_of(step.path) == "/products/{id}"}
            queue = list(reads)

            def client() -> None:
                connection = UnixHTTPConnection(app.socket, timeout=30)
                try:
                    while True:
                        with lock:
                            if not queue:
                                return
                            step = queue.pop()
                        sent = time.perf_counter()
                        try:
                            connection.request(step.method, step.path)
                            response = connection.getresponse()
                            raw = response.read()
                            status = response.status
                        except (OSError, http.client.HTTPException):
                            connection.close()
                            connection = UnixHTTPConnection(app.socket, timeout=30)
                            status, raw = 0, b""
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
                status, _ = app.request(step.method, step.path, step.body)
                latencies.append(time.perf_counter() - sent)
                statuses[status] += 1
        seconds = time.perf_counter() - started
        per_route: dict[str, list[int]] = defaultdict(list)
        for served in list(app.served):
            per_route[served.route].append(len(served.statements))
        return Report(
            name=name or type(app.code).__name__, requests=traffic.requests, seconds=seconds,
            by_status=dict(statuses), stale_reads=stale,
            statements_per_request={r: statistics.fmean(n) for r, n in sorted(per_route.items())},
            most_statements={r: max(n) for r, n in sorted(per_route.items())},
            p50_ms=_percentile(latencies, 0.5) * 1000, p95_ms=_percentile(latencies, 0.95) * 1000,
            errors=list(app.errors))


def _count_statement(connection: Any, cursor: Any, statement: str, parameters: Any,
                     context: Any, executemany: bool) -> None:
    statements = getattr(_request, "statements", None)
    if statements is not None:
        statements.append(statement)


@contextlib.contextmanager
def counting() -> Iterator[list[str]]:
    """Count the statements run in this thread inside the block (outside any app request)::

        with capstone.counting() as statements:
            Naive().customer_orders(db, 42)
        len(statements)
    """
    previous = getattr(_request, "statements", None)
    _request.statements = statements = []
    try:
        yield statements
    finally:
        _request.statements = previous
