"""Catalogue of 03-redis-caching/06-stampede.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

HARDCODED10 = '''
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
'''

HARDCODED11 = '''
def should_refresh_early(now, expiry, delta, beta, rand):
    return now - delta * math.log(rand) >= expiry
'''

EXERCISES = {
    "ex10-answer": Exercise(
        hardcoded=HARDCODED10,
        mistakes={
            # the lesson's trap: the lock holder does not look in the cache again
            "no_recheck_after_lock": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = uuid.uuid4().hex
        if r.set(lock, token, nx=True, px=LOCK_MS):
            try:
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
                return page
            finally:
                RELEASE(keys=[lock], args=[token])
        time.sleep(POLL_SECONDS)
''',
            # a plain DEL releases a lock that expired and now belongs to another server
            "del_without_token_check": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = uuid.uuid4().hex
        if r.set(lock, token, nx=True, px=LOCK_MS):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
                return page
            finally:
                r.delete(lock)
        time.sleep(POLL_SECONDS)
''',
            # SET NX without PX: a crashed holder blocks the key forever
            "lock_without_expiry": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = uuid.uuid4().hex
        if r.set(lock, token, nx=True):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
                return page
            finally:
                RELEASE(keys=[lock], args=[token])
        time.sleep(POLL_SECONDS)
''',
            # release not in finally: a load that raises leaves the lock behind
            "release_without_finally": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = uuid.uuid4().hex
        if r.set(lock, token, nx=True, px=LOCK_MS):
            cached = r.get(key)
            if cached is not None:
                page = json.loads(cached)
            else:
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
            RELEASE(keys=[lock], args=[token])
            return page
        time.sleep(POLL_SECONDS)
''',
            # the same token for every caller: RELEASE cannot tell whose lock it is
            "same_token_for_everyone": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        if r.set(lock, "locked", nx=True, px=LOCK_MS):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
                return page
            finally:
                RELEASE(keys=[lock], args=["locked"])
        time.sleep(POLL_SECONDS)
''',
            # without the lock, load anyway instead of waiting: the stampede again
            "loads_without_lock": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    token = uuid.uuid4().hex
    got = r.set(lock, token, nx=True, px=LOCK_MS)
    try:
        page = load(product_id)
        r.set(key, json.dumps(page), ex=ttl)
        return page
    finally:
        if got:
            RELEASE(keys=[lock], args=[token])
''',
            # waits for the lock once, then gives up and loads: a held lock is not respected
            "waits_once_then_loads": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    for attempt in range(2):
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = uuid.uuid4().hex
        if r.set(lock, token, nx=True, px=LOCK_MS):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
                return page
            finally:
                RELEASE(keys=[lock], args=[token])
        time.sleep(POLL_SECONDS)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=ttl)
    return page
''',
        },
        alternatives={
            # redis-py's own lock: SET NX PX with a token, token-checked release in Lua
            "redis_py_lock": '''
import redis


def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        lock = r.lock(f"{key}:lock", timeout=LOCK_MS / 1000, thread_local=False)
        if lock.acquire(blocking=False):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
                return page
            finally:
                try:
                    lock.release()
                except redis.exceptions.LockError:
                    pass  # it expired and may be someone else's now: leave it alone
        time.sleep(POLL_SECONDS)
''',
            # recursion instead of a loop; WATCH/MULTI instead of Lua for the release
            "recursive_watch_release": '''
import redis


def release_if_mine(r, lock, token):
    with r.pipeline() as pipe:
        try:
            pipe.watch(lock)
            if pipe.get(lock) == token:
                pipe.multi()
                pipe.delete(lock)
                pipe.execute()
            else:
                pipe.unwatch()
        except redis.WatchError:
            pass  # it changed hands meanwhile: not ours any more


def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    lock, token = key + ":lock", str(uuid.uuid4())
    if not r.set(lock, token, nx=True, px=LOCK_MS):
        time.sleep(POLL_SECONDS)
        return get_product_safely(r, prefix, product_id, load, ttl)
    try:
        again = r.get(key)
        if again is None:
            page = load(product_id)
            r.set(key, json.dumps(page), ex=ttl)
            return page
        return json.loads(again)
    finally:
        release_if_mine(r, lock, token)
''',
            # raw commands and an inline EVAL; a helper for the second look
            "raw_commands_eval": '''
UNLOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def cached_page(r, key):
    raw = r.execute_command("GET", key)
    return None if raw is None else json.loads(raw)


def get_product_safely(r, prefix, product_id, load, ttl):
    key = "%sproduct:%s" % (prefix, product_id)
    lock = key + ":lock"
    page = cached_page(r, key)
    while page is None:
        token = os.urandom(16).hex()
        if r.execute_command("SET", lock, token, "NX", "PX", LOCK_MS):
            try:
                page = cached_page(r, key)
                if page is None:
                    page = load(product_id)
                    r.execute_command("SET", key, json.dumps(page), "EX", ttl)
            finally:
                r.eval(UNLOCK, 1, lock, token)
            break
        time.sleep(POLL_SECONDS)
        page = cached_page(r, key)
    return page


import os
''',
        },
    ),
    "ex11-answer": Exercise(
        hardcoded=HARDCODED11,
        mistakes={
            # beta forgotten: with beta = 0 (never early) or beta = 3 the decision is wrong
            "beta_forgotten": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    return now - delta * math.log(rand) >= expiry
''',
            # the sign of ln(rand) (which is <= 0) flipped: refreshes only after expiry
            "sign_flipped": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    return now + delta * beta * math.log(rand) >= expiry
''',
            # base-10 logarithm instead of the natural one
            "log10": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    return now - delta * beta * math.log10(rand) >= expiry
''',
            # the probability form, dividing by delta * beta: beta = 0 divides by zero
            "probability_form_divides_by_beta": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    return rand <= math.exp(-(expiry - now) / (delta * beta))
''',
            # draws its own random number instead of using `rand`
            "ignores_given_rand": '''
import random


def should_refresh_early(now, expiry, delta, beta, rand):
    return now - delta * beta * math.log(random.random() or 1.0) >= expiry
''',
            # strict > : an expired value (rand = 1 or beta = 0, now == expiry) is not refreshed
            "strictly_greater": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    return now - delta * beta * math.log(rand) > expiry
''',
        },
        alternatives={
            # time left compared with the random early margin
            "time_left_vs_margin": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    time_left = expiry - now
    margin = -delta * beta * math.log(rand)
    return time_left <= margin
''',
            # ln(1/rand) with numpy, and an explicit early return after expiry
            "numpy_log_of_inverse": '''
import numpy as np


def should_refresh_early(now, expiry, delta, beta, rand):
    if now >= expiry:
        return True
    return bool(now + delta * beta * np.log(1.0 / rand) >= expiry)
''',
            # exponential random variable: -ln(U) is Exp(1)
            "exponential_draw": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    exp_draw = -math.log(rand)          # an Exp(1) sample made from the given uniform
    early_by = delta * beta * exp_draw  # how early this request is allowed to refresh
    return not (now + early_by < expiry)
''',
        },
    ),
}
