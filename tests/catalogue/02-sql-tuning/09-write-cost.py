"""Catalogue of 02-sql-tuning/09-write-cost.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "02-sql-tuning/09-write-cost.ipynb"
SOLUTION = solution(NOTEBOOK, "ex12-answer")
PARTIAL_OR_EXPRESSION = ("bool(partial) or None in keys", "x.indpred IS NOT NULL OR x.indexprs IS NOT NULL")
PREFIX_RULE = "len(other_keys) > len(keys) or other_unique or other < name"

ONE_QUERY_AND_RANK = '''
def redundant_indexes(engine, table):
    if engine.dialect.name == "sqlite":
        query = """
            SELECT l.name, l."unique", l.partial OR max(x.cid = -2),
                   group_concat(x.name, ',') FILTER (WHERE x.key)
            FROM pragma_index_list(:table) AS l, pragma_index_xinfo(l.name) AS x
            GROUP BY l.name"""
    else:
        query = """
            SELECT c.relname, i.indisunique, i.indpred IS NOT NULL OR i.indexprs IS NOT NULL,
                   (SELECT string_agg(pg_get_indexdef(i.indexrelid, n, true), ',' ORDER BY n)
                    FROM generate_series(1, i.indnkeyatts) AS n)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = (SELECT oid FROM pg_class WHERE relname = :table AND relkind = 'r'
                                AND pg_table_is_visible(oid))"""
    with engine.connect() as connection:
        rows = [row for row in connection.execute(text(query), {"table": table}) if not row[2]]
    def rank(row):  # the index that stays among those with the same columns
        return (not row[1], row[0])
    redundant = []
    for name, unique, _, columns in rows:
        if unique:
            continue
        for other, other_unique, _, other_columns in rows:
            if other == name:
                continue
            if other_columns == columns:
                if rank((other, other_unique)) < rank((name, unique)):
                    redundant.append(name)
                    break
            elif other_columns.startswith(columns + ","):
                redundant.append(name)
                break
    return redundant
'''

GROUP_THEN_PREFIX = '''
from collections import defaultdict
from itertools import permutations

def index_list(engine, table):
    """[(name, unique, key columns as a tuple)] of the plain (non-partial, column-only) indexes."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            out = []
            for row in connection.exec_driver_sql(f"PRAGMA index_list('{table}')").mappings():
                info = connection.exec_driver_sql(f"PRAGMA index_xinfo('{row['name']}')").mappings().all()
                keys = tuple(col["name"] for col in sorted(info, key=lambda c: c["seqno"]) if col["key"])
                if not row["partial"] and None not in keys:
                    out.append((row["name"], bool(row["unique"]), keys))
            return out
        rows = connection.execute(text("""
            SELECT ic.relname, ix.indisunique, ix.indpred, ix.indexprs, ix.indnkeyatts,
                   array_agg(a.attname ORDER BY k.pos)
            FROM pg_class tc
            JOIN pg_index ix ON ix.indrelid = tc.oid
            JOIN pg_class ic ON ic.oid = ix.indexrelid
            JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, pos) ON true
            LEFT JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum
            WHERE tc.relname = :t AND tc.relnamespace = 'public'::regnamespace
            GROUP BY ic.relname, ix.indisunique, ix.indpred, ix.indexprs, ix.indnkeyatts"""), {"t": table})
        return [(name, unique, tuple(columns[:keys])) for name, unique, where, exprs, keys, columns in rows
                if where is None and exprs is None]

def redundant_indexes(engine, table):
    indexes = index_list(engine, table)
    same = defaultdict(list)
    for name, unique, keys in indexes:
        same[keys].append((not unique, name))
    redundant = set()
    for keys, group in same.items():  # of identical ones the unique, then the first name, stays
        redundant |= {name for not_unique, name in sorted(group)[1:] if not_unique}
    for (name, unique, keys), (_, _, longer) in permutations(indexes, 2):
        if not unique and len(longer) > len(keys) and longer[:len(keys)] == keys:
            redundant.add(name)
    return list(redundant)
'''


# An answer reading the indexes itself (xinfo on SQLite, the inspector on PostgreSQL),
# wrong on expressions; a second mistake is it with one line changed.
EXPRESSION_NONE_COLUMN_KEPT = '''
import warnings
from sqlalchemy import inspect


