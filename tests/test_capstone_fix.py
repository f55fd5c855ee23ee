"""Notebook 5.3's tools: statements recorded with their parameters, whole-table reads judged
from plans on both engines, planted edge cases, faults and the comparison of two versions."""

import os

import sqlalchemy as sa

from backendlab import capstone
from backendlab.capstone import edge_cases, statements


def make_indexes(project, *ddl):
    with project.engine.begin() as db:
        for sql in ddl:
            db.execute(sa.text(sql))


def replayed(project):
    app = project.serve(capstone.Naive)
    with statements.recording(project) as ran:
        project.replay(app, capstone.workload(project.engine, rounds=1, reads=30, orders_share=0.6))
    return ran


def test_whole_reads_name_the_missing_and_the_misordered_indexes(sql_backend):
    project, _ = edge_cases.checked_copy("t-whole", indexes=False)
    try:
        ran = replayed(project)
        assert all(s.parameters is not None for s in ran)       # parameters kept for the plans
        assert {w.table for w in statements.whole_reads(project.engine, ran)} == {"orders", "order_items"}
        # the wrong column order: SQLite walks the index, PostgreSQL "searches" its second column
        make_indexes(project, "CREATE INDEX wrong_order ON orders (created_at, customer_id)",
                     "CREATE INDEX items_order ON order_items (order_id)")
        found = statements.whole_reads(project.engine, ran)
        assert [(w.table, "wrong_order" in w.why) for w in found] == [("orders", True)]
        make_indexes(project, "DROP INDEX wrong_order",
                     "CREATE INDEX latest ON orders (customer_id, created_at, id)")
        assert statements.whole_reads(project.engine, ran, every=True) == []
    finally:
        project.stop()


def test_recording_keeps_only_the_apps_statements():
    project, _ = edge_cases.checked_copy("t-record")
    try:
        app = project.serve(capstone.Naive)
        with statements.recording(project) as ran:
            project.price(1)                                    # outside any request: not kept
            status, body, own = statements.request(app, "/customers/42/orders")
        assert status == 200 and len(own) == 2 + len(body["orders"])
        assert [s.sql for s in ran] == own
    finally:
        project.stop()


def test_planted_edge_cases_and_faults(sql_backend):
    project, planted = edge_cases.checked_copy("t-edges", seed=5)
    try:
        paths = planted.paths()
        got = edge_cases.answers(project, capstone.Naive, list(paths.values()))
        assert got[paths["no orders"]] == (200, {"customer_id": planted.no_orders, "orders": []})
        assert got[paths["no such customer"]][0] == 404
        one = got[paths["one order, no items"]][1]["orders"]
        assert len(one) == 1 and one[0]["items"] == []
        ties = got[paths["ties among the latest"]][1]["orders"]
        assert len(ties) == capstone.ORDERS_SHOWN and len({o["created_at"] for o in ties[:3]}) == 1
        assert [o["id"] for o in ties[:3]] == sorted((o["id"] for o in ties[:3]), reverse=True)
        with project.engine.connect() as db:  # the 5th and 6th newest share a second: rank() shows 6
            times = [row[0] for row in db.execute(sa.text(
                "SELECT created_at FROM orders WHERE customer_id = :c ORDER BY created_at DESC, id DESC"),
                {"c": planted.ties})]
        assert len(times) > capstone.ORDERS_SHOWN and times[4] == times[5]
        for name, fault in edge_cases.FAULTS.items():
            assert edge_cases.compare(project, capstone.Naive, fault, list(paths.values())), name
        assert edge_cases.compare(project, capstone.Naive, capstone.Naive, list(paths.values())) == []
        # the decoy's tie and order without items are too old to be shown: no fault shows there
        decoys = [f"/customers/{decoy}/orders" for decoy in planted.decoys]
        assert len(decoys) == 2
        assert not edge_cases.compare(project, capstone.Naive, edge_cases.FAULTS["loses the tie-break"], decoys)
        assert not edge_cases.compare(project, capstone.Naive,
                                      edge_cases.FAULTS["drops orders without items"], decoys)
    finally:
        project.stop()


def test_planted_customers_hide_among_the_others():
    """Neither the newest ids, nor a shared name, nor the newest orders find the planted customers."""
    project, planted = edge_cases.checked_copy("t-hidden-edges", seed=7)
    try:
        ids = [planted.no_orders, planted.one_order, planted.ties, *planted.decoys]
        with project.engine.connect() as db:
            top = db.execute(sa.text("SELECT max(id) FROM customers")).scalar()
            names = {row[0] for row in db.execute(
                sa.text("SELECT name FROM customers WHERE id IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": ids})}
            newest = {row[0] for row in db.execute(sa.text(
                "SELECT customer_id FROM orders ORDER BY created_at DESC, id DESC LIMIT 20"))}
            newest_ids = {row[0] for row in db.execute(sa.text("SELECT customer_id FROM orders ORDER BY id DESC LIMIT 20"))}
        assert max(ids) < top - 7 and len(names) == len(ids)
        assert not newest & set(ids) and not newest_ids & set(ids)
        assert min(ids) == planted.decoys[0] and max(ids) == planted.decoys[1]
    finally:
        project.stop()


class _StateOnSelf(capstone.Naive):
    """Right alone, wrong when requests overlap: one instance serves every thread."""

    def customer_orders(self, db, customer_id):
        if db.execute(sa.text("SELECT 1 FROM customers WHERE id = :id"), {"id": customer_id}).first() is None:
            return None
        self.orders = [dict(row) for row in db.execute(sa.text(
            "SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = :id "
            "ORDER BY created_at DESC, id DESC LIMIT :n"), {"id": customer_id, "n": capstone.ORDERS_SHOWN}).mappings()]
        for order in self.orders:
            order["items"] = [dict(row) for row in db.execute(sa.text(
                "SELECT product_id, quantity, unit_price_cents FROM order_items WHERE order_id = :id ORDER BY id"),
                {"id": order["id"]}).mappings()]
        return self.orders


def test_together_catches_state_kept_on_self():
    project, planted = edge_cases.checked_copy("t-together", seed=9)
    try:
        paths = [*planted.paths().values(), *(f"/customers/{c}/orders" for c in range(10, 16))]
        expected = edge_cases.answers(project, capstone.Naive, paths)
        right = edge_cases.together(project.serve(capstone.Naive), paths, clients=8, rounds=10)
        assert len(right) == 80 and all(answer == expected[path] for path, answer in right)
        wrong = edge_cases.together(project.serve(_StateOnSelf), paths, clients=8, rounds=30)
        assert any(answer != expected[path] for path, answer in wrong)
    finally:
        project.stop()


def test_checked_copy_is_small_whatever_the_scale(monkeypatch):
    monkeypatch.setenv("BACKENDLAB_SCALE", "full")
    project, _ = edge_cases.checked_copy("t-small", indexes=False)
    with project.engine.connect() as db:
        assert db.execute(sa.text("SELECT count(*) FROM orders")).scalar() == 20_000
    assert os.environ["BACKENDLAB_SCALE"] == "full"
