"""Charts of live measurements: a picture where a learner would rather look than read.

A lesson measures a sweep (the table grows, the page gets deeper, one more index) and shows it
as one chart. Every chart is drawn from numbers computed in the notebook just now, never from
stored ones, and never graded. Its heading says "(on this machine, just now)" when they were
measured here; ``live=False`` drops that claim for numbers that describe something else (1.3's
seeded access log: its request times are the log's, not this machine's). Each chart also prints its numbers as text (screen readers,
logs, a terminal). Under nbgrader a sweep measures only a few points and nothing is drawn:
nobody looks at the picture then, and a class of 60 would pay every point 60 times.
"""

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from .errors import CourseError
from .paths import under_nbgrader
from .timing import readable

Point = TypeVar("Point")

# Okabe-Ito: told apart with every common colour-vision deficiency; markers and line styles
# tell series apart in greyscale too.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES = ("-", "--", "-.", ":", "-", "--", "-.")
GRADED_NOTE = "one cold run per point while nbgrader graded: not a measurement"


def points_to_measure(points: Sequence[Point], when_graded: int = 2) -> list[Point]:
    """All ``points``; under nbgrader only ``when_graded`` of them, spread evenly, the first and
    the last kept, in their order (a sweep that builds state point by point still ends where
    the full sweep ends)."""
    points = list(points)
    if not points:
        raise CourseError("a sweep was given no points to measure",
                          "pass at least one point, e.g. sweep([1_000, 10_000, 100_000], time_at)")
    if not under_nbgrader() or len(points) <= when_graded:
        return points
    if when_graded <= 1:
        return points[-1:]
    step = (len(points) - 1) / (when_graded - 1)
    return [points[round(number * step)] for number in range(when_graded)]


def sweep(points: Sequence[Point], measure_at: Mapping[str, Callable[[Point], float]],
          when_graded: int = 2) -> dict[str, list[tuple[Point, float]]]:
    """``{label: [(point, measure(point)), …]}``: each series measured at each point, point by
    point in order (so a measurement may build on the state the previous point left) — fewer
    points under nbgrader (see ``points_to_measure``), so the notebook does not decide how cheap
    to be. The result is what ``line_chart`` draws."""
    if not measure_at:
        raise CourseError("a sweep was given nothing to measure",
                          "pass a dict {label: function of the point}, e.g. "
                          "{'full scan': scan_time, 'index search': search_time}")
    series: dict[str, list[tuple[Point, float]]] = {label: [] for label in measure_at}
    for point in points_to_measure(points, when_graded):
        for label, measure in measure_at.items():
            series[label].append((point, measure(point)))
    return series


def pyplot():
    """matplotlib's pyplot, imported only when drawing, on the Agg backend outside a notebook (a
    terminal or a test has no screen to draw on); every figure of the course comes from here."""
    import matplotlib  # noqa: PLC0415 — importing matplotlib costs half a second: only when drawing

    if "MPLBACKEND" not in os.environ and not _in_notebook():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    return plt


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython  # noqa: PLC0415
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _time_scale(largest_seconds: float) -> tuple[float, str]:
    """Seconds -> the unit ``readable`` would pick for the largest value, so axis and text agree."""
    if largest_seconds < 1e-3:
        return 1e6, "µs"
    if largest_seconds < 1:
        return 1e3, "ms"
    return 1.0, "s"


def _value_text(value: float, seconds: bool, unit: str) -> str:
    if seconds:
        return readable(value)
    return f"{value:,.0f}{unit}" if float(value).is_integer() else f"{value:,.3g}{unit}"


def _heading(measured: str, live: bool, separator: str = " ") -> str:
    """A chart's title: what was measured, then "(on this machine, just now)" when ``live``,
    with ``GRADED_NOTE`` under nbgrader (its numbers are then one cold run: not a measurement).
    Not ``live``: the numbers describe no run here, so the title claims nothing about it."""
    if not live:
        return measured
    note = f"; {GRADED_NOTE}" if under_nbgrader() else ""
    return f"{measured}{separator}(on this machine, just now{note})"


