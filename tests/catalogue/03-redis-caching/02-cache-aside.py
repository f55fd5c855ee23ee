"""Catalogue of 03-redis-caching/02-cache-aside.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        hardcoded='''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=300 if page is not None else 30)
    return page
''',
        mistakes={
            # SET, then EXPIRE: a crash in between leaves a page cached forever
            "ttl_in_second_command": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page))
    r.expire(key, ttl if page is not None else missing_ttl)
    return page
''',
            # a pipeline without MULTI is one round trip, not one atomic step
            "pipeline_without_multi": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    pipe = r.pipeline(transaction=False)
    pipe.set(key, json.dumps(page))
    pipe.expire(key, ttl if page is not None else missing_ttl)
    pipe.execute()
    return page
''',
            # "not found" is not cached: every request for a missing id reaches the database
            "missing_not_cached": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    if page is not None:
        r.set(key, json.dumps(page), ex=ttl)
    return page
''',
            # the absence is cached as long as a real page
            "missing_with_page_ttl": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=ttl)
    return page
''',
            # PX takes milliseconds: pages live ttl/1000 seconds
            "ttl_in_milliseconds": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), px=ttl if page is not None else missing_ttl)
    return page
''',
        },
        alternatives={
            # MULTI/EXEC around SET and EXPIRE: atomic, although two commands
            "multi_set_then_expire": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(key, json.dumps(page))
        pipe.expire(key, missing_ttl if page is None else ttl)
        pipe.execute()
    return page
''',
            # SETEX (redis-py warns that it is deprecated; the value is right all the same)
            "setex": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is None:
        page = load(product_id)
        r.setex(key, ttl if page else missing_ttl, json.dumps(page))
        return page
    return json.loads(cached)
''',
            # a Lua script stores with PX in milliseconds; GETEX reads
            "lua_store_px": '''
STORE = "return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])"


def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = "%sproduct:%d" % (prefix, product_id)
    cached = r.getex(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    seconds = missing_ttl if page is None else ttl
    r.eval(STORE, 1, key, json.dumps(page), seconds * 1000)
    return page
''',
        },
    ),
    "ex4-answer": Exercise(
        hardcoded='''
def hit_ratio(r, action):
    action()
    stats = r.info("stats")
    hits, misses = stats["keyspace_hits"], stats["keyspace_misses"]
    return hits / (hits + misses) if hits + misses else 0.0
''',
        mistakes={
            # CONFIG RESETSTAT wipes every client's statistics, not just yours
            "config_resetstat": '''
def hit_ratio(r, action):
    r.config_resetstat()
    action()
    stats = r.info("stats")
    hits, misses = stats["keyspace_hits"], stats["keyspace_misses"]
    return hits / (hits + misses) if hits + misses else 0.0
''',
            # no guard: an action without lookups divides by zero
            "zero_lookups_divides_by_zero": '''
def hit_ratio(r, action):
    before = r.info("stats")
    action()
    after = r.info("stats")
    hits = after["keyspace_hits"] - before["keyspace_hits"]
    misses = after["keyspace_misses"] - before["keyspace_misses"]
    return hits / (hits + misses)
''',
            # the totals since the server started, not the action's share
            "totals_not_deltas": '''
def hit_ratio(r, action):
    action()
    stats = r.info("stats")
    total = stats["keyspace_hits"] + stats["keyspace_misses"]
    return stats["keyspace_hits"] / total if total else 0.0
''',
            # hits over misses is not a share
            "hits_over_misses": '''
def hit_ratio(r, action):
    before = r.info("stats")
    action()
    after = r.info("stats")
    hits = after["keyspace_hits"] - before["keyspace_hits"]
    misses = after["keyspace_misses"] - before["keyspace_misses"]
    return hits / misses if misses else float(hits > 0)
''',
        },
        alternatives={
            # the raw INFO text parsed by hand
            "parse_info_text": '''
def counters(r):
    text = r.execute_command("INFO", "stats")
    if isinstance(text, dict):
        return text["keyspace_hits"], text["keyspace_misses"]
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    return int(fields["keyspace_hits"]), int(fields["keyspace_misses"])


def hit_ratio(r, action):
    hits_before, misses_before = counters(r)
    action()
    hits_after, misses_after = counters(r)
    hits, misses = hits_after - hits_before, misses_after - misses_before
    try:
        return hits / (hits + misses)
    except ZeroDivisionError:
        return 0.0
''',
            # INFO with every section, a dict difference
            "info_everything": '''
def hit_ratio(r, action):
    names = ("keyspace_hits", "keyspace_misses")
    before = {name: r.info()[name] for name in names}
    action()
    after = r.info()
    hits, misses = (after[name] - before[name] for name in names)
    return float(hits) / max(hits + misses, 1)
''',
            # the course's own helper
            "keyspace_stats_helper": '''
def hit_ratio(r, action):
    before = caching.keyspace_stats(r)
    action()
    delta = caching.keyspace_stats(r) - before
    return delta.hits / delta.lookups if delta.lookups else 0.0
''',
        },
    ),
}
