"""Catalogue of 01-linux/01-files-and-paths.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
count_logs = "echo 5"
''',
        mistakes={},
        alternatives={},
    ),
    "ex2-answer": Exercise(
        hardcoded='''
line_count = r"""wc -l < "sales report.csv" """
''',
        mistakes={},
        alternatives={},
    ),
}
