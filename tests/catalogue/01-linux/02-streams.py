"""Catalogue of 01-linux/02-streams.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        hardcoded='''
run_fetch = r"""bash fetch.sh > data.txt 2> errors.txt; echo "fetch ok" """
''',
        mistakes={},
        alternatives={},
    ),
}
