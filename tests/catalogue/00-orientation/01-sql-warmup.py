"""Catalogue of 00-orientation/01-sql-warmup.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
counts = pd.read_sql("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC", shop)
orders_by_status = " UNION ALL ".join(
    f"SELECT '{status}' AS status, {n} AS orders" for status, n in counts.itertuples(index=False))
''',
        mistakes={
            # "the most common status first": no ORDER BY leaves the engine's order (by name here)
            "no_order_by": '''
orders_by_status = "SELECT status, count(*) AS orders FROM orders GROUP BY status"
''',
            "ascending_order": '''
orders_by_status = "SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY orders"
''',
            "ordered_by_status_name": '''
orders_by_status = "SELECT status, count(*) AS orders FROM orders GROUP BY status ORDER BY status DESC"
''',
            # the five statuses the lesson lists, typed in: a status added later is missed
            "status_names_typed_in": '''
orders_by_status = " UNION ALL ".join(
    f"SELECT '{s}' AS status, (SELECT count(*) FROM orders WHERE status = '{s}') AS orders"
    for s in ["pending", "shipped", "delivered", "cancelled", "refunded"]) + " ORDER BY orders DESC"
''',
            "counts_customers_not_orders": '''
orders_by_status = """
    SELECT status, count(DISTINCT customer_id) AS orders
    FROM orders GROUP BY status ORDER BY orders DESC
"""
''',
            "count_column_not_named_orders": '''
orders_by_status = "SELECT status, count(*) FROM orders GROUP BY status ORDER BY count(*) DESC"
''',
        },
        alternatives={
            "order_by_position_lowercase": '''
orders_by_status = """
select status, count(id) as orders
from orders
group by 1
order by 2 desc, 1;
"""
''',
            "subquery": '''
orders_by_status = """
SELECT s.status, s.orders
FROM (SELECT status, COUNT(*) AS orders FROM orders GROUP BY status) AS s
ORDER BY s.orders DESC
"""
''',
            "window_function": '''
orders_by_status = (
    "SELECT DISTINCT status, count(*) OVER (PARTITION BY status) AS orders "
    "FROM orders ORDER BY orders DESC, status"
)
''',
        },
    ),
    "ex2-answer": Exercise(
        hardcoded='''
known = {customer_id: int(pd.read_sql(f"SELECT count(*) AS n FROM orders WHERE customer_id = {customer_id}", shop)["n"][0])
         for customer_id in (1, 2)}

def count_orders(engine, customer_id):
    return known[customer_id]
''',
        mistakes={
            # the very thing the exercise forbids: the value pasted into the SQL text
            "fstring_sql": '''
def count_orders(engine, customer_id):
    with engine.connect() as connection:
        return connection.execute(
            text(f"SELECT count(*) FROM orders WHERE customer_id = {customer_id}")).scalar_one()
''',
            "percent_format_sql": '''
def count_orders(engine, customer_id):
    sql = "SELECT count(*) AS n FROM orders WHERE customer_id = %d" % customer_id
    return int(pd.read_sql(sql, engine)["n"].iloc[0])
''',
            "string_concatenation_sql": '''
def count_orders(engine, customer_id):
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT count(*) FROM orders WHERE customer_id = '" + str(customer_id) + "'").all()
    return int(rows[0][0])
''',
            # GROUP BY customer_id: a customer without orders has no group, so no row (None)
            "group_by_none_for_new_customer": '''
def count_orders(engine, customer_id):
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT count(*) FROM orders WHERE customer_id = :c GROUP BY customer_id"),
            {"c": customer_id}).scalar()
''',
            # pandas hands back numpy.int64, not the int asked for
            "numpy_int_not_int": '''
def count_orders(engine, customer_id):
    return pd.read_sql(text("SELECT count(*) AS n FROM orders WHERE customer_id = :customer_id"),
                       engine, params={"customer_id": customer_id})["n"].iloc[0]
''',
            # the placeholder and the dictionary key disagree: StatementError
            "mismatched_bind_name": '''
def count_orders(engine, customer_id):
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM orders WHERE customer_id = :id"),
                                  {"customer_id": customer_id}).scalar_one()
''',
        },
        alternatives={
            "core_select_func_count": '''
from sqlalchemy import MetaData, Table, func, select

def count_orders(engine, customer_id):
    orders = Table("orders", MetaData(), autoload_with=engine)
    query = select(func.count()).select_from(orders).where(orders.c.customer_id == customer_id)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()
''',
            "bindparam_pandas": '''
from sqlalchemy import bindparam

def count_orders(engine, customer_id):
    query = text("SELECT count(*) AS n FROM orders WHERE customer_id = :wanted").bindparams(
        bindparam("wanted", value=customer_id))
    return int(pd.read_sql(query, engine)["n"].iloc[0])
''',
            "exec_driver_sql_driver_placeholders": '''
def count_orders(engine, customer_id):
    placeholder = {"qmark": "?", "numeric": ":1", "named": ":customer_id", "format": "%s",
                   "pyformat": "%(customer_id)s"}[engine.dialect.paramstyle]
    parameters = ({"customer_id": customer_id} if "customer_id" in placeholder else (customer_id,))
    with engine.connect() as connection:
        result = connection.exec_driver_sql(
            f"SELECT count(*) FROM orders WHERE customer_id = {placeholder}", parameters)
        return int(result.scalar())
''',
            "len_of_fetched_ids": '''
def count_orders(engine, customer_id):
    with engine.begin() as connection:
        ids = connection.execute(text("SELECT id FROM orders WHERE customer_id = :customer_id"),
                                 dict(customer_id=customer_id)).scalars().all()
    return len(ids)
''',
        },
    ),
}
