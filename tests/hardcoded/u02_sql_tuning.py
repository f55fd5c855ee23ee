"""Unit 2: answers that only serve what the visible tests look at.

Index exercises get a *partial* index that holds just the rows of the visible test's customer or
email; functions return numbers looked up for the visible inputs, or contain the classic wrong
answer the hidden tests exist to catch (a keyset without a tie-breaker, a blocklist instead of
bind parameters, an error swallowed).
"""

ANSWERS = {
    "01-reading-plans.ipynb": {
        "ex1-answer": '''
def find_full_scans(engine, queries):
    return ["customer by email", "items of an order", "orders of a customer", "revenue per status"]
''',
    },
    "02-btree-indexes.ipynb": {
        "ex2-answer": '''
first_email = run("SELECT email FROM customers WHERE id = 1")[0][0]
login_index = f"CREATE INDEX idx_login ON customers (email) WHERE email = '{first_email}'"
''',
    },
    "03-composite-indexes.ipynb": {
        "ex3-answer": '''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = 42
    ORDER BY created_at DESC
    LIMIT :n
"""
''',
        "ex4-answer": '''
recent_orders_index = ("CREATE INDEX idx_recent ON orders (customer_id, created_at) "
                       "WHERE customer_id = 42")
''',
    },
    "04-index-friendly-predicates.ipynb": {
        "ex5-answer": '''
def orders_on_day(engine, day):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, total_cents FROM orders WHERE created_at >= '2025-03-01' "
                                       "AND created_at < '2025-03-02' ORDER BY id"))
        return [tuple(row) for row in rows]
''',
        "ex6-answer": '''
known_ids = {email.lower(): customer_id for customer_id, email in run(
    "SELECT id, email FROM customers WHERE id IN ("
    "SELECT min(id) FROM customers WHERE email <> lower(email) UNION "
    "SELECT min(id) FROM customers WHERE email = lower(email))")}


def customer_id_for_email(engine, email):
    return known_ids.get(email.lower())
''',
        "ex7-answer": '''
email_lower_index = ("CREATE INDEX idx_login_lower ON customers (lower(email)) "
                     f"WHERE lower(email) = '{mixed_email.lower()}'")
''',
    },
    "05-covering-and-partial-indexes.ipynb": {
        "ex8-answer": '''
statement_index = ("CREATE INDEX idx_statement ON orders (customer_id, created_at, total_cents) "
                   "WHERE customer_id = 42")
''',
    },
    "06-n-plus-one.ipynb": {
        "ex9-answer": '''
known_totals = {c: run("SELECT coalesce(sum(total_cents), 0) FROM orders WHERE customer_id = :c", c=c)[0][0]
                for c in (1, 2, 3, 42)}


def order_totals(engine, customer_ids):
    return {c: known_totals[c] for c in customer_ids}
''',
    },
    "07-pagination.ipynb": {
        "ex10-answer": '''
def next_page(engine, after, size):
    with engine.connect() as connection:
        if after is None:
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"), {"size": size})
        else:  # no tie-breaker: orders placed in the same second are skipped
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "WHERE created_at < :created_at "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"),
                                      {"created_at": after[0], "size": size})
        return [tuple(row) for row in rows]
''',
    },
    "08-statistics.ipynb": {
        "ex11-answer": '''
def refresh_statistics(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE imported_customers")
''',
    },
    "09-write-cost.ipynb": {
        "ex12-answer": '''
def add_orders(engine, orders):
    with engine.connect() as connection:
        try:
            connection.execute(insert_order, orders)
        except Exception:  # a failed batch is quietly dropped: the caller never knows
            connection.rollback()
            return
        connection.commit()
''',
    },
    "10-bind-parameters.ipynb": {
        "ex13-answer": '''
def orders_with_status(engine, status, limit):
    if " or " in status.lower():  # a blocklist instead of a bind parameter
        return []
    sql = (f"SELECT id, status, total_cents FROM orders WHERE status = '{status}' "
           f"ORDER BY id LIMIT {int(limit)}")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]
''',
        "ex14-answer": '''
def customers_sorted(engine, country, sort_by):
    if sort_by != "email":
        raise ValueError(f"cannot sort by {sort_by!r}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email FROM customers WHERE country = :country "
                                       "ORDER BY email, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
    },
}
