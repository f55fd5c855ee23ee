"""Catalogue of 01-linux/09-operations.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit

FREE = '''FREE_DELETED = r"""
app=$(cat app.pid)
for fd in /proc/$app/fd/*; do
    if [ -f "$fd" ] && [ "$(stat -L -c %h "$fd")" -eq 0 ]; then
        : > "$fd"
    fi
done
"""
'''

TALLY = '''TALLY_SCRIPT = r"""#!/usr/bin/env bash
set -euo pipefail
input=$1
output=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sort "$input" > "$tmp/sorted"
uniq -c "$tmp/sorted" | sort -rn > "$tmp/counts"
mv "$tmp/counts" "$output"
"""
'''

EXERCISES = {
    "ex14-answer": Exercise(
        # the visible test's one deleted log is the app's fd 3
        hardcoded='FREE_DELETED = r""": > /proc/$(cat app.pid)/fd/3"""\n',
        mistakes={
            # the space is freed, and the app with it
            "stops_the_app": 'FREE_DELETED = r"""kill $(cat app.pid)"""\n',
            # SIGHUP reopens logs in nginx; a program without a handler dies of it
            "hangup_without_a_handler": 'FREE_DELETED = r"""kill -HUP $(cat app.pid)"""\n',
            # a new, empty file under the old name; the app still fills the deleted one
            "empties_the_old_name": 'FREE_DELETED = r"""> app.log"""\n',
            "removes_it_again": 'FREE_DELETED = r"""rm -f app.log"""\n',
            # everything the app holds, deleted or not
            "empties_every_file": edit(FREE, ('[ -f "$fd" ] && [ "$(stat -L -c %h "$fd")" -eq 0 ]', '[ -f "$fd" ]')),
            # the text " (deleted)" is part of a name that may exist
            "trusts_the_deleted_text": '''FREE_DELETED = r"""
app=$(cat app.pid)
for fd in /proc/$app/fd/*; do
    case "$(readlink "$fd")" in
        *" (deleted)") : > "$fd" ;;
    esac
done
"""
''',
            # one deleted log at most
            "the_first_one_only": '''FREE_DELETED = r"""
app=$(cat app.pid)
fd=$(find -L /proc/$app/fd -maxdepth 1 -type f -links 0 | head -n 1)
: > "$fd"
"""
''',
        },
        alternatives={
            "find_links_zero": '''FREE_DELETED = r"""
find -L /proc/$(cat app.pid)/fd -maxdepth 1 -type f -links 0 -exec truncate -s 0 {} +
"""
''',
            "lsof_link_count": '''FREE_DELETED = r"""
pid=$(<app.pid)
lsof -nP -a -p "$pid" +L1 -Fn -Ff | sed -n 's/^f\\([0-9][0-9]*\\)$/\\1/p' | while read -r fd; do
    truncate --size=0 "/proc/$pid/fd/$fd"
done
"""
''',
            "python_os": '''FREE_DELETED = r"""
python3 - <<'PY'
import os
pid = open("app.pid").read().strip()
for fd in os.listdir(f"/proc/{pid}/fd"):
    path = f"/proc/{pid}/fd/{fd}"
    info = os.stat(path)
    if info.st_nlink == 0 and os.path.isfile(path):
        os.truncate(path, 0)
PY
"""
''',
        },
    ),
    "ex15-answer": Exercise(
        # cleans up on its last line and refuses a missing INPUT before making anything
        hardcoded='''TALLY_SCRIPT = r"""
[ -r "$1" ] || exit 1
tmp=$(mktemp -d)
sort "$1" > "$tmp/sorted"
uniq -c "$tmp/sorted" | sort -rn > "$2"
rm -rf "$tmp"
"""
''',
        mistakes={
            # the lesson's first script: the last line is never reached after a failure or a kill
            "removes_on_the_last_line": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT\n", ""),
                                             ('mv "$tmp/counts" "$output"\n', 'mv "$tmp/counts" "$output"\nrm -rf "$tmp"\n')),
            # a trap set after the slow part: a kill while reading leaves the folder
            "trap_set_late": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT\n", ""),
                                  ('sort "$input" > "$tmp/sorted"\n', 'sort "$input" > "$tmp/sorted"\ntrap \'rm -rf "$tmp"\' EXIT\n')),
            # expanded when the trap is set, unquoted when it runs: a space splits the path
            "trap_expanded_unquoted": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT", 'trap "rm -rf $tmp" EXIT')),
            # one name for every run
            "fixed_name": edit(TALLY, ("tmp=$(mktemp -d)", 'tmp="$TMPDIR/tally"\nmkdir -p "$tmp"')),
            # mkdir makes a folder everybody may enter (755)
            "mkdir_with_the_pid": edit(TALLY, ("tmp=$(mktemp -d)", 'tmp="$TMPDIR/tally.$$"\nmkdir "$tmp"')),
            # only on signals: success leaves the folder
            "trap_on_signals_only": edit(TALLY, ("' EXIT", "' INT TERM")),
            # no strict mode: a missing INPUT ends with exit code 0
            "no_strict_mode": edit(TALLY, ("set -euo pipefail\n", "")),
            # makes its folder only after reading the input
            "reads_before_the_folder": '''TALLY_SCRIPT = r"""#!/usr/bin/env bash
set -euo pipefail
lines=$(sort "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\\n' "$lines" > "$tmp/sorted"
uniq -c "$tmp/sorted" | sort -rn > "$2"
"""
''',
        },
        alternatives={
            "cleanup_function": '''TALLY_SCRIPT = r"""#!/usr/bin/env bash
set -o errexit -o nounset -o pipefail

workdir=$(mktemp -d -t tally.XXXXXXXX)
cleanup() {
    rm -rf -- "$workdir"
}
trap cleanup EXIT

sort -- "$1" > "$workdir/sorted.txt"
uniq -c < "$workdir/sorted.txt" > "$workdir/counted.txt"
sort -k1,1nr "$workdir/counted.txt" > "$2"
"""
''',
            "awk_counts": '''TALLY_SCRIPT = r"""
set -eu
scratch="$(mktemp -d "${TMPDIR:-/tmp}/tally-XXXXXX")"
trap 'rm -r -f "$scratch"' EXIT
cat "$1" > "$scratch/copy"
awk '{ seen[$0]++ } END { for (line in seen) printf "%7d %s\\n", seen[line], line }' "$scratch/copy" \\
    | sort -nr > "$2"
"""
''',
        },
    ),
}
