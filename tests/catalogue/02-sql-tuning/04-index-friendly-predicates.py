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
        mistakes={},
        alternatives={},
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
        mistakes={},
        alternatives={},
    ),
    "ex7-answer": Exercise(
        hardcoded='''
email_lower_index = ("CREATE INDEX idx_login_lower ON customers (lower(email)) "
                     f"WHERE lower(email) = '{mixed_email.lower()}'")
''',
        mistakes={},
        alternatives={},
    ),
}
