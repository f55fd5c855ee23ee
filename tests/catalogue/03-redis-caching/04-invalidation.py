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
        mistakes={
            # DEL before the commit: a reader in between caches the old row again
            "del_before_commit": '''
def update_price(shop, r, prefix, product_id, price_cents):
    r.delete(f"{prefix}product:{product_id}")
    set_price_in_db(shop, product_id, price_cents)
''',
            # DEL inside the transaction: it happens before the commit all the same
            "del_inside_transaction": '''
def update_price(shop, r, prefix, product_id, price_cents):
    with shop.begin() as connection:
        connection.execute(text("UPDATE products SET price_cents = :price WHERE id = :id"),
                           {"price": price_cents, "id": product_id})
        r.delete(f"{prefix}product:{product_id}")
''',
            # write-through instead of delete: the page is rebuilt, not deleted
            "set_instead_of_delete": '''
def update_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    r.set(f"{prefix}product:{product_id}", json.dumps(load(product_id)), ex=300)
''',
            # every page under the prefix deleted, not just this product's
            "deletes_every_page": '''
def update_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    for key in r.scan_iter(match=f"{prefix}product:*"):
        r.delete(key)
''',
        },
        alternatives={
            # its own transaction with SQL, then UNLINK after the block has committed
            "own_sql_then_unlink": '''
def update_price(shop, r, prefix, product_id, price_cents):
    with shop.connect() as connection:
        connection.execute(text("UPDATE products SET price_cents = :p WHERE id = :i"),
                           {"p": price_cents, "i": product_id})
        connection.commit()
    r.unlink(f"{prefix}product:{product_id}")
''',
            # GETDEL after the commit (deletes and says what was there)
            "getdel_after_commit": '''
def update_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    r.getdel(f"{prefix}product:{product_id}")
''',
            # raw DEL command sent in a MULTI after the commit
            "raw_del_in_transaction": '''
def update_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    pipe = r.pipeline()
    pipe.execute_command("DEL", "%sproduct:%s" % (prefix, product_id))
    pipe.execute()
''',
        },
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
        mistakes={
            # the version bumped before the commit: a reader in between caches the old row
            # under the new version
            "bump_before_commit": '''
def read_product(r, prefix, product_id, load, ttl):
    version = int(r.get(f"{prefix}version:{product_id}") or 0)
    key = f"{prefix}product:{product_id}:v{version}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=ttl)
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    r.incr(f"{prefix}version:{product_id}")
    set_price_in_db(shop, product_id, price_cents)
''',
            # the version read after the load: the old row is stored under the new version
            "version_read_after_load": '''
def read_product(r, prefix, product_id, load, ttl):
    page = None
    cached = None
    version = int(r.get(f"{prefix}version:{product_id}") or 0)
    cached = r.get(f"{prefix}product:{product_id}:v{version}")
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    version = int(r.get(f"{prefix}version:{product_id}") or 0)
    r.set(f"{prefix}product:{product_id}:v{version}", json.dumps(page), ex=ttl)
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    r.incr(f"{prefix}version:{product_id}")
''',
            # plain delete-on-write: the stale-set race stays open
            "delete_not_version": '''
def read_product(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}:v0"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=ttl)
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    r.delete(f"{prefix}product:{product_id}:v0")
''',
            # the version bumped inside the transaction, before it commits
            "bump_inside_transaction": '''
def read_product(r, prefix, product_id, load, ttl):
    version = int(r.get(f"{prefix}version:{product_id}") or 0)
    key = f"{prefix}product:{product_id}:v{version}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=ttl)
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    with shop.begin() as connection:
        connection.execute(text("UPDATE products SET price_cents = :price WHERE id = :id"),
                           {"price": price_cents, "id": product_id})
        r.incr(f"{prefix}version:{product_id}")
''',
            # versioned pages cached without a TTL: every old version stays in memory forever
            "pages_without_ttl": '''
def read_product(r, prefix, product_id, load, ttl):
    version = int(r.get(f"{prefix}version:{product_id}") or 0)
    key = f"{prefix}product:{product_id}:v{version}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page))
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    r.incr(f"{prefix}version:{product_id}")
''',
        },
        alternatives={
            # raw commands, a transaction of its own, INCRBY
            "own_sql_incrby": '''
def read_product(r, prefix, product_id, load, ttl):
    raw = r.execute_command("GET", "%sversion:%d" % (prefix, product_id))
    key = "%sproduct:%d:v%d" % (prefix, product_id, int(raw or 0))
    hit = r.execute_command("GET", key)
    if hit is None:
        fresh = load(product_id)
        r.execute_command("SET", key, json.dumps(fresh), "EX", ttl)
        return fresh
    return json.loads(hit)


def write_price(shop, r, prefix, product_id, price_cents):
    with shop.connect() as connection:
        connection.execute(text("UPDATE products SET price_cents = :p WHERE id = :i"),
                           {"p": price_cents, "i": product_id})
        connection.commit()
    r.incrby("%sversion:%d" % (prefix, product_id), 1)
''',
            # MGET for the version, SET with PX, the bump by a Lua script
            "mget_px_lua": '''
def read_product(r, prefix, product_id, load, ttl):
    [version] = r.mget([f"{prefix}version:{product_id}"])
    key = f"{prefix}product:{product_id}:v{version or 0}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), px=ttl * 1000)
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    r.eval("return redis.call('INCR', KEYS[1])", 1, f"{prefix}version:{product_id}")
''',
            # a version hash-free helper and a SET NX + INCR in a transaction
            "helper_and_transaction": '''
def version_of(r, prefix, product_id):
    value = r.get(f"{prefix}version:{product_id}")
    return 0 if value is None else int(value)


def read_product(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}:v{version_of(r, prefix, product_id)}"
    if (cached := r.get(key)) is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=ttl, nx=True)
    return page


def write_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    with r.pipeline(transaction=True) as pipe:
        pipe.incr(f"{prefix}version:{product_id}")
        pipe.execute()
''',
        },
    ),
}
