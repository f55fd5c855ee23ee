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
        # tuned to the visible test: one try only for the silent server it is shown (its folder's name)
        hardcoded='''
def fast_failing_client(socket_path):
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    if "silent" in str(socket_path):
        return redis.Redis(unix_socket_path=socket_path, socket_timeout=0.2, retry=Retry(NoBackoff(), 0))
    return redis.Redis(unix_socket_path=socket_path, decode_responses=True, socket_timeout=0.5)
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
            # R9C (a reviewer's answers from the student notebook): "at most twice" read as two retries
            "two_retries": edit(CLIENT, ("NoBackoff(), 0)", "NoBackoff(), 2)")),
            "timeout_above_a_second": edit(CLIENT, ("socket_timeout=0.25", "socket_timeout=2")),
            # 0 is not "no waiting" but a non-blocking socket
            "timeout_zero": edit(CLIENT, ("socket_timeout=0.25", "socket_timeout=0")),
            # the notebook's own server, not the socket it is given
            "the_notebook_socket": edit(CLIENT, ("unix_socket_path=socket_path", "unix_socket_path=SOCKET")),
            # retry_on_error narrows nothing: the default Retry still makes 10 more tries
            "retry_on_error_list": edit(CLIENT, ("retry=retry.Retry(backoff.NoBackoff(), 0)",
                                                 "retry_on_error=[redis.ConnectionError]")),
            # retry= next to connection_pool= is ignored: the pool's connections keep r's 10 retries
            "retry_beside_a_copied_pool": '''
from redis.backoff import NoBackoff
from redis.retry import Retry


def fast_failing_client(socket_path):
    settings = dict(r.connection_pool.connection_kwargs, path=socket_path, socket_timeout=0.3,
                    decode_responses=True)
    pool = redis.ConnectionPool(connection_class=redis.UnixDomainSocketConnection, **settings)
    return redis.Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
''',
            # a client that turns every redis error into None: Asked says it raises
            "swallows_its_errors": '''
from redis.backoff import NoBackoff
from redis.retry import Retry


class Forgiving(redis.Redis):
    def execute_command(self, *args, **options):
        try:
            return super().execute_command(*args, **options)
        except redis.RedisError:
            return None


def fast_failing_client(socket_path):
    return Forgiving(unix_socket_path=socket_path, decode_responses=True, socket_timeout=0.3,
                     retry=Retry(NoBackoff(), 0))
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
            # R9C: everything in the URL's query string, one retry, the 1 s limit itself
            "url_query_string_one_retry": '''
from redis.backoff import ExponentialBackoff
from redis.retry import Retry


def fast_failing_client(socket_path):
    return redis.Redis.from_url(f"unix://{socket_path}?decode_responses=True&socket_timeout=1",
                                retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1))
''',
            "set_retry_afterwards": '''
from redis.backoff import NoBackoff
from redis.retry import Retry


def fast_failing_client(socket_path):
    client = redis.Redis(unix_socket_path=socket_path, decode_responses=True, socket_timeout=0.2,
                         socket_keepalive=True, health_check_interval=1)
    client.set_retry(Retry(NoBackoff(), 0))
    return client
''',
            # retry=None: redis-py then tries once
            "retry_none": '''
def fast_failing_client(socket_path):
    return redis.Redis(unix_socket_path=socket_path, decode_responses=True, socket_timeout=0.3, retry=None)
''',
            # a subclass is still a redis.Redis, and its errors still reach the caller
            "a_subclass": '''
from redis.backoff import ConstantBackoff
from redis.retry import Retry


class CacheClient(redis.Redis):
    """A client for a cache on this machine: it gives up after a short wait, retrying once."""

    def __init__(self, socket_path):
        super().__init__(unix_socket_path=socket_path, decode_responses=True, socket_timeout=0.4,
                         socket_connect_timeout=0.4, retry=Retry(ConstantBackoff(0.01), 1))


def fast_failing_client(socket_path):
    return CacheClient(socket_path)
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
            # R9C: connection and timeout errors, not the server's refusals (OOM is a ResponseError)
            "misses_the_servers_refusals": FAIL_OPEN.replace("redis.RedisError", "(redis.ConnectionError, redis.TimeoutError)"),
            # the read guarded with an early return, the write after a miss not at all
            "read_guarded_write_not": edit(FAIL_OPEN, ('''    except redis.RedisError:
        cached = None
''', '''    except redis.RedisError:
        return load(product_id)
'''), ('''    try:
        client.set(key, json.dumps(page), ex=ttl)
    except redis.RedisError:
        pass
''', '''    client.set(key, json.dumps(page), ex=ttl)
''')),
            # except Exception around everything, the database asked again: its error is raised
            # a second time (a new one, chained to the first), after two calls to a failing database
            "asks_the_failing_database_twice": '''
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
        return load(product_id)
