"""Catalogue of 02-sql-tuning/03-composite-indexes.ipynb: see tests/catalogue/__init__.py.

Each answer is one string holding one statement, so every entry is written out whole: a
mistake or an alternative is added as one more line in its dict.
"""

from tests.catalogue import Exercise


def one_index(statement: str) -> str:
    """An answer to exercise 3."""
    return f"one_index = {statement!r}\n"


def dashboard_index(statement: str) -> str:
    """An answer to exercise 4."""
    return f"dashboard_index = {statement!r}\n"


EXERCISES = {
    "ex3-answer": Exercise(
        # An index only for the country the visible test plans, Germany. (With "WHERE country =
        # 'DE'" alone PostgreSQL drops the condition its predicate already implies and walks the
        # index, failing the visible test too; SQLite proves no range such as "country < 'E'"
        # from "country = ?". An OR of equalities is used by both.)
        hardcoded=one_index("CREATE INDEX idx_country ON customers (country, created_at) "
                            "WHERE country = 'DE' OR country = 'FR'"),
        mistakes={
            # the range/sort column first: no query gives created_at alone, none can search it
            # (PostgreSQL's plans still show "Index Cond: country = ...": the catalog tells)
            "columns_reversed": one_index("CREATE INDEX idx_country ON customers (created_at, country)"),
            # finds the country's customers, but the newest ones still have to be sorted
            "country_only": one_index("CREATE INDEX idx_country ON customers (country)"),
            # a column between the equality and the ORDER BY column breaks the sign-up order
            "name_in_between": one_index("CREATE INDEX idx_country ON customers (country, name, created_at)"),
            # the email is not what the page sorts by
            "email_second": one_index("CREATE INDEX idx_country ON customers (country, email)"),
            # one index per query instead of one for all three (SQLite refuses the second
            # statement; PostgreSQL makes both)
            "two_indexes": one_index("CREATE INDEX idx_newest ON customers (country, created_at); "
                                     "CREATE INDEX idx_count ON customers (country)"),
            "created_at_only": one_index("CREATE INDEX idx_country ON customers (created_at)"),
            # the day, not the time: customers of one day are in no order within it
            "day_expression": one_index("CREATE INDEX idx_country ON customers (country, date(created_at))"),
            # the demo's index, copied: the wrong table for these queries
            "demo_index": one_index("CREATE INDEX idx_orders_customer_created ON orders (customer_id, created_at)"),
        },
        alternatives={
            "descending_time": one_index("CREATE INDEX idx_country ON customers (country, created_at DESC)"),
            "covering_lowercase": one_index(
                "create index if not exists country_page on customers (country, created_at, name)"),
            "unique_quoted_with_id": one_index(
                'CREATE UNIQUE INDEX "country page" ON customers (country, created_at, id)'),
        },
    ),
    "ex4-answer": Exercise(
        # Only the status the visible test plans, pending (and one more: with "WHERE status =
        # 'pending'" alone PostgreSQL drops the condition its predicate implies, and the search
        # is by created_at only, failing the visible test too).
        hardcoded=dashboard_index("CREATE INDEX idx_dashboard ON orders (status, created_at) "
                                  "WHERE status = 'pending' OR status = 'refunded'"),
        mistakes={
            # the classic: the range column first; the search reads every status from :since on
            "range_first": dashboard_index("CREATE INDEX idx_dashboard ON orders (created_at, status)"),
            # finds the status, then sorts the rows
            "status_only": dashboard_index("CREATE INDEX idx_dashboard ON orders (status)"),
            # in order and searched by the range, but status is checked row by row
            "created_at_only": dashboard_index("CREATE INDEX idx_dashboard ON orders (created_at)"),
            # a column between the equality and the range/sort column
            "customer_in_between": dashboard_index(
                "CREATE INDEX idx_dashboard ON orders (status, customer_id, created_at)"),
            # exercise 3's index again: the dashboard gives no customer
            "demo_index": dashboard_index("CREATE INDEX idx_dashboard ON orders (customer_id, created_at)"),
            "wrong_table": dashboard_index("CREATE INDEX idx_dashboard ON customers (country, created_at)"),
        },
        alternatives={
            "descending_time": dashboard_index("CREATE INDEX idx_dashboard ON orders (status, created_at DESC)"),
            "covering_lowercase": dashboard_index(
                "create index if not exists support_dashboard on orders "
                "(status, created_at, id, customer_id, total_cents)"),
            "quoted_name": dashboard_index('CREATE INDEX "pending since" ON orders (status, created_at)'),
        },
    ),
}
