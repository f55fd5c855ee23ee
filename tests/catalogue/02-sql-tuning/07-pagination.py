"""Catalogue of 02-sql-tuning/07-pagination.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex10-answer": Exercise(
        hardcoded='''
def next_page(engine, after, size):
    with engine.connect() as connection:
        if after is None:
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"), {"size": size})
        else:  # no tie-breaker: orders placed in the same second are skipped
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "WHERE created_at < :created_at "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"),
                                      {"created_at": after[0], "size": size})
        return [tuple(row) for row in rows]
''',
        mistakes={
            # Right rows, but each page counts its position and skips there with OFFSET.
            "deep_offset": '''
def next_page(engine, after, size):
    with engine.connect() as connection:
        skip = 0
        if after is not None:
            skip = connection.execute(text("SELECT count(*) FROM orders WHERE (created_at, id) >= (:c, :i)"),
                                      {"c": after[0], "i": after[1]}).scalar_one()
        rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                       "ORDER BY created_at DESC, id DESC LIMIT :size OFFSET :skip"),
                                  {"size": size, "skip": skip})
        return [tuple(row) for row in rows]
''',
            # Two separate conditions instead of a row value: drops older orders with larger ids.
            "and_instead_of_row_value": '''
def next_page(engine, after, size):
    with engine.connect() as connection:
        if after is None:
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"), {"size": size})
        else:
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "WHERE created_at <= :created_at AND id < :id "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"),
                                      {"created_at": after[0], "id": after[1], "size": size})
        return [tuple(row) for row in rows]
''',
            # <= instead of <: every page repeats the last row of the page before.
            "repeats_last_row": '''
def next_page(engine, after, size):
    with engine.connect() as connection:
        if after is None:
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"), {"size": size})
        else:
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "WHERE (created_at, id) <= (:created_at, :id) "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"),
                                      {"created_at": after[0], "id": after[1], "size": size})
        return [tuple(row) for row in rows]
''',
            # Sort key without the id: ties in created_at are skipped (the lesson's 'Why id?').
            "no_tie_breaker": '''
def next_page(engine, after, size):
    sql = "SELECT id, created_at, total_cents FROM orders {where} ORDER BY created_at DESC LIMIT :size"
    with engine.connect() as connection:
        if after is None:
            rows = connection.execute(text(sql.format(where="")), {"size": size})
        else:
            rows = connection.execute(text(sql.format(where="WHERE created_at < :after")),
                                      {"after": after[0], "size": size})
        return [tuple(row) for row in rows]
''',
        },
        alternatives={
            # SQLAlchemy Core: .limit() compiles to LIMIT ? OFFSET ? (offset 0) on SQLite.
            "core_tuple_comparison": '''
from sqlalchemy import column, select, table, tuple_

orders_table = table("orders", column("id"), column("created_at"), column("total_cents"))


def next_page(engine, after, size):
    o = orders_table.c
    query = select(o.id, o.created_at, o.total_cents).order_by(o.created_at.desc(), o.id.desc()).limit(size)
    if after is not None:
        query = query.where(tuple_(o.created_at, o.id) < tuple_(*after))
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
''',
            # The row value spelled out, with a first condition an index can search.
            "expanded_or": '''
def next_page(engine, after, size):
    where, params = "", {"size": size}
    if after is not None:
        where = "WHERE created_at <= :created_at AND (created_at < :created_at OR id < :id)"
        params.update(created_at=after[0], id=after[1])
    sql = (f"SELECT id, created_at, total_cents FROM orders {where} "
           "ORDER BY created_at DESC, id DESC LIMIT :size")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]
''',
            # The driver's own placeholders, chosen for the engine.
            "driver_placeholders": '''
def next_page(engine, after, size):
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    if after is None:
        sql, values = f"SELECT id, created_at, total_cents FROM orders ORDER BY created_at DESC, id DESC LIMIT {mark}", (size,)
    else:
        sql = (f"SELECT id, created_at, total_cents FROM orders WHERE (created_at, id) < ({mark}, {mark}) "
               f"ORDER BY created_at DESC, id DESC LIMIT {mark}")
        values = (after[0], after[1], size)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql, values)]
''',
        },
    ),
}
