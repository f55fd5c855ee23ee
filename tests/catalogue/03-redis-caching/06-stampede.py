"""Catalogue of 03-redis-caching/06-stampede.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex10-answer": Exercise(
        hardcoded='''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        if r.set(lock, "locked", nx=True, px=LOCK_MS):
            cached = r.get(key)
            if cached is None:
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
            else:
                page = json.loads(cached)
            r.delete(lock)
            return page
        time.sleep(POLL_SECONDS)
''',
        mistakes={},
        alternatives={},
    ),
    "ex11-answer": Exercise(
        hardcoded='''
def should_refresh_early(now, expiry, delta, beta, rand):
    return now - delta * math.log(rand) >= expiry
''',
        mistakes={},
        alternatives={},
    ),
}
