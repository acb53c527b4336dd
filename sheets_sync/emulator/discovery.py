"""Validate JSON responses against the Sheets v4 discovery document shipped with
google-api-python-client: every field must exist in the schema with the right JSON type."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

RESPONSE_SCHEMAS = {
    "spreadsheets.get": "Spreadsheet",
    "spreadsheets.create": "Spreadsheet",
    "spreadsheets.batchUpdate": "BatchUpdateSpreadsheetResponse",
    "values.get": "ValueRange",
    "values.update": "UpdateValuesResponse",
    "values.append": "AppendValuesResponse",
    "values.clear": "ClearValuesResponse",
    "values.batchGet": "BatchGetValuesResponse",
    "values.batchUpdate": "BatchUpdateValuesResponse",
    "values.batchClear": "BatchClearValuesResponse",
}


@cache
def sheets_discovery() -> dict[str, Any]:
    import googleapiclient

    path = (
        Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "sheets.v4.json"
    )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _check_scalar(value: Any, spec: dict[str, Any], path: str) -> list[str]:
    kind = spec.get("type")
    fmt = spec.get("format", "")
    ok = True
    if kind == "string":
        ok = isinstance(value, str)
        if ok and "enum" in spec:
            ok = value in spec["enum"]
        if not ok and fmt in ("int64", "uint64") and isinstance(value, int):
            ok = True
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "any":
        ok = True
    return [] if ok else [f"{path}: {json.dumps(value)[:60]} is not {kind} {fmt}".rstrip()]


def validate(value: Any, spec: dict[str, Any], path: str = "$") -> list[str]:
    """Return a list of problems (empty when the value conforms)."""
    schemas = sheets_discovery()["schemas"]
    if "$ref" in spec:
        spec = schemas[spec["$ref"]]
    kind = spec.get("type")
    if kind == "object" or "properties" in spec:
        if not isinstance(value, dict):
            return [f"{path}: expected object"]
        errors = []
        props = spec.get("properties", {})
        extra = spec.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                errors += validate(item, props[key], f"{path}.{key}")
            elif extra is not None:
                errors += validate(item, extra, f"{path}.{key}")
            else:
                errors.append(f"{path}.{key}: not in schema {spec.get('id', '?')}")
        return errors
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected array"]
        return [
            e for i, item in enumerate(value) for e in validate(item, spec["items"], f"{path}[{i}]")
        ]
    return _check_scalar(value, spec, path)


def validate_response(endpoint: str, body: Any) -> list[str]:
    name = RESPONSE_SCHEMAS[endpoint]
    return validate(body, {"$ref": name}, name)
