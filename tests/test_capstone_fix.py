"""Notebook 5.3's tools: statements recorded with their parameters, whole-table reads judged
from plans on both engines, planted edge cases, faults and the comparison of two versions."""

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
        for name, fault in edge_cases.FAULTS.items():
            assert edge_cases.compare(project, capstone.Naive, fault, list(paths.values())), name
        assert edge_cases.compare(project, capstone.Naive, capstone.Naive, list(paths.values())) == []
        # the decoy's tie and order without items are too old to be shown: no fault shows there
        decoy = [f"/customers/{planted.decoys[0]}/orders"]
        assert not edge_cases.compare(project, capstone.Naive, edge_cases.FAULTS["loses the tie-break"], decoy)
        assert not edge_cases.compare(project, capstone.Naive,
                                      edge_cases.FAULTS["drops orders without items"], decoy)
    finally:
        project.stop()


def test_checked_copy_is_small_whatever_the_scale(monkeypatch):
    monkeypatch.setenv("BACKENDLAB_SCALE", "full")
    project, _ = edge_cases.checked_copy("t-small", indexes=False)
    with project.engine.connect() as db:
        assert db.execute(sa.text("SELECT count(*) FROM orders")).scalar() == 20_000
    import os
    assert os.environ["BACKENDLAB_SCALE"] == "full"
