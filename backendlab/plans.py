"""Query plans read the same way on SQLite and PostgreSQL, the index catalog, and a statement
counter.

The SQL-tuning lessons keep asking the same questions of a query: does it read a whole table?
which index does it use? does it sort? does it ever touch the table, or only the index? The
two engines answer in different words — SQLite's ``EXPLAIN QUERY PLAN`` prints lines such as
``SEARCH orders USING INDEX idx (customer_id=?)`` (older versions say ``SEARCH TABLE orders``),
PostgreSQL prints a tree of nodes (``Bitmap Heap Scan``, ``Index Only Scan``, ``Sort``…) — so
``plan()`` turns both into the same small tree of ``Step``\\ s that tests can query without
matching version-specific text, and that prints as a readable tree for learners.

    p = plan(shop, "SELECT * FROM orders WHERE customer_id = :c", {"c": 42})
    p                      # the tree, each step marked "reads every row", "sorts"…
    p.full_scans()         # ['orders']: tables read end to end without an index
    p.uses_index("idx_orders_customer")

``indexes()`` lists the indexes a database has (table, key columns or expressions, partial
predicate), so a test can check that the learner built the right index whatever the engine
would choose today. ``count_statements()`` counts the SQL statements an engine sends, which is
how the N+1 lesson shows — and grades — round trips without timing anything.
"""

import itertools
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .errors import CourseError

# What a step does, in words that mean the same on both engines.
FULL_SCAN = "full scan"            # every row of a table, no index (SQLite SCAN t, PG Seq Scan)
INDEX_SEARCH = "index search"      # rows found through an index condition (SEARCH, Index Cond)
INDEX_WALK = "index walk"          # a whole index read in its order (SCAN t USING INDEX i)
AUTOMATIC_INDEX = "automatic index"  # SQLite reads the table to build a throw-away index
SORT = "sort"                      # rows sorted (or grouped) in a temporary structure
OTHER = "other"                    # joins, aggregates, limits, bitmap heap visits…

_MARKS = {
    FULL_SCAN: "reads every row of {table}",
    INDEX_SEARCH: "finds rows of {table} through {index}",
    INDEX_WALK: "walks {index} in its order, with no condition to search by",
    AUTOMATIC_INDEX: "reads all of {table} to build a temporary index",
    SORT: "sorts rows",
}


@dataclass
class Step:
    """One step of a plan: the engine's own words plus what they mean."""

    label: str                     # the engine's words, e.g. "SCAN orders", "Seq Scan on orders"
    kind: str = OTHER              # FULL_SCAN, INDEX_SEARCH, INDEX_WALK, AUTOMATIC_INDEX, SORT, OTHER
    table: str | None = None       # the table read (an alias is resolved where possible)
    index: str | None = None       # the index used, by name (None for SQLite's rowid)
    primary_key: bool = False      # the table's primary key is the index used
    covering: bool = False         # the index alone answers: the table is never read
    details: list[str] = field(default_factory=list)  # conditions, sort keys, timings (PostgreSQL)
    search: str = ""               # what an index is searched by, in the engine's words
    children: list["Step"] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<Step {self.kind}: {self.label}>"

    def walk(self) -> Iterator["Step"]:
        """This step and every step below it, top down."""
        yield self
        for child in self.children:
            yield from child.walk()

    def mark(self) -> str:
        """A few plain words saying what the step costs, for the printed tree."""
        template = _MARKS.get(self.kind)
        if template is None:
            return ""
        index = self.index or ("the primary key" if self.primary_key else "an index")
        words = template.format(table=self.table or "a table", index=index)
        if self.covering:
            words += " (covering: never reads the table)"
        return words


