"""The seeded nginx access log: reproducible, parseable by awk's fields, and with one right
answer to each exercise's question (distinct top talkers, a 5xx spike, a bot burst)."""

import re
import subprocess
from collections import Counter
from datetime import timedelta

import pytest

from backendlab import access_log

SEEDS = range(1, 21)
LINE = re.compile(r'^(\S+) - - \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000)\] '
                  r'"(GET|POST) (\S+) HTTP/1\.1" (\d{3}) (\d+) "-" "([^"]+)" (\d+\.\d{3})$')


def test_the_same_seed_gives_the_same_log_and_another_seed_another() -> None:
    assert access_log.generate(7) == access_log.generate(7)
    assert access_log.generate(7) != access_log.generate(8)


def test_every_line_is_in_nginx_combined_format_with_request_time() -> None:
    text = access_log.generate(1)
    lines = text.splitlines()
    assert len(lines) == access_log.LINES and text.endswith("\n")
    for line, request in zip(lines, access_log.requests(1)):
        match = LINE.match(line)
        assert match, line
        assert match.group(1) == request.ip and int(match.group(5)) == request.status


def test_awk_fields_are_the_ones_the_lessons_name() -> None:
    """$1 client, $4 time, $7 path, $9 status, $NF latency: user agents contain spaces, but
    they come after the fields the exercises use."""
    text = access_log.generate(3)
    awk = subprocess.run(["awk", "{print $1, substr($4, 2, 17), $7, $9, $NF}"], input=text,
                         capture_output=True, text=True, check=True)
    expected = [f"{r.ip} {r.minute} {r.path} {r.status} {r.latency:.3f}"
                for r in access_log.requests(3)]
    assert awk.stdout.splitlines() == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_the_top_five_clients_are_distinct_and_clear(seed: int) -> None:
    counts = Counter(r.ip for r in access_log.requests(seed)).most_common()
    top = [n for _, n in counts[:5]]
    assert len(set(top)) == 5, "ties would make 'the top five' ambiguous"
    assert counts[5][1] * 2 < top[-1], "the sixth client is far behind"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_checkout_incident_and_a_scanner_burst(seed: int) -> None:
    requests = access_log.requests(seed)
    failed = [r for r in requests if r.path == "/api/checkout" and r.status >= 500]
    assert len(failed) >= 10, "a spike, not a blip"
    assert max(r.time for r in failed) - min(r.time for r in failed) < timedelta(minutes=6)
    per_minute = Counter(r.minute for r in requests).most_common(2)
    assert per_minute[0][1] > 2 * per_minute[1][1], "the bot burst makes one minute stand out"
    busiest = [r for r in requests if r.minute == per_minute[0][0]]
    assert Counter(r.user_agent for r in busiest).most_common(1)[0][0] == access_log.SCANNER_AGENT


@pytest.mark.parametrize("seed", SEEDS)
def test_5xx_happen_only_on_paths_without_query_strings_or_ids(seed: int) -> None:
    paths = {r.path for r in access_log.requests(seed) if r.status >= 500}
    assert paths <= {"/api/checkout", "/api/cart", "/api/cart/items"}


def test_requests_are_in_time_order_within_half_an_hour() -> None:
    times = [r.time for r in access_log.requests(5)]
    assert times == sorted(times)
    assert access_log.START <= times[0] and times[-1] < access_log.START + timedelta(minutes=30)


def test_addresses_are_documentation_or_private_ones() -> None:
    for request in access_log.requests(9):
        assert request.ip.startswith((*access_log.DOCUMENTATION_NETWORKS, "10.")), request.ip


def test_latencies_have_a_long_tail() -> None:
    latencies = sorted(r.latency for r in access_log.requests(2))
    median, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95)]
    assert 0 < median < p95 < latencies[-1]
