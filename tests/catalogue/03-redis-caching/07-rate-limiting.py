"""Catalogue of 03-redis-caching/07-rate-limiting.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

HARDCODED12 = '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    count = r.incr(key)
    if count == 1:
        r.expire(key, window_seconds)
    return count <= limit
'''

HARDCODED13 = '''
def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    r.zremrangebyscore(key, "-inf", now_ms - window_ms)
    if r.zcard(key) >= limit:
        return False
    r.zadd(key, {str(now_ms): now_ms})
    r.pexpire(key, window_ms)
    return True
'''

EXERCISES = {
    "ex12-answer": Exercise(
        hardcoded=HARDCODED12,
        mistakes={
            # the lesson's leak: INCR, then EXPIRE as a second command
            "expire_in_second_command": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    count = r.incr(key)
    if count == 1:
        r.expire(key, window_seconds)
    return count <= limit
''',
            # a pipeline without MULTI: one round trip, but not atomic
            "pipeline_without_multi": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    pipe = r.pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, window_seconds)
    count, _ = pipe.execute()
    return count <= limit
''',
            # EXPIRE sent before INCR, as two commands: the crash leaves a counter without TTL
            "expire_then_incr_two_commands": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    r.set(key, 0, ex=window_seconds, nx=True)
    count = r.incr(key)
    return count <= limit
''',
            # milliseconds and seconds confused: PEXPIRE with a number of seconds
            "pexpire_with_seconds": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    pipe = r.pipeline(transaction=True)
    pipe.incr(key)
    pipe.pexpire(key, window_seconds)
    count, _ = pipe.execute()
    return count <= limit
''',
            # off by one: refuses the limit-th request
            "less_than_limit": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    pipe = r.pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, window_seconds)
    count, _ = pipe.execute()
    return count < limit
''',
        },
        alternatives={
            # one Lua script: INCR, and EXPIRE on the first request
            "lua_incr_expire_first": '''
FIXED = r.register_script("""
local count = redis.call('INCR', KEYS[1])
if count == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
""")


def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    return FIXED(keys=[key], args=[window_seconds], client=r) <= limit
''',
            # MULTI/EXEC: create the counter with its TTL (SET NX EX), then INCR
            "multi_set_nx_ex_then_incr": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    window = int(now // window_seconds)
    key = f"{prefix}fixed:{client_id}:{window}"
    with r.pipeline() as tx:
        tx.set(key, 0, ex=window_seconds, nx=True)
        tx.incr(key)
        created, count = tx.execute()
    return count <= limit
''',
            # MULTI/EXEC: INCR and EXPIRE on every request (the TTL restarts; still at most a window)
            "multi_incr_expire_every_time": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = "{}fixed:{}:{}".format(prefix, client_id, int(now // window_seconds))
    tx = r.pipeline(transaction=True)
    tx.incr(key).expire(key, window_seconds)
    count = tx.execute()[0]
    return count <= limit
''',
        },
    ),
    "ex13-answer": Exercise(
        hardcoded=HARDCODED13,
        mistakes={
            # ZREMRANGEBYSCORE -inf (now-window: a request at exactly now - window stays counted
            "exclusive_boundary_keeps_oldest": '''
SLIDING = r.register_script("""
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[1]) - tonumber(ARGV[2])))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
""")


def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    return SLIDING(keys=[key], args=[now_ms, window_ms, limit, uuid.uuid4().hex], client=r) == 1
''',
            # four round trips from Python: two servers both see "one slot left"
            "check_then_add_from_python": '''
def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    r.zremrangebyscore(key, "-inf", now_ms - window_ms)
    if r.zcard(key) >= limit:
        return False
    r.zadd(key, {uuid.uuid4().hex: now_ms})
    r.pexpire(key, window_ms)
    return True
''',
            # the time as the member: requests in the same millisecond collapse into one
            "timestamp_as_member": '''
SLIDING = r.register_script("""
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
""")


def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    return SLIDING(keys=[key], args=[now_ms, window_ms, limit], client=r) == 1
''',
            # records every request, refused ones too: a client that keeps trying stays blocked
            "records_refused_requests": '''
def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    tx = r.pipeline(transaction=True)
    tx.zremrangebyscore(key, "-inf", now_ms - window_ms)
    tx.zadd(key, {uuid.uuid4().hex: now_ms})
    tx.zcard(key)
    tx.pexpire(key, window_ms)
    count = tx.execute()[2]
    return count <= limit
''',
            # seconds and milliseconds confused: EXPIRE window_ms keeps the log 1000 times too long
            "expire_in_seconds": '''
SLIDING = r.register_script("""
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
""")


def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    return SLIDING(keys=[key], args=[now_ms, window_ms, limit, uuid.uuid4().hex], client=r) == 1
''',
        },
        alternatives={
            # WATCH the log, decide in Python, MULTI/EXEC the write; retry when it changed
            "watch_multi_retry": '''
import redis


def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                in_window = pipe.zcount(key, f"({now_ms - window_ms}", "+inf")
                if in_window >= limit:
                    pipe.unwatch()
                    return False
                pipe.multi()
                pipe.zremrangebyscore(key, "-inf", now_ms - window_ms)
                pipe.zadd(key, {uuid.uuid4().hex: now_ms})
                pipe.pexpire(key, window_ms)
                pipe.execute()
                return True
            except redis.WatchError:
                continue
''',
            # r.transaction: redis-py's WATCH/retry loop around a function
            "redis_py_transaction": '''
def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    outcome = {}

    def attempt(pipe):
        pipe.zremrangebyscore(key, "-inf", now_ms - window_ms)
        allowed = pipe.zcard(key) < limit
        outcome["allowed"] = allowed
        pipe.multi()
        if allowed:
            pipe.zadd(key, {uuid.uuid4().hex: now_ms})
            pipe.pexpire(key, window_ms)

    r.transaction(attempt, key)
    return outcome["allowed"]
''',
            # one EVAL (no registered script): ZCOUNT over the window, then trim and record
            "eval_zcount": '''
SCRIPT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local count = redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')
if count >= limit then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 1
"""


def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    member = f"{now_ms}-{uuid.uuid4()}"
    return bool(r.eval(SCRIPT, 1, f"{prefix}sliding:{client_id}", now_ms, window_ms, limit, member))
''',
        },
    ),
}
