"""The learner's way in: `./course lab` serves the course, and the start-here notebook runs."""

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from backendlab.grading.preprocessors import cell_failed, execute
from tests.lab_server import TOKEN, course_lab

ROOT = Path(__file__).resolve().parent.parent


def test_course_lab_serves_the_course_in_self_study_mode(tmp_path: Path) -> None:
    """`./course lab` serves the start-here notebook. Learners work alone, so nbgrader's class
    tools, which would only show errors (no exchange, no gradebook), are off; Validate is on."""
    with course_lab(ROOT, tmp_path) as base:
        url = f"{base}/api/contents/notebooks/00-start-here.ipynb?token={TOKEN}"
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{base}/lab?token={TOKEN}") as page:
            html = page.read().decode()
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(f"{base}/assignments?token={TOKEN}")  # assignment list's API
    config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S).group(1)
    disabled = json.loads(config)["disabledExtensions"]
    for plugin in ("assignment-list", "course-list", "formgrader", "create-assignment", "menu"):
        assert f"@jupyter/nbgrader:{plugin}" in disabled
    assert "@jupyter/nbgrader:validate-assignment" not in disabled


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_ungraded_notebooks_run_without_errors_or_warnings(notebook: Path) -> None:
    executed = execute(notebook)
    broken = [cell.source[:80] for cell in executed.cells if cell.cell_type == "code" and cell_failed(cell)]
    assert broken == []
