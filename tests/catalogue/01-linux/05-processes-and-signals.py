"""Catalogue of 01-linux/05-processes-and-signals.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex9-answer": Exercise(
        hardcoded='''
worker_script = r"""
trap 'echo "api: shutting down"; rm -f api.pid; exit 0' TERM
echo $$ > api.pid
echo ready
sleep 30 &
wait $!
"""
''',
        mistakes={},
        alternatives={},
    ),
}
