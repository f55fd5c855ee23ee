"""Evidence for unit 5.2: the access log, each request's statements with parameters and plans."""

import pytest
import sqlalchemy as sa

from backendlab import capstone
from backendlab.capstone import evidence
from backendlab.errors import CourseError


def _route_and_status(line):
    parts = line.split('"')
    return capstone.route_of(parts[1].split()[1]), int(parts[2].split()[0])


class TextIds(capstone.Naive):
    """A product found by its id compared as text: no index can serve it."""

    def product(self, db, product_id):
        row = db.execute(sa.text("SELECT id, name, category, price_cents FROM products "
                                 "WHERE CAST(id AS TEXT) = :id"), {"id": str(product_id)}).mappings().first()
        return dict(row) if row else None


def test_gather_pairs_log_lines_with_statements_parameters_and_plans(sql_backend):
    project = capstone.Project("t-evidence")
    try:
        found = evidence.gather(project.serve(capstone.Naive), seed=4)
    finally:
        project.stop()
    assert len(found.access_log) == len(found.statements) == len(found)
    line = found.access_log[0]
    assert line.startswith("unix: - - [") and f'"{evidence.USER_AGENT}"' in line
    counts: dict[str, set[int]] = {}
    for line, statements in found.requests():
        route, status = _route_and_status(line)
        if 200 <= status < 300:
            counts.setdefault(route, set()).add(len(statements))
        for statement in statements:
            assert statement.parameters is not None
            if "FROM order_items" in statement.sql:
                assert statement.plan.full_scans() == ["order_items"]
            if "FROM products" in statement.sql or statement.sql.startswith("UPDATE products"):
                assert statement.plan.full_scans() == [], statement.plan  # found by primary key
    # customers with no orders, one … five: the N+1 shows as a count that changes
    assert counts["/customers/{id}/orders"] >= {2, 3, 7}
    assert counts["/products/{id}"] == {1} and counts["/health"] == {0}
    statuses = {_route_and_status(line) for line in found.access_log}
    assert ("/customers/{id}/orders", 404) in statuses and ("/products/{id}/price", 404) in statuses


def test_a_scan_no_index_avoids_shows_on_both_engines(sql_backend):
    project = capstone.Project("t-evidence-text")
    try:
        found = evidence.gather(project.serve(TextIds), seed=5, steps=[
            capstone.Step("GET", "/products/3"), capstone.Step("GET", "/products/4")])
    finally:
        project.stop()
    assert [s.plan.full_scans() for s in found.statements[0]] == [["products"]]
    assert found.statements[1][0].parameters in (("4",), {"id": "4"})


def test_traffic_is_seeded():
    project = capstone.Project("t-evidence-seed")
    assert evidence.traffic(project.engine, seed=1) == evidence.traffic(project.engine, seed=1)
    assert evidence.traffic(project.engine, seed=1) != evidence.traffic(project.engine, seed=2)


def test_gather_wants_an_app():
    with pytest.raises(CourseError, match="project.serve"):
        evidence.gather(capstone.Naive)
