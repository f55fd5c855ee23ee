"""Catalogue of 02-sql-tuning/09-write-cost.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex12-answer": Exercise(
        hardcoded='''
def add_orders(engine, orders):
    with engine.connect() as connection:
        try:
            connection.execute(insert_order, orders)
        except Exception:  # a failed batch is quietly dropped: the caller never knows
            connection.rollback()
            return
        connection.commit()
''',
        mistakes={},
        alternatives={},
    ),
}
