"""Is unit 5's starting point really slow, and a correct fix really fast? Measured side by side.

Replays the seeded traffic against the naive shop and against a tuned one (two indexes, the
orders listing in two queries instead of N+1, products cached in Redis and invalidated after
each price change), in interleaved rounds on the same working copy, and prints requests/s and
p95 for each with the ratio. The tuned app is this benchmark's own, not a notebook's solution.

    .venv/bin/python benchmarks/capstone.py [--rounds 3] [--scale full]
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backendlab import capstone  # noqa: E402

INDEXES = ("CREATE INDEX bench_orders_customer ON orders (customer_id, created_at, id)",
           "CREATE INDEX bench_items_order ON order_items (order_id)")


class Tuned(capstone.Naive):
    def product(self, db, product_id):
        key = f"bench:product:{product_id}"
        if (cached := self.cache.get(key)) is not None:
            return json.loads(cached)
        found = super().product(db, product_id)
        if found is not None:
            self.cache.set(key, json.dumps(found), ex=300)
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()  # invalidate after the write is visible, never before
        self.cache.delete(f"bench:product:{product_id}")
        return changed

    def customer_orders(self, db, customer_id):
        if db.execute(sa.text("SELECT 1 FROM customers WHERE id = :id"),
                      {"id": customer_id}).first() is None:
            return None
        orders = [dict(row) for row in db.execute(sa.text(
            "SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = :id "
            "ORDER BY created_at DESC, id DESC LIMIT :n"),
            {"id": customer_id, "n": capstone.ORDERS_SHOWN}).mappings()]
        items: dict[int, list[dict]] = {order["id"]: [] for order in orders}
        if orders:
            rows = db.execute(sa.text(
                "SELECT order_id, product_id, quantity, unit_price_cents FROM order_items "
                "WHERE order_id IN :ids ORDER BY id").bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": list(items)}).mappings()
            for row in rows:
                items[row["order_id"]].append({"product_id": row["product_id"],
                                               "quantity": row["quantity"],
                                               "unit_price_cents": row["unit_price_cents"]})
        return [order | {"items": items[order["id"]]} for order in orders]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--rounds", type=int, default=3)
    options.add_argument("--scale", choices=("small", "full"), default="full")
    args = options.parse_args()
    os.environ["BACKENDLAB_SCALE"] = args.scale
    naive_project, tuned_project = capstone.Project("bench-naive"), capstone.Project("bench-tuned")
    with tuned_project.engine.begin() as db:
        for statement in INDEXES:
            db.execute(sa.text(statement))
    naive = naive_project.serve(capstone.Naive)
    tuned = tuned_project.serve(Tuned, cache=True)
    traffic = capstone.workload(naive_project.engine, rounds=2)
    results: dict[str, list[capstone.Report]] = {"naive": [], "tuned": []}
    try:
        for _ in range(args.rounds):  # interleaved: a busy moment hurts both alike
            results["naive"].append(naive_project.replay(naive, traffic))
            results["tuned"].append(tuned_project.replay(tuned, traffic))
    finally:
        naive_project.stop()
        tuned_project.stop()
    print(f"unit 5's shop, {args.scale} scale, {traffic.requests} requests per replay, "
          f"{args.rounds} interleaved rounds (medians; measured now, on this machine):")
    rate = {name: statistics.median(r.requests_per_second for r in reports)
            for name, reports in results.items()}
    p95 = {name: statistics.median(r.p95_ms for r in reports) for name, reports in results.items()}
    for name in results:
        bad = sum(r.failed + len(r.stale_reads) for r in results[name])
        print(f"  {name:<6} {rate[name]:8.0f} requests/s   p95 {p95[name]:8.1f} ms   "
              f"{bad} failed or stale answers")
    faster = rate["tuned"] / rate["naive"]
    print(f"  tuned/naive: x{faster:.1f} requests/s" if faster >= 1 else
          f"  the tuned app was SLOWER here: x{faster:.2f} requests/s")


if __name__ == "__main__":
    main()
