"""Evidence for a diagnosis (unit 5.2): what the app did, request by request, as an on-call
engineer would collect it — never how long it took, which is shown but proves nothing.

``gather(app)`` sends a small seeded traffic to the app, one request at a time, and keeps:

- ``access_log``: one line per request, as nginx in front of the app would write it (unit 1's
  "combined" format plus ``$request_time``)::

      unix: - - [27/Nov/2026:18:30:01 +0000] "GET /customers/17/orders HTTP/1.1" 200 812 "-" "shop-replay/1.0" 0.004

- ``statements``: ``statements[i]`` is the list of SQL statements request ``i`` (line ``i`` of
  the log) ran, each with its parameters and its **plan** (``backendlab.plans.Plan``), made right
  after the replay, on the same database (once per SQL text).

The traffic is chosen to make patterns visible, not to look pretty: customers with no orders,
one, two … five or more (an N+1 only shows as a count that changes with the rows), a few
products, price changes, a health check, a static file, and one unknown id per kind (404s run
fewer statements: a diagnosis must not mistake them for a pattern).

A plan shows a full scan only where no index could find the rows: PostgreSQL may rightly read a
200-row table whole although an index exists (its choice for today's size, not a fault), so such
a plan is asked again with ``prefer_indexes=True`` (see ``_plan``). Full scans then mean the same
on both engines and at every scale.

Why the statements' parameters come from ``statements.recording`` and not from the app: the app
counts statement texts (``App.served``); a plan needs the values too (``EXPLAIN`` of ``WHERE
id = ?`` wants a value for the ``?``). The requests are sent one at a time, so the statements
recorded while one was answered are that request's (checked against the app's own count).
"""

from __future__ import annotations

import http.client
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from .. import plans
from ..errors import CourseError
from ..load import UnixHTTPConnection
from .app import App, route_of
from .statements import recording
from .traffic import Step

USER_AGENT = "shop-replay/1.0"
UNKNOWN_OFFSET = 1_000_000  # an id this far above the largest is nobody's


@dataclass(frozen=True)
class Statement:
    """One SQL statement a request ran: its text as the driver got it (placeholders and all),
    its parameters, and the plan the database has for it."""

    sql: str
    parameters: Any
    plan: plans.Plan = field(compare=False, repr=False)

    def __str__(self) -> str:
        one_line = re.sub(r"\s+", " ", self.sql).strip()
        return f"{one_line}   {self.parameters!r}"


@dataclass
class Evidence:
    """What one replay of an app left behind: its access log and, line by line, the SQL
    statements each request ran (with their plans). ``statements[i]`` belongs to
    ``access_log[i]``."""

    name: str
    access_log: list[str]
    statements: list[list[Statement]]

    def __len__(self) -> int:
        return len(self.access_log)

    def requests(self) -> Iterator[tuple[str, list[Statement]]]:
        """``(log line, statements)`` for every request, in the order they were sent."""
        return iter(zip(self.access_log, self.statements))

    def show(self, number: int) -> None:
        """Print request ``number``: its log line, then every statement it ran and, under each
        one, what its plan reads."""
        print(self.access_log[number])
        if not self.statements[number]:
            print("   (no SQL statement)")
        for position, statement in enumerate(self.statements[number], start=1):
            print(f"  {position}. {statement}")
            for step in statement.plan.walk():
                if step.mark():
                    print(f"       {step.label}   ← {step.mark()}")

    def __repr__(self) -> str:
        routes = Counter(route_of(_path(line)) for line in self.access_log)
        counts = ", ".join(f"{route} ×{n}" for route, n in sorted(routes.items()))
        total = sum(len(s) for s in self.statements)
        return (f"<Evidence of {self.name}: {len(self)} requests ({counts}); "
                f"{total} SQL statements, each with its plan>")


# --- the traffic: chosen so that patterns can show ------------------------------------------------


def traffic(engine: sa.Engine, *, seed: int = 2, products: int = 12, per_bucket: int = 1,
            writes: int = 4, candidates: int = 400) -> list[Step]:
    """The requests ``gather`` sends (shuffled by ``seed``).

    Customers come in buckets by how many orders they have — none, 1, 2, 3, 4, 5, more than 5 —
    ``per_bucket`` from each (fewer where a bucket is short among ``candidates`` customers drawn
    at random), so that a statement count that follows the number of orders shows as a count that
    changes. Few requests on purpose: the naive app needs most of a second per customer at full
    scale.
    """
    with engine.connect() as db:
        product_ids = [row[0] for row in db.execute(sa.text("SELECT id FROM products ORDER BY id"))]
        customer_ids = [row[0] for row in db.execute(sa.text("SELECT id FROM customers ORDER BY id"))]
    rng = random.Random(seed)
    drawn = sorted(rng.sample(customer_ids, min(candidates, len(customer_ids))))
    with engine.connect() as db:  # one pass over orders for all the candidates
        counted = dict(db.execute(sa.text(
            "SELECT customer_id, COUNT(*) FROM orders WHERE customer_id IN :ids GROUP BY customer_id"
        ).bindparams(sa.bindparam("ids", expanding=True)), {"ids": drawn}).all())
    buckets: dict[int, list[int]] = {}
    for customer_id in drawn:
        buckets.setdefault(min(counted.get(customer_id, 0), 6), []).append(customer_id)
    chosen = [customer for bucket in sorted(buckets)
              for customer in rng.sample(buckets[bucket], min(per_bucket, len(buckets[bucket])))]
    nobody = max(product_ids + customer_ids) + UNKNOWN_OFFSET
    steps = [Step("GET", f"/customers/{customer}/orders") for customer in chosen]
    steps += [Step("GET", f"/products/{product}") for product in rng.sample(product_ids, products)]
    steps += [Step("PUT", f"/products/{product}/price", {"price_cents": rng.randrange(100, 100_000)})
              for product in rng.sample(product_ids, writes)]
    steps += [Step("GET", f"/customers/{nobody}/orders"), Step("GET", f"/products/{nobody}"),
              Step("PUT", f"/products/{nobody}/price", {"price_cents": 100}),
              Step("GET", "/health"), Step("GET", "/health"), Step("GET", "/static/shop.css")]
    rng.shuffle(steps)
    return steps