def read_indexes(engine, table):
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            indexes = []
            for _, name, unique, _, partial in connection.exec_driver_sql(
                    "SELECT * FROM pragma_index_list(?)", (table,)):
                columns = [row[0] for row in connection.exec_driver_sql(
                    "SELECT name FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno", (name,))]
                indexes.append({"name": name, "unique": bool(unique), "column_names": columns,
                                "dialect_options": {"sqlite_where": "?"} if partial else {}})
            return indexes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return inspect(engine).get_indexes(table)


def redundant_indexes(engine, table):
    indexes = read_indexes(engine, table)
    def partial(i):
        return any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())
    plain = [i for i in indexes if not partial(i)]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        cols = x["column_names"]
        for y in plain:
            if y["name"] == x["name"] or y["column_names"][:len(cols)] != cols:
                continue
            if len(y["column_names"]) > len(cols) or y["unique"] or y["name"] < x["name"]:
                found.append(x["name"]); break
    return found
'''

EXERCISES = {
    "ex12-answer": Exercise(
        hardcoded='''
def redundant_indexes(engine, table):
    return ["idx_orders_customer"]
''',
        mistakes={
            # The WHERE of a partial index is not read: (created_at) WHERE pending looks like a
            # prefix of (created_at, id).
            "partial_counted": edit(SOLUTION, (PARTIAL_OR_EXPRESSION[0], "None in keys"),
                                    (PARTIAL_OR_EXPRESSION[1], "x.indexprs IS NOT NULL")),
            # Expressions are not read: SQLite's nameless key column, PostgreSQL's attnum 0 dropped
            # by the join, so (lower(code)) looks like a prefix.
            "expressions_counted": edit(SOLUTION, (PARTIAL_OR_EXPRESSION[0], "bool(partial)"),
                                        (PARTIAL_OR_EXPRESSION[1], "x.indpred IS NOT NULL")),
            # Same columns in any order: (carrier, warehouse) "inside" (warehouse, carrier, ...).
            "column_order_ignored": edit(SOLUTION, ("other_keys[:len(keys)] == keys",
                                                    "set(keys) <= set(other_keys)")),
            # A UNIQUE index dropped: the rule it enforces goes with it.
            "unique_returned": edit(SOLUTION, ("        if unique:\n            continue\n", "")),
            # Identical indexes: both returned, so the table loses the index altogether.
            "identical_both_returned": edit(SOLUTION, (PREFIX_RULE, "len(other_keys) >= len(keys)")),
            # Identical indexes: neither returned (only strictly longer ones serve).
            "identical_none_returned": edit(SOLUTION, (PREFIX_RULE, "len(other_keys) > len(keys) or other_unique")),
            # Identical indexes: the first name dropped instead of kept.
            "identical_keeps_last_name": edit(SOLUTION, ("other < name", "other > name")),
            # Identical indexes: the first name stays even when the other one is UNIQUE.
            "identical_ignores_unique": edit(SOLUTION, ("other_unique or other < name", "other < name")),
            # The demo's case only: single-column indexes under a longer one; a two-column prefix
            # of a three-column index is missed.
            "single_column_only": edit(SOLUTION, ("        if unique:\n", "        if unique or len(keys) > 1:\n")),
            # A partial index is never returned, but still serves others: (reason) looks served by
            # (reason, code) WHERE reason <> 'damaged', which holds only some rows.
            "partial_serves_others": edit(
                SOLUTION,
                ("    plain = [(name, unique, list(keys)) for name, unique, special, keys in indexes if not special]\n",
                 "    plain = [(name, unique, list(keys)) for name, unique, special, keys in indexes]\n"
                 "    special_names = {name for name, unique, special, keys in indexes if special}\n"),
                ("        if unique:\n", "        if unique or name in special_names:\n")),
            # Every table's indexes compared: (code) on one table "served" by (code, reason) on another.
            "all_tables": '''
from sqlalchemy import inspect


