"""OpenAPI descriptions taken from the estimator's own JSON schema, so the API documents the
run object exactly as the estimator reads it (field names, types, ranges, no extra fields)."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import emissions.estimator

ESTIMATOR_SCHEMA = Path(emissions.estimator.__file__).with_name("schema.json")
# JSON Schema 2020-12 keywords OpenAPI 3.0 does not know; the estimator still enforces them.
UNSUPPORTED = ("dependentRequired", "not", "$schema", "$id")


def _openapi(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_openapi(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _openapi(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in UNSUPPORTED:
            continue
        if key == "exclusiveMinimum" and not isinstance(value, bool):
            out["minimum"], out["exclusiveMinimum"] = value, True
        elif key == "exclusiveMaximum" and not isinstance(value, bool):
            out["maximum"], out["exclusiveMaximum"] = value, True
        else:
            out[key] = _openapi(value, defs)
    return out


@lru_cache(maxsize=1)
def run_object_schema() -> dict[str, Any]:
    """The estimator's ``run`` definition as an OpenAPI 3.0 schema object."""
    schema = json.loads(ESTIMATOR_SCHEMA.read_text())
    defs = schema["$defs"]
    return _openapi(copy.deepcopy(defs["run"]), defs)
