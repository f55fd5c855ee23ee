"""A seeded nginx access log for the log-processing exercises.

Half an hour of a small shop's traffic, the way nginx writes it (the "combined" format plus
``$request_time``, a common production addition):

    203.0.113.7 - - [24/Nov/2026:09:14:03 +0000] "GET /api/cart HTTP/1.1" 200 512 "-" "Mozilla/5.0 …" 0.042

It holds what on-call questions are about: a few heavy clients among many light ones, a health
checker, a scanner bot's burst of requests for ``/.env`` and ``/wp-login.php``, a few minutes
when checkout fails with 502/504, and latencies with a long tail. The same seed gives the same
log on every machine; another seed gives another log with the same story, which is how hidden
tests catch answers copied from the visible one. Addresses come from the ranges reserved for
documentation (RFC 5737) and a private 10.x network, so no real host is named.

The parsed requests come back too (:func:`requests`), so tests compute the expected answer in
Python, independently of the shell.
"""

import math
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

START = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)
MINUTES = 30
LINES = 3000
DOCUMENTATION_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")

BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "shop-app/4.2.0 (Android 14; Pixel 8)",
)
SCANNER_AGENT = "Mozilla/5.0 (compatible; Nimbostratus-Bot/v1.3.2)"
HEALTH_AGENT = "kube-probe/1.31"
PARTNER_AGENT = "python-requests/2.32.3"
SCANNED_PATHS = ("/.env", "/wp-login.php", "/xmlrpc.php", "/.git/config", "/phpmyadmin/",
                 "/admin.php", "/config.php.bak", "/wp-content/plugins/", "/server-status",
                 "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/backup.zip",
                 "/.aws/credentials")
SEARCH_WORDS = ("shoes", "lamp", "coffee", "desk", "cable", "jacket", "mug", "chair")


@dataclass(frozen=True)
class Request:
    """One line of the log, already parsed."""

    ip: str
    time: datetime
    method: str
    path: str
    status: int
    size: int
    user_agent: str
    latency: float  # seconds, as $request_time: millisecond resolution
    referer: str = "-"

    @property
    def minute(self) -> str:
        """The minute as it appears in the log, e.g. ``24/Nov/2026:09:14``."""
        return self.time.strftime("%d/%b/%Y:%H:%M")

    def line(self) -> str:
        stamp = self.time.strftime("%d/%b/%Y:%H:%M:%S +0000")
        return (f'{self.ip} - - [{stamp}] "{self.method} {self.path} HTTP/1.1" {self.status} '
                f'{self.size} "{self.referer}" "{self.user_agent}" {self.latency:.3f}')


def _latency(rng: random.Random, typical: float) -> float:
    """Log-normal around ``typical`` seconds: most requests fast, a long slow tail."""
    return round(max(0.001, rng.lognormvariate(0, 0.6) * typical), 3)


def _shopper_requests(rng: random.Random, ip: str, when: datetime, agent: str,
                      incident: tuple[datetime, datetime]) -> list[Request]:
    """A page or API call a real visitor makes, with its status and latency (and, when
    checkout fails during the incident, the visitor's retries)."""
    kind = rng.choices(
        ("home", "static", "products", "product", "search", "cart", "add", "checkout", "order",
         "login"),
        weights=(8, 20, 12, 20, 8, 10, 6, 5, 6, 5))[0]
    method, status, size, typical = "GET", 200, rng.randint(800, 9000), 0.04
    if kind == "home":
        path, typical = "/", 0.015
    elif kind == "static":
        path = rng.choice(("/static/app.js", "/static/app.css", "/favicon.ico"))
        status, typical = rng.choices((200, 304), weights=(2, 3))[0], 0.002
        size = 0 if status == 304 else rng.randint(2000, 90000)
    elif kind == "products":
        path = f"/api/products?page={rng.randint(1, 12)}"
    elif kind == "product":
        path = f"/api/products/{rng.randint(1, 2000)}"
        status = rng.choices((200, 404), weights=(19, 1))[0]
    elif kind == "search":
        path, typical = f"/api/search?q={rng.choice(SEARCH_WORDS)}", 0.18
    elif kind == "cart":
        path = "/api/cart"
    elif kind == "add":
        method, path, status = "POST", "/api/cart/items", 201
    elif kind == "checkout":
        method, path, typical = "POST", "/api/checkout", 0.35
    elif kind == "order":
        path = f"/api/orders/{rng.randint(10000, 99999)}"
        status = rng.choices((200, 404), weights=(9, 1))[0]
    else:
        method, path = "POST", "/login"
        status = rng.choices((200, 401), weights=(5, 1))[0]
    latency = _latency(rng, typical)
    if path == "/api/checkout" and incident[0] <= when < incident[1] and rng.random() < 0.85:
        return _failed_checkouts(rng, Request(ip, when, method, path, 200, 0, agent, 0), incident)
    if path.startswith("/api/cart") and rng.random() < 0.02:
        status, size = 500, rng.randint(150, 200)  # a rare bug
    return [Request(ip, when, method, path, status, size, agent, latency)]


def _failed_checkouts(rng: random.Random, attempt: Request,
                      incident: tuple[datetime, datetime]) -> list[Request]:
    """The payment provider is down: checkout fails with 502 (fast) or 504 (after nginx's
    proxy timeout), and the shopper clicks "Pay" again a few seconds later, up to three times."""
    failed = []
    for _ in range(4):
        status = rng.choice((502, 504))
        latency = round(30 + rng.random() * 0.05, 3) if status == 504 else _latency(rng, 0.01)
        failed.append(replace(attempt, status=status, size=rng.randint(150, 200), latency=latency))
        retry_at = attempt.time + timedelta(seconds=latency + rng.uniform(3, 15))
        if retry_at >= incident[1] or rng.random() < 0.3:
            break
        attempt = replace(attempt, time=retry_at)
    return failed


