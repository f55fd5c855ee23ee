"""Catalogue of 02-sql-tuning/04-index-friendly-predicates.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex5-answer": Exercise(
        hardcoded='''
def orders_on_day(engine, day):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, total_cents FROM orders WHERE created_at >= '2025-03-01' "
                                       "AND created_at < '2025-03-02' ORDER BY id"))
        return [tuple(row) for row in rows]
''',
        mistakes={
            # BETWEEN includes its upper end: an order at the next midnight is counted twice.
            # (With date-only strings as bounds SQLite compares text, and '2025-03-02 00:00:00'
            # sorts after '2025-03-02', so there only PostgreSQL shows it; midnights as
            # timestamps show it on both.)
            "between_midnights": '''
import datetime


def orders_on_day(engine, day):
    start = datetime.datetime.fromisoformat(day)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, total_cents FROM orders "
                                       "WHERE created_at BETWEEN :start AND :end ORDER BY id"),
                                  {"start": start, "end": start + datetime.timedelta(days=1)})
        return [tuple(row) for row in rows]
''',
            # the last second of the day, written out: misses 23:59:59.5
            "until_23_59_59": '''
def orders_on_day(engine, day):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, total_cents FROM orders "
                                       "WHERE created_at >= :start AND created_at <= :end ORDER BY id"),
                                  {"start": day + " 00:00:00", "end": day + " 23:59:59"})
        return [tuple(row) for row in rows]
''',
            # the function the lesson warns about: right rows, full scan
            "date_function": '''
def orders_on_day(engine, day):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, total_cents FROM orders "
                                       "WHERE date(created_at) = :day ORDER BY id"), {"day": day})
        return [tuple(row) for row in rows]
''',
            # no ORDER BY id: the rows come in the index's order, by time
            "not_ordered_by_id": '''
import datetime


def orders_on_day(engine, day):
    next_day = (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, total_cents FROM orders "
                                       "WHERE created_at >= :day AND created_at < :next_day"),
                                  {"day": day, "next_day": next_day})
        return [tuple(row) for row in rows]
''',
        },
        alternatives={
            # datetimes as bounds, half-open
            "datetime_bounds": '''
import datetime


def orders_on_day(engine, day):
    start = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time())
    end = start + datetime.timedelta(days=1)
    with engine.connect() as connection:
        result = connection.execute(
            text("SELECT id, total_cents FROM orders WHERE created_at >= :start AND created_at < :end "
                 "ORDER BY id"), {"start": start, "end": end})
        return [(order_id, total) for order_id, total in result]
''',
            # the driver's own placeholders, through exec_driver_sql. (SQLAlchemy Core with
            # datetime values is NOT right on SQLite here: its DateTime sends
            # '2025-01-02 00:00:00.000000', and the stored text '2025-01-02 00:00:00' sorts
            # before it, so the next midnight is included — the hidden test catches that.)
            "driver_placeholders": '''
import datetime


def orders_on_day(engine, day):
    following = datetime.date.fromisoformat(day) + datetime.timedelta(days=1)
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    sql = (f"SELECT id, total_cents FROM orders WHERE created_at >= {mark} AND created_at < {mark} "
           "ORDER BY id")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql, (day, str(following)))]
''',
            # pandas, and the next day worked out in SQL-free Python
            "pandas_read_sql": '''
import datetime

import pandas as pd


def orders_on_day(engine, day):
    first = datetime.date.fromisoformat(day)
    frame = pd.read_sql(text("SELECT id, total_cents FROM orders WHERE :first <= created_at "
                             "AND created_at < :after"), engine,
                        params={"first": first.isoformat(), "after": (first + datetime.timedelta(1)).isoformat()})
    return [(int(i), int(t)) for i, t in frame.sort_values("id").itertuples(index=False)]
''',
        },
    ),
    "ex6-answer": Exercise(
        hardcoded='''
known_ids = {email.lower(): customer_id for customer_id, email in run(
    "SELECT id, email FROM customers WHERE id IN ("
    "SELECT min(id) FROM customers WHERE email <> lower(email) UNION "
    "SELECT min(id) FROM customers WHERE email = lower(email))")}


def customer_id_for_email(engine, email):
    return known_ids.get(email.lower())
''',
        mistakes={
            # SQLite's LIKE ignores case, PostgreSQL's does not; and _ matches any character
            "like": '''
def customer_id_for_email(engine, email):
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM customers WHERE email LIKE :email"),
                                  {"email": email}).scalar()
''',
            # only the column lowered: an address typed with capitals is not found
            "lower_column_only": '''
def customer_id_for_email(engine, email):
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM customers WHERE lower(email) = :email"),
                                  {"email": email}).scalar()
''',
            # only the typed address lowered: an address stored with capitals is not found
            "lower_input_only": '''
def customer_id_for_email(engine, email):
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM customers WHERE email = :email"),
                                  {"email": email.lower()}).scalar()
''',
            # the row, not the id
            "returns_the_row": '''
def customer_id_for_email(engine, email):
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM customers WHERE lower(email) = lower(:email)"),
                                  {"email": email}).first()
''',
            # raises for an unknown address instead of returning None
            "raises_when_unknown": '''
def customer_id_for_email(engine, email):
    with engine.connect() as connection:
        return connection.execute(text("SELECT id FROM customers WHERE lower(email) = lower(:email)"),
                                  {"email": email}).scalar_one()
''',
        },
        alternatives={
            "upper_both_sides": '''
def customer_id_for_email(engine, email):
    with engine.connect() as connection:
        row = connection.execute(text("SELECT id FROM customers WHERE upper(email) = upper(:typed)"),
                                 {"typed": email}).fetchone()
    return row[0] if row else None
''',
            # lower-cased in Python, compared with the expression ex7 indexes
            "python_lower": '''
def customer_id_for_email(engine, email):
    with engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM customers WHERE lower(email) = :email"),
                                 {"email": email.lower()}).scalars().all()
    return int(ids[0]) if ids else None
''',
            "sqlalchemy_core_func": '''
import sqlalchemy as sa

customers_table = sa.table("customers", sa.column("id"), sa.column("email"))


def customer_id_for_email(engine, email):
    query = sa.select(customers_table.c.id).where(sa.func.lower(customers_table.c.email) == sa.func.lower(email))
    with engine.connect() as connection:
        return connection.scalar(query)
''',
        },
    ),
    "ex7-answer": Exercise(
        hardcoded='''
email_lower_index = ("CREATE INDEX idx_login_lower ON customers (lower(email)) "
                     f"WHERE lower(email) = '{mixed_email.lower()}'")
''',
        mistakes={
            "bare_email": '''
email_lower_index = "CREATE INDEX idx_login ON customers (email)"
''',
            # the other function: the query asks for lower(email)
            "upper_expression": '''
email_lower_index = "CREATE INDEX idx_login_upper ON customers (upper(email))"
''',
            "lower_name": '''
email_lower_index = "CREATE INDEX idx_login_lower ON customers (lower(name))"
''',
            # SQLite only, and an index on email itself, which lower(email) = ... cannot use
            "collate_nocase": '''
email_lower_index = "CREATE INDEX idx_login_nocase ON customers (email COLLATE NOCASE)"
''',
        },
        alternatives={
            "unique_expression": '''
email_lower_index = "CREATE UNIQUE INDEX customers_email_lower_key ON customers (lower(email))"
''',
            "upper_case_spaced": '''
email_lower_index = "CREATE INDEX IF NOT EXISTS login_ci ON customers ( LOWER( email ) )"
''',
            "with_id_covering": '''
email_lower_index = 'create index "login lookup" on customers (lower(email), id)'
''',
        },
    ),
}
