"""The project's app: your code (a subclass of ``Naive``) served on a private unix socket by
threads of this kernel, every SQL statement counted against the request that ran it."""

from __future__ import annotations

import contextlib
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..load import UnixHTTPConnection

if TYPE_CHECKING:
    from .project import Project

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
    """A thread per connection, and a count of the connections being answered (a graceful stop
    waits for it to reach 0)."""

    daemon_threads = True
    request_queue_size = 256
    active = 0
    _counting = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._counting:
            self.active += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        super().shutdown_request(request)
        with self._counting:
            self.active -= 1


class App:
    """The project's app, serving ``code`` (an instance of Naive or your subclass) on a unix
    socket until ``stop()`` (or until the kernel ends: its threads are daemons)."""

    def __init__(self, project: Project, code: Naive, socket: Path) -> None:
        self.project = project
        self.code = code
        self.socket = socket
        self.served: list[Served] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self.socket.unlink(missing_ok=True)
        self._server = _Server(str(self.socket), _handler(self))
        self.socket.chmod(0o600)
        # A short poll interval: stop() (and so every deploy and re-serve) waits for one.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True,
                                        name=f"capstone-{project.name}")
        self._thread.start()

    def stop(self, grace: float = 5.0) -> None:
        """Stop gracefully, as a server does on SIGTERM: accept no new connection (the socket's
        name goes first), answer every connection already made — including those still waiting
        to be accepted — then stop. ``grace``: the most seconds to wait for them."""
        self.socket.unlink(missing_ok=True)
        deadline = time.monotonic() + grace
        quiet = 0
        while quiet < 3 and time.monotonic() < deadline:  # idle three looks in a row, 20 ms apart
            quiet = quiet + 1 if self._server.active == 0 else 0
            time.sleep(0.02)
        self._server.shutdown()
        self._server.server_close()

    def request(self, method: str, path: str, body: dict | None = None,
                timeout: float = 30.0) -> tuple[int, Any]:
        """One request to the app: (status, decoded JSON body or text)."""
        return request(self.socket, method, path, body, timeout)

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


def request(socket: Path, method: str, path: str, body: dict | None = None,
            timeout: float = 30.0) -> tuple[int, Any]:
    """One request to whatever listens on ``socket`` (the app, or nginx in front of it):
    (status, decoded JSON body or text)."""
    connection = UnixHTTPConnection(socket, timeout=timeout)
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
                status, payload, content_type = respond(app, method, self.path, body)
            except Exception as error:  # noqa: BLE001 - the learner's code may raise anything
                app.errors.append(f"{method} {self.path}: {type(error).__name__}: {error}")
                status, payload, content_type = 500, json.dumps(
                    {"detail": f"{type(error).__name__}: {error}"}).encode(), "application/json"
            finally:
                _request.statements = None
            # Recorded before the answer leaves: whoever got the answer finds it in app.served.
            app._record(Served(method, self.path, route_of(self.path), status,
                               time.perf_counter() - started, statements))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(payload)

    return Handler


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=str).encode()


def respond(app: App, method: str, path: str, body: bytes) -> tuple[int, bytes, str]:
    """The app's answer to one request, (status, body, content type): what its request handler
    sends, and what a check may call directly to learn the right answer without a server."""
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
