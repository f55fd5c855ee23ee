"""The JupyterLab settings the course ships name real settings of the installed JupyterLab."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


def test_every_override_is_a_known_setting() -> None:
    overrides = json.loads((ROOT / "lab-settings" / "overrides.json").read_text())
    for plugin, settings in overrides.items():
        package, name = plugin.split(":")
        schema = json.loads((SCHEMAS / package / f"{name}.json").read_text())
        unknown = set(settings) - set(schema["properties"])
        assert not unknown, f"{plugin} has no setting {unknown}"


def test_learners_get_no_news_pop_up() -> None:
    overrides = json.loads((ROOT / "lab-settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
