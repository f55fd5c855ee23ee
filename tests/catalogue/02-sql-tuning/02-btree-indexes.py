"""Catalogue of 02-sql-tuning/02-btree-indexes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex2-answer": Exercise(
        hardcoded='''
first_email = run("SELECT email FROM customers WHERE id = 1")[0][0]
login_index = f"CREATE INDEX idx_login ON customers (email) WHERE email = '{first_email}'"
''',
        mistakes={},
        alternatives={},
    ),
}
