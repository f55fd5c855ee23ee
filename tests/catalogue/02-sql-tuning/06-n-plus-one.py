"""Catalogue of 02-sql-tuning/06-n-plus-one.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex9-answer": Exercise(
        hardcoded='''
known_totals = {c: run("SELECT coalesce(sum(total_cents), 0) FROM orders WHERE customer_id = :c", c=c)[0][0]
                for c in (1, 2, 3, 42)}


def order_totals(engine, customer_ids):
    return {c: known_totals[c] for c in customer_ids}
''',
        mistakes={},
        alternatives={},
    ),
}
