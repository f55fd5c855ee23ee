"""Catalogue of 03-redis-caching/08-round-trips.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

HARDCODED14 = '''
def warm_cache(r, prefix, products, ttl, batch_size):
    for start in range(0, len(products), batch_size):
        pipe = r.pipeline(transaction=False)
        for product in products[start:start + batch_size]:
            pipe.set(f"{prefix}product:{product['id']}", json.dumps(product), ex=600)
        pipe.execute()
'''

HARDCODED15 = '''
def reserve(r, key, quantity):
    stock = int(r.get(key) or 0)
    if stock < quantity:
        return False
    r.decrby(key, quantity)
    return True
'''

EXERCISES = {
    "ex14-answer": Exercise(
        hardcoded=HARDCODED14,
        mistakes={
            # SET NX: a page already cached (stale, from before the deploy) is kept
            "set_nx_keeps_stale_pages": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    for start in range(0, len(products), batch_size):
        pipe = r.pipeline(transaction=False)
        for product in products[start:start + batch_size]:
            pipe.set(f"{prefix}product:{product['id']}", json.dumps(product), ex=ttl, nx=True)
        pipe.execute()
''',
            # one SET per round trip: no pipeline
            "one_by_one": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    for product in products:
        r.set(f"{prefix}product:{product['id']}", json.dumps(product), ex=ttl)
''',
            # one pipeline for everything: batch_size ignored
            "one_huge_pipeline": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    pipe = r.pipeline(transaction=False)
    for product in products:
        pipe.set(f"{prefix}product:{product['id']}", json.dumps(product), ex=ttl)
    pipe.execute()
''',
            # the TTL as a second command: twice the commands per batch
            "ttl_in_second_command": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    for start in range(0, len(products), batch_size):
        pipe = r.pipeline(transaction=False)
        for product in products[start:start + batch_size]:
            key = f"{prefix}product:{product['id']}"
            pipe.set(key, json.dumps(product))
            pipe.expire(key, ttl)
        pipe.execute()
''',
            # executes each full batch, forgets the last, partial one
            "last_batch_forgotten": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    pipe = r.pipeline(transaction=False)
    for product in products:
        pipe.set(f"{prefix}product:{product['id']}", json.dumps(product), ex=ttl)
        if len(pipe) == batch_size:
            pipe.execute()
''',
        },
        alternatives={
            # MULTI/EXEC pipelines (the default), filled by a counter
            "transaction_pipelines_counter": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    pipe = r.pipeline()
    for product in products:
        pipe.set("%sproduct:%d" % (prefix, product["id"]), json.dumps(product), ex=ttl)
        if len(pipe) >= batch_size:
            pipe.execute()
    if len(pipe):
        pipe.execute()
''',
            # SETEX through raw commands, batches made with itertools.islice
            "islice_batches_raw_setex": '''
import itertools


def warm_cache(r, prefix, products, ttl, batch_size):
    remaining = iter(products)
    while batch := list(itertools.islice(remaining, batch_size)):
        with r.pipeline(transaction=False) as pipe:
            for product in batch:
                pipe.execute_command("SETEX", f"{prefix}product:{product['id']}", ttl,
                                     json.dumps(product))
            pipe.execute()
''',
            # redis-py's setex (deprecated, warns) in pipelines built per chunk
            "setex_chunks": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    chunks = [products[i:i + batch_size] for i in range(0, len(products), batch_size)]
    for chunk in chunks:
        pipe = r.pipeline(transaction=False)
        for product in chunk:
            pipe.setex(prefix + "product:" + str(product["id"]), ttl, json.dumps(product))
        pipe.execute()
''',
            # one Lua script per batch: one command, one round trip, all SETs with EX
            "lua_per_batch": '''
WARM = r.register_script("""
for i, key in ipairs(KEYS) do
    redis.call('SET', key, ARGV[i + 1], 'EX', ARGV[1])
