"""SQL for the lessons: SQLite by default, PostgreSQL when ``BACKENDLAB_DATABASE_URL`` is set.

Every notebook works in a *working copy* of the seeded shop dataset, made fresh each time its
setup cell runs. So an index created in one notebook never changes another notebook's
"before" plan, running a notebook twice starts from the same state, and two students graded
at the same time never write to the same database.

- SQLite: the pristine dataset file is copied (tens of milliseconds).
- PostgreSQL: the dataset is loaded once into a template database, and each working copy is
  ``CREATE DATABASE … TEMPLATE`` (a file-level copy inside the server).
"""

import atexit
import fcntl
import os
import re
import shutil
import tempfile
import weakref
from pathlib import Path

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from . import datasets
from .errors import CourseError
from .paths import data_dir, grading_suffix

URL_VARIABLE = "BACKENDLAB_DATABASE_URL"


def database(workspace: str, *, dataset: str | None = "shop", scale: str | None = None) -> Engine:
    """A SQLAlchemy engine on a fresh working copy called ``workspace``.

    ``dataset="shop"`` fills it with the seeded shop data (``scale`` defaults to
    ``$BACKENDLAB_SCALE`` or "full"); ``dataset=None`` gives an empty database.
    """
    if dataset not in ("shop", None):
        raise CourseError(f"There is no dataset called {dataset!r}.",
                          'use dataset="shop", or dataset=None for an empty database.')
    scale = scale or datasets.default_scale()
    name = _safe_name(workspace) + grading_suffix()
    server_url = os.environ.get(URL_VARIABLE)
    if server_url:
        return _postgres_copy(_psycopg_url(server_url), name, dataset, scale)
    return _sqlite_copy(name, dataset, scale)


def engine_kind(engine: Engine) -> str:
    """"sqlite" or "postgresql": lessons branch on this where the two engines differ."""
    return engine.dialect.name


def _safe_name(workspace: str) -> str:
    """Workspace names become file and database names: keep them to [a-z0-9_]."""
    name = re.sub(r"[^a-z0-9_]+", "_", workspace.lower()).strip("_")
    if not name:
        raise CourseError(f"{workspace!r} is not a usable workspace name.",
                          'name the workspace after the notebook, e.g. "02-sql-indexes".')
    return name[:40]


def _sqlite_copy(name: str, dataset: str | None, scale: str) -> Engine:
    folder = data_dir() / "workspaces"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.sqlite"
    in_use = _mark_in_use(target)  # before the copy exists: `data clean` never sees it unmarked
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(handle)
        if dataset == "shop":
            shutil.copyfile(datasets.shop_sqlite(scale), temporary)
        # Replace, never overwrite in place: an engine from an earlier run of the notebook keeps
        # reading its old file instead of seeing a half-copied one.
        os.replace(temporary, target)
        if grading_suffix():  # a grading kernel's copy is of no use once the kernel exits
            atexit.register(target.unlink, missing_ok=True)
        engine = sa.create_engine(f"sqlite:///{target}")
    except BaseException:
        os.close(in_use)
        raise
    weakref.finalize(engine, os.close, in_use)  # in use as long as the engine (or kernel) lives
    sa.event.listen(engine, "checkout", _reconnect_after_schema_change)
    sa.event.listen(engine, "checkin", _remember_schema_version)
    return engine


def _schema_version(dbapi_connection) -> int:
    cursor = dbapi_connection.cursor()
    try:
        return cursor.execute("PRAGMA schema_version").fetchone()[0]
    finally:
        cursor.close()


def _remember_schema_version(dbapi_connection, record) -> None:
    """Checkin: note the schema this connection knows (its own DDL included)."""
    if dbapi_connection is not None:
        record.info["schema_version"] = _schema_version(dbapi_connection)


def _reconnect_after_schema_change(dbapi_connection, record, proxy) -> None:
    """Checkout: a pooled SQLite connection whose schema another connection changed is
    replaced by a new one.

    Otherwise it answers a raw ``EXPLAIN QUERY PLAN`` with the plan of the old schema (no
    new index): an EXPLAIN never re-reads the schema, and Python's sqlite3 reuses the
    statement it prepared before. Reconnecting costs well under a millisecond, and only after
    a schema change; ``plan()`` is right either way, a learner's own EXPLAIN now is too.
    """
    known = record.info.get("schema_version")
    current = _schema_version(dbapi_connection)
    if known is not None and known != current:
        raise sa.exc.DisconnectionError("the schema changed: reconnect for fresh plans")
    record.info["schema_version"] = current


def _mark_in_use(target: Path) -> int:
    """Hold a shared lock on ``<copy>.lock`` (the returned descriptor) while the copy is used.

    ``flock`` locks belong to the open file and vanish with the process, so a kernel that
    dies never leaves a copy marked in use, and a recycled pid cannot fake one.
    """
    lock = target.with_name(target.name + ".lock")
    while True:
        descriptor = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(descriptor, fcntl.LOCK_SH)
        try:
            if os.stat(lock).st_ino == os.fstat(descriptor).st_ino:
                return descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)  # `data clean` removed this lock file meanwhile: take the new one


