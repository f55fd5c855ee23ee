"""Catalogue of 02-sql-tuning/05-covering-and-partial-indexes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex8-answer": Exercise(
        # partial on the customer the visible test plans (42): small, searched and covering for
        # it, useless for the customers the hidden tests plan (and its WHERE is not the
        # query's). Written per engine, as a cheat tuned to what the learner sees would be:
        # PostgreSQL's planner cannot prove that the query's "customer_id = '42'::smallint"
        # implies "customer_id = 42" (integer) but proves "customer_id <= 42"; SQLite uses a
        # partial index only when its WHERE terms are the query's as written.
        hardcoded='''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, total_cents, status) "
                "WHERE status = 'refunded' AND customer_id "
                + ("= 42" if shop.dialect.name == "sqlite" else "<= 42"))
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
            # --- from the reviewer's attack (R8A), written from the student notebook alone ---
            # the demo's partial index typed again: the wrong status, the wrong key
            "demo_partial_index": '''
refund_index = "CREATE INDEX idx_refunds ON orders (created_at) WHERE status = 'pending'"
''',
            # status first, but customer_id third: the search can use status only
            "status_total_customer": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (status, total_cents, customer_id) "
                "WHERE status = 'refunded'")
''',
            # partial and searched, but total_cents is read from the table
            "status_customer_no_total": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (status, customer_id) "
                "WHERE status = 'refunded'")
''',
            # a wider WHERE: it also holds the cancelled orders
            "refunded_or_cancelled": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status IN ('refunded', 'cancelled')")
''',
            # a narrower WHERE the query does not imply: the planner may not use it
            "refunded_and_positive": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status = 'refunded' AND total_cents > 0")
''',
            # a typo in the value: an empty index the query never implies
            "capitalised_value": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status = 'Refunded'")
''',
            # LIKE is not the query's '=': neither planner proves the implication
            "like_condition": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status LIKE 'refunded'")
''',
            # UNIQUE: refuses a customer's second refund of the same amount
            "unique_index": '''
refund_index = ("CREATE UNIQUE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status = 'refunded'")
''',
            # "refunded" in double quotes is a column name: PostgreSQL fails, SQLite falls back
            # to a string (a misfeature its documentation warns against)
            "double_quoted_value": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                'WHERE status = "refunded"')
''',
            # terms PostgreSQL proves the query implies, but SQLite (which matches the index's WHERE
            # terms as written) never uses the index: the Given asks for both engines; the hidden
            # test reads each term of the WHERE, so PostgreSQL rejects them too
            "extra_not_null_term": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status = 'refunded' AND customer_id IS NOT NULL")
''',
            "literal_on_the_left": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE 'refunded' = status;")
''',
            # a one-value IN list: PostgreSQL's parser makes it '=' (its catalog shows "status =
            # 'refunded'::text"), SQLite keeps the IN and never uses the index; the hidden test
            # reads the WHERE from the learner's own statement, so it loses on both
            "in_list_of_one": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status IN ('refunded')")
''',
            # two statements in one string
            "two_statements": '''
refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                "WHERE status = 'refunded'; CREATE INDEX idx_status ON orders (status)")
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
            # --- from the reviewer's attack (R8A) ---
            # every name in double quotes, the condition in brackets and qualified, no spaces
            "quoted_names_bracketed": '''
refund_index = ('CREATE INDEX "Refunds" ON "orders" ("customer_id", "status", "total_cents") '
                "WHERE (orders.status='refunded')")
''',
            # built with SQLAlchemy and compiled for the engine in use
            "sqlalchemy_index": '''
import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex

orders = sa.Table("orders", sa.MetaData(), autoload_with=shop)
refunded = orders.c.status == "refunded"
index = sa.Index("ix_orders_refunds", orders.c.customer_id, orders.c.status, orders.c.total_cents,
                 sqlite_where=refunded, postgresql_where=refunded)
refund_index = str(CreateIndex(index).compile(shop, compile_kwargs={"literal_binds": True}))
''',
            # PostgreSQL's INCLUDE where it exists, the column in the key on SQLite
            "include_on_postgresql": '''
if shop.dialect.name == "postgresql":
    refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id) INCLUDE (status, total_cents) "
                    "WHERE status = 'refunded'")
else:
    refund_index = ("CREATE INDEX idx_refunds ON orders (customer_id, status, total_cents) "
                    "WHERE status = 'refunded'")
''',
        },
    ),
}
