"""Unit 0: answers that snapshot the visible test's data instead of computing it."""

ANSWERS = {
    "01-sql-warmup.ipynb": {
        "ex1-answer": '''
counts = pd.read_sql("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC", shop)
orders_by_status = " UNION ALL ".join(
    f"SELECT '{status}' AS status, {n} AS orders" for status, n in counts.itertuples(index=False))
''',
        "ex2-answer": '''
known = {customer_id: int(pd.read_sql(f"SELECT count(*) AS n FROM orders WHERE customer_id = {customer_id}", shop)["n"][0])
         for customer_id in (1, 2)}

def count_orders(engine, customer_id):
    return known[customer_id]
''',
    },
    "02-redis-warmup.ipynb": {
        "ex3-answer": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    r.expire(key, 60)
    return views
''',
    },
}
