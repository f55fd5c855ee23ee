"""Catalogue of 01-linux/01-files-and-paths.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex1-answer": Exercise(
        hardcoded='''
count_logs = "echo 5"
''',
        mistakes={
            # the folder called debug.log is counted too
            "no_type_f": '''
count_logs = r"""find logs -name '*.log' | wc -l"""
''',
            # a glob looks one level deep only
            "glob_one_level": '''
count_logs = r"""ls logs/*.log | wc -l"""
''',
            # .log.gz and folders named *.log match a grep on ls -R
            "grep_on_ls_R": '''
count_logs = r"""ls -R logs | grep -c '\\.log'"""
''',
            # the whole tree, not logs/
            "searches_whole_tree": '''
count_logs = r"""find . -type f -name '*.log' | wc -l"""
''',
            # wc -w splits "app 22.log" into two words
            "counts_words": '''
count_logs = r"""find logs -type f -name '*.log' | wc -w"""
''',
            # the lesson's trap: a loop over a command's output splits "app 22.log" in two
            "loop_over_command_output": '''
count_logs = r"""n=0; for f in $(find logs -type f -name '*.log'); do n=$((n + 1)); done; echo $n"""
''',
            # globstar without dotglob skips .hidden.log; without nullglob counts the pattern
            "globstar_skips_dotfiles": '''
count_logs = r"""shopt -s globstar; n=0; for f in logs/**/*.log; do [ -f "$f" ] && n=$((n+1)); done; echo $n"""
''',
        },
        alternatives={
            "find_printf_wc_c": '''
count_logs = r"""find logs -type f -name '*.log' -printf x | wc -c"""
''',
            "globstar_loop": '''
count_logs = r"""
shopt -s globstar dotglob nullglob
n=0
for f in logs/**/*.log; do
  if [[ -f $f && ! -L $f ]]; then n=$((n + 1)); fi
done
echo "$n"
"""
''',
            "find_grep_c": '''
count_logs = r"""find logs -type f | grep -c '\\.log$'"""
''',
        },
    ),
    "ex2-answer": Exercise(
        hardcoded='''
line_count = r"""wc -l < "sales report.csv" """
''',
        mistakes={
            # "ambiguous redirect" at the space
            "unquoted_variable": '''
line_count = r"""wc -l < $REPORT"""
''',
            # wc prints the name after the count
            "wc_prints_name": '''
line_count = r"""wc -l "$REPORT" """
''',
            # counts non-empty lines only
            "grep_c_dot": '''
line_count = r"""grep -c . "$REPORT" """
''',
            # cat gets "sales" and "report.csv"
            "cat_unquoted": '''
line_count = r"""cat $REPORT | wc -l"""
''',
            # sed prints nothing at all for an empty file
            "sed_last_line_number": '''
line_count = r"""sed -n '$=' "$REPORT" """
''',
            # words, not lines
            "counts_words": '''
line_count = r"""wc -w < "$REPORT" """
''',
        },
        alternatives={
            "awk_nr": '''
line_count = r"""awk 'END { print NR }' "$REPORT" """
''',
            "cat_pipe_wc": '''
line_count = r"""cat -- "$REPORT" | wc -l"""
''',
            "read_loop": '''
line_count = r"""
n=0
while IFS= read -r line; do n=$((n + 1)); done < "$REPORT"
echo "$n"
"""
''',
            "wc_then_cut": '''
line_count = r"""wc -l -- "$REPORT" | cut -d' ' -f1"""
''',
        },
    ),
}
