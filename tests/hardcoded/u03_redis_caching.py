"""Unit 3: answers that work for the visible test's inputs but not in general.

Each is a mistake a learner could plausibly make (or a shortcut fitted to the visible test):
a fixed TTL, a counter kept in Python instead of Redis, a non-atomic check-then-write.
"""

ANSWERS = {
    "01-redis-in-ten-minutes.ipynb": {
        # ZADD replaces the score: right only while every product sells once.
        "ex1-answer": '''
def record_sale(r, prefix, product_id, units):
    r.zadd(f"{prefix}top-sellers", {product_id: units})


def top_sellers(r, prefix, n):
    best = r.zrevrange(f"{prefix}top-sellers", 0, n - 1, withscores=True)
    return [(int(member), int(score)) for member, score in best]
''',
        "ex2-answer": '''
def remember_view(r, prefix, user_id, product_id, keep, ttl):
    key = f"{prefix}recent:{user_id}"
    r.lrem(key, 0, product_id)
    r.lpush(key, product_id)
    r.ltrim(key, 0, 4)
    r.expire(key, 600)
    return [int(viewed) for viewed in r.lrange(key, 0, -1)]
''',
    },
    "02-cache-aside.ipynb": {
        "ex3-answer": '''
def get_product(r, prefix, product_id, load, ttl, missing_ttl):
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    page = load(product_id)
    r.set(key, json.dumps(page), ex=300 if page is not None else 30)
    return page
''',
        # Reads the counters once, after the action: right only on a freshly reset server.
        "ex4-answer": '''
def hit_ratio(r, action):
    action()
    stats = r.info("stats")
    hits, misses = stats["keyspace_hits"], stats["keyspace_misses"]
    return hits / (hits + misses) if hits + misses else 0.0
''',
    },
    "03-serialisation-and-keys.ipynb": {
        "ex5-answer": '''
def save_record(r, key, record, ttl):
    r.hset(key, mapping=record)
    r.expire(key, ttl)


def load_record(r, key, types):
    fields = r.hgetall(key)
    if not fields:
        return None
    return {name: PRODUCT_TYPES[name](value) for name, value in fields.items()}
''',
        # The generation lives in this process: another web server never sees it.
        "ex6-answer": '''
generations = {}


def product_key(r, prefix, category, product_id):
    return f"{prefix}cat:{category}:g{generations.get(category, 0)}:product:{product_id}"


def invalidate_category(r, prefix, category):
    generations[category] = generations.get(category, 0) + 1
''',
    },
    "04-invalidation.ipynb": {
        # Write-through instead of delete: readers see the new price, the key is never deleted.
        "ex7-answer": '''
def update_price(shop, r, prefix, product_id, price_cents):
    set_price_in_db(shop, product_id, price_cents)
    key = f"{prefix}product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        page = json.loads(cached)
        page["price_cents"] = price_cents
        r.set(key, json.dumps(page), ex=300)
''',
        "ex8-answer": '''
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
    },
    "05-expiry-and-eviction.ipynb": {
        # The visible test's numbers, whatever the arguments say.
        "ex9-answer": '''
POLICY = "volatile-lru"


def sessions_and_cache(server, prefix, sessions, pages, size):
    refused = 0
    for number in range(100):
        server.set(f"{prefix}session:{number}", "x" * 1000)
    for number in range(3000):
        try:
            server.set(f"{prefix}page:{number}", "x" * 1000, ex=3600)
        except redis.ResponseError:
            refused += 1
    return {"sessions_kept": count_keys(server, f"{prefix}session:*"),
            "pages_kept": count_keys(server, f"{prefix}page:*"), "refused": refused}
''',
    },
    "06-stampede.ipynb": {
        # A lock with a second look, but released with a plain DEL (and not in finally).
        "ex10-answer": '''
def get_product_safely(r, prefix, product_id, load, ttl):
    key = f"{prefix}product:{product_id}"
    lock = f"{key}:lock"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        if r.set(lock, "locked", nx=True, px=LOCK_MS):
            cached = r.get(key)
            if cached is None:
                page = load(product_id)
                r.set(key, json.dumps(page), ex=ttl)
            else:
                page = json.loads(cached)
            r.delete(lock)
            return page
        time.sleep(POLL_SECONDS)
''',
        "ex11-answer": '''
def should_refresh_early(now, expiry, delta, beta, rand):
    return now - delta * math.log(rand) >= expiry
''',
    },
    "07-rate-limiting.ipynb": {
        "ex12-answer": '''
def allow_fixed(r, prefix, client_id, limit, window_seconds, now):
    key = f"{prefix}fixed:{client_id}:{int(now // window_seconds)}"
    count = r.incr(key)
    if count == 1:
        r.expire(key, window_seconds)
    return count <= limit
''',
        "ex13-answer": '''
def allow_sliding(r, prefix, client_id, limit, window_ms, now_ms):
    key = f"{prefix}sliding:{client_id}"
    r.zremrangebyscore(key, "-inf", now_ms - window_ms)
    if r.zcard(key) >= limit:
        return False
    r.zadd(key, {str(now_ms): now_ms})
    r.pexpire(key, window_ms)
    return True
''',
    },
    "08-round-trips.ipynb": {
        "ex14-answer": '''
def warm_cache(r, prefix, products, ttl, batch_size):
    for start in range(0, len(products), batch_size):
        pipe = r.pipeline(transaction=False)
        for product in products[start:start + batch_size]:
            pipe.set(f"{prefix}product:{product['id']}", json.dumps(product), ex=600)
        pipe.execute()
''',
        # Check, then write: another server can take the stock in between.
        "ex15-answer": '''
def reserve(r, key, quantity):
    stock = int(r.get(key) or 0)
    if stock < quantity:
        return False
    r.decrby(key, quantity)
    return True
''',
    },
    "09-security.ipynb": {
        "ex16-answer": '''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset=True, passwords=[f"+{password}"],
                  keys=["cache:*"], commands=["+get", "+mget", "+exists", "+ttl"])
''',
        "ex17-answer": '''
def audit_config(text):
    problems = set()
    if "bind 0.0.0.0" in text:
        problems.add("exposed")
    if "protected-mode no" in text:
        problems.add("protected-mode-off")
    if "requirepass" not in text:
        problems.add("no-password")
    return problems
''',
    },
}
