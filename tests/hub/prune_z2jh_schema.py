"""Cut the Zero to JupyterHub chart's values schema down to what our values file uses.

The chart's ``jupyterhub/values.schema.yaml`` (130 kB) is what ``helm install`` validates values
against. tests/test_jupyterhub.py validates ``deploy/zero-to-jupyterhub/values.yaml`` against
the part of it that covers the keys the file sets: every object on the way keeps its
``additionalProperties``, ``patternProperties``, ``required``, ``type``, ``enum`` and ``oneOf``
(so a misspelt or unknown key, a wrong type or a missing field still fails), only the
properties the values file sets are kept, and descriptions go. ``required`` goes from the
objects whose properties are pruned: helm checks it on the chart's defaults merged with ours,
and the defaults set those keys (our file is an override). It stays in what is kept whole,
such as the schema of each ``extraFiles`` entry (``mountPath``, one of ``data``/``stringData``).

Regenerate after changing the values file's keys or the chart version (README beside it)::

    git clone --branch 4.4.0 --depth 1 https://github.com/jupyterhub/zero-to-jupyterhub-k8s
    python tests/hub/prune_z2jh_schema.py zero-to-jupyterhub-k8s/jupyterhub/values.schema.yaml \\
        deploy/zero-to-jupyterhub/values.yaml > tests/hub/z2jh-values-schema-subset.json
"""

import json
import sys
from pathlib import Path

import yaml

KEPT = ("type", "enum", "required", "additionalProperties", "patternProperties", "oneOf",
        "anyOf", "items")


def without_descriptions(node: object) -> object:
    if isinstance(node, dict):
        return {key: without_descriptions(value) for key, value in node.items()
                if key != "description"}
    if isinstance(node, list):
        return [without_descriptions(item) for item in node]
    return node


def prune(schema: dict, values: object) -> dict:
    """The part of ``schema`` that validates ``values``."""
    kept = {key: without_descriptions(schema[key]) for key in KEPT if key in schema}
    properties = schema.get("properties", {})
    if isinstance(values, dict) and properties:
        kept["properties"] = {key: prune(properties[key], value)
                              for key, value in values.items() if key in properties}
        kept.pop("required", None)
    return kept


def main(schema_file: str, values_file: str) -> None:
    schema = yaml.safe_load(Path(schema_file).read_text())
    values = yaml.safe_load(Path(values_file).read_text())
    subset = {"$schema": schema.get("$schema", "http://json-schema.org/draft-07/schema#"),
              **prune(schema, values)}
    print(json.dumps(subset, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:])
