"""Working copies of the shop database, on SQLite and on PostgreSQL."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

import backendlab
from backendlab import datasets, sql
from backendlab.services import postgres_server
from backendlab.__main__ import main
from backendlab.errors import CourseError
from backendlab.paths import data_dir


def order_count(engine: sa.Engine, where: str = "true") -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT count(*) FROM orders WHERE {where}").scalar_one()


def test_a_working_copy_holds_the_shop_data(sql_backend: str) -> None:
    shop = backendlab.database("test-copy")
    assert backendlab.engine_kind(shop) == sql_backend
    assert order_count(shop) == datasets.row_counts("small")["orders"]


def test_running_the_setup_again_starts_from_a_clean_copy(sql_backend: str) -> None:
    """Re-running a notebook must not see yesterday's index or deleted rows."""
    shop = backendlab.database("test-rerun")
    with shop.begin() as connection:
        connection.exec_driver_sql("CREATE INDEX idx_orders_customer ON orders (customer_id)")
        connection.exec_driver_sql("UPDATE orders SET status = 'lost'")
    shop.dispose()
    again = backendlab.database("test-rerun")
    assert order_count(again, "status = 'lost'") == 0
    indexes = sa.inspect(again).get_indexes("orders")
    assert [index["name"] for index in indexes] == []


def test_notebooks_do_not_share_a_copy(sql_backend: str) -> None:
    first = backendlab.database("test-first")
    second = backendlab.database("test-second")
    with first.begin() as connection:
        connection.exec_driver_sql("UPDATE orders SET status = 'lost'")
    assert order_count(first, "status = 'lost'") == datasets.row_counts("small")["orders"]
    assert order_count(second, "status = 'lost'") == 0


def test_a_raw_explain_sees_an_index_another_connection_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's sqlite3 reuses a prepared EXPLAIN, and an EXPLAIN never re-reads the schema:
    a pooled connection must not report the plan from before another connection's index."""
    monkeypatch.delenv("BACKENDLAB_DATABASE_URL", raising=False)  # SQLite's own problem
    shop = backendlab.database("test-raw-explain")
    held = shop.connect().execution_options(isolation_level="AUTOCOMMIT")  # as a notebook's `db`
    explain = sa.text("EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer_id = 1000")

    def details() -> list[str]:
        with shop.connect() as connection:
            return [row[3] for row in connection.execute(explain)]

    assert details() == ["SCAN orders"]
    held.exec_driver_sql("CREATE INDEX idx_orders_customer ON orders (customer_id)")
    assert "idx_orders_customer" in details()[0]
    held.exec_driver_sql("DROP INDEX idx_orders_customer")
    assert details() == ["SCAN orders"]
    held.close()


def test_an_empty_database_on_request(sql_backend: str) -> None:
    empty = backendlab.database("test-empty", dataset=None)
    assert sa.inspect(empty).get_table_names() == []


def test_grading_kernels_get_copies_of_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    shop = backendlab.database("test-graded")
    assert Path(shop.url.database).stem == f"test_graded-g{os.getpid()}"


