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
        mistakes={
            # The lesson's table: `:-` is "unset OR empty"; without the colon an empty value stays.
            "no_colon_default": '''
serve_script = r"""
if [ -z "${DATABASE_URL:-}" ]; then echo "DATABASE_URL is not set" >&2; exit 1; fi
echo "listening on port ${PORT:-8080}, log level ${LOG_LEVEL-info}"
"""
''',
            # Unquoted test: [ -z host=db user=... ] is "too many arguments", i.e. false, and
            # bash's complaint lands on stderr (and `[ -n $X ]` is true for an empty X).
            "unquoted_test": '''
serve_script = r"""
if [ -z $DATABASE_URL ]; then echo "DATABASE_URL is not set" >&2; exit 1; fi
echo "listening on port ${PORT:-8080}, log level ${LOG_LEVEL:-info}"
"""
''',
            # `${VAR?msg}` without the colon accepts DATABASE_URL="" (set but empty).
            "no_colon_required": '''
serve_script = r"""
: "${DATABASE_URL?DATABASE_URL is not set}"
echo "listening on port ${PORT:-8080}, log level ${LOG_LEVEL:-info}"
"""
''',
            # The error goes to stdout, not stderr.
            "error_on_stdout": '''
serve_script = r"""
if [ -z "$DATABASE_URL" ]; then
    echo "DATABASE_URL is not set"
    exit 1
fi
echo "listening on port ${PORT:-8080}, log level ${LOG_LEVEL:-info}"
"""
''',
            # PORT used without a default: the visible test always sets it.
            "port_without_default": '''
serve_script = r"""
if [ -z "$DATABASE_URL" ]; then echo "DATABASE_URL is not set" >&2; exit 1; fi
echo "listening on port $PORT, log level ${LOG_LEVEL:-info}"
"""
''',
            # "Never prints DATABASE_URL": a debug line leaks the password into the log (stderr).
            "leaks_database_url": '''
serve_script = r"""
if [ -z "$DATABASE_URL" ]; then echo "DATABASE_URL is not set" >&2; exit 1; fi
echo "connecting to $DATABASE_URL" >&2
echo "listening on port ${PORT:-8080}, log level ${LOG_LEVEL:-info}"
"""
''',
            # Unquoted echo: word splitting collapses the spaces inside a value.
            "unquoted_echo": '''
serve_script = r"""
if [ -z "$DATABASE_URL" ]; then echo "DATABASE_URL is not set" >&2; exit 1; fi
port=${PORT:-8080}
level=${LOG_LEVEL:-info}
echo listening on port $port, log level $level
"""
''',
            # The message says nothing about which setting is missing.
            "message_without_name": '''
serve_script = r"""
if [ -z "$DATABASE_URL" ]; then echo "configuration error: database missing" >&2; exit 1; fi
echo "listening on port ${PORT:-8080}, log level ${LOG_LEVEL:-info}"
"""
''',
        },
        alternatives={
            # Assign defaults in place with := and require with :? (bash writes the message).
            "assign_defaults": '''
serve_script = r"""#!/usr/bin/env bash
set -euo pipefail
: "${PORT:=8080}" "${LOG_LEVEL:=info}"
: "${DATABASE_URL:?DATABASE_URL must be set}"
printf 'listening on port %s, log level %s\\n' "$PORT" "$LOG_LEVEL"
"""
''',
            # Plain if-blocks with test -z / -n, no parameter expansion tricks.
            "if_blocks": '''
serve_script = r"""
port="$PORT"
if test -z "$port"; then port=8080; fi
level="$LOG_LEVEL"
if test -z "$level"; then level=info; fi
if ! test -n "$DATABASE_URL"; then
    echo "error: DATABASE_URL is required" 1>&2
    exit 3
fi
echo "listening on port $port, log level $level"
"""
''',
            # A bash script that hands over to Python (os.environ.get(...) or default).
            "python_heredoc": '''
serve_script = r"""
exec python3 - <<'EOF'
import os, sys
url = os.environ.get("DATABASE_URL") or ""
if not url:
    sys.exit("DATABASE_URL is not set")
port = os.environ.get("PORT") or "8080"
level = os.environ.get("LOG_LEVEL") or "info"
print(f"listening on port {port}, log level {level}")
EOF
"""
''',
        },
    ),
}
