"""Catalogue of 01-linux/08-services-and-logs.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex12-answer": Exercise(
        hardcoded='''
exec_start = "echo '/srv/shop/.venv/bin/gunicorn --workers=4 --bind=127.0.0.1:8000 shop.wsgi:app'"
''',
        mistakes={
            # cut -f2 keeps only what lies between the first and the second "=".
            "cut_f2_only": '''
exec_start = r"""grep '^ExecStart=' shop-api.service | cut -d= -f2"""
''',
            # Not anchored: a commented-out "# ExecStart=" line (an old command) matches too.
            "grep_unanchored": '''
exec_start = r"""grep 'ExecStart=' shop-api.service | cut -d= -f2-"""
''',
            # "^ExecStart" without the "=": ExecStartPre= and ExecStartPost= match too.
            "prefix_without_equals": '''
exec_start = r"""grep '^ExecStart' shop-api.service | cut -d= -f2-"""
''',
            # sed's .* is greedy: it removes everything up to the LAST "=".
            "sed_greedy": '''
exec_start = r"""grep '^ExecStart=' shop-api.service | sed 's/.*=//'"""
''',
            # awk -F= splits at every "=": $2 is one piece only.
            "awk_field_2": '''
exec_start = r"""awk -F= '$1 == "ExecStart" {print $2}' shop-api.service"""
''',
            # A field range counted on this file: it has three "=" after the key, others have more.
            "cut_counted_fields": '''
exec_start = r"""grep '^ExecStart=' shop-api.service | cut -d= -f2-4"""
''',
            # The line number of this file: other unit files have ExecStart= elsewhere.
            "fixed_line_number": '''
exec_start = r"""sed -n 12p shop-api.service | cut -d= -f2-"""
''',
        },
        alternatives={
            "sed_substitute_print": '''
exec_start = r"""sed -n 's/^ExecStart=//p' shop-api.service"""
''',
            "awk_substr": '''
exec_start = r"""awk 'index($0, "ExecStart=") == 1 { print substr($0, length("ExecStart=") + 1) }' shop-api.service"""
''',
            "grep_then_cut_columns": '''
exec_start = r"""grep -E '^ExecStart=' shop-api.service | cut -c11-"""
''',
            "bash_read_loop": '''
exec_start = r"""
while IFS= read -r line; do
    case $line in
        ExecStart=*) printf '%s\\n' "${line#ExecStart=}" ;;
    esac
done < shop-api.service
"""
''',
        },
    ),
}