def redundant_indexes(engine, table):
    inspector = inspect(engine)
    indexes = [index for name in inspector.get_table_names() for index in inspector.get_indexes(name)]
    plain = [index for index in indexes if None not in index["column_names"]
             and not any(key.endswith("_where") for key in index["dialect_options"])]
    found = []
    for index in plain:
        if index["unique"] or index["name"] not in {i["name"] for i in inspector.get_indexes(table)}:
            continue
        columns = index["column_names"]
        for other in plain:
            if other is not index and other["column_names"][:len(columns)] == columns and (
                    len(other["column_names"]) > len(columns) or other["unique"] or other["name"] < index["name"]):
                found.append(index["name"])
                break
    return found
''',
            # The answer drops the indexes it finds (the exercise asks only for their names).
            "drops_them": edit(SOLUTION, ("    return sorted(redundant)\n",
                                          "    with engine.begin() as connection:\n"
                                          "        for name in redundant:\n"
                                          "            connection.exec_driver_sql(f\"DROP INDEX {name}\")\n"
                                          "    return sorted(redundant)\n")),
            # ---- review R8B: written from the student notebook alone (before the solution was read);
            # columns_in_table_order and expression_none_column_kept were PostgreSQL-only slips, given the
            # same slip on SQLite afterwards; expression_serves_others came after the hidden tests ----
            # The visible answer for orders, nothing for any other table.
            "hardcoded_orders_only": '''
def redundant_indexes(engine, table):
    return ["idx_orders_customer"] if table == "orders" else []
''',
            # Columns compared as sets (inspector): (carrier, warehouse) "inside" (warehouse, carrier, ...).
            "column_order_ignored_sets": '''
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    indexes = [i for i in inspect(engine).get_indexes(table)
               if not i["unique"] and i.get("dialect_options", {}).get(f"{engine.dialect.name}_where") is None
               and None not in i["column_names"] and not i.get("expressions")]
    every = [i for i in inspect(engine).get_indexes(table)
             if i.get("dialect_options", {}).get(f"{engine.dialect.name}_where") is None
             and None not in i["column_names"]]
    found = []
    for x in indexes:
        for y in every:
            if y["name"] == x["name"]:
                continue
            cx, cy = set(x["column_names"]), set(y["column_names"])
            if cx < cy or (cx == cy and (y["unique"] or y["name"] < x["name"])):
                found.append(x["name"]); break
    return found
''',
            # Only strictly longer indexes serve (inspector): identical twins both stay.
            "identical_none_returned_inspect": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())
             and None not in i["column_names"] and not i.get("expressions")]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        cols = x["column_names"]
        if any(y is not x and len(y["column_names"]) > len(cols) and y["column_names"][:len(cols)] == cols
               for y in plain):
            found.append(x["name"])
    return found
''',
            # Any other index with the same leading columns serves, even an identical one: both twins go.
            "identical_both_returned_inspect": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())
             and None not in i["column_names"] and not i.get("expressions")]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        cols = x["column_names"]
        if any(y["name"] != x["name"] and y["column_names"][:len(cols)] == cols for y in plain):
            found.append(x["name"])
    return found
''',
            # Of identical plain indexes, the last name stays (the tie-break turned round).
            "identical_keeps_last_name_inspect": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())
             and None not in i["column_names"] and not i.get("expressions")]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        cols = x["column_names"]
        if any(y["name"] != x["name"] and y["column_names"][:len(cols)] == cols
               and (len(y["column_names"]) > len(cols) or y["unique"] or y["name"] > x["name"]) for y in plain):
            found.append(x["name"])
    return found
''',
            # UNIQUE indexes returned like any other (the first rule forgotten).
            "unique_returned_inspect": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())
             and None not in i["column_names"] and not i.get("expressions")]
    found = []
    for x in plain:
        cols = x["column_names"]
        for y in plain:
            if y["name"] == x["name"] or y["column_names"][:len(cols)] != cols:
                continue
            if len(y["column_names"]) > len(cols) or y["unique"] and not x["unique"] or (y["unique"] == x["unique"] and y["name"] < x["name"]):
                found.append(x["name"]); break
    return found