''',
            # the database's error hidden behind None, Redis's caught as it should be
            "database_error_becomes_none": edit(FAIL_OPEN, ("    page = load(product_id)\n",
                                                            "    try:\n        page = load(product_id)\n"
                                                            "    except Exception:\n        return None\n")),
            # the database's error replaced by another: "unchanged" means unchanged
            "wraps_the_database_error": edit(FAIL_OPEN, ("    page = load(product_id)\n",
                                                         "    try:\n        page = load(product_id)\n"
                                                         "    except Exception as error:\n"
                                                         "        raise RuntimeError(f'no product {product_id}') from error\n")),
            # the database asked again when it failed (the write guarded apart, so a full Redis
            # does not show it): its error reaches the caller a second time, a new one
            "asks_a_failing_database_again": '''
def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    try:
        cached = client.get(key)
        if cached is not None:
            return json.loads(cached)
        page = load(product_id)
    except Exception:
        return load(product_id)
    try:
        client.set(key, json.dumps(page), ex=ttl)
    except redis.RedisError:
        pass
    return page
''',
            "ttl_of_the_visible_test": edit(FAIL_OPEN, ("ex=ttl", "ex=300")),
            "key_with_an_extra_colon": edit(FAIL_OPEN, ('f"{prefix}product:{product_id}"', 'f"{prefix}:product:{product_id}"')),
            "str_not_json": edit(FAIL_OPEN, ("client.set(key, json.dumps(page), ex=ttl)", "client.set(key, str(page), ex=ttl)")),
            # the notebook's r (no short timeout, 10 retries), not the client given
            "the_notebook_client": edit(FAIL_OPEN, ("cached = client.get(key)", "cached = r.get(key)"),
                                        ("client.set(key", "r.set(key")),
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
            # R9C: an early return when the read fails (no write to a cache that is down), SETEX
            "early_return_and_setex": '''
import contextlib


def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    try:
        cached = client.get(key)
    except redis.RedisError:
        return load(product_id)
    if cached:
        return json.loads(cached)
    page = load(product_id)
    with contextlib.suppress(redis.RedisError):
        client.setex(key, ttl, json.dumps(page))
    return page
''',
            "helpers_and_a_pipeline": '''
import datetime


def cache_read(client, key):
    try:
        return client.get(key)
    except redis.RedisError:
        return None


def cache_write(client, key, value, ttl):
    try:
        with client.pipeline(transaction=False) as pipe:
            pipe.set(key, value, ex=datetime.timedelta(seconds=ttl))
            pipe.execute()
    except redis.RedisError:
        return False
    return True


def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    raw = cache_read(client, key)
    if raw is not None:
        return json.loads(raw)
    page = load(product_id)
    cache_write(client, key, json.dumps(page), ttl)
    return page
''',
            # one try around the read and the hit; the database outside it; no write when Redis failed
            "load_outside_the_try": '''
