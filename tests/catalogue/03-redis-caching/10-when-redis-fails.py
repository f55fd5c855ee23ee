"""Catalogue of 03-redis-caching/10-when-redis-fails.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit

CLIENT = '''
def fast_failing_client(socket_path):
    from redis import backoff, retry

    return redis.Redis(unix_socket_path=socket_path, decode_responses=True, socket_timeout=0.25,
                       retry=retry.Retry(backoff.NoBackoff(), 0))
'''

FAIL_OPEN = '''
def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    try:
        cached = client.get(key)
    except redis.RedisError:
        cached = None
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    try:
        client.set(key, json.dumps(page), ex=ttl)
    except redis.RedisError:
        pass
    return page
'''

BREAKER = '''
import time


class Breaker:
    def __init__(self, failures, cool_down, clock=time.monotonic):
        self.failures = failures
        self.cool_down = cool_down
        self.clock = clock
        self.in_a_row = 0
        self.opened_at = None

    def call(self, action, fallback):
        if self.opened_at is not None and self.clock() - self.opened_at < self.cool_down:
            return fallback()
        try:
            result = action()
        except redis.RedisError:
            self.in_a_row += 1
            if self.opened_at is not None or self.in_a_row >= self.failures:
                self.opened_at = self.clock()
            return fallback()
        self.in_a_row = 0
        self.opened_at = None
        return result
'''

EXERCISES = {
    "ex19-answer": Exercise(
        # tuned to the visible test: a fast client only for the silent server it is shown
        hardcoded='''
def fast_failing_client(socket_path):
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    if "silent" in str(socket_path):
        return redis.Redis(unix_socket_path=socket_path, socket_timeout=0.2, retry=Retry(NoBackoff(), 0))
    return redis.Redis(unix_socket_path=socket_path, decode_responses=True)
''',
        mistakes={
            # redis-py's defaults: seconds per try, and 10 retries
            "default_client": '''
def fast_failing_client(socket_path):
    return redis.Redis(unix_socket_path=socket_path, decode_responses=True)
''',
            # the lesson's point: a timeout alone still retries 10 times
            "timeout_only": edit(CLIENT, (",\n                       retry=retry.Retry(backoff.NoBackoff(), 0))", ")")),
            # retry_on_timeout=False does not turn redis-py 5+'s retries off
            "retry_on_timeout_false": edit(CLIENT, ("retry=retry.Retry(backoff.NoBackoff(), 0)", "retry_on_timeout=False")),
            # a connect timeout bounds opening the connection, not waiting for the reply (default: 5 s)
            "connect_timeout_only": edit(CLIENT, ("socket_timeout=0.25", "socket_connect_timeout=0.25")),
            "three_retries": edit(CLIENT, ("NoBackoff(), 0)", "NoBackoff(), 3)")),
            "bytes_replies": edit(CLIENT, ("decode_responses=True, ", "")),
            # not the socket it was given: localhost:6379 is nobody's, or somebody else's
            "default_tcp_server": '''
def fast_failing_client(socket_path):
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(decode_responses=True, socket_timeout=0.25, retry=Retry(NoBackoff(), 0))
''',
        },
        alternatives={
            "from_url_no_retry": '''
def fast_failing_client(socket_path):
    return redis.from_url(f"unix://{socket_path}", decode_responses=True, socket_timeout=0.3,
                          socket_connect_timeout=0.3, retry=None)
''',
            "one_retry_with_backoff": '''
from redis.backoff import ExponentialBackoff
from redis.retry import Retry


def fast_failing_client(socket_path):
    pool = redis.ConnectionPool(connection_class=redis.UnixDomainSocketConnection, path=socket_path,
                                decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5,
                                retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 1))
    return redis.Redis(connection_pool=pool)
''',
        },
    ),
    "ex20-answer": Exercise(
        # the visible test stops Redis (ConnectionError); a frozen one times out (TimeoutError)
        hardcoded=FAIL_OPEN.replace("redis.RedisError", "redis.ConnectionError"),
        mistakes={
            # 3.2's cache-aside, unguarded: the cache takes the shop down with it
            "no_guard": '''
def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    cached = client.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    client.set(key, json.dumps(page), ex=ttl)
    return page
''',
            "guards_the_read_only": edit(FAIL_OPEN, ('''    try:
        client.set(key, json.dumps(page), ex=ttl)
    except redis.RedisError:
        pass
''', '''    client.set(key, json.dumps(page), ex=ttl)
''')),
            "returns_none_when_redis_fails": edit(FAIL_OPEN, ('''    except redis.RedisError:
        cached = None
''', '''    except redis.RedisError:
        return None
''')),
            # everything caught: the database's failure becomes an empty page
            "hides_database_errors": '''
def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    try:
        cached = client.get(key)
        if cached is not None:
            return json.loads(cached)
        page = load(product_id)
        client.set(key, json.dumps(page), ex=ttl)
        return page
    except Exception:
        return None
''',
            # one except around everything: a refused SET loads the page a second time
            "loads_again_when_the_write_fails": '''
def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    try:
        cached = client.get(key)
        if cached is not None:
            return json.loads(cached)
        page = load(product_id)
        client.set(key, json.dumps(page), ex=ttl)
        return page
    except redis.RedisError:
        return load(product_id)
''',
            # once Redis failed, never asked again: the cache is gone for good
            "gives_up_on_redis_for_good": '''
REDIS_IS_DOWN = []


def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    if not REDIS_IS_DOWN:
        try:
            cached = client.get(key)
            if cached is not None:
                return json.loads(cached)
            page = load(product_id)
            client.set(key, json.dumps(page), ex=ttl)
            return page
        except redis.RedisError:
            REDIS_IS_DOWN.append(True)
    return load(product_id)
''',
            "no_ttl": edit(FAIL_OPEN, (", ex=ttl)", ")")),
        },
        alternatives={
            "suppress": '''
from contextlib import suppress


def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    cached = None
    with suppress(redis.RedisError):
        cached = client.get(key)
    if cached is None:
        page = load(product_id)
        with suppress(redis.RedisError):
            client.set(key, json.dumps(page), ex=ttl)
        return page
    return json.loads(cached)
''',
            "a_safe_helper_and_a_tuple": '''
REDIS_FAILURES = (redis.ConnectionError, redis.TimeoutError, redis.ResponseError)


def quietly(command, *args, **kwargs):
    """Run a Redis command; None when Redis fails."""
    try:
        return command(*args, **kwargs)
    except REDIS_FAILURES:
        return None


def get_product(client, prefix, product_id, load, ttl):
    name = prefix + "product:" + str(product_id)
    text = quietly(client.get, name)
    if text is not None:
        return json.loads(text)
    fresh = load(product_id)
    quietly(client.setex, name, ttl, json.dumps(fresh))
    return fresh
''',
        },
    ),
    "ex21-answer": Exercise(
        # the visible test's numbers instead of the breaker's own
        hardcoded=edit(BREAKER, ("self.in_a_row >= self.failures", "self.in_a_row >= 3"),
                       ("self.clock() - self.opened_at < self.cool_down", "self.clock() - self.opened_at < 30")),
        mistakes={
            # a success does not reset the count: scattered failures open it
            "total_failures": edit(BREAKER, ("        self.in_a_row = 0\n        self.opened_at = None\n        return result",
                                             "        self.opened_at = None\n        return result")),
            # after the cool-down, closed again: a dead server gets `failures` more tries
            "no_trial_after_cool_down": edit(BREAKER, ("self.opened_at is not None or self.in_a_row >= self.failures",
                                                       "self.in_a_row >= self.failures"),
                                             ("            return fallback()\n        try:",
                                              "            return fallback()\n        if self.opened_at is not None:\n"
                                              "            self.opened_at = None\n            self.in_a_row = 0\n        try:")),
            "never_closes": edit(BREAKER, ("if self.opened_at is not None and self.clock() - self.opened_at < self.cool_down:",
                                           "if self.opened_at is not None:")),
            # the real clock, not the one it was given
            "own_clock": edit(BREAKER, ("self.clock() - self.opened_at", "time.monotonic() - self.opened_at"),
                              ("self.opened_at = self.clock()", "self.opened_at = time.monotonic()")),
            # a bug in the action counted as an outage, and swallowed
            "catches_everything": edit(BREAKER, ("except redis.RedisError:", "except Exception:")),
            # the trial happens only after MORE than cool_down seconds
            "strictly_after_cool_down": edit(BREAKER, ("< self.cool_down", "<= self.cool_down")),
            "one_failure_too_many": edit(BREAKER, ("self.in_a_row >= self.failures", "self.in_a_row > self.failures")),
            # the cool-down counted from the first failure of the streak, not from the opening
            "cool_down_from_the_first_failure": edit(
                BREAKER, ("        except redis.RedisError:\n            self.in_a_row += 1\n",
                          "        except redis.RedisError:\n            if self.in_a_row == 0:\n"
                          "                self.first_failure = self.clock()\n            self.in_a_row += 1\n"),
                ("                self.opened_at = self.clock()",
                 "                self.opened_at = self.first_failure if self.opened_at is None else self.clock()")),
            # state on the class: every breaker opens when one does
            "shared_state": '''
import time


class Breaker:
    in_a_row = 0
    opened_at = None

    def __init__(self, failures, cool_down, clock=time.monotonic):
        self.failures = failures
        self.cool_down = cool_down
        self.clock = clock

    def call(self, action, fallback):
        if Breaker.opened_at is not None and self.clock() - Breaker.opened_at < self.cool_down:
            return fallback()
        try:
            result = action()
        except redis.RedisError:
            Breaker.in_a_row += 1
            if Breaker.opened_at is not None or Breaker.in_a_row >= self.failures:
                Breaker.opened_at = self.clock()
            return fallback()
        Breaker.in_a_row = 0
        Breaker.opened_at = None
        return result
''',
        },
        alternatives={
            "three_states": '''
import time

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


class Breaker:
    def __init__(self, failures, cool_down, clock=time.monotonic):
        self.threshold, self.cool_down, self.clock = failures, cool_down, clock
        self.state, self.failed, self.until = CLOSED, 0, 0.0

    def _open(self):
        self.state, self.until = OPEN, self.clock() + self.cool_down

    def call(self, action, fallback):
        if self.state == OPEN:
            if self.clock() < self.until:
                return fallback()
            self.state = HALF_OPEN
        try:
            value = action()
        except redis.RedisError:
            if self.state == HALF_OPEN:
                self._open()
            else:
                self.failed += 1
                if self.failed >= self.threshold:
                    self._open()
            return fallback()
        self.state, self.failed = CLOSED, 0
        return value
''',
            "a_dataclass_with_a_deadline": '''
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Breaker:
    failures: int
    cool_down: float
    clock: Callable[[], float] = time.monotonic
    streak: int = field(default=0, init=False)
    closed_again_at: float | None = field(default=None, init=False)

    def call(self, action, fallback):
        now = self.clock()
        if self.closed_again_at is not None and now < self.closed_again_at:
            return fallback()
        trial = self.closed_again_at is not None
        try:
            answer = action()
        except redis.RedisError:
            self.streak += 1
            if trial or self.streak >= self.failures:
                self.closed_again_at = self.clock() + self.cool_down
            return fallback()
        self.streak, self.closed_again_at = 0, None
        return answer
''',
        },
    ),
}
