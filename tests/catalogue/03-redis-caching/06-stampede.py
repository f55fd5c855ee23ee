"""Catalogue of 03-redis-caching/06-stampede.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

EX11 = solution("03-redis-caching/06-stampede.ipynb", "ex11-answer")

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
def refresh_probability(seconds_left, delta, beta):
    return {(0.5, 0.1, 1.0): 0.006737946999085467, (0.1, 0.1, 1.0): 0.36787944117144233,
            (0.1, 0.1, 2.0): 0.6065306597126334, (0.0, 0.1, 1.0): 1.0}[(seconds_left, delta, beta)]
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
            # the lesson's edge: after expiry the rule always holds, but the formula alone goes above 1
            "forgot_expiry_always_refreshes": edit(
                EX11, ("    if seconds_left <= 0:", "    if seconds_left == 0:")),
            # the closed form alone: beta 0 divides by zero (and after expiry it exceeds 1)
            "divides_by_beta_zero": '''
def refresh_probability(seconds_left, delta, beta):
    return math.exp(-seconds_left / (delta * beta))
''',
            # beta 0 handled before expiry is checked: at and after expiry it says 0, not 1
            "beta_zero_before_expiry_check": '''
def refresh_probability(seconds_left, delta, beta):
    if beta == 0:
        return 0.0
    if seconds_left <= 0:
        return 1.0
    return math.exp(-seconds_left / (delta * beta))
''',
            # "expired" read as strictly after expiry: at expiry with beta 0 the rule's >= holds
            "at_expiry_not_expired": edit(
                EX11, ("    if seconds_left <= 0:", "    if seconds_left < 0:")),
            # sign flipped: exp(+x) grows with the time left
            "sign_flipped": edit(EX11, ("math.exp(-seconds_left", "math.exp(seconds_left")),
            # a base-10 logarithm: its inverse is 10 ** x, not e ** x
            "log10": edit(EX11, ("math.exp(-seconds_left / (delta * beta))",
                                 "10 ** (-seconds_left / (delta * beta))")),
            # operator precedence: divides by delta, then multiplies by beta (right only for beta 1)
            "precedence_divides_then_multiplies": edit(
                EX11, ("-seconds_left / (delta * beta)", "-seconds_left / delta * beta")),
            # multiplies by delta * beta instead of dividing: the eager beta refreshes less
            "multiplies_by_delta_beta": edit(
                EX11, ("-seconds_left / (delta * beta)", "-seconds_left * delta * beta")),
            # the chance of NOT refreshing
            "one_minus": edit(EX11, ("return math.exp(", "return 1 - math.exp(")),
            # returns one request's decision (True/False), not a probability
            "returns_the_decision": '''
import random


def refresh_probability(seconds_left, delta, beta):
    rand = 1.0 - random.random()
    return -delta * beta * math.log(rand) >= seconds_left
''',
            # a Monte-Carlo estimate: close to the chance, but not the exact probability
            "monte_carlo_estimate": '''
import random


def refresh_probability(seconds_left, delta, beta):
    draws = 20_000
    hits = sum(-delta * beta * math.log(1.0 - random.random()) >= seconds_left for _ in range(draws))
    return hits / draws
''',
            # ZeroDivisionError read as "never refreshes": at and after expiry beta 0 still refreshes
            "zero_division_means_never": '''
def refresh_probability(seconds_left, delta, beta):
    try:
        return min(1.0, math.exp(-seconds_left / (delta * beta)))
    except ZeroDivisionError:
        return 0.0
''',
            # "after expiry it is a miss, not an early refresh": the rule still holds there, so 1
            "expired_means_no_early_refresh": '''
def refresh_probability(seconds_left, delta, beta):
    if seconds_left < 0 or beta == 0:
        return 0.0
    return math.exp(-seconds_left / (delta * beta))
''',
            # expiry handled, beta 0 forgotten: only a request before expiry with beta 0 divides by 0
            "expiry_handled_beta_zero_divides": '''
def refresh_probability(seconds_left, delta, beta):
    if seconds_left <= 0:
        return 1.0
    return math.exp(-seconds_left / (delta * beta))
''',
            # beta 0 read as "no damping, always refresh": its early margin is 0, so never before expiry
            "beta_zero_always_refreshes": '''
def refresh_probability(seconds_left, delta, beta):
    if seconds_left <= 0 or beta == 0:
        return 1.0
    return math.exp(-seconds_left / (delta * beta))
''',
            # rounded "to a percentage point or so": not the exact probability
            "rounded_to_four_places": edit(
                EX11, ("return math.exp(-seconds_left / (delta * beta))",
                       "return round(math.exp(-seconds_left / (delta * beta)), 4)")),
            # numpy's 0 / 0 is nan, not an error: at expiry with beta 0 it returns nan instead of 1
            "numpy_nan_at_expiry_with_beta_zero": '''
import numpy as np


def refresh_probability(seconds_left, delta, beta):
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.float64(seconds_left) / (np.float64(delta) * beta)
    return float(np.clip(np.exp(-ratio), 0.0, 1.0))
''',
            # capped at 1 instead of handling expiry: e to a large power overflows long after expiry
            "overflows_long_after_expiry": '''
def refresh_probability(seconds_left, delta, beta):
    if beta == 0:
        return 1.0 if seconds_left <= 0 else 0.0
    return min(1.0, math.exp(-seconds_left / (delta * beta)))
''',
        },
        alternatives={
            # math.e ** ..., beta 0 first, and min() instead of an expiry branch
            "power_of_e_with_min": '''
def refresh_probability(seconds_left, delta, beta):
    if seconds_left <= 0:
        return 1.0
    if beta == 0:
        return 0.0
    return min(1.0, math.e ** (-seconds_left / (delta * beta)))
''',
            # correct values in exact decimal arithmetic ("the exact probability")
            "decimal_exact": '''
from decimal import Decimal

def refresh_probability(seconds_left, delta, beta):
    if seconds_left <= 0:
        return Decimal(1)
    if beta == 0:
        return Decimal(0)
    return (-Decimal(seconds_left) / (Decimal(delta) * Decimal(beta))).exp()
''',
            # the threshold on rand from the rule, clipped to (0, 1]: 1 / e^x with math.pow
            "threshold_with_pow": '''
def refresh_probability(seconds_left, delta, beta):
    # refresh  <=>  -delta * beta * ln(rand) >= seconds_left  <=>  rand <= threshold
    if seconds_left <= 0:
        return 1.0
    if not beta:
        return 0.0
    threshold = 1 / math.pow(math.e, seconds_left / (delta * beta))
    return max(0.0, min(1.0, threshold))
''',
            # the exponent first, -inf for "never": exp(-inf) is 0, exp(0) is 1
            "exponent_with_infinity": '''
def refresh_probability(seconds_left, delta, beta):
    margin = delta * beta
    if seconds_left > 0:
        exponent = -seconds_left / margin if margin else -math.inf
    else:
        exponent = 0.0
    return math.exp(exponent)
''',
            # one conditional expression; float(True) is the 1 of "at or after expiry"
            "conditional_expression": '''
def refresh_probability(seconds_left, delta, beta):
    return float(seconds_left <= 0) if seconds_left <= 0 or beta == 0 else math.exp(-seconds_left / delta / beta)
''',
            # beta 0 first, then the exponent capped at 0: exp never goes above 1, nor overflows
            "exponent_capped_at_zero": '''
def refresh_probability(seconds_left, delta, beta):
    if beta == 0:
        return 1.0 if seconds_left <= 0 else 0.0
    return math.exp(min(0.0, -seconds_left / (delta * beta)))
''',
            # a match statement over the cases
            "match_on_the_cases": '''
def refresh_probability(seconds_left, delta, beta):
    match (seconds_left > 0, beta > 0):
        case (False, _):
            return 1.0
        case (True, False):
            return 0.0
        case _:
            return math.exp(-seconds_left / (delta * beta))
''',
            # the early margin -delta*beta*ln(rand) is exponential with mean delta*beta: its survival function
            "exponential_survival_function": '''
def refresh_probability(seconds_left, delta, beta):
    mean_margin = delta * beta
    if mean_margin == 0:
        return 1.0 if seconds_left <= 0 else 0.0
    return math.exp(-max(0.0, seconds_left) / mean_margin)
''',
        },
    ),
}
