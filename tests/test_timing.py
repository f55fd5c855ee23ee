"""Timing helpers: what they print (their numbers are never graded)."""

from backendlab import paths, timing
from backendlab.timing import Comparison, measure, readable


def test_readable_units() -> None:
    assert [readable(s) for s in (0.000042, 0.0301, 2.5)] == ["42 µs", "30.1 ms", "2.50 s"]


def test_comparison_prints_both_timings_and_the_ratio() -> None:
    text = str(Comparison("scan", 0.030, "index", 0.0001))
    assert text == "scan: 30.0 ms, index: 100 µs → ×300 (measured just now, on this machine)"


def test_comparison_shows_small_ratios_with_a_decimal() -> None:
    assert Comparison("loop", 0.0025, "join", 0.001).outcome == "×2.5"


def test_comparison_says_plainly_when_the_fast_side_lost() -> None:
    comparison = Comparison("N+1 loop", 0.025, "one JOIN", 0.035)
    text = str(comparison)
    assert comparison.outcome == "one JOIN was SLOWER here: 1.4× slower"
    assert "×0" not in text and "×1" not in text
    assert text.startswith("N+1 loop: 25.0 ms, one JOIN: 35.0 ms → one JOIN was SLOWER here: 1.4× slower")
    assert str(Comparison("scan", 0.001, "index", 0.067)).count("67× slower") == 1
    assert comparison.factor == "1.4× slower"  # for tables (benchmarks)


def test_measure_runs_once_to_warm_up_then_repeats() -> None:
    calls = []
    assert measure(lambda: calls.append(1), repeat=3) >= 0
    assert len(calls) == 4


def test_under_nbgrader_an_action_runs_once_and_nothing_claims_a_measurement(monkeypatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    calls = []
    assert measure(lambda: calls.append(1), repeat=5) >= 0
    assert calls == [1]
    text = str(Comparison("scan", 0.03, "index", 0.0001))
    assert "not a measurement" in text and "×" not in text


def test_in_a_notebook_a_comparison_is_also_drawn_to_scale(monkeypatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    page = Comparison("scan <all>", 0.03, "index", 0.0003)._repr_html_()
    assert "scan &lt;all&gt;" in page and "→ ×100" in page   # the sentence stays, as text
    assert "width:100.00%" in page and "width:1.00%" in page
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert Comparison("scan", 0.03, "index", 0.0003)._repr_html_() is None


def test_one_place_reads_nbgrader_execution(monkeypatch) -> None:
    assert timing.under_nbgrader is paths.under_nbgrader  # notebooks and load.py ask timing
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    monkeypatch.setenv("BACKENDLAB_KERNEL_TAG", "7")
    assert paths.under_nbgrader() and paths.grading_suffix() == "-g7"
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert not paths.under_nbgrader() and paths.grading_suffix() == ""
