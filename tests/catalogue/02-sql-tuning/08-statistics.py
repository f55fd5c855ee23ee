"""Catalogue of 02-sql-tuning/08-statistics.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex11-answer": Exercise(
        hardcoded='''
def refresh_statistics(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE imported_customers")
''',
        mistakes={},
        alternatives={},
    ),
}
