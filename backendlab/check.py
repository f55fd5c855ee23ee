"""Checks for exercise test cells, with messages written for the learner.

A failed check raises ``AssertionError`` whose message says what was expected, what came out
and, where the instructor gave one, a hint. Nothing here prints to stderr: nbgrader scores a
test cell 0 when it writes there, even when it passes.
"""

from collections.abc import Iterable
from typing import Any, NoReturn


def fail(message: str, hint: str = "") -> NoReturn:
    """Fail a check: the message says what was expected and what came out, then the hint."""
    raise AssertionError(message + (f"\nHint: {hint}" if hint else ""))


def answered(value: Any, name: str, hint: str = "") -> None:
    """Fail kindly while an answer is still the stub's placeholder (None or ``...``)."""
    if value is None or value is Ellipsis:
        fail(f"`{name}` has no answer yet: write it in the exercise cell above, run that "
              "cell, then run this one.", hint)


def equal(actual: Any, expected: Any, what: str, hint: str = "") -> None:
    """``actual == expected``, or a message naming ``what`` was compared."""
    if actual != expected:
        fail(f"{what}: expected {expected!r}, but got {actual!r}.", hint)


def that(condition: bool, what: str, hint: str = "") -> None:
    """Fail with ``what`` (a sentence saying what should hold) unless ``condition`` holds."""
    if not condition:
        fail(f"Not yet: {what}.", hint)


def same_rows(actual: Iterable[Iterable[Any]], expected: Iterable[Iterable[Any]], what: str,
              hint: str = "", ordered: bool = True) -> None:
    """Compare query results row by row (as tuples), showing the first difference."""
    got = [tuple(row) for row in actual]
    want = [tuple(row) for row in expected]
    if not ordered:
        got, want = sorted(got, key=repr), sorted(want, key=repr)
    if len(got) != len(want):
        fail(f"{what}: expected {len(want)} rows, but got {len(got)}.", hint)
    for number, (row, wanted) in enumerate(zip(got, want), start=1):
        if row != wanted:
            fail(f"{what}: row {number} should be {wanted!r}, but it is {row!r}.", hint)


def passed(exercise: str) -> None:
    """The last line of a visible test cell: tell the learner it went well."""
    print(f"✔ {exercise}: the visible tests pass. Hidden tests will check more when graded.")
