"""A private, real PostgreSQL started on demand from the ``initdb``/``pg_ctl`` programs.

The cluster lives in the per-user data folder and listens only on a unix socket (no TCP
port, so nothing on the network can reach it). ``pg_ctl`` daemonises the server, so it survives
kernel restarts and is reused by every notebook until ``stop()`` (or ``python -m backendlab
postgres stop``).

Every role logs in with a password (scram-sha-256), the superuser ``backendlab`` too: its
password sits in a 0600 libpq password file next to the cluster, named by the URL
(``passfile=``). A grading kernel reaches the same socket from its sandbox, where that file
does not exist, so it can log in only as the unprivileged role the grader made for it
(``backendlab.sql``): with "trust" it could have named itself superuser.

PostgreSQL refuses to run as root. When we are root (CI, containers) the server runs as the
``postgres`` system user instead, in a folder under /tmp that this user owns.
"""

import glob
import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
import time
from pathlib import Path

from .._process import exclusive_lock, log_tail
from ..errors import CourseError
from ..paths import data_dir, runtime_dir

SUPERUSER = "backendlab"

HOW_TO_GET_POSTGRES = (
    "install PostgreSQL's server programs, then run the cell again:\n"
    "  - Debian/Ubuntu:  sudo apt-get install postgresql\n"
    "  - conda/Binder:   conda install -c conda-forge postgresql\n"
    "  - macOS:          brew install postgresql\n"
    "or set BACKENDLAB_DATABASE_URL to a PostgreSQL you already run, e.g. "
    "postgresql://user:password@localhost/postgres (the user needs the CREATEDB right)"
)


def find_program(program: str) -> Path | None:
    """``program`` (initdb, pg_ctl, postgres) from PATH, ``pg_config --bindir``, or Debian's
    versioned folder (/usr/lib/postgresql/<version>/bin), newest version first."""
    found = shutil.which(program)
    if found:
        return Path(found)
    folders = []
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        folders.append(bindir.stdout.strip())
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    folders += sorted(debian, key=lambda p: int(Path(p).parent.name), reverse=True)
    for folder in folders:
        candidate = Path(folder) / program
        if candidate.exists():
            return candidate
    return None


def _as_root() -> bool:
    return os.geteuid() == 0


def server_dir() -> Path:
    """Where the cluster, its socket and its log live.

    A normal user keeps the cluster in the data folder and the socket in the runtime folder.
    Root's folders are closed to the ``postgres`` user, so as root everything lives in one
    folder under /tmp owned by ``postgres``, named after the data folder so that separate
    data folders (e.g. the test suite's) get separate servers.
    """
    if not _as_root():
        return data_dir() / "postgres"
    tag = hashlib.sha1(str(data_dir()).encode()).hexdigest()[:10]
    return Path(f"/tmp/backendlab-postgres-{tag}")


def socket_dir() -> Path:
    if _as_root():
        return server_dir()
    folder = runtime_dir() / "pg"
    folder.mkdir(exist_ok=True)
    return folder


def password_file() -> Path:
    """The superuser's libpq password file (mode 0600, only the course's user reads it)."""
    return server_dir() / "superuser.pgpass"


def url(database: str = "postgres") -> str:
    """SQLAlchemy URL of the private server (psycopg 3 over its unix socket, the superuser's
    password read from ``password_file()``: the URL itself holds no secret)."""
    return (f"postgresql+psycopg://{SUPERUSER}@/{database}?host={socket_dir()}"
            f"&passfile={password_file()}")


MAX_CONNECTIONS = 300

# Only the unix socket (no TCP: listen_addresses is empty), and only with a password.
HBA = ("# Written by backendlab: every role logs in with its password, the superuser too.\n"
       "local   all   all   scram-sha-256\n")


