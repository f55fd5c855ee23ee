"""Catalogue of 03-redis-caching/08-round-trips.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex14-answer": Exercise(
        hardcoded='''
def warm_cache(r, prefix, products, ttl, batch_size):
    for start in range(0, len(products), batch_size):
        pipe = r.pipeline(transaction=False)
        for product in products[start:start + batch_size]:
            pipe.set(f"{prefix}product:{product['id']}", json.dumps(product), ex=600)
        pipe.execute()
''',
        mistakes={},
        alternatives={},
    ),
    "ex15-answer": Exercise(
        hardcoded='''
def reserve(r, key, quantity):
    stock = int(r.get(key) or 0)
    if stock < quantity:
        return False
    r.decrby(key, quantity)
    return True
''',
        mistakes={},
        alternatives={},
    ),
}