def clean_workspaces() -> tuple[int, int, list[str]]:
    """Delete the SQLite working copies nobody uses; return (files, bytes freed, names kept).

    Every notebook's setup cell makes its own copy of the shop data (about 40 MB each at full
    scale), and the copies stay after the lesson: a whole unit leaves over a gigabyte, which
    matters on a small disk such as Binder's. Any copy is made again, fresh, the next time its
    notebook runs. The cached dataset itself is kept, and so is every copy that a live engine
    (a running kernel, a grading run) holds: see ``_mark_in_use``.
    """
    folder = data_dir() / "workspaces"
    files, freed, kept = 0, 0, []
    for path in sorted(folder.glob("*.sqlite")):
        lock = path.with_name(path.name + ".lock")
        descriptor = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                kept.append(path.stem)
                continue
            try:
                size = path.stat().st_size
                path.unlink()
            except FileNotFoundError:
                continue
            lock.unlink(missing_ok=True)
            files, freed = files + 1, freed + size
        finally:
            os.close(descriptor)
    for lock in folder.glob("*.sqlite.lock"):  # left by copies a grading kernel deleted at exit
        if not lock.with_suffix("").exists():
            try:
                descriptor = os.open(lock, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if not lock.with_suffix("").exists():
                    lock.unlink(missing_ok=True)
            except BlockingIOError:
                pass
            finally:
                os.close(descriptor)
    return files, freed, kept


def _psycopg_url(url: str) -> sa.URL:
    """Accept postgresql:// and postgres:// URLs and use the psycopg 3 driver."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise CourseError(f"{URL_VARIABLE}={url} is not a PostgreSQL URL.",
                          f"use a URL like postgresql://user:password@host/postgres, or unset "
                          f"{URL_VARIABLE} to work on the embedded SQLite database.")
    return parsed.set(drivername="postgresql+psycopg")


def _admin_connection(server: sa.URL) -> psycopg.Connection:
    """An autocommit connection to the server's maintenance database, for CREATE DATABASE."""
    libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return psycopg.connect(libpq, autocommit=True)
    except psycopg.OperationalError as error:
        raise CourseError(
            f"Could not connect to PostgreSQL at {URL_VARIABLE}={server!r}:\n{error}",
            "start that server (or `python -m backendlab postgres start` for a private one), "
            f"or unset {URL_VARIABLE} to use the embedded SQLite database.",
        ) from None


def _postgres_copy(server: sa.URL, name: str, dataset: str | None, scale: str) -> Engine:
    template = f"backendlab_shop_{scale}_v{datasets.VERSION}"
    with _admin_connection(server) as admin:
        # One kernel at a time builds the template and swaps working copies.
        admin.execute("SELECT pg_advisory_lock(hashtext('backendlab'))")
        if dataset == "shop" and not _template_ready(admin, server, template):
            _build_template(admin, server, template, scale)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        source = f' TEMPLATE "{template}"' if dataset == "shop" else ""
        admin.execute(f'CREATE DATABASE "{name}"{source}')
    engine = sa.create_engine(server.set(database=name))
    if grading_suffix():  # a grading kernel's copy is of no use once the kernel exits
        atexit.register(_drop_database, server, engine, name)
    return engine


def _drop_database(server: sa.URL, engine: Engine, name: str) -> None:
    engine.dispose()
    with _admin_connection(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _template_ready(admin: psycopg.Connection, server: sa.URL, template: str) -> bool:
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
    if not exists:
        return False
    libpq = server.set(drivername="postgresql", database=template)
    with psycopg.connect(libpq.render_as_string(hide_password=False)) as conn:
        complete = conn.execute("SELECT to_regclass('dataset_info') IS NOT NULL").fetchone()[0]
        if not (complete and conn.execute(
                "SELECT 1 FROM dataset_info WHERE key = 'complete'").fetchone()):
            return False
        # A template loaded before the loader ran ANALYZE may have no statistics yet; the
        # working copies copy the template's, so gather them once here (we hold the lock).
        if not conn.execute("SELECT 1 FROM pg_stats WHERE schemaname = 'public' "
                            "AND tablename = 'orders' LIMIT 1").fetchone():
            conn.execute("ANALYZE")
            conn.commit()
        return True


def _build_template(admin: psycopg.Connection, server: sa.URL, template: str, scale: str) -> None:
    admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{template}"')
    libpq = server.set(drivername="postgresql", database=template)
    with psycopg.connect(libpq.render_as_string(hide_password=False)) as conn:
        datasets.load_shop_postgres(conn, scale)
        conn.execute("INSERT INTO dataset_info (key, value) VALUES ('complete', 'yes')")
        conn.commit()


def describe(engine: Engine) -> str:
    """One line saying which engine and which copy a notebook is working on."""
    with engine.connect() as connection:
        if engine_kind(engine) == "sqlite":
            version = "SQLite " + connection.exec_driver_sql("SELECT sqlite_version()").scalar()
        else:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
            version = f"PostgreSQL {version.split()[0]}"
        tables = sa.inspect(connection).get_table_names()
        orders = (connection.exec_driver_sql("SELECT count(*) FROM orders").scalar()
                  if "orders" in tables else None)
    contents = f"{orders:,} orders" if orders is not None else "empty"
    return f"{version}, working copy {Path(engine.url.database).stem} ({contents})"
