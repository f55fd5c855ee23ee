"""backendlab.outages: Redis failing on purpose, for lesson 3.10 — for real, and counted."""

import redis

from backendlab import caching, outages


def test_a_silent_server_counts_the_tries_and_frees_a_client_that_waits():
    with outages.SilentServer() as silent:
        patient = redis.Redis(unix_socket_path=silent.path, socket_timeout=None, retry=None)
        waiting = outages.Attempt(lambda: patient.get("x"), seconds=0.3)
        assert not waiting.ended  # no timeout: it would wait forever
        quick = redis.Redis(unix_socket_path=silent.path, socket_timeout=0.05, retry=None)
        tried = outages.Attempt(lambda: quick.get("x"), seconds=10)
        assert tried.ended and isinstance(tried.error, redis.TimeoutError)
    assert isinstance(outages.Attempt(lambda: waiting.result(5), seconds=10).error, redis.ConnectionError)
    assert silent.connections == 2


def test_a_frozen_server_answers_again_and_a_stopped_one_comes_back_empty():
    r = caching.private_server("test-outages")
    r.set("kept", "1")
    quick = outages.failing_fast(r, seconds=0.05)
    with outages.frozen(r):
        assert isinstance(outages.Attempt(lambda: quick.get("kept"), seconds=10).error, redis.TimeoutError)
    assert quick.get("kept") == "1"
    with outages.stopped("test-outages"):
        assert isinstance(outages.Attempt(quick.ping, seconds=10).error, redis.ConnectionError)
    assert quick.ping() and r.get("kept") is None
    caching.stop_private_server("test-outages")


def test_a_manual_clock_moves_only_when_told():
    clock = outages.ManualClock(start=5)
    assert clock() == 5
    clock.advance(2.5)
    assert clock() == 7.5
