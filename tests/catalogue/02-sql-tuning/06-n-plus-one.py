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
        mistakes={
            # One statement, but it reads every order of the table into Python.
            "read_all_orders": '''
def order_totals(engine, customer_ids):
    wanted = set(customer_ids)
    totals = dict.fromkeys(customer_ids, 0)
    with engine.connect() as connection:
        for customer_id, total_cents in connection.execute(text("SELECT customer_id, total_cents FROM orders")):
            if customer_id in wanted:
                totals[customer_id] += total_cents
    return totals
''',
            # One statement, but the database sums the orders of every customer, then Python picks.
            "group_by_every_customer": '''
def order_totals(engine, customer_ids):
    with engine.connect() as connection:
        every = dict(connection.execute(text(
            "SELECT customer_id, sum(total_cents) FROM orders GROUP BY customer_id")).fetchall())
    return {c: every.get(c, 0) for c in customer_ids}
''',
            # The IN list is right, but customers without orders are missing from the dict.
            "customer_without_orders_missing": '''
def order_totals(engine, customer_ids):
    query = text("SELECT customer_id, sum(total_cents) FROM orders WHERE customer_id IN :ids "
                 "GROUP BY customer_id").bindparams(bindparam("ids", expanding=True))
    with engine.connect() as connection:
        return dict(connection.execute(query, {"ids": list(customer_ids)}).fetchall())
''',
            # The loop the lesson replaces: one statement per customer.
            "n_plus_one_loop": '''
def order_totals(engine, customer_ids):
    totals = {}
    with engine.connect() as connection:
        for c in customer_ids:
            totals[c] = connection.execute(text(
                "SELECT coalesce(sum(total_cents), 0) FROM orders WHERE customer_id = :c"), {"c": c}).scalar_one()
    return totals
''',
        },
        alternatives={
            # The ORM with eager loading: 2 statements (customers, then their orders by IN list).
            "orm_selectinload": '''
def order_totals(engine, customer_ids):
    totals = dict.fromkeys(customer_ids, 0)
    with Session(engine) as session:
        customers = session.scalars(select(Customer).where(Customer.id.in_(list(customer_ids)))
                                    .options(selectinload(Customer.orders))).all()
        for customer in customers:
            totals[customer.id] = sum(order.total_cents for order in customer.orders)
    return totals
''',
            # SQLAlchemy Core expressions on the mapped class, GROUP BY in the database.
            "core_group_by": '''
from sqlalchemy import func


def order_totals(engine, customer_ids):
    query = (select(Order.customer_id, func.sum(Order.total_cents))
             .where(Order.customer_id.in_(list(customer_ids))).group_by(Order.customer_id))
    with engine.connect() as connection:
        found = dict(connection.execute(query).all())
    return {c: found.get(c, 0) for c in customer_ids}
''',
            # Only the rows of the customers asked for, summed in Python.
            "rows_summed_in_python": '''
def order_totals(engine, customer_ids):
    ids = list(customer_ids)
    totals = {c: 0 for c in ids}
    query = text("SELECT customer_id, total_cents FROM orders WHERE customer_id IN :ids"
                 ).bindparams(bindparam("ids", expanding=True))
    with engine.connect() as connection:
        for customer_id, cents in connection.execute(query, {"ids": ids}):
            totals[customer_id] += cents
    return totals
''',
        },
    ),
}
