"""Catalogue of 02-sql-tuning/01-reading-plans.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
def find_full_scans(engine, queries):
    return ["customer by email", "items of an order", "orders of a customer", "revenue per status"]
''',
        mistakes={},
        alternatives={},
    ),
}
