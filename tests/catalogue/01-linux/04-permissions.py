"""Catalogue of 01-linux/04-permissions.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex7-answer": Exercise(
        hardcoded='''
fix_modes = "chmod 744 bin/deploy.sh; chmod 740 bin/migrate.sh; chmod 600 secrets/db.env secrets/api.key secrets/.env; chmod 700 secrets"
''',
        mistakes={},
        alternatives={},
    ),
    "ex8-answer": Exercise(
        hardcoded='''
save_token = r"""(umask 077 && echo tok_live_4f9a1c > token.txt) && touch public.txt"""
''',
        mistakes={},
        alternatives={},
    ),
}
