"""The customers a rewrite of ``customer_orders`` gets wrong, planted in a project's data, and
a comparison of two versions of the app request by request (notebook 5.3).

The seeded shop has no order without items and no customer with two orders in the same
second — real shops have both (an order whose items were refunded, two orders imported in one
batch). ``plant(project.engine, seed)`` makes such customers out of existing ones (their
orders replaced), drawn from ``seed``, so hidden tests can plant others than the lesson did::

    planted = edge_cases.plant(project.engine, seed=3)
    planted.paths()              # {"no orders": "/customers/1276/orders", ...}
    edge_cases.compare(project, capstone.Naive, Mine, list(planted.paths().values()))  # [] when alike
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from .app import App, Naive, respond
from .project import Project
from .stress import at_once


@dataclass
class Planted:
    """The customers ``plant`` added (ids), by what makes each one an edge case."""

    no_orders: int           # a customer with no order at all
    one_order: int           # exactly one order, and it has no items
    ties: int                # more orders than shown, the latest three placed in the same
                             # second, the 5th and 6th too (and one without items, too old
                             # to be shown)
    decoys: list[int] = field(default_factory=list)  # a tie and an order without items, both
                                                     # too old to be shown: the lowest and the
                                                     # highest planted ids
    unknown: int = 0         # an id no customer has

    def paths(self) -> dict[str, str]:
        return {"no orders": f"/customers/{self.no_orders}/orders",
                "one order, no items": f"/customers/{self.one_order}/orders",
                "ties among the latest": f"/customers/{self.ties}/orders",
                "no such customer": f"/customers/{self.unknown}/orders"}


def plant(engine: sa.Engine, seed: int = 0) -> Planted:
    """Turn a few of the shop's customers, drawn from ``seed``, into the edge cases: their own
    orders are deleted and the planted ones put in their place.

    Why existing customers, anywhere among the ids: new customers above the highest id, all
    with one made-up name, could be found by "the newest ids" or by their name instead of by
    what makes them edge cases. The planted orders reuse the deleted orders' ids and fall
    within the seeded orders' dates, for the same reason.
    """
    rng = random.Random(seed)
    with engine.begin() as db:
        top_customer = db.execute(sa.text("SELECT max(id) FROM customers")).scalar()
        products = [row[0] for row in db.execute(sa.text("SELECT id FROM products"))]
        counts = dict(db.execute(sa.text("SELECT customer_id, count(*) FROM orders GROUP BY customer_id")).all())
        # customers with a few orders: their freed ids are enough for the planted orders
        candidates = sorted(c for c, n in counts.items() if 5 <= n <= 12 and c != 42)
        chosen = sorted(rng.sample(candidates, 6))
        freed = [row[0] for row in db.execute(
            sa.text("SELECT id FROM orders WHERE customer_id IN :ids ORDER BY id")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chosen})]
        freed_items = [row[0] for row in db.execute(
            sa.text("SELECT i.id FROM order_items AS i JOIN orders AS o ON o.id = i.order_id "
                    "WHERE o.customer_id IN :ids ORDER BY i.id")
            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chosen})]
        db.execute(sa.text("DELETE FROM order_items WHERE order_id IN :ids")
                   .bindparams(sa.bindparam("ids", expanding=True)), {"ids": freed})
        db.execute(sa.text("DELETE FROM orders WHERE id IN :ids")
                   .bindparams(sa.bindparam("ids", expanding=True)), {"ids": freed})
        tops = {table: db.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar()  # noqa: S608
                for table in ("orders", "order_items")}
        rng.shuffle(freed)
        order_ids = iter(freed + rng.sample(range(tops["orders"] + 1, tops["orders"] + 200), 40))
        rng.shuffle(freed_items)
        item_ids = iter(freed_items + rng.sample(range(tops["order_items"] + 1, tops["order_items"] + 400), 120))
        # within the seeded orders' dates: the planted orders are not simply the newest
        day = datetime(2025, 1, 1, 9, 0, 0) + timedelta(days=rng.randrange(60, 300),
                                                        seconds=rng.randrange(0, 30_000))

        def order(customer_id: int, at: datetime, items: int) -> int:
            number = next(order_ids)
            db.execute(sa.text("INSERT INTO orders (id, customer_id, status, created_at, total_cents) "
                               "VALUES (:id, :c, 'delivered', :at, :total)"),
                       {"id": number, "c": customer_id, "at": at, "total": rng.randrange(500, 90_000)})
            for _ in range(items):
                db.execute(sa.text("INSERT INTO order_items (id, order_id, product_id, quantity, "
                                   "unit_price_cents) VALUES (:id, :o, :p, :q, :price)"),
                           {"id": next(item_ids), "o": number, "p": rng.choice(products),
                            "q": rng.randrange(1, 4), "price": rng.randrange(100, 20_000)})
            return number

        def decoy(customer_id: int) -> None:
            """More orders than shown; a tie and an order without items, both too old to show."""
            for days in range(1, 7):
                order(customer_id, day - timedelta(days=days), 2)
            order(customer_id, day - timedelta(days=30), 0)
            order(customer_id, day - timedelta(days=40), 1)
            order(customer_id, day - timedelta(days=40), 2)

        # the lowest and the highest chosen ids are decoys: "the first (or last) customer with a
        # tie anywhere" finds one of them, not a customer whose tie is shown
        middle = chosen[1:-1]
        rng.shuffle(middle)
        planted = Planted(no_orders=middle[0], one_order=middle[1], ties=middle[2],
                          decoys=[chosen[0], chosen[-1]])
        for customer_id in planted.decoys:
            decoy(customer_id)
        order(planted.one_order, day - timedelta(days=3), 0)
        # the 5th and 6th newest share a second too: ranking by time alone (rank(), not
        # row_number()) would show both
        times = [day, day, day, day - timedelta(hours=5), day - timedelta(days=2),
                 day - timedelta(days=2), day - timedelta(days=9), day - timedelta(days=60)]
        items = [2, 1, 3, 1, 4, 2, 0, 3]  # the order without items: 7th newest, not shown
        for at, count in sorted(zip(times, items), key=lambda _: rng.random()):
            order(planted.ties, at, count)
        planted.unknown = top_customer + 100 + rng.randrange(0, 50)
    return planted


def answers(project: Project, code: type[Naive], paths: list[str]) -> dict[str, tuple[int, Any]]:
    """What the app would answer to GET each path with ``code``: {path: (status, JSON body)}.

    The very function the app's request handler calls (the same routing, transaction, JSON
    and 404s), called directly: starting and stopping a server per version would cost half a
    second each, and a comparison of many versions would spend its time waiting for sockets.
    """
    stand_in = SimpleNamespace(project=project, code=code(None))
    found = {}
    for path in dict.fromkeys(paths):
        try:
            status, payload, _ = respond(stand_in, "GET", path, b"")
        except Exception as error:  # noqa: BLE001 - as the app does: a 500 with the error
            status, payload = 500, json.dumps({"detail": f"{type(error).__name__}: {error}"}).encode()
        found[path] = (status, json.loads(payload))
    return found


def together(app: App, paths: list[str], clients: int = 8,
             rounds: int = 4) -> list[tuple[str, tuple[int, Any]]]:
    """Real clients asking the served ``app`` at the same moment: each round, ``clients``
    clients released together (``stress.at_once``), each GETs its own path of ``paths`` (in
    turn). Returns every (path, (status, body)); status 0 for a client that got no answer.

    Why: the app serves its requests in threads that share one instance of the code; an answer
    that keeps a request's state on ``self`` is right alone and wrong when two requests overlap.
    """
    found: list[tuple[str, tuple[int, Any]]] = []
    for turn in range(rounds):
        asked = [paths[(number + turn * clients) % len(paths)] for number in range(clients)]
        found += zip(asked, at_once(app, asked))
    return found


@dataclass
class Difference:
    path: str
    baseline: tuple[int, Any]
    candidate: tuple[int, Any]

    def __str__(self) -> str:
        return f"{self.path}:\n  baseline  {self.baseline}\n  candidate {self.candidate}"


def compare(project: Project, baseline: type[Naive], candidate: type[Naive],
            paths: list[str]) -> list[Difference]:
    """Ask each version the same paths: the paths whose answers (status and JSON body, orders
    and items in their order) differ."""
    before = answers(project, baseline, paths)
    after = answers(project, candidate, paths)
    return [Difference(path, before[path], after[path]) for path in before
            if before[path] != after[path]]


def checked_copy(name: str, seed: int | None = None, *, indexes: bool = True) -> tuple[Project, Planted | None]:
    """A fresh copy of the **small** shop for a test, whatever scale the lesson uses: tests
    compare answers, plans and statement counts, which do not depend on the size, and a copy of
    the full shop would spend a grader's time building indexes on a million rows.

    ``indexes=True`` adds plain indexes on the two foreign keys (so the naive app answers
    quickly); ``seed`` plants the edge cases of ``plant``.
    """
    project = Project(name, scale="small")
    if indexes:
        with project.engine.begin() as db:
            db.execute(sa.text("CREATE INDEX test_orders_customer ON orders (customer_id)"))
            db.execute(sa.text("CREATE INDEX test_items_order ON order_items (order_id, product_id)"))
    return project, (plant(project.engine, seed) if seed is not None else None)


# --- bugs a rewrite of customer_orders often has, made by changing the right answer ------------
# (each takes Naive's answer and breaks it the way a wrong query would)

def _breaking(name: str, doc: str, change: Any) -> type:
    def customer_orders(self: Naive, db: sa.Connection, customer_id: int) -> list[dict] | None:
        return change(Naive.customer_orders(self, db, customer_id))

    return type(name, (Naive,), {"customer_orders": customer_orders, "__doc__": doc})


def _rows_limited(orders: list[dict] | None) -> list[dict] | None:
    if orders is None:
        return None
    kept, rows = [], 0
    for order in orders:
        if rows >= 5:
            break
        items = order["items"][:5 - rows] if order["items"] else []
        rows += max(1, len(order["items"]))
        kept.append(dict(order, items=items))
    return kept


def _ties_flipped(orders: list[dict] | None) -> list[dict] | None:
    if orders is None:
        return None
    # stable sorts: newest first, and among equal times the smallest id first
    return sorted(sorted(orders, key=lambda o: o["id"]), key=lambda o: str(o["created_at"]), reverse=True)


FAULTS: dict[str, type] = {
    "drops orders without items": _breaking(
        "DropsOrdersWithoutItems", "A JOIN where a LEFT JOIN was needed.",
        lambda orders: None if orders is None else [o for o in orders if o["items"]]),
    "loses the tie-break": _breaking(
        "LosesTheTieBreak", "ORDER BY created_at DESC alone: equal times in another order.", _ties_flipped),
    "200 for an unknown customer": _breaking(
        "AnswersUnknownCustomers", "No check that the customer exists.",
        lambda orders: [] if orders is None else orders),
    "404 for a customer without orders": _breaking(
        "NoOrdersMeansUnknown", "An empty list taken for a missing customer.",
        lambda orders: orders or None),
    "LIMIT on joined rows": _breaking(
        "LimitsJoinedRows", "LIMIT 5 on the rows of a JOIN: 5 items, not 5 orders.", _rows_limited),
    "items in another order": _breaking(
        "ItemsUnordered", "The items of an order without their ORDER BY.",
        lambda orders: None if orders is None else [dict(o, items=o["items"][::-1]) for o in orders]),
}
