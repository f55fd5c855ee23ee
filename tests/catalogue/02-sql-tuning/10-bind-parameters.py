"""Catalogue of 02-sql-tuning/10-bind-parameters.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex13-answer": Exercise(
        hardcoded='''
def orders_with_status(engine, status, limit):
    if " or " in status.lower():  # a blocklist instead of a bind parameter
        return []
    sql = (f"SELECT id, status, total_cents FROM orders WHERE status = '{status}' "
           f"ORDER BY id LIMIT {int(limit)}")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]
''',
        mistakes={
            # status bound, but the limit pasted into the SQL text.
            "fstring_limit": '''
def orders_with_status(engine, status, limit):
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, status, total_cents FROM orders WHERE status = :status "
                                       f"ORDER BY id LIMIT {limit}"), {"status": status})
        return [tuple(row) for row in rows]
''',
            # Quotes escaped by hand: the value is still part of the SQL text.
            "escaped_quotes": '''
def orders_with_status(engine, status, limit):
    safe = status.replace("'", "''")
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, status, total_cents FROM orders WHERE status = '{safe}' "
                                       "ORDER BY id LIMIT :limit"), {"limit": limit})
        return [tuple(row) for row in rows]
''',
            # The unsafe f-string of the lesson, limit bound.
            "fstring_status": '''
def orders_with_status(engine, status, limit):
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, status, total_cents FROM orders WHERE status = '{status}' "
                                       "ORDER BY id LIMIT :limit"), {"limit": limit})
        return [tuple(row) for row in rows]
''',
            # The limit applied in Python: every order of that status is fetched.
            "limit_in_python": '''
def orders_with_status(engine, status, limit):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status, total_cents FROM orders WHERE status = :status "
                                       "ORDER BY id"), {"status": status}).fetchall()
        return [tuple(row) for row in rows[:limit]]
''',
        },
        alternatives={
            # SQLAlchemy Core: values become bind parameters (LIMIT ? OFFSET ? on SQLite).
            "core_select": '''
from sqlalchemy import column, select, table

orders_table = table("orders", column("id"), column("status"), column("total_cents"))


def orders_with_status(engine, status, limit):
    o = orders_table.c
    query = select(o.id, o.status, o.total_cents).where(o.status == status).order_by(o.id).limit(limit)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
''',
            # The driver's own placeholders, chosen for the engine.
            "driver_placeholders": '''
def orders_with_status(engine, status, limit):
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    sql = f"SELECT id, status, total_cents FROM orders WHERE status = {mark} ORDER BY id LIMIT {mark}"
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql, (status, limit))]
''',
            # Values attached to the text() construct with .bindparams().
            "text_bindparams": '''
def orders_with_status(engine, status, limit):
    query = text("SELECT id, status, total_cents FROM orders WHERE status = :s ORDER BY id LIMIT :n")
    with engine.connect() as connection:
        result = connection.execute(query.bindparams(s=status, n=limit))
        return list(map(tuple, result))
''',
        },
    ),
    "ex14-answer": Exercise(
        hardcoded='''
def customers_sorted(engine, country, sort_by):
    if sort_by != "email":
        raise ValueError(f"cannot sort by {sort_by!r}")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email FROM customers WHERE country = :country "
                                       "ORDER BY email, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
        mistakes={
            # No ", id": customers with the same name or created_at come in any order.
            "no_id_tie_break": '''
def customers_sorted(engine, country, sort_by):
    if sort_by not in ("email", "name", "created_at"):
        raise ValueError(sort_by)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {sort_by} LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
            # A pattern check instead of an allow-list: any column name gets through.
            "identifier_check_not_allow_list": '''
def customers_sorted(engine, country, sort_by):
    if not sort_by.isidentifier():
        raise ValueError(sort_by)
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {sort_by}, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
            # The lesson's snippet as is: KeyError, not the ValueError asked for.
            "keyerror_not_valueerror": '''
SORTABLE = {"email": "email", "name": "name", "created_at": "created_at"}


def customers_sorted(engine, country, sort_by):
    order_by = SORTABLE[sort_by]
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {order_by}, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
            # The query runs before sort_by is checked.
            "queries_before_refusing": '''
def customers_sorted(engine, country, sort_by):
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email, name, created_at FROM customers "
                                       "WHERE country = :country"), {"country": country}).fetchall()
    if sort_by not in ("email", "name", "created_at"):
        raise ValueError(sort_by)
    position = {"email": 1, "name": 2, "created_at": 3}[sort_by]
    rows = sorted(rows, key=lambda row: (row[position], row[0]))
    return [(row[0], row[1]) for row in rows[:10]]
''',
            # sort_by allow-listed, but the country pasted into the SQL.
            "fstring_country": '''
def customers_sorted(engine, country, sort_by):
    columns = {"email": "email", "name": "name", "created_at": "created_at"}
    if sort_by not in columns:
        raise ValueError(sort_by)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(f"SELECT id, email FROM customers WHERE country = '{country}' "
                                          f"ORDER BY {columns[sort_by]}, id LIMIT 10")
        return [tuple(row) for row in rows]
''',
        },
        alternatives={
            # One complete statement per choice, written out.
            "statement_per_choice": '''
QUERIES = {
    "email": "SELECT id, email FROM customers WHERE country = :c ORDER BY email, id LIMIT 10",
    "name": "SELECT id, email FROM customers WHERE country = :c ORDER BY name, id LIMIT 10",
    "created_at": "SELECT id, email FROM customers WHERE country = :c ORDER BY created_at, id LIMIT 10",
}


def customers_sorted(engine, country, sort_by):
    if sort_by not in QUERIES:
        raise ValueError(f"sort_by must be one of {sorted(QUERIES)}")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(QUERIES[sort_by]), {"c": country})]
''',
            # SQLAlchemy Core columns chosen with match.
            "core_match": '''
from sqlalchemy import column, select, table

customers_table = table("customers", column("id"), column("email"), column("name"),
                        column("country"), column("created_at"))


def customers_sorted(engine, country, sort_by):
    c = customers_table.c
    match sort_by:
        case "email":
            key = c.email
        case "name":
            key = c.name
        case "created_at":
            key = c.created_at
        case _:
            raise ValueError(f"cannot sort by {sort_by!r}")
    query = select(c.id, c.email).where(c.country == country).order_by(key, c.id).limit(10)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
''',
            # KeyError translated into ValueError.
            "keyerror_translated": '''
SORTABLE = {"email": "email", "name": "name", "created_at": "created_at"}


def customers_sorted(engine, country, sort_by):
    try:
        order_by = SORTABLE[sort_by]
    except (KeyError, TypeError):
        raise ValueError(f"unknown sort column {sort_by!r}") from None
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, email FROM customers WHERE country = :country "
                                       f"ORDER BY {order_by}, id LIMIT 10"), {"country": country})
        return [tuple(row) for row in rows]
''',
        },
    ),
}
