"""Grading kernels on PostgreSQL: each one a role of its own, unable to touch anything else.

A submission's code runs in the grading kernel. Were it the cluster's superuser, it could drop
or rewrite other kernels' working copies and the templates they are made from, read any
database, create roles, or run shell commands as the server's user (COPY … TO PROGRAM). Here a
kernel's role is made by the grader (``backendlab.grading.kernel.DatabaseBroker``); these tests
try, as that role, everything a malicious answer would.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

import backendlab
from backendlab import datasets, sql
from backendlab.grading import kernel as grading_kernel
from backendlab.paths import data_dir
from backendlab.services import postgres_server
from tests.machine import make_course, missing

pytestmark = pytest.mark.postgres

TEMPLATE = f"backendlab_shop_small_v{datasets.VERSION}"


@pytest.fixture
def server(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The grader's view: the private PostgreSQL's (superuser's) URL in the environment."""
    monkeypatch.setenv("BACKENDLAB_DATABASE_URL", postgres_url)
    monkeypatch.delenv(sql.BROKER_VARIABLE, raising=False)
    backendlab.database("isolation-warm-up").dispose()  # the template exists
    return postgres_url


def superuser() -> psycopg.Connection:
    url = sa.make_url(postgres_server.url()).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def lost_in_template() -> int:
    """Orders marked lost in the template (closed at once: a session there blocks copies)."""
    url = sa.make_url(postgres_server.url(TEMPLATE)).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as connection:
        return connection.execute("SELECT count(*) FROM orders WHERE status = 'lost'").fetchone()[0]


def role_exists(role: str) -> bool:
    with superuser() as admin:
        return bool(admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone())


@contextmanager
def grading_kernel_environment(tag: str) -> Iterator[dict[str, str]]:
    """What a sandboxed kernel gets (its role's URL, its broker's socket), as while grading;
    the kernel ends (nbgrader removes its private folder) when the block ends."""
    private = Path(tempfile.mkdtemp(prefix="backendlab-kernel-"))
    environment = grading_kernel._postgres_for_kernel(private, tag, [])
    try:
        yield environment
    finally:
        shutil.rmtree(private, ignore_errors=True)
        role = sql.KERNEL_ROLE_PREFIX + tag
        for _ in range(100):
            if not role_exists(role):
                break
            time.sleep(0.05)


@contextmanager
def as_kernel(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with monkeypatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        yield


def connect_as_kernel(environment: dict[str, str], database: str,
                      user: str | None = None, password: str | None = None) -> psycopg.Connection:
    url = sa.make_url(environment["BACKENDLAB_DATABASE_URL"]).set(
        drivername="postgresql", database=database)
    if user is not None:
        url = url.set(username=user, password=password)
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True,
                           connect_timeout=5)


