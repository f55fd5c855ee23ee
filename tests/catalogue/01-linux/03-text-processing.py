"""Catalogue of 01-linux/03-text-processing.ipynb: see tests/catalogue/__init__.py."""

from tests.catalogue import Exercise

EXERCISES = {
    "ex4-answer": Exercise(
        hardcoded='''
seen = [f"{count} {ip}" for ip, count in Counter(r.ip for r in requests).most_common(5)]
top_talkers = "printf '%s\\n' " + " ".join(f"'{line}'" for line in seen)
''',
        mistakes={},
        alternatives={},
    ),
    "ex5-answer": Exercise(
        hardcoded='''
p95_latency = f"echo {sorted(r.latency for r in requests)[2849]:.3f}"
''',
        mistakes={},
        alternatives={},
    ),
    "ex6-answer": Exercise(
        hardcoded='''
totals = Counter(r.path for r in requests)
errors = Counter(r.path for r in requests if r.status >= 500)
seen = [f"{path} {errors[path]} {totals[path]} {100 * errors[path] / totals[path]:.1f}" for path in sorted(errors)]
error_rates = "printf '%s\\n' " + " ".join(f"'{line}'" for line in seen)
''',
        mistakes={},
        alternatives={},
    ),
}
