"""5.7 The report: describing a change honestly."""

from tests.catalogue import Exercise, edit, solution

NOTEBOOK = "05-capstone/07-the-report.ipynb"
# the mistakes are edits of the solution: they follow it, and fail loudly when what they change is gone
SOLUTION = solution(NOTEBOOK, "ex15-answer")

EXERCISES = {
    "ex15-answer": Exercise(
        hardcoded='''
def describe_change(before, after, higher_is_better):
    return {(11.0, 1545.0): "x140.5 better", (2811.8, 10.3): "x273.0 better",
            (12, 0): "from 12 to 0"}.get((before, after), "unchanged")
''',
        mistakes={
            # the lesson's trap "Direction": one ratio for every metric
            "ignores_direction": edit(
                SOLUTION,
                ("improved = (after > before) == higher_is_better", "improved = after > before")),
            # the lesson's trap "Wrong way": a ratio below 1 still called "better"
            "ratio_below_one_called_better": '''
def describe_change(before, after, higher_is_better):
    if after == before:
        return "unchanged"
    if before == 0 or after == 0:
        return f"from {before:g} to {after:g}"
    ratio = after / before if higher_is_better else before / after
    return f"x{ratio:.1f} better"
''',
            # the lesson's trap "Zero": a ratio with a zero side
            "ratio_with_zero": edit(
                SOLUTION,
                ("    if before == 0 or after == 0:\n        return f\"from {before:g} to {after:g}\"\n", ""),
                ("ratio = max(after, before) / min(after, before)", "ratio = (after / before if before else float('inf')) if higher_is_better else (before / after if after else 0.0)")),
            "zero_only_on_the_after_side": edit(
                SOLUTION,
                ("if before == 0 or after == 0:", "if after == 0:")),
            "zeros_before_equality": '''
def describe_change(before, after, higher_is_better):
    if before == 0 or after == 0:
        return f"from {before:g} to {after:g}"
    if after == before:
        return "unchanged"
    improved = (after > before) == higher_is_better
    ratio = max(after, before) / min(after, before)
    return f"x{ratio:.1f} {'better' if improved else 'worse'}"
''',
            "forgets_unchanged": edit(
                SOLUTION,
                ('    if after == before:\n        return "unchanged"\n', "")),
            "difference_not_ratio": edit(
                SOLUTION,
                ("ratio = max(after, before) / min(after, before)", "ratio = abs(after - before)")),
            "plain_str_for_zero_sides": edit(
                SOLUTION,
                ('f"from {before:g} to {after:g}"', 'f"from {before} to {after}"')),
            "whole_numbers_for_zero_sides": edit(
                SOLUTION,
                ('f"from {before:g} to {after:g}"', 'f"from {int(before)} to {int(after)}"')),
            # found by an independent check: a small change called "unchanged" hides its direction
            "close_enough_is_unchanged": edit(
                SOLUTION,
                ("    if after == before:", "    import math\n    if math.isclose(after, before, rel_tol=0.05):")),
            "unchanged_when_it_rounds_to_one": edit(
                SOLUTION,
                ("    return f\"x{ratio:.1f} {'better' if improved else 'worse'}\"", "    if f\"{ratio:.1f}\" == \"1.0\":\n        return \"unchanged\"\n"
                "    return f\"x{ratio:.1f} {'better' if improved else 'worse'}\"")),
        },
        alternatives={
            "branch_per_case": '''
def describe_change(before, after, higher_is_better):
    if before == after:
        return "unchanged"
    if 0 in (before, after):
        return f"from {before:g} to {after:g}"
    if higher_is_better:
        if after > before:
            return f"x{after / before:.1f} better"
        return f"x{before / after:.1f} worse"
    if after < before:
        return f"x{before / after:.1f} better"
    return f"x{after / before:.1f} worse"
''',
            "gain_then_flip": '''
def describe_change(before, after, higher_is_better):
    if after == before:
        return "unchanged"
    if not (before and after):
        return "from %g to %g" % (before, after)
    gain = after / before if higher_is_better else before / after
    word = "better" if gain > 1 else "worse"
    return "x%.1f %s" % (gain if gain > 1 else 1 / gain, word)
''',
            "match_statement": '''
def describe_change(before, after, higher_is_better):
    match (before, after):
        case (b, a) if a == b:
            return "unchanged"
        case (0, a) | (a, 0) if True:
            return f"from {before:g} to {after:g}"
    bigger, smaller = sorted((before, after), reverse=True)
    went_up = after > before
    verdict = "better" if went_up is higher_is_better else "worse"
    return "x" + format(bigger / smaller, ".1f") + " " + verdict
''',
        },
    ),
}
