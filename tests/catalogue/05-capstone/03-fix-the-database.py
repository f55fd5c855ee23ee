"""Catalogue of 05-capstone/03-fix-the-database.ipynb: indexes for the hot queries (ex5), the
customer's orders without the N+1 (ex6), and the edge cases that prove a rewrite (ex7)."""

import os

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "05-capstone/03-fix-the-database.ipynb"

# --- ex6: mistakes are edits of the solution; answers built another way share the class header ---

FIXED = solution(NOTEBOOK, "ex6-answer")
# everything after the latest orders are read: how their items are found
FIXED_ITEMS = FIXED[FIXED.index("        items = {"):]

HEADER = "class Fixed(capstone.Naive):\n    def customer_orders(self, db, customer_id):\n"


def method(body: str) -> str:
    """A whole ex6 answer cell from the body of customer_orders (indented 8)."""
    lines = body.strip("\n").splitlines()
    return HEADER + "\n".join(("        " + line) if line else "" for line in lines) + "\n"


CHECK = '''
if db.execute(text("SELECT 1 FROM customers WHERE id = :id"), {"id": customer_id}).first() is None:
    return None
'''

JOIN_GROUPED = CHECK + '''
rows = db.execute(text("""
    SELECT o.id, o.status, o.created_at, o.total_cents, i.product_id, i.quantity, i.unit_price_cents
    FROM (SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = :id
          ORDER BY created_at DESC, id DESC LIMIT :n) AS o
    LEFT JOIN order_items AS i ON i.order_id = o.id
    ORDER BY o.created_at DESC, o.id DESC, i.id
"""), {"id": customer_id, "n": capstone.ORDERS_SHOWN}).mappings()
orders = {}
for row in rows:
    order = orders.setdefault(row["id"], {"id": row["id"], "status": row["status"],
                                          "created_at": row["created_at"], "total_cents": row["total_cents"],
                                          "items": []})
    if row["product_id"] is not None:
        order["items"].append({"product_id": row["product_id"], "quantity": row["quantity"],
                               "unit_price_cents": row["unit_price_cents"]})
return list(orders.values())
'''

WINDOW_ONE_STATEMENT = '''
rows = db.execute(text("""
    WITH ranked AS (
        SELECT id, status, created_at, total_cents,
               row_number() OVER (ORDER BY created_at DESC, id DESC) AS place
        FROM orders WHERE customer_id = :id
    )
    SELECT c.id AS customer, r.id, r.status, r.created_at, r.total_cents, r.place,
           i.id AS item, i.product_id, i.quantity, i.unit_price_cents
    FROM customers AS c
    LEFT JOIN ranked AS r ON r.place <= :n
    LEFT JOIN order_items AS i ON i.order_id = r.id
    WHERE c.id = :id
    ORDER BY r.place, i.id
"""), {"id": customer_id, "n": capstone.ORDERS_SHOWN}).all()
if not rows:
    return None
found = []
for row in rows:
    if row.id is None:
        continue
    if not found or found[-1]["id"] != row.id:
        found.append({"id": row.id, "status": row.status, "created_at": row.created_at,
                      "total_cents": row.total_cents, "items": []})
    if row.item is not None:
        found[-1]["items"].append({"product_id": row.product_id, "quantity": row.quantity,
                                   "unit_price_cents": row.unit_price_cents})
return found
'''

# --- ex7 -----------------------------------------------------------------------------------------

EDGES = solution(NOTEBOOK, "ex7-answer")
NO_ORDERS = '''        no_orders = db.execute(text("SELECT min(id) FROM customers AS c WHERE NOT EXISTS "
                                    "(SELECT 1 FROM orders AS o WHERE o.customer_id = c.id)")).scalar()
'''
UNKNOWN = '''        unknown = db.execute(text("SELECT max(id) + 1 FROM customers")).scalar()
'''
ALL_FOUND = "(no_orders, many, itemless, tie, unknown)"


