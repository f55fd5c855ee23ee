"""Catalogue of 03-redis-caching/04-invalidation.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex7-answer": Exercise(
        hardcoded='''
def update_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        page = json.loads(cached)
        page["price_cents"] = price_cents
        r.set(key, json.dumps(page), ex=300)
''',
        mistakes={},
        alternatives={},
    ),
    "ex8-answer": Exercise(
        hardcoded='''
versions = {}


def read_product(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}:v{versions.get(product_id, 0)}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=ttl)
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    versions[product_id] = versions.get(product_id, 0) + 1
''',
        mistakes={},
        alternatives={},
    ),
}
