"""Catalogue of 02-sql-tuning/08-statistics.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

SOLUTION = solution("02-sql-tuning/08-statistics.ipynb", "ex11-answer")
COMPARISON = "abs(recorded[table] - real) > tolerance * real"

EXERCISES = {
    "ex11-answer": Exercise(
        hardcoded='''
def stale_tables(engine, tolerance=0.2):
    found = ["carts", "page_views", "reviews"]
    if engine.dialect.name == "sqlite":
        found.append("gift_cards")
    return sorted(found)
''',
        mistakes={
            # Refreshes the statistics before judging them: nothing looks stale, and what was
            # asked about is gone.
            "runs_analyze": edit(SOLUTION, ("    with engine.connect() as connection:\n",
                                            "    with engine.connect() as connection:\n"
                                            "        connection.exec_driver_sql(\"ANALYZE\")\n"
                                            "        connection.commit()\n")),
            # A table without statistics is skipped instead of reported.
            "missing_as_fresh": edit(SOLUTION, ("table not in recorded or " + COMPARISON,
                                                "table in recorded and " + COMPARISON)),
            # The wrong number: SQLite's last stat number (rows per value, not rows), PostgreSQL's
            # relpages (pages, not rows).
            "wrong_number": edit(SOLUTION, ("int(stat.split()[0])", "int(stat.split()[-1])"),
                                 ("SELECT c.relname, c.reltuples,", "SELECT c.relname, c.relpages,")),
            # Only the tables that have an index (listed from the index catalog).
            "only_tables_with_an_index": edit(
                SOLUTION,
                ("\"SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_'\"",
                 "\"SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'index'\""),
                ("tables = [table for table, _, _ in rows]",
                 "tables = [name for (name,) in connection.exec_driver_sql("
                 "\"SELECT DISTINCT tablename FROM pg_indexes WHERE schemaname = current_schema()\")]")),
            # Absolute difference in rows instead of a fraction of the real count.
            "absolute_difference": edit(SOLUTION, (COMPARISON, "abs(recorded[table] - real) > tolerance")),
            # "At least" instead of "more than": the edge of the tolerance counts as stale.
            "at_least_tolerance": edit(SOLUTION, (COMPARISON, COMPARISON.replace(" > ", " >= "))),
            # A fraction of the recorded count instead of the real one.
            "relative_to_recorded": edit(SOLUTION, (COMPARISON,
                                                    "abs(recorded[table] - real) > tolerance * recorded[table]")),
            # The ratio divides by the real count: an emptied table raises ZeroDivisionError.
            "ratio_divides_by_zero": edit(SOLUTION, (COMPARISON, "abs(recorded[table] - real) / real > tolerance")),
            # The tolerance parameter ignored: always 0.2.
            "ignores_tolerance": edit(SOLUTION, (COMPARISON, "abs(recorded[table] - real) > 0.2 * real")),
            # Only the table the lesson talked most about.
            "only_orders": edit(SOLUTION, ("        stale = []\n", "        tables = ['orders']\n        stale = []\n")),
            # Never analysed, misread. PostgreSQL: any row count in pg_class taken for ANALYZE
            # (CREATE INDEX and VACUUM write one too); SQLite: sqlite_stat1 assumed to exist
            # (before the first ANALYZE it does not).
            "never_analysed_misread": edit(
                SOLUTION,
                ("            if \"sqlite_stat1\" in [name for (name,) in connection.exec_driver_sql(\n"
                 "                    \"SELECT name FROM sqlite_master WHERE type = 'table'\")]:\n",
                 "            if True:\n"),
                ("recorded = {table: count for table, count, analysed in rows if analysed}",
                 "recorded = {table: count for table, count, analysed in rows if count >= 0}")),
            # Only the per-column (PostgreSQL: pg_stats) or per-index (SQLite: rows with an idx)
            # statistics taken as "analysed": an empty table analysed on PostgreSQL, a table
            # without an index on SQLite, look never analysed.
            "column_or_index_statistics_only": edit(
                SOLUTION,
                ("\"SELECT tbl, stat FROM sqlite_stat1\"", "\"SELECT tbl, stat FROM sqlite_stat1 WHERE idx IS NOT NULL\""),
                ("s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL\n                       OR EXISTS",
                 "EXISTS")),
            # PostgreSQL: only the record of an ANALYZE in this database (empty in a copy made from
            # a template, whose statistics it has); SQLite: its own sqlite_ tables listed as the
            # learner's.
            "record_only_or_internal_tables": edit(
                SOLUTION,
                (" AND substr(name, 1, 7) <> 'sqlite_'\"", "\""),
                ("s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL\n                       OR EXISTS (SELECT 1 FROM pg_stats p\n                                  WHERE p.schemaname = current_schema() AND p.tablename = c.relname)",
                 "s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL")),
            # Only a table that grew counts: one whose statistics recorded more rows than it now
            # has (half deleted) is left out, though the difference counts in both directions.
            "only_growth_is_stale": edit(SOLUTION, (COMPARISON, "real - recorded[table] > tolerance * real")),
            # The list in the order the catalog gives, not sorted by name.
            "not_sorted": edit(SOLUTION, ("    return sorted(stale)", "    return stale")),
            # A name left unquoted: "Order Lines" is a syntax error (hidden test).
            "unquoted_table_name": edit(SOLUTION, ("FROM \"{table}\"'", "FROM {table}'")),
            # The real row count guessed, not counted: SQLite's highest rowid (wrong once rows are
            # deleted from the middle), PostgreSQL's n_live_tup (a statistic itself).
            "highest_id_or_live_tuples": edit(SOLUTION, (
                "real = connection.exec_driver_sql(f'SELECT count(*) FROM \"{table}\"').scalar()",
                "real = connection.exec_driver_sql(f'SELECT coalesce(max(rowid), 0) FROM \"{table}\"' "
                "if backendlab.engine_kind(engine) == 'sqlite' else "
                "f\"SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = '{table}'\").scalar()")),
        },
        alternatives={
            # One SQL query per engine does the comparison; the counts come from a UNION ALL.
            "one_query_compares": '''
def stale_tables(engine, tolerance=0.2):
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            names = [row[0] for row in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT GLOB 'sqlite_*'"))]
            has_stat1 = "sqlite_stat1" in [row[0] for row in connection.execute(text(
                "SELECT name FROM sqlite_master"))]
            recorded_sql = ("SELECT tbl AS name, max(CAST(stat AS INTEGER)) AS recorded FROM sqlite_stat1 GROUP BY tbl"
                            if has_stat1 else "SELECT NULL AS name, NULL AS recorded WHERE 0")
        else:
            names = [row[0] for row in connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))]
            recorded_sql = """
                SELECT c.relname AS name, c.reltuples AS recorded FROM pg_class c
                LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                  AND (s.last_analyze IS NOT NULL OR s.last_autoanalyze IS NOT NULL
                       OR c.relname IN (SELECT tablename FROM pg_stats
                                         WHERE schemaname = current_schema()))"""
        if not names:
            return []
        counts = " UNION ALL ".join(f"SELECT '{n}' AS name, count(*) AS real FROM \\"{n}\\"" for n in names)
        rows = connection.execute(text(f"""
            SELECT t.name FROM ({counts}) t LEFT JOIN ({recorded_sql}) r ON r.name = t.name
            WHERE r.recorded IS NULL OR abs(r.recorded - t.real) > :tolerance * t.real
            ORDER BY t.name"""), {"tolerance": tolerance})
        return [row[0] for row in rows]
''',
            # pandas for the catalogs, SQLAlchemy's inspector for the table list.
            "pandas_and_inspector": '''
import sqlalchemy


def stale_tables(engine, tolerance=0.2):
    tables = sqlalchemy.inspect(engine).get_table_names()
    if engine.dialect.name == "sqlite":
        if "sqlite_stat1" in pd.read_sql("SELECT name FROM sqlite_master", engine)["name"].tolist():
            stat1 = pd.read_sql("SELECT tbl, stat FROM sqlite_stat1", engine)
            stat1["rows"] = stat1["stat"].str.split().str[0].astype(int)
            recorded = stat1.groupby("tbl")["rows"].max().to_dict()
        else:
            recorded = {}
    else:
        catalog = pd.read_sql("""
            SELECT c.relname, c.reltuples, s.last_analyze, s.last_autoanalyze,
                   (SELECT count(*) FROM pg_stats p WHERE p.schemaname = current_schema()
                                                     AND p.tablename = c.relname) AS columns
            FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'""", engine)
        analysed = catalog[catalog["last_analyze"].notna() | catalog["last_autoanalyze"].notna()
                           | (catalog["columns"] > 0)]
        recorded = dict(zip(analysed["relname"], analysed["reltuples"]))
    stale = []
    for table in tables:
        real = int(pd.read_sql(f'SELECT count(*) AS n FROM "{table}"', engine)["n"][0])
        if table not in recorded or abs(recorded[table] - real) > tolerance * real:
            stale.append(table)
    return sorted(stale)
