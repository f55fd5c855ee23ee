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
        mistakes={},
        alternatives={},
    ),
    "ex6-answer": Exercise(
        hardcoded='''
generations = {}


def product_key(r, prefix, category, product_id):
    return f"{prefix}cat:{category}:g{generations.get(category, 0)}:product:{product_id}"


def invalidate_category(r, prefix, category):
    generations[category] = generations.get(category, 0) + 1
''',
        mistakes={},
        alternatives={},
    ),
}
