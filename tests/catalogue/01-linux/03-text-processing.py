"""Catalogue of 01-linux/03-text-processing.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex4-answer": Exercise(
        hardcoded='''
seen = [f"{count} {ip}" for ip, count in Counter(r.ip for r in requests).most_common(5)]
top_talkers = "printf '%s\\n' " + " ".join(f"'{line}'" for line in seen)
''',
        mistakes={
            # uniq -c counts adjacent runs only
            "uniq_without_sort": '''
top_talkers = r"""awk '{print $1}' access.log | uniq -c | sort -rn | head -n 5"""
''',
            # unpadded counts sorted as text: 99 comes before 100
            "counts_sorted_as_text": '''
top_talkers = r"""awk '{n[$1]++} END {for (ip in n) print n[ip], ip}' access.log | sort -r | head -n 5"""
''',
            # least of the top five first
            "tail_of_ascending_sort": '''
top_talkers = r"""awk '{print $1}' access.log | sort | uniq -c | sort -n | tail -n 5"""
''',
            # ten lines, not five
            "head_default_ten": '''
top_talkers = r"""awk '{print $1}' access.log | sort | uniq -c | sort -rn | head"""
''',
        },
        alternatives={
            "cut_and_sort_key": '''
top_talkers = r"""cut -d' ' -f1 access.log | sort | uniq -c | sort -k1,1nr | head -n 5"""
''',
            "awk_array": '''
top_talkers = r"""awk '{n[$1]++} END {for (ip in n) print n[ip], ip}' access.log | sort -rn | head -n 5"""
''',
            "sed_range": '''
top_talkers = r"""awk '{print $1}' access.log | sort | uniq -c | sort -nr | sed -n '1,5p'"""
''',
        },
    ),
    "ex5-answer": Exercise(
        hardcoded='''
p95_latency = f"echo {sorted(r.latency for r in requests)[2849]:.3f}"
''',
        mistakes={
            # rounds the rank instead of taking its ceiling
            "rounds_the_rank": '''
p95_latency = r"""awk '{print $NF}' access.log | sort -n | awk '{v[NR] = $1} END {print v[int(NR * 95 / 100 + 0.5)]}'"""
''',
            # int() alone floors the rank
            "floors_the_rank": '''
p95_latency = r"""awk '{print $NF}' access.log | sort -n | awk '{v[NR] = $1} END {print v[int(NR * 95 / 100)]}'"""
''',
            # bash's integer division floors too
            "bash_division_floors": '''
p95_latency = r"""n=$(wc -l < access.log); awk '{print $NF}' access.log | sort -n | sed -n "$(( n * 95 / 100 ))p" """
''',
            # sort without -n: 10.2 sorts before 9.1
            "sort_as_text": '''
p95_latency = r"""awk '{print $NF}' access.log | sort | awk '{v[NR] = $1} END {k = int(NR * 95 / 100); if (k < NR * 95 / 100) k++; print v[k]}'"""
''',
            # the mean is not a percentile
            "mean_instead": '''
p95_latency = r"""awk '{s += $NF} END {print s / NR}' access.log"""
''',
            # rank counted from the slowest end
            "counted_from_the_top": '''
p95_latency = r"""awk '{print $NF}' access.log | sort -rn | awk '{v[NR] = $1} END {k = int(NR * 5 / 100); if (k < NR * 5 / 100) k++; print v[k]}'"""
''',
        },
        alternatives={
            "ceil_in_awk": '''
p95_latency = r"""awk '{print $NF}' access.log | sort -g | awk '{v[NR] = $1} END {k = int(95 * NR / 100); if (k < 95 * NR / 100) k = k + 1; print v[k]}'"""
''',
            "integer_ceiling_in_bash": '''
p95_latency = r"""
n=$(wc -l < access.log)
k=$(( (95 * n + 99) / 100 ))
awk '{print $NF}' access.log | sort -n | sed -n "${k}p"
"""
''',
            "head_tail": '''
p95_latency = r"""k=$(awk 'END {print int((95 * NR + 99) / 100)}' access.log); awk '{print $NF}' access.log | sort -n | head -n "$k" | tail -n 1"""
''',
        },
    ),
    "ex6-answer": Exercise(
        hardcoded='''
totals = Counter(r.path for r in requests)
errors = Counter(r.path for r in requests if r.status >= 500)
seen = [f"{path} {errors[path]} {totals[path]} {100 * errors[path] / totals[path]:.1f}" for path in sorted(errors)]
error_rates = "printf '%s\\n' " + " ".join(f"'{line}'" for line in seen)
''',
        mistakes={
            # a 5xx anywhere in the line: body sizes and paths like 503 count too
            "status_anywhere_in_line": '''
error_rates = r"""awk '{total[$7]++} / 5[0-9][0-9] / {bad[$7]++} END {for (p in bad) printf "%s %d %d %.1f\\n", p, bad[p], total[p], 100 * bad[p] / total[p]}' access.log | sort"""
''',
            # grep for 5xx in the line, then count per path
            "grep_5xx_anywhere": '''
error_rates = r"""
grep -E '5[0-9]{2}' access.log | awk '{print $7}' | sort | uniq -c > bad.txt
awk '{print $7}' access.log | sort | uniq -c > all.txt
awk 'NR == FNR {total[$2] = $1; next} {printf "%s %d %d %.1f\\n", $2, $1, total[$2], 100 * $1 / total[$2]}' all.txt bad.txt | sort
"""
''',
            # > 500 leaves out status 500 itself
            "greater_than_500": '''
error_rates = r"""awk '{total[$7]++} $9 > 500 {bad[$7]++} END {for (p in bad) printf "%s %d %d %.1f\\n", p, bad[p], total[p], 100 * bad[p] / total[p]}' access.log | sort"""
''',
            # awk's for-in order is not sorted
            "for_in_unsorted": '''
error_rates = r"""awk '{total[$7]++} $9 >= 500 {bad[$7]++} END {for (p in bad) printf "%s %d %d %.1f\\n", p, bad[p], total[p], 100 * bad[p] / total[p]}' access.log"""
''',
            # the share of all errors, not of the path's requests
            "percent_of_all_errors": '''
error_rates = r"""awk '{total[$7]++} $9 >= 500 {bad[$7]++; all++} END {for (p in bad) printf "%s %d %d %.1f\\n", p, bad[p], total[p], 100 * bad[p] / all}' access.log | sort"""
''',
        },
        alternatives={
            "regex_on_status_field": '''
error_rates = r"""
awk '{ total[$7]++ }
     $9 ~ /^5[0-9][0-9]$/ { failed[$7]++ }
     END { for (path in failed) printf "%s %d %d %.1f\\n", path, failed[path], total[path], failed[path] * 100 / total[path] }' access.log |
  sort
"""
''',
            "sorted_stream_group_by": '''
error_rates = r"""
awk '{print $7, ($9 >= 500 && $9 <= 599) ? 1 : 0}' access.log | sort -k1,1 |
  awk '$1 != path { if (path != "" && bad > 0) printf "%s %d %d %.1f\\n", path, bad, n, 100 * bad / n; path = $1; n = 0; bad = 0 }
       { n++; bad += $2 }
       END { if (bad > 0) printf "%s %d %d %.1f\\n", path, bad, n, 100 * bad / n }'
"""
''',
            "cut_fields_first": '''
error_rates = r"""cut -d' ' -f7,9 access.log | awk '{t[$1]++; if (int($2 / 100) == 5) e[$1]++} END {for (p in e) printf("%s %s %s %.1f\\n", p, e[p], t[p], 100 * e[p] / t[p])}' | LC_ALL=C sort"""
''',
        },
    ),
}