def _check_series(series: Mapping[str, Sequence[tuple[float, float]]]) -> None:
    if not series or not any(series.values()):
        raise CourseError("a chart was given no measurements to draw",
                          "pass a dict of series, each a list of (x, value) pairs, e.g. "
                          "{'full scan': sweep(sizes, scan_time)}")


def summary(series: Mapping[str, Sequence[tuple[float, float]]], *, measured: str,
            x_label: str, seconds: bool = True, unit: str = "", live: bool = True) -> str:
    """The chart's numbers as text: the title, then one line per series."""
    _check_series(series)
    lines = [_heading(measured, live)]
    for label, points in series.items():
        values = ", ".join(f"{x:,} → {_value_text(y, seconds, unit)}" for x, y in points)
        lines.append(f"  {label} — {x_label}: {values}")
    return "\n".join(lines)


def line_chart(series: Mapping[str, Sequence[tuple[float, float]]], *, measured: str,
               x_label: str, y_label: str = "time", seconds: bool = True, unit: str = "",
               log_x: bool = False, log_y: bool = False, live: bool = True):
    """One line per series of ``(x, value)`` points; returns the matplotlib Figure.

    ``measured`` says what was timed (the title adds "on this machine, just now", unless
    ``live=False``: numbers not measured here, such as a seeded log's); ``x_label``
    names the x axis with its unit; values are seconds (shown in µs/ms/s) unless
    ``seconds=False``, then ``unit`` names them. Prints the same numbers as text first. Under
    nbgrader prints only the text and returns None. ``log_x``/``log_y``: a logarithmic axis
    (the label says so), for sweeps over sizes a thousandfold apart — a line that grows with
    the size then rises steadily, and a flat one stays flat.
    """
    print(summary(series, measured=measured, x_label=x_label, seconds=seconds, unit=unit,
                  live=live))
    if under_nbgrader():
        return None
    plt = pyplot()
    largest = max((y for points in series.values() for _, y in points), default=0.0)
    scale, scale_unit = _time_scale(largest) if seconds else (1.0, unit.strip())
    figure, axes = plt.subplots(figsize=(7, 3.8))
    for number, (label, points) in enumerate(series.items()):
        xs = [x for x, _ in points]
        ys = [y * scale for _, y in points]
        axes.plot(xs, ys, label=label, color=COLOURS[number % len(COLOURS)],
                  marker=MARKERS[number % len(MARKERS)],
                  linestyle=LINESTYLES[number % len(LINESTYLES)], linewidth=2)
    if log_x:
        axes.set_xscale("log")
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:,.0f}")  # 1,000,000, not 1e6
    if log_y:
        axes.set_yscale("log")
        axes.yaxis.set_major_formatter(lambda value, _: f"{value:,g}")  # 0.01, not 10^-2
    else:
        axes.set_ylim(bottom=0)
    axes.set_xlabel(x_label + (" (log scale)" if log_x else ""))
    y_label = f"{y_label} ({scale_unit})" if scale_unit else y_label
    axes.set_ylabel(y_label + (", log scale" if log_y else ""))
    axes.set_title(_heading(measured, live, "\n"), fontsize="medium")
    axes.grid(True, color="#dddddd", linewidth=0.6)
    axes.legend(frameon=False, fontsize="small")
    figure.tight_layout()
    plt.close(figure)  # shown once, by the cell's value
    return figure


