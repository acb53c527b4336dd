"""The enum fields of batchUpdate requests, checked before any request runs, as Google
parses a whole body before it applies a request: a wrong value is its JSON parse's 400,
``Invalid value at 'requests[1].merge_cells.merge_type'
(type.googleapis.com/google.apps.sheets.v4.MergeType), "MERGE_X"``, even when an
earlier request of the batch would have been refused (until a review on 2026-12-08 the
requests ran first: ``[deleteSheet 999, copyPaste PASTE_X]`` named the sheet, a wrong
mergeType said ``unknown mergeType`` and a wrong dimension ``Invalid dimension: ROWZ``,
with no request index)."""

from __future__ import annotations

from typing import Any

from sheets_sync.emulator.errors import invalid_field

_PROTO = "type.googleapis.com/google.apps.sheets.v4."
_DIMENSION = ("Dimension", ("DIMENSION_UNSPECIFIED", "ROWS", "COLUMNS"))
_PASTE = (
    "PasteType",
    (
        "PASTE_NORMAL",
        "PASTE_VALUES",
        "PASTE_FORMAT",
        "PASTE_NO_BORDERS",
        "PASTE_FORMULA",
        "PASTE_DATA_VALIDATION",
        "PASTE_CONDITIONAL_FORMATTING",
    ),
)

#: each request kind's enum fields, by their path in the request (camelCase, as sent)
#: and the enum's name and values, as the API reference lists them
ENUM_FIELDS: dict[str, tuple[tuple[str, tuple[str, tuple[str, ...]]], ...]] = {
    "mergeCells": (("mergeType", ("MergeType", ("MERGE_ALL", "MERGE_COLUMNS", "MERGE_ROWS"))),),
    "copyPaste": (("pasteType", _PASTE),),
    "cutPaste": (("pasteType", _PASTE),),
    "insertDimension": (("range.dimension", _DIMENSION),),
    "deleteDimension": (("range.dimension", _DIMENSION),),
    "moveDimension": (("source.dimension", _DIMENSION),),
    "appendDimension": (("dimension", _DIMENSION),),
    "updateDimensionProperties": (("range.dimension", _DIMENSION),),
    "autoResizeDimensions": (("dimensions.dimension", _DIMENSION),),
    "addDimensionGroup": (("range.dimension", _DIMENSION),),
    "deleteDimensionGroup": (("range.dimension", _DIMENSION),),
}


def _snake(path: str) -> str:
    """A field path as Google's messages spell it: ``range.sheetId`` -> ``range.sheet_id``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in path)


def check_enums(requests: list[Any]) -> None:
    """Refuse the first request (by index) whose enum field holds no value of its enum;
    a number is an enum's index to Google's parse, left to the request's handler."""
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            continue  # batch_update says what is wrong with it, in its turn
        kind, payload = next(iter(request.items()))
        for path, (enum, values) in ENUM_FIELDS.get(kind, ()):
            value: Any = payload
            for key in path.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            if value is None or (isinstance(value, int) and not isinstance(value, bool)):
                continue
            if value not in values:
                field = f"requests[{i}].{_snake(kind)}.{_snake(path)}"
                raise invalid_field(field, value, _PROTO + enum)