def requests(seed: int) -> list[Request]:
    """LINES requests over half an hour, in time order; the same seed, the same requests.

    The five busiest clients (a scanner bot, a health checker, a partner's integration, two
    offices behind one address each) make distinctly many requests, each more than any other
    client, so "the top five" has one right answer.
    """
    rng = random.Random(seed)
    span = MINUTES * 60

    def moment(start: float = 0, length: float = span) -> datetime:
        return START + timedelta(seconds=start + rng.random() * length)

    incident_start = START + timedelta(minutes=rng.randint(4, MINUTES - 10))
    incident = (incident_start, incident_start + timedelta(minutes=6))
    addresses = rng.sample(
        [f"{net}.{host}" for net in DOCUMENTATION_NETWORKS for host in range(1, 255)], k=300)
    scanner, partner, office_a, office_b, *visitors = addresses
    health_every = rng.choice((8, 9, 10, 12, 15))
    scanner_count = rng.choice([n for n in range(200, 400) if n != span // health_every])
    partner_count, office_a_count, office_b_count = rng.sample(
        [n for n in range(70, 400) if n not in (span // health_every, scanner_count)], k=3)

    made: list[Request] = []
    for tick in range(span // health_every):
        when = START + timedelta(seconds=tick * health_every + rng.random() * 0.2)
        made.append(Request("10.0.0.12", when, "GET", "/healthz", 200, 2, HEALTH_AGENT, 0.001))
    burst_start = rng.randint(3, MINUTES - 3) * 60 + rng.randint(0, 20)
    for _ in range(scanner_count):
        when = moment(burst_start, 35)
        made.append(Request(scanner, when, "GET", rng.choice(SCANNED_PATHS),
                            rng.choices((404, 403), weights=(9, 1))[0], rng.randint(150, 200),
                            SCANNER_AGENT, _latency(rng, 0.002)))
    for _ in range(partner_count):
        when = moment()
        made.append(Request(partner, when, "GET", f"/api/products/{rng.randint(1, 2000)}", 200,
                            rng.randint(800, 3000), PARTNER_AGENT, _latency(rng, 0.03)))
    for ip, how_many in ((office_a, office_a_count), (office_b, office_b_count)):
        office: list[Request] = []
        while len(office) < how_many:  # exactly how_many, retries included
            office += _shopper_requests(rng, ip, moment(), rng.choice(BROWSERS), incident)
        made += office[:how_many]
    weights = [rng.uniform(1, 5) for _ in visitors]
    agents = {ip: rng.choice(BROWSERS) for ip in visitors}
    while len(made) < LINES:
        ip = rng.choices(visitors, weights=weights)[0]
        made += _shopper_requests(rng, ip, moment(), agents[ip], incident)
    del made[LINES:]
    made.sort(key=lambda request: request.time)
    return made


def generate(seed: int) -> str:
    """The log's text, one request per line (what nginx would have written)."""
    return "".join(request.line() + "\n" for request in requests(seed))


# ---------------------------------------------------------------------------------------
# What the lesson's charts draw: computed from the parsed log, just now
# ---------------------------------------------------------------------------------------


def nearest_rank(values: list[float], percent: float) -> float:
    """The nearest-rank percentile: sorted, the value at position ⌈percent × N / 100⌉ (from 1)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(percent * len(ordered) / 100), 1) - 1]


def latency_marks(parsed: list[Request]) -> dict[str, float]:
    """The median, the mean and the p95 of the request times: where a histogram puts its lines."""
    times = [request.latency for request in parsed]
    return {"median": nearest_rank(times, 50), "mean": sum(times) / len(times),
            "p95": nearest_rank(times, 95)}


def error_rate_per_minute(parsed: list[Request]) -> dict[str, list[tuple[int, float]]]:
    """The share of each minute's requests that got a 5xx, in percent, for every minute since
    the log's first (a minute without failures counts 0, where ``uniq -c`` prints nothing):
    what ``charts.line_chart`` draws. A share, not a count, so a rush of traffic alone does
    not look like an incident."""
    first = parsed[0].time.replace(second=0, microsecond=0)
    minutes = range(int((parsed[-1].time - first).total_seconds() // 60) + 1)
    every, failed = [0] * len(minutes), [0] * len(minutes)
    for request in parsed:
        minute = int((request.time - first).total_seconds() // 60)
        every[minute] += 1
        failed[minute] += 500 <= request.status <= 599
    return {"5xx responses": [(minute, 100 * failed[minute] / max(every[minute], 1)) for minute in minutes]}


def endpoint(request: Request) -> str:
    """``GET /api/products/:id``: the method and the path without its query string, a
    trailing numeric id replaced by ``:id`` (as the lesson's sed command does)."""
    path = re.sub(r"/[0-9]+$", "/:id", request.path.split("?", 1)[0])
    return f"{request.method} {path}"


def p95_by_endpoint(parsed: list[Request], min_requests: int = 50) -> dict[str, float]:
    """The p95 request time of each endpoint with at least ``min_requests`` requests (a p95
    of a handful says little; the scanner's paths drop out too), slowest first."""
    times: dict[str, list[float]] = {}
    for request in parsed:
        times.setdefault(endpoint(request), []).append(request.latency)
    return dict(sorted(((name, nearest_rank(values, 95)) for name, values in times.items()
                        if len(values) >= min_requests), key=lambda item: item[1], reverse=True))