def bar_chart(bars: Mapping[str, float], *, measured: str, y_label: str = "time",
              seconds: bool = True, unit: str = "", live: bool = True):
    """One bar per label, drawn to scale with its value written on it; returns the Figure.
    Same conventions as ``line_chart`` (text first; nothing drawn under nbgrader; ``live``)."""
    if not bars:
        raise CourseError("a bar chart was given no measurements to draw",
                          "pass a dict {label: value}, e.g. {'no index': 0.21, '4 indexes': 0.94}")
    lines = [_heading(measured, live)]
    lines += [f"  {label}: {_value_text(value, seconds, unit)}" for label, value in bars.items()]
    print("\n".join(lines))
    if under_nbgrader():
        return None
    plt = pyplot()
    scale, scale_unit = _time_scale(max(bars.values())) if seconds else (1.0, unit.strip())
    figure, axes = plt.subplots(figsize=(7, 0.45 * len(bars) + 1.4))
    labels = list(bars)
    values = [bars[label] * scale for label in labels]
    colours = [COLOURS[number % len(COLOURS)] for number in range(len(labels))]
    axes.barh(labels, values, color=colours)
    axes.invert_yaxis()
    for row, label in enumerate(labels):
        axes.text(values[row], row, " " + _value_text(bars[label], seconds, unit), va="center",
                  fontsize="small")
    axes.set_xlim(0, max(values) * 1.2 or 1)
    axes.set_xlabel(f"{y_label} ({scale_unit})" if scale_unit else y_label)
    figure.suptitle(_heading(measured, live, "\n"), fontsize="medium")  # over the figure: long labels squeeze the axes
    figure.tight_layout()
    plt.close(figure)
    return figure


def histogram(values: Sequence[float], *, measured: str, x_label: str = "time",
              seconds: bool = True, unit: str = "", marks: Mapping[str, float] | None = None,
              bins: int = 40, log_x: bool = False, log_y: bool = False, live: bool = True):
    """How ``values`` are spread: a histogram, with each of ``marks`` ({label: value}, e.g.
    the mean and the p95) drawn as a labelled vertical line; returns the Figure. Same
    conventions as ``line_chart``: prints the count, range and marks as text first; nothing
    drawn under nbgrader; ``live``. ``log_x`` (bins of equal ratio) spreads values that span several
    orders of magnitude, such as latencies with timeouts; ``log_y`` keeps a long tail's few
    values visible beside the peak."""
    if not values:
        raise CourseError("a histogram was given no values to draw",
                          "pass the measured values, e.g. [r.latency for r in requests]")
    marks = dict(marks or {})
    shown = ", ".join(f"{label} {_value_text(value, seconds, unit)}" for label, value in marks.items())
    print(f"{_heading(measured, live)}: {len(values):,} values from "
          f"{_value_text(min(values), seconds, unit)} to {_value_text(max(values), seconds, unit)}"
          + (f"; {shown}" if shown else ""))
    if under_nbgrader():
        return None
    plt = pyplot()
    scale, scale_unit = _time_scale(max(values)) if seconds else (1.0, unit.strip())
    figure, axes = plt.subplots(figsize=(7, 3.8))
    scaled = [value * scale for value in values]
    edges: int | list[float] = bins
    if log_x:
        low, high = max(min(scaled), 1e-12), max(max(scaled), 1e-12)
        ratio = (high / low) ** (1 / bins) if high > low else 2.0
        edges = [low * ratio ** number for number in range(bins + 1)]
        edges[-1] = max(edges[-1], high)
        axes.set_xscale("log")
    axes.hist(scaled, bins=edges, color=COLOURS[0], alpha=0.85)
    for number, (label, value) in enumerate(marks.items(), start=1):
        axes.axvline(value * scale, color=COLOURS[number % len(COLOURS)],
                     linestyle=LINESTYLES[number % len(LINESTYLES)], linewidth=2,
                     label=f"{label}: {_value_text(value, seconds, unit)}")
    if log_y:
        axes.set_yscale("log")
    x_label = f"{x_label} ({scale_unit})" if scale_unit else x_label
    axes.set_xlabel(x_label + (", log scale" if log_x else ""))  # as line_chart's axes say
    axes.set_ylabel("how many (log scale)" if log_y else "how many")
    axes.set_title(_heading(measured, live, "\n"), fontsize="medium")
    if marks:
        axes.legend(frameon=False, fontsize="small")
    figure.tight_layout()
    plt.close(figure)
    return figure