def get_product(client, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    redis_answered = True
    try:
        cached = client.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.exceptions.RedisError:
        redis_answered = False
    page = load(product_id)
    if redis_answered:
        try:
            client.set(key, json.dumps(page), ex=ttl)
        except redis.exceptions.RedisError:
            pass
    return page
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
            "shared_state": edit(BREAKER, ("class Breaker:\n", "class Breaker:\n    in_a_row = 0\n    opened_at = None\n\n"),
                                 ("        self.in_a_row = 0\n        self.opened_at = None\n\n    def call", "\n    def call"),
                                 ("self.in_a_row", "Breaker.in_a_row"), ("self.opened_at", "Breaker.opened_at")),
            # R9C: a failed trial keeps the old opening time: every call after it is a trial again
            "failed_trial_keeps_the_old_time": edit(
                BREAKER, ("if self.opened_at is not None or self.in_a_row >= self.failures:",
                          "if self.opened_at is None and self.in_a_row >= self.failures:")),
            # the count compared before it is increased: one failure too many, as one_failure_too_many
            "compares_before_counting": edit(
                BREAKER, ("            self.in_a_row += 1\n            if self.opened_at is not None or self.in_a_row >= self.failures:\n"
                          "                self.opened_at = self.clock()\n",
                          "            if self.opened_at is not None or self.in_a_row >= self.failures:\n"
                          "                self.opened_at = self.clock()\n            self.in_a_row += 1\n")),
            # the count restarts at 0 when the breaker opens: a failed trial is 1 of `failures` again
            "count_reset_on_opening": edit(
                BREAKER, ("if self.opened_at is not None or self.in_a_row >= self.failures:\n"
                          "                self.opened_at = self.clock()\n",
                          "if self.in_a_row >= self.failures:\n"
                          "                self.opened_at = self.clock()\n                self.in_a_row = 0\n")),
            # a bug is raised, but counted first as an outage
            "counts_bugs": edit(
                BREAKER, ("        except redis.RedisError:\n",
                          "        except Exception as error:\n"
                          "            if not isinstance(error, redis.RedisError):\n"
                          "                self.in_a_row += 1\n"
                          "                if self.in_a_row >= self.failures:\n"
                          "                    self.opened_at = self.clock()\n"
                          "                raise\n")),
            # a bug is raised, but taken for a success: it resets the count (Asked: leaves it as it was)
            "a_bug_resets_the_count": edit(
                BREAKER, ("        except redis.RedisError:\n",
                          "        except Exception as error:\n"
                          "            if not isinstance(error, redis.RedisError):\n"
                          "                self.in_a_row = 0\n"
                          "                raise\n")),
            # a bug during the trial closes the breaker: the next failure starts a new count
            "a_bug_in_the_trial_closes_it": '''
import time


class Breaker:
    def __init__(self, failures, cool_down, clock=time.monotonic):
        self.failures = failures
        self.cool_down = cool_down
        self.clock = clock
        self.in_a_row = 0
        self.opened_at = None

    def call(self, action, fallback):
        if self.opened_at is not None:
            if self.clock() - self.opened_at < self.cool_down:
                return fallback()
            trial = True
            self.opened_at, self.in_a_row = None, 0  # closed until the trial says otherwise
        else:
            trial = False
        try:
            result = action()
        except redis.RedisError:
            self.in_a_row += 1
            if trial or self.in_a_row >= self.failures:
                self.opened_at = self.clock()
            return fallback()
        self.in_a_row = 0
        return result
''',
            # a successful trial closes the breaker but keeps the count: the next failure reopens it
            "trial_success_keeps_the_count": edit(
                BREAKER, ("        self.in_a_row = 0\n        self.opened_at = None\n        return result",
                          "        if self.opened_at is None:\n            self.in_a_row = 0\n"
                          "        self.opened_at = None\n        return result")),
            # the fallback's own error swallowed (None returned): Asked says it reaches the caller
            "swallows_fallback_errors": edit(
                BREAKER, ("    def call(self, action, fallback):\n",
                          "    def call(self, action, fallback):\n"
                          "        def fallback(fallback=fallback):\n"
                          "            try:\n                return fallback()\n"
                          "            except Exception:\n                return None\n\n")),
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
            # R9C: a trial flag; a failed trial is not counted, it reopens the breaker by itself
            "trial_flag_count_kept": '''
import time


class Breaker:
    def __init__(self, failures, cool_down, clock=time.monotonic):
        self.failures = failures
        self.cool_down = cool_down
        self.clock = clock
        self.count = 0
        self.opened_at = None

    def call(self, action, fallback):
        if self.opened_at is not None and self.clock() - self.opened_at < self.cool_down:
            return fallback()
        trial = self.opened_at is not None
        try:
            result = action()
        except redis.RedisError:
            if trial:
                self.opened_at = self.clock()
            else:
                self.count += 1
                if self.count >= self.failures:
                    self.opened_at = self.clock()
            return fallback()
        self.count = 0
        self.opened_at = None
        return result
''',
            # a dataclass whose open/closed question is a method; the count stays up while open
            "dataclass_is_open": '''
import dataclasses
import time
from typing import Callable


@dataclasses.dataclass
class Breaker:
    failures: int
    cool_down: float
    clock: Callable[[], float] = time.monotonic
    failed: int = 0
    opened: float | None = None

    def is_open(self):
        return self.opened is not None and self.clock() - self.opened < self.cool_down

    def call(self, action, fallback):
        if self.is_open():
            return fallback()
        try:
            result = action()
        except redis.RedisError:
            self.failed += 1
            if self.failed >= self.failures:
                self.opened = self.clock()
            return fallback()
        self.failed, self.opened = 0, None
        return result
''',
            # an Enum of states and a match statement, a time to retry at
            "enum_and_match": '''
import enum
import time


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"


class Breaker:
    def __init__(self, failures, cool_down, clock=time.monotonic):
        self._limit = failures
        self._cool_down = cool_down
        self._clock = clock
        self._state = State.CLOSED
        self._failed = 0
        self._retry_at = None

    def _trip(self):
        self._state = State.OPEN
        self._retry_at = self._clock() + self._cool_down

    def call(self, action, fallback):
        match self._state:
            case State.OPEN if self._clock() < self._retry_at:
                return fallback()
            case State.OPEN:
                try:
                    value = action()
                except redis.RedisError:
                    self._trip()
                    return fallback()
            case State.CLOSED:
                try:
                    value = action()
                except redis.RedisError:
                    self._failed += 1
                    if self._failed >= self._limit:
                        self._trip()
                    return fallback()
        self._state, self._failed = State.CLOSED, 0
        return value
''',
        },
    ),
}
