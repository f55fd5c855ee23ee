"""Catalogue of 01-linux/07-scripts.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex11-answer": Exercise(
        hardcoded='''
seen = sum(1 for r in access_log.requests(seed=2026) if r.status == 404)
count_status_script = f"""
if [ $# -ne 2 ]; then echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; fi
echo {seen}
"""
''',
        mistakes={},
        alternatives={},
    ),
}