''',
            # Only X's WHERE is read: a partial Y still "serves" (reason).
            "partial_serves_others_inspect": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = [i for i in inspect(engine).get_indexes(table) if None not in i["column_names"]]
    def partial(i):
        return any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())
    found = []
    for x in indexes:
        if x["unique"] or partial(x):
            continue
        cols = x["column_names"]
        for y in indexes:
            if y["name"] == x["name"] or y["column_names"][:len(cols)] != cols:
                continue
            if len(y["column_names"]) > len(cols) or y["unique"] or y["name"] < x["name"]:
                found.append(x["name"]); break
    return found
''',
            # SQLite's pragmas on both engines (fails on PostgreSQL), and pragma_index_info's nameless
            # expression column compared like a column: (lower(code)) under (lower(code), weight).
            "pragma_index_info_sqlite_only": '''
def redundant_indexes(engine, table):
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT il.name, il.\\"unique\\", il.partial, ii.name FROM pragma_index_list(?) AS il, "
            "pragma_index_info(il.name) AS ii ORDER BY il.name, ii.seqno", (table,)).fetchall()
    indexes = {}
    for name, unique, partial, column in rows:
        indexes.setdefault(name, {"unique": unique, "partial": partial, "cols": []})["cols"].append(column)
    found = []
    for x, ix in indexes.items():
        if ix["unique"] or ix["partial"]:
            continue
        for y, iy in indexes.items():
            if y == x or iy["partial"] or iy["cols"][:len(ix["cols"])] != ix["cols"]:
                continue
            if len(iy["cols"]) > len(ix["cols"]) or iy["unique"] or y < x:
                found.append(x); break
    return found
''',
            # Columns in the table's order, not the index's (PostgreSQL: attnum = ANY(indkey) ordered by
            # attnum; SQLite: xinfo ordered by cid): (carrier, warehouse) reads as (warehouse, carrier).
            "columns_in_table_order": '''
def redundant_indexes(engine, table):
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(text(
                "SELECT il.name, il.\\"unique\\", il.partial, x.cid, x.name FROM pragma_index_list(:t) AS il "
                "JOIN pragma_index_xinfo(il.name) AS x WHERE x.key = 1 ORDER BY il.name, x.cid"), {"t": table}).fetchall()
            indexes = {}
            for name, unique, partial, cid, column in rows:
                i = indexes.setdefault(name, {"unique": bool(unique), "skip": bool(partial), "cols": []})
                i["skip"] |= cid == -2
                i["cols"].append(column)
        else:
            rows = connection.execute(text(
                "SELECT ic.relname, ix.indisunique, ix.indpred IS NOT NULL OR ix.indexprs IS NOT NULL, "
                "array_agg(a.attname ORDER BY a.attnum) FROM pg_index ix "
                "JOIN pg_class ic ON ic.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
                "LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey) "
                "WHERE t.relname = :t GROUP BY ic.relname, ix.indisunique, ix.indpred, ix.indexprs"), {"t": table}).fetchall()
            indexes = {name: {"unique": unique, "skip": skip, "cols": list(cols)} for name, unique, skip, cols in rows}
    found = []
    for x, ix in indexes.items():
        if ix["unique"] or ix["skip"]:
            continue
        for y, iy in indexes.items():
            if y == x or iy["skip"] or iy["cols"][:len(ix["cols"])] != ix["cols"]:
                continue
            if len(iy["cols"]) > len(ix["cols"]) or iy["unique"] or y < x:
                found.append(x); break
    return found
''',
            # pragma_index_xinfo without `key`: the rowid tail makes no index a prefix of another.
            "xinfo_aux_columns_kept": '''
def redundant_indexes(engine, table):
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT il.name, il.\\"unique\\", il.partial, ii.name FROM pragma_index_list(?) AS il, "
            "pragma_index_xinfo(il.name) AS ii ORDER BY il.name, ii.seqno", (table,)).fetchall()
    indexes = {}
    for name, unique, partial, column in rows:
        indexes.setdefault(name, {"unique": unique, "partial": partial, "cols": []})["cols"].append(column)
    found = []
    for x, ix in indexes.items():
        if ix["unique"] or ix["partial"]:
            continue
        for y, iy in indexes.items():
            if y == x or iy["partial"] or iy["cols"][:len(ix["cols"])] != ix["cols"]:
                continue
            if len(iy["cols"]) > len(ix["cols"]) or iy["unique"] or y < x:
                found.append(x); break
    return found
''',
            # Every table's indexes serve (the inspector over get_table_names()).
            "all_tables_inspect": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inspector = inspect(engine)
        mine = inspector.get_indexes(table)
        every = [i for t in inspector.get_table_names() for i in inspector.get_indexes(t)]
    def plain(i):
        return (None not in i["column_names"] and not i.get("expressions")
                and not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items()))
    found = []
    for x in mine:
        if x["unique"] or not plain(x):
            continue
        cols = x["column_names"]
        for y in every:
            if y["name"] == x["name"] or not plain(y) or y["column_names"][:len(cols)] != cols:
                continue
            if len(y["column_names"]) > len(cols) or y["unique"] or y["name"] < x["name"]:
                found.append(x["name"]); break
    return found