''',
            # The DBAPI connection itself; on PostgreSQL "never" read from reltuples and pg_stats
            # (reltuples is -1 until the first VACUUM, ANALYZE or CREATE INDEX; a table with rows
            # that ANALYZE saw has pg_stats rows).
            "raw_connection_reltuples": '''
def stale_tables(engine, tolerance=0.2):
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        recorded = {}
        if engine.dialect.name == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            names = [row[0] for row in cursor.fetchall()]
            tables = [name for name in names if not name.startswith("sqlite_")]
            if "sqlite_stat1" in names:
                cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
                for table, stat in cursor.fetchall():
                    recorded[table] = max(recorded.get(table, 0), int(stat.split()[0]))
        else:
            cursor.execute("""
                SELECT c.relname, c.reltuples,
                       EXISTS (SELECT 1 FROM pg_stats p WHERE p.schemaname = current_schema()
                                                         AND p.tablename = c.relname)
                FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
                                  AND c.relkind = 'r'""")
            tables = []
            for table, reltuples, has_columns in cursor.fetchall():
                tables.append(table)
                if has_columns or reltuples == 0:
                    recorded[table] = reltuples
        stale = []
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            real = cursor.fetchone()[0]
            if table not in recorded or abs(recorded[table] - real) > tolerance * real:
                stale.append(table)
        cursor.close()
        return sorted(stale)
    finally:
        connection.close()
