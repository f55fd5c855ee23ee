"""Catalogue of 01-linux/06-environment.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex10-answer": Exercise(
        hardcoded='''
serve_script = r"""
if [ -z "$DATABASE_URL" ]; then echo "DATABASE_URL missing" >&2; exit 1; fi
echo "listening on port 9000, log level info"
"""
''',
        mistakes={},
        alternatives={},
    ),
}