def count_lost(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM orders WHERE status = 'lost'").scalar_one()


def test_the_private_postgresql_asks_every_role_for_a_password(server: str) -> None:
    """With "trust", a kernel reaching the socket could name itself superuser."""
    url = sa.make_url(server)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(host=url.query["host"], user=postgres_server.SUPERUSER, dbname="postgres",
                        passfile="/nonexistent", connect_timeout=5).close()
    assert "passfile=" in server and "@/" in server  # no secret in the URL itself
    assert oct(postgres_server.password_file().stat().st_mode & 0o777) == "0o600"


def test_a_url_from_before_passwords_says_how_to_get_the_new_one(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A learner's shell may still export the URL of the old, password-less server."""
    from backendlab.errors import CourseError  # noqa: PLC0415

    old = sa.make_url(server).difference_update_query(["passfile"])
    monkeypatch.setenv("BACKENDLAB_DATABASE_URL", old.render_as_string(hide_password=False))
    with pytest.raises(CourseError, match=r"postgres start\)  again, then restart JupyterLab"):
        backendlab.database("old-url")


def test_a_kernel_gets_its_own_role_never_the_superuser(server: str) -> None:
    with grading_kernel_environment("own1") as environment:
        url = sa.make_url(environment["BACKENDLAB_DATABASE_URL"])
        assert url.username == "backendlab_kernel_own1"
        assert "passfile" not in url.query and url.password  # its own password, no file of the grader
        with superuser() as admin:
            rights = admin.execute(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls "
                "FROM pg_roles WHERE rolname = %s", [url.username]).fetchone()
        assert rights == (False, False, False, False, False)
    assert not role_exists("backendlab_kernel_own1")


def test_a_kernel_does_its_lessons_as_the_owner_of_its_copy(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit 2 creates indexes and tables, runs ANALYZE and VACUUM, reads pg_stats and plans."""
    with grading_kernel_environment("lesson1") as environment, as_kernel(environment, monkeypatch):
        shop = backendlab.database("02-lesson")
        assert shop.url.database == "02_lesson-glesson1"
        assert shop.url.username == "backendlab_kernel_lesson1"
        with shop.begin() as connection:
            connection.exec_driver_sql("CREATE INDEX idx_orders_customer ON orders (customer_id)")
            connection.exec_driver_sql("CREATE TABLE imported AS SELECT * FROM customers")
            connection.exec_driver_sql("ALTER TABLE imported SET (autovacuum_enabled = false)")
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("UPDATE orders SET status = 'lost' WHERE id < 10")
            plan = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM orders WHERE customer_id = 7").scalar()
            stats = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'imported'").scalar_one()
        with shop.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM orders")
        assert "idx_orders_customer" in json.dumps(plan) and stats > 0
        assert count_lost(shop) == 9
        empty = backendlab.database("02-empty", dataset=None)
        with empty.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE mine (id int)")
        again = backendlab.database("02-lesson")  # running the setup cell again: a fresh copy
        assert count_lost(again) == 0
        for engine in (shop, empty, again):
            engine.dispose()


def test_a_kernel_cannot_touch_another_kernels_copy_or_the_template(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything a malicious answer would try, as its kernel's role: all refused."""
    with grading_kernel_environment("victim1") as victim, \
            grading_kernel_environment("attack1") as attacker:
        with as_kernel(victim, monkeypatch):
            victims_copy = backendlab.database("02-statistics")
        with as_kernel(attacker, monkeypatch):
            own = backendlab.database("02-statistics").url.database
        theirs = victims_copy.url.database
        assert own != theirs

        for database in (theirs, TEMPLATE, "postgres", "template1"):  # no way in
            with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
                connect_as_kernel(attacker, database)
        with pytest.raises(psycopg.OperationalError, match="password"):  # not the superuser
            connect_as_kernel(attacker, own, user=postgres_server.SUPERUSER)
        victim_role = sa.make_url(victim["BACKENDLAB_DATABASE_URL"]).username
        with pytest.raises(psycopg.OperationalError, match="password"):  # nor the victim
            connect_as_kernel(attacker, own, user=victim_role, password="guess")

        marker = Path(tempfile.gettempdir()) / f"pwned-by-copy-to-program-{os.getpid()}"
        refused = {
            "drop another copy": f'DROP DATABASE "{theirs}"',
            "drop the template": f'DROP DATABASE "{TEMPLATE}"',
            "rename the template": f'ALTER DATABASE "{TEMPLATE}" RENAME TO stolen',
            "take the template": f'ALTER DATABASE "{TEMPLATE}" OWNER TO {sa.make_url(attacker["BACKENDLAB_DATABASE_URL"]).username}',
            "open another copy": f'GRANT CONNECT ON DATABASE "{theirs}" TO PUBLIC',
            "run a shell command": f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'",
            "read a server file": "SELECT pg_read_file('/etc/passwd')",
            "import a server file": "SELECT lo_import('/etc/passwd')",
            "create a role": "CREATE ROLE helper LOGIN SUPERUSER",
            "create a database": "CREATE DATABASE mine",
            "become superuser": "ALTER ROLE CURRENT_USER SUPERUSER",
            "join the victim's role": f"GRANT {victim_role} TO CURRENT_USER",
            "end other sessions": "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE usename <> CURRENT_USER AND backend_type = 'client backend'",
            "change the server's settings": "ALTER SYSTEM SET fsync = off",
        }
        outcomes = {}
        with connect_as_kernel(attacker, own) as connection:
            for attack, statement in refused.items():
                try:
                    result = connection.execute(statement)
                    rows = result.fetchall() if result.description else []
                    outcomes[attack] = f"allowed: {rows}"
                except psycopg.errors.InsufficientPrivilege:
                    outcomes[attack] = "refused"
                except psycopg.Error as error:
                    outcomes[attack] = f"{type(error).__name__}: {error}"
        # pg_terminate_backend of others' sessions is refused row by row, as a WARNING and false
        if outcomes["end other sessions"].startswith("allowed"):
            assert "True" not in outcomes["end other sessions"]
            outcomes["end other sessions"] = "refused"
        assert outcomes == dict.fromkeys(refused, "refused")
        assert not marker.exists()
        assert count_lost(victims_copy) == 0  # the victim's copy still works, untouched
        with superuser() as admin:
            assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone()
        victims_copy.dispose()


def test_the_broker_names_the_copy_whatever_the_kernel_asks(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel cannot ask for another kernel's copy, the template, or a database of its own
    naming; bad requests get a CourseError's text, and the broker keeps serving."""
    with grading_kernel_environment("names1") as environment:
        broker = environment[sql.BROKER_VARIABLE]

        def ask(request: bytes) -> dict:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.connect(broker)
                connection.sendall(request + b"\n")
                return json.loads(connection.makefile("rb").readline())

        def request(**fields: object) -> bytes:
            return json.dumps({"workspace": "x", "dataset": "shop", "scale": "small", **fields}).encode()

        assert ask(request(workspace="02-x-gvictim1")) == {"database": "02_x_gvictim1-gnames1"}
        assert ask(request(workspace=TEMPLATE))["database"].endswith("-gnames1")
        assert ask(request(workspace="postgres"))["database"] == "postgres-gnames1"
        assert "no dataset scale" in ask(request(scale="huge"))["what"]
        assert "no dataset called" in ask(request(dataset="../../etc"))["what"]
        assert "not a usable workspace" in ask(request(workspace="!!!"))["what"]
        assert "not understood" in ask(b"garbage")["what"]
        assert ask(request(workspace="still-serving")) == {"database": "still_serving-gnames1"}
        with monkeypatch.context() as patch:  # its own tag faked: the broker names it anyway
            for name, value in environment.items():
                patch.setenv(name, value)
            patch.setenv("NBGRADER_EXECUTION", "autograde")
            patch.setenv("BACKENDLAB_KERNEL_TAG", "victim1")
            engine = backendlab.database("02-x")
            assert engine.url.database == "02_x-gnames1"
            engine.dispose()


def test_a_kernels_copies_and_role_go_when_it_ends(server: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with grading_kernel_environment("ends1") as environment, as_kernel(environment, monkeypatch):
        backendlab.database("02-kept-while-alive").dispose()
        backendlab.database("02-empty-too", dataset=None).dispose()
        with superuser() as admin:
            owned = admin.execute("SELECT count(*) FROM pg_database d JOIN pg_roles r "
                                  "ON r.oid = d.datdba WHERE r.rolname = 'backendlab_kernel_ends1'"
                                  ).fetchone()
        assert owned == (2,)
    with superuser() as admin:
        left = admin.execute("SELECT datname FROM pg_database WHERE datname LIKE '%%-gends1'"
                             ).fetchall()
    assert left == [] and not role_exists("backendlab_kernel_ends1")


def test_the_roles_of_a_grading_process_that_was_killed_go_with_the_next_kernel(
        server: str) -> None:
    """A killed grader cannot drop its kernels' roles: the next one drops those whose grader
    is gone, and leaves a living grader's alone."""
    with superuser() as admin:
        gone, alive = sql.create_kernel_role(admin, "killed1")[0], sql.create_kernel_role(admin, "alive1")[0]
        dead_pid = _a_dead_pid()
        admin.execute(f"COMMENT ON ROLE {gone} IS '{sql.GRADER_COMMENT}{dead_pid}'")
        sql.create_kernel_role(admin, "next1")
    assert not role_exists(gone) and role_exists(alive)
    with superuser() as admin:
        for role in (alive, "backendlab_kernel_next1"):
            sql.drop_kernel_role(admin, role)


def test_a_role_being_made_is_never_taken_for_an_orphan(server: str) -> None:
    """Graders run side by side (``grade --jobs``): one making a kernel's role while another
    sweeps orphans must not lose it (the sweep once saw a role before its grader's comment)."""
    made, stop = [], threading.Event()

    def sweep() -> None:
        with superuser() as admin:
            while not stop.is_set():
                sql.drop_orphaned_kernel_roles(admin)

    sweeper = threading.Thread(target=sweep)
    sweeper.start()
    try:
        with superuser() as admin:
            made = [sql.create_kernel_role(admin, f"busy{n}")[0] for n in range(40)]
    finally:
        stop.set()
        sweeper.join()
    lost = [role for role in made if not role_exists(role)]
    with superuser() as admin:
        for role in made:
            sql.drop_kernel_role(admin, role)
    assert lost == []


def _a_dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_broker_that_cannot_listen_leaves_no_role(server: str, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        grading_kernel.DatabaseBroker(server, tmp_path / "gone", "nolisten1")
    assert not role_exists("backendlab_kernel_nolisten1")


def test_a_role_another_kernel_granted_rights_to_still_goes(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernel may open its own copy to another kernel's role (harming only itself); the other
    role must still be dropped when its kernel ends (DROP ROLE refuses a role holding rights)."""
    with grading_kernel_environment("opener1") as opener:
        with grading_kernel_environment("grantee1") as grantee:
            with as_kernel(opener, monkeypatch):
                opened = backendlab.database("02-opened")
            with opened.connect() as connection:
                connection.exec_driver_sql(
                    f'GRANT CONNECT ON DATABASE "{opened.url.database}" TO backendlab_kernel_grantee1')
                connection.commit()
            opened.dispose()
        assert not role_exists("backendlab_kernel_grantee1")


def test_a_server_that_lets_kernels_in_without_a_password_is_refused() -> None:
    """With "trust" (or "peer", the kernel running as the grader's user) a kernel could log
    in as the superuser whatever its URL says: grading refuses such a server."""
    from backendlab.errors import CourseError  # noqa: PLC0415

    class Answers:
        def __init__(self, rows: list) -> None:
            self.rows = rows

        def fetchone(self) -> tuple:
            return self.rows[0]

        def fetchall(self) -> list:
            return self.rows

    class DebianDefaults:  # a superuser connection to a server with Debian's pg_hba.conf
        def execute(self, query: str, *args: object) -> Answers:
            if "rolsuper" in query:
                return Answers([(True,)])
            return Answers([(118, "local", "peer"), (123, "local", "peer")])

    with pytest.raises(CourseError, match=r"without a password \(pg_hba.conf line 118 \(local "
                                          r"peer\), line 123"):
        sql._check_grading_server(DebianDefaults())


def test_a_url_that_may_not_create_roles_is_explained(server: str, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    """A grader pointing at a server as an ordinary role cannot make kernel roles: it is told
    what to do instead, no kernel starts with the grader's own rights."""
    from backendlab.errors import CourseError  # noqa: PLC0415

    with superuser() as admin:
        admin.execute("DROP ROLE IF EXISTS plain_teacher")
        admin.execute("CREATE ROLE plain_teacher LOGIN CREATEDB PASSWORD 'teach'")
        admin.execute("GRANT CONNECT ON DATABASE postgres TO plain_teacher")
    try:
        url = sa.make_url(server).set(username="plain_teacher", password="teach")
        url = url.difference_update_query(["passfile"])
        monkeypatch.setenv("BACKENDLAB_DATABASE_URL", url.render_as_string(hide_password=False))
        with pytest.raises(CourseError, match="not a superuser"):
            grading_kernel._postgres_for_kernel(tmp_path, "plain1", [])
    finally:
        with superuser() as admin:
            admin.execute("REVOKE ALL ON DATABASE postgres FROM plain_teacher")
            admin.execute("DROP ROLE IF EXISTS plain_teacher")


# --- in the real grading sandbox ------------------------------------------------------------

ATTACK = textwrap.dedent("""
    import json, os, sys
    import psycopg, sqlalchemy as sa
    import backendlab
    mine = backendlab.database("02-attack")  # its own copy, through the broker
    url = sa.make_url(os.environ["BACKENDLAB_DATABASE_URL"])
    host = url.query["host"]
    seen = {"own copy rows": backendlab.describe(mine), "environment": sorted(
        name for name, value in os.environ.items() if "passfile" in value or "superuser" in value)}
    with mine.connect() as connection:
        databases = connection.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
    for user, password in (("backendlab", None), ("backendlab", ""), ("postgres", None),
                           (url.username, url.password)):
        for database in databases:
            if database == mine.url.database:
                continue
            try:
                with psycopg.connect(host=host, user=user, password=password, dbname=database,
                                     connect_timeout=3, autocommit=True) as conn:
                    conn.execute("UPDATE orders SET status = 'lost'")
                    seen[f"{user}@{database}"] = "UPDATED"
            except psycopg.Error as error:
                seen.setdefault("refused", 0)
                seen["refused"] += 1
    with psycopg.connect(host=host, user=url.username, password=url.password,
                         dbname=mine.url.database, autocommit=True) as conn:
        for database in databases:
            try:
                conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
                seen[f"dropped {database}"] = True
            except psycopg.Error:
                pass
    print(json.dumps(seen))
""")


def test_an_answer_in_the_grading_sandbox_cannot_change_another_copy(
        server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In bubblewrap, with PostgreSQL's socket hard-linked in: a copy another kernel holds, a
    learner's copy, and the template come through an attack on every database, as every user."""
    problem = grading_kernel.grading_sandbox_problem()  # bubblewrap's own problems included
    if problem:
        missing(f"the grading sandbox cannot run here: {problem}")
    learners = backendlab.database("learners-own")  # made as the superuser
    with grading_kernel_environment("victim3") as victim, as_kernel(victim, monkeypatch):
        victims_copy = backendlab.database("02-statistics")
        course = tmp_path / "course"
        notebook_folder = course / "autograded" / "mallory" / "unit"
        notebook_folder.mkdir(parents=True)
        (course / "nbgrader_config.py").write_text("")
        private = Path(tempfile.mkdtemp(prefix="backendlab-kernel-"))
        try:
            with monkeypatch.context() as patch:
                patch.setenv("BACKENDLAB_DATABASE_URL", server)  # the grader's environment
                patch.delenv(sql.BROKER_VARIABLE, raising=False)
                command = grading_kernel.sandbox_command(
                    [sys.executable, "-c", ATTACK], cwd=notebook_folder, private=private,
                    course=course, data=data_dir(), tag="mallory1", cgroup=None)
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        assert done.returncode == 0, done.stdout + done.stderr
        seen = json.loads(done.stdout.splitlines()[-1])
        assert "working copy 02_attack-gmallory1 (20,000 orders)" in seen["own copy rows"]
        assert seen["environment"] == []  # no superuser URL or password file handed in
        assert not [key for key in seen if key.endswith("UPDATED") or key.startswith("dropped")], seen
        assert seen["refused"] > 0
        assert count_lost(victims_copy) == 0
        victims_copy.dispose()
    assert count_lost(learners) == 0
    with superuser() as admin:
        assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone()
    assert lost_in_template() == 0
    learners.dispose()


# --- a class graded on PostgreSQL -----------------------------------------------------------

UNIT = "00-orientation"
ROOT = Path(__file__).resolve().parent.parent
MARKER = Path(tempfile.gettempdir()) / "pwned-by-a-postgresql-answer"
# Run while another student is graded: every database the kernel can name, as every role it
# can think of; then, from its own copy, drop them and run a shell command on the server.
CLASS_ATTACK = textwrap.dedent(f"""
    import os, psycopg, sqlalchemy as sa
    url = sa.make_url(os.environ["BACKENDLAB_DATABASE_URL"])
    with shop.connect() as connection:
        names = connection.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
    others = [name for name in names if name != shop.url.database]
    for user, password in (("backendlab", None), ("postgres", None), (url.username, url.password)):
        for name in others:
            try:
                with psycopg.connect(host=url.query["host"], user=user, password=password,
                                     dbname=name, connect_timeout=3, autocommit=True) as conn:
                    conn.execute("UPDATE orders SET status = 'lost'")
            except psycopg.Error:
                pass
    with psycopg.connect(host=url.query["host"], user=url.username, password=url.password,
                         dbname=shop.url.database, autocommit=True) as conn:
        for statement in [*(f'DROP DATABASE "{{name}}" WITH (FORCE)' for name in others),
                          "COPY (SELECT 1) TO PROGRAM 'touch {MARKER}'"]:
            try:
                conn.execute(statement)
            except psycopg.Error:
                pass
""")


def test_an_attack_graded_on_postgresql_changes_nobody_elses_grade(
        server: str, tmp_path: Path) -> None:
    """`backendlab grade` of two students at once on PostgreSQL, one of them an attacker whose
    answer also holds the model answer: both get the solution's full marks (the attack changed
    no copy and no template), no shell command ran, and no kernel role or copy is left."""
    import nbformat  # noqa: PLC0415

    from backendlab.grading import instructor  # noqa: PLC0415

    if grading_kernel.grading_sandbox_problem():
        missing(f"the grading sandbox cannot run here: {grading_kernel.grading_sandbox_problem()}")
    course = tmp_path / "course"
    make_course(course, UNIT, release=True)
    for student in ("aaa-attacker", "zzz-honest"):
        shutil.copytree(course / "source" / UNIT, course / "submitted" / student / UNIT)
    attacked = course / "submitted" / "aaa-attacker" / UNIT / "01-sql-warmup.ipynb"
    notebook = nbformat.read(attacked, 4)
    for cell in notebook.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "ex1-answer":
            cell.source = CLASS_ATTACK + "\n" + cell.source
    nbformat.write(notebook, attacked)

    results = {result.student: result for result in instructor.grade_unit(course, UNIT, jobs=2)}

    assert [result.problem for result in results.values()] == ["", ""]
    honest, attacker = results["zzz-honest"], results["aaa-attacker"]
    assert honest.score == honest.max_score > 0
    assert attacker.score == honest.score
    assert not MARKER.exists()
    with superuser() as admin:
        left = admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'backendlab_kernel_%%' UNION ALL "
            "SELECT datname FROM pg_database WHERE datname LIKE '00_sql_warmup-g%%'").fetchall()
    assert left == []
    assert lost_in_template() == 0