def test_a_grading_kernels_sqlite_copy_commits_without_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its copy is deleted when the kernel exits: waiting for the disk on every commit would
    only slow down grading a class. A learner's copy keeps SQLite's default (lessons time it)."""
    def synchronous(engine: sa.Engine) -> int:
        with engine.connect() as connection:
            return connection.exec_driver_sql("PRAGMA synchronous").scalar_one()

    assert synchronous(backendlab.database("test-fsync")) == 2  # FULL
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert synchronous(backendlab.database("test-fsync")) == 0  # OFF


def test_a_sqlite_notebook_does_not_import_psycopg() -> None:
    """0.2 s of CPU per notebook, which a graded class pays once per notebook and student."""
    code = "import sys, backendlab; backendlab.database; print('psycopg' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_describe_names_engine_copy_and_size(sql_backend: str) -> None:
    text = backendlab.describe(backendlab.database("test-describe"))
    assert text.startswith("SQLite 3." if sql_backend == "sqlite" else "PostgreSQL 1")
    assert "working copy test_describe (20,000 orders)" in text


def test_unknown_dataset_is_explained() -> None:
    with pytest.raises(CourseError, match="no dataset called 'shoes'"):
        backendlab.database("x", dataset="shoes")


def test_a_non_postgresql_url_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKENDLAB_DATABASE_URL", "mysql://localhost/shop")
    with pytest.raises(CourseError, match="is not a PostgreSQL URL"):
        backendlab.database("x")


def test_an_unreachable_postgresql_is_explained(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("BACKENDLAB_DATABASE_URL", f"postgresql://nobody@/postgres?host={tmp_path}")
    with pytest.raises(CourseError) as raised:
        backendlab.database("x")
    assert "Could not connect to PostgreSQL" in str(raised.value)
    assert "unset BACKENDLAB_DATABASE_URL" in str(raised.value)


@pytest.mark.postgres
def test_a_postgresql_working_copy_has_planner_statistics(postgres_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Made from the template, a working copy plans with statistics at once (not on the default
    estimates until autovacuum comes by): CREATE DATABASE … TEMPLATE copies pg_statistic."""
    monkeypatch.setenv("BACKENDLAB_DATABASE_URL", postgres_url)
    engine = backendlab.database("statistics-copied")
    try:
        with engine.connect() as connection:
            analyzed = set(connection.exec_driver_sql(
                "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = 'public'").scalars())
        assert {"customers", "orders", "order_items"} <= analyzed
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_a_template_loaded_without_statistics_is_analyzed_once(postgres_url: str) -> None:
    """Templates loaded before the loader ran ANALYZE get their statistics when next used."""
    server = sa.make_url(postgres_url).set(drivername="postgresql")
    name = f"test_template_{os.getpid()}"
    libpq = server.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with psycopg.connect(libpq) as conn:  # an old template: complete, never analyzed
                conn.execute("CREATE TABLE dataset_info (key TEXT, value TEXT)")
                conn.execute("INSERT INTO dataset_info VALUES ('complete', 'yes')")
                conn.execute("CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 5000) g")
                conn.commit()
                assert conn.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'orders'"
                                    ).fetchone() == (0,)
            assert sql._template_ready(admin, server, name)
            with psycopg.connect(libpq) as conn:
                assert conn.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'orders'"
                                    ).fetchone() != (0,)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_private_postgresql_is_reused(postgres_url: str) -> None:
    assert postgres_server.is_running()
    assert postgres_server.ensure_running() == postgres_url


def test_data_clean_deletes_working_copies_and_keeps_the_dataset(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("BACKENDLAB_DATABASE_URL", raising=False)
    engine = backendlab.database("clean-me")
    engine.dispose()
    del engine  # nobody uses the copy any more
    gc.collect()
    copy = data_dir() / "workspaces" / "clean_me.sqlite"
    assert copy.exists()

    assert main(["data", "clean"]) == 0

    assert "Deleted " in capsys.readouterr().out
    assert not copy.exists()
    assert datasets.shop_sqlite("small").exists()
    with backendlab.database("clean-me").connect() as connection:  # made again on demand
        assert connection.execute(sa.text("SELECT count(*) FROM customers")).scalar_one() > 0


def test_data_clean_keeps_copies_a_running_kernel_uses(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture) -> None:
    """A kernel in another process and an engine alive here both keep their copies; what was
    kept is said; once their users are gone, the next clean deletes them."""
    monkeypatch.delenv("BACKENDLAB_DATABASE_URL", raising=False)
    kernel = subprocess.Popen(
        [sys.executable, "-c", "import sys, backendlab\n"
         "shop = backendlab.database('used-by-a-kernel')\nprint('ready', flush=True)\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert kernel.stdout.readline().strip() == "ready"
        here = backendlab.database("used-here")
        backendlab.database("unused").dispose()
        gc.collect()
        folder = data_dir() / "workspaces"

        assert main(["data", "clean"]) == 0

        out = capsys.readouterr().out
        assert (folder / "used_by_a_kernel.sqlite").exists() and (folder / "used_here.sqlite").exists()
        assert not (folder / "unused.sqlite").exists()
        assert "in use by a running kernel or grading run" in out
        assert "used_by_a_kernel" in out and "used_here" in out
        assert order_count(here) > 0  # the kept copy still works
    finally:
        kernel.communicate("")
    here.dispose()
    del here
    gc.collect()

    assert main(["data", "clean"]) == 0

    assert "Kept" not in capsys.readouterr().out
    assert list(folder.glob("*.sqlite")) == []
