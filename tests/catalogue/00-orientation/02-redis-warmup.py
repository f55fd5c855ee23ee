"""Catalogue of 00-orientation/02-redis-warmup.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        hardcoded='''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    r.expire(key, 60)
    return views
''',
        mistakes={
            # the lost update the lesson warns against: read, add one in Python, write back
            # (a plain SET also drops the TTL)
            "get_add_one_set": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = int(r.get(key) or 0) + 1
    r.set(key, views)
    if views == 1:
        r.expire(key, window_seconds)
    return views
''',
            # the same lost update, careful about the TTL (KEEPTTL): only a race shows it
            "get_add_one_set_keepttl": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = int(r.get(key) or 0) + 1
    if views == 1:
        r.set(key, views, ex=window_seconds)
    else:
        r.set(key, views, keepttl=True)
    return views
''',
            # every view pushes the expiry back: a sliding window, not "after the first view"
            "expire_on_every_view": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    r.expire(key, window_seconds)
    return views
''',
            # EXPIRE before the key exists does nothing: the counter never expires
            "expire_before_key_exists": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    if not r.exists(key):
        r.expire(key, window_seconds)
    return r.incr(key)
''',
            # milliseconds where seconds are meant
            "pexpire_with_seconds": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    if views == 1:
        r.pexpire(key, window_seconds)
    return views
''',
            # the count read back with GET: a string, and maybe someone else's later count
            "returns_get_string": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    if r.incr(key) == 1:
        r.expire(key, window_seconds)
    return r.get(key)
''',
            "key_without_prefix": '''
def count_view(r, prefix, page, window_seconds):
    key = f"views:{page}"
    views = r.incr(key)
    if views == 1:
        r.expire(key, window_seconds)
    return views
''',
        },
        alternatives={
            "lua_script": '''
COUNT_VIEW = """
local views = redis.call('INCR', KEYS[1])
if views == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return views
"""

def count_view(r, prefix, page, window_seconds):
    return int(r.eval(COUNT_VIEW, 1, f"{prefix}views:{page}", window_seconds))
''',
            # one MULTI/EXEC: create the key with its expiry if it is missing, then add one
            "multi_set_nx_ex_incrby": '''
def count_view(r, prefix, page, window_seconds):
    key = prefix + "views:" + page
    pipe = r.pipeline(transaction=True)
    pipe.set(key, 0, ex=window_seconds, nx=True)
    pipe.incrby(key, 1)
    _, views = pipe.execute()
    return views
''',
            "watch_multi_loop": '''
import redis

def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                views = int(pipe.get(key) or 0) + 1
                pipe.multi()
                if views == 1:
                    pipe.set(key, views, ex=window_seconds)
                else:
                    pipe.set(key, views, keepttl=True)
                pipe.execute()
                return views
            except redis.WatchError:
                continue
''',
            "transaction_helper": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"

    def add_one(pipe):
        views = int(pipe.get(key) or 0) + 1
        pipe.multi()
        if views == 1:
            pipe.set(key, views, ex=window_seconds)
        else:
            pipe.set(key, views, keepttl=True)
        return views

    return r.transaction(add_one, key, value_from_callable=True)
''',
            "registered_script": '''
def count_view(r, prefix, page, window_seconds):
    script = r.register_script(
        "local n = redis.call('INCRBY', KEYS[1], 1) "
        "if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
        "return n")
    return script(keys=[f"{prefix}views:{page}"], args=[window_seconds])
''',
            "set_nx_ex_then_incr": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    r.set(key, 0, ex=window_seconds, nx=True)
    return r.incr(key)
''',
            "ttl_repair": '''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    if r.ttl(key) == -1:
        r.expire(key, window_seconds)
    return views
''',
        },
    ),
}
