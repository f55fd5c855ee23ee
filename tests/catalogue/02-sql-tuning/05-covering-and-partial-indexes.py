"""Catalogue of 02-sql-tuning/05-covering-and-partial-indexes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex8-answer": Exercise(
        hardcoded='''
statement_index = ("CREATE INDEX idx_statement ON orders (customer_id, created_at, total_cents) "
                   "WHERE customer_id = 42")
''',
        mistakes={
            # covering, but the range comes after total_cents: it cannot narrow the search,
            # every entry of the customer is read and filtered
            "total_before_created_at": '''
statement_index = "CREATE INDEX idx_statement ON orders (customer_id, total_cents, created_at)"
''',
            # searches, but visits the table for total_cents
            "not_covering": '''
statement_index = "CREATE INDEX idx_statement ON orders (customer_id, created_at)"
''',
            "range_first": '''
statement_index = "CREATE INDEX idx_statement ON orders (created_at, customer_id, total_cents)"
''',
            # no created_at: not covering, and the range is checked in the table
            "customer_and_total_only": '''
statement_index = "CREATE INDEX idx_statement ON orders (customer_id, total_cents)"
''',
        },
        alternatives={
            "descending_range": '''
statement_index = "CREATE INDEX idx_statement ON orders (customer_id, created_at DESC, total_cents)"
''',
            "wider_with_status": '''
statement_index = "create index if not exists statement_wide on orders (customer_id, created_at, total_cents, status)"
''',
            "unique_with_id": '''
statement_index = 'CREATE UNIQUE INDEX "monthly statement" ON orders (customer_id, created_at, id, total_cents)'
''',
        },
    ),
}
