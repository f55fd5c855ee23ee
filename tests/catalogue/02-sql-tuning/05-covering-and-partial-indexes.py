"""Catalogue of 02-sql-tuning/05-covering-and-partial-indexes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex8-answer": Exercise(
        hardcoded='''
statement_index = ("CREATE INDEX idx_statement ON orders (customer_id, created_at, total_cents) "
                   "WHERE customer_id = 42")
''',
        mistakes={},
        alternatives={},
    ),
}
