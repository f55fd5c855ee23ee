"""Unit 3's headline ratios, measured side by side on a real redis-server.

    .venv/bin/python benchmarks/redis_caching.py          # SQLite, plus PostgreSQL if
                                                           # BACKENDLAB_DATABASE_URL is set

Prints, per SQL engine: the product-page query against a cache hit (the lessons expect the hit to
be hundreds of times faster on the full dataset), and 2,000 GETs one by one against one pipeline
and one MGET (the lessons expect ×5 or more), with round trips counted. Nothing is asserted: on a
shared machine timings vary, and the ratios are what the lessons show. Uses a private
redis-server of its own, stopped at the end. Set BACKENDLAB_SCALE=small for a quick run (the
cache-hit ratio then means little).
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from shop_engines import shop_on  # noqa: E402

import backendlab
from backendlab import caching, datasets
from backendlab.timing import Comparison, compare, readable

SERVER = "03-benchmark"
PRODUCT = 7        # any product: the query scans all order items whichever it is
GETS = 2000        # keys read one by one, then in one pipeline


def cache_hit(shop, r) -> Comparison:
    """The product-page query, against GET + json.loads of its cached copy."""
    load = caching.CountedLoader(shop)
    key = "bench:product:7"
    r.set(key, json.dumps(load(PRODUCT)), ex=300)
    assert json.loads(r.get(key)) == load(PRODUCT), "the cached page must be the query's answer"
    return compare("the query", lambda: load(PRODUCT), "a cache hit", lambda: json.loads(r.get(key)))


def round_trips(r) -> tuple[Comparison, Comparison, int, int]:
    """GETS GETs one by one, in one pipeline, and as one MGET; round trips counted."""
    names = [f"bench:page:{number}" for number in range(GETS)]
    r.mset({name: "x" * 100 for name in names})

    def one_by_one() -> list:
        return [r.get(name) for name in names]

    def pipelined() -> list:
        pipe = r.pipeline(transaction=False)
        for name in names:
            pipe.get(name)
        return pipe.execute()

    assert one_by_one() == pipelined() == r.mget(names), "all three must read the same values"
    counted = caching.instrument(r)
    [counted.get(name) for name in names]
    alone = counted.round_trips
    counted.reset_counts()
    pipe = counted.pipeline(transaction=False)
    for name in names:
        pipe.get(name)
    pipe.execute()
    return (compare("one by one", one_by_one, "one pipeline", pipelined),
            compare("one by one", one_by_one, "one MGET", lambda: r.mget(names)),
            alone, counted.round_trips)


def main() -> None:
    url = os.environ.get(backendlab.sql.URL_VARIABLE)
    engines = [("SQLite", None)] + ([("PostgreSQL", url)] if url else [])
    r = caching.private_server(SERVER)
    try:
        version = r.info("server")["redis_version"]
        hits = {}
        for name, engine_url in engines:
            with shop_on(engine_url, "03-benchmark") as shop:
                print(f"{name}: {backendlab.describe(shop)}", flush=True)
                hits[name] = cache_hit(shop, r)
        piped, mget, alone, batched = round_trips(r)
    finally:
        caching.stop_private_server(SERVER)

    print()
    scale = datasets.default_scale()
    print(f"Unit 3 ratios on the {scale} dataset, redis-server {version} on a unix socket "
          "(medians, measured just now on this machine)")
    rows = [(f"{name}: product-page query vs cache hit", comparison) for name, comparison in hits.items()]
    rows += [(f"{GETS:,} GETs: one by one vs pipeline", piped), (f"{GETS:,} GETs: one by one vs MGET", mget)]
    print(f"{'':48}{'slow side':>12}{'fast side':>12}{'ratio':>14}")
    for label, comparison in rows:
        print(f"{label:48}{readable(comparison.slow_seconds):>12}{readable(comparison.fast_seconds):>12}"
              f"{comparison.factor:>14}")
    print(f"round trips for {GETS:,} GETs: {alone:,} one by one, {batched} pipelined")
    if not url:
        print("\n(Set BACKENDLAB_DATABASE_URL to add PostgreSQL: "
              "export BACKENDLAB_DATABASE_URL=$(.venv/bin/python -m backendlab postgres start))")


if __name__ == "__main__":
    main()