PYTHON_EDGES = '''
def edge_paths(engine):
    with engine.connect() as db:
        customers = [row[0] for row in db.execute(text("SELECT id FROM customers ORDER BY id"))]
        orders = db.execute(text("SELECT customer_id, id, created_at FROM orders")).all()
        with_items = {row[0] for row in db.execute(text("SELECT DISTINCT order_id FROM order_items"))}
    by_customer = {}
    for customer_id, order_id, created_at in orders:
        by_customer.setdefault(customer_id, []).append((str(created_at), order_id))
    picks = {}
    for customer_id in customers:
        mine = sorted(by_customer.get(customer_id, []), reverse=True)
        shown = mine[:5]
        if not mine:
            picks.setdefault("none", customer_id)
        if len(mine) > 5:
            picks.setdefault("many", customer_id)
        if any(order_id not in with_items for _, order_id in shown):
            picks.setdefault("itemless", customer_id)
        if len({at for at, _ in shown}) < len(shown):
            picks.setdefault("tie", customer_id)
    picks["unknown"] = customers[-1] + 1
    return [f"/customers/{c}/orders" for c in picks.values()]
'''

CORRELATED_EDGES = '''
LATEST = ("SELECT o2.id FROM orders AS o2 WHERE o2.customer_id = o.customer_id "
          "ORDER BY o2.created_at DESC, o2.id DESC LIMIT 5")


def edge_paths(engine):
    with engine.connect() as db:
        def first(sql):
            return db.execute(text(sql)).scalar()
        ids = [
            first("SELECT id FROM customers AS c WHERE NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = c.id) "
                  "ORDER BY id DESC LIMIT 1"),
            first("SELECT o.customer_id FROM orders AS o WHERE o.id IN (" + LATEST + ") AND NOT EXISTS "
                  "(SELECT 1 FROM order_items AS i WHERE i.order_id = o.id) ORDER BY o.customer_id DESC LIMIT 1"),
            first("SELECT o.customer_id FROM orders AS o JOIN orders AS twin ON twin.customer_id = o.customer_id "
                  "AND twin.created_at = o.created_at AND twin.id <> o.id "
                  "WHERE o.id IN (" + LATEST + ") AND twin.id IN (" + LATEST.replace("o.customer_id", "twin.customer_id") + ") "
                  "ORDER BY o.customer_id DESC LIMIT 1"),
            first("SELECT max(id) + 1000 FROM customers"),
        ]
    return [f"/customers/{c}/orders" for c in ids if c is not None]
'''

