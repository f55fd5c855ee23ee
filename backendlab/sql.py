"""SQL for the lessons: SQLite by default, PostgreSQL when ``BACKENDLAB_DATABASE_URL`` is set.

Every notebook works in a *working copy* of the seeded shop dataset, made fresh each time its
setup cell runs. So an index created in one notebook never changes another notebook's
"before" plan, running a notebook twice starts from the same state, and two students graded
at the same time never write to the same database.

- SQLite: the pristine dataset file is copied (tens of milliseconds).
- PostgreSQL: the dataset is loaded once into a template database, and each working copy is
  ``CREATE DATABASE … TEMPLATE`` (a file-level copy inside the server), which only its
  owner may enter. A sandboxed grading kernel is not given the superuser: it gets a role of
  its own and asks the grader's broker for its copies (see "grading kernels" below).
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import re
import secrets
import shutil
import socket
import tempfile
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from . import datasets
from .errors import CourseError
from .paths import data_dir, grading_suffix

if TYPE_CHECKING:  # psycopg is imported where PostgreSQL is used: a SQLite notebook (and
    import psycopg  # every student graded on it) does not pay the 0.2 s of CPU its import costs

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
    broker = os.environ.get(BROKER_VARIABLE)
    if server_url and broker:  # a sandboxed grading kernel (see "grading kernels" below)
        return _brokered_copy(broker, _psycopg_url(server_url), workspace, dataset, scale)
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
            atexit.register(_remove_copy, target)
        engine = sa.create_engine(f"sqlite:///{target}")
        if grading_suffix():
            sa.event.listen(engine, "connect", _without_fsync)
    except BaseException:
        os.close(in_use)
        raise
    weakref.finalize(engine, os.close, in_use)  # in use as long as the engine (or kernel) lives
    sa.event.listen(engine, "checkout", _reconnect_after_schema_change)
    sa.event.listen(engine, "checkin", _remember_schema_version)
    return engine


def _without_fsync(dbapi_connection, record) -> None:
    """A grading kernel's copy is thrown away when the kernel exits, so nothing is lost if the
    machine stops mid-write: its commits need not wait for the disk (``fsync``), which on a
    machine grading a class costs tens of milliseconds per commit. Results are the same; only
    the lessons' timings of commits change, and nobody reads those under grading."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous = OFF")
    finally:
        cursor.close()


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


def _remove_copy(target: Path) -> None:
    """A grading kernel's copy and its lock file, at exit (the locks piled up in the
    workspaces folder, one per graded notebook)."""
    target.unlink(missing_ok=True)
    target.with_name(target.name + ".lock").unlink(missing_ok=True)


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
    import psycopg
    libpq = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        return psycopg.connect(libpq, autocommit=True)
    except psycopg.OperationalError as error:
        if "password" in str(error) and "passfile" not in server.query:
            fix = ("the course's private PostgreSQL asks for a password since this version, and "
                   "its URL now names the file holding it: run  export "
                   f"{URL_VARIABLE}=$(python -m backendlab postgres start)  again, then restart "
                   "JupyterLab from that shell.")
        else:
            fix = ("start that server (or `python -m backendlab postgres start` for a private "
                   f"one), or unset {URL_VARIABLE} to use the embedded SQLite database.")
        raise CourseError(
            f"Could not connect to PostgreSQL at {URL_VARIABLE}={server!r}:\n{error}", fix) from None


def _postgres_copy(server: sa.URL, name: str, dataset: str | None, scale: str) -> Engine:
    with _admin_connection(server) as admin:
        make_copy(admin, server, name, dataset, scale)
    engine = sa.create_engine(server.set(database=name))
    if grading_suffix():  # a grading kernel's copy is of no use once the kernel exits
        atexit.register(_drop_database, server, engine, name)
    return engine


