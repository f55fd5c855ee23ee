"""Forced races for the transactions lesson (2.11), on SQLite and on PostgreSQL."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import text

import backendlab
from backendlab import transactions
from backendlab.errors import CourseError


@pytest.fixture
def db(sql_backend: str) -> sa.Engine:
    """An empty working copy with one stock row and two accounts."""
    engine = backendlab.database("test-transactions", dataset=None)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE items (id INTEGER PRIMARY KEY, stock INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO items VALUES (1, 10)"))
        connection.execute(text("CREATE TABLE accounts (id INTEGER PRIMARY KEY, "
                                "cents INTEGER NOT NULL CHECK (cents >= 0))"))
        connection.execute(text("INSERT INTO accounts VALUES (1, 1000), (2, 1000), (3, 1000)"))
    yield engine
    engine.dispose()


def stock(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT stock FROM items WHERE id = 1")).scalar_one()


def sell(engine: sa.Engine, quantity: int) -> None:
    """The lesson's lost update: read, compute in Python, write back."""
    with engine.begin() as connection:
        current = connection.execute(text("SELECT stock FROM items WHERE id = 1")).scalar_one()
        connection.execute(text("UPDATE items SET stock = :s WHERE id = 1"), {"s": current - quantity})


def transfer_reading_first(engine: sa.Engine, source: int, target: int, cents: int) -> None:
    with engine.begin() as connection:
        if backendlab.engine_kind(engine) == "sqlite":
            connection.exec_driver_sql("BEGIN")  # the read must belong to the transaction
        connection.execute(text("SELECT cents FROM accounts WHERE id IN (:a, :b)"), {"a": source, "b": target}).all()
        connection.execute(text("UPDATE accounts SET cents = cents - :c WHERE id = :id"), {"c": cents, "id": source})
        connection.execute(text("UPDATE accounts SET cents = cents + :c WHERE id = :id"), {"c": cents, "id": target})


def test_a_read_modify_write_loses_an_update_every_time(db: sa.Engine) -> None:
    """Does the rendezvous make 'both read before either writes' happen, not just sometimes?"""
    for _ in range(3):
        with db.begin() as connection:
            connection.execute(text("UPDATE items SET stock = 10 WHERE id = 1"))
        outcomes = transactions.compete(db, lambda: sell(db, 3), lambda: sell(db, 2))
        assert not any(outcome.raised for outcome in outcomes)
        assert stock(db) == 8  # the second write (in call order) replaced the first


def test_an_atomic_update_loses_nothing_and_a_lock_holder_does_not_stall_the_others(db: sa.Engine) -> None:
    """Clients held up by a lock (FOR UPDATE / BEGIN IMMEDIATE) must not keep the gate shut."""
    def locked_sell() -> None:
        with db.begin() as connection:
            if backendlab.engine_kind(db) == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                current = connection.execute(text("SELECT stock FROM items WHERE id = 1")).scalar_one()
            else:
                current = connection.execute(text("SELECT stock FROM items WHERE id = 1 FOR UPDATE")).scalar_one()
            connection.execute(text("UPDATE items SET stock = :s WHERE id = 1"), {"s": current - 1})

    def atomic_sell() -> None:
        with db.begin() as connection:
            connection.execute(text("UPDATE items SET stock = stock - 1 WHERE id = 1"))

    outcomes = transactions.compete(db, *[locked_sell] * 4, *[atomic_sell] * 3)
    assert [outcome.raised for outcome in outcomes] == [False] * 7
    assert stock(db) == 3


def test_clients_held_at_the_gate_go_in_call_order(db: sa.Engine) -> None:
    """Who writes first is set by the call order: digits appended in turn spell it out."""
    def append(digit: int):
        def call() -> None:
            with db.begin() as connection:
                connection.execute(text("UPDATE items SET stock = stock * 10 + :d WHERE id = 1"), {"d": digit})
        return call

    for _ in range(3):
        with db.begin() as connection:
            connection.execute(text("UPDATE items SET stock = 0 WHERE id = 1"))
        transactions.compete(db, append(1), append(2), append(3))
        assert stock(db) == 123


