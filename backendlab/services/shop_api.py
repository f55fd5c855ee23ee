"""The shop as a web API: the endpoints every kind of app server in unit 4 serves.

The same few endpoints, over the seeded shop dataset, whichever server runs them (FastAPI on
uvicorn, a sync-worker server, Python's http.server), so a lesson can swap the server and keep
the URLs::

    GET  /health                    {"status": "ok", ...}
    GET  /products?limit=20&after=0 a page of products (keyset: ids after ``after``)
    GET  /products/{id}             one product, with an ETag; If-None-Match → 304; 404 if missing
    GET  /customers/{id}/orders     a customer's latest orders; 404 if no such customer
    GET  /slow?seconds=2            answers after a delay (the 504 lesson: a proxy that gives up)
    any  /echo                      the request as the app saw it: method, path, headers, body
                                    (the proxy lessons: which Host, which X-Forwarded-For)
    GET  /login?user=alice          {"user": "alice"} with ``Set-Cookie: session=alice``: a private
                                    answer a shared cache must never keep (the proxy cache lesson)

The shop's data (products, orders, echo, login) is rendered by :func:`to_json` in every kind,
so a product's ETag is the same whichever server sends it; FastAPI renders ``/health`` and
``/slow`` with its own JSON encoder (same content, other spacing). ``/_ready`` (the service
manager's readiness probe) is not counted as a request served; everything else is.

Bad input is answered as each framework does: FastAPI validates path and query parameters,
so ``/products/abc`` is a 422 with a validation error; the http.server kinds route by hand and
answer 404 (no such route), and ignore an unreadable ``limit`` or ``after``.
"""

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine

READY_PATH = "/_ready"
MAX_SLEEP = 60.0   # /slow and the apps' delay option: long enough for any proxy timeout lesson
PAGE_LIMIT = 100
ECHO_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def to_json(value: Any) -> bytes:
    """Compact JSON; timestamps as text (SQLite gives str, PostgreSQL datetime: same text)."""
    return json.dumps(value, separators=(",", ":"), default=str).encode()


def etag_of(body: bytes) -> str:
    """A strong ETag derived from the body: equal bodies, equal tags, on every server."""
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110's weak comparison for If-None-Match: ``*``, or any listed tag equal once the
    ``W/`` prefix is dropped (a gzipping proxy weakens tags)."""
    if not if_none_match:
        return False
    tags = [tag.strip() for tag in if_none_match.split(",")]
    return "*" in tags or etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


class Counter:
    """How many requests reached the app: one byte appended to a file per request.

    ``O_APPEND`` writes are atomic, so threads and forked workers can all count into one file,
    and the count survives the app being stopped (a lesson reads it after stopping the app to
    prove that nginx answered alone).
    """

    def __init__(self, path: os.PathLike | str) -> None:
        self.descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def add(self) -> None:
        os.write(self.descriptor, b".")


@dataclass
class Reply:
    """A response before any server has sent it."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def _not_found(what: str) -> Reply:
    return Reply(404, to_json({"detail": f"{what} not found"}))


class Shop:
    """The shop's queries, shared by every kind of server."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def product(self, product_id: int) -> dict | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT id, name, category, price_cents FROM products WHERE id = :id"),
                {"id": product_id}).mappings().first()
        return dict(row) if row else None

    def products(self, limit: int = 20, after: int = 0) -> list[dict]:
        limit = max(1, min(limit, PAGE_LIMIT))
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT id, name, category, price_cents FROM products WHERE id > :after "
                        "ORDER BY id LIMIT :limit"), {"after": after, "limit": limit}).mappings()
            return [dict(row) for row in rows]

    def customer_orders(self, customer_id: int, limit: int = 10) -> list[dict] | None:
        """The latest orders of a customer, or None when there is no such customer. There is
        no index on orders.customer_id: this endpoint is slow on purpose (unit 2's lesson)."""
        with self.engine.connect() as connection:
            known = connection.execute(sa.text("SELECT 1 FROM customers WHERE id = :id"),
                                       {"id": customer_id}).first()
            if known is None:
                return None
            rows = connection.execute(
                sa.text("SELECT id, status, created_at, total_cents FROM orders "
                        "WHERE customer_id = :id ORDER BY created_at DESC, id DESC LIMIT :limit"),
                {"id": customer_id, "limit": limit}).mappings()
            return [dict(row) for row in rows]

    # --- the replies, as every kind of server sends them ------------------------------------

    def product_reply(self, product_id: int, if_none_match: str | None) -> Reply:
        product = self.product(product_id)
        if product is None:
            return _not_found(f"product {product_id}")
        body = to_json(product)
        etag = etag_of(body)
        if etag_matches(if_none_match, etag):
            return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, {"ETag": etag})

    def products_reply(self, limit: int, after: int) -> Reply:
        return Reply(200, to_json({"products": self.products(limit, after)}))

    def orders_reply(self, customer_id: int) -> Reply:
        orders = self.customer_orders(customer_id)
        if orders is None:
            return _not_found(f"customer {customer_id}")
        return Reply(200, to_json({"customer_id": customer_id, "orders": orders}))


def health(kind: str) -> dict:
    return {"status": "ok", "kind": kind, "pid": os.getpid()}