class Plan:
    """A query plan on either engine, readable by people and by tests."""

    def __init__(self, engine_kind: str, version: str, sql: str, steps: list[Step],
                 note: str = "") -> None:
        self.engine_kind = engine_kind
        self.version = version
        self.sql = sql
        self.steps = steps
        self.note = note

    def walk(self) -> Iterator[Step]:
        """Every step of the plan, top down."""
        for step in self.steps:
            yield from step.walk()

    def full_scans(self) -> list[str]:
        """Tables read end to end without an index, in plan order (empty when none is)."""
        found: list[str] = []
        for step in self.walk():
            if step.kind in (FULL_SCAN, AUTOMATIC_INDEX) and step.table and step.table not in found:
                found.append(step.table)
        return found

    def index_steps(self, name: str | None = None, table: str | None = None) -> list[Step]:
        """Steps that read an index (searching it or walking it), optionally only one index
        (by name, case-insensitive) or one table."""
        return [step for step in self.walk()
                if step.kind in (INDEX_SEARCH, INDEX_WALK)
                and (name is None or (step.index or "").lower() == name.lower())
                and (table is None or (step.table or "").lower() == table.lower())]

    def uses_index(self, name: str | None = None, table: str | None = None) -> bool:
        """Does the plan read an index (any index, or the one called ``name``)?"""
        return bool(self.index_steps(name, table))

    def searches(self, table: str | None = None, name: str | None = None) -> bool:
        """Does the plan find rows through an index *condition* (not by walking all of it)?

        This is the question "can my predicate use the index?": a predicate that wraps the
        column in a function may still walk the whole index in order, which is no search.
        """
        return any(step.kind == INDEX_SEARCH for step in self.index_steps(name, table))

    def index_only(self, name: str | None = None, table: str | None = None) -> bool:
        """Is some index read *covering* — the query answered from the index alone?"""
        return any(step.covering for step in self.index_steps(name, table))

    def sorts(self) -> list[Step]:
        """Steps that sort or group rows in a temporary structure (SQLite's TEMP B-TREE,
        PostgreSQL's Sort and Incremental Sort)."""
        return [step for step in self.walk() if step.kind == SORT]

    def __str__(self) -> str:
        engine = "SQLite" if self.engine_kind == "sqlite" else "PostgreSQL"
        lines = [f"Query plan ({engine} {self.version})"]
        for number, step in enumerate(self.steps):
            _draw(step, "", number == len(self.steps) - 1, lines)
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython shows the tree
        printer.text(str(self))


def _draw(step: Step, prefix: str, last: bool, lines: list[str]) -> None:
    """Append ``step`` and its children as a tree drawn with box characters."""
    mark = step.mark()
    lines.append(f"{prefix}{'└── ' if last else '├── '}{step.label}" + (f"   ← {mark}" if mark else ""))
    inner = prefix + ("    " if last else "│   ")
    for detail in step.details:
        lines.append(f"{inner}{'│   ' if step.children else '    '}{detail}")
    for number, child in enumerate(step.children):
        _draw(child, inner, number == len(step.children) - 1, lines)


# ---------------------------------------------------------------------------------------
# plan(): run EXPLAIN and parse it
# ---------------------------------------------------------------------------------------


_EXPLAINS = itertools.count(1)  # numbers that make each SQLite EXPLAIN's text unique