''',
            # An expression read as a None column and compared (PostgreSQL's inspector, SQLite's xinfo).
            "expression_none_column_kept": EXPRESSION_NONE_COLUMN_KEPT,
            # An expression index is never returned but still serves: (zone) "served" by (zone, lower(code)).
            "expression_serves_others": edit(EXPRESSION_NONE_COLUMN_KEPT, (
                '        if x["unique"]:\n', '        if x["unique"] or None in x["column_names"]:\n')),
            # The inspector answer that also drops what it finds.
            "drops_them_inspect": '''
import warnings
from sqlalchemy import inspect, text
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if None not in i["column_names"] and not i.get("expressions")
             and not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        cols = x["column_names"]
        for y in plain:
            if y["name"] == x["name"] or y["column_names"][:len(cols)] != cols:
                continue
            if len(y["column_names"]) > len(cols) or y["unique"] or y["name"] < x["name"]:
                found.append(x["name"]); break
    with engine.begin() as connection:
        for name in found:
            connection.execute(text(f"DROP INDEX {name}"))
    return found
''',
            # Only an index exactly one column longer serves: (customer_id) under a three-column one is missed.
            "one_column_longer_only": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if None not in i["column_names"] and not i.get("expressions")
             and not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        cols = x["column_names"]
        for y in plain:
            if y["name"] == x["name"] or y["column_names"][:len(cols)] != cols:
                continue
            if len(y["column_names"]) == len(cols) + 1 or (len(y["column_names"]) == len(cols) and (y["unique"] or y["name"] < x["name"])):
                found.append(x["name"]); break
    return found
''',
            # Only the first columns compared: (warehouse, shipped_at) "served" by (warehouse, carrier, shipped_at).
            "first_column_only": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if None not in i["column_names"] and not i.get("expressions")
             and not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        for y in plain:
            if y["name"] == x["name"] or y["column_names"][0] != x["column_names"][0]:
                continue
            if len(y["column_names"]) > len(x["column_names"]) or (len(y["column_names"]) == len(x["column_names"]) and (y["unique"] or y["name"] < x["name"])):
                found.append(x["name"]); break
    return found
''',
            # Identical indexes decided by name alone: a UNIQUE twin named later does not stay.
            "identical_ignores_unique_inspect": '''
import warnings
from sqlalchemy import inspect
def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    plain = [i for i in indexes if not any(k.endswith("_where") and v is not None for k, v in i.get("dialect_options", {}).items())
             and None not in i["column_names"] and not i.get("expressions")]
    found = []
    for x in plain:
        if x["unique"]:
            continue
        cols = x["column_names"]
        if any(y["name"] != x["name"] and y["column_names"][:len(cols)] == cols
               and (len(y["column_names"]) > len(cols) or y["name"] < x["name"]) for y in plain):
            found.append(x["name"])
    return found
