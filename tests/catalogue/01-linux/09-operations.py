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
            # (R9D) strips " (deleted)" from the link's text and truncates that path: a new file
            "truncates_the_name_in_the_link": """FREE_DELETED = r\"\"\"
app=$(cat app.pid)
for fd in /proc/$app/fd/*; do
  target=$(readlink "$fd")
  case "$target" in *' (deleted)') truncate -s 0 "${target% (deleted)}" ;; esac
done
\"\"\"
""",
            # (R9D) the text again, through ls -l | grep | awk (field 9 is the fd number)
            "greps_ls_for_deleted": """FREE_DELETED = r\"\"\"
app=$(cat app.pid)
ls -l /proc/$app/fd | grep '(deleted)' | awk '{print $9}' | while read -r n; do : > /proc/$app/fd/$n; done
\"\"\"
""",
            # (R9D) stat without -L counts the names of the symbolic link itself (1): nothing emptied
            "link_count_of_the_link": edit(FREE, ('stat -L -c %h', 'stat -c %h')),
            # (R9D) find without -L looks at the links, not the files: nothing found
            "find_without_follow": 'FREE_DELETED = r"""find /proc/$(cat app.pid)/fd -links 0 -exec truncate -s 0 {} \\;"""\n',
            # (R9D) "the name in the link is gone" instead of the link count: 'report (deleted)'
            # without its " (deleted)" is a name that does not exist, so the live file is emptied
            "name_gone_instead_of_link_count": """FREE_DELETED = r\"\"\"
app=$(cat app.pid)
for fd in /proc/$app/fd/*; do
  t=$(readlink "$fd")
  if [ -f "$fd" ] && [ ! -e "${t% (deleted)}" ]; then : > "$fd"; fi
done
\"\"\"
""",
            # (R9D) careful by name: the link's full text is no file AND the name without
            # " (deleted)" is gone; log rotation's new file under the old name hides the deleted one
            "name_gone_checked_both_ways": """FREE_DELETED = r\"\"\"
app=$(cat app.pid)
for fd in /proc/$app/fd/*; do
  t=$(readlink "$fd")
  case "$t" in
    *' (deleted)') [ -e "$t" ] || [ -e "${t% (deleted)}" ] || : > "$fd" ;;
  esac
done
\"\"\"
""",
            # (R9D) "the big ones" instead of the deleted ones: a big live log is emptied too
            "empties_the_big_ones": 'FREE_DELETED = r"""find -L /proc/$(cat app.pid)/fd -type f -size +1M -exec truncate -s 0 {} +"""\n',
            # (R9D) lsof without -a ORs its selections: every file of the app, deleted or not
            "lsof_without_and": """FREE_DELETED = r\"\"\"
app=$(cat app.pid)
lsof -nP +L1 -p "$app" -F f | sed -n 's/^f\\([0-9][0-9]*\\)$/\\1/p' | while read -r n; do
  [ -f "/proc/$app/fd/$n" ] && : > "/proc/$app/fd/$n"
done
\"\"\"
""",
            # (R9D) freezes the writer while emptying, and never wakes it (no kill -CONT)
            "freezes_the_app": 'FREE_DELETED = r"""kill -STOP $(cat app.pid)\nfind -L /proc/$(cat app.pid)/fd -type f -links 0 -exec truncate -s 0 {} +"""\n',
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
            # (R9D) lsof's fd list, emptied by copying /dev/null over each
            "lsof_cp_dev_null": """FREE_DELETED = r\"\"\"
app=$(cat app.pid)
lsof -nP +L1 -a -p "$app" -F f | sed -n 's/^f\\([0-9][0-9]*\\)$/\\1/p' | while read -r n; do
  cp /dev/null "/proc/$app/fd/$n"
done
\"\"\"
""",
            # (R9D) find -L piped to xargs, no -maxdepth
            "find_print0_xargs": 'FREE_DELETED = r"""find -L "/proc/$(cat app.pid)/fd" -type f -links 0 -print0 | xargs -0 -r truncate -s 0"""\n',
            # (R9D) freezes the writer while it empties the files, then wakes it
            "stop_empty_continue": """FREE_DELETED = r\"\"\"
app=$(cat app.pid)
kill -STOP "$app"
for fd in /proc/$app/fd/*; do
  [ -f "$fd" ] && [ "$(stat -L --format=%h "$fd")" = 0 ] && truncate -s 0 "$fd"
done
kill -CONT "$app"
\"\"\"
""",
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
            # (R9D) double quotes before mktemp: the trap's command is "rm -rf " (nothing)
            "trap_expanded_before_mktemp": """TALLY_SCRIPT = r\"\"\"
set -eo pipefail
trap "rm -rf $tmp" EXIT
tmp=$(mktemp -d)
sort "$1" > "$tmp/sorted"
uniq -c "$tmp/sorted" | sort -rn > "$2"
\"\"\"
""",
            # (R9D) single quotes, but $tmp unquoted inside: split at the space in $TMPDIR
            "trap_variable_unquoted": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT", "trap 'rm -rf $tmp' EXIT")),
            # (R9D) a fixed name in /tmp, not in $TMPDIR (and 755)
            "fixed_name_in_slash_tmp": edit(TALLY, ("tmp=$(mktemp -d)", 'tmp=/tmp/tally\nmkdir -p "$tmp"')),
            # (R9D) private but fixed: two runs at once share the folder, the first to end removes it
            "private_fixed_name": edit(TALLY, ("tmp=$(mktemp -d)", 'tmp="$TMPDIR/tally"\nmkdir -p -m 700 "$tmp"')),
            # (R9D) mktemp -p /tmp ignores $TMPDIR
            "mktemp_ignores_tmpdir": edit(TALLY, ("tmp=$(mktemp -d)", "tmp=$(mktemp -d -p /tmp)")),
            # (R9D) exec replaces the shell: its EXIT trap never runs
            "exec_skips_the_trap": """TALLY_SCRIPT = r\"\"\"
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sort "$1" > "$tmp/sorted"
uniq -c "$tmp/sorted" > "$tmp/counted"
exec sort -rn "$tmp/counted" > "$2"
\"\"\"
""",
            # (R9D) set -e without pipefail: a missing INPUT at the head of a pipeline exits 0
            "no_pipefail": """TALLY_SCRIPT = r\"\"\"
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sort "$1" | tee "$tmp/sorted" | uniq -c | sort -rn > "$2"
\"\"\"
""",
            # (R9D) ERR and TERM, not EXIT: success leaves the folder
            "trap_on_err_and_term": edit(TALLY, ("' EXIT", "' ERR TERM")),
            # (R9D) empties the folder, leaves it
            "removes_the_contents_only": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT", "trap 'rm -rf \"$tmp\"/*' EXIT")),
            # (R9D) TERM trapped without exiting, cleanup by hand elsewhere: the trap waits for
            # sort, which waits for its input; the script does not stop
            "term_trap_that_goes_on": """TALLY_SCRIPT = r\"\"\"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' TERM
sort "$1" > "$tmp/sorted" || { rm -rf "$tmp"; exit 1; }
uniq -c "$tmp/sorted" | sort -rn > "$2"
rm -rf "$tmp"
\"\"\"
""",
            # (R9D) the idiom EXIT INT TERM: on SIGTERM bash waits for sort, then goes on
            "trap_exit_int_term": edit(TALLY, ("' EXIT", "' EXIT INT TERM")),
            # (R9D) exit from a TERM trap: still deferred until sort ends, which it never does
            "trap_term_exit": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT\n", "trap 'rm -rf \"$tmp\"' EXIT\ntrap 'exit 143' TERM INT\n")),
            # (R9D) TERM ignored: the script cannot be stopped at all
            "ignores_sigterm": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT\n", "trap 'rm -rf \"$tmp\"' EXIT\ntrap '' TERM\n")),
            # (R9D) most frequent LAST
            "least_frequent_first": edit(TALLY, ("sort -rn", "sort -n")),
            # (R9D) uniq -c alone: counts in the order of the lines
            "counts_not_sorted": edit(TALLY, (' | sort -rn > "$tmp/counts"', ' > "$tmp/counts"')),
            # (R9D) cleans all of $TMPDIR: other programs' files (and other runs' folders) too
            "empties_all_of_tmpdir": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT", "trap 'rm -rf \"${TMPDIR:-/tmp}\"/*' EXIT")),
            # (R9D) removes $TMPDIR itself
            "removes_tmpdir_itself": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT", "trap 'rm -rf \"$(dirname \"$tmp\")\"' EXIT")),
            # (R9D) a local variable: gone when the trap runs after main returns
            "local_variable_in_the_trap": """TALLY_SCRIPT = r\"\"\"
set -euo pipefail
main() {
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  sort "$1" > "$tmp/sorted"
  uniq -c "$tmp/sorted" | sort -rn > "$2"
}
main "$@"
\"\"\"
""",
            # (R9D) private but predictable: the pid is the same in every fresh sandbox, so the
            # second run's folder has the first's name
            "private_pid_name": edit(TALLY, ("tmp=$(mktemp -d)", 'tmp="$TMPDIR/tally.$$"\nmkdir -m 700 "$tmp"')),
            # (R9D) refuses INPUT unless it is a regular file: the check's named pipe is not
            "requires_a_regular_file": edit(TALLY, ("input=$1\n", 'input=$1\n[ -f "$input" ] || { echo "tally.sh: no file $input" >&2; exit 1; }\n')),
            # (R9D) reads INPUT twice (a count first): a pipe gives its lines once
            "reads_the_input_twice": edit(TALLY, ('sort "$input"', 'lines=$(wc -l < "$input")\nsort "$input"')),
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
            # (R9D) pure bash: an associative array; bash itself opens INPUT (and still dies of SIGTERM)
            "pure_bash_array": """TALLY_SCRIPT = r\"\"\"
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A count
while IFS= read -r line; do
  count[$line]=$(( ${count[$line]:-0} + 1 ))
done < "$1"
for line in "${!count[@]}"; do printf '%d %s\\n' "${count[$line]}" "$line"; done > "$tmp/counts"
sort -rn "$tmp/counts" > "$2"
\"\"\"
""",
            # (R9D) no strict mode: explicit exit codes, awk counting, OUTPUT moved into place
            "explicit_exits_awk_mv": """TALLY_SCRIPT = r\"\"\"#!/usr/bin/env bash
cleanup() { rm -rf -- "$workdir"; }
workdir=$(mktemp -d -t tally.XXXXXXXX) || exit 1
trap cleanup EXIT
input=$1 output=$2
awk '{ n[$0]++ } END { for (l in n) print n[l], l }' "$input" > "$workdir/counts" || exit 2
sort -k1,1nr "$workdir/counts" > "$workdir/sorted" || exit 3
mv "$workdir/sorted" "$output"
\"\"\"
""",
            # (R9D) a TERM trap that is not deferred: sort runs in the background and `wait`, which
            # a trapped signal interrupts at once
            "term_trap_with_wait": edit(TALLY, ("trap 'rm -rf \"$tmp\"' EXIT\n", "trap 'rm -rf \"$tmp\"' EXIT\ntrap 'exit 143' TERM\n"),
                                        ('sort "$input" > "$tmp/sorted"\n', 'sort "$input" > "$tmp/sorted" & wait $!\n')),
            # (R9D) its own check for a missing INPUT, with -r (a pipe passes it), before mktemp
            "checks_input_readable": edit(TALLY, ("input=$1\n", 'input=$1\nif [ ! -r "$input" ]; then echo "tally.sh: cannot read $input" >&2; exit 66; fi\n')),
        },
    ),
}
