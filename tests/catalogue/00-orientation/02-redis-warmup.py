"""Catalogue of 00-orientation/02-redis-warmup.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        hardcoded='''
def count_view(r, prefix, page, window_seconds):
    key = f"{prefix}views:{page}"
    views = r.incr(key)
    r.expire(key, 60)
    return views
''',
        mistakes={},
        alternatives={},
    ),
}
