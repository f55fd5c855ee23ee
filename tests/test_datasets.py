"""The shop dataset: deterministic, realistic enough, built once, the same on both engines."""

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from pathlib import Path

import numpy as np
import psycopg
import pytest
import sqlalchemy as sa

from backendlab import datasets
from backendlab.errors import CourseError


@pytest.fixture(scope="module")
def small() -> dict[str, dict[str, np.ndarray]]:
    """The small dataset, generated once for the tests that only read it."""
    return datasets.generate("small")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private data folder, so each test builds its own SQLite file."""
    monkeypatch.setenv("BACKENDLAB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BACKENDLAB_SCALE", "small")
    return tmp_path


def query(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


# --- generation ---------------------------------------------------------------------------


def test_generation_is_deterministic(small):
    again = datasets.generate("small")
    assert list(again) == list(small) == list(datasets.TABLES)
    for table, columns in small.items():
        assert list(columns) == [name for name, _ in datasets.COLUMNS[table]]
        for name, values in columns.items():
            np.testing.assert_array_equal(again[table][name], values, err_msg=f"{table}.{name}")


def test_row_counts_match_the_generated_rows(small):
    counts = datasets.row_counts("small")
    assert set(counts) == set(datasets.TABLES)
    assert counts["customers"] == 2_000 and counts["products"] == 200 and counts["orders"] == 20_000
    for table, columns in small.items():
        assert {len(values) for values in columns.values()} == {counts[table]}, table


def test_emails_are_unique_even_ignoring_case(small):
    email = small["customers"]["email"]
    lowered = np.strings.lower(email)
    assert len(np.unique(lowered)) == len(email)
    mixed_case = np.mean(email != lowered)
    assert 0.01 < mixed_case < 0.06  # about 3 %, for the lower(email) lesson
    assert all(np.strings.count(email, "@") == 1)


def test_a_few_heavy_customers_own_many_orders(small):
    per_customer = np.bincount(small["orders"]["customer_id"])
    top_ten_share = np.sort(per_customer)[-10:].sum() / per_customer.sum()
    average_share_of_ten = 10 / datasets.SCALES["small"].customers
    assert top_ten_share > 8 * average_share_of_ten
    assert 0.04 < top_ten_share < 0.12


def test_order_totals_are_the_sum_of_their_items(small):
    items, orders = small["order_items"], small["orders"]
    line_totals = items["quantity"] * items["unit_price_cents"]
    totals = np.bincount(items["order_id"], weights=line_totals)[1:]
    np.testing.assert_array_equal(totals.astype(np.int64), orders["total_cents"])
    items_per_order = np.bincount(items["order_id"])[1:]
    assert items_per_order.min() == 1 and items_per_order.max() <= 5
    assert 1.8 < items_per_order.mean() < 2.3


def test_dates_statuses_and_references_are_plausible(small):
    orders, customers = small["orders"], small["customers"]
    created = orders["created_at"]
    assert created[0] >= "2024-01-01 00:00:00" and created[-1] <= "2025-12-31 23:59:59"
    assert np.all(created[:-1] <= created[1:])  # ids follow time, like an auto-increment
    assert np.mean(created >= "2025-01-01") > 0.55  # the shop grows
    assert np.mean(orders["status"] == "delivered") == pytest.approx(0.80, abs=0.03)
    assert set(orders["status"]) == set(datasets.STATUSES)
    # Nobody orders before signing up.
    signed_up = customers["created_at"][orders["customer_id"] - 1]
    assert np.all(signed_up <= created)
    assert orders["customer_id"].max() <= len(customers["id"])
    assert small["order_items"]["product_id"].max() <= len(small["products"]["id"])


# --- scale selection ----------------------------------------------------------------------


def test_the_default_scale_is_full_unless_the_environment_says_otherwise(monkeypatch):
    monkeypatch.delenv("BACKENDLAB_SCALE", raising=False)
    assert datasets.default_scale() == "full"
    monkeypatch.setenv("BACKENDLAB_SCALE", "small")
    assert datasets.default_scale() == "small"


def test_an_unknown_scale_names_the_valid_ones(monkeypatch):
    monkeypatch.setenv("BACKENDLAB_SCALE", "huge")
    with pytest.raises(CourseError) as raised:
        datasets.default_scale()
    assert "huge" in str(raised.value)
    assert "small" in raised.value.how_to_fix and "full" in raised.value.how_to_fix
    with pytest.raises(CourseError, match="small, full"):
        datasets.shop_sqlite("medium")


# --- SQLite -------------------------------------------------------------------------------


def test_the_sqlite_file_holds_the_generated_rows(data_dir, small, capfd):
    path = datasets.shop_sqlite()
    out, err = capfd.readouterr()
    assert err == ""  # nbgrader scores a cell 0 when anything reaches stderr
    assert "Built the small shop dataset (20,000 orders)" in out
    assert path == data_dir / "datasets" / f"shop-small-v{datasets.VERSION}.sqlite"
    for table, count in datasets.row_counts("small").items():
        assert query(path, f"SELECT count(*) FROM {table}") == [(count,)]
    assert query(path, "SELECT sum(total_cents), sum(customer_id) FROM orders") == [
        (int(small["orders"]["total_cents"].sum()), int(small["orders"]["customer_id"].sum()))
    ]
    assert query(path, "SELECT created_at, typeof(created_at) FROM orders WHERE id = 1") == [
        (small["orders"]["created_at"][0], "text")
    ]
    info = dict(query(path, "SELECT key, value FROM dataset_info"))
    assert info["version"] == str(datasets.VERSION) and info["scale"] == "small"
    assert query(path, "PRAGMA journal_mode") == [("delete",)]
    # Lessons create the indexes (and run ANALYZE) themselves.
    assert query(path, "SELECT name FROM sqlite_master WHERE type = 'index'") == [
        ("sqlite_autoindex_dataset_info_1",)
    ]
    assert query(path, "SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'") == []
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_a_cached_file_is_not_rebuilt(data_dir, capfd):
    path = datasets.shop_sqlite("small")
    before = path.stat()
    capfd.readouterr()
    started = time.perf_counter()
    assert datasets.shop_sqlite("small") == path
    assert time.perf_counter() - started < 0.5
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert capfd.readouterr() == ("", "")


def test_an_incomplete_file_is_rebuilt(data_dir, capfd):
    path = datasets.sqlite_path("small")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * 2500)  # not a database at all
    assert datasets.shop_sqlite() == path
    assert query(path, "SELECT count(*) FROM orders") == [(20_000,)]
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DELETE FROM dataset_info WHERE key = 'rows.order_items'")  # interrupted build
    capfd.readouterr()
    datasets.shop_sqlite()
    assert "Built the small shop dataset" in capfd.readouterr().out
    expected = datasets.row_counts("small")["dataset_info"]
    assert query(path, "SELECT count(*) FROM dataset_info") == [(expected,)]


def test_two_processes_starting_together_build_once(data_dir):
    script = "from backendlab import datasets; print(datasets.shop_sqlite('small'))"
    env = {**os.environ, "BACKENDLAB_DATA_DIR": str(data_dir)}
    processes = [
        subprocess.Popen([sys.executable, "-c", script], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    assert [err for _, err in outputs] == ["", ""]
    assert sum(out.count("Built the small shop dataset") for out, _ in outputs) == 1
    printed = {out.strip().splitlines()[-1] for out, _ in outputs}
    assert printed == {str(datasets.sqlite_path("small"))}


# --- PostgreSQL ---------------------------------------------------------------------------

# Aggregates that must agree between the engines. No min/max over text: PostgreSQL may sort
# text with a different collation than SQLite does.
COMPARED = (
    "SELECT count(*), sum(total_cents), sum(customer_id), min(created_at), max(created_at)"
    " FROM orders",
    "SELECT count(*), sum(quantity), sum(unit_price_cents), sum(product_id) FROM order_items",
    "SELECT count(*), count(DISTINCT lower(email)), sum(length(email)), sum(length(name)),"
    " min(created_at) FROM customers",
    "SELECT count(*), sum(price_cents), sum(length(name)) FROM products",
    "SELECT count(*) FROM orders WHERE status = 'pending'",
    "SELECT count(*) FROM customers WHERE email <> lower(email)",
)


def as_text(rows: list[tuple]) -> list[tuple[str, ...]]:
    """Rows with every value as text: PostgreSQL returns datetimes where SQLite returns text."""
    return [tuple(str(value) for value in row) for row in rows]


@pytest.mark.postgres
def test_postgres_gets_the_same_rows_as_sqlite(postgres_url, data_dir, capfd):
    server = sa.make_url(postgres_url).set(drivername="postgresql")
    admin_url = server.render_as_string(hide_password=False)
    name = f"test_shop_{uuid.uuid4().hex[:12]}"
    database_url = server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(database_url) as conn:
            datasets.load_shop_postgres(conn, "small")
            assert capfd.readouterr().err == ""
            postgres = [as_text(conn.execute(sql).fetchall()) for sql in COMPARED]
            info = dict(conn.execute("SELECT key, value FROM dataset_info").fetchall())
            keys = conn.execute(
                "SELECT count(*) FROM information_schema.table_constraints WHERE"
                " table_schema = 'public' AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')"
            ).fetchone()
            # Statistics right after the load, long before autovacuum would gather them.
            analyzed = {table for (table,) in conn.execute(
                "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = 'public'").fetchall()}
        path = datasets.shop_sqlite("small")
        assert postgres == [as_text(query(path, sql)) for sql in COMPARED]
        assert info == dict(query(path, "SELECT key, value FROM dataset_info"))
        assert keys == (len(datasets.PRIMARY_KEYS) + len(datasets.FOREIGN_KEYS),)
        assert {"customers", "products", "orders", "order_items"} <= analyzed
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
