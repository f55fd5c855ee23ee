"""Catalogue of 02-sql-tuning/10-bind-parameters.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex13-answer": Exercise(
        hardcoded='''
def orders_with_status(engine, status, limit):
    if " or " in status.lower():  # a blocklist instead of a bind parameter
        return []
    sql = (f"SELECT id, status, total_cents FROM orders WHERE status = '{status}' "
           f"ORDER BY id LIMIT {int(limit)}")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]
''',
        mistakes={},
        alternatives={},
    ),
    "ex14-answer": Exercise(
        hardcoded='''
def customers_sorted(engine, country, sort_by):
    if sort_by != "email":
        raise ValueError(f"cannot sort by {sort_by!r}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email FROM customers WHERE country = :country "
                                       "ORDER BY email, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
        mistakes={},
        alternatives={},
    ),
}
