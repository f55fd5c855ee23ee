"""Catalogue of 01-linux/08-services-and-logs.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise, edit, solution

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

# Exercise 13 is done in JupyterLab's terminal; the answer cell holds the pasted commands, which
# grading replays on fresh rotated logs (the terminal's folder does not exist there).
SOLUTION_13 = solution("01-linux/08-services-and-logs.ipynb", "ex13-answer")
COUNT_AND_ORDER = "sort | uniq -c | sort -k1,1nr -k2,2 | head -n 3 | awk '{print $2}' > top-ips.txt"

EXERCISES["ex13-answer"] = Exercise(
    hardcoded='''
terminal_commands = r"""printf '%s\\n' 203.0.113.41 192.0.2.77 198.51.100.23 > top-ips.txt"""
''',
    mistakes={
        # grep reads gzip's bytes: the .gz files count nothing.
        "grep_not_zgrep": f'''
terminal_commands = r"""grep -hE '" 5[0-9]{{2}} ' app.log* | cut -d' ' -f1 | {COUNT_AND_ORDER}"""
''',
        # zcat without -f refuses the plain files: only the .gz files count.
        "zcat_without_f": edit(SOLUTION_13, ("zcat -f", "zcat")),
        # 4xx answers are the client's fault, not a server error.
        "counts_4xx": edit(SOLUTION_13, ("$9 >= 500", "$9 >= 400")),
        # " 5xx " anywhere on the line: a byte count of 500-599 counts too.
        "byte_count_matches": f'''
terminal_commands = r"""zgrep -hE ' 5[0-9]{{2}} ' app.log* | cut -d' ' -f1 | {COUNT_AND_ORDER}"""
''',
        # 50x anywhere on the line: paths like /api/orders/500 and byte counts count too.
        "digits_anywhere": f'''
terminal_commands = r"""zgrep -h '50[0-9]' app.log* | cut -d' ' -f1 | {COUNT_AND_ORDER}"""
''',
        # * takes the notes file too: its pasted log lines count.
        "star_reads_notes": edit(SOLUTION_13, ("app.log*", "*")),
        # 1.3's histogram idiom: sort -rn puts equal counts in reverse IP order.
        "sort_rn_ties_reversed": edit(SOLUTION_13, ("sort -k1,1nr -k2,2", "sort -rn")),
        # Counts compared as text: "9" sorts above "14".
        "awk_counts_sorted_as_text": '''
terminal_commands = r"""zcat -f app.log* | awk '$9 >= 500 && $9 <= 599 {n[$1]++} END {for (ip in n) print n[ip], ip}' | sort -r | head -n 3 | cut -d' ' -f2 > top-ips.txt"""
''',
        # head before sort: the first three IPs in text order, not the three with the most.
        "head_before_sort": edit(SOLUTION_13, ("sort -k1,1nr -k2,2 | head -n 3", "head -n 3 | sort -k1,1nr -k2,2")),
        # The counts stay in the file.
        "counts_in_file": edit(SOLUTION_13, (" | awk '{print $2}'", "")),
        # Printed, not written: no top-ips.txt.
        "no_file_written": edit(SOLUTION_13, (" > top-ips.txt", "")),
        # The top three of each file, not of all the files together.
        "top_per_file": f'''
terminal_commands = r"""for f in app.log*; do zcat -f "$f" | awk '$9 >= 500 && $9 <= 599 {{print $1}}' | {COUNT_AND_ORDER.removesuffix(" > top-ips.txt")}; done > top-ips.txt"""
''',
        # From here: added by the red-team review (R9A).
        # Equal counts in numeric IP order (sort -V): 198.51.100.5 before 198.51.100.40, not as text.
        "ties_in_numeric_ip_order": edit(SOLUTION_13, ("-k2,2", "-k2,2V")),
        # The global -r (and -n) of "sort -rn -k1,1 -k2,2" apply to the IP key too: ties reversed.
        "global_r_reverses_ip_key": edit(SOLUTION_13, ("sort -k1,1nr -k2,2", "sort -rn -k1,1 -k2,2")),
        # uniq -c counts runs of equal ADJACENT lines: without a sort first, one client has many counts.
        "uniq_without_sort": edit(SOLUTION_13, ("{print $1}' | sort | uniq -c", "{print $1}' | uniq -c")),
        # zgrep on several files prefixes each line with its file name ("app.log.1:198.51.100.23").
        "zgrep_filename_prefix": f'''
terminal_commands = r"""zgrep -E '" 5[0-9]{{2}} ' app.log* | cut -d' ' -f1 | {COUNT_AND_ORDER}"""
''',
        # An IPv4 pattern picks the IP: IPv6 clients (hidden test) vanish.
        "ipv4_only_pattern": f'''
terminal_commands = r"""zcat -f app.log* | grep -E '" 5[0-9]{{2}} ' | grep -oE '^([0-9]{{1,3}}\\.){{3}}[0-9]{{1,3}}' | {COUNT_AND_ORDER}"""
''',
        # ~ is the learner's home, not the task folder: top-ips.txt is not where it was asked.
        "file_in_home_folder": edit(SOLUTION_13, ("> top-ips.txt", "> ~/top-ips.txt")),
        # split()[8] on the blank line of app.log.1: IndexError, no file.
        "python_crashes_on_blank_line": '''
terminal_commands = r"""python3 -c '
import collections, gzip
n = collections.Counter()
for name in ["app.log", "app.log.1", "app.log.2.gz", "app.log.3.gz"]:
    log = gzip.open(name, "rt") if name.endswith(".gz") else open(name)
    for line in log:
        if line.split()[8].startswith("5"):
            n[line.split()[0]] += 1
