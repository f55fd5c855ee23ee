"""Unit 2's headline ratios, measured side by side on the full shop dataset.

    .venv/bin/python benchmarks/sql_tuning.py            # SQLite, plus PostgreSQL if
                                                           # BACKENDLAB_DATABASE_URL is set

Prints, per engine: a lookup by customer without and with an index; a deep page with OFFSET
and with keyset pagination; N+1 queries against one JOIN (statements and time, also with an
assumed network round trip added to every statement). Nothing is asserted: on a shared machine
timings vary, and the ratios are what the lessons show.
Set BACKENDLAB_SCALE=small for a quick run (the ratios then mean little).
"""

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shop_engines import shop_on  # noqa: E402

from sqlalchemy import text  # noqa: E402

import backendlab  # noqa: E402
from backendlab import datasets, plans  # noqa: E402
from backendlab.timing import Comparison, compare, measure, readable  # noqa: E402

CUSTOMER = 4242          # an ordinary customer (a handful of orders)
PAGE = 20                # rows per page
CUSTOMERS_SHOWN = 150    # the N of the N+1 comparison (lesson 2.6's page)
ROUND_TRIP = 0.0005      # seconds: an assumed network round trip, added to every statement


@dataclass(frozen=True)
class Ratios:
    """What one engine measured."""

    lookup: Comparison             # full scan vs index search
    page: Comparison               # deep OFFSET vs keyset
    n_plus_one: Comparison         # N+1 queries vs one JOIN
    n_plus_one_remote: Comparison  # the same, with ROUND_TRIP added to every statement
    loop_statements: int
    join_statements: int


def index_lookup(shop) -> Comparison:
    """Orders of one customer: a full scan, then a search in a new index."""
    query = text("SELECT id, created_at, total_cents FROM orders WHERE customer_id = :c")
    with shop.connect() as connection:  # one connection: time the query, not the pool
        def lookup() -> list:
            return connection.execute(query, {"c": CUSTOMER}).fetchall()

        scan = measure(lookup, repeat=3)
        connection.exec_driver_sql("CREATE INDEX bench_orders_customer ON orders (customer_id)")
        connection.commit()
        search = measure(lookup)
    return Comparison("full scan", scan, "index search", search)


def deep_page(shop) -> Comparison:
    """The page that starts at the middle of the newest-first order list."""
    with shop.begin() as connection:
        connection.exec_driver_sql("CREATE INDEX bench_orders_created ON orders (created_at, id)")
        total = connection.exec_driver_sql("SELECT count(*) FROM orders").scalar_one()
        skip = total // 2
        last = connection.execute(text(
            "SELECT created_at, id FROM orders ORDER BY created_at DESC, id DESC "
            "LIMIT 1 OFFSET :skip"), {"skip": skip - 1}).one()
    offset = text("SELECT id, created_at, total_cents FROM orders "
                  "ORDER BY created_at DESC, id DESC LIMIT :n OFFSET :skip")
    keyset = text("SELECT id, created_at, total_cents FROM orders WHERE (created_at, id) < (:c, :i) "
                  "ORDER BY created_at DESC, id DESC LIMIT :n")

    with shop.connect() as connection:
        def by_offset() -> list:
            return connection.execute(offset, {"n": PAGE, "skip": skip}).fetchall()

        def by_keyset() -> list:
            return connection.execute(keyset, {"n": PAGE, "c": last[0], "i": last[1]}).fetchall()

        assert by_offset() == by_keyset(), "both ways must return the same page"
        return compare(f"OFFSET {skip:,}", by_offset, "keyset", by_keyset)


def n_plus_one(shop) -> tuple[Comparison, Comparison, int, int]:
    """The newest customers with their order counts and totals, as in lesson 2.6: one query for
    the page plus one per customer, or one JOIN. Also with an assumed network round trip."""
    page = text("SELECT id FROM customers ORDER BY id DESC LIMIT :n")
    one = text("SELECT count(*), coalesce(sum(total_cents), 0) FROM orders WHERE customer_id = :c")
    joined = text("SELECT c.id, count(o.id), coalesce(sum(o.total_cents), 0) "
                  "FROM (SELECT id FROM customers ORDER BY id DESC LIMIT :n) AS c "
                  "LEFT JOIN orders AS o ON o.customer_id = c.id GROUP BY c.id ORDER BY c.id DESC")
    with shop.begin() as connection:  # an index, so each of the N queries is a quick search
        connection.exec_driver_sql("CREATE INDEX IF NOT EXISTS bench_orders_customer "
                                   "ON orders (customer_id)")

    def loop() -> list:
        with shop.connect() as connection:
            ids = [row[0] for row in connection.execute(page, {"n": CUSTOMERS_SHOWN})]
            return [(c, *connection.execute(one, {"c": c}).one()) for c in ids]

    def single() -> list:
        with shop.connect() as connection:
            return [tuple(row) for row in connection.execute(joined, {"n": CUSTOMERS_SHOWN})]

    assert loop() == single(), "both ways must give the same page"
    with plans.count_statements(shop) as looped:
        loop()
    with plans.count_statements(shop) as once:
        single()
    local = compare("N+1", loop, "JOIN", single)
    with plans.network_delay(shop, ROUND_TRIP):
        remote = compare("N+1", loop, "JOIN", single, repeat=3)
    return local, remote, looped.count, once.count


def measure_engine(shop) -> Ratios:
    return Ratios(index_lookup(shop), deep_page(shop), *n_plus_one(shop))


def main() -> None:
    url = os.environ.get(backendlab.sql.URL_VARIABLE)
    engines = [("SQLite", None)] + ([("PostgreSQL", url)] if url else [])
    measured: dict[str, Ratios] = {}
    for name, engine_url in engines:
        with shop_on(engine_url, "02-benchmark") as shop:
            print(f"{name}: {backendlab.describe(shop)}", flush=True)
            measured[name] = measure_engine(shop)
    print()
    scale = datasets.default_scale()
    print(f"Unit 2 ratios on the {scale} dataset (medians, measured just now on this machine)")
    print(f"{'':34}" + "".join(f"{name:>28}" for name in measured))

    def line(label: str, cell: Callable[[Ratios], str]) -> None:
        print(f"{label:34}" + "".join(f"{cell(ratios):>28}" for ratios in measured.values()))

    line("lookup: full scan", lambda r: readable(r.lookup.slow_seconds))
    line("lookup: index search", lambda r: readable(r.lookup.fast_seconds))
    line("  → index search vs full scan", lambda r: r.lookup.factor)
    line("deep page: OFFSET", lambda r: readable(r.page.slow_seconds))
    line("deep page: keyset", lambda r: readable(r.page.fast_seconds))
    line("  → keyset vs OFFSET", lambda r: r.page.factor)
    line("N+1: statements (loop vs JOIN)", lambda r: f"{r.loop_statements} vs {r.join_statements}")
    line("N+1: loop", lambda r: readable(r.n_plus_one.slow_seconds))
    line("N+1: one JOIN", lambda r: readable(r.n_plus_one.fast_seconds))
    line("  → one JOIN vs the loop", lambda r: r.n_plus_one.factor)
    line(f"  → with {ROUND_TRIP * 1000:g} ms per round trip", lambda r: r.n_plus_one_remote.factor)
    if not url:
        print("\n(Set BACKENDLAB_DATABASE_URL to add PostgreSQL: "
              "export BACKENDLAB_DATABASE_URL=$(.venv/bin/python -m backendlab postgres start))")


if __name__ == "__main__":
    main()
