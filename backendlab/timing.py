"""Measure, don't claim: timings that lessons show and print as ratios.

Lessons never state "this is 200× faster"; they measure both sides now, on the learner's
machine, and print what they measured. Timings are for learners to see: tests never grade
them (a shared 2-core machine makes any threshold flaky).
"""

import html
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from .paths import under_nbgrader  # also timing.under_nbgrader(): notebooks and load.py ask it


def measure(action: Callable[[], object], repeat: int = 5, budget_seconds: float = 5.0) -> float:
    """Median wall-clock seconds of ``action()`` over up to ``repeat`` runs.

    A first, untimed run warms caches (page cache, connection, query plan) so the median
    describes steady state. Stops early once ``budget_seconds`` are spent, so a slow side
    of a comparison cannot stall a notebook. Under nbgrader: one run, timed as it comes,
    instead of the warm-up and up to ``repeat`` more, so an action that leaves state behind
    (a row inserted, a counter, a key) leaves less of it while graded. Time only actions whose
    repetitions leave no state a test reads.
    """
    if under_nbgrader():
        before = time.perf_counter()
        action()
        return time.perf_counter() - before
    action()
    timings: list[float] = []
    started = time.perf_counter()
    for _ in range(repeat):
        before = time.perf_counter()
        action()
        timings.append(time.perf_counter() - before)
        if time.perf_counter() - started > budget_seconds:
            break
    return statistics.median(timings)


def readable(seconds: float) -> str:
    """0.000042 -> '42 µs', 0.0301 -> '30.1 ms', 2.5 -> '2.50 s'."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


@dataclass(frozen=True)
class Comparison:
    """Two measured timings and their ratio; prints as one sentence."""

    slow_label: str
    slow_seconds: float
    fast_label: str
    fast_seconds: float

    @property
    def ratio(self) -> float:
        return self.slow_seconds / max(self.fast_seconds, 1e-9)

    @property
    def factor(self) -> str:
        """'×300' (or '×2.5') when the fast side won, '1.4× slower' when it lost — never '×0'."""
        if self.ratio >= 1:
            return f"×{self.ratio:,.0f}" if self.ratio >= 10 else f"×{self.ratio:.1f}"
        slower = 1 / max(self.ratio, 1e-9)
        return (f"{slower:,.0f}" if slower >= 10 else f"{slower:.1f}") + "× slower"

    @property
    def outcome(self) -> str:
        """The factor, naming the fast side plainly when it lost."""
        return self.factor if self.ratio >= 1 else f"{self.fast_label} was SLOWER here: {self.factor}"

    def __str__(self) -> str:
        timings = (f"{self.slow_label}: {readable(self.slow_seconds)}, {self.fast_label}: "
                   f"{readable(self.fast_seconds)}")
        if under_nbgrader():
            return f"{timings} (one cold run each while nbgrader graded: not a measurement)"
        if self.ratio >= 1:
            return f"{timings} → {self.outcome} (measured just now, on this machine)"
        return (f"{timings} → {self.outcome} — measured just now, on this machine; not what the "
                "lesson expects: run it again, and if it still loses, look at the plan and the "
                "statistics (a fresh database may have none yet)")

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the sentence, not the fields
        printer.text(str(self))

    def _repr_html_(self) -> str | None:
        """In a notebook: the sentence, then two bars drawn to scale (a ×300 is a sliver)."""
        if under_nbgrader():
            return None  # feedback stays text
        longest = max(self.slow_seconds, self.fast_seconds, 1e-9)
        bars = []
        for label, seconds, colour in ((self.slow_label, self.slow_seconds, "#E69F00"),
                                       (self.fast_label, self.fast_seconds, "#0072B2")):
            width = 100 * seconds / longest
            bars.append(
                f'<div style="display:flex;align-items:center;gap:0.5em;margin:2px 0">'
                f'<span style="width:16em;text-align:right">{html.escape(label)}</span>'
                f'<span style="flex:1"><span style="display:inline-block;height:1em;'
                f'min-width:2px;width:{width:.2f}%;background:{colour}"></span></span>'
                f'<span style="width:6em">{readable(seconds)}</span></div>')
        return f"<p>{html.escape(str(self))}</p><div style=\"max-width:48em\">{''.join(bars)}</div>"


def compare(slow_label: str, slow: Callable[[], object], fast_label: str, fast: Callable[[], object],
            repeat: int = 5) -> Comparison:
    """Measure two ways of doing the same thing side by side."""
    return Comparison(slow_label, measure(slow, repeat), fast_label, measure(fast, repeat))
