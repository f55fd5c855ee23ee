"""Catalogue of 01-linux/02-streams.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex3-answer": Exercise(
        hardcoded='''
run_fetch = r"""bash fetch.sh > data.txt 2> errors.txt; echo "fetch ok" """
''',
        mistakes={
            # a pipeline's exit code is tee's: a failed fetch looks fine (no pipefail)
            "pipeline_hides_failure": '''
run_fetch = r"""
if bash fetch.sh 2> errors.txt | tee data.txt > /dev/null; then
  echo "fetch ok"
else
  echo "fetch failed (exit $?)"
fi
"""
''',
            # $? after `if !` is the negation's 0
            "negated_if_exit_code": '''
run_fetch = r"""
if ! bash fetch.sh > data.txt 2> errors.txt; then
  echo "fetch failed (exit $?)"
else
  echo "fetch ok"
fi
"""
''',
            # $? inside else is the exit code of [ ], not of fetch.sh
            "dollar_q_after_test": '''
run_fetch = r"""
bash fetch.sh > data.txt 2> errors.txt
if [ $? -eq 0 ]; then echo "fetch ok"; else echo "fetch failed (exit $?)"; fi
"""
''',
            # set -e stops the command before it can report the failure
            "set_e_stops_before_report": '''
run_fetch = r"""
set -e
bash fetch.sh > data.txt 2> errors.txt
echo "fetch ok"
"""
''',
            # >> keeps what an earlier run left in the files
            "appends_to_old_files": '''
run_fetch = r"""
if bash fetch.sh >> data.txt 2>> errors.txt; then echo "fetch ok"; else echo "fetch failed (exit $?)"; fi
"""
''',
            # every failure reported as exit 1
            "always_exit_1": '''
run_fetch = r"""bash fetch.sh > data.txt 2> errors.txt && echo "fetch ok" || echo "fetch failed (exit 1)" """
''',
            # 2>&1 before > sends stderr to the terminal, and errors.txt never exists
            "stderr_into_data": '''
run_fetch = r"""bash fetch.sh > data.txt 2>&1 && echo "fetch ok" || echo "fetch failed (exit $?)" """
''',
        },
        alternatives={
            "and_or_chain": '''
run_fetch = r"""bash fetch.sh > data.txt 2> errors.txt && echo "fetch ok" || echo "fetch failed (exit $?)" """
''',
            "saved_code_printf": '''
run_fetch = r"""
bash fetch.sh 1>data.txt 2>errors.txt
code=$?
if [ "$code" -eq 0 ]; then
  printf 'fetch ok\\n'
else
  printf 'fetch failed (exit %d)\\n' "$code"
fi
"""
''',
            "group_and_case": '''
run_fetch = r"""
{ bash fetch.sh; } 2>errors.txt >data.txt; rc=$?
case $rc in
  0) echo "fetch ok" ;;
  *) echo "fetch failed (exit $rc)" ;;
esac
"""
''',
            "strict_mode_with_or": '''
run_fetch = r"""
set -euo pipefail
rc=0
bash fetch.sh > data.txt 2> errors.txt || rc=$?
if (( rc == 0 )); then echo "fetch ok"; else echo "fetch failed (exit $rc)"; fi
"""
''',
        },
    ),
}
