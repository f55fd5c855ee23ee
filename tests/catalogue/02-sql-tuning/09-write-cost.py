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
        mistakes={
            # The error is swallowed and whatever got in before it is committed.
            "swallow_error_and_commit": '''
def add_orders(engine, orders):
    with engine.connect() as connection:
        try:
            connection.execute(insert_order, orders)
        except Exception as error:
            print("some orders could not be added:", error)
        connection.commit()
''',
            # Committed in chunks of 100: a failure leaves the earlier chunks in the table.
            "commits_in_chunks": '''
def add_orders(engine, orders):
    for start in range(0, len(orders), 100):
        with engine.begin() as connection:
            connection.execute(insert_order, orders[start:start + 100])
''',
            # Duplicates skipped silently: the batch is half kept and nobody is told.
            "on_conflict_do_nothing": '''
def add_orders(engine, orders):
    with engine.begin() as connection:
        connection.execute(text(insert_order.text + " ON CONFLICT DO NOTHING"), orders)
''',
            # One transaction, but one statement per row.
            "one_statement_per_row": '''
def add_orders(engine, orders):
    with engine.begin() as connection:
        for order in orders:
            connection.execute(insert_order, order)
''',
        },
        alternatives={
            # connect(), then an explicit commit; an error leaves the block before commit().
            "connect_then_commit": '''
def add_orders(engine, orders):
    with engine.connect() as connection:
        connection.execute(insert_order, orders)
        connection.commit()
''',
            # A transaction object, rolled back by hand, error re-raised.
            "explicit_transaction": '''
def add_orders(engine, orders):
    connection = engine.connect()
    transaction = connection.begin()
    try:
        connection.execute(insert_order, list(orders))
        transaction.commit()
    except Exception:
        transaction.rollback()
        raise
    finally:
        connection.close()
''',
            # SQLAlchemy Core's insert() with a list of dicts.
            "core_insert": '''
from sqlalchemy import column, insert, table

orders_table = table("orders", column("id"), column("customer_id"), column("status"),
                     column("created_at"), column("total_cents"))


def add_orders(engine, orders):
    with engine.begin() as connection:
        connection.execute(insert(orders_table), orders)
''',
        },
    ),
}
