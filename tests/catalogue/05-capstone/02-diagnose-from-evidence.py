"""Catalogue of 05-capstone/02-diagnose-from-evidence.ipynb: see tests/catalogue/__init__.py.

Written from the student's notebook: `ev` (an Evidence), `fields(line)`, `capstone.route_of`,
`times_by_route` and `plans` are given by earlier cells. The hidden tests
gather evidence from three other versions of the app (indexed, with a slow
but innocent product lookup; ids compared as text + orders in 3 fixed statements + a repricing
N+1 on the price change; one JOIN + a duplicate read + an index walk stopped by LIMIT).
"""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        # the visible test's answer typed in
        hardcoded=r'''
def n_plus_one(evidence):
    return {"/customers/{id}/orders"}
''',
        mistakes={
            # "many statements" instead of "a count that changes": a route with 3 fixed statements is blamed
            "threshold_on_total": r'''
def n_plus_one(evidence):
    most = defaultdict(int)
    for line, statements in evidence.requests():
        route = capstone.route_of(fields(line)[1])
        most[route] = max(most[route], len(statements))
    return {route for route, n in most.items() if n > 2}
''',
            # the mean number of statements above one: a duplicate read (2 every time) is blamed
            "mean_above_one": r'''
def n_plus_one(evidence):
    counts = defaultdict(list)
    for line, statements in evidence.requests():
        counts[capstone.route_of(fields(line)[1])].append(len(statements))
    return {route for route, n in counts.items() if sum(n) / len(n) > 1}
''',
            # errors counted: a 404 after one statement makes a fixed route look variable
            "varies_with_errors": r'''
def n_plus_one(evidence):
    counts = defaultdict(set)
    for line, statements in evidence.requests():
        counts[capstone.route_of(fields(line)[1])].add(len(statements))
    return {route for route, seen in counts.items() if len(seen) > 1}
''',
            # the slowest route by the access log's times
            "slowest_route": r'''
def n_plus_one(evidence):
    seconds = times_by_route(evidence)
    return {max(seconds, key=lambda route: sum(seconds[route]) / len(seconds[route]))}
''',
            # paths instead of routes
            "paths_not_routes": r'''
def n_plus_one(evidence):
    counts = defaultdict(set)
    paths = defaultdict(set)
    for line, statements in evidence.requests():
        _method, path, status, _size, _took = fields(line)
        if 200 <= status < 300:
            counts[capstone.route_of(path)].add(len(statements))
            paths[capstone.route_of(path)].add(path)
    return {path for route, seen in counts.items() if len(seen) > 1 for path in paths[route]}
''',
            # grouped by path: one customer's requests always run the same count
            "grouped_by_path": r'''
def n_plus_one(evidence):
    counts = defaultdict(set)
    for line, statements in evidence.requests():
        _method, path, status, _size, _took = fields(line)
        if 200 <= status < 300:
            counts[path].add(len(statements))
    return {capstone.route_of(path) for path, seen in counts.items() if len(seen) > 1}
''',
            # the same SQL text twice in a request, whatever its parameters: a duplicate read is blamed
            "repeated_text": r'''
def n_plus_one(evidence):
    found = set()
    for line, statements in evidence.requests():
        texts = Counter(statement.sql for statement in statements)
        if texts and max(texts.values()) > 1:
            found.add(capstone.route_of(fields(line)[1]))
    return found
''',
        },
        alternatives={
            # pandas: one row per request, distinct counts of the 2xx ones per route
            "pandas_nunique": r'''
import pandas as pd


def n_plus_one(evidence):
    rows = []
    for line, statements in evidence.requests():
        _method, path, status, _size, _took = fields(line)
        rows.append({"route": capstone.route_of(path), "status": status, "statements": len(statements)})
    frame = pd.DataFrame(rows)
    ok = frame[(frame.status >= 200) & (frame.status < 300)]
    distinct = ok.groupby("route")["statements"].nunique()
    return set(distinct[distinct > 1].index)
''',
            # the N+1's signature: one SQL text run again and again in one request, with other values
            "repeated_with_other_parameters": r'''
def n_plus_one(evidence):
    found = set()
    for line, statements in evidence.requests():
        values = defaultdict(set)
        for statement in statements:
            values[statement.sql].add(repr(statement.parameters))
        if any(len(seen) > 1 for seen in values.values()):
            found.add(capstone.route_of(fields(line)[1]))
    return found
''',
            # a regular expression on the raw line, smallest and largest count per route
            "regex_min_max": r'''
import re


def n_plus_one(evidence):
    low, high = {}, {}
    for line, statements in zip(evidence.access_log, evidence.statements):
        match = re.search(r'"[A-Z]+ (\S+) HTTP/[0-9.]+" (\d{3}) ', line)
        if match and match.group(2).startswith("2"):
            route = capstone.route_of(match.group(1))
            low[route] = min(low.get(route, len(statements)), len(statements))
            high[route] = max(high.get(route, len(statements)), len(statements))
    return {route for route in low if high[route] > low[route]}
''',
        },
    ),
    "ex4-answer": Exercise(
        hardcoded=r'''
def full_scans(evidence):
    return {"/customers/{id}/orders": {"orders", "order_items"}}
''',
        mistakes={
            # only the first statement of each request (the orders endpoint's is the customer check)
            "first_statement_only": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        if statements:
            found[capstone.route_of(fields(line)[1])].update(statements[0].plan.full_scans())
    return {route: tables for route, tables in found.items() if tables}
''',
            # the letters SCAN in the engine's words: SQLite's index walks in, PostgreSQL's Seq Scan out
            "scan_in_label": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        for statement in statements:
            for step in statement.plan.walk():
                if "SCAN" in step.label and step.table:
                    found[capstone.route_of(fields(line)[1])].add(step.table)
    return dict(found)
''',
            # "scan" in any case: every PostgreSQL index scan too
            "scan_any_case": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        for statement in statements:
            for step in statement.plan.walk():
                if "scan" in step.label.lower() and step.table:
                    found[capstone.route_of(fields(line)[1])].add(step.table)
    return dict(found)
''',
            # an index walked in order counted as a full scan (a LIMIT stops it after 3 entries)
            "index_walk_counted": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        for statement in statements:
            for step in statement.plan.walk():
                if step.kind in (plans.FULL_SCAN, plans.AUTOMATIC_INDEX, plans.INDEX_WALK) and step.table:
                    found[capstone.route_of(fields(line)[1])].add(step.table)
    return dict(found)
''',
            # products is "only a small lookup table": left out
            "small_tables_ignored": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        for statement in statements:
            found[capstone.route_of(fields(line)[1])].update(
                table for table in statement.plan.full_scans() if table != "products")
    return {route: tables for route, tables in found.items() if tables}
''',
            # queries only: a write's plan can read a whole table too
            "selects_only": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        for statement in statements:
            if statement.sql.lstrip().upper().startswith("SELECT"):
                found[capstone.route_of(fields(line)[1])].update(statement.plan.full_scans())
    return {route: tables for route, tables in found.items() if tables}
''',
            # every table a plan touches, searched or scanned
            "every_table_touched": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        for statement in statements:
            found[capstone.route_of(fields(line)[1])].update(
                step.table for step in statement.plan.walk() if step.table)
    return {route: tables for route, tables in found.items() if tables}
''',
            # the slowest route is "the one with the scans"
            "slowest_route": r'''
def full_scans(evidence):
    seconds = times_by_route(evidence)
    slowest = max(seconds, key=lambda route: sum(seconds[route]) / len(seconds[route]))
    tables = set()
    for line, statements in evidence.requests():
        if capstone.route_of(fields(line)[1]) == slowest:
            for statement in statements:
                tables.update(statement.plan.full_scans())
    return {slowest: tables} if tables else {}
''',
            # paths instead of routes
            "paths_not_routes": r'''
def full_scans(evidence):
    found = defaultdict(set)
    for line, statements in evidence.requests():
        for statement in statements:
            found[fields(line)[1]].update(statement.plan.full_scans())
    return {path: tables for path, tables in found.items() if tables}
''',
        },
        alternatives={
            # the plan's steps, by kind (what full_scans() does inside)
            "step_kinds": r'''
def full_scans(evidence):
    found = {}
    for line, statements in zip(evidence.access_log, evidence.statements):
        route = capstone.route_of(fields(line)[1])
        for statement in statements:
            for step in statement.plan.walk():
                if step.kind in (plans.FULL_SCAN, plans.AUTOMATIC_INDEX) and step.table:
                    found.setdefault(route, set()).add(step.table)
    return found
''',
            # pandas: one row per (route, table read whole), grouped into sets
            "pandas_groupby": r'''
import pandas as pd


def full_scans(evidence):
    rows = [(capstone.route_of(fields(line)[1]), table)
            for line, statements in evidence.requests()
            for statement in statements
            for table in statement.plan.full_scans()]
    if not rows:
        return {}
    frame = pd.DataFrame(rows, columns=["route", "table"])
    return {route: set(group["table"]) for route, group in frame.groupby("route")}
''',
            # each distinct statement planned once per route, a regex for the path
            "distinct_statements": r'''
import re


def full_scans(evidence):
    seen, found = set(), {}
    for line, statements in evidence.requests():
        path = re.search(r'"\w+ (\S+) ', line).group(1)
        route = capstone.route_of(path)
        for statement in statements:
            key = (route, statement.sql, repr(statement.parameters))
            if key in seen:
                continue
            seen.add(key)
            tables = statement.plan.full_scans()
            if tables:
                found[route] = found.get(route, set()) | set(tables)
    return found
''',
        },
    ),
}
