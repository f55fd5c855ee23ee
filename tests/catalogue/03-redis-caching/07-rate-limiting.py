"""Catalogue of 03-redis-caching/07-rate-limiting.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex12-answer": Exercise(
        hardcoded='''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    count = r.incr(key)
    if count == 1:
        r.expire(key, window_seconds)
    return count <= limit
''',
        mistakes={},
        alternatives={},
    ),
    "ex13-answer": Exercise(
        hardcoded='''
def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    r.zremrangebyscore(key, "-inf", now_ms - window_ms)
    if r.zcard(key) >= limit:
        return False
    r.zadd(key, {str(now_ms): now_ms})
    r.pexpire(key, window_ms)
    return True
''',
        mistakes={},
        alternatives={},
    ),
}
