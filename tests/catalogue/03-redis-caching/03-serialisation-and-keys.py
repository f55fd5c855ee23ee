"""Catalogue of 03-redis-caching/03-serialisation-and-keys.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex5-answer": Exercise(
        hardcoded='''
def save_record(r, key, record, ttl):
    r.hset(key, mapping=record)
    r.expire(key, ttl)


def load_record(r, key, types):
    fields = r.hgetall(key)
    if not fields:
        return None
    return {name: PRODUCT_TYPES[name](value) for name, value in fields.items()}
''',
        mistakes={
            # HSET merges: a field missing from the new record survives from the old one
            "old_fields_survive": '''
def save_record(r, key, record, ttl):
    r.hset(key, mapping=record)
    r.expire(key, ttl)


def load_record(r, key, types):
    fields = r.hgetall(key)
    if not fields:
        return None
    return {name: types[name](value) for name, value in fields.items()}
''',
            # HGETALL of a missing key is {}: returned as an empty record instead of None
            "empty_dict_for_missing": '''
def save_record(r, key, record, ttl):
    r.delete(key)
    r.hset(key, mapping=record)
    r.expire(key, ttl)


def load_record(r, key, types):
    return {name: types[name](value) for name, value in r.hgetall(key).items()}
''',
            # the visible test's PRODUCT_TYPES instead of the `types` argument
            "product_types_not_types": '''
def save_record(r, key, record, ttl):
    r.delete(key)
    r.hset(key, mapping=record)
    r.expire(key, ttl)


def load_record(r, key, types):
    fields = r.hgetall(key)
    if not fields:
        return None
    return {name: PRODUCT_TYPES.get(name, str)(value) for name, value in fields.items()}
''',
            # EXPIRE before the key exists: a new record never expires
            "expire_before_hset": '''
def save_record(r, key, record, ttl):
    r.expire(key, ttl)
    r.delete(key)
    r.hset(key, mapping=record)


def load_record(r, key, types):
    fields = r.hgetall(key)
    if not fields:
        return None
    return {name: types[name](value) for name, value in fields.items()}
''',
        },
        alternatives={
            # one MULTI/EXEC: UNLINK, HSET, EXPIRE; HMGET the typed fields
            "multi_and_hmget": '''
def save_record(r, key, record, ttl):
    pipe = r.pipeline(transaction=True)
    pipe.unlink(key)
    pipe.hset(key, mapping=record)
    pipe.expire(key, ttl)
    pipe.execute()


def load_record(r, key, types):
    if not r.exists(key):
        return None
    names = list(types)
    values = r.hmget(key, names)
    return {name: types[name](value) for name, value in zip(names, values) if value is not None}
''',
            # build under a temporary key, then RENAME over the old one (RENAME keeps the TTL)
            "rename_from_temporary": '''
def save_record(r, key, record, ttl):
    temporary = key + ":being-written"
    r.delete(temporary)
    for name, value in record.items():
        r.hset(temporary, name, value)
    r.expire(temporary, ttl)
    r.rename(temporary, key)


def load_record(r, key, types):
    record = {}
    for name, value in r.hscan_iter(key):
        record[name] = types[name](value)
    return record or None
''',
            # a Lua script does the replace in one step
            "lua_replace": '''
REPLACE = """
redis.call('DEL', KEYS[1])
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
"""


def save_record(r, key, record, ttl):
    flat = [item for pair in record.items() for item in pair]
    r.eval(REPLACE, 1, key, ttl, *flat)


def load_record(r, key, types):
    raw = r.hgetall(key)
    return {k: types[k](v) for k, v in raw.items()} if raw else None
''',
        },
    ),
    "ex6-answer": Exercise(
        hardcoded='''
generations = {}


def product_key(r, prefix, category, product_id):
    return f"{prefix}cat:{category}:g{generations.get(category, 0)}:product:{product_id}"


def invalidate_category(r, prefix, category):
    generations[category] = generations.get(category, 0) + 1
''',
        mistakes={
            # DEL the counter: the generation goes back to 0 and old keys are reachable again
            "delete_generation": '''
def product_key(r, prefix, category, product_id):
    generation = int(r.get(f"{prefix}gen:{category}") or 0)
    return f"{prefix}cat:{category}:g{generation}:product:{product_id}"


def invalidate_category(r, prefix, category):
    key = f"{prefix}gen:{category}"
    if r.exists(key):
        r.delete(key)
    else:
        r.set(key, 1)
''',
            # the clock as a generation: two invalidations in the same second change nothing
            "seconds_as_generation": '''
import time


def product_key(r, prefix, category, product_id):
    generation = int(r.get(f"{prefix}gen:{category}") or 0)
    return f"{prefix}cat:{category}:g{generation}:product:{product_id}"


def invalidate_category(r, prefix, category):
    r.set(f"{prefix}gen:{category}", int(time.time()))
''',
            # the generation remembered in Python: another web server's bump is never seen
            "generation_cached_in_process": '''
seen_generations = {}


def product_key(r, prefix, category, product_id):
    if (prefix, category) not in seen_generations:
        seen_generations[prefix, category] = int(r.get(f"{prefix}gen:{category}") or 0)
    generation = seen_generations[prefix, category]
    return f"{prefix}cat:{category}:g{generation}:product:{product_id}"


def invalidate_category(r, prefix, category):
    seen_generations[prefix, category] = r.incr(f"{prefix}gen:{category}")
''',
            # the counter outside the prefix: not the key the other web servers bump
            "generation_key_without_prefix": '''
def product_key(r, prefix, category, product_id):
    generation = int(r.get(f"gen:{prefix}{category}") or 0)
    return f"{prefix}cat:{category}:g{generation}:product:{product_id}"


def invalidate_category(r, prefix, category):
    r.incr(f"gen:{prefix}{category}")
''',
            # a TTL on the counter: when it expires, the generation falls back to 0
            "generation_with_ttl": '''
def product_key(r, prefix, category, product_id):
    generation = int(r.get(f"{prefix}gen:{category}") or 0)
    return f"{prefix}cat:{category}:g{generation}:product:{product_id}"


def invalidate_category(r, prefix, category):
    key = f"{prefix}gen:{category}"
    r.incr(key)
    r.expire(key, 3600)
''',
        },
        alternatives={
            # INCRBY and another key layout ("e.g." in the exercise)
            "incrby_other_layout": '''
def product_key(r, prefix, category, product_id):
    raw = r.get(prefix + "gen:" + category)
    generation = 0 if raw is None else int(raw)
    return "{}product:{}:{}@{}".format(prefix, product_id, category, generation)


def invalidate_category(r, prefix, category):
    r.incrby(prefix + "gen:" + category, 1)
''',
            # raw commands, as typed in redis-cli
            "raw_commands": '''
def product_key(r, prefix, category, product_id):
    generation = r.execute_command("GET", f"{prefix}gen:{category}") or "0"
    return f"{prefix}cat:{category}:g{int(generation)}:product:{product_id}"


def invalidate_category(r, prefix, category):
    r.execute_command("INCR", f"{prefix}gen:{category}")
''',
            # a Lua script increments; the key is read with MGET
            "lua_incr": '''
def product_key(r, prefix, category, product_id):
    (generation,) = r.mget([f"{prefix}gen:{category}"])
    return f"{prefix}cat:{category}:g{int(generation or 0)}:product:{product_id}"


def invalidate_category(r, prefix, category):
    r.eval("return redis.call('INCR', KEYS[1])", 1, f"{prefix}gen:{category}")
''',
        },
    ),
}
