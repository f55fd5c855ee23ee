"""Catalogue of 01-linux/07-scripts.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex11-answer": Exercise(
        hardcoded='''
seen = sum(1 for r in access_log.requests(seed=2026) if r.status == 404)
count_status_script = f"""
if [ $# -ne 2 ]; then echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; fi
echo {seen}
"""
''',
        mistakes={
            # The status matched anywhere in the line: a body size of 404 bytes counts too.
            "grep_status_anywhere": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
[[ $1 =~ ^[0-9]{3}$ ]] || usage
[[ -r "$2" ]] || { echo "count-status.sh: cannot read $2" >&2; exit 1; }
grep -c " $1 " "$2" || true
"""
''',
            # The file name unquoted: a log called "access 2.log" becomes two arguments.
            "unquoted_logfile": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
[[ $1 =~ ^[0-9]{3}$ ]] || usage
if [ ! -r $2 ]; then echo "count-status.sh: cannot read $2" >&2; exit 1; fi
awk -v status=$1 '$9 == status {n++} END {print n + 0}' $2
"""
''',
            # The usage message printed on stdout.
            "usage_on_stdout": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE"; exit 2; }
[[ $# -eq 2 ]] || usage
[[ $1 =~ ^[0-9]{3}$ ]] || usage
[[ -r "$2" ]] || { echo "count-status.sh: cannot read $2" >&2; exit 1; }
awk -v status="$1" '$9 == status {n++} END {print n + 0}' "$2"
"""
''',
            # Wrong usage exits 1 like any other failure (the lesson: 2 means wrong usage).
            "usage_exit_1": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 1; }
[[ $# -eq 2 ]] || usage
[[ $1 =~ ^[0-9]{3}$ ]] || usage
[[ -r "$2" ]] || { echo "count-status.sh: cannot read $2" >&2; exit 1; }
awk -v status="$1" '$9 == status {n++} END {print n + 0}' "$2"
"""
''',
            # STATUS never checked: "abc" or "4040" is counted (0) instead of refused.
            "status_not_validated": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
[[ -r "$2" ]] || { echo "count-status.sh: cannot read $2" >&2; exit 1; }
awk -v status="$1" '$9 == status {n++} END {print n + 0}' "$2"
"""
''',
            # The regular expression not anchored: "4040" or "x404" pass as a status.
            "status_regex_unanchored": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
[[ $1 =~ [0-9]{3} ]] || usage
[[ -r "$2" ]] || { echo "count-status.sh: cannot read $2" >&2; exit 1; }
awk -v status="$1" '$9 == status {n++} END {print n + 0}' "$2"
"""
''',
            # grep -c prints 0 AND exits 1 when nothing matches: the script then "fails".
            "grep_c_exit_1_on_zero": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
[[ $1 =~ ^[0-9]{3}$ ]] || usage
[[ -r "$2" ]] || { echo "count-status.sh: cannot read $2" >&2; exit 1; }
cut -d' ' -f9 "$2" | grep -cx "$1"
"""
''',
            # No file check and no pipefail: a missing log prints 0 with exit code 0.
            "missing_file_hidden_by_pipe": '''
count_status_script = r"""#!/usr/bin/env bash
set -eu
if [[ $# -ne 2 || ! $1 =~ ^[0-9]{3}$ ]]; then echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; fi
awk -v status="$1" '$9 == status' "$2" | wc -l
"""
''',
            # awk's n is empty, not 0, when nothing matched: prints an empty line.
            "empty_instead_of_zero": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
usage() { echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
[[ $1 =~ ^[0-9]{3}$ ]] || usage
[[ -r "$2" ]] || { echo "count-status.sh: cannot read $2" >&2; exit 1; }
awk -v status="$1" '$9 == status {n++} END {print n}' "$2"
"""
''',
        },
        alternatives={
            # cut the field, exact whole-line match, grep's "no match" exit status handled.
            "cut_grep_cx": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
if [ "$#" -ne 2 ]; then
    echo "usage: $(basename "$0") STATUS LOGFILE" >&2
    exit 2
fi
case $1 in
    [0-9][0-9][0-9]) ;;
    *) echo "usage: $(basename "$0") STATUS LOGFILE (STATUS: three digits)" >&2; exit 2 ;;
esac
if [ ! -f "$2" ] || [ ! -r "$2" ]; then
    echo "$(basename "$0"): cannot read '$2'" >&2
    exit 1
fi
count=$(cut -d' ' -f9 -- "$2" | grep -cxF -- "$1" || true)
echo "$count"
"""
''',
            # Pure bash: read the fields, count with arithmetic (no ((n++)) under set -e).
            "while_read_loop": '''
count_status_script = r"""#!/usr/bin/env bash
set -uo pipefail
usage() { printf 'usage: count-status.sh STATUS LOGFILE\\n' >&2; exit 2; }
(( $# == 2 )) || usage
[[ $1 == [0-9][0-9][0-9] ]] || usage
status=$1 log=$2
[[ -e $log ]] || { printf 'count-status.sh: %s: no such file\\n' "$log" >&2; exit 1; }
n=0
while read -r _ _ _ _ _ _ _ _ code _; do
    if [[ $code == "$status" ]]; then n=$((n + 1)); fi
done < "$log"
echo "$n"
"""
''',
            # Python does the counting; bash checks the call.
            "python_counts": '''
count_status_script = r"""#!/usr/bin/env bash
set -euo pipefail
if [[ $# != 2 ]] || ! grep -qxE '[0-9]{3}' <<< "$1"; then
    echo "usage: count-status.sh STATUS LOGFILE" >&2
    exit 2
fi
python3 - "$1" "$2" <<'EOF'
import sys
status, path = sys.argv[1], sys.argv[2]
try:
    with open(path) as log:
        print(sum(1 for line in log if line.split()[8:9] == [status]))
except OSError as error:
    sys.exit(f"count-status.sh: {path}: {error.strerror}")
EOF
"""
''',
        },
    ),
}
