"""Catalogue of 02-sql-tuning/02-btree-indexes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex2-answer": Exercise(
        hardcoded='''
first_email = run("SELECT email FROM customers WHERE id = 1")[0][0]
login_index = f"CREATE INDEX idx_login ON customers (email) WHERE email = '{first_email}'"
''',
        mistakes={
            # the column the query returns, not the one it searches by
            "name_column": '''
login_index = "CREATE INDEX idx_customers_name ON customers (name)"
''',
            # email second: the leftmost prefix is name, which the login does not give
            "email_not_first": '''
login_index = "CREATE INDEX idx_customers_name_email ON customers (name, email)"
''',
            # the expression of lesson 2.4, which `email = :email` cannot use
            "lower_expression": '''
login_index = "CREATE INDEX idx_customers_email_lower ON customers (lower(email))"
''',
            # the wrong table
            "wrong_table": '''
login_index = "CREATE INDEX idx_orders_customer ON orders (customer_id)"
''',
        },
        alternatives={
            "unique_index": '''
login_index = "CREATE UNIQUE INDEX customers_email_key ON customers (email)"
''',
            # covering: the login's columns are all in the index
            "covering_email_name": '''
login_index = "create index if not exists login_lookup on customers(email, name)"
''',
            "quoted_name_descending": '''
login_index = 'CREATE INDEX "Login by email" ON customers (email DESC)'
''',
        },
    ),
}
