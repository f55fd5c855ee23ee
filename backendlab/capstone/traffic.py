"""The seeded traffic a replay sends, and the report it makes (statuses, statements per
request, stale reads; timings shown, never graded)."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

import sqlalchemy as sa


def count_failed(statuses: dict[int, int]) -> int:
    """Of {status: count}, the requests that failed: 5xx, or no answer at all (status 0)."""
    return sum(n for status, n in statuses.items() if status >= 500 or status == 0)


# --- the traffic: a seeded replay, reads in rounds, writes between them ------------------------


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    body: dict | None = None


@dataclass
class Workload:
    """The seeded traffic: ``rounds`` of concurrent reads, each followed by a few writes.

    A few products and customers are hot (a Zipf-like skew, as in unit 1's log), most are
    cold. Reads within a round never race a write, so "stale" has one meaning: a product read
    whose price differs from the database's at that moment.
    """

    rounds: list[list[Step]]
    writes: list[list[Step]]

    @property
    def requests(self) -> int:
        return sum(len(r) for r in self.rounds) + sum(len(w) for w in self.writes)


def workload(engine: sa.Engine, *, rounds: int = 6, reads: int = 100, writes: int = 3,
             orders_share: float = 0.3, seed: int = 5) -> Workload:
    """Make the seeded traffic for this project's data (the same seed, the same requests)."""
    with engine.connect() as db:
        products = [row[0] for row in db.execute(sa.text("SELECT id FROM products ORDER BY id"))]
        customers = [row[0] for row in db.execute(sa.text(
            "SELECT DISTINCT customer_id FROM orders ORDER BY customer_id LIMIT 500"))]
    rng = random.Random(seed)
    hot_products = rng.sample(products, min(10, len(products)))
    hot_customers = rng.sample(customers, min(10, len(customers)))

    def pick(hot: list[int], everyone: list[int]) -> int:
        return rng.choice(hot) if rng.random() < 0.8 else rng.choice(everyone)

    read_rounds, write_rounds = [], []
    for _ in range(rounds):
        steps = []
        for _ in range(reads):
            if rng.random() < orders_share:
                steps.append(Step("GET", f"/customers/{pick(hot_customers, customers)}/orders"))
            else:
                steps.append(Step("GET", f"/products/{pick(hot_products, products)}"))
        read_rounds.append(steps)
        write_rounds.append([Step("PUT", f"/products/{rng.choice(hot_products)}/price",
                                  {"price_cents": rng.randrange(100, 100_000)})
                             for _ in range(writes)])
    return Workload(read_rounds, write_rounds)


@dataclass
class Report:
    """What a replay measured. Timings are shown, never graded; everything else is evidence."""

    name: str
    requests: int
    seconds: float
    by_status: dict[int, int]
    stale_reads: list[str]
    statements_per_request: dict[str, float]   # route → mean statements per request
    most_statements: dict[str, int]             # route → the most one request ran
    p50_ms: float
    p95_ms: float
    errors: list[str]
    load_average: float = 0.0   # the machine's 1-minute load average as the replay ended
    cpus: int = 1               # ...and its cores: a load above them means a busy machine
    kernel_cpu_seconds: float = 0.0  # CPU this kernel used meanwhile: the app and its clients

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        """Requests that failed: a 5xx answer, or none at all (status 0)."""
        return count_failed(self.by_status)

    def save(self, file: str | Path) -> Path:
        """Write the report as JSON (``baseline.json``, ``after.json``) for the final report.

        Written beside and renamed over the old file: a reader never sees half a report, and
        in a grading kernel, whose submitted files are read-only, the new file replaces the
        link to the old one."""
        path = Path(file)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(json.dumps(asdict(self) | {"requests_per_second": self.requests_per_second},
                                      indent=2, default=str) + "\n")
        partial.replace(path)
        return path

    @classmethod
    def load(cls, file: str | Path) -> Report:
        data = json.loads(Path(file).read_text())
        data.pop("requests_per_second", None)
        data["by_status"] = {int(k): v for k, v in data["by_status"].items()}
        return cls(**data)

    def __str__(self) -> str:
        counts = ", ".join(f"{route} {mean:.1f}" for route, mean in self.statements_per_request.items())
        return (f"{self.name}: {self.requests} requests in {self.seconds:.2f} s "
                f"({self.requests_per_second:.0f} requests/s; p50 {self.p50_ms:.1f} ms, "
                f"p95 {self.p95_ms:.1f} ms; measured now, never graded)\n"
                f"  statuses {dict(sorted(self.by_status.items()))}, {self.failed} failed, "
                f"{len(self.stale_reads)} stale reads\n"
                f"  SQL statements per request: {counts}\n"
                f"  the machine: load average {self.load_average:.1f} on {self.cpus} cores; this kernel "
                f"(the app and its clients) used {self.kernel_cpu_seconds:.1f} s of CPU"
                f"{' (busy: other work slowed this replay)' if self.load_average > self.cpus else ''}")

    __repr__ = __str__


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


