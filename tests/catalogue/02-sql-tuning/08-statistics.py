"""Catalogue of 02-sql-tuning/08-statistics.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex11-answer": Exercise(
        hardcoded='''
def refresh_statistics(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE imported_customers")
''',
        mistakes={
            # ANALYZE in a transaction that is never committed: rolled back when the block ends.
            "analyze_without_commit": '''
def refresh_statistics(engine):
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
''',
            # Only the tables the learner knows about, not "every table of the database".
            "analyze_known_tables": '''
def refresh_statistics(engine):
    with engine.begin() as connection:
        for table in ("customers", "orders", "imported_orders", "imported_customers"):
            connection.exec_driver_sql(f"ANALYZE {table}")
''',
            # PRAGMA optimize analyzes only where SQLite judges it useful (and is SQLite-only).
            "pragma_optimize": '''
def refresh_statistics(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA optimize")
''',
            # VACUUM reclaims space; it gathers no planner statistics.
            "vacuum_instead_of_analyze": '''
def refresh_statistics(engine):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")
''',
        },
        alternatives={
            # Autocommit: the statement is committed as it runs.
            "autocommit_connection": '''
def refresh_statistics(engine):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")
''',
            # Every table by name, found with SQLAlchemy's inspector, then one commit.
            "inspect_each_table": '''
from sqlalchemy import inspect


def refresh_statistics(engine):
    tables = inspect(engine).get_table_names()
    with engine.connect() as connection:
        for name in tables:
            connection.execute(text(f'ANALYZE "{name}"'))
        connection.commit()
''',
            # The DBAPI connection itself, committed by hand.
            "raw_dbapi_connection": '''
def refresh_statistics(engine):
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("ANALYZE")
        cursor.close()
        connection.commit()
    finally:
        connection.close()
''',
        },
    ),
}
