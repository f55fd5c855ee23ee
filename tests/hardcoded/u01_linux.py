"""Unit 1: answers that print what the visible test expects, or name its files, instead of
computing from whatever the sandbox holds. Each passes the visible test and fails the hidden
ones, which run on other files, logs, names and settings."""

ANSWERS = {
    "01-files-and-paths.ipynb": {
        "ex1-answer": '''
count_logs = "echo 5"
''',
        "ex2-answer": '''
line_count = r"""wc -l < "sales report.csv" """
''',
    },
    "02-streams.ipynb": {
        "ex3-answer": '''
run_fetch = r"""bash fetch.sh > data.txt 2> errors.txt; echo "fetch ok" """
''',
    },
    "03-text-processing.ipynb": {
        "ex4-answer": '''
seen = [f"{count} {ip}" for ip, count in Counter(r.ip for r in requests).most_common(5)]
top_talkers = "printf '%s\\\\n' " + " ".join(f"'{line}'" for line in seen)
''',
        "ex5-answer": '''
p95_latency = f"echo {sorted(r.latency for r in requests)[2849]:.3f}"
''',
        "ex6-answer": '''
totals = Counter(r.path for r in requests)
errors = Counter(r.path for r in requests if r.status >= 500)
seen = [f"{path} {errors[path]} {totals[path]} {100 * errors[path] / totals[path]:.1f}" for path in sorted(errors)]
error_rates = "printf '%s\\\\n' " + " ".join(f"'{line}'" for line in seen)
''',
    },
    "04-permissions.ipynb": {
        "ex7-answer": '''
fix_modes = "chmod 744 bin/deploy.sh; chmod 740 bin/migrate.sh; chmod 600 secrets/db.env secrets/api.key secrets/.env; chmod 700 secrets"
''',
        "ex8-answer": '''
save_token = r"""(umask 077 && echo tok_live_4f9a1c > token.txt) && touch public.txt"""
''',
    },
    "05-processes-and-signals.ipynb": {
        "ex9-answer": '''
worker_script = r"""
trap 'echo "api: shutting down"; rm -f api.pid; exit 0' TERM
echo $$ > api.pid
echo ready
sleep 30 &
wait $!
"""
''',
    },
    "06-environment.ipynb": {
        "ex10-answer": '''
serve_script = r"""
if [ -z "$DATABASE_URL" ]; then echo "DATABASE_URL missing" >&2; exit 1; fi
echo "listening on port 9000, log level info"
"""
''',
    },
    "07-scripts.ipynb": {
        "ex11-answer": '''
seen = sum(1 for r in access_log.requests(seed=2026) if r.status == 404)
count_status_script = f"""
if [ $# -ne 2 ]; then echo "usage: count-status.sh STATUS LOGFILE" >&2; exit 2; fi
echo {seen}
"""
''',
    },
    "08-services-and-logs.ipynb": {
        "ex12-answer": '''
exec_start = "echo '/srv/shop/.venv/bin/gunicorn --workers=4 --bind=127.0.0.1:8000 shop.wsgi:app'"
''',
    },
}
