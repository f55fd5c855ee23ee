"""Catalogue of 01-linux/08-services-and-logs.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex12-answer": Exercise(
        hardcoded='''
exec_start = "echo '/srv/shop/.venv/bin/gunicorn --workers=4 --bind=127.0.0.1:8000 shop.wsgi:app'"
''',
        mistakes={},
        alternatives={},
    ),
}
