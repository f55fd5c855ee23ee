"""pyproject.toml (pip) and environment.yml (Binder/conda) must install the same versions."""

import os
import re
import tomllib
from pathlib import Path

import yaml  # PyYAML: jupyter_server (via jupyter-events) always installs it

from backendlab import workfolder

ROOT = Path(__file__).resolve().parent.parent


def pyproject_project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def environment_yml() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def split_dependencies(environment: dict) -> tuple[list[str], list[str]]:
    """(conda packages, pip requirements) of environment.yml."""
    conda = [item for item in environment["dependencies"] if isinstance(item, str)]
    pip = [req for item in environment["dependencies"] if isinstance(item, dict)
           for req in item.get("pip", [])]
    return conda, pip


def environment_pins() -> set[str]:
    """The pip section of environment.yml."""
    return set(split_dependencies(environment_yml())[1])


def test_every_dependency_is_pinned_exactly() -> None:
    project = pyproject_project()
    pins = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    assert all("==" in pin.split("#")[0] for pin in pins)


def test_binder_environment_installs_the_same_versions() -> None:
    """Binder needs what the course runs on: not the developers' test tools, nor the bundled
    redis-server fallback (conda brings a real one)."""
    assert environment_pins() == set(pyproject_project()["dependencies"])


def test_binder_environment_brings_real_servers() -> None:
    conda_packages, _ = split_dependencies(environment_yml())
    assert "redis-server" in conda_packages
    assert "postgresql" in conda_packages


def test_environment_yml_declares_what_binder_needs() -> None:
    environment = environment_yml()
    conda, pip = split_dependencies(environment)
    assert environment["channels"] == ["conda-forge"]
    assert "python=3.12" in conda
    assert {"redis-server", "postgresql", "pip"} <= set(conda)
    assert pip, "environment.yml lists no pip packages"
    assert all("==" in requirement for requirement in pip)
    names = {requirement.split("==")[0].split("[")[0].lower() for requirement in pip}
    assert {"jupyterlab", "nbgrader", "ipykernel", "redis", "psycopg", "psutil"} <= names


def test_readme_badge_launches_the_learners_start_here_notebook_in_jupyterlab() -> None:
    """The learner's copy in work/ (running git's copy would dirty it): Binder's `start`
    prepares the work folder before JupyterLab opens, copying start-here from notebooks/."""
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^/]+/[^/]+/HEAD\?urlpath=lab/tree/([^)]+)\)",
                      (ROOT / "README.md").read_text())
    assert badge, "README needs a Binder launch badge that opens JupyterLab"
    assert badge.group(1) == f"work/{workfolder.START_HERE}"
    assert (ROOT / "notebooks" / workfolder.START_HERE).exists()
    assert "python -m backendlab work prepare" in (ROOT / "start").read_text()


def test_binder_start_script_is_quick_and_hands_over() -> None:
    """repo2docker runs `start` at every launch: it must be executable and end by exec-ing
    the command it was given."""
    start = ROOT / "start"
    assert os.access(start, os.X_OK)
    assert start.read_text().strip().splitlines()[-1] == 'exec "$@"'
