"""Catalogue of 03-redis-caching/01-redis-in-ten-minutes.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
def record_sale(r, prefix, product_id, units):
    r.zadd(f"{prefix}top-sellers", {product_id: units})


def top_sellers(r, prefix, n):
    best = r.zrevrange(f"{prefix}top-sellers", 0, n - 1, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
        mistakes={},
        alternatives={},
    ),
    "ex2-answer": Exercise(
        hardcoded='''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, 4)
    r.expire(key, 600)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
        mistakes={},
        alternatives={},
    ),
}
