"""Catalogue of 02-sql-tuning/11-transactions-and-locking.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "02-sql-tuning/11-transactions-and-locking.ipynb"

# Passes the visible test (8 clients, 5 in stock, product 2) by counting calls, not stock.
HARDCODED14 = '''
granted = []
def reserve(engine, product_id, quantity):
    granted.append(quantity)
    if len(granted) == 8:
        with engine.begin() as connection:
            connection.execute(text("UPDATE products SET stock = 0 WHERE id = :id"), {"id": product_id})
    return len(granted) <= 5
'''

# Just enough for the visible collision (one conflict, then success): three attempts, any
# error retried, and the last one swallowed.
HARDCODED15 = '''
def transfer(engine, from_id, to_id, cents):
    for attempt in range(1, 4):
        try:
            return transfer_once(engine, from_id, to_id, cents)
        except Exception:
            backoff(attempt)
'''

EXERCISES = {
    "ex14-answer": Exercise(
        hardcoded=HARDCODED14,
        mistakes={
            # the lesson's lost update: read, compute in Python, write back
            "read_modify_write": '''
def reserve(engine, product_id, quantity):
    with engine.begin() as connection:
        stock = connection.execute(text("SELECT stock FROM products WHERE id = :id"), {"id": product_id}).scalar()
        if stock is None or stock < quantity:
            return False
        connection.execute(text("UPDATE products SET stock = :stock WHERE id = :id"),
                           {"stock": stock - quantity, "id": product_id})
        return True
''',
            # atomic arithmetic, but the check is made on a stale read: oversells
            "check_then_decrement": '''
def reserve(engine, product_id, quantity):
    with engine.begin() as connection:
        stock = connection.execute(text("SELECT stock FROM products WHERE id = :id"), {"id": product_id}).scalar()
        if stock is None or stock < quantity:
            return False
        connection.execute(text("UPDATE products SET stock = stock - :q WHERE id = :id"),
                           {"q": quantity, "id": product_id})
        return True
''',
            # no "stock >= :q" in the WHERE: the stock goes below zero
            "no_stock_condition": edit(solution(NOTEBOOK, "ex14-answer"),
                                       (" AND stock >= :quantity", "")),
            # the row count is not looked at: a refused reservation says True
            "ignores_rowcount": edit(solution(NOTEBOOK, "ex14-answer"),
                                     ("return result.rowcount == 1", "return True")),
            # an off-by-one: the last items can never be sold
            "strictly_greater": edit(solution(NOTEBOOK, "ex14-answer"),
                                     ("stock >= :quantity", "stock > :quantity")),
            # a lock in Python: guards this process only, not another server
            "python_lock": '''
import threading
stock_lock = threading.Lock()
def reserve(engine, product_id, quantity):
    with stock_lock:
        with engine.begin() as connection:
            stock = connection.execute(text("SELECT stock FROM products WHERE id = :id"),
                                       {"id": product_id}).scalar()
            if stock is None or stock < quantity:
                return False
            connection.execute(text("UPDATE products SET stock = :stock WHERE id = :id"),
                               {"stock": stock - quantity, "id": product_id})
            return True
''',
        },
        alternatives={
            # lock the row first: FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite
            "lock_then_read": '''
def reserve(engine, product_id, quantity):
    with engine.begin() as connection:
        if kind == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            lock = ""
        else:
            lock = " FOR UPDATE"
        stock = connection.execute(text("SELECT stock FROM products WHERE id = :id" + lock),
                                   {"id": product_id}).scalar()
        if stock is None or stock < quantity:
            return False
        connection.execute(text("UPDATE products SET stock = :left WHERE id = :id"),
                           {"left": stock - quantity, "id": product_id})
        return True
''',
            # RETURNING the new stock: a row back means the reservation was taken
            "update_returning": '''
def reserve(engine, product_id, quantity):
    statement = text("UPDATE products SET stock = stock - :n WHERE id = :p AND stock - :n >= 0 RETURNING stock")
    with engine.connect() as connection:
        left = connection.execute(statement, {"n": quantity, "p": product_id}).first()
        connection.commit()
    return left is not None
''',
            # the DBAPI cursor directly, parameters by position
            "raw_cursor": '''
def reserve(engine, product_id, quantity):
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        marker = "?" if kind == "sqlite" else "%s"
        cursor.execute(f"UPDATE products SET stock = stock - {marker} WHERE id = {marker} AND stock >= {marker}",
                       (quantity, product_id, quantity))
        changed = cursor.rowcount
        raw.commit()
        return changed > 0
    finally:
        raw.close()
''',
        },
    ),
    "ex15-answer": Exercise(
        hardcoded=HARDCODED15,
        mistakes={
            # no retry at all: the first deadlock / busy error reaches the caller
            "no_retry": '''
def transfer(engine, from_id, to_id, cents):
    return transfer_once(engine, from_id, to_id, cents)
''',
            # retries on one connection without rolling back the failed transaction
            "retry_without_rollback": '''
def transfer(engine, from_id, to_id, cents):
    connection = engine.connect()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            connection.execute(text("UPDATE credit SET balance_cents = balance_cents - :c WHERE id = :id"),
                               {"c": cents, "id": from_id})
            connection.execute(text("UPDATE credit SET balance_cents = balance_cents + :c WHERE id = :id"),
                               {"c": cents, "id": to_id})
            connection.commit()
            connection.close()
            return
        except sa.exc.OperationalError as error:
            if attempt == MAX_ATTEMPTS or not retryable(error):
                raise
        backoff(attempt)
''',
            # catches every exception: a refused transfer is retried (and hidden)
            "catches_everything": edit(solution(NOTEBOOK, "ex15-answer"),
                                       ("except sa.exc.DBAPIError as error:", "except Exception as error:"),
                                       ("if attempt == MAX_ATTEMPTS or not retryable(error):",
                                        "if attempt == MAX_ATTEMPTS:")),
            # no bound: a lock that never clears keeps it busy for ever
            "no_bound": '''
def transfer(engine, from_id, to_id, cents):
    attempt = 0
    while True:
        attempt += 1
        try:
            return transfer_once(engine, from_id, to_id, cents)
        except sa.exc.DBAPIError as error:
            if not retryable(error):
                raise
        backoff(min(attempt, 3))
''',
            # gives up silently: the caller thinks the money moved
            "swallows_last_error": edit(solution(NOTEBOOK, "ex15-answer"),
                                        ("if attempt == MAX_ATTEMPTS or not retryable(error):",
                                         "if attempt == MAX_ATTEMPTS:\n                return None\n"
                                         "            if not retryable(error):")),
            # one attempt too many
            "off_by_one_bound": edit(solution(NOTEBOOK, "ex15-answer"),
                                     ("range(1, MAX_ATTEMPTS + 1)", "range(1, MAX_ATTEMPTS + 2)"),
                                     ("attempt == MAX_ATTEMPTS ", "attempt == MAX_ATTEMPTS + 1 ")),
        },
        alternatives={
            # a while loop, its own connection, an explicit rollback
            "explicit_rollback": '''
def transfer(engine, from_id, to_id, cents):
    attempts = 0
    while True:
        attempts += 1
        connection = engine.connect()
        try:
            connection.execute(text("UPDATE credit SET balance_cents = balance_cents - :c WHERE id = :id"),
                               {"c": cents, "id": from_id})
            connection.execute(text("UPDATE credit SET balance_cents = balance_cents + :c WHERE id = :id"),
                               {"c": cents, "id": to_id})
            connection.commit()
            return
        except sa.exc.DBAPIError as error:
            connection.rollback()
            if not retryable(error) or attempts >= MAX_ATTEMPTS:
                raise
        finally:
            connection.close()
        backoff(attempts)
''',
            # recursion, counting the attempts left
            "recursive": '''
def transfer(engine, from_id, to_id, cents, attempts_left=None):
    attempts_left = MAX_ATTEMPTS if attempts_left is None else attempts_left
    try:
        transfer_once(engine, from_id, to_id, cents)
    except sa.exc.OperationalError as error:
        if attempts_left <= 1 or not retryable(error):
            raise
        backoff(MAX_ATTEMPTS - attempts_left + 1)
        transfer(engine, from_id, to_id, cents, attempts_left - 1)
''',
        },
    ),
}
