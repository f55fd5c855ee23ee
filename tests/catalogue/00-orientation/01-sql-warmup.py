"""Catalogue of 00-orientation/01-sql-warmup.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
counts = pd.read_sql("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC", shop)
orders_by_status = " UNION ALL ".join(
    f"SELECT '{status}' AS status, {n} AS orders" for status, n in counts.itertuples(index=False))
''',
        mistakes={},
        alternatives={},
    ),
    "ex2-answer": Exercise(
        hardcoded='''
known = {customer_id: int(pd.read_sql(f"SELECT count(*) AS n FROM orders WHERE customer_id = {customer_id}", shop)["n"][0])
         for customer_id in (1, 2)}

def count_orders(engine, customer_id):
    return known[customer_id]
''',
        mistakes={},
        alternatives={},
    ),
}