''',
            # ---- review R8B, after reading the hidden tests: slips they did not catch ----
            # "Starts with" tested on the joined column string without its separator: (route) looks
            # like a prefix of (route_stop).
            "string_prefix_no_separator": edit(ONE_QUERY_AND_RANK, ('other_columns.startswith(columns + ",")',
                                                                    "other_columns.startswith(columns)")),
            # X's columns appear in Y in the same order, but not as Y's first columns:
            # (warehouse, shipped_at) "served" by (warehouse, carrier, shipped_at).
            "subsequence_not_prefix": edit(SOLUTION, ("other_keys[:len(keys)] == keys",
                                                      "[key for key in other_keys if key in keys] == keys")),
            # Of identical plain indexes only the last name is returned: three twins keep two.
            "identical_drops_only_last": edit(GROUP_THEN_PREFIX, ("sorted(group)[1:]", "(sorted(group)[-1:] if len(group) > 1 else [])")),
            # Of identical indexes all but one are returned, UNIQUE ones too: one of two UNIQUE twins goes.
            "group_returns_unique_twin": edit(GROUP_THEN_PREFIX, (" in sorted(group)[1:] if not_unique}", " in sorted(group)[1:]}")),
        },
        alternatives={
            # SQLAlchemy's inspector: partial indexes carry <dialect>_where, expressions a None column
            # (SQLite's inspector leaves expression indexes out altogether).
            "sqlalchemy_inspect": '''
import warnings
from sqlalchemy import inspect


def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Skipped unsupported reflection of expression-based index"
        indexes = inspect(engine).get_indexes(table)
    plain = [index for index in indexes
             if None not in index["column_names"] and not index.get("expressions")
             and not any(option.endswith("_where") and value is not None
                         for option, value in index.get("dialect_options", {}).items())]
    result = []
    for index in plain:
        if index["unique"]:
            continue
        columns = list(index["column_names"])
        for other in plain:
            longer = list(other["column_names"])
            if other["name"] == index["name"] or longer[:len(columns)] != columns:
                continue
            if len(longer) > len(columns) or other["unique"] or other["name"] < index["name"]:
                result.append(index["name"])
                break
    return result
''',
            # One catalog query per engine, columns joined into a string; a rank decides who stays.
            "one_query_and_rank": ONE_QUERY_AND_RANK,
            # Group identical indexes first, then prefixes by tuple; pandas-free, itertools style.
            "group_then_prefix": GROUP_THEN_PREFIX,
            # ---- review R8B: written from the student notebook alone ----
            # The inspector, every pair compared (a partial index: a <dialect>_where option; an expression: None).
            "inspector_pairs": '''
import warnings
from sqlalchemy import inspect


def redundant_indexes(engine, table):
    """Plain, non-unique indexes whose columns lead another plain index of `table`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SQLite skips expression indexes with a warning
        indexes = inspect(engine).get_indexes(table)

    def plain(index):
        partial = any(key.endswith("_where") and value is not None
                      for key, value in index.get("dialect_options", {}).items())
        expression = None in index["column_names"]  # PostgreSQL: None where an expression stands
        return not partial and not expression

    plain_indexes = [index for index in indexes if plain(index)]
    found = []
    for x in plain_indexes:
        if x["unique"]:
            continue
        columns = list(x["column_names"])
        for y in plain_indexes:
            if y["name"] == x["name"] or list(y["column_names"][:len(columns)]) != columns:
                continue
            if len(y["column_names"]) > len(columns) or y["unique"] or y["name"] < x["name"]:
                found.append(x["name"])
                break
    return found
''',
            # One catalog query per engine; columns joined with an unprintable separator, split into tuples.
            "catalog_sql_joined_columns": '''
from sqlalchemy import text

SQLITE = """
SELECT il.name, il."unique", il.partial OR max(x.cid = -2), group_concat(x.name, char(31))
FROM pragma_index_list(:table) AS il
JOIN pragma_index_xinfo(il.name) AS x ON x.key = 1
GROUP BY il.name
"""
POSTGRES = """
SELECT c.relname, i.indisunique, i.indpred IS NOT NULL OR i.indexprs IS NOT NULL,
       string_agg(a.attname, chr(31) ORDER BY k.position)
FROM pg_index AS i
JOIN pg_class AS c ON c.oid = i.indexrelid
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE t.relname = :table AND t.relnamespace = to_regnamespace(current_schema())::oid
  AND k.position <= i.indnkeyatts
