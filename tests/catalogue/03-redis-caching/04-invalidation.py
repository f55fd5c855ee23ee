"""Catalogue of 03-redis-caching/04-invalidation.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "03-redis-caching/04-invalidation.ipynb"
SALE = solution(NOTEBOOK, "ex7-answer")
# The UPDATE of the solution, and its delete, as the mistakes below edit them.
PRICE = "price_cents * (100 - :percent) / 100"
DELETE = '''    if changed:
        r.delete(*[f"{prefix}product:{product_id}" for product_id in changed])
'''

EXERCISES = {
    "ex7-answer": Exercise(
        # the visible test's sale, and its one cached page, written in
        hardcoded='''
def discount_category(shop, r, prefix, category, percent):
    with shop.begin() as connection:
        connection.execute(text("UPDATE products SET price_cents = price_cents * 85 / 100 "
                                "WHERE category = 'office'"))
    r.delete(f"{prefix}product:7")
''',
        mistakes={
            # DEL before the UPDATE commits: a reader in between caches the old price again
            "del_before_commit": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.connect() as connection:
        ids = connection.execute(text("SELECT id FROM products WHERE category = :c"),
                                 {"c": category}).scalars().all()
    r.delete(*[f"{prefix}product:{i}" for i in ids])
    with shop.begin() as connection:
        connection.execute(text("UPDATE products SET price_cents = price_cents * (100 - :p) / 100 "
                                "WHERE category = :c"), {"p": percent, "c": category})
''',
            # DEL inside the transaction: it still runs before the commit
            "del_inside_transaction": edit(SALE, (DELETE, ""), (
                '''{"percent": percent, "category": category}).scalars().all()
''',
                '''{"percent": percent, "category": category}).scalars().all()
        r.delete(*[f"{prefix}product:{product_id}" for product_id in changed])
''')),
            # write-through: SET the new pages where the lesson says delete
            "write_through": edit(SALE, (DELETE, '''    for product_id in changed:
        r.set(f"{prefix}product:{product_id}", json.dumps(load(product_id)), ex=300)
''')),
            # the demo's one DEL: only one product's page is invalidated
            "deletes_one_key": edit(SALE, (DELETE, '''    if changed:
        r.delete(f"{prefix}product:{changed[0]}")
''')),
            # the demo applied per product: one transaction each, the category seen half discounted
            "demo_in_a_loop": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.connect() as connection:
        rows = connection.execute(text("SELECT id, price_cents FROM products WHERE category = :c"),
                                  {"c": category}).all()
    for product_id, price in rows:
        update_price_then_delete(shop, r, prefix, product_id, price * (100 - percent) // 100)
''',
            # every page under the prefix, by a pattern: other categories' pages go too
            "scan_whole_prefix": edit(SALE, (DELETE, '''    for key in r.scan_iter(match=f"{prefix}product:*"):
        r.delete(key)
''')),
            # KEYS over the whole keyspace: the same products' pages under other prefixes go too
            "keys_any_prefix": edit(SALE, (DELETE, '''    for product_id in changed:
        for key in r.keys(f"*product:{product_id}"):
            r.delete(key)
''')),
            # a pattern per id without an end: product:4* also deletes products 40-49, 400-499...
            "pattern_per_id": edit(SALE, (DELETE, '''    for product_id in changed:
        for key in r.scan_iter(match=f"{prefix}product:{product_id}*"):
            r.delete(key)
''')),
            # DEL with no keys when the category is empty: Redis refuses it
            "del_no_keys": edit(SALE, (DELETE, '''    r.delete(*[f"{prefix}product:{product_id}" for product_id in changed])
''')),
            # the prefix forgotten: keys nobody reads are deleted, the real pages stay
            "forgets_prefix": edit(SALE, ('f"{prefix}product:{product_id}"', 'f"product:{product_id}"')),
            # float arithmetic: SQLite stores 1019.15, PostgreSQL rounds to the nearest cent
            "float_division": edit(SALE, (PRICE, "price_cents * (100 - :percent) / 100.0")),
            # ROUND: to the nearest cent, not down
            "sql_round": edit(SALE, (PRICE, "ROUND(price_cents * (100 - :percent) / 100.0)")),
            # Python's round() on each price (to the nearest, halves to even)
            "python_round": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.begin() as connection:
        rows = connection.execute(text("SELECT id, price_cents FROM products WHERE category = :c"),
                                  {"c": category}).all()
        for product_id, price in rows:
            connection.execute(text("UPDATE products SET price_cents = :p WHERE id = :i"),
                               {"p": round(price * (100 - percent) / 100), "i": product_id})
    r.delete(*[f"{prefix}product:{product_id}" for product_id, _ in rows])
''',
            # the percent kept instead of taken off
            "percent_kept": edit(SALE, (PRICE, "price_cents * :percent / 100")),
            # no WHERE: every product in the shop is discounted
            "no_where": edit(SALE, ("WHERE category = :category RETURNING id", "RETURNING id")),
            # a connection that never commits: the UPDATE is rolled back
            "commits_nothing": edit(SALE, ("with shop.begin() as connection:", "with shop.connect() as connection:")),
            # the ids SELECTed before the UPDATE, which re-reads the category: a product another admin
            # moved in meanwhile is discounted but its page stays (READ COMMITTED on PostgreSQL; on
            # SQLite the SELECT takes no lock) -- an alternative until the R8C review
            "ids_from_earlier_select": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.connect() as connection:
        ids = connection.execute(text("SELECT id FROM products WHERE category = :c"),
                                 {"c": category}).scalars().all()
        connection.execute(text("UPDATE products SET price_cents = (price_cents * (100 - :p)) / 100 "
                                "WHERE id IN (SELECT id FROM products WHERE category = :c)"),
                           {"p": percent, "c": category})
        connection.commit()
    pipe = r.pipeline(transaction=True)
    for product_id in ids:
        pipe.unlink("%sproduct:%d" % (prefix, product_id))
    pipe.execute()
''',
            # --- from the red-team review (R8C), written from the student notebook alone ---
            # a float factor in Python: int(700 * (1 - 0.55)) = int(314.99999999999994) = 314, not 315
            "python_float_factor": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.begin() as connection:
        rows = connection.execute(text("SELECT id, price_cents FROM products WHERE category = :c"),
                                  {"c": category}).all()
        if rows:
            connection.execute(text("UPDATE products SET price_cents = :p WHERE id = :id"),
                               [{"p": int(price * (1 - percent / 100)), "id": product_id}
                                for product_id, price in rows])
    for product_id, _ in rows:
        r.delete(f"{prefix}product:{product_id}")
''',
            # the discount rounded down, so the price rounds UP: price - price * p / 100
            "discount_rounded_down": edit(SALE, (PRICE, "price_cents - price_cents * :percent / 100")),
            # CAST of a decimal factor: SQLite truncates a REAL (wrong only where the float is just
            # below a whole number), PostgreSQL rounds a NUMERIC to the nearest cent
            "cast_decimal_factor": edit(SALE, (PRICE, "CAST(price_cents * (1 - :percent / 100.0) AS INTEGER)")),
            # SQLAlchemy 2's `/` is true division: a NUMERIC that PostgreSQL rounds into the column
            "sqlalchemy_true_division": '''
import sqlalchemy as sa

def discount_category(shop, r, prefix, category, percent):
    products = sa.Table("products", sa.MetaData(), autoload_with=shop)
    statement = (sa.update(products).where(products.c.category == category)
                 .values(price_cents=products.c.price_cents * (100 - percent) / 100)
                 .returning(products.c.id))
    with shop.begin() as connection:
        ids = connection.execute(statement).scalars().all()
    for i in ids:
        r.delete(f"{prefix}product:{i}")
''',
            # the factor bound as a Python float: SQLite stores REALs in the column, PostgreSQL rounds
            "float_factor_bound": edit(SALE, (PRICE, "price_cents * :factor"),
                                       ('{"percent": percent,', '{"factor": (100 - percent) / 100,')),
            # the notebook's own `keys` instead of the prefix given: the pages under it stay
            "notebook_keys_not_prefix": edit(SALE, ('f"{prefix}product:{product_id}"', 'f"{keys}product:{product_id}"')),
            # one transaction per product (each UPDATE commits on its own)
            "update_per_product_transactions": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.connect() as connection:
        ids = connection.execute(text("SELECT id FROM products WHERE category = :c"),
                                 {"c": category}).scalars().all()
    for i in ids:
        with shop.begin() as connection:
            connection.execute(text("UPDATE products SET price_cents = price_cents * (100 - :p) / 100 "
                                    "WHERE id = :id"), {"p": percent, "id": i})
    for i in ids:
        r.delete(f"{prefix}product:{i}")
''',
        },
        alternatives={
            # prices computed in Python (floor division), one UPDATE per row in one transaction,
            # a raw DEL with every key
            "python_floor_executemany": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.begin() as connection:
        rows = connection.execute(text("SELECT id, price_cents FROM products WHERE category = :c"),
                                  {"c": category}).all()
        if rows:
            connection.execute(text("UPDATE products SET price_cents = :p WHERE id = :i"),
                               [{"p": price * (100 - percent) // 100, "i": product_id}
                                for product_id, price in rows])
    keys = [prefix + "product:" + str(product_id) for product_id, _ in rows]
    if keys:
        r.execute_command("DEL", *keys)
''',
            # RETURNING the new prices too, one DEL per key
            "returning_rows_del_each": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.begin() as connection:
        result = connection.execute(
            text("UPDATE products SET price_cents = price_cents * (100 - :pct) / 100 "
                 "WHERE category = :cat RETURNING id, price_cents"), {"pct": percent, "cat": category})
        changed = [row.id for row in result]
    for product_id in changed:
        r.delete(f"{prefix}product:{product_id}")
''',
            # --- from the red-team review (R8C) ---
            # SQLAlchemy Core with floor division `//`, a pipeline of UNLINKs
            "core_floor_division_pipeline": '''
import sqlalchemy as sa

def discount_category(shop, r, prefix, category, percent):
    products = sa.Table("products", sa.MetaData(), autoload_with=shop)
    statement = (sa.update(products).where(products.c.category == category)
                 .values(price_cents=products.c.price_cents * (100 - percent) // 100)
                 .returning(products.c.id))
    with shop.begin() as connection:
        ids = connection.execute(statement).scalars().all()
    pipe = r.pipeline(transaction=False)
    for i in ids:
        pipe.unlink(f"{prefix}product:{i}")
    pipe.execute()
''',
            # the UPDATE without RETURNING, the ids SELECTed after it in the same transaction,
            # deleted in chunks
            "update_then_select_chunks": '''
def discount_category(shop, r, prefix, category, percent):
    with shop.begin() as connection:
        connection.execute(text("UPDATE products SET price_cents = (price_cents * (100 - :p)) / 100 "
                                "WHERE category = :c"), {"p": percent, "c": category})
        ids = [row.id for row in connection.execute(
            text("SELECT id FROM products WHERE category = :c"), {"c": category})]
    stale = [f"{prefix}product:{i}" for i in ids]
    while stale:
        r.delete(*stale[:100])
        stale = stale[100:]
''',
            # FLOOR of an exact division, CAST back to an integer
            "sql_floor": edit(SALE, (PRICE, "CAST(FLOOR(price_cents * (100 - :percent) / 100.0) AS INTEGER)")),
            # SCAN under the prefix, deleting only the pages of the changed ids (exact names)
            "scan_keep_changed": edit(SALE, (DELETE, '''    wanted = {f"{prefix}product:{product_id}" for product_id in changed}
    for key in r.scan_iter(match=f"{prefix}product:*"):
        if key in wanted:
            r.delete(key)
''')),
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
