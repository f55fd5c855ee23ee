"""Catalogue of 03-redis-caching/05-expiry-and-eviction.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex9-answer": Exercise(
        hardcoded='''
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
        mistakes={
            # only page writes are counted: a session write refused on a full server goes unseen
            "session_refusals_not_counted": '''
POLICY = "volatile-lru"


def sessions_and_cache(server, prefix, sessions, pages, size):
    for number in range(sessions):
        try:
            server.set(f"{prefix}session:{number}", "x" * size)
        except redis.ResponseError:
            pass
    refused = 0
    for number in range(pages):
        try:
            server.set(f"{prefix}page:{number}", "x" * size, ex=3600)
        except redis.ResponseError:
            refused += 1
    return {"sessions_kept": count_keys(server, f"{prefix}session:*"),
            "pages_kept": count_keys(server, f"{prefix}page:*"), "refused": refused}
''',
            # allkeys-lru evicts sessions too
            "allkeys_policy": '''
POLICY = "allkeys-lru"


def sessions_and_cache(server, prefix, sessions, pages, size):
    refused = 0
    for kind, count, ttl in (("session", sessions, None), ("page", pages, 3600)):
        for number in range(count):
            try:
                server.set(f"{prefix}{kind}:{number}", "x" * size, ex=ttl)
            except redis.ResponseError:
                refused += 1
    return {"sessions_kept": count_keys(server, f"{prefix}session:*"),
            "pages_kept": count_keys(server, f"{prefix}page:*"), "refused": refused}
''',
            # counts what was written, not what is left on the server
            "counts_writes_not_keys": '''
POLICY = "volatile-lru"


def sessions_and_cache(server, prefix, sessions, pages, size):
    refused = {"session": 0, "page": 0}
    for kind, count, ttl in (("session", sessions, None), ("page", pages, 3600)):
        for number in range(count):
            try:
                server.set(f"{prefix}{kind}:{number}", "x" * size, ex=ttl)
            except redis.ResponseError:
                refused[kind] += 1
    pages_kept = count_keys(server, f"{prefix}page:*")
    return {"sessions_kept": sessions - refused["session"], "pages_kept": pages_kept,
            "refused": refused["session"] + refused["page"]}
''',
            # pipeline replies ignored: refusals are never counted
            "pipeline_errors_ignored": '''
POLICY = "volatile-lru"


def sessions_and_cache(server, prefix, sessions, pages, size):
    writes = server.pipeline(transaction=False)
    for number in range(sessions):
        writes.set(f"{prefix}session:{number}", "x" * size)
    for number in range(pages):
        writes.set(f"{prefix}page:{number}", "x" * size, ex=3600)
    writes.execute(raise_on_error=False)
    return {"sessions_kept": count_keys(server, f"{prefix}session:*"),
            "pages_kept": count_keys(server, f"{prefix}page:*"), "refused": 0}
''',
            # pages written without their TTL: volatile-* has nothing it may evict
            "pages_without_ttl": '''
POLICY = "volatile-lru"


def sessions_and_cache(server, prefix, sessions, pages, size):
    refused = 0
    for kind, count in (("session", sessions), ("page", pages)):
        for number in range(count):
            try:
                server.set(f"{prefix}{kind}:{number}", "x" * size)
            except redis.ResponseError:
                refused += 1
    return {"sessions_kept": count_keys(server, f"{prefix}session:*"),
            "pages_kept": count_keys(server, f"{prefix}page:*"), "refused": refused}
''',
        },
        alternatives={
            # volatile-lfu; one pipeline, errors counted from its replies
            "volatile_lfu_pipeline": '''
POLICY = "volatile-lfu"


def sessions_and_cache(server, prefix, sessions, pages, size):
    value = "s" * size
    writes = server.pipeline(transaction=False)
    for i in range(sessions):
        writes.set(f"{prefix}session:{i}", value)
    for i in range(pages):
        writes.set(f"{prefix}page:{i}", value, ex=3600)
    replies = writes.execute(raise_on_error=False)
    refused = sum(1 for reply in replies if isinstance(reply, Exception))
    left = {"session": 0, "page": 0}
    for key in server.scan_iter(match=f"{prefix}*", count=500):
        left[key[len(prefix):].split(":")[0]] += 1
    return {"sessions_kept": left["session"], "pages_kept": left["page"], "refused": refused}
''',
            # volatile-ttl; SET returns errors as exceptions, counted; EXISTS counts what is left
            "volatile_ttl_exists": '''
POLICY = "volatile-ttl"


def write(server, key, value, ttl):
    try:
        server.set(key, value, ex=ttl)
        return 0
    except redis.exceptions.ResponseError:
        return 1


def sessions_and_cache(server, prefix, sessions, pages, size):
    session_keys = [f"{prefix}session:{i}" for i in range(sessions)]
    page_keys = [f"{prefix}page:{i}" for i in range(pages)]
    refused = sum(write(server, key, "v" * size, None) for key in session_keys)
    refused += sum(write(server, key, "v" * size, 3600) for key in page_keys)
    kept_pages = sum(server.exists(*page_keys[i:i + 500]) for i in range(0, pages, 500))
    kept_sessions = sum(server.exists(*session_keys[i:i + 500]) for i in range(0, sessions, 500))
    return {"sessions_kept": kept_sessions, "pages_kept": kept_pages, "refused": refused}
''',
            # volatile-random; SETEX-free: SET then nothing else, MSET-less loop
            "volatile_random_loop": '''
POLICY = "volatile-random"


def sessions_and_cache(server, prefix, sessions, pages, size):
    result = {"sessions_kept": 0, "pages_kept": 0, "refused": 0}
    plan = [(f"{prefix}session:{i}", None) for i in range(sessions)]
    plan += [(f"{prefix}page:{i}", 3600) for i in range(pages)]
    for key, ttl in plan:
        try:
            server.execute_command("SET", key, "p" * size, *(["EX", ttl] if ttl else []))
        except redis.RedisError:
            result["refused"] += 1
    result["sessions_kept"] = count_keys(server, f"{prefix}session:*")
    result["pages_kept"] = count_keys(server, f"{prefix}page:*")
    return result
''',
        },
    ),
}
