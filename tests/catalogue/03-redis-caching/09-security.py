"""Catalogue of 03-redis-caching/09-security.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex16-answer": Exercise(
        hardcoded='''
def create_cache_reader(r, username, password, prefix):
    r.acl_setuser(username, enabled=True, reset=True, passwords=[f"+{password}"],
                  keys=["cache:*"], commands=["+get", "+mget", "+exists", "+ttl"])
''',
        mistakes={},
        alternatives={},
    ),
    "ex17-answer": Exercise(
        hardcoded='''
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
        mistakes={},
        alternatives={},
    ),
}
