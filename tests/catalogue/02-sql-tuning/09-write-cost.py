"""Catalogue of 02-sql-tuning/09-write-cost.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "02-sql-tuning/09-write-cost.ipynb"
SOLUTION = solution(NOTEBOOK, "ex12-answer")
PARTIAL_OR_EXPRESSION = ("bool(partial) or None in keys", "x.indpred IS NOT NULL OR x.indexprs IS NOT NULL")
PREFIX_RULE = "len(other_keys) > len(keys) or other_unique or other < name"

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
            "one_query_and_rank": '''
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
''',
            # Group identical indexes first, then prefixes by tuple; pandas-free, itertools style.
            "group_then_prefix": '''
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
''',
        },
    ),
}