# --- gathering --------------------------------------------------------------------------------------


def gather(app: App, *, seed: int = 2, steps: list[Step] | None = None) -> Evidence:
    """Replay ``steps`` (default: ``traffic(engine, seed=seed)``) to ``app``, one request at a
    time, and return the evidence: the access log and every request's statements with plans."""
    if not isinstance(app, App):
        raise CourseError(f"gather() wants the app that project.serve(...) returned, not {app!r}.",
                          "write `app = project.serve(capstone.Naive)`, then `evidence.gather(app)`.")
    engine = app.project.engine
    steps = steps if steps is not None else traffic(engine, seed=seed)
    app.forget()
    sent: list[tuple[datetime, int, int]] = []  # when, the answer's size, statements recorded before
    with recording(app.project) as ran:
        for step in steps:
            when, before = datetime.now(UTC), len(ran)
            sent.append((when, _send(app, step), before))  # answered: its statements are all in
    served = list(app.served)
    planned: dict[str, plans.Plan] = {}
    log, statements = [], []
    ends = [before for _, _, before in sent[1:]] + [len(ran)]
    for (when, size, start), end, request in zip(sent, ends, served):
        with_parameters = [(s.sql, s.parameters) for s in ran[start:end]]
        if [sql for sql, _ in with_parameters] != request.statements:  # another request's too
            with_parameters = [(text, None) for text in request.statements]  # parameters unknown
        log.append(log_line(request.method, request.path, request.status, size, request.seconds, when))
        statements.append([Statement(sql, parameters, _plan(engine, sql, parameters, planned))
                           for sql, parameters in with_parameters])
    return Evidence(type(app.code).__name__, log, statements)


def log_line(method: str, path: str, status: int, size: int, seconds: float, when: datetime) -> str:
    """One access-log line in nginx's "combined" format plus ``$request_time`` (unit 1's log);
    the client is ``unix:``, as nginx names a client on a unix socket."""
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return (f'unix: - - [{stamp}] "{method} {path} HTTP/1.1" {status} {size} "-" '
            f'"{USER_AGENT}" {seconds:.3f}')


def _send(app: App, step: Step) -> int:
    """Send one request; the size of the answer's body in bytes (0 when it failed)."""
    connection = UnixHTTPConnection(app.socket, timeout=60)
    try:
        body = json.dumps(step.body).encode() if step.body is not None else None
        connection.request(step.method, step.path, body=body,
                           headers={"Content-Type": "application/json"} if body else {})
        return len(connection.getresponse().read())
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def _plan(engine: sa.Engine, sql: str, parameters: Any, planned: dict) -> plans.Plan:
    """The plan of one statement, made once per SQL text (with the first values it ran with):
    the values change what PostgreSQL estimates, not whether an index can find the rows, and
    planning every order id of an N+1 again would cost more than the replay.

    A plan reads a table whole here only when no index could find its rows. SQLite's plans say
    that already (without statistics it uses any index it can). PostgreSQL may rightly read a
    table of a few pages whole although an index could serve — its choice for today's size, not
    a fault — so a PostgreSQL plan with a full scan is asked again with ``prefer_indexes=True``:
    if an index then finds those rows (rather than walking all of an index, a full read by
    another name), that plan is the one kept.
    """
    if sql in planned:
        return planned[sql]
    statement = plans.Statement(sql, parameters)
    try:
        found = plans.plan(engine, statement)
        if engine.dialect.name == "postgresql" and found.full_scans():
            forced = plans.plan(engine, statement, prefer_indexes=True)
            read_whole = set(forced.full_scans()) | {
                step.table for step in forced.walk() if step.kind == plans.INDEX_WALK}
            if not read_whole & set(found.full_scans()):
                found = forced
    except CourseError:
        found = plans.Plan(engine.dialect.name, "", sql, [], "(this statement has no plan)")
    planned[sql] = found
    return found


def _path(line: str) -> str:
    """The path of an access-log line (for the summary)."""
    parts = line.split('"')
    request = parts[1].split() if len(parts) > 1 else []
    return request[1] if len(request) > 1 else ""