def test_opposite_transfers_collide_and_the_loser_is_retryable(db: sa.Engine) -> None:
    """PostgreSQL detects a deadlock; SQLite refuses the second writer at once."""
    outcomes = transactions.compete(db, lambda: transfer_reading_first(db, 1, 2, 100),
                                    lambda: transfer_reading_first(db, 2, 1, 50), pause_before_write=2)
    failed = [outcome for outcome in outcomes if outcome.raised]
    assert len(failed) == 1 and transactions.retryable(failed[0].error)
    with db.connect() as connection:
        assert connection.execute(text("SELECT sum(cents) FROM accounts")).scalar_one() == 3000
    expected = "deadlock detected" if backendlab.engine_kind(db) == "postgresql" else "database is locked"
    assert expected in str(failed[0].error)


def test_compete_records_errors_instead_of_raising(db: sa.Engine) -> None:
    def broken() -> None:
        raise ValueError("boom")

    outcomes = transactions.compete(db, broken, lambda: 7)
    assert outcomes[0].raised and isinstance(outcomes[0].error, ValueError)
    assert outcomes[1].value == 7 and "returned 7" in repr(outcomes[1])
    with pytest.raises(CourseError, match="no calls"):
        transactions.compete(db)


def test_a_held_row_makes_an_impatient_writer_give_up_with_a_retryable_error(db: sa.Engine) -> None:
    quick = transactions.impatient(db, seconds=0.1)
    log = transactions.ErrorLog(quick)
    try:
        with transactions.held(db, "accounts", 1):
            with pytest.raises(sa.exc.OperationalError) as raised, quick.begin() as connection:
                connection.execute(text("UPDATE accounts SET cents = cents + 1 WHERE id = 1"))
            assert transactions.retryable(raised.value)
            assert log.count == 1
        with quick.begin() as connection:  # released: the same update goes through
            connection.execute(text("UPDATE accounts SET cents = cents + 1 WHERE id = 1"))
    finally:
        log.close()
        quick.dispose()


def test_postgresql_holds_one_row_and_sqlite_the_whole_file(db: sa.Engine) -> None:
    quick = transactions.impatient(db, seconds=0.1)
    try:
        with transactions.held(db, "accounts", 1):
            try:
                with quick.begin() as connection:
                    connection.execute(text("UPDATE accounts SET cents = cents + 1 WHERE id = 2"))
                other_row_written = True
            except sa.exc.OperationalError:
                other_row_written = False
        assert other_row_written == (backendlab.engine_kind(db) == "postgresql")
    finally:
        quick.dispose()


def test_a_broken_constraint_is_not_retryable(db: sa.Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError) as raised, db.begin() as connection:
        connection.execute(text("UPDATE accounts SET cents = cents - 5000 WHERE id = 1"))
    assert not transactions.retryable(raised.value)
    assert not transactions.retryable(ValueError("not a database error"))


def test_error_log_waits_for_a_count_or_stops(db: sa.Engine) -> None:
    log = transactions.ErrorLog(db)
    try:
        stop = threading.Event()
        stop.set()
        assert log.wait_for(1, stop=stop) is False
        with pytest.raises(sa.exc.DBAPIError), db.connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table"))
        assert log.wait_for(1) is True
    finally:
        log.close()


def test_client_reports_a_call_that_never_ends() -> None:
    release = threading.Event()
    client = transactions.Client(lambda: release.wait(10))
    with pytest.raises(CourseError, match="still running"):
        client.outcome(timeout=0.05)
    release.set()
    assert client.outcome().value is True


def test_backoff_grows_and_is_jittered(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(transactions.time, "sleep", slept.append)
    pauses = [transactions.backoff(attempt) for attempt in (1, 2, 3)]
    assert pauses == slept
    for attempt, seconds in enumerate(pauses, start=1):
        base = transactions.BACKOFF_SECONDS * 2 ** (attempt - 1)
        assert 0.5 * base <= seconds <= 1.5 * base


@pytest.mark.parametrize(("statement", "write"), [
    ("UPDATE items SET stock = 1", True), ("  insert into t values (1)", True), ("DELETE FROM t", True),
    ("SELECT stock FROM items FOR UPDATE", False), ("BEGIN IMMEDIATE", False), ("", False)])
def test_what_counts_as_a_write(statement: str, write: bool) -> None:
    assert transactions.is_write(statement) is write
