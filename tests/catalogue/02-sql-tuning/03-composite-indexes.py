"""Catalogue of 02-sql-tuning/03-composite-indexes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        hardcoded='''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = 42
    ORDER BY created_at DESC
    LIMIT :n
"""
''',
        mistakes={
            # ids follow time only while no order is back-dated or imported late
            "order_by_id": '''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = :customer_id
    ORDER BY id DESC
    LIMIT :n
"""
''',
            "oldest_first": '''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = :customer_id
    ORDER BY created_at
    LIMIT :n
"""
''',
            "limit_not_bound": '''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = :customer_id
    ORDER BY created_at DESC
    LIMIT 5
"""
''',
            # the day alone: orders of one day come in no particular order
            "order_by_day_only": '''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = :customer_id
    ORDER BY date(created_at) DESC
    LIMIT :n
"""
''',
        },
        alternatives={
            "tie_break_by_id": '''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = :customer_id
    ORDER BY created_at DESC, id DESC
    LIMIT :n
"""
''',
            "row_number_window": '''
recent_orders_sql = """
    SELECT id, created_at, total_cents FROM (
        SELECT id, created_at, total_cents,
               row_number() OVER (ORDER BY created_at DESC) AS position
        FROM orders WHERE customer_id = :customer_id
    ) AS ranked
    WHERE position <= :n
    ORDER BY created_at DESC
"""
''',
            "ordinal_and_alias": '''
recent_orders_sql = ("select o.id, o.created_at, o.total_cents from orders o "
                     "where :customer_id = o.customer_id order by 2 desc limit :n")
''',
        },
    ),
    "ex4-answer": Exercise(
        hardcoded='''
recent_orders_index = ("CREATE INDEX idx_recent ON orders (customer_id, created_at) "
                       "WHERE customer_id = 42")
''',
        mistakes={
            "columns_reversed": '''
recent_orders_index = "CREATE INDEX idx_recent ON orders (created_at, customer_id)"
''',
            # finds the customer's orders, but they still have to be sorted
            "customer_only": '''
recent_orders_index = "CREATE INDEX idx_recent ON orders (customer_id)"
''',
            # a column between the equality and the sort breaks the order
            "status_in_between": '''
recent_orders_index = "CREATE INDEX idx_recent ON orders (customer_id, status, created_at)"
''',
            "created_at_only": '''
recent_orders_index = "CREATE INDEX idx_recent ON orders (created_at)"
''',
        },
        alternatives={
            "descending_key": '''
recent_orders_index = "CREATE INDEX idx_recent ON orders (customer_id, created_at DESC)"
''',
            "covering_three_columns": '''
recent_orders_index = "create index recent_covering on orders (customer_id, created_at, total_cents)"
''',
            "unique_with_id": '''
recent_orders_index = 'CREATE UNIQUE INDEX IF NOT EXISTS "recent orders" ON orders (customer_id, created_at, id)'
''',
        },
    ),
}
