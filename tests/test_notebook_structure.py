"""Every notebook a learner opens says where it leads and where to go next."""

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "source").glob("*/*.ipynb")) + sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_opens_with_goals_and_ends_with_next(path: Path) -> None:
    cells = nbformat.read(path, 4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert "**You will be able to**" in cells[0].source, "the first cell should list what the learner will be able to do"
    assert "Next" in cells[-1].source, "the last cell should say what comes next"
