"""Catalogue of 02-sql-tuning/07-pagination.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex10-answer": Exercise(
        hardcoded='''
def next_page(engine, after, size):
    with engine.connect() as connection:
        if after is None:
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"), {"size": size})
        else:  # no tie-breaker: orders placed in the same second are skipped
            rows = connection.execute(text("SELECT id, created_at, total_cents FROM orders "
                                           "WHERE created_at < :created_at "
                                           "ORDER BY created_at DESC, id DESC LIMIT :size"),
                                      {"created_at": after[0], "size": size})
        return [tuple(row) for row in rows]
''',
        mistakes={},
        alternatives={},
    ),
}
