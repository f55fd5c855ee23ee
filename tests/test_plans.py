"""backendlab.plans: plans read the same way on SQLite and PostgreSQL, the index catalog, and
the statement counter — against real databases, plus the plan wordings of other versions."""

import time

import pytest
import sqlalchemy as sa
from sqlalchemy import text

import backendlab
from backendlab import plans
from backendlab.errors import CourseError
from backendlab.plans import (AUTOMATIC_INDEX, FULL_SCAN, INDEX_SEARCH, INDEX_WALK, OTHER, SORT,
                              plan)

LOOKUP = "SELECT id, created_at FROM orders WHERE customer_id = :c"
LATEST = "SELECT id, created_at FROM orders WHERE customer_id = :c ORDER BY created_at DESC LIMIT 5"


def execute(engine: sa.Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


@pytest.fixture
def shop(sql_backend: str) -> sa.Engine:
    """A fresh small shop on the engine under test."""
    engine = backendlab.database("test-plans")
    yield engine
    engine.dispose()


# Plans on real databases --------------------------------------------------------------------


def test_a_lookup_without_an_index_is_a_full_scan(shop: sa.Engine) -> None:
    p = plan(shop, LOOKUP, {"c": 42})
    assert p.full_scans() == ["orders"]
    assert not p.uses_index() and not p.searches("orders")


def test_an_index_turns_the_scan_into_a_search(shop: sa.Engine) -> None:
    execute(shop, "CREATE INDEX idx_orders_customer ON orders (customer_id)")
    p = plan(shop, LOOKUP, {"c": 42}, prefer_indexes=True)
    assert p.full_scans() == []
    assert p.uses_index("idx_orders_customer") and p.uses_index("IDX_ORDERS_CUSTOMER")
    assert p.searches("orders") and p.searches(name="idx_orders_customer")
    assert not p.uses_index("some_other_index")


def test_a_primary_key_lookup_is_a_search_on_both_engines(shop: sa.Engine) -> None:
    p = plan(shop, "SELECT * FROM orders WHERE id = :id", {"id": 7})
    [step] = p.index_steps()
    assert step.kind == INDEX_SEARCH and step.primary_key and step.table == "orders"


def test_a_composite_index_removes_the_sort(shop: sa.Engine) -> None:
    assert plan(shop, LATEST, {"c": 42}).sorts()
    execute(shop, "CREATE INDEX idx_orders_customer ON orders (customer_id)")
    with_sort = plan(shop, LATEST, {"c": 42}, prefer_indexes=True)
    assert with_sort.searches(name="idx_orders_customer") and with_sort.sorts()
    execute(shop, "DROP INDEX idx_orders_customer",
            "CREATE INDEX idx_orders_customer_created ON orders (customer_id, created_at)")
    ordered = plan(shop, LATEST, {"c": 42}, prefer_indexes=True)
    assert ordered.searches(name="idx_orders_customer_created") and ordered.sorts() == []


def test_a_covering_index_answers_alone(shop: sa.Engine) -> None:
    query = "SELECT sum(total_cents) FROM orders WHERE customer_id = :c"
    execute(shop, "CREATE INDEX idx_orders_customer ON orders (customer_id)")
    assert not plan(shop, query, {"c": 42}, prefer_indexes=True).index_only()
    execute(shop, "CREATE INDEX idx_orders_customer_total ON orders (customer_id, total_cents)")
    covering = plan(shop, query, {"c": 42}, prefer_indexes=True)
    assert covering.index_only("idx_orders_customer_total")


def test_a_function_on_the_column_is_no_search(shop: sa.Engine) -> None:
    execute(shop, "CREATE INDEX idx_customers_email ON customers (email)")
    p = plan(shop, "SELECT id FROM customers WHERE lower(email) = :e", {"e": "x@example.com"},
             prefer_indexes=True)
    assert not p.searches("customers")


def test_aliases_are_resolved_to_tables(shop: sa.Engine) -> None:
    p = plan(shop, "SELECT c.email FROM customers AS c JOIN orders o ON o.customer_id = c.id "
                   "WHERE o.id = 5")
    assert {step.table for step in p.index_steps()} == {"customers", "orders"}


def test_a_comma_join_names_every_table(shop: sa.Engine) -> None:
    """``FROM orders o, order_items i``: both aliases resolved (only the first one was)."""
    p = plan(shop, "SELECT count(*) FROM orders o, order_items i WHERE i.order_id = o.id "
                   "AND i.quantity > 3")
    assert {step.table for step in p.steps if step.table} <= {"orders", "order_items"}
    assert set(p.full_scans()) <= {"orders", "order_items"} and p.full_scans()


def test_the_plan_sees_indexes_made_on_another_connection(shop: sa.Engine) -> None:
    """Python's sqlite3 caches statements, and a cached SQLite EXPLAIN keeps its old plan."""
    held = shop.connect().execution_options(isolation_level="AUTOCOMMIT")
    assert plan(shop, LOOKUP, {"c": 1}).full_scans() == ["orders"]
    held.exec_driver_sql("CREATE INDEX idx_orders_customer ON orders (customer_id)")
    assert plan(shop, LOOKUP, {"c": 1}, prefer_indexes=True).searches("orders")
    held.exec_driver_sql("DROP INDEX idx_orders_customer")
    assert plan(shop, LOOKUP, {"c": 1}).full_scans() == ["orders"]
    held.close()


def test_a_recorded_statement_can_be_planned(shop: sa.Engine) -> None:
    with plans.count_statements(shop) as log:
        with shop.connect() as connection:
            connection.execute(text(LOOKUP), {"c": 3}).fetchall()
    [statement] = log.queries()
    assert plan(shop, statement).full_scans() == ["orders"]


def test_the_printed_plan_is_a_tree_with_plain_words(shop: sa.Engine, sql_backend: str) -> None:
    printed = str(plan(shop, "SELECT id FROM customers WHERE country = 'JP' ORDER BY email"))
    engine_name = "SQLite 3." if sql_backend == "sqlite" else "PostgreSQL 1"
    assert printed.startswith(f"Query plan ({engine_name}")
    assert "└── " in printed
    assert "← reads every row of customers" in printed
    assert "← sorts rows" in printed
    execute(shop, "CREATE INDEX idx_orders_customer ON orders (customer_id)")
    printed = str(plan(shop, LOOKUP, {"c": 4}, prefer_indexes=True))
    assert "← finds rows of orders through idx_orders_customer" in printed


def test_analyze_adds_actual_rows_on_postgresql_only(shop: sa.Engine, sql_backend: str) -> None:
    printed = str(plan(shop, LOOKUP, {"c": 42}, analyze=True))
    if sql_backend == "postgresql":
        assert "estimated rows" in printed and "actual rows" in printed and "buffers hit" in printed
    else:
        assert "SQLite's plans show no row counts or timings" in printed


def test_analyze_leaves_no_trace(shop: sa.Engine) -> None:
    plan(shop, "UPDATE orders SET status = 'lost' WHERE id = 1", analyze=True)
    with shop.connect() as connection:
        assert connection.exec_driver_sql("SELECT status FROM orders WHERE id = 1").scalar() != "lost"


def test_a_query_that_cannot_be_planned_is_explained(shop: sa.Engine) -> None:
    with pytest.raises(CourseError, match="could not plan this query") as raised:
        plan(shop, "SELECT nothing FROM nowhere")
    assert "run the query on its own first" in str(raised.value)


# Plan wordings of other versions (no database needed) -------------------------------------

TABLES = {"orders", "customers"}


@pytest.mark.parametrize(("detail", "kind", "table", "index", "covering"), [
    ("SCAN orders", FULL_SCAN, "orders", None, False),                       # SQLite >= 3.36
    ("SCAN TABLE orders", FULL_SCAN, "orders", None, False),                 # SQLite < 3.36
    ("SCAN TABLE orders AS o", FULL_SCAN, "orders", None, False),
    ("SCAN o", FULL_SCAN, "orders", None, False),                            # alias only
    ("SCAN orders (~1000000 rows)", FULL_SCAN, "orders", None, False),       # SQLite 3.7
    ("SEARCH orders USING INDEX idx_c (customer_id=?)", INDEX_SEARCH, "orders", "idx_c", False),
    ("SEARCH TABLE orders USING INDEX idx_c (customer_id=?)", INDEX_SEARCH, "orders", "idx_c", False),
    ("SEARCH orders USING COVERING INDEX idx_c (customer_id=? AND created_at>?)", INDEX_SEARCH,
     "orders", "idx_c", True),
    ("SEARCH orders USING INTEGER PRIMARY KEY (rowid=?)", INDEX_SEARCH, "orders", None, False),
    ("SEARCH TABLE orders USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)", INDEX_SEARCH, "orders",
     None, False),
    ("SCAN orders USING INDEX idx_created", INDEX_WALK, "orders", "idx_created", False),
    ('SEARCH orders USING INDEX "by customer" (customer_id=?)', INDEX_SEARCH, "orders",
     "by customer", False),                                                  # a name with spaces
    ("SEARCH customers USING INDEX customers (country, created_at) (country=?)", INDEX_SEARCH,
     "customers", "customers (country, created_at)", False),                 # ...and parentheses
    ("SCAN customers USING INDEX customers (country)", INDEX_WALK, "customers",
     "customers (country)", False),
    ("SEARCH customers USING INDEX by_lower (<expr>=?)", INDEX_SEARCH, "customers", "by_lower",
     False),
    ("SCAN TABLE orders USING COVERING INDEX idx_created", INDEX_WALK, "orders", "idx_created", True),
    ("SEARCH o USING AUTOMATIC COVERING INDEX (customer_id=?)", AUTOMATIC_INDEX, "orders", None,
     False),
    ("USE TEMP B-TREE FOR ORDER BY", SORT, None, None, False),
    ("USE TEMP B-TREE FOR GROUP BY", SORT, None, None, False),
    ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY", SORT, None, None, False),
    ("SCAN CONSTANT ROW", OTHER, None, None, False),
    ("SCAN (subquery-1)", OTHER, None, None, False),
    ("SCAN recent", OTHER, None, None, False),                               # a CTE
    ("CO-ROUTINE recent", OTHER, None, None, False),
])
def test_sqlite_wordings(detail: str, kind: str, table: str | None, index: str | None,
                         covering: bool) -> None:
    step = plans.sqlite_step(detail, TABLES, {"o": "orders", "c": "customers"})
    assert (step.kind, step.table, step.index, step.covering) == (kind, table, index, covering)


def test_a_search_says_what_it_searches_by() -> None:
    step = plans.sqlite_step("SEARCH customers USING INDEX customers (country) (country=? AND "
                             "created_at>?)", TABLES, {})
    assert step.search == "country=? AND created_at>?"
    assert plans.sqlite_step("SCAN orders USING INDEX idx_created", TABLES, {}).search == ""
    node = {"Node Type": "Index Scan", "Relation Name": "orders", "Index Name": "idx",
            "Index Cond": "((status = 'pending'::text) AND (created_at >= '2025'::text))"}
    assert "status" in plans.postgres_step(node, set()).search


def test_sqlite_rows_become_a_tree() -> None:
    rows = [(2, 0, 0, "SCAN c"), (5, 0, 0, "SEARCH o USING INDEX idx (customer_id=?)"),
            (9, 5, 0, "CORRELATED SCALAR SUBQUERY 1"), (12, 9, 0, "SCAN orders"),
            (20, 0, 0, "USE TEMP B-TREE FOR ORDER BY")]
    p = plans.Plan("sqlite", "3.45.1", "…", plans.sqlite_steps(rows, TABLES, {"o": "orders", "c": "customers"}))
    assert [step.label for step in p.steps] == ["SCAN c", "SEARCH o USING INDEX idx (customer_id=?)",
                                                "USE TEMP B-TREE FOR ORDER BY"]
    assert p.steps[1].children[0].children[0].kind == FULL_SCAN
    assert p.full_scans() == ["customers", "orders"]
    assert len(p.sorts()) == 1


def test_postgresql_nodes_of_newer_versions() -> None:
    """A PostgreSQL 16/17-style plan: parallel, bitmap, memoize, incremental sort."""
    document = [{"Plan": {
        "Node Type": "Incremental Sort", "Sort Key": ["o.customer_id", "o.created_at"],
        "Presorted Key": ["o.customer_id"], "Plan Rows": 10, "Plans": [{
            "Node Type": "Nested Loop", "Join Type": "Left", "Plan Rows": 10, "Plans": [
                {"Node Type": "Seq Scan", "Parallel Aware": True, "Relation Name": "customers",
                 "Alias": "c", "Plan Rows": 3, "Filter": "(country = 'JP'::text)"},
                {"Node Type": "Memoize", "Plans": [{
                    "Node Type": "Bitmap Heap Scan", "Relation Name": "orders", "Alias": "o",
                    "Recheck Cond": "(customer_id = c.id)", "Plans": [{
                        "Node Type": "Bitmap Index Scan", "Index Name": "idx_orders_customer",
                        "Index Cond": "(customer_id = c.id)"}]}]},
                {"Node Type": "Index Only Scan", "Index Name": "orders_pkey", "Relation Name": "orders",
                 "Alias": "orders", "Scan Direction": "Backward", "Actual Rows": 2, "Actual Loops": 3,
                 "Actual Total Time": 0.01, "Shared Hit Blocks": 4, "Shared Read Blocks": 1},
            ]}]}}]
    p = plans.Plan("postgresql", "17.2", "…", plans.postgres_steps(document, {"orders_pkey"}))
    assert p.full_scans() == ["customers"]
    assert p.searches("orders", "idx_orders_customer")      # table taken from the heap scan above
    walk = p.index_steps("orders_pkey")[0]
    assert walk.kind == INDEX_WALK and walk.covering and walk.primary_key
    assert [step.kind for step in p.sorts()] == [SORT]
    printed = str(p)
    assert "Parallel Seq Scan on customers c" in printed
    assert "Nested Loop Left Join" in printed
    assert "Index Only Scan Backward using orders_pkey on orders" in printed
    assert "actual rows 6" in printed and "buffers hit 4 read 1" in printed
    assert "Sort Key: o.customer_id, o.created_at" in printed


# The index catalog ------------------------------------------------------------------------


def test_the_catalog_describes_indexes_alike_on_both_engines(shop: sa.Engine) -> None:
    execute(shop,
            "CREATE INDEX idx_recent ON orders (customer_id, created_at DESC)",
            'CREATE INDEX idx_lower ON customers (LOWER( "email" ))',
            "CREATE UNIQUE INDEX idx_pending ON orders (id) WHERE status = 'pending'")
    found = {index.name: index for index in plans.indexes(shop)}
    assert found["idx_recent"].columns == ("customer_id", "created_at")
    assert found["idx_recent"].starts_with("customer_id") and found["idx_recent"].starts_with(
        "CUSTOMER_ID", "created_at")
    assert not found["idx_recent"].starts_with("created_at")
    assert found["idx_lower"].columns == ("lower(email)",) and found["idx_lower"].table == "customers"
    assert found["idx_pending"].unique and found["idx_pending"].where.startswith("status = 'pending'")
    assert [index.name for index in plans.indexes(shop, "customers") if not index.primary_key] == ["idx_lower"]
    assert str(found["idx_recent"]) == "idx_recent ON orders (customer_id, created_at)"


def test_pages_of_tables_and_indexes(shop: sa.Engine) -> None:
    execute(shop, "CREATE INDEX idx_orders_customer ON orders (customer_id)")
    assert plans.page_size(shop) in (4096, 8192)
    assert 0 < plans.pages(shop, "idx_orders_customer") < plans.pages(shop, "orders")


def test_a_partial_index_holds_fewer_entries_than_a_full_one(shop: sa.Engine) -> None:
    execute(shop, "CREATE INDEX idx_orders_status ON orders (status, customer_id)",
            "CREATE INDEX idx_orders_refunded ON orders (customer_id) WHERE status = 'refunded'")
    with shop.connect() as connection:
        total = connection.exec_driver_sql("SELECT count(*) FROM orders").scalar_one()
        refunded = connection.exec_driver_sql(
            "SELECT count(*) FROM orders WHERE status = 'refunded'").scalar_one()
    assert 0 < refunded < total
    assert plans.entries(shop, "idx_orders_status") == total
    assert plans.entries(shop, "idx_orders_refunded") == refunded
    with pytest.raises(CourseError, match="no index called 'idx_missing'"):
        plans.entries(shop, "idx_missing")


def test_statistics_appear_after_analyze(shop: sa.Engine, sql_backend: str) -> None:
    options = " WITH (autovacuum_enabled = false)" if sql_backend == "postgresql" else ""
    execute(shop, f"CREATE TABLE fresh (id INTEGER PRIMARY KEY, kind TEXT){options}",
            "INSERT INTO fresh (id, kind) SELECT id, status FROM orders",
            "CREATE INDEX idx_fresh_kind ON fresh (kind)")
    assert not plans.has_statistics(shop, "fresh")
    execute(shop, "ANALYZE")
    assert plans.has_statistics(shop, "fresh")


# Counting statements ----------------------------------------------------------------------


def test_statements_and_commits_are_counted(shop: sa.Engine) -> None:
    insert = text("INSERT INTO customers (id, email, name, country, created_at) "
                  "VALUES (:id, :email, 'X', 'NZ', '2026-01-01 00:00:00')")
    with plans.count_statements(shop) as log:
        with shop.connect() as connection:
            for customer_id in (1, 2, 3):
                connection.execute(text("SELECT count(*) FROM orders WHERE customer_id = :c"),
                                   {"c": customer_id})
        with shop.begin() as connection:
            connection.execute(insert, [{"id": 10**6 + n, "email": f"n{n}@x.org"} for n in range(50)])
    assert log.count == len(log) == 4
    assert len(log.queries()) == 3
    assert log.statements[-1].many and not log.statements[0].many
    assert log.commits == 1
    assert str(log).startswith("4 statements, 1 commit\n  1. SELECT count(*) FROM orders")
    with shop.connect() as connection:  # outside the block: no longer counted
        connection.exec_driver_sql("SELECT 1")
    assert log.count == 4


def test_a_long_log_prints_its_ends(shop: sa.Engine) -> None:
    with plans.count_statements(shop) as log:
        with shop.connect() as connection:
            for number in range(10):
                connection.exec_driver_sql(f"SELECT {number}")
    printed = str(log).splitlines()
    assert printed[0] == "10 statements, 0 commits"
    assert printed[4] == "   … 5 more …" and printed[-1] == "  10. SELECT 9"


def test_network_delay_waits_before_every_statement(shop: sa.Engine) -> None:
    with shop.connect() as connection:
        connection.exec_driver_sql("SELECT 1")  # connect before timing
        with plans.network_delay(shop, 0.01):
            started = time.perf_counter()
            for _ in range(5):
                connection.exec_driver_sql("SELECT 1")
            delayed = time.perf_counter() - started
        started = time.perf_counter()
        connection.exec_driver_sql("SELECT 1")
        after = time.perf_counter() - started
    assert delayed >= 0.05 and after < 0.01


# Checks for test cells (learner-facing messages) ------------------------------------------


def test_run_answer_leaves_a_percent_sign_alone(shop: sa.Engine) -> None:
    """A % in an answer is SQL (LIKE 'pend%', a comment's "100%"), never a driver placeholder."""
    plans.run_answer(shop, "-- serves 100% of the page\nCREATE INDEX pct ON orders (status) "
                           "WHERE status LIKE 'pend%'", "my_index")
    assert "pct" in [index.name for index in plans.indexes(shop, "orders")]


def test_run_answer_explains_a_failing_statement(shop: sa.Engine) -> None:
    with pytest.raises(AssertionError, match=r"^Running `my_index` failed: .*\nHint: run the statement"):
        plans.run_answer(shop, "CREATE INDEX oops ON nowhere (x)", "my_index")
    with pytest.raises(AssertionError, match="`my_index` should be a SQL statement in a string, but it is a int"):
        plans.run_answer(shop, 42, "my_index")


def test_check_index_names_what_is_there(shop: sa.Engine) -> None:
    execute(shop, "CREATE INDEX idx_orders_created ON orders (created_at)")
    with pytest.raises(AssertionError) as raised:
        plans.check_index(shop, "orders", ("customer_id", "created_at"), hint="equality first.")
    message = str(raised.value)
    assert message.startswith("Not yet: an index on orders whose key columns start with "
                              "(customer_id, created_at). Indexes on orders now:\n")
    assert "  idx_orders_created ON orders (created_at)" in message
    assert message.endswith("\nHint: equality first.")
    execute(shop, "CREATE INDEX idx_recent ON orders (customer_id, created_at, total_cents)")
    assert plans.check_index(shop, "orders", ("customer_id", "created_at")).name == "idx_recent"


def test_check_plan_shows_the_plan_it_rejects(shop: sa.Engine) -> None:
    p = plan(shop, LATEST, {"c": 42})
    with pytest.raises(AssertionError) as raised:
        plans.check_plan(p, what="the latest orders", index="idx_recent", search=True, sort=False,
                         full_scan=False, hint="an index on (customer_id, created_at).")
    message = str(raised.value)
    assert message.startswith("The plan of the latest orders is not right yet: it should search "
                              "the index idx_recent; it reads every row of orders; it sorts the rows "
                              "(the index should deliver them in order).\nQuery plan (")
    assert message.endswith("\nHint: an index on (customer_id, created_at).")
    plans.check_plan(p, what="the latest orders", full_scan=True, sort=True, index_only=False)


def test_sqlite_reads_index_text_with_comments_and_left_joins(tmp_path):
    """A CREATE INDEX with SQL comments or a quoted table is read (it crashed the index list),
    and the right side of a LEFT JOIN read whole counts as a full scan (SQLite 3.40 appends
    LEFT-JOIN to that step)."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.begin() as db:
        db.execute(sa.text("CREATE TABLE a (id INTEGER PRIMARY KEY, k INTEGER)"))
        db.execute(sa.text("CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER)"))
        db.execute(sa.text("CREATE INDEX a_k ON a -- the key\n (k)"))
        db.execute(sa.text("CREATE INDEX b_a ON `b` /* why */ (a_id)"))
    assert {(i.name, i.columns) for i in plans.indexes(engine)} >= {("a_k", ("k",)), ("b_a", ("a_id",))}
    with engine.begin() as db:
        db.execute(sa.text("DROP INDEX b_a"))
    scanned = plans.plan(engine, "SELECT a.id, b.id FROM a LEFT JOIN b ON b.a_id = a.id WHERE a.k = 1")
    assert scanned.full_scans() == ["b"]


def test_generic_plan_keeps_what_a_custom_plan_simplifies_away(shop: sa.Engine) -> None:
    """generic=True: PostgreSQL's plan made without the values cannot drop ``CAST(:p AS TEXT) IS
    NULL`` (2.10 ex13's smart logic); on SQLite the plan is the same either way."""
    with shop.begin() as connection:
        connection.exec_driver_sql("CREATE INDEX IF NOT EXISTS idx_t_customers_email ON customers (email)")
    sql = "SELECT id FROM customers WHERE (CAST(:e AS TEXT) IS NULL OR email = :e)"
    params = {"e": "nobody@example.com"}
    assert not plan(shop, sql, params, prefer_indexes=True, generic=True).searches("customers")
    assert plan(shop, "SELECT id FROM customers WHERE email = :e", params, prefer_indexes=True,
                generic=True).searches("customers")