ranked = sorted(n.items(), key=lambda item: (-item[1], item[0]))[:3]
open("top-ips.txt", "w").write("".join(ip + "\\n" for ip, _ in ranked))
'"""
''',
    },
    alternatives={
        "with_the_cd_line": '''
terminal_commands = r"""
cd '/home/learner/backend-lab/work/01-linux/ex13 rotated logs'
zgrep -h '' app.log* | awk '$9 ~ /^5[0-9][0-9]$/ {print $1}' | sort | uniq -c | sort -k1,1nr -k2,2 | head -n 3 | awk '{print $2}' > top-ips.txt
"""
''',
        "awk_counts_then_sort_keys": '''
terminal_commands = r"""
zcat -f app.log* > all.log
awk '$9 >= 500 && $9 < 600 { n[$1]++ } END { for (ip in n) print n[ip], ip }' all.log | sort -k1,1nr -k2,2 | head -n 3 | cut -d' ' -f2 > top-ips.txt
"""
''',
        "zcat_grep_cut_step_by_step": '''
terminal_commands = r"""
zcat -f app.log app.log.1 app.log.2.gz app.log.3.gz | grep -E '" 5[0-9]{2} ' | cut -d' ' -f1 > errors.txt
sort errors.txt | uniq -c > counts.txt
sort -k2,2 counts.txt | sort -s -k1,1nr | head -n 3 | awk '{print $2}' > top-ips.txt
"""
''',
        "loop_over_files": '''
terminal_commands = r"""
for f in app.log*; do
    case "$f" in
        *.gz) gunzip -c "$f" ;;
        *) cat "$f" ;;
    esac
done | awk '$9 >= 500 && $9 <= 599 {print $1}' | sort | uniq -c | sort -k1,1nr -k2,2 | head -3 | awk '{print $2}' > top-ips.txt
"""
''',
        "python3": '''
terminal_commands = r"""
python3 - <<'PY'
import collections, glob, gzip
count = collections.Counter()
for name in glob.glob("app.log*"):
    with (gzip.open if name.endswith(".gz") else open)(name, "rt") as log:
        for line in log:
            fields = line.split()
            if len(fields) > 8 and fields[8].isdigit() and 500 <= int(fields[8]) <= 599:
                count[fields[0]] += 1
top = sorted(count, key=lambda ip: (-count[ip], ip))[:3]
with open("top-ips.txt", "w") as out:
    out.writelines(ip + "\\n" for ip in top)
PY
"""
''',
        # From here: added by the red-team review (R9A).
        # -r local to the count key: GNU sort's last-resort comparison (the whole line, ascending,
        # since no global -r) orders equal counts by IP, as the padded counts are equal too.
        "count_key_only_last_resort_ties": edit(SOLUTION_13, ("sort -k1,1nr -k2,2", "sort -k1,1nr")),
        # Split on the quotes: the status is the first word after the request; files read by type.
        "quote_split_gunzip": '''
terminal_commands = r"""
cat app.log app.log.1 > all.txt
gunzip -c app.log.2.gz app.log.3.gz >> all.txt
awk -F'"' 'NF > 2 { split($1, head, " "); split($3, tail, " "); if (tail[1] >= 500 && tail[1] < 600) print head[1] }' all.txt | sort | uniq -c | sort -k1,1nr -k2,2 | head -3 | awk '{print $2}' > top-ips.txt
"""
''',
        # As typed while exploring: the cd, looks at the files, a pipeline across lines, a cat.
        "explored_then_multiline_pipeline": '''
terminal_commands = r"""
cd '/home/learner/backend-lab/work/01-linux/ex13 rotated logs'
ls -l
zcat -f app.log.2.gz | head
zgrep -h '" 5[0-9][0-9] ' app.log app.log.1 app.log.2.gz app.log.3.gz \\
    | awk '{print $1}' \\
    | sort | uniq -c \\
    | sort -k1,1nr -k2,2 | head -n 3 \\
    | awk '{print $2}' > top-ips.txt
cat top-ips.txt
"""
''',
    },
)