def _drop_database(server: sa.URL, engine: Engine, name: str) -> None:
    engine.dispose()
    with _admin_connection(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_copy(admin: psycopg.Connection, server: sa.URL, name: str, dataset: str | None,
              scale: str, owner: str | None = None) -> None:
    """(Re)make the working copy ``name``, as the superuser on ``admin``.

    Nobody but its owner (``owner``, else the superuser) may connect to it: it is made with
    connections forbidden, CONNECT is revoked from PUBLIC, and only then are connections
    allowed, so that no other role gets in between. An ``owner`` also gets its tables
    (indexes, sequences and types follow them): a lesson's CREATE INDEX, ANALYZE, VACUUM or
    ALTER TABLE need the table's owner, not the superuser.
    """
    import psycopg
    template = f"backendlab_shop_{scale}_v{datasets.VERSION}"
    # One at a time builds the template and swaps working copies. A session lock on the
    # maintenance database, which only the superuser may enter (see ``lock_down``).
    admin.execute("SELECT pg_advisory_lock(hashtext('backendlab'))")
    try:
        if dataset == "shop" and not _template_ready(admin, server, template):
            _build_template(admin, server, template, scale)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        source = f' TEMPLATE "{template}"' if dataset == "shop" else ""
        owned = f' OWNER "{owner}"' if owner else ""
        admin.execute(f'CREATE DATABASE "{name}"{source}{owned} ALLOW_CONNECTIONS false')
        admin.execute(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    finally:
        admin.execute("SELECT pg_advisory_unlock(hashtext('backendlab'))")
    if owner:
        libpq = server.set(drivername="postgresql", database=name)
        with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as conn:
            tables = conn.execute(
                "SELECT format('%%I.%%I', n.nspname, c.relname) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%%' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                "AND pg_get_userbyid(c.relowner) <> %s", [owner]).fetchall()
            for (table,) in tables:
                conn.execute(f'ALTER TABLE {table} OWNER TO "{owner}"')


def _template_ready(admin: psycopg.Connection, server: sa.URL, template: str) -> bool:
    import psycopg
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
    if not exists:
        return False
    admin.execute(f'REVOKE ALL ON DATABASE "{template}" FROM PUBLIC')  # read by the superuser only
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
    import psycopg
    admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{template}"')
    admin.execute(f'REVOKE ALL ON DATABASE "{template}" FROM PUBLIC')
    libpq = server.set(drivername="postgresql", database=template)
    with psycopg.connect(libpq.render_as_string(hide_password=False)) as conn:
        datasets.load_shop_postgres(conn, scale)
        conn.execute("INSERT INTO dataset_info (key, value) VALUES ('complete', 'yes')")
        conn.commit()


# --- grading kernels: an unprivileged role each, copies made for them -----------------------
#
# A grading kernel runs someone else's code. As the superuser it could drop or read every
# other kernel's copy, change the templates, or run shell commands as the server's user
# (COPY … TO PROGRAM). So the grader (``backendlab.grading.kernel``) makes it a role of its
# own, which may log in and nothing else, and a broker outside the sandbox makes the copies
# its notebook asks for, owned by that role (``make_copy``). The kernel never holds the
# superuser's password: it connects with its role's.

BROKER_VARIABLE = "BACKENDLAB_DATABASE_BROKER"  # the broker's unix socket, inside the sandbox
KERNEL_ROLE_PREFIX = "backendlab_kernel_"
# Per kernel role: one kernel cannot take every connection, yet the capstone's checks hold a
# few engines at once, one of them serving 8 clients (20 was too few: 500s "too many
# connections for role" failed a correct answer).
KERNEL_CONNECTIONS = 50


def lock_down(admin: psycopg.Connection) -> None:
    """Close the maintenance databases and the superuser's own databases (templates, working
    copies made before this version) to roles other than their owners. Idempotent."""
    from psycopg import sql as pgsql
    names = admin.execute(
        "SELECT datname FROM pg_database WHERE datallowconn AND (datname IN ('postgres', "
        "'template1') OR datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user)) "
        "AND has_database_privilege('public', oid, 'CONNECT')").fetchall()
    for (name,) in names:
        admin.execute(pgsql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(
            pgsql.Identifier(name)))


def _check_grading_server(admin: psycopg.Connection) -> None:
    """Grading needs the superuser (it makes roles, and copies owned by them), and a server
    that asks the kernels' roles for their passwords: with "trust" a kernel could log in as
    anyone, with "peer" or "ident" as the grader (the kernel runs as the grader's user)."""
    if not admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
        raise CourseError(
            f"Grading on PostgreSQL gives every kernel a role of its own, and {URL_VARIABLE} "
            "names a role that is not a superuser, so it may not create them.",
            "grade with the course's private PostgreSQL (`python -m backendlab postgres start` "
            f"prints its URL), or with a superuser's URL, or unset {URL_VARIABLE} to grade on "
            "SQLite.")
    loose = admin.execute(
        "SELECT line_number, type, auth_method FROM pg_hba_file_rules WHERE error IS NULL AND "
        "auth_method IN ('trust', 'peer', 'ident') AND NOT database @> ARRAY['replication']"
        ).fetchall()
    if loose:
        lines = ", ".join(f"line {line} ({kind} {method})" for line, kind, method in loose)
        raise CourseError(
            f"This PostgreSQL lets connections in without a password (pg_hba.conf {lines}): a "
            "grading kernel, which runs as your user, could log in as you or as any role.",
            "grade with the course's private PostgreSQL (`python -m backendlab postgres start`), "
            "or make that server ask for passwords (scram-sha-256), or unset "
            f"{URL_VARIABLE} to grade on SQLite.")


def create_kernel_role(admin: psycopg.Connection, tag: str) -> tuple[str, str]:
    """A login role for one grading kernel: no superuser, no CREATEDB, no CREATEROLE, no
    replication, a few connections; returns (name, password)."""
    from psycopg import sql as pgsql
    if not re.fullmatch(r"[a-z0-9]{1,32}", tag):
        raise ValueError(f"not a kernel tag: {tag!r}")
    _check_grading_server(admin)
    lock_down(admin)
    drop_orphaned_kernel_roles(admin)
    role, password = KERNEL_ROLE_PREFIX + tag, secrets.token_urlsafe(24)
    # One transaction: another grader's drop_orphaned_kernel_roles must never see the role
    # without its comment (it would take it for an orphan and drop a live kernel's role).
    with admin.transaction():
        admin.execute(pgsql.SQL(
            "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
            "CONNECTION LIMIT {} PASSWORD {}").format(
                pgsql.Identifier(role), pgsql.Literal(KERNEL_CONNECTIONS), pgsql.Literal(password)))
        admin.execute(pgsql.SQL("COMMENT ON ROLE {} IS {}").format(
            pgsql.Identifier(role), pgsql.Literal(f"{GRADER_COMMENT}{os.getpid()}")))
    return role, password


GRADER_COMMENT = "made by the backendlab grader with pid "


def drop_orphaned_kernel_roles(admin: psycopg.Connection) -> None:
    """Drop the kernel roles (and their copies) of grading processes that are gone.

    A grading process drops its kernels' roles as they end and at exit; one that was killed
    (out of memory, a timeout, Ctrl-C twice) cannot. Each role names its grader's pid, so
    roles of another grading run still going are left alone."""
    rows = admin.execute(
        "SELECT rolname, shobj_description(oid, 'pg_authid') FROM pg_roles "
        "WHERE starts_with(rolname, %s)", [KERNEL_ROLE_PREFIX]).fetchall()
    for role, comment in rows:
        pid = (comment or "").removeprefix(GRADER_COMMENT)
        if pid.isdigit() and Path(f"/proc/{pid}").exists():
            continue
        drop_kernel_role(admin, role)


def drop_kernel_role(admin: psycopg.Connection, role: str) -> None:
    """Drop the databases ``role`` owns (its kernel is gone), then the role."""
    from psycopg import sql as pgsql
    owned = admin.execute("SELECT datname FROM pg_database WHERE datdba = "
                          "(SELECT oid FROM pg_roles WHERE rolname = %s)", [role]).fetchall()
    for (name,) in owned:
        admin.execute(pgsql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            pgsql.Identifier(name)))
    if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
        # rights other kernels granted it on their copies: revoked, or DROP ROLE refuses
        admin.execute(pgsql.SQL("DROP OWNED BY {}").format(pgsql.Identifier(role)))
    admin.execute(pgsql.SQL("DROP ROLE IF EXISTS {}").format(pgsql.Identifier(role)))


def kernel_copy_name(workspace: str, tag: str) -> str:
    """The copy a kernel gets for ``workspace``: named by the broker, never by the kernel."""
    return f"{_safe_name(workspace)}-g{tag}"


def serve_copy(server: sa.URL, role: str, tag: str, request: dict) -> dict:
    """The broker's answer to one request of a kernel: {"database": name} or {"what", "fix"}.

    ``request`` comes from untrusted code: only its workspace, dataset and scale are used, and
    each is checked; the copy's name always ends with this kernel's own tag."""
    try:
        if not isinstance(request, dict):
            raise CourseError("The request to the database broker was not understood.",
                              "call backendlab.database(...) to get a working copy.")
        dataset, scale = request.get("dataset", "shop"), request.get("scale")
        if dataset not in ("shop", None):
            raise CourseError(f"There is no dataset called {dataset!r}.",
                              'use dataset="shop", or dataset=None for an empty database.')
        if scale not in datasets.SCALES:
            raise CourseError(f"There is no dataset scale called {scale!r}.",
                              f"use scale={' or scale='.join(map(repr, datasets.SCALES))}.")
        workspace = request.get("workspace")
        if not isinstance(workspace, str):
            raise CourseError(f"{workspace!r} is not a usable workspace name.",
                              'name the workspace after the notebook, e.g. "02-sql-indexes".')
        name = kernel_copy_name(workspace, tag)
        with _admin_connection(server) as admin:
            make_copy(admin, server, name, dataset, scale, owner=role)
        return {"database": name}
    except CourseError as error:
        return {"what": error.what_happened, "fix": error.how_to_fix}
    except Exception as error:  # noqa: BLE001 - said to the kernel, never a dead broker
        return {"what": f"The database broker could not make the copy: {error}",
                "fix": "run the cell again; if it fails the same way, tell your instructor."}


def _brokered_copy(broker: str, kernel_url: sa.URL, workspace: str, dataset: str | None,
                   scale: str) -> Engine:
    """Ask the grader's broker (outside the sandbox) for a working copy; connect as this
    kernel's own role."""
    request = json.dumps({"workspace": workspace, "dataset": dataset, "scale": scale})
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        try:
            connection.connect(broker)
            connection.sendall(request.encode() + b"\n")
            answer = json.loads(connection.makefile("rb").readline() or b"{}")
        except (OSError, ValueError) as error:
            raise CourseError(f"The grading database broker at {broker} did not answer: {error}",
                              "this kernel's database is gone; the grader reports it.") from None
    if "database" not in answer:
        raise CourseError(answer.get("what", "The database broker gave no answer."),
                          answer.get("fix", "tell your instructor."))
    return sa.create_engine(kernel_url.set(database=answer["database"]))


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