end
return #KEYS
""")


def warm_cache(r, prefix, products, ttl, batch_size):
    for start in range(0, len(products), batch_size):
        batch = products[start:start + batch_size]
        WARM(keys=[f"{prefix}product:{p['id']}" for p in batch],
             args=[ttl] + [json.dumps(p) for p in batch], client=r)
''',
        },
    ),
    "ex15-answer": Exercise(
        hardcoded=HARDCODED15,
        mistakes={
            # read, check, write from Python with nothing watched: two servers oversell
            "get_check_decrby": '''
def reserve(r, key, quantity):
    stock = int(r.get(key) or 0)
    if stock < quantity:
        return False
    r.decrby(key, quantity)
    return True
''',
            # MULTI without WATCH: the write is atomic, the decision is not
            "multi_without_watch": '''
def reserve(r, key, quantity):
    stock = int(r.get(key) or 0)
    if stock < quantity:
        return False
    with r.pipeline(transaction=True) as pipe:
        pipe.decrby(key, quantity)
        pipe.execute()
    return True
''',
            # WATCH, but no retry: a reservation that still fits is refused after a conflict
            "watch_without_retry": '''
import redis


def reserve(r, key, quantity):
    with r.pipeline() as pipe:
        try:
            pipe.watch(key)
            stock = int(pipe.get(key) or 0)
            if stock < quantity:
                pipe.unwatch()
                return False
            pipe.multi()
            pipe.decrby(key, quantity)
            pipe.execute()
            return True
        except redis.WatchError:
            return False
''',
            # DECRBY first, put it back when negative: the stock goes below zero meanwhile
            "decrby_then_undo": '''
def reserve(r, key, quantity):
    left = r.decrby(key, quantity)
    if left < 0:
        r.incrby(key, quantity)
        return False
    return True
''',
            # Lua comparing the strings GET returns: "10" < "3"
            "lua_compares_strings": '''
RESERVE = r.register_script("""
local stock = redis.call('GET', KEYS[1]) or '0'
if stock < ARGV[1] then
    return 0
end
redis.call('DECRBY', KEYS[1], ARGV[1])
return 1
""")


def reserve(r, key, quantity):
    return RESERVE(keys=[key], args=[quantity], client=r) == 1
''',
            # a missing key crashes int(None) instead of meaning 0
            "missing_key_crashes": '''
import redis


def reserve(r, key, quantity):
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                stock = int(pipe.get(key))
                if stock < quantity:
                    pipe.unwatch()
                    return False
                pipe.multi()
                pipe.decrby(key, quantity)
                pipe.execute()
                return True
            except redis.WatchError:
                continue
''',
        },
        alternatives={
            # a Lua script: read, decide and write on the server
            "lua_script": '''
RESERVE = r.register_script("""
local stock = tonumber(redis.call('GET', KEYS[1]) or '0')
local want = tonumber(ARGV[1])
if stock < want then
    return 0
end
redis.call('DECRBY', KEYS[1], want)
return 1
""")


def reserve(r, key, quantity):
    return RESERVE(keys=[key], args=[quantity], client=r) == 1
''',
            # redis-py's r.transaction: WATCH and the retry loop done for you
            "redis_py_transaction": '''
def reserve(r, key, quantity):
    taken = []

    def attempt(pipe):
        stock = int(pipe.get(key) or 0)
        taken.clear()
        if stock >= quantity:
            pipe.multi()
            pipe.decrby(key, quantity)
            taken.append(True)

    r.transaction(attempt, key)
    return bool(taken)
''',
            # an explicit WATCH/MULTI/EXEC loop with the raw commands
            "watch_loop": '''
import redis


def reserve(r, key, quantity):
    while True:
        with r.pipeline() as pipe:
            try:
                pipe.watch(key)
                current = pipe.get(key)
                stock = 0 if current is None else int(current)
                if quantity > stock:
                    pipe.reset()
                    return False
                pipe.multi()
                pipe.set(key, stock - quantity)
                pipe.execute()
                return True
            except redis.WatchError:
                pass
''',
            # EVAL: DECRBY and an undo inside the script; atomic, so nobody sees it below zero
            "eval_decr_and_undo_in_lua": '''
def reserve(r, key, quantity):
    script = """
    if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
    local left = redis.call('DECRBY', KEYS[1], ARGV[1])
    if left < 0 then
        redis.call('INCRBY', KEYS[1], ARGV[1])
        return 0
    end
    return 1
    """
    return r.eval(script, 1, key, quantity) == 1
''',
        },
    ),
}
