"""The load generator: it sends exactly the requests asked for, counts answers and errors
honestly, interleaves rounds, and words its ratio by what it measured. No timing is asserted."""

import math
import socket

import pytest

from backendlab import load
from backendlab.errors import CourseError
from backendlab.services import shop_app


@pytest.fixture(scope="module")
def app() -> shop_app.App:
    started = shop_app.start("load-tests", "stdlib")
    yield started
    started.stop()


@pytest.mark.parametrize("keep_alive", [True, False])
def test_sends_exactly_the_requests_asked_for(app: shop_app.App, keep_alive: bool) -> None:
    before = app.requests_served()
    result = load.run(app, "/products/1", requests=50, concurrency=3, keep_alive=keep_alive)
    assert result.requests == 50 and result.statuses == {200: 50} and result.errors == 0
    assert app.requests_served() - before == 50
    assert result.requests_per_second > 0 and result.p50_ms <= result.p95_ms
    assert result.client_cpu_seconds > 0
    assert "50 requests in 1 round(s)" in str(result)


def test_rounds_add_up(app: shop_app.App) -> None:
    before = app.requests_served()
    result = load.run(app.socket, "/health", requests=20, concurrency=2, rounds=3)
    assert len(result.rounds) == 3 and result.requests == 60
    assert app.requests_served() - before == 60


def test_client_errors_are_answers_not_errors(app: shop_app.App) -> None:
    result = load.run(app, "/products/999999", requests=10, concurrency=2)
    assert result.statuses == {404: 10} and result.errors == 0


def test_a_socket_nobody_listens_on_counts_every_request_as_an_error(tmp_path) -> None:
    dead = tmp_path / "dead.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(dead))
    listener.close()  # the file stays, nobody accepts: connection refused
    result = load.run(f"unix:{dead}", "/", requests=6, concurrency=2)
    assert result.errors == 6 and result.failures == {"ConnectionRefusedError": 6}
    assert result.statuses == {} and math.isnan(result.p50_ms)
    assert "6 errors (6× ConnectionRefusedError)" in str(result)


def test_a_request_slower_than_the_timeout_is_an_error() -> None:
    slow = shop_app.start("load-slow", "blocking", delay=1.0)
    try:
        result = load.run(slow, "/health", requests=2, concurrency=1, timeout=0.2)
        assert result.errors == 2 and result.failures == {"TimeoutError": 2}
    finally:
        slow.stop()


def test_compare_interleaves_rounds_and_states_the_ratio(app: shop_app.App) -> None:
    before = app.requests_served()
    comparison = load.compare({"new connection": {"keep_alive": False},
                               "keep-alive": {"keep_alive": True}},
                              target=app, path="/products/1", requests=20, concurrency=2, rounds=2)
    assert [len(r.rounds) for r in comparison.results] == [2, 2]
    assert app.requests_served() - before == 80
    assert "×" in str(comparison) and "interleaved" in str(comparison)
    assert "Median latency" in str(comparison)


def _result(label: str, per_second: float) -> load.Result:
    answered = int(per_second)
    round_ = load.Round(requests=max(answered, 1), seconds=1.0, latencies=[0.001] * answered,
                        statuses={200: answered} if answered else {},
                        failures={} if answered else {"ConnectionRefusedError": 1},
                        client_cpu_seconds=0.1)
    return load.Result(label, 1, True, [round_])


def test_the_verdict_follows_the_measurement() -> None:
    faster = load.Comparison([_result("a", 100), _result("b", 250)])
    assert faster.verdict().startswith("'b' served 2.5× the requests/s of 'a'")
    slower = load.Comparison([_result("a", 140), _result("b", 100)])
    assert "'b' was 1.4× slower than 'a'" in slower.verdict()
    assert "×0" not in slower.verdict()
    assert faster.latency_verdict() == "Median latency: about the same (1.00 ms vs 1.00 ms)."
    same = load.Comparison([_result("a", 100), _result("b", 98)])
    assert same.verdict().startswith("'b' and 'a' served about the same requests/s (0.98×")
    assert load.Comparison([_result("a", 100), _result("b", 0)]).verdict() == \
        "No ratio: 'b' got no answers."


def test_under_nbgrader_one_short_round_that_says_it_is_not_a_measurement(
        app: shop_app.App, monkeypatch: pytest.MonkeyPatch) -> None:
    """A class pays every request once per student: while nbgrader grades, nobody reads the
    numbers, so run and compare send one round of at most 25 requests per connection."""
    before = app.requests_served()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # (grading names the app's files apart)
    result = load.run(app, "/health", requests=500, concurrency=2, rounds=3)
    assert len(result.rounds) == 1 and result.requests == 50 and result.statuses == {200: 50}
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert app.requests_served() - before == 50
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert "measured once while nbgrader graded: not a measurement" in str(result)
    small = load.run(app, "/health", requests=10, concurrency=2)
    assert small.requests == 10  # fewer than the cap: sent as asked
    comparison = load.compare({"a": {"keep_alive": False}, "b": {"keep_alive": True}},
                              target=app, path="/health", requests=300, concurrency=2, rounds=3)
    assert [(len(r.rounds), r.requests) for r in comparison.results] == [(1, 50), (1, 50)]
    text = str(comparison)
    assert "not a measurement" in text and "×" not in text and "interleaved" not in text


def test_a_worker_that_dies_without_its_report_is_explained(
        app: shop_app.App, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    dying = tmp_path / "python"  # starts like a worker, then dies before reporting
    dying.write_text("#!/bin/sh\nread config\necho ready\nread go\nexit 3\n")
    dying.chmod(0o755)
    monkeypatch.setattr(load.sys, "executable", str(dying))
    with pytest.raises(CourseError, match="stopped without its report"):
        load.run(app, "/health", requests=4, concurrency=2)


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert load._percentile(values, 50) == 10 and load._percentile(values, 95) == 19
    assert load._percentile([3.0], 95) == 3 and math.isnan(load._percentile([], 50))


def test_bad_targets_and_settings_are_explained(app: shop_app.App, tmp_path) -> None:
    with pytest.raises(CourseError, match="does not start with /"):
        load.run(app, "products")
    with pytest.raises(CourseError, match="concurrency=0 is out of range"):
        load.run(app, "/", concurrency=0)
    with pytest.raises(CourseError, match="fewer than concurrency"):
        load.run(app, "/", requests=2, concurrency=4)
    with pytest.raises(CourseError, match="no such socket"):
        load.run(tmp_path / "missing.sock", "/")
    with pytest.raises(CourseError, match="Cannot send load to 42"):
        load.run(42, "/")
    with pytest.raises(CourseError, match="at least two cases"):
        load.compare({"one": {"target": app}})


def test_tcp_targets_work_too() -> None:
    """A TCP address works too (here a throwaway server on a free loopback port)."""
    import http.server
    import threading

    class Quiet(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = load.run(f"http://127.0.0.1:{server.server_port}", "/", requests=10, concurrency=2)
        assert result.statuses == {200: 10}
    finally:
        server.shutdown()
        server.server_close()
