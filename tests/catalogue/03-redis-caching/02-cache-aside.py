"""Catalogue of 03-redis-caching/02-cache-aside.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        hardcoded='''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=300 if page is not None else 30)
    return page
''',
        mistakes={},
        alternatives={},
    ),
    "ex4-answer": Exercise(
        hardcoded='''
def hit_ratio(r, action):
    action()
    stats = r.info("stats")
    hits, misses = stats["keyspace_hits"], stats["keyspace_misses"]
    return hits / (hits + misses) if hits + misses else 0.0
''',
        mistakes={},
        alternatives={},
    ),
}
