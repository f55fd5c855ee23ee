"""Small helpers shared by the two server managers (Redis and PostgreSQL)."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` so that two kernels starting at once do
    the work (start a server, build a dataset) only once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_number(path: Path) -> int | None:
    """The number a file starts with (a pid file, a cgroup counter), or None when the file is
    missing or holds something else (garbled, or cgroup's "max")."""
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def process_runs(pid: int, program: str) -> bool:
    """Is ``pid`` alive *and* running ``program``? A pid from a stale file may have been
    reused by an unrelated process, which we must never signal."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return program.encode() in cmdline


def log_tail(logfile: Path, lines: int = 15) -> str:
    """The last lines of a server's log, for error messages."""
    try:
        return "\n".join(logfile.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log was written)"