def plan(engine: Engine, sql: Any, params: Any = None, *, analyze: bool = False,
         prefer_indexes: bool = False, generic: bool = False) -> Plan:
    """The plan the database would use for ``sql`` (with ``params``), as a ``Plan``.

    ``sql`` is a string with ``:name`` placeholders (as in ``sqlalchemy.text``), a
    ``TextClause``, or a ``Statement`` recorded by ``count_statements`` (then ``params`` is
    taken from it). ``analyze=True`` also runs the query on PostgreSQL and shows actual rows,
    time and buffers next to the estimates (in a transaction that is rolled back); SQLite's
    plans have no such numbers. ``prefer_indexes=True`` asks PostgreSQL "can an index
    do this work?" by making sequential scans and bitmap scans look prohibitively expensive
    (``SET LOCAL enable_seqscan = off``, ``enable_bitmapscan = off``): on a small table it
    would rightly prefer to read everything, or to collect a handful of rows with a bitmap
    and sort them, even when an index could return them in order. What is left is a plain
    index scan, which shows both whether the index can be searched and whether it delivers
    the rows in the order asked for. Checks use it so that they give the same answer on
    every dataset size. SQLite has no such switch and needs none: without statistics it
    prefers an index it can use.

    ``generic=True`` shows, on PostgreSQL, the *generic* plan of the statement prepared on the
    server — the one plan made without the values, which a prepared statement may switch to
    (``plan_cache_mode = force_generic_plan``). A custom plan may simplify a condition away
    because it knows the values (``CAST($1 AS text) IS NULL`` with a value is false); the
    generic plan must be right for any value, so it shows what the statement itself allows.
    It needs ``params`` (or a recorded ``Statement``) and no ``analyze``. SQLite plans a
    statement the same way whatever is bound, so there it changes nothing.
    """
    kind = engine.dialect.name
    if kind not in ("sqlite", "postgresql"):
        raise CourseError(f"plan() knows SQLite and PostgreSQL, not {kind}.",
                          "use the engine from backendlab.database(...).")
    driver_level = isinstance(sql, Statement)
    if driver_level:
        text, params = sql.sql, sql.parameters
    else:
        text = sql.text if isinstance(sql, sa.TextClause) else str(sql)
    text = text.strip().rstrip(";")
    try:
        with engine.connect() as connection:
            if kind == "sqlite":
                # EXPLAIN alone does not notice indexes or statistics that other connections
                # made since this one last read the schema, and Python's sqlite3 would reuse
                # a cached, stale EXPLAIN of the same text. So: read the schema first, and
                # make every EXPLAIN's text new.
                tables = {name.lower() for (name,) in connection.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                version = connection.exec_driver_sql("SELECT sqlite_version()").scalar()
                fresh = f"EXPLAIN QUERY PLAN /* {next(_EXPLAINS)} */ {text}"
                result = _explain(connection, fresh, params, driver_level)
                rows = [tuple(row) for row in result]
                steps = sqlite_steps(rows, tables, _aliases(text))
                note = "(SQLite's plans show no row counts or timings: time the query instead.)" \
                    if analyze else ""
                return Plan(kind, version, text, steps, note)
            version = connection.exec_driver_sql("SHOW server_version").scalar().split()[0]
            if prefer_indexes:
                connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
                connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
            if generic and not analyze:
                document = _explain_generic(connection, engine, text, params, driver_level)
            else:
                document = _explain(connection, f"EXPLAIN ({options}) " + text, params,
                                    driver_level).scalar()
            primary = {name for (name,) in connection.exec_driver_sql(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indisprimary")}
            connection.rollback()  # analyze=True ran the statement: undo whatever it did
    except sa.exc.DBAPIError as error:
        raise CourseError(f"The database could not plan this query:\n{text}\n\n{error.orig}",
                          "run the query on its own first and fix the error it shows.") from None
    note = ("(prefer_indexes=True: sequential and bitmap scans were discouraged, to ask "
            "whether an index can do the work.)") if prefer_indexes else ""
    if generic and not analyze:
        note = "\n".join(filter(None, [note, "(generic=True: PostgreSQL's generic plan, made without "
                                              "the values, as a prepared statement may use.)"]))
    return Plan(kind, version, text, postgres_steps(document, primary), note)


def _explain(connection: sa.Connection, text: str, params: Any, driver_level: bool) -> sa.Result:
    if driver_level:
        return connection.exec_driver_sql(text, params if params is not None else ())
    return connection.execute(sa.text(text), params or {})


_DRIVER_MARKS = re.compile(r"%%|%\((\w+)\)s|%s")  # psycopg's placeholders (and an escaped %)


def _explain_generic(connection: sa.Connection, engine: Engine, text: str, params: Any,
                     driver_level: bool) -> Any:
    """PostgreSQL's generic plan of ``text``: PREPARE it with $n placeholders, then EXPLAIN
    EXECUTE it with ``plan_cache_mode = force_generic_plan`` (undone by the caller's rollback)."""
    if not driver_level:  # ":name" text: let SQLAlchemy write psycopg's placeholders
        text = sa.text(text).bindparams(**(params or {})).compile(dialect=engine.dialect).string
    numbers: dict[str, int] = {}  # a name used twice is one $n
    count = 0

    def number(mark: re.Match[str]) -> str:
        nonlocal count
        if mark.group(0) == "%%":
            return "%%"  # still escaped: psycopg reads the PREPARE text too
        name = mark.group(1)
        if name is not None and name in numbers:
            return f"${numbers[name]}"
        count += 1
        if name is not None:
            numbers[name] = count
        return f"${count}"

    numbered = _DRIVER_MARKS.sub(number, text)
    name = f"backendlab_generic_{next(_EXPLAINS)}"
    connection.exec_driver_sql(f"PREPARE {name} AS {numbered}")
    # A generic plan is the same for any arguments: NULLs take each parameter's type.
    arguments = f"({', '.join(['NULL'] * count)})" if count else ""
    try:
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        document = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE {name}{arguments}").scalar()
    except sa.exc.DBAPIError:
        connection.rollback()  # a prepared statement outlives the transaction: drop it first
        connection.exec_driver_sql(f"DEALLOCATE {name}")
        raise
    connection.exec_driver_sql(f"DEALLOCATE {name}")
    return document


# SQLite ------------------------------------------------------------------------------------

_SQLITE_ACCESS = re.compile(
    r"^(?P<verb>SCAN|SEARCH)\s+(?:TABLE\s+)?(?P<name>\S+)(?:\s+AS\s+(?P<alias>\S+))?"
    r"(?:\s+USING\s+(?P<using>.*?))?(?:\s+\(~\d+ rows?\))?(?:\s+LEFT-JOIN)?$")  # 3.40: a LEFT JOIN's right side
# "INDEX <name> (<condition>)": a name may hold spaces and parentheses ("customers (country)"),
# and a search's condition always holds a ? (customer_id=?); a walk has none.
_SQLITE_INDEX_NAME = re.compile(
    r"INDEX\s+(?P<index>.+?)(?:\s+(?P<condition>\((?:[^()]|\([^()]*\))*\)))?$")

_KEYWORDS = {"where", "join", "on", "left", "right", "inner", "outer", "cross", "natural", "full",
             "group", "order", "limit", "using", "union", "except", "intersect", "having",
             "window", "offset", "set", "values", "returning"}


def _aliases(sql: str) -> dict[str, str]:
    """``{alias: table}`` for ``FROM t a`` / ``JOIN t AS a`` / ``FROM t a, u b`` in the query text.

    Newer SQLite versions name a table by its alias in plans ("SCAN c"); this maps it back.
    A heuristic, good for the queries of a lesson, not a SQL parser.
    """
    items = re.findall(r"\bJOIN\s+([^\s,()]+(?:\s+(?:AS\s+)?\w+)?)", sql, re.IGNORECASE)
    for listed in re.findall(r"\bFROM\s+(.*?)(?=\b(?:WHERE|GROUP|ORDER|LIMIT|JOIN|LEFT|INNER|CROSS|"
                             r"NATURAL|ON|UNION|HAVING|WINDOW)\b|[();]|$)", sql, re.IGNORECASE | re.DOTALL):
        items += listed.split(",")  # FROM orders o, customers c: each item a table (and alias)
    found = {}
    for item in items:
        named = re.fullmatch(r'\s*"?(\w+)"?(?:\s+(?:AS\s+)?"?(\w+)"?)?\s*', item, re.IGNORECASE)
        if named and named[2] and named[2].lower() not in _KEYWORDS:
            found[named[2].lower()] = named[1].lower()
    return found


def sqlite_step(detail: str, tables: set[str], aliases: dict[str, str]) -> Step:
    """One line of SQLite's EXPLAIN QUERY PLAN, understood (any SQLite 3.x wording)."""
    step = Step(label=detail)
    access = _SQLITE_ACCESS.match(detail.strip())
    if access:
        name = (access["alias"] or access["name"]).strip('"').lower()
        table = access["name"].strip('"').lower()
        table = table if table in tables else aliases.get(name)
        if table is None:  # a subquery, a CTE, a constant row: not a stored table
            return step
        step.table = table
        using = (access["using"] or "").upper()
        if "AUTOMATIC" in using:
            step.kind = AUTOMATIC_INDEX
            return step
        step.covering = "COVERING INDEX" in using
        step.primary_key = "PRIMARY KEY" in using
        named = _SQLITE_INDEX_NAME.search(access["using"] or "")
        if named and not step.primary_key:
            index = named["index"]
            if named["condition"] and "?" not in named["condition"]:  # part of the name
                index += " " + named["condition"]
            elif named["condition"]:
                step.search = named["condition"][1:-1]
            step.index = index.strip('"')
        if access["verb"] == "SEARCH":
            step.kind = INDEX_SEARCH
        elif using:
            step.kind = INDEX_WALK
        else:
            step.kind = FULL_SCAN
    elif detail.startswith("USE TEMP B-TREE"):
        step.kind = SORT
    return step


def sqlite_steps(rows: list[tuple], tables: set[str], aliases: dict[str, str]) -> list[Step]:
    """The tree of EXPLAIN QUERY PLAN rows ``(id, parent, notused, detail)``."""
    by_id: dict[int, Step] = {}
    top: list[Step] = []
    for node_id, parent, _, detail in rows:
        step = sqlite_step(detail, tables, aliases)
        by_id[node_id] = step
        (by_id[parent].children if parent in by_id else top).append(step)
    return top


# PostgreSQL --------------------------------------------------------------------------------

_PG_DETAILS = ("Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Join Filter", "Filter",
               "Sort Key", "Group Key", "Rows Removed by Filter", "Heap Fetches")


def _pg_label(node: dict) -> str:
    """The node's headline as PostgreSQL's text EXPLAIN prints it."""
    node_type = node["Node Type"]
    if node_type == "Aggregate":
        node_type = {"Hashed": "HashAggregate", "Sorted": "GroupAggregate"}.get(
            node.get("Strategy"), "Aggregate")
        mode = node.get("Partial Mode", "Simple")
        node_type = node_type if mode == "Simple" else f"{mode} {node_type}"
    if node.get("Join Type") and node.get("Join Type") != "Inner" and "Join" in node_type:
        node_type = node_type.replace("Join", f"{node['Join Type']} Join")
    if node.get("Join Type") and node["Node Type"] == "Nested Loop" and node["Join Type"] != "Inner":
        node_type = f"Nested Loop {node['Join Type']} Join"
    if node.get("Parallel Aware"):
        node_type = "Parallel " + node_type
    label = node_type
    if node.get("Scan Direction") == "Backward":
        label += " Backward"
    if "Index Name" in node:
        label += f" {'on' if node['Node Type'] == 'Bitmap Index Scan' else 'using'} {node['Index Name']}"
    if "Relation Name" in node:
        label += f" on {node['Relation Name']}"
        if node.get("Alias") and node["Alias"] != node["Relation Name"]:
            label += f" {node['Alias']}"
    numbers = [f"estimated rows {node['Plan Rows']:,}"] if "Plan Rows" in node else []
    if "Actual Rows" in node:
        loops = node.get("Actual Loops", 1)
        numbers.append(f"actual rows {round(node['Actual Rows'] * loops):,}")
        numbers.append(f"{node.get('Actual Total Time', 0):.3f} ms")
        if "Shared Hit Blocks" in node:
            numbers.append(f"buffers hit {node['Shared Hit Blocks']:,} read {node['Shared Read Blocks']:,}")
    return label + (f"  ({', '.join(numbers)})" if numbers else "")


def postgres_step(node: dict, primary: set[str], table: str | None = None) -> Step:
    """One node of ``EXPLAIN (FORMAT JSON)`` and everything below it."""
    node_type = node["Node Type"]
    relation = node.get("Relation Name", table)
    step = Step(label=_pg_label(node), table=relation, index=node.get("Index Name"))
    step.primary_key = step.index in primary
    if node_type == "Seq Scan":
        step.kind = FULL_SCAN
    elif node_type in ("Index Scan", "Index Only Scan"):
        step.kind = INDEX_SEARCH if "Index Cond" in node else INDEX_WALK
        step.covering = node_type == "Index Only Scan"
        step.search = node.get("Index Cond", "")
    elif node_type == "Bitmap Index Scan":
        step.kind = INDEX_SEARCH
        step.search = node.get("Index Cond", "")
    elif node_type in ("Sort", "Incremental Sort"):
        step.kind = SORT
    for key in _PG_DETAILS:
        if key in node:
            value = node[key]
            step.details.append(f"{key}: {', '.join(value) if isinstance(value, list) else value}")
    # A Bitmap Index Scan names no table: it works for the Bitmap Heap Scan above it.
    below = relation if node_type in ("Bitmap Heap Scan", "BitmapAnd", "BitmapOr") else table
    step.children = [postgres_step(child, primary, below) for child in node.get("Plans", [])]
    return step


def postgres_steps(document: Any, primary: set[str]) -> list[Step]:
    """The tree of ``EXPLAIN (FORMAT JSON)`` output (a list holding one ``{"Plan": …}``)."""
    return [postgres_step(entry["Plan"], primary) for entry in document]


# ---------------------------------------------------------------------------------------
# The index catalog
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Index:
    """An index as the catalog describes it, written the same way on both engines.

    ``columns`` are the key columns in order, as lower-case text without spaces or quotes;
    an expression stays an expression (``"lower(email)"``). ``where`` is the predicate of a
    partial index. ``include`` lists PostgreSQL's INCLUDE columns.
    """

    name: str
    table: str
    columns: tuple[str, ...]
    unique: bool = False
    primary_key: bool = False
    where: str | None = None
    include: tuple[str, ...] = ()

    def starts_with(self, *columns: str) -> bool:
        """Are ``columns`` the leading key columns, in this order?"""
        return self.columns[:len(columns)] == tuple(_normal(column) for column in columns)

    def __repr__(self) -> str:
        return f"<Index {self}>"

    def __str__(self) -> str:
        text = f"{self.name} ON {self.table} ({', '.join(self.columns)})"
        if self.include:
            text += f" INCLUDE ({', '.join(self.include)})"
        return text + (f" WHERE {self.where}" if self.where else "")


def _normal(column: str) -> str:
    """'LOWER( "email" ) DESC' -> 'lower(email)': comparable text for a key column."""
    text = re.sub(r"\s+(ASC|DESC)\s*$", "", column.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text.replace('"', "").lower())
    return re.sub(r"\s*([(),=<>+*/-])\s*", r"\1", text)


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


def _sqlite_index_sql(sql: str) -> tuple[list[str], str | None] | None:
    """Key columns and WHERE clause from a CREATE INDEX statement (comments allowed; any of
    SQLite's ways to quote the table's name), or None when it cannot be read."""
    sql = re.sub(r"--[^\n]*", " ", re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL))
    opening = re.search(r"\bON\s+(?:\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|[\w.]+)\s*\(", sql, re.IGNORECASE)
    if opening is None:
        return None
    depth, end = 1, opening.end()
    while depth:
        depth += (sql[end] == "(") - (sql[end] == ")")
        end += 1
    columns = _split_top_level(sql[opening.end():end - 1])
    where = re.match(r"\s*WHERE\s+(.*)$", sql[end:], re.IGNORECASE | re.DOTALL)
    return columns, (where[1].strip() if where else None)


def _sqlite_indexes(connection: sa.Connection) -> list[Index]:
    found = []
    for table, in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        for _, name, unique, origin, _partial in connection.exec_driver_sql(
                f'PRAGMA index_list("{table}")'):
            sql = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).scalar()
            parsed = _sqlite_index_sql(sql) if sql else None
            if parsed:
                columns, where = parsed
            else:  # made by a UNIQUE or PRIMARY KEY constraint, or text we cannot read
                columns = [row[2] for row in connection.exec_driver_sql(f'PRAGMA index_info("{name}")')]
                where = None
            found.append(Index(name, table.lower(), tuple(_normal(c) for c in columns), bool(unique),
                               origin == "pk", where))
    return found


def _postgres_indexes(connection: sa.Connection) -> list[Index]:
    rows = connection.exec_driver_sql(
        "SELECT i.relname, t.relname, ix.indisunique, ix.indisprimary, ix.indnkeyatts, "
        "       pg_get_expr(ix.indpred, ix.indrelid, true), "
        "       array(SELECT pg_get_indexdef(ix.indexrelid, k, true) "
        "             FROM generate_series(1, ix.indnatts) AS k ORDER BY k) "
        "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
        "JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() ORDER BY t.relname, i.relname")
    return [Index(name, table, tuple(_normal(c) for c in columns[:keys]), unique, primary, where,
                  tuple(_normal(c) for c in columns[keys:]))
            for name, table, unique, primary, keys, where, columns in rows]


def indexes(engine: Engine, table: str | None = None) -> list[Index]:
    """The indexes of the database (or of one table), read from the catalog.

    SQLite's ``INTEGER PRIMARY KEY`` is the table's own B-tree (the rowid), not an index, so
    it is not listed; PostgreSQL lists its primary keys (``orders_pkey``).
    """
    with engine.connect() as connection:
        found = (_sqlite_indexes(connection) if engine.dialect.name == "sqlite"
                 else _postgres_indexes(connection))
    return [index for index in found if table is None or index.table == table.lower()]


def page_size(engine: Engine) -> int:
    """Bytes per page: the unit in which both engines store tables and indexes."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return connection.exec_driver_sql("PRAGMA page_size").scalar_one()
        return int(connection.exec_driver_sql("SELECT current_setting('block_size')").scalar_one())


def pages(engine: Engine, name: str) -> int:
    """How many pages the table or index ``name`` occupies on disk.

    SQLite counts them in its ``dbstat`` table (built into the SQLite of Debian, Ubuntu and
    conda-forge); PostgreSQL divides ``pg_relation_size`` by the page size.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            try:
                return connection.exec_driver_sql(
                    "SELECT count(*) FROM dbstat WHERE name = ?", (name,)).scalar_one()
            except sa.exc.OperationalError:
                raise CourseError(
                    "This Python's SQLite was built without the dbstat table, which counts pages.",
                    "use the Python of Debian/Ubuntu or conda-forge, or run the lesson on "
                    "PostgreSQL (BACKENDLAB_DATABASE_URL).") from None
        return connection.exec_driver_sql(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
            (name,)).scalar_one()


def entries(engine: Engine, name: str) -> int:
    """How many entries the index ``name`` holds: one per row it points to.

    A partial index holds only the rows its ``WHERE`` accepts; this counts them exactly, so a
    test can tell a partial index from a full one without trusting statistics. SQLite counts
    the cells of the index's B-tree pages in ``dbstat`` (interior cells are entries too);
    PostgreSQL counts the table's rows that meet the index's predicate (``reltuples`` would be
    an estimate, exact only right after ``CREATE INDEX``).
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            if not connection.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).first():
                raise _no_index(name)
            try:
                return connection.exec_driver_sql(
                    "SELECT coalesce(sum(ncell), 0) FROM dbstat "
                    "WHERE name = ? AND pagetype IN ('internal', 'leaf')", (name,)).scalar_one()
            except sa.exc.OperationalError:
                raise CourseError(
                    "This Python's SQLite was built without the dbstat table, which counts entries.",
                    "use the Python of Debian/Ubuntu or conda-forge, or run the lesson on "
                    "PostgreSQL (BACKENDLAB_DATABASE_URL).") from None
        found = connection.exec_driver_sql(
            "SELECT quote_ident(t.relname), pg_get_expr(ix.indpred, ix.indrelid, true) "
            "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
            "JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = i.relnamespace "
            "WHERE n.nspname = current_schema() AND i.relname = %s", (name,)).first()
        if found is None:
            raise _no_index(name)
        table, predicate = found
        return connection.exec_driver_sql(
            f"SELECT count(*) FROM {table}" + (f" WHERE {predicate}" if predicate else "")).scalar_one()


def _no_index(name: str) -> CourseError:
    return CourseError(f"There is no index called {name!r} in this database.",
                       "check the name with plans.indexes(engine), and create the index first.")


def has_statistics(engine: Engine, table: str) -> bool:
    """Has ANALYZE gathered statistics for ``table`` (sqlite_stat1 / pg_statistic)?"""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            if not connection.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
                return False
            query = "SELECT 1 FROM sqlite_stat1 WHERE lower(tbl) = lower(?)"
            return connection.exec_driver_sql(query, (table,)).first() is not None
        query = ("SELECT 1 FROM pg_stats WHERE schemaname = current_schema() "
                 "AND tablename = lower(%s) LIMIT 1")
        return connection.exec_driver_sql(query, (table,)).first() is not None


# ---------------------------------------------------------------------------------------
# Counting statements (and pretending there is a network)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement as the driver received it: its SQL, its parameters, and whether it was
    sent as one ``executemany`` for many rows."""

    sql: str
    parameters: Any
    many: bool = False

    def __str__(self) -> str:
        one_line = re.sub(r"\s+", " ", self.sql).strip()
        return one_line + ("   [executemany]" if self.many else "")


@dataclass
class StatementLog:
    """What an engine sent while a ``count_statements`` block ran."""

    statements: list[Statement] = field(default_factory=list)
    commits: int = 0

    @property
    def count(self) -> int:
        """How many statements (an ``executemany`` counts once: it is one call)."""
        return len(self.statements)

    def queries(self) -> list[Statement]:
        """The statements that read data (SELECT or WITH … SELECT)."""
        return [s for s in self.statements if re.match(r"\s*(SELECT|WITH)\b", s.sql, re.IGNORECASE)]

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __str__(self) -> str:
        lines = [f"{self.count} statement{'s' if self.count != 1 else ''}, "
                 f"{self.commits} commit{'s' if self.commits != 1 else ''}"]
        shown = self.statements if self.count <= 6 else self.statements[:3] + self.statements[-2:]
        for number, statement in enumerate(shown, start=1):
            if self.count > 6 and number == 4:
                lines.append(f"   … {self.count - 5} more …")
            position = number if self.count <= 6 or number <= 3 else self.count - len(shown) + number
            text = str(statement)
            lines.append(f"  {position}. {text[:110] + '…' if len(text) > 110 else text}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


@contextmanager
def count_statements(engine: Engine) -> Iterator[StatementLog]:
    """Record every statement ``engine`` sends (and every commit) inside the ``with`` block.

    Built on SQLAlchemy's ``before_cursor_execute`` event, so it sees exactly what reaches
    the database driver — from ``text()``, pandas or the ORM alike.
    """
    log = StatementLog()

    def before(connection, cursor, statement, parameters, context, executemany) -> None:
        log.statements.append(Statement(statement, parameters, executemany))

    def committed(connection) -> None:
        log.commits += 1

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "commit", committed)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "commit", committed)


