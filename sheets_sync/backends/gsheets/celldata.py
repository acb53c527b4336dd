"""What the Google backend sends for one owned cell: its ``CellData`` (value and look)
and the ``updateCells`` request with its field mask. Pure; split from ``backend`` so the
read side and the write side each read in one sitting."""

from __future__ import annotations

from typing import Any

from sheets_sync.grid import CellWrite

VALUE_FIELD = "userEnteredValue"
FORMAT_FIELDS = ",".join(
    f"userEnteredFormat.{f}"
    for f in (
        "backgroundColor",
        "backgroundColorStyle",
        "textFormat.foregroundColor",
        "textFormat.foregroundColorStyle",
        "textFormat.bold",
        "textFormat.italic",
        "numberFormat",
    )
)


def rgb(hex_colour: str) -> dict[str, float]:
    """``C6EFCE`` -> Sheets ``Color`` (0..1 channels)."""
    h = hex_colour.lstrip("#")
    return {
        name: round(int(h[i : i + 2], 16) / 255, 6)
        for name, i in (("red", 0), ("green", 2), ("blue", 4))
    }


def number_format(pattern: str) -> dict[str, str]:
    if "%" in pattern:
        kind = "PERCENT"
    elif any(t in pattern.lower() for t in ("yy", "dd", "mmm")):
        kind = "DATE_TIME" if any(t in pattern.lower() for t in ("h", "ss")) else "DATE"
    else:
        kind = "NUMBER"
    return {"type": kind, "pattern": pattern}


def cell_data(write: CellWrite) -> dict[str, Any]:
    """The ``CellData`` for one owned cell. Text is always ``stringValue``: a note that
    starts with ``=`` stays text and is never evaluated as a formula."""
    data: dict[str, Any] = {}
    if isinstance(write.value, str) and write.value != "":
        data["userEnteredValue"] = {"stringValue": write.value}
    elif isinstance(write.value, int | float) and not isinstance(write.value, bool):
        data["userEnteredValue"] = {"numberValue": write.value}
    style = write.style
    if style is not None:
        fmt: dict[str, Any] = {}
        if style.fill:
            fmt["backgroundColor"] = rgb(style.fill)
            fmt["backgroundColorStyle"] = {"rgbColor": rgb(style.fill)}
        text: dict[str, Any] = {"bold": style.bold, "italic": style.italic}
        if style.font_color:
            text["foregroundColor"] = rgb(style.font_color)
            text["foregroundColorStyle"] = {"rgbColor": rgb(style.font_color)}
        fmt["textFormat"] = text
        if style.number_format:
            fmt["numberFormat"] = number_format(style.number_format)
        data["userEnteredFormat"] = fmt
    return data


def update_cells(sheet_id: int, write: CellWrite) -> dict[str, Any]:
    """One ``updateCells``; with a style the mask names every look field, so a field the
    style leaves unset (no fill) is cleared rather than left from last night's status.
    Colours are sent as both ``Color`` and ``ColorStyle``: Google prefers the style twin,
    so clearing only the plain field would leave a themed fill in place."""
    fields = VALUE_FIELD + ("," + FORMAT_FIELDS if write.style is not None else "")
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": write.row - 1, "columnIndex": write.col - 1},
            "rows": [{"values": [cell_data(write)]}],
            "fields": fields,
        }
    }
