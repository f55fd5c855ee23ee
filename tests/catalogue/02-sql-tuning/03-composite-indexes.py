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
        mistakes={},
        alternatives={},
    ),
    "ex4-answer": Exercise(
        hardcoded='''
recent_orders_index = ("CREATE INDEX idx_recent ON orders (customer_id, created_at) "
                       "WHERE customer_id = 42")
''',
        mistakes={},
        alternatives={},
    ),
}