GROUP BY c.relname, i.indisunique, i.indpred, i.indexprs
"""


def redundant_indexes(engine, table):
    query = SQLITE if engine.dialect.name == "sqlite" else POSTGRES
    with engine.connect() as connection:
        rows = connection.execute(text(query), {"table": table}).fetchall()
    sep = chr(31)
    indexes = [(name, bool(unique), tuple(columns.split(sep)))
               for name, unique, odd, columns in rows if not odd]
    found = []
    for name, unique, columns in indexes:
        if unique:
            continue
        for other, other_unique, other_columns in indexes:
            if other == name or other_columns[:len(columns)] != columns:
                continue
            if len(other_columns) > len(columns) or other_unique or other < name:
                found.append(name)
                break
    return found
''',
            # A reflected Table's Index objects, grouped by column tuple.
            "reflected_table_groups": '''
import warnings
from sqlalchemy import MetaData, Table


def redundant_indexes(engine, table):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reflected = Table(table, MetaData(), autoload_with=engine)
    plain = {}
    for index in reflected.indexes:
        where = any(key.endswith("_where") and value is not None
                    for key, value in index.dialect_kwargs.items())
        if where or len(index.expressions) != len(index.columns):
            continue
        plain[index.name] = (bool(index.unique), tuple(column.name for column in index.columns))
    # identical ones: the unique one stays, else the first name
    by_columns = {}
    for name, (unique, columns) in plain.items():
        by_columns.setdefault(columns, []).append((not unique, name))
    found = set()
    for columns, group in by_columns.items():
        keeper = min(group)
        found |= {name for not_unique, name in group if (not_unique, name) != keeper and not_unique}
        if any(len(other) > len(columns) and other[:len(columns)] == columns for other in by_columns):
            found |= {name for not_unique, name in group if not_unique}
    return list(found)
''',
            # Sorted by (columns, not unique, name): whatever extends an index sorts right after its equals.
            "sorted_neighbours": '''
def redundant_indexes(engine, table):
    if engine.dialect.name == "sqlite":
        with engine.connect() as c:
            names = c.exec_driver_sql(f"SELECT name, \\"unique\\", partial FROM pragma_index_list('{table}')").fetchall()
            indexes = []
            for name, unique, partial in names:
                cols = c.exec_driver_sql(f"SELECT cid, name FROM pragma_index_xinfo('{name}') WHERE key = 1 ORDER BY seqno").fetchall()
                if partial or any(cid == -2 for cid, _ in cols):
                    continue
                indexes.append((tuple(n for _, n in cols), not unique, name))
    else:
        with engine.connect() as c:
            rows = c.exec_driver_sql(
                "SELECT c.relname, i.indisunique, i.indpred IS NULL AND i.indexprs IS NULL, "
                "ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = to_regclass(%(t)s)", {"t": table}).fetchall()
            indexes = [(tuple(cols), not unique, name) for name, unique, plain, cols in rows if plain]
    indexes.sort()   # (columns, not unique, name): identical ones together, unique first, then by name
    found = []
    for position, (cols, not_unique, name) in enumerate(indexes):
        if not not_unique:
            continue
        # sorted, every index that starts with `cols` comes right after it: past its equals,
        # the first different one extends it or none does
        following = [other for other, _, _ in indexes[position + 1:] if other != cols]
        if following and following[0][:len(cols)] == cols:
            found.append(name)
        elif position and indexes[position - 1][0] == cols:   # an equal one sorted before it stays
            found.append(name)
    return found
''',
            # A name once per index that serves it (no break, no set): duplicates in the list are
            # tolerated, as "the names (a list, any order)" does not forbid them.
            "once_per_serving_index": '''
from sqlalchemy import inspect


def redundant_indexes(engine, table):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        indexes = inspect(engine).get_indexes(table)
    usable = [i for i in indexes if None not in i["column_names"]
              and all(value is None for key, value in i.get("dialect_options", {}).items() if key.endswith("_where"))]
    names = []
    for x in usable:
        for y in usable:
            n = len(x["column_names"])
            same_start = y is not x and y["column_names"][:n] == x["column_names"]
            wins = len(y["column_names"]) > n or y["unique"] or y["name"] < x["name"]
            if not x["unique"] and same_start and wins:
                names.append(x["name"])
    return names
''',
        },
    ),
}
