"""backendlab.memory: what the kernel, the private servers and the dataset take, and what is left."""

import os
from pathlib import Path

import psutil
import pytest

from backendlab import datasets, memory
from backendlab.services import redis_server


def rows_by_name(rows: list[memory.Row]) -> dict[str, int | None]:
    return dict(rows)


def test_kernel_row_is_this_process_rss() -> None:
    size = rows_by_name(memory.usage())[memory.KERNEL]
    own = psutil.Process(os.getpid()).memory_info().rss
    assert 0.5 * own < size < 2 * own


def test_servers_that_do_not_run_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKENDLAB_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("BACKENDLAB_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "redis-main.pid").write_text("999999999\n")  # stale: no such process
    rows = rows_by_name(memory.usage())
    assert rows["redis-server"] is None
    assert rows["PostgreSQL"] is None
    assert rows[memory.TOTAL] == rows[memory.KERNEL]
    assert rows[memory.DATASETS] == 0
    assert "not running" in memory.table(memory.usage())


def test_a_running_redis_server_is_measured() -> None:
    redis_server.client("memtest").set("memtest:k", "x" * 1000)
    try:
        rows = rows_by_name(memory.usage())
        pid = redis_server.client("memtest").info("server")["process_id"]
        expected = psutil.Process(pid).memory_info().rss
        assert 0.5 * expected < rows["redis-server (memtest)"] < 2 * expected
        assert rows[memory.TOTAL] >= rows[memory.KERNEL] + rows["redis-server (memtest)"]
    finally:
        redis_server.stop("memtest")
    assert "redis-server (memtest)" not in rows_by_name(memory.usage())


def test_postgres_row_sums_the_postmaster_and_its_children(postgres_url: str) -> None:
    (what, size), = [row for row in memory.usage() if row[0].startswith("PostgreSQL")]
    processes = int(what.split("(")[1].split()[0])
    assert processes >= 2  # the postmaster and at least its checkpointer / writer
    assert size > 5_000_000


def test_dataset_files_are_counted_on_disk() -> None:
    path = datasets.shop_sqlite("small")
    rows = rows_by_name(memory.usage())
    assert rows[memory.DATASETS] >= path.stat().st_size


def test_available_memory_respects_a_container_limit(tmp_path: Path) -> None:
    """Binder's 1–2 GB limit is in the cgroup files; psutil sees the whole host."""
    (tmp_path / "memory.max").write_text(f"{2 * 1024**3}\n")
    (tmp_path / "memory.current").write_text(f"{600 * 1024**2}\n")
    (tmp_path / "memory.stat").write_text(f"anon 1\ninactive_file {100 * 1024**2}\nactive_file 2\n")
    assert memory.container_limit(tmp_path) == (2 * 1024**3, 500 * 1024**2)
    expected = min(2 * 1024**3 - 500 * 1024**2, psutil.virtual_memory().available)
    assert memory.available_memory(tmp_path) == expected


def test_cgroup_v1_limit_and_no_limit(tmp_path: Path) -> None:
    v1 = tmp_path / "memory"
    v1.mkdir()
    (v1 / "memory.limit_in_bytes").write_text(f"{1024**3}\n")
    (v1 / "memory.usage_in_bytes").write_text(f"{300 * 1024**2}\n")
    assert memory.container_limit(tmp_path) == (1024**3, 300 * 1024**2)
    (v1 / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1's "no limit"
    assert memory.container_limit(tmp_path) is None
    (tmp_path / "memory.max").write_text("max\n")  # v2's "no limit"
    (tmp_path / "memory.current").write_text("123\n")
    assert memory.container_limit(tmp_path) is None
    assert memory.available_memory(tmp_path) == pytest.approx(
        psutil.virtual_memory().available, rel=0.1)


@pytest.mark.parametrize(("size", "text"), [
    (None, "not running"), (12_345, "12 kB"), (12_345_678, "12 MB"), (1_500_000_000, "1.5 GB")])
def test_sizes_read_well(size: int | None, text: str) -> None:
    assert memory.readable(size) == text


def test_table_aligns_the_sizes() -> None:
    lines = memory.table([("a", 1_000_000), ("a longer name", None)]).splitlines()
    assert lines == ["a" + " " * 21 + "1 MB", "a longer name  not running"]


def test_a_private_nginx_and_a_shop_app_are_measured() -> None:
    from backendlab import web  # noqa: PLC0415

    site, app = web.nginx("memtest"), web.app("memtest", kind="stdlib")
    try:
        site.apply("server { listen {listen}; location / { return 204; } }")
        rows = dict(memory.web_rows())
        nginx_row = next(name for name in rows if name.startswith("nginx (memtest, "))
        app_row = next(name for name in rows if name.startswith("shop app (memtest"))
        assert rows[nginx_row] > 1_000_000 and rows[app_row] > 1_000_000
        assert "processes)" in nginx_row  # the master and its worker(s)
    finally:
        site.stop()
        app.stop()
    assert not any("memtest" in name for name, _ in memory.web_rows())