@contextmanager
def network_delay(engine: Engine, seconds: float) -> Iterator[None]:
    """Wait ``seconds`` before every statement, as if the database were across a network.

    SQLite runs inside the notebook's process, so a statement costs no round trip; this
    shows what the same code costs when each statement does travel.
    """
    def wait(connection, cursor, statement, parameters, context, executemany) -> None:
        time.sleep(seconds)

    event.listen(engine, "before_cursor_execute", wait)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", wait)


# ---------------------------------------------------------------------------------------
# Checks for exercise test cells (messages for the learner; nothing goes to stderr)
# ---------------------------------------------------------------------------------------


def run_answer(engine: Engine, sql: str, name: str) -> None:
    """Run the learner's DDL answer ``sql`` (the variable ``name``) on ``engine``."""
    if not isinstance(sql, str):
        raise AssertionError(f"`{name}` should be a SQL statement in a string, but it is a "
                             f"{type(sql).__name__}.")
    # The driver's own cursor, with no parameters: psycopg then leaves a % in the answer alone
    # (a comment's "100%", LIKE 'pend%'), where SQLAlchemy's empty parameter list made it a
    # placeholder, and sqlite3 still refuses two statements in one string.
    try:
        with engine.begin() as connection:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(sql)
            finally:
                cursor.close()
    except (engine.dialect.dbapi.Error, sa.exc.DBAPIError) as error:  # at commit: SQLAlchemy's
        raise AssertionError(f"Running `{name}` failed: {getattr(error, 'orig', error)}\n"
                             "Hint: run the statement in a cell of its own to see the whole "
                             "error.") from None