def _require_passwords(data: Path) -> None:
    """Switch the cluster from "trust" (as initdb made it, or as older versions of the course
    left it) to passwords, once: set the superuser's password, keep it in ``password_file()``,
    write pg_hba.conf, reload. Idempotent; safe to interrupt at any step."""
    import psycopg  # noqa: PLC0415 - only when a server is started
    from psycopg import sql as pgsql  # noqa: PLC0415

    passfile = password_file()
    if not passfile.exists():
        password = secrets.token_urlsafe(32)
        try:
            with psycopg.connect(host=str(socket_dir()), user=SUPERUSER, dbname="postgres",
                                 autocommit=True) as admin:  # still "trust"
                admin.execute(pgsql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    pgsql.Identifier(SUPERUSER), pgsql.Literal(password)))
        except psycopg.OperationalError as error:
            raise CourseError(
                f"The private PostgreSQL in {server_dir()} asks for a password, and its "
                f"password file {passfile} is missing:\n{error}",
                "stop it (`python -m backendlab postgres stop`), delete that folder, and start "
                "it again: the working copies are made afresh.") from None
        temporary = passfile.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(f"*:*:*:{SUPERUSER}:{password}\n")
        os.replace(temporary, passfile)
    hba = data / "pg_hba.conf"
    if hba.read_text() != HBA:
        with open(hba, "w") as handle:  # in place: keeps its owner (``postgres`` when root)
            handle.write(HBA)
        _run([str(find_program("pg_ctl")), "reload", "-D", str(data)])
        for _ in range(100):  # the postmaster rereads the file when it gets the signal
            try:
                psycopg.connect(host=str(socket_dir()), user=SUPERUSER, dbname="postgres",
                                password="", connect_timeout=2).close()
            except psycopg.OperationalError:
                break
            time.sleep(0.05)


def _run(command: list[str]) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program, as the ``postgres`` system user when we are root."""
    if _as_root():
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise CourseError(
                "PostgreSQL refuses to run as root, and there is no 'postgres' system user "
                "to run it as.",
                "run the course as a normal user, or install Debian's postgresql package "
                "(it creates that user), or set BACKENDLAB_DATABASE_URL to a running server.",
            ) from None
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True)


def _prepare_root_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, exist_ok=True)
    shutil.chown(folder, user="postgres", group="postgres")


def is_running() -> bool:
    pg_ctl = find_program("pg_ctl")
    if pg_ctl is None or not (server_dir() / "data" / "PG_VERSION").exists():
        return False
    return _run([str(pg_ctl), "status", "-D", str(server_dir() / "data")]).returncode == 0


def ensure_running() -> str:
    """Start the private PostgreSQL unless it runs already; return its SQLAlchemy URL."""
    initdb, pg_ctl = find_program("initdb"), find_program("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise CourseError("PostgreSQL's server programs (initdb, pg_ctl) were not found.",
                          HOW_TO_GET_POSTGRES)
    folder = server_dir()
    with exclusive_lock(runtime_dir() / "postgres.lock"):
        if _as_root():
            _prepare_root_folder(folder)
        folder.mkdir(parents=True, exist_ok=True)
        data, log = folder / "data", folder / "server.log"
        if not (data / "PG_VERSION").exists():
            created = _run([str(initdb), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                            "--encoding=UTF8", "--locale=C.UTF-8"])
            if created.returncode != 0:
                raise CourseError(f"initdb could not create a database cluster in {data}:\n"
                                  f"{created.stdout}{created.stderr}",
                                  "read the message above; delete that folder to start over.")
        if not is_running():
            # Grading gives each kernel a role with sql.KERNEL_CONNECTIONS connections, a few
            # kernels at once: more than PostgreSQL's default 100.
            options = f"-k {socket_dir()} -c listen_addresses='' -c max_connections={MAX_CONNECTIONS}"
            started = _run([str(pg_ctl), "start", "-w", "-t", "30", "-D", str(data),
                            "-l", str(log), "-o", options])
            if started.returncode != 0:
                raise CourseError(f"PostgreSQL did not start:\n{started.stdout}{started.stderr}\n"
                                  f"{log_tail(log)}",
                                  "read the log above; `python -m backendlab doctor` checks "
                                  "the installation.")
            print(f"Started a private PostgreSQL for the course ({pg_ctl.parent}), "
                  f"on a unix socket in {socket_dir()}.")
        _require_passwords(data)
    return url()


def stop() -> bool:
    """Stop the private PostgreSQL (fast shutdown); return whether it was running."""
    if not is_running():
        return False
    _run([str(find_program("pg_ctl")), "stop", "-m", "fast", "-w", "-D", str(server_dir() / "data")])
    return True
