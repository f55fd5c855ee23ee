"""Catalogue of 02-sql-tuning/01-reading-plans.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
def find_full_scans(engine, queries):
    return ["customer by email", "items of an order", "orders of a customer", "revenue per status"]
''',
        mistakes={
            # "reads a whole table" is not "uses no index": a join can scan one table and find
            # the rows of the other through its primary key.
            "not_uses_index": '''
def find_full_scans(engine, queries):
    return sorted(name for name, sql in queries.items() if not plan(engine, sql).uses_index())
''',
            # the names in the order of the dict, not sorted
            "unsorted_names": '''
def find_full_scans(engine, queries):
    return [name for name, sql in queries.items() if plan(engine, sql).full_scans()]
''',
            # "SCAN" in the plan's text: SQLite's SCAN ... USING INDEX walks an index (and stops
            # at a LIMIT); PostgreSQL's "Index Scan" contains the word too
            "scan_word_in_plan_text": '''
def find_full_scans(engine, queries):
    return sorted(name for name, sql in queries.items() if "SCAN" in str(plan(engine, sql)).upper())
''',
            # only the first step of the plan looked at: misses a table scanned lower down
            "first_step_only": '''
def find_full_scans(engine, queries):
    found = []
    for name, sql in queries.items():
        first = plan(engine, sql).steps[0]
        if first.kind == plans.FULL_SCAN:
            found.append(name)
    return sorted(found)
''',
        },
        alternatives={
            # the engine's own EXPLAIN, read as text, through a pooled connection
            "raw_explain": '''
def find_full_scans(engine, queries):
    found = []
    for name, sql in queries.items():
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                details = [row[3] for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
                full = any(d.startswith("SCAN") and "USING" not in d for d in details)
            else:
                lines = [row[0] for row in connection.execute(text("EXPLAIN " + sql))]
                full = any("Seq Scan" in line for line in lines)
        if full:
            found.append(name)
    return sorted(found)
''',
            # every step walked by hand, sorted in place
            "walk_the_steps": '''
def find_full_scans(engine, queries):
    names = []
    for name in queries:
        steps = list(plan(engine, queries[name]).walk())
        if any(step.kind in (plans.FULL_SCAN, plans.AUTOMATIC_INDEX) for step in steps):
            names.append(name)
    names.sort()
    return names
''',
            # filter() over the sorted names
            "filter_sorted_keys": '''
def find_full_scans(engine, queries):
    return list(filter(lambda name: len(plan(engine, queries[name]).full_scans()) > 0, sorted(queries)))
''',
        },
    ),
}