''',
            # pandas: catalogs and counts in DataFrames, merged and compared in one vectorised
            # expression; PostgreSQL's tables listed from pg_tables.
            "pandas_merge_vectorised": '''
def stale_tables(engine, tolerance=0.2):
    """Read the catalogs with pandas, count with SQL, compare in a DataFrame."""
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        tables = pd.read_sql("SELECT name AS tbl FROM sqlite_master WHERE type = 'table' "
                             "AND substr(name, 1, 7) <> 'sqlite_'", engine)
        if "sqlite_stat1" in set(pd.read_sql("SELECT name FROM sqlite_master", engine)["name"]):
            stat = pd.read_sql("SELECT tbl, stat FROM sqlite_stat1", engine)
            stat["recorded"] = stat["stat"].str.split().str[0].astype(int)
            stat = stat.groupby("tbl", as_index=False)["recorded"].max()
        else:
            stat = pd.DataFrame({"tbl": [], "recorded": []})
    else:
        tables = pd.read_sql("SELECT tablename AS tbl FROM pg_tables WHERE schemaname = current_schema()", engine)
        stat = pd.read_sql(
            "SELECT c.relname AS tbl, c.reltuples AS recorded FROM pg_class c "
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.reltuples >= 0 "
            "AND (EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = c.relname) "
            "     OR EXISTS (SELECT 1 FROM pg_stat_user_tables u WHERE u.relid = c.oid "
            "                AND coalesce(u.last_analyze, u.last_autoanalyze) IS NOT NULL))", engine)
    quote = engine.dialect.identifier_preparer.quote
    counts = []
    with engine.connect() as connection:
        for name in tables["tbl"]:
            counts.append(connection.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar())
    tables["real"] = counts
    merged = tables.merge(stat, on="tbl", how="left")
    stale = merged["recorded"].isna() | ((merged["recorded"] - merged["real"]).abs() > tolerance * merged["real"])
    return sorted(merged.loc[stale, "tbl"].tolist())
''',
            # SQLAlchemy Core counts the rows (no SQL string for them); SQLite's row count parsed
            # in SQL (substr/instr); a missing sqlite_stat1 caught as an error; a range check.
            "core_count_and_range_check": '''
from sqlalchemy import inspect as sa_inspect, select, func, table as sa_table

def recorded_counts(connection, kind):
    """{table: recorded row count} for the tables whose statistics exist."""
    if kind == "sqlite":
        try:
            rows = connection.exec_driver_sql(
                "SELECT tbl, max(CAST(substr(stat, 1, instr(stat || ' ', ' ') - 1) AS INTEGER)) "
                "FROM sqlite_stat1 GROUP BY tbl").all()
        except Exception:  # no sqlite_stat1: ANALYZE never ran
            return {}
        return dict(rows)
    return dict(connection.exec_driver_sql(
        "SELECT c.relname, c.reltuples FROM pg_class c "
        "LEFT JOIN pg_stat_user_tables u ON u.relid = c.oid "
        "WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind = 'r' AND c.reltuples <> -1 "
        "AND (u.last_analyze IS NOT NULL OR u.last_autoanalyze IS NOT NULL "
        "     OR EXISTS (SELECT FROM pg_stats p WHERE p.schemaname = current_schema() AND p.tablename = c.relname))"
    ).all())

def stale_tables(engine, tolerance=0.2):
    kind = backendlab.engine_kind(engine)
    names = [n for n in sa_inspect(engine).get_table_names() if not n.startswith("sqlite_")]
    with engine.connect() as connection:
        recorded = recorded_counts(connection, kind)
        result = set()
        for name in names:
            real = connection.execute(select(func.count()).select_from(sa_table(name))).scalar_one()
            if name not in recorded or not (real - tolerance * real <= recorded[name] <= real + tolerance * real):
                result.add(name)
    return sorted(result)
''',
        },
    ),
}
