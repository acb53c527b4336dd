"""Cell formats as Google stores them: zero colour channels dropped, *Style twins added, and
derived value fields refreshed whenever a value or number format changes."""

from __future__ import annotations

import copy
import math
import struct
from typing import Any

from sheets_sync.emulator.cellvalues import format_number, json_number
from sheets_sync.emulator.numbers import format_text, general_format
from sheets_sync.emulator.state import Cell

_COLOR_KEYS = ("red", "green", "blue", "alpha")


def normalize_color(color: dict[str, Any]) -> dict[str, Any]:
    return {k: json_number(float(v)) for k, v in color.items() if k in _COLOR_KEYS and v}


def quantize_color(color: dict[str, Any]) -> dict[str, Any]:
    """8-bit channels rendered as the shortest float32 text, as Google returns tab colours."""
    out: dict[str, Any] = {}
    for key, value in color.items():
        if key not in _COLOR_KEYS or not value:
            continue
        level = math.floor(float(value) * 255 + 1e-6) / 255
        if level:
            out[key] = json_number(float32_text(level))
    return out


def float32_text(value: float) -> float:
    """The shortest decimal that round-trips through float32 (how protobuf floats print)."""
    f32 = struct.unpack("f", struct.pack("f", value))[0]
    for digits in range(1, 10):
        candidate = float(f"{f32:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == f32:
            return candidate
    return float(f32)


def _twin(fmt: dict[str, Any], key: str, style_key: str) -> None:
    """Google mirrors Color and ColorStyle fields; keep both in sync like it does."""
    if key in fmt:
        fmt[key] = normalize_color(fmt[key])
        fmt[style_key] = {"rgbColor": fmt[key]}
    elif isinstance(fmt.get(style_key), dict) and "rgbColor" in fmt[style_key]:
        fmt[key] = normalize_color(fmt[style_key]["rgbColor"])
        fmt[style_key] = {"rgbColor": fmt[key]}


def normalize_format(fmt: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(fmt)
    _twin(out, "backgroundColor", "backgroundColorStyle")
    text = out.get("textFormat")
    if isinstance(text, dict):
        _twin(text, "foregroundColor", "foregroundColorStyle")
    borders = out.get("borders")
    if isinstance(borders, dict):
        for side in borders.values():
            if isinstance(side, dict) and "color" in side:
                side["color"] = normalize_color(side["color"])
                side.setdefault("colorStyle", {"rgbColor": side["color"]})
    return out


def refresh_cell(cell: Cell) -> None:
    """Recompute effectiveValue/formattedValue from userEnteredValue and the number format."""
    entered = cell.get("userEnteredValue")
    if not entered:
        cell.pop("effectiveValue", None)
        cell.pop("formattedValue", None)
        return
    fmt = cell.get("userEnteredFormat", {}).get("numberFormat")
    if "numberValue" in entered:
        value = float(entered["numberValue"])
        entered["numberValue"] = json_number(value)
        cell["effectiveValue"] = {"numberValue": json_number(value)}
        cell["formattedValue"] = format_number(value, fmt)
    elif "boolValue" in entered:
        cell["effectiveValue"] = {"boolValue": bool(entered["boolValue"])}
        cell["formattedValue"] = general_format(bool(entered["boolValue"]))
    elif "stringValue" in entered:
        cell["effectiveValue"] = {"stringValue": entered["stringValue"]}
        cell["formattedValue"] = format_text(entered["stringValue"], (fmt or {}).get("pattern"))
    elif "formulaValue" in entered:
        pass  # the caller runs formulas.recalc once per request batch
    elif "errorValue" in entered:
        cell["effectiveValue"] = {"errorValue": entered["errorValue"]}
        cell["formattedValue"] = "#ERROR!"


def effective_format(default: dict[str, Any], entered: dict[str, Any] | None) -> dict[str, Any]:
    """Deep merge of the spreadsheet default format with the cell's own format."""
    out = copy.deepcopy(default)

    def merge(dst: dict[str, Any], src: dict[str, Any]) -> None:
        for key, val in src.items():
            if isinstance(val, dict) and isinstance(dst.get(key), dict):
                merge(dst[key], val)
            else:
                dst[key] = copy.deepcopy(val)

    merge(out, entered or {})
    out.setdefault("hyperlinkDisplayType", "PLAIN_TEXT")
    return out