def check_index(engine: Engine, table: str, columns: tuple[str, ...], hint: str = "") -> Index:
    """Fail unless ``table`` has an index whose key starts with ``columns``; return it."""
    present = indexes(engine, table)
    for index in present:
        if index.starts_with(*columns):
            return index
    listed = "\n".join(f"  {index}" for index in present) or "  (none)"
    raise AssertionError(
        f"Not yet: an index on {table} whose key columns start with ({', '.join(columns)}). "
        f"Indexes on {table} now:\n{listed}" + (f"\nHint: {hint}" if hint else ""))


def check_plan(p: Plan, *, what: str, index: str | None = None, search: bool = False,
               full_scan: bool | None = None, sort: bool | None = None,
               index_only: bool | None = None, hint: str = "") -> None:
    """Fail unless the plan ``p`` of ``what`` has the wanted shape; the message shows the plan.

    ``index``: the plan reads this index (``search=True``: through a condition);
    ``full_scan``/``sort``/``index_only``: whether it reads a whole table / sorts / answers
    from an index alone (None: not checked).
    """
    problems = []
    if index is not None and not (p.searches(name=index) if search else p.uses_index(index)):
        problems.append(f"it should {'search' if search else 'use'} the index {index}")
    if full_scan is not None and bool(p.full_scans()) != full_scan:
        problems.append("it should read a whole table" if full_scan else
                        f"it reads every row of {', '.join(p.full_scans())}")
    if sort is not None and bool(p.sorts()) != sort:
        problems.append("it should sort" if sort else "it sorts the rows (the index should "
                        "deliver them in order)")
    if index_only is not None and p.index_only() != index_only:
        problems.append("it should answer from the index alone (covering)" if index_only else
                        "it should read the table")
    if problems:
        raise AssertionError(f"The plan of {what} is not right yet: {'; '.join(problems)}.\n"
                             f"{p}" + (f"\nHint: {hint}" if hint else ""))
