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
        mistakes={
            # the scores come back as floats: 10.0 == 10, but (42, 10.0) is not a pair of ints
            "scores_as_floats": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, desc=True, withscores=True)
    return [(int(member), score) for member, score in best]
''',
            # ZRANGE 0 -1 for n=0: the whole leaderboard instead of nothing
            "n_zero_reads_everything": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, desc=True, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
            # ZADD replaces the total: a product that sells twice keeps only its last sale
            "zadd_replaces_total": '''
def record_sale(r, prefix, product_id, units):
    r.zadd(f"{prefix}top-sellers", {product_id: units})


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, desc=True, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
            # ZRANGE without REV: the worst sellers first
            "lowest_first": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrange(f"{prefix}top-sellers", 0, n - 1, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
            # ZRANGE's stop is inclusive: 0..n returns n + 1 products
            "stop_off_by_one": '''
def record_sale(r, prefix, product_id, units):
    r.zincrby(f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n <= 0:
        return []
    best = r.zrevrange(f"{prefix}top-sellers", 0, n, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
        },
        alternatives={
            # the raw command, as typed in redis-cli, with its flat reply parsed by hand
            "raw_zrange_rev": '''
def record_sale(r, prefix, product_id, units):
    r.execute_command("ZINCRBY", f"{prefix}top-sellers", units, product_id)


def top_sellers(r, prefix, n):
    if n < 1:
        return []
    flat = r.execute_command("ZRANGE", f"{prefix}top-sellers", 0, n - 1, "REV", "WITHSCORES")
    if flat and isinstance(flat[0], (list, tuple)):   # RESP3 pairs
        flat = [item for pair in flat for item in pair]
    return [(int(flat[i]), int(float(flat[i + 1]))) for i in range(0, len(flat), 2)]
''',
            # read everything, slice in Python (n=0 gives [] by itself); score_cast_func=int
            "read_all_then_slice": '''
def record_sale(r, prefix, product_id, units):
    with r.pipeline() as pipe:
        pipe.zincrby(f"{prefix}top-sellers", units, product_id)
        pipe.execute()


def top_sellers(r, prefix, n):
    everything = r.zrange(f"{prefix}top-sellers", 0, -1, desc=True, withscores=True,
                          score_cast_func=int)
    return [(int(member), units) for member, units in everything[:n]]
''',
            # ZRANGEBYSCORE-style: highest scores first with LIMIT, sorted again in Python
            "by_score_with_limit": '''
def record_sale(r, prefix, product_id, units):
    r.zadd(f"{prefix}top-sellers", {str(product_id): units}, incr=True)


def top_sellers(r, prefix, n):
    if not n:
        return []
    best = r.zrevrangebyscore(f"{prefix}top-sellers", "+inf", "-inf", start=0, num=n,
                              withscores=True)
    pairs = [(int(member), int(score)) for member, score in best]
    return sorted(pairs, key=lambda pair: -pair[1])
''',
        },
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
        mistakes={
            # EXPIRE before the first LPUSH: the key does not exist yet, so a new list never expires
            "expire_before_lpush": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    pipe = r.pipeline()
    pipe.expire(key, ttl)
    pipe.lrem(key, 0, product_id)
    pipe.lpush(key, product_id)
    pipe.ltrim(key, 0, keep - 1)
    pipe.lrange(key, 0, -1)
    return [int(viewed) for viewed in pipe.execute()[-1]]
''',
            # EXPIRE ... NX: the expiry is set at the first view and never pushed back
            "expiry_not_pushed_back": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep - 1)
    r.expire(key, ttl, nx=True)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
            # PEXPIRE takes milliseconds: the list forgets after ttl/1000 seconds
            "ttl_in_milliseconds": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep - 1)
    r.pexpire(key, ttl)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
            # LTRIM's stop is inclusive: 0..keep keeps one too many
            "ltrim_keeps_one_more": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep)
    r.expire(key, ttl)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
            # no LREM: a product viewed twice appears twice
            "duplicates_kept": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lpush(key, product_id)
    r.ltrim(key, 0, keep - 1)
    r.expire(key, ttl)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
        },
        alternatives={
            # one MULTI/EXEC transaction, the expiry after the push
            "multi_exec": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    with r.pipeline(transaction=True) as pipe:
        pipe.lrem(key, 0, product_id).lpush(key, product_id)
        pipe.ltrim(key, 0, keep - 1).expire(key, ttl).lrange(key, 0, -1)
        *_, viewed = pipe.execute()
    return [int(item) for item in viewed]
''',
            # a Lua script does it all inside the server
            "lua_script": '''
REMEMBER = """
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return redis.call('LRANGE', KEYS[1], 0, -1)
"""


def remember_view(r, prefix, user_id, product_id, keep, ttl):
    viewed = r.eval(REMEMBER, 1, f"{prefix}recent:{user_id}", product_id, keep, ttl)
    return [int(item) for item in viewed]
''',
            # rebuild the list in Python, then replace it, expiry set with EXPIREAT
            "rebuild_in_python": '''
import time


def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    old = [int(item) for item in r.lrange(key, 0, -1)]
    new = ([product_id] + [item for item in old if item != product_id])[:keep]
    r.delete(key)
    r.rpush(key, *new)
    r.expireat(key, int(time.time()) + ttl)
    return new
''',
        },
    ),
}