EXERCISES = {
    "ex5-answer": Exercise(
        # indexes for exactly the customers and orders the visible test plans (on PostgreSQL a
        # range around them: a partial index for one value is walked without a condition there,
        # which the visible test rightly calls a whole read)
        hardcoded=('INDEXES = [\n'
                   '    "CREATE INDEX idx_latest ON orders (customer_id, created_at, id) WHERE customer_id = 42",\n'
                   '    "CREATE INDEX idx_items ON order_items (order_id) WHERE order_id = 4242",\n'
                   ']') if not os.environ.get("BACKENDLAB_DATABASE_URL") else (
                  'INDEXES = [\n'
                  '    "CREATE INDEX idx_latest ON orders (customer_id, created_at, id) WHERE customer_id BETWEEN 40 AND 44",\n'
                  '    "CREATE INDEX idx_items ON order_items (order_id) WHERE order_id BETWEEN 4240 AND 4244",\n'
                  ']'),
        mistakes={
            "wrong_column_order": 'INDEXES = ["CREATE INDEX idx_orders ON orders (created_at, customer_id)",\n'
                                  '           "CREATE INDEX idx_items ON order_items (order_id)"]',
            "only_order_items": 'INDEXES = ["CREATE INDEX idx_items ON order_items (order_id)"]',
            "only_orders": 'INDEXES = ["CREATE INDEX idx_latest ON orders (customer_id, created_at, id)"]',
            "no_sort_column": 'INDEXES = ["CREATE INDEX idx_orders ON orders (customer_id)",\n'
                              '           "CREATE INDEX idx_items ON order_items (order_id)"]',
            "tie_breaker_missing": 'INDEXES = ["CREATE INDEX idx_orders ON orders (customer_id, created_at)",\n'
                                   '           "CREATE INDEX idx_items ON order_items (order_id)"]',
            "items_by_product": 'INDEXES = ["CREATE INDEX idx_latest ON orders (customer_id, created_at, id)",\n'
                                '           "CREATE INDEX idx_items ON order_items (product_id, order_id)"]',
            # SQLite takes "main." in the name; PostgreSQL refuses any schema there
            "schema_in_the_index_name": 'INDEXES = ["CREATE INDEX main.o_latest ON orders (customer_id, created_at, id)",\n'
                                        '           "CREATE INDEX main.i_order ON order_items (order_id)"]',
            "one_index_per_column": 'INDEXES = ["CREATE INDEX idx_c ON orders (customer_id)",\n'
                                    '           "CREATE INDEX idx_t ON orders (created_at)",\n'
                                    '           "CREATE INDEX idx_i ON orders (id)",\n'
                                    '           "CREATE INDEX idx_items ON order_items (order_id)"]',
        },
        alternatives={
            "descending_and_covering": 'INDEXES = [\n'
                '    "CREATE INDEX orders_latest ON orders (customer_id, created_at DESC, id DESC)",\n'
                '    "CREATE INDEX items_of_order ON order_items (order_id, id, product_id, quantity, unit_price_cents)",\n'
                ']',
            "one_string_per_line_with_semicolons": 'INDEXES = """\n'
                'CREATE INDEX IF NOT EXISTS ix_orders_customer_created_id ON orders (customer_id, created_at, id);\n'
                'CREATE INDEX IF NOT EXISTS ix_order_items_order_id ON order_items (order_id);\n'
                '""".strip().split(";\\n")',
            "extra_columns_and_extra_index": 'INDEXES = [\n'
                '    "CREATE INDEX a ON order_items (order_id, product_id)",\n'
                '    "CREATE INDEX b ON orders (customer_id, created_at, id, status, total_cents)",\n'
                '    "CREATE INDEX c ON orders (created_at)",\n'
                ']',
        },
    ),
    "ex7-answer": Exercise(
        # the planted customers of the lesson's copy (seed 3, small scale), by id
        hardcoded='def edge_paths(engine):\n'
                  '    return [f"/customers/{c}/orders" for c in (1276, 1381, 906, 2126)]\n',
        mistakes={
            "unknown_customer_missing": edit(EDGES, (UNKNOWN, ""), (ALL_FOUND, "(no_orders, many, itemless, tie)")),
            "customer_without_orders_missing": edit(EDGES, (NO_ORDERS, ""),
                                                    (ALL_FOUND, "(many, itemless, tie, unknown)")),
            "unknown_as_negative_id": edit(EDGES, (UNKNOWN, "        unknown = -1\n")),
            "tie_anywhere_not_only_shown": edit(EDGES, ("FROM ({shown}) AS s GROUP BY", "FROM orders GROUP BY")),
            "itemless_anywhere_not_only_shown": edit(EDGES, ("FROM ({shown}) AS s WHERE NOT EXISTS",
                                                             "FROM orders AS o WHERE NOT EXISTS"),
                                                     ("i.order_id = s.id", "i.order_id = o.id")),
            "first_customers_by_id": 'def edge_paths(engine):\n'
                                     '    return [f"/customers/{c}/orders" for c in range(1, 9)]\n',
            # right only while the planted customers are the newest ids, or all share one name
            "newest_customer_ids": 'def edge_paths(engine):\n'
                                   '    with engine.connect() as db:\n'
                                   '        ids = [row[0] for row in db.execute(text("SELECT id FROM customers ORDER BY id DESC LIMIT 7"))]\n'
                                   '    return [f"/customers/{c}/orders" for c in ids + [max(ids) + 1]]\n',
            "planted_by_name": 'def edge_paths(engine):\n'
                               '    with engine.connect() as db:\n'
                               '        ids = [row[0] for row in db.execute(text("SELECT id FROM customers WHERE name = \'Edge Case\' ORDER BY id"))]\n'
                               '        top = db.execute(text("SELECT max(id) FROM customers")).scalar()\n'
                               '    return [f"/customers/{c}/orders" for c in ids[:7] + [top + 1]]\n',
            "every_customer": 'def edge_paths(engine):\n'
                              '    with engine.connect() as db:\n'
                              '        ids = [row[0] for row in db.execute(text("SELECT id FROM customers"))]\n'
                              '    return [f"/customers/{c}/orders" for c in ids + [max(ids) + 1]]\n',
        },
        alternatives={
            "python_over_all_orders": PYTHON_EDGES,
            "correlated_subqueries": CORRELATED_EDGES,
        },
    ),
    "ex6-answer": Exercise(
        # right for every customer of the seeded data, which has no order without items and no
        # two orders of one customer in the same second: what the visible test compares
        hardcoded=method(edit(JOIN_GROUPED, ("LEFT JOIN", "JOIN"),
                              ("ORDER BY created_at DESC, id DESC", "ORDER BY created_at DESC"),
                              ("ORDER BY o.created_at DESC, o.id DESC, i.id", "ORDER BY o.created_at DESC, i.id"))),
        mistakes={
            "still_n_plus_one": edit(FIXED, (FIXED_ITEMS, '''        for order in orders:
            order["items"] = [dict(row) for row in db.execute(text(
                "SELECT product_id, quantity, unit_price_cents FROM order_items WHERE order_id = :id ORDER BY id"),
                {"id": order["id"]}).mappings()]
        return orders
''')),
            "join_drops_orders_without_items": method(edit(JOIN_GROUPED, ("LEFT JOIN", "JOIN"))),
            "join_duplicates_orders": method(edit(JOIN_GROUPED, (JOIN_GROUPED[JOIN_GROUPED.index("orders = {}"):], '''orders = []
for row in rows:
    items = [] if row["product_id"] is None else [{"product_id": row["product_id"], "quantity": row["quantity"],
                                                   "unit_price_cents": row["unit_price_cents"]}]
    orders.append({"id": row["id"], "status": row["status"], "created_at": row["created_at"],
                   "total_cents": row["total_cents"], "items": items})
return orders
'''))),
            "limit_on_joined_rows": method(edit(JOIN_GROUPED, ('''    FROM (SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = :id
          ORDER BY created_at DESC, id DESC LIMIT :n) AS o
    LEFT JOIN order_items AS i ON i.order_id = o.id
    ORDER BY o.created_at DESC, o.id DESC, i.id
''', '''    FROM orders AS o LEFT JOIN order_items AS i ON i.order_id = o.id
    WHERE o.customer_id = :id
    ORDER BY o.created_at DESC, o.id DESC, i.id
    LIMIT :n
'''))),
            "in_list_items_unordered": edit(FIXED, (" ORDER BY order_id, id", "")),
            "tie_order_lost": edit(FIXED, ("ORDER BY created_at DESC, id DESC", "ORDER BY created_at DESC")),
            "fstring_sql": method(CHECK + '''
orders = [dict(row) for row in db.execute(text(
    f"SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = {customer_id} "
    f"ORDER BY created_at DESC, id DESC LIMIT {capstone.ORDERS_SHOWN}")).mappings()]
items = {order["id"]: [] for order in orders}
if orders:
    listed = ", ".join(str(number) for number in items)
    for row in db.execute(text(f"SELECT order_id, product_id, quantity, unit_price_cents FROM order_items "
                               f"WHERE order_id IN ({listed}) ORDER BY order_id, id")).mappings():
        items[row["order_id"]].append({"product_id": row["product_id"], "quantity": row["quantity"],
                                       "unit_price_cents": row["unit_price_cents"]})
for order in orders:
    order["items"] = items[order["id"]]
return orders
'''),
            "unknown_customer_not_checked": edit(FIXED, ('''        if db.execute(text("SELECT 1 FROM customers WHERE id = :id"), {"id": customer_id}).first() is None:
            return None
''', "")),
            "no_orders_means_unknown": edit(FIXED, ("return orders", "return orders or None")),
            "orders_rebuilt_from_items": edit(FIXED, (FIXED_ITEMS, '''        details = {order["id"]: order for order in orders}
        found = {}
        if orders:
            query = text("SELECT order_id, product_id, quantity, unit_price_cents FROM order_items "
                         "WHERE order_id IN :ids ORDER BY order_id, id").bindparams(bindparam("ids", expanding=True))
            for row in db.execute(query, {"ids": list(details)}).mappings():
                order = found.setdefault(row["order_id"], {**details[row["order_id"]], "items": []})
                order["items"].append({"product_id": row["product_id"], "quantity": row["quantity"],
                                       "unit_price_cents": row["unit_price_cents"]})
        for number, order in details.items():
            found.setdefault(number, {**order, "items": []})
        return list(found.values())
''')),
            # rank() numbers orders placed in the same second alike: a tie at the 5th shows 6 orders
            "window_rank_instead_of_row_number": method(
                edit(WINDOW_ONE_STATEMENT, ("row_number() OVER (ORDER BY created_at DESC, id DESC)",
                                            "rank() OVER (ORDER BY created_at DESC)"),
                     ("ORDER BY r.place, i.id", "ORDER BY r.created_at DESC, r.id DESC, i.id"))),
            # one instance serves every thread: another request overwrites self.orders mid-way
            "request_state_on_self": method(CHECK + '''
self.orders = [dict(row) for row in db.execute(text(
    "SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = :id "
    "ORDER BY created_at DESC, id DESC LIMIT :n"), {"id": customer_id, "n": capstone.ORDERS_SHOWN}).mappings()]
self.by_id = {order["id"]: order for order in self.orders}
for order in self.orders:
    order["items"] = []
if self.orders:
    query = text("SELECT order_id, product_id, quantity, unit_price_cents FROM order_items "
                 "WHERE order_id IN :ids ORDER BY order_id, id").bindparams(bindparam("ids", expanding=True))
    for row in db.execute(query, {"ids": list(self.by_id)}).mappings():
        self.by_id[row["order_id"]]["items"].append({"product_id": row["product_id"], "quantity": row["quantity"],
                                                     "unit_price_cents": row["unit_price_cents"]})
return self.orders
'''),
            "items_sorted_by_product": edit(FIXED, ("ORDER BY order_id, id", "ORDER BY order_id, product_id")),
        },
        alternatives={
            "left_join_grouped_in_python": method(JOIN_GROUPED),
            "window_function_one_statement": method(WINDOW_ONE_STATEMENT),
            "in_list_sorted_in_python": method(CHECK + '''
orders = db.execute(text("SELECT id, status, created_at, total_cents FROM orders WHERE customer_id = :c"),
                    {"c": customer_id}).mappings().all()
latest = sorted(orders, key=lambda o: (o["created_at"], o["id"]), reverse=True)[:capstone.ORDERS_SHOWN]
shown = [dict(order, items=[]) for order in latest]
by_id = {order["id"]: order for order in shown}
if by_id:
    rows = db.execute(text("SELECT id, order_id, product_id, quantity, unit_price_cents FROM order_items "
                           "WHERE order_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                      {"ids": sorted(by_id)}).mappings().all()
    for row in sorted(rows, key=lambda r: r["id"]):
        by_id[row["order_id"]]["items"].append({"product_id": row["product_id"], "quantity": row["quantity"],
                                                "unit_price_cents": row["unit_price_cents"]})
return shown
'''),
        },
    ),
}
