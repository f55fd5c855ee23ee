"""Hard-coded answers: what a learner who copies numbers instead of computing them would write.

One module per unit (``u00_orientation.py`` for ``00-orientation``), each with a dict
``ANSWERS = {notebook file name: {answer cell grade id: code}}`` covering every code answer
cell. ``tests/test_pipeline.py`` puts them in place of the solutions and proves that each one
passes the visible tests (so it is a convincing cheat) and fails the hidden tests.

They live here, not in ``source/``, because nbgrader copies everything in ``source/<unit>/``
(cell metadata included) into the student release.
"""

import importlib


def answers_for(unit: str) -> dict[str, dict[str, str]]:
    module = importlib.import_module(f"tests.hardcoded.u{unit.replace('-', '_')}")
    return module.ANSWERS