def echo(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Reply:
    """The request as the app received it; headers as [name, value] pairs, repeats kept."""
    return Reply(200, to_json({"method": method, "path": target,
                               "headers": [[name, value] for name, value in headers],
                               "body": body.decode(errors="replace")}))


def login(user: str | None) -> Reply:
    """A pretend login: the answer sets a session cookie, so it belongs to one visitor only."""
    user = "".join(ch for ch in (user or "guest") if ch.isalnum())[:40] or "guest"
    return Reply(200, to_json({"user": user}),
                 {"Set-Cookie": f"session={user}; Path=/; HttpOnly"})


def sleep_seconds(raw: str | None) -> float:
    try:
        return max(0.0, min(float(raw or 1.0), MAX_SLEEP))
    except ValueError:
        return 1.0


# --- routing for the stdlib servers (FastAPI has its own, below) --------------------------------

def route(shop: Shop, kind: str, method: str, target: str, headers: list[tuple[str, str]],
          body: bytes) -> Reply:
    """One request → one reply, for the servers built on http.server."""
    parts = urlsplit(target)
    path, query = parts.path, parse_qs(parts.query)
    first = {name.lower(): value for name, value in reversed(headers)}  # the first of repeats
    segments = [segment for segment in path.split("/") if segment]
    if path == "/echo":
        return echo(method, target, headers, body)
    if method not in ("GET", "HEAD"):
        known = (path in ("/health", "/products", "/slow", "/login") or
                 (len(segments) == 2 and segments[0] == "products") or
                 (len(segments) == 3 and segments[0] == "customers" and segments[2] == "orders"))
        return _not_allowed("GET, HEAD") if known else _not_found(path)
    if path == "/health":
        return Reply(200, to_json(health(kind)))
    if path == "/products":
        return shop.products_reply(_int(query, "limit", 20), _int(query, "after", 0))
    if path == "/login":
        return login(query.get("user", [None])[0])
    if path == "/slow":
        seconds = sleep_seconds(query.get("seconds", [None])[0])
        time.sleep(seconds)
        return Reply(200, to_json({"slept": seconds}))
    if len(segments) == 2 and segments[0] == "products" and segments[1].isdigit():
        return shop.product_reply(int(segments[1]), first.get("if-none-match"))
    if (len(segments) == 3 and segments[0] == "customers" and segments[2] == "orders"
            and segments[1].isdigit()):
        return shop.orders_reply(int(segments[1]))
    return _not_found(path)


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(query.get(name, [default])[0])
    except ValueError:
        return default


def _not_allowed(allow: str) -> Reply:
    return Reply(405, to_json({"detail": "Method Not Allowed"}), {"Allow": allow})


# --- FastAPI ------------------------------------------------------------------------------------


def fastapi_app(shop: Shop, counter: Counter | None = None, delay: float = 0.0):
    """The shop as a FastAPI application (what most learners expect to deploy in 2026).

    ``delay`` seconds are awaited before every counted request (a slow app that does not block
    the event loop); ``/slow`` awaits too.
    """
    import asyncio  # noqa: PLC0415 - FastAPI is imported only by the "fastapi" kind

    from fastapi import FastAPI, Request, Response  # noqa: PLC0415

    app = FastAPI(title="Backend Lab shop", docs_url=None, redoc_url=None, openapi_url=None)

    def send(reply: Reply) -> Response:
        return Response(content=reply.body, status_code=reply.status, headers=reply.headers,
                        media_type=reply.content_type if reply.status != 304 else None)

    @app.middleware("http")
    async def count_and_delay(request: Request, call_next):
        if request.url.path != READY_PATH:
            if counter is not None:
                counter.add()
            if delay:
                await asyncio.sleep(delay)
        return await call_next(request)

    @app.get(READY_PATH, include_in_schema=False)
    def ready() -> dict:
        return {"ready": True}

    @app.api_route("/health", methods=["GET", "HEAD"])
    def get_health() -> dict:
        return health("fastapi")

    @app.api_route("/products", methods=["GET", "HEAD"])
    def list_products(limit: int = 20, after: int = 0) -> Response:
        return send(shop.products_reply(limit, after))

    @app.api_route("/products/{product_id}", methods=["GET", "HEAD"])
    def get_product(product_id: int, request: Request) -> Response:
        return send(shop.product_reply(product_id, request.headers.get("if-none-match")))

    @app.api_route("/customers/{customer_id}/orders", methods=["GET", "HEAD"])
    def get_orders(customer_id: int) -> Response:
        return send(shop.orders_reply(customer_id))

    @app.api_route("/login", methods=["GET", "HEAD"])
    def get_login(user: str | None = None) -> Response:
        return send(login(user))

    @app.api_route("/slow", methods=["GET", "HEAD"])
    async def slow(seconds: str | None = None) -> dict:
        waited = sleep_seconds(seconds)
        await asyncio.sleep(waited)
        return {"slept": waited}

    @app.api_route("/echo", methods=list(ECHO_METHODS))
    async def get_echo(request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = [(name.decode("latin-1"), value.decode("latin-1"))
                   for name, value in request.scope["headers"]]
        return send(echo(request.method, target, headers, await request.body()))

    return app
