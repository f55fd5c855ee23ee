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
        mistakes={},
        alternatives={},
    ),
}
