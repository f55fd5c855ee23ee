"""Chart plumbing: what sweeps measure and what charts print (their numbers are never graded)."""

import pytest

from backendlab import access_log, charts
from backendlab.errors import CourseError

REQUESTS = access_log.requests(seed=2026)  # 1.3's seeded log: a histogram's typical input


def test_a_sweep_measures_every_point_in_order() -> None:
    order = []
    result = charts.sweep([1, 10, 100], {"a": lambda n: order.append(("a", n)) or n / 1000,
                                         "b": lambda n: order.append(("b", n)) or n / 100})
    assert result == {"a": [(1, 0.001), (10, 0.01), (100, 0.1)], "b": [(1, 0.01), (10, 0.1), (100, 1.0)]}
    assert order == [("a", 1), ("b", 1), ("a", 10), ("b", 10), ("a", 100), ("b", 100)]  # point by point


def test_under_nbgrader_a_sweep_measures_fewer_points_first_and_last_kept(monkeypatch) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    measured = []
    result = charts.sweep(range(9), {"a": lambda n: measured.append(n) or 0.0})
    assert measured == [0, 8] and [point for point, _ in result["a"]] == [0, 8]
    assert charts.points_to_measure(range(9), when_graded=3) == [0, 4, 8]
    assert charts.points_to_measure(range(9), when_graded=1) == [8]
    assert charts.points_to_measure([5, 6], when_graded=3) == [5, 6]


def test_a_sweep_without_points_says_how_to_fix_it() -> None:
    with pytest.raises(CourseError, match="How to fix it"):
        charts.sweep([], {"a": lambda n: 0.0})
    with pytest.raises(CourseError, match="How to fix it"):
        charts.sweep([1], {})


def test_a_line_chart_prints_its_numbers_and_returns_a_labelled_figure(capsys) -> None:
    series = {"OFFSET": [(0, 0.0001), (500_000, 0.25)], "keyset": [(0, 0.0001), (500_000, 0.00012)]}
    figure = charts.line_chart(series, measured="time to fetch one page of 20 orders",
                               x_label="rows skipped before the page")
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == "time to fetch one page of 20 orders (on this machine, just now)"
    assert "OFFSET — rows skipped before the page: 0 → 100 µs, 500,000 → 250.0 ms" in printed
    axes = figure.axes[0]
    assert axes.get_xlabel() == "rows skipped before the page"
    assert axes.get_ylabel() == "time (ms)"  # the unit the largest value is read in
    assert "on this machine, just now" in axes.get_title()
    assert [line.get_label() for line in axes.get_lines()] == ["OFFSET", "keyset"]
    assert list(axes.get_lines()[0].get_ydata()) == pytest.approx([0.1, 250.0])
    assert len({line.get_color() for line in axes.get_lines()}) == 2


def test_counts_are_charted_with_their_unit(capsys) -> None:
    figure = charts.line_chart({"N+1": [(10, 11), (100, 101)]}, measured="statements sent",
                               x_label="customers on the page", y_label="statements",
                               seconds=False)
    assert "10 → 11, 100 → 101" in capsys.readouterr().out
    assert figure.axes[0].get_ylabel() == "statements"


def test_log_axes_say_so() -> None:
    figure = charts.line_chart({"scan": [(1_000, 0.0001), (1_000_000, 0.1)]}, measured="m",
                               x_label="rows", log_x=True, log_y=True)
    axes = figure.axes[0]
    assert (axes.get_xscale(), axes.get_yscale()) == ("log", "log")
    assert axes.get_xlabel() == "rows (log scale)" and axes.get_ylabel() == "time (ms), log scale"


def test_a_bar_chart_draws_one_bar_per_label(capsys) -> None:
    figure = charts.bar_chart({"no index": 0.2, "4 indexes": 0.9}, measured="inserting 20,000 orders")
    assert "  4 indexes: 900.0 ms" in capsys.readouterr().out
    assert len(figure.axes[0].patches) == 2


def test_under_nbgrader_charts_print_text_only_and_say_it_is_not_a_measurement(monkeypatch, capsys) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert charts.line_chart({"a": [(1, 0.1)]}, measured="m", x_label="x") is None
    assert charts.bar_chart({"a": 0.1}, measured="m") is None
    assert capsys.readouterr().out.count(charts.GRADED_NOTE) == 2


def test_numbers_not_measured_here_claim_nothing_about_this_machine(monkeypatch, capsys) -> None:
    """1.3 charts a seeded access log: its times are the log's, not this machine's."""
    figure = charts.bar_chart({"a": 0.1}, measured="p95 per endpoint", live=False)
    assert capsys.readouterr().out.splitlines()[0] == "p95 per endpoint"
    assert figure.get_suptitle() == "p95 per endpoint"
    figure = charts.line_chart({"a": [(1, 0.1)]}, measured="5xx per minute", x_label="x", live=False)
    assert capsys.readouterr().out.splitlines()[0] == "5xx per minute"
    assert figure.axes[0].get_title() == "5xx per minute"
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # nor a note about a cold run
    charts.histogram([0.1, 0.2], measured="request times", live=False)
    charts.bar_chart({"a": 0.1}, measured="p95 per endpoint", live=False)
    assert charts.GRADED_NOTE not in capsys.readouterr().out


def test_a_chart_without_measurements_says_how_to_fix_it() -> None:
    with pytest.raises(CourseError, match="How to fix it"):
        charts.line_chart({}, measured="m", x_label="x")
    with pytest.raises(CourseError, match="How to fix it"):
        charts.bar_chart({}, measured="m")


def test_a_histogram_prints_its_range_and_marks_and_draws_them(capsys) -> None:
    times = [r.latency for r in REQUESTS]
    figure = charts.histogram(times, measured="request times", log_x=True,
                              marks=access_log.latency_marks(REQUESTS), live=False)
    printed = capsys.readouterr().out
    assert printed.startswith("request times: 3,000 values from 1.0 ms")  # the log's, not ours
    assert "median 24.0 ms" in printed and "p95" in printed
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_xlabel() == "time (s), log scale"
    assert [text.get_text().split(":")[0] for text in axes.get_legend().get_texts()] == ["median", "mean", "p95"]


def test_under_nbgrader_a_histogram_is_text_only(monkeypatch, capsys) -> None:
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert charts.histogram([0.1, 0.2], measured="x") is None
    assert f"x (on this machine, just now; {charts.GRADED_NOTE}): 2 values" in capsys.readouterr().out


def test_a_histogram_of_nothing_says_how_to_fix_it() -> None:
    with pytest.raises(CourseError, match="How to fix it"):
        charts.histogram([], measured="x")
