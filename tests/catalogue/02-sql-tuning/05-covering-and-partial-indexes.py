"""Catalogue of 02-sql-tuning/05-covering-and-partial-indexes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex8-answer": Exercise(
        # partial on the customer the visible test plans (42): small, searched and covering for
        # it on SQLite, useless for the customers the hidden tests plan. On PostgreSQL it fails
        # the visible test already: the planner cannot prove that the query's
        # "customer_id = '42'::smallint" implies the index's "customer_id = 42" (integer), so
        # it never uses the index; a range ("customer_id <= 42") passes there but SQLite,
        # which only matches the index's WHERE terms as written, never uses that one.
        hardcoded='''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, total_cents, status) "
                "WHERE status = 'refunded' AND customer_id = 42")
''',
        mistakes={
            # the lesson's covering index, typed again: no status, so the table is read to
            # check it (and it holds every order)
            "demo_covering_index": '''
refund_index = "CREATE INDEX idx_refunds ON orders (customer_id, created_at, total_cents)"
''',
            # covers and searches, but holds all 20,000 orders for a screen that reads 3% of them
            "full_covering_index": '''
refund_index = "CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents)"
''',
            "full_covering_status_first": '''
refund_index = "CREATE INDEX idx_refunds ON orders (status, customer_id, total_cents)"
''',
            # partial on another status: the query's condition does not imply it, never used
            "other_status": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, total_cents, status) "
                "WHERE status = 'cancelled'")
''',
            # "not delivered": SQLite cannot use it (its WHERE is not the query's); PostgreSQL
            # proves the implication and uses it, but it holds every order not delivered
            "not_delivered": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, total_cents, status) "
                "WHERE status <> 'delivered'")
''',
            # partial and searched, but total_cents is read from the table
            "not_covering": '''
refund_index = "CREATE INDEX idx_refunds ON orders (customer_id) WHERE status = 'refunded'"
''',
            # index-only on PostgreSQL, not on SQLite: the exercise asks for both
            "status_only_in_where": '''
refund_index = "CREATE INDEX idx_refunds ON orders (customer_id, total_cents) WHERE status = 'refunded'"
''',
            # covering and partial, but customer_id is not a leading column: a walk, not a search
            "total_first": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (total_cents, customer_id, status) "
                "WHERE status = 'refunded'")
''',
            "wrong_table": '''
refund_index = "CREATE INDEX idx_refunds ON order_items (order_id, unit_price_cents, quantity)"
''',
        },
        alternatives={
            "status_in_middle": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status = 'refunded'")
''',
            "status_first_partial": '''
refund_index = """
    CREATE INDEX "refunds by customer" ON orders (status, customer_id, total_cents)
    WHERE status = 'refunded'  -- 3% of orders
"""
''',
            "lower_case_descending": '''
condition = "status = 'refunded'"
refund_index = f"create index if not exists refunds on orders (customer_id desc, total_cents, status) where {condition}"
''',
            "wider_with_created_at": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, total_cents, status, created_at) "
                "WHERE status = 'refunded'")
''',
        },
    ),
}
