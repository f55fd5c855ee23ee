"""How much memory the course is using right now, and how much is left.

On Binder the learner gets about 1–2 GB of memory for everything: the notebook's kernel, the
private redis-server and (optionally) PostgreSQL. When that runs out the kernel is killed
without a clear message, so the start-here notebook shows the numbers up front:

    from backendlab import memory
    print(memory.table(memory.usage()))

Memory is the resident set size (RSS) of each process: what it holds in RAM now. Summing RSS
over PostgreSQL's processes counts shared memory once per process, so that row is an upper
bound, which is the safe side for "does it fit?". The dataset files live on disk, not in
memory; they are listed because the operating system caches what a lesson reads, and because
Binder's disk is small too.
"""

import os
from pathlib import Path

import psutil

from .services import nginx, postgres_server
from ._process import process_runs, read_number
from .paths import data_dir, runtime_dir

Row = tuple[str, int | None]
"""(what, bytes); bytes is None for a server that is not running."""

KERNEL = "this Python kernel"
TOTAL = "total in memory (kernel + servers)"
DATASETS = "shop dataset files (on disk)"
WORKSPACES = "working copies (on disk)"
AVAILABLE = "memory still available"

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _rss(process: psutil.Process) -> int:
    """RSS of one process, or 0 when it exited (or hides from us) while we looked."""
    try:
        return process.memory_info().rss
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return 0


def redis_rows() -> list[Row]:
    """One row per private redis-server that runs (the course's main one, and any a lesson
    started by name), found through the pid files ``redis_server`` writes in the runtime
    folder; a single "not running" row when there is none."""
    rows: list[Row] = []
    for pidfile in sorted(runtime_dir().glob("redis-*.pid")):
        pid = read_number(pidfile)
        if pid and process_runs(pid, "redis-server"):
            name = pidfile.stem.removeprefix("redis-")
            rows.append((f"redis-server ({name})", _rss(psutil.Process(pid))))
    return rows or [("redis-server", None)]


def _tree_rss(pid: int) -> tuple[int, int]:
    """(processes, RSS) of a process and everything it forked (nginx's workers, uvicorn's,
    PostgreSQL's backends); (0, 0) once it has gone."""
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    return len(processes), sum(_rss(process) for process in processes)


def _processes(count: int) -> str:
    return "1 process" if count == 1 else f"{count} processes"


def web_rows() -> list[Row]:
    """One row per private nginx and per shop app that runs (unit 4 on), as their managers
    find them (``nginx.master_pid``, the app's pid file checked against ``shop_app.PROGRAM``);
    none when nothing runs."""
    from .services import shop_app  # noqa: PLC0415 - it imports SQLAlchemy: only when asked

    rows: list[Row] = []
    for name in nginx.instances():
        pid = nginx.master_pid(name)
        if pid:
            count, size = _tree_rss(pid)
            rows.append((f"nginx ({name}, {_processes(count)})", size))
    for pidfile in sorted(runtime_dir().glob("app-*.pid")):
        pid = read_number(pidfile)
        if pid and process_runs(pid, shop_app.PROGRAM):
            count, size = _tree_rss(pid)
            rows.append((f"shop app ({pidfile.stem.removeprefix('app-')}, {_processes(count)})", size))
    return rows


def postgres_row() -> Row:
    """The private PostgreSQL: its postmaster (pid from ``postmaster.pid`` in the cluster
    folder) plus every process it forked (one per connection, and background workers).
    None when it is not running."""
    pid = read_number(postgres_server.server_dir() / "data" / "postmaster.pid")
    count, size = _tree_rss(pid) if pid and process_runs(pid, "postgres") else (0, 0)
    if not count:
        return ("PostgreSQL", None)
    return (f"PostgreSQL ({_processes(count)})", size)


def _folder_size(folder: Path) -> int:
    """Bytes of the files directly in ``folder`` (0 when it does not exist yet)."""
    if not folder.is_dir():
        return 0
    return sum(path.stat().st_size for path in folder.iterdir() if path.is_file())


def _stat_value(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def container_limit(root: Path = CGROUP_ROOT) -> tuple[int, int] | None:
    """(limit, in use) in bytes of the container's memory limit, or None without a limit.

    Binder runs each session in a container limited to 1–2 GB, while ``psutil`` sees the
    whole host's memory (often tens of GB). The limit is in the cgroup files (v2:
    ``memory.max``, v1: ``memory/memory.limit_in_bytes``). "In use" leaves out inactive file
    cache, which the kernel drops before it kills anything (as ``docker stats`` does).
    """
    for limit_file, usage_file, stat_file, inactive in (
        (root / "memory.max", root / "memory.current", root / "memory.stat", "inactive_file"),
        (root / "memory" / "memory.limit_in_bytes", root / "memory" / "memory.usage_in_bytes",
         root / "memory" / "memory.stat", "total_inactive_file"),
    ):
        limit, used = read_number(limit_file), read_number(usage_file)
        if limit is None or used is None:
            continue
        if limit >= psutil.virtual_memory().total:  # "no limit" is a huge number in v1
            return None
        return limit, max(used - _stat_value(stat_file, inactive), 0)
    return None


def available_memory(root: Path = CGROUP_ROOT) -> int:
    """Bytes that can still be used: the machine's available memory, or what the container's
    limit leaves, whichever is smaller."""
    available = psutil.virtual_memory().available
    limited = container_limit(root)
    if limited:
        limit, used = limited
        available = min(available, max(limit - used, 0))
    return available


def usage() -> list[Row]:
    """What the course holds in memory now (this kernel, the private servers, their total),
    the dataset files on disk, and the memory still available, as (what, bytes) rows."""
    processes: list[Row] = [(KERNEL, _rss(psutil.Process(os.getpid()))),
                            *redis_rows(), postgres_row(), *web_rows()]
    total = sum(size for _, size in processes if size)
    folder = data_dir()
    return [*processes, (TOTAL, total),
            (DATASETS, _folder_size(folder / "datasets")),
            (WORKSPACES, _folder_size(folder / "workspaces")),
            (AVAILABLE, available_memory())]


def readable(size: int | None) -> str:
    """12_345_678 -> '12 MB', 1_500_000_000 -> '1.5 GB', None -> 'not running'."""
    if size is None:
        return "not running"
    if size < 1e6:
        return f"{size / 1e3:.0f} kB"
    if size < 1e9:
        return f"{size / 1e6:.0f} MB"
    return f"{size / 1e9:.1f} GB"


def table(rows: list[Row]) -> str:
    """The rows as a two-column text table, sizes right-aligned."""
    width = max(len(what) for what, _ in rows)
    sizes = [readable(size) for _, size in rows]
    size_width = max(len(size) for size in sizes)
    return "\n".join(f"{what:<{width}}  {size:>{size_width}}"
                     for (what, _), size in zip(rows, sizes, strict=True))
