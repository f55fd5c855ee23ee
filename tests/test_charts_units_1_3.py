"""What units 1 and 3 chart: the access log's numbers and the caching sweeps.

The sweeps run against real redis-servers (private ones of the tests' own, stopped
afterwards). Only what was counted is asserted, never how long anything took.
"""

import math
from collections.abc import Iterator
from datetime import timedelta

import pytest

import backendlab
from backendlab import access_log, caching

REQUESTS = access_log.requests(seed=2026)


# ---------------------------------------------------------------------------------------
# Unit 1: access_log
# ---------------------------------------------------------------------------------------


def test_nearest_rank_is_the_definition_exercise_5_grades() -> None:
    times = [r.latency for r in REQUESTS]
    ordered = sorted(times)
    assert access_log.nearest_rank(times, 95) == ordered[math.ceil(95 * len(ordered) / 100) - 1]
    assert access_log.nearest_rank([3.0, 1.0, 2.0], 50) == 2.0
    assert access_log.nearest_rank([3.0, 1.0, 2.0], 0) == 1.0  # the smallest, never index -1


def test_latency_marks_put_the_mean_right_of_the_median_in_a_log_with_timeouts() -> None:
    marks = access_log.latency_marks(REQUESTS)
    assert list(marks) == ["median", "mean", "p95"]
    assert marks["mean"] == pytest.approx(sum(r.latency for r in REQUESTS) / len(REQUESTS))
    assert marks["median"] < marks["mean"]  # the story the lesson tells; any seed has timeouts


def test_error_rate_per_minute_covers_every_minute_the_quiet_ones_too() -> None:
    (label, points), = access_log.error_rate_per_minute(REQUESTS).items()
    assert label == "5xx responses"
    assert [minute for minute, _ in points] == list(range(access_log.MINUTES))
    first = REQUESTS[0].time.replace(second=0, microsecond=0)
    for minute, share in points:
        in_minute = [r for r in REQUESTS if first + timedelta(minutes=minute) <= r.time
                     < first + timedelta(minutes=minute + 1)]
        failed = sum(500 <= r.status <= 599 for r in in_minute)
        assert share == pytest.approx(100 * failed / len(in_minute))
    assert any(share == 0 for _, share in points) and any(share > 0 for _, share in points)


def test_endpoints_name_ids_and_drop_query_strings_as_the_lessons_sed_does() -> None:
    def made(method: str, path: str) -> access_log.Request:
        return access_log.Request("192.0.2.1", REQUESTS[0].time, method, path, 200, 1, "x", 0.01)

    assert access_log.endpoint(made("GET", "/api/products/1234")) == "GET /api/products/:id"
    assert access_log.endpoint(made("GET", "/api/search?q=lamp")) == "GET /api/search"
    assert access_log.endpoint(made("POST", "/api/checkout")) == "POST /api/checkout"


def test_p95_by_endpoint_is_slowest_first_and_leaves_out_rare_endpoints() -> None:
    p95s = access_log.p95_by_endpoint(REQUESTS, min_requests=50)
    assert list(p95s.values()) == sorted(p95s.values(), reverse=True)
    assert not any(".env" in name or "wp-login" in name for name in p95s)  # the scanner's paths
    checkout = [r.latency for r in REQUESTS if access_log.endpoint(r) == "POST /api/checkout"]
    assert p95s["POST /api/checkout"] == access_log.nearest_rank(checkout, 95)


# ---------------------------------------------------------------------------------------
# Unit 3: caching sweeps
# ---------------------------------------------------------------------------------------


@pytest.fixture
def lab() -> Iterator[str]:
    yield "test-chart-lab"
    caching.stop_private_server("test-chart-lab")


def test_hit_ratio_by_memory_counts_hits_per_policy_and_size(lab: str) -> None:
    ratios = caching.hit_ratio_by_memory(lab, ("allkeys-lfu", "allkeys-random"), (1.25, 8),
                                         pages=500, lookups=2000)
    assert list(ratios) == ["allkeys-lfu", "allkeys-random"]
    for points in ratios.values():
        assert [size for size, _ in points] == [1.25, 8]
        assert all(0 < ratio < 1 for _, ratio in points)
    # 8 MB holds all 500 pages: every policy then misses each page once, and only once.
    assert ratios["allkeys-lfu"][1][1] == ratios["allkeys-random"][1][1]


def test_hit_ratio_by_memory_measures_fewer_points_under_nbgrader(lab: str, monkeypatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    ratios = caching.hit_ratio_by_memory(lab, ("allkeys-lru",), (1.25, 1.5, 2, 3), pages=200)
    assert [size for size, _ in ratios["allkeys-lru"]] == [1.25, 3]


def test_calls_by_crowd_counts_queries_and_leaves_out_a_way_that_raises(capsys) -> None:
    r = backendlab.redis_client()
    keys = backendlab.fresh_keyspace(r, "test-chart-crowd")
    load = caching.CountedLoader(backendlab.database("test-chart-crowd"))

    def plain(prefix: str) -> object:
        cached = r.get(keys + prefix)
        if cached is None:
            load(7)
            r.set(keys + prefix, "page", ex=60)
        return cached

    def unfinished(prefix: str) -> object:
        raise NotImplementedError

    calls = caching.calls_by_crowd(load, {"plain": plain, "unfinished": unfinished}, crowds=(1, 4))
    assert calls == {"plain": [(1, 1.0), (4, 4.0)]}
    assert "(unfinished is not charted: it raised NotImplementedError" in capsys.readouterr().out
    assert load.calls == 0  # reset: graded tests that use `load` start from zero


def test_seconds_by_batch_size_reads_every_key_at_each_size() -> None:
    r = backendlab.redis_client()
    keys = backendlab.fresh_keyspace(r, "test-chart-batches")
    names = [f"{keys}{number}" for number in range(50)]
    r.mset({name: "x" for name in names})
    counted = caching.instrument(r)
    series = caching.seconds_by_batch_size(counted, names, batch_sizes=(1, 10, 50))
    assert [size for size, _ in series["50 GETs"]] == [1, 10, 50]
    assert all(seconds > 0 for _, seconds in series["50 GETs"])
    assert counted.batches[-1:] == [50]  # the last size: one round trip of 50 GETs
