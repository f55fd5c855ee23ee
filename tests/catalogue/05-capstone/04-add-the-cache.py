"""Catalogue of 05-capstone/04-add-the-cache.ipynb: see tests/catalogue/__init__.py.

A mistake that is the solution with one thing changed is written as that change
(:func:`tests.catalogue.edit` of the solution), so it follows the solution; answers built
another way are written out whole."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "05-capstone/04-add-the-cache.ipynb"
CACHE_ASIDE = solution(NOTEBOOK, "ex8-answer")
NO_STAMPEDE = solution(NOTEBOOK, "ex9-answer")
FAIL_OPEN = solution(NOTEBOOK, "ex10-answer")


def method(answer: str, name: str) -> str:
    """The text of one method of an answer's class, from its ``def`` to the next method's (or
    the end), to replace it whole with :func:`edit`."""
    start = answer.index(f"    def {name}(")
    end = answer.find("\n    def ", start + 1)
    return answer[start:] if end == -1 else answer[start:end + 1]


# the commit the solutions make before invalidating: without it the cache is touched inside the
# request's transaction, before the app commits
COMMIT_8 = "        db.commit()                                   # every request sees the new price from now on...\n"
COMMIT_10 = "        db.commit()\n"
STORE = "self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)"

EXERCISES = {
    "ex8-answer": Exercise(
        # the delete a learner copies from unit 3 into set_price: it runs inside the request's
        # transaction (before the app commits), which the visible replay cannot see
        hardcoded=edit(CACHE_ASIDE, (COMMIT_8, "")),
        mistakes={
            # delete first, then the UPDATE: a reader before the commit caches the old row
            "del_before_update": edit(CACHE_ASIDE, (method(CACHE_ASIDE, "set_price"), '''    def set_price(self, db, product_id, price_cents):
        self.cache.delete(f"product:{product_id}")
        return super().set_price(db, product_id, price_cents)
''')),
            # no invalidation at all: stale until the TTL
            "no_invalidation": edit(CACHE_ASIDE, (method(CACHE_ASIDE, "set_price"), '''    def set_price(self, db, product_id, price_cents):
        return super().set_price(db, product_id, price_cents)
''')),
            # write-through of the new price before the commit: a failed commit leaves it cached
            "set_before_commit": edit(CACHE_ASIDE, (method(CACHE_ASIDE, "set_price"), '''    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        if changed:
            page = super().product(db, product_id)
            self.cache.set(f"product:{product_id}", json.dumps(page), ex=PRODUCT_TTL)
        return changed
''')),
            # no TTL: cached forever (a lost delete is never repaired)
            "no_ttl": edit(CACHE_ASIDE, (", ex=PRODUCT_TTL", "")),
            # a missing product cached as null without a TTL: "not found" forever
            "none_forever": edit(CACHE_ASIDE, ("        " + STORE, '''        if found is None:
            self.cache.set(key, "null")
        else:
            ''' + STORE)),
            # one key for every product
            "key_without_id": edit(CACHE_ASIDE, ('f"product:{product_id}"', '"product"')),
            # a dict in the app instead of Redis: Redis is never hit (and other processes never see it)
            "python_dict_cache": '''
class CacheAside(capstone.Naive):
    pages = {}

    def product(self, db, product_id):
        if product_id in self.pages:
            return self.pages[product_id]
        found = super().product(db, product_id)
        self.pages[product_id] = found
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        self.pages.pop(product_id, None)
        return changed
''',
            # an hour instead of at most PRODUCT_TTL
            # an hour instead of at most PRODUCT_TTL
            "ttl_too_long": edit(CACHE_ASIDE, ("ex=PRODUCT_TTL", "ex=3600")),
            # SET, then EXPIRE: a crash between the two leaves the value forever
            "set_then_expire": edit(CACHE_ASIDE, (STORE, '''self.cache.set(key, json.dumps(found))
        self.cache.expire(key, PRODUCT_TTL)''')),
            # a hit returns the JSON text itself, not the product
            "hit_not_decoded": edit(CACHE_ASIDE, ("return json.loads(cached)", "return cached")),
        },
        alternatives={
            # unit 3.4's versioned keys: the version read first, bumped after the commit
            "versioned_key": '''
class CacheAside(capstone.Naive):
    def product(self, db, product_id):
        version = self.cache.get(f"version:{product_id}") or 0
        key = f"product:{product_id}:v{version}"
        cached = self.cache.get(key)
        if cached is not None:
            return json.loads(cached)
        found = super().product(db, product_id)
        self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        self.cache.incr(f"version:{product_id}")
        return changed
''',
            # versions that start from the clock (unit 3.4: a lost counter never restarts at 0)
            "versioned_clock_start": '''
class CacheAside(capstone.Naive):
    def version(self, product_id):
        name = f"ver:{product_id}"
        self.cache.set(name, time.time_ns() // 1_000_000, nx=True)
        return self.cache.get(name)

    def product(self, db, product_id):
        key = f"prod:{product_id}@{self.version(product_id)}"
        cached = self.cache.get(key)
        if cached is not None:
            return json.loads(cached)
        found = super().product(db, product_id)
        self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL, nx=False)
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        self.version(product_id)
        self.cache.incr(f"ver:{product_id}")
        return changed
''',
            # write-through after the commit: the row read before, stored after
            "write_through_after_commit": '''
class CacheAside(capstone.Naive):
    def key(self, product_id):
        return "shop:product:%d" % product_id

    def product(self, db, product_id):
        text = self.cache.get(self.key(product_id))
        if text is None:
            page = super().product(db, product_id)
            self.cache.set(self.key(product_id), json.dumps(page), ex=120)
            return page
        return json.loads(text)

    def set_price(self, db, product_id, price_cents):
        if not super().set_price(db, product_id, price_cents):
            return False
        page = super().product(db, product_id)
        db.commit()
        self.cache.set(self.key(product_id), json.dumps(page), ex=120)
        return True
''',
            # a hash per product (HSET + EXPIRE in one MULTI), absence not cached, UNLINK after commit
            "hash_in_multi": '''
class CacheAside(capstone.Naive):
    def product(self, db, product_id):
        key = f"p:{product_id}"
        fields = self.cache.hgetall(key)
        if fields:
            return {"id": int(fields["id"]), "name": fields["name"], "category": fields["category"],
                    "price_cents": int(fields["price_cents"])}
        found = super().product(db, product_id)
        if found is not None:
            pipe = self.cache.pipeline(transaction=True)
            pipe.hset(key, mapping=found)
            pipe.expire(key, PRODUCT_TTL)
            pipe.execute()
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        self.cache.unlink(f"p:{product_id}")
        return changed
''',
            # absence cached for 30 s with PX, GETDEL after the commit
            "absence_cached_getdel": '''
class CacheAside(capstone.Naive):
    def product(self, db, product_id):
        name = "cache:products:" + str(product_id)
        raw = self.cache.get(name)
        if raw is not None:
            return json.loads(raw)
        found = super().product(db, product_id)
        self.cache.set(name, json.dumps(found), px=(PRODUCT_TTL if found else 30) * 1000)
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        self.cache.getdel("cache:products:" + str(product_id))
        return changed
''',
        },
    ),
    "ex9-answer": Exercise(
        # a lock only for the product the visible test asks for
        hardcoded='''
class NoStampede(capstone.Naive):
    def product(self, db, product_id):
        key = f"product:{product_id}"
        while True:
            cached = self.cache.get(key)
            if cached is not None:
                return json.loads(cached)
            if product_id != 17 or self.cache.set("lock17", "x", nx=True, px=LOCK_MS):
                try:
                    cached = self.cache.get(key)
                    if cached is not None:
                        return json.loads(cached)
                    found = super().product(db, product_id)
                    self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)
                    return found
                finally:
                    if product_id == 17:
                        self.cache.delete("lock17")
            time.sleep(POLL_SECONDS)
''',
        mistakes={
            # plain cache-aside: every request in the crowd misses and queries
            "no_lock": edit(CACHE_ASIDE, (method(CACHE_ASIDE, "set_price"), ""),
                            ("class CacheAside", "class NoStampede"),
                            ("Products from Redis when they are there; a price change invalidates its product.",
                             "Products from Redis when they are there.")),
            # SET NX without PX: a holder that dies leaves the lock forever
            "lock_without_expiry": edit(NO_STAMPEDE, ("nx=True, px=LOCK_MS", "nx=True")),
            # the release is not in a finally: an error in the database keeps the lock
            "lock_not_released_on_error": '''
class NoStampede(capstone.Naive):
    def product(self, db, product_id):
        key = f"product:{product_id}"
        lock = key + ":lock"
        while True:
            cached = self.cache.get(key)
            if cached is not None:
                return json.loads(cached)
            token = uuid.uuid4().hex
            if self.cache.set(lock, token, nx=True, px=LOCK_MS):
                cached = self.cache.get(key)
                if cached is None:
                    cached_page = super().product(db, product_id)
                    self.cache.set(key, json.dumps(cached_page), ex=PRODUCT_TTL)
                else:
                    cached_page = json.loads(cached)
                self.cache.eval(RELEASE_LOCK, 1, lock, token)
                return cached_page
            time.sleep(POLL_SECONDS)
''',
            # never released: the lock's expiry does it, seconds later
            "lock_never_released": '''
class NoStampede(capstone.Naive):
    def product(self, db, product_id):
        key = f"product:{product_id}"
        while True:
            cached = self.cache.get(key)
            if cached is not None:
                return json.loads(cached)
            if self.cache.set(key + ":lock", 1, nx=True, px=LOCK_MS):
                cached = self.cache.get(key)
                if cached is not None:
                    return json.loads(cached)
                found = super().product(db, product_id)
                self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)
                return found
            time.sleep(POLL_SECONDS)
''',
            # a lock of 100 ms: it expires while the query runs, and the next request loads again
            # a lock of 100 ms: it expires while the query runs, and the next request loads again
            "lock_shorter_than_query": edit(NO_STAMPEDE, ("px=LOCK_MS", "px=100")),
            # waiters give up after five looks and query the database themselves
            "waiters_give_up": edit(
                NO_STAMPEDE, ("while True:", "for _ in range(5):"),
                ('''                    cached = self.cache.get(key)          # filled while we waited for the lock?
                    if cached is not None:
                        return json.loads(cached)
''', ""),
                ("            time.sleep(POLL_SECONDS)\n",
                 "            time.sleep(POLL_SECONDS)\n        return super().product(db, product_id)\n")),
        },
        alternatives={
            # redis-py's own Lock (a token, released by Lua) as a context manager
            "redis_py_lock": '''
class NoStampede(capstone.Naive):
    def product(self, db, product_id):
        key = "product:%s" % product_id
        cached = self.cache.get(key)
        if cached is None:
            with self.cache.lock(key + ":rebuild", timeout=LOCK_MS / 1000, sleep=POLL_SECONDS,
                                 blocking_timeout=30):
                cached = self.cache.get(key)
                if cached is None:
                    page = super().product(db, product_id)
                    self.cache.set(key, json.dumps(page), ex=PRODUCT_TTL)
                    return page
        return json.loads(cached)
''',
            # one threading.Lock per product in this process (right for one app process)
            "in_process_locks": '''
class NoStampede(capstone.Naive):
    guard = threading.Lock()
    locks = {}

    def product(self, db, product_id):
        key = f"product:{product_id}"
        cached = self.cache.get(key)
        if cached is not None:
            return json.loads(cached)
        with self.guard:
            lock = self.locks.setdefault(product_id, threading.Lock())
        with lock:
            cached = self.cache.get(key)
            if cached is not None:
                return json.loads(cached)
            found = super().product(db, product_id)
            self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)
            return found
''',
            # SET NX EX, released by a WATCH/MULTI check of the token instead of Lua
            "watch_multi_release": '''
class NoStampede(capstone.Naive):
    def release(self, lock, token):
        with self.cache.pipeline() as pipe:
            try:
                pipe.watch(lock)
                if pipe.get(lock) == token:
                    pipe.multi()
                    pipe.delete(lock)
                    pipe.execute()
                else:
                    pipe.unwatch()
            except redis.WatchError:
                pass

    def product(self, db, product_id):
        key, lock = f"cache:product:{product_id}", f"lock:product:{product_id}"
        while True:
            hit = self.cache.get(key)
            if hit is not None:
                return json.loads(hit)
            token = str(uuid.uuid4())
            if not self.cache.set(lock, token, nx=True, ex=5):
                time.sleep(POLL_SECONDS)
                continue
            try:
                hit = self.cache.get(key)
                if hit is not None:
                    return json.loads(hit)
                page = super().product(db, product_id)
                self.cache.set(key, json.dumps(page), ex=60)
                return page
            finally:
                self.release(lock, token)
''',
        },
    ),
    "ex10-answer": Exercise(
        # fails open, but deletes inside the transaction (before the app commits)
        hardcoded=edit(FAIL_OPEN, (COMMIT_10, "")),
        mistakes={
            # a frozen Redis raises redis.TimeoutError, which is not a redis.ConnectionError
            "only_connection_error": edit(FAIL_OPEN, ("redis.RedisError", "redis.ConnectionError")),
            # Python's built-in ConnectionError and TimeoutError: redis-py raises neither
            "builtin_exceptions": edit(FAIL_OPEN, ("redis.RedisError", "(ConnectionError, TimeoutError)")),
            # reads fail open, the write's delete does not: a price change answers 500
            "unguarded_set_price": edit(FAIL_OPEN, ('''        try:
            self.cache.delete(f"product:{product_id}")
        except redis.RedisError:
            pass                                     # the write stands; see 'What that costs'
''', '''        self.cache.delete(f"product:{product_id}")
''')),
            # the lookup is guarded, storing the answer is not
            "unguarded_store": edit(FAIL_OPEN, ('''        try:
            self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)
        except redis.RedisError:
            pass                                     # not cached this time; the answer is right
''', '''        self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)
''')),
            # a Redis error answers "no such product" instead of asking the database
            "error_means_missing": edit(FAIL_OPEN, (method(FAIL_OPEN, "product"), '''    def product(self, db, product_id):
        key = f"product:{product_id}"
        try:
            cached = self.cache.get(key)
            if cached is not None:
                return json.loads(cached)
            found = super().product(db, product_id)
            self.cache.set(key, json.dumps(found), ex=PRODUCT_TTL)
            return found
        except redis.RedisError:
            return None

''')),
            # after one error the cache is switched off for good
            "breaker_never_closes": '''
class FailOpen(capstone.Naive):
    broken = False

    def call(self, method, *args, **kwargs):
        if FailOpen.broken:
            return None
        try:
            return getattr(self.cache, method)(*args, **kwargs)
        except redis.RedisError:
            FailOpen.broken = True
            return None

    def product(self, db, product_id):
        key = f"product:{product_id}"
        cached = self.call("get", key)
        if cached is not None:
            return json.loads(cached)
        found = super().product(db, product_id)
        self.call("set", key, json.dumps(found), ex=PRODUCT_TTL)
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        self.call("delete", f"product:{product_id}")
        return changed
''',
            # fails open, but caches forever
            # fails open, but caches forever
            "no_ttl": edit(FAIL_OPEN, (", ex=PRODUCT_TTL", "")),
        },
        alternatives={
            # one helper that turns any Redis failure into a default
            "safe_helper": '''
class FailOpen(capstone.Naive):
    def safely(self, default, command, *args, **kwargs):
        try:
            return command(*args, **kwargs)
        except redis.exceptions.RedisError:
            return default

    def product(self, db, product_id):
        key = f"product:{product_id}"
        cached = self.safely(None, self.cache.get, key)
        if cached is not None:
            return json.loads(cached)
        found = super().product(db, product_id)
        self.safely(None, self.cache.set, key, json.dumps(found), ex=PRODUCT_TTL)
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        self.safely(0, self.cache.delete, f"product:{product_id}")
        return changed
''',
            # the two exceptions named, and versioned keys (the version read fails open too)
            "named_exceptions_versioned": '''
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)


class FailOpen(capstone.Naive):
    def product(self, db, product_id):
        try:
            version = self.cache.get(f"v:{product_id}") or "0"
            cached = self.cache.get(f"product:{product_id}:{version}")
        except REDIS_DOWN:
            version, cached = None, None
        if cached is not None:
            return json.loads(cached)
        found = super().product(db, product_id)
        if version is not None:
            try:
                self.cache.set(f"product:{product_id}:{version}", json.dumps(found), ex=PRODUCT_TTL)
            except REDIS_DOWN:
                pass
        return found

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        try:
            self.cache.incr(f"v:{product_id}")
        except REDIS_DOWN:
            pass
        return changed
''',
            # a broad except Exception, and a pipeline of GET for the read
            "broad_except": '''
class FailOpen(capstone.Naive):
    def product(self, db, product_id):
        key = "shop:product:" + str(product_id)
        try:
            cached, = self.cache.pipeline(transaction=False).get(key).execute()
        except Exception:
            cached = None
        if cached is not None:
            return json.loads(cached)
        answer = super().product(db, product_id)
        try:
            self.cache.set(key, json.dumps(answer), ex=60)
        except Exception:
            pass
        return answer

    def set_price(self, db, product_id, price_cents):
        changed = super().set_price(db, product_id, price_cents)
        db.commit()
        try:
            self.cache.delete("shop:product:" + str(product_id))
        except Exception:
            pass
        return changed
''',
        },
    ),
}
