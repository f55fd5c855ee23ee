"""Timing helpers: what they print (their numbers are never graded)."""

from backendlab.timing import Comparison, measure, readable


def test_readable_units() -> None:
    assert [readable(s) for s in (0.000042, 0.0301, 2.5)] == ["42 µs", "30.1 ms", "2.50 s"]


def test_comparison_prints_both_timings_and_the_ratio() -> None:
    text = str(Comparison("scan", 0.030, "index", 0.0001))
    assert text == "scan: 30.0 ms, index: 100 µs → ×300 (measured just now, on this machine)"


def test_measure_runs_once_to_warm_up_then_repeats() -> None:
    calls = []
    assert measure(lambda: calls.append(1), repeat=3) >= 0
    assert len(calls) == 4
