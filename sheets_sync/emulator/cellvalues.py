"""Cell value semantics: how RAW and USER_ENTERED input becomes CellData, and how a cell renders
under each valueRenderOption / dateTimeRenderOption."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sheets_sync.emulator.state import Cell

EPOCH = dt.datetime(1899, 12, 30)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_CURRENCY = re.compile(r"^([+-]?)\$(\d{1,3}(?:,\d{3})*|\d+)(\.\d+)?$")
_PERCENT = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))%$")
_DATE_FORMS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "%Y-%m-%d", "yyyy-mm-dd"),
    (
        re.compile(r"^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}$"),
        "%Y-%m-%d %H:%M:%S",
        "yyyy-mm-dd H:mm:ss",
    ),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%m/%d/%Y", "M/d/yyyy"),
    (re.compile(r"^\d{4}/\d{1,2}/\d{1,2}$"), "%Y/%m/%d", "yyyy/M/d"),
]
DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}


def to_serial(moment: dt.datetime) -> float:
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> dt.datetime:
    return EPOCH + dt.timedelta(days=serial)


def json_number(value: float) -> int | float:
    """Google writes integral doubles without a fraction (2, not 2.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def general_format(value: float) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _grouped(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def format_number(value: float, number_format: dict[str, Any] | None) -> str:
    """Render a number under the few patterns the emulator itself produces or tests set."""
    if not number_format:
        return general_format(value)
    kind = number_format.get("type", "NUMBER")
    pattern = str(number_format.get("pattern", ""))
    if kind in DATE_TYPES:
        moment = from_serial(value)
        py = (
            pattern.replace("yyyy", "%Y")
            .replace("mm", "%m")
            .replace("dd", "%d")
            .replace("H", "%H")
            .replace("%H:%m", "%H:%M")
            .replace("ss", "%S")
        )
        py = py.replace("M/d/", f"{moment.month}/{moment.day}/").replace(
            "/M/d", f"/{moment.month}/{moment.day}"
        )
        return moment.strftime(py) if py else moment.strftime("%Y-%m-%d")
    decimals = len(pattern.split(".")[1].rstrip('%"')) if "." in pattern else 0
    if kind == "PERCENT" or pattern.endswith("%"):
        return f"{value * 100:.{decimals}f}%"
    if kind == "CURRENCY" or pattern.startswith('"$"'):
        sign = "-" if value < 0 else ""
        return f"{sign}${_grouped(abs(value), decimals)}"
    if "," in pattern:
        return _grouped(value, decimals)
    if pattern:
        return f"{value:.{decimals}f}"
    return general_format(value)


def _number_cell(value: float, number_format: dict[str, Any] | None = None) -> Cell:
    cell: Cell = {
        "userEnteredValue": {"numberValue": json_number(value)},
        "effectiveValue": {"numberValue": json_number(value)},
        "formattedValue": format_number(value, number_format),
    }
    if number_format:
        cell["userEnteredFormat"] = {"numberFormat": number_format}
    return cell


def _string_cell(text: str) -> Cell:
    return {
        "userEnteredValue": {"stringValue": text},
        "effectiveValue": {"stringValue": text},
        "formattedValue": text,
    }


def _bool_cell(flag: bool) -> Cell:
    return {
        "userEnteredValue": {"boolValue": flag},
        "effectiveValue": {"boolValue": flag},
        "formattedValue": "TRUE" if flag else "FALSE",
    }


def raw_cell(value: Any) -> Cell | None:
    """RAW input: stored as-is; strings stay strings even when they look like formulas."""
    if isinstance(value, bool):
        return _bool_cell(value)
    if isinstance(value, int | float):
        return _number_cell(float(value))
    text = str(value)
    return None if text == "" else _string_cell(text)


def parse_user_text(text: str) -> Cell | None:
    """USER_ENTERED input, parsed roughly as the Sheets UI does in the en_US locale."""
    if text == "":
        return None
    if text.startswith("'"):
        return _string_cell(text[1:])
    if text.startswith("=") and len(text) > 1:
        return {"userEnteredValue": {"formulaValue": text}}
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return _bool_cell(stripped.upper() == "TRUE")
    if _NUMBER.match(stripped):
        return _number_cell(float(stripped))
    if _GROUPED.match(stripped):
        decimals = len(stripped.split(".")[1]) if "." in stripped else 0
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return _number_cell(
            float(stripped.replace(",", "")), {"type": "NUMBER", "pattern": pattern}
        )
    if m := _CURRENCY.match(stripped):
        amount = float(m.group(1) + m.group(2).replace(",", "") + (m.group(3) or ""))
        pattern = '"$"#,##0.00' if m.group(3) else '"$"#,##0'
        return _number_cell(amount, {"type": "CURRENCY", "pattern": pattern})
    if m := _PERCENT.match(stripped):
        number = float(m.group(1))
        pattern = "0%" if number.is_integer() else "0.00%"
        return _number_cell(number / 100, {"type": "PERCENT", "pattern": pattern})
    for regex, py_format, pattern in _DATE_FORMS:
        if regex.match(stripped):
            try:
                moment = dt.datetime.strptime(stripped, py_format)
            except ValueError:
                break
            kind = "DATE_TIME" if " " in stripped else "DATE"
            return _number_cell(to_serial(moment), {"type": kind, "pattern": pattern})
    return _string_cell(text)


def user_entered_cell(value: Any) -> Cell | None:
    if isinstance(value, bool | int | float):
        return raw_cell(value)
    return parse_user_text(str(value))


def is_empty(cell: Cell | None) -> bool:
    return not cell or "userEnteredValue" not in cell


def render(cell: Cell | None, value_option: str, date_option: str) -> Any:
    """One cell as values.get returns it; '' for empty cells."""
    if is_empty(cell):
        return ""
    assert cell is not None
    if value_option == "FORMULA" and "formulaValue" in cell["userEnteredValue"]:
        return cell["userEnteredValue"]["formulaValue"]
    if value_option == "FORMATTED_VALUE":
        return cell.get("formattedValue", "")
    effective = cell.get("effectiveValue", {})
    if "numberValue" in effective:
        fmt = cell.get("userEnteredFormat", {}).get("numberFormat", {})
        if date_option == "FORMATTED_STRING" and fmt.get("type") in DATE_TYPES:
            return cell.get("formattedValue", "")
        return json_number(effective["numberValue"])
    if "boolValue" in effective:
        return effective["boolValue"]
    if "errorValue" in effective:
        return cell.get("formattedValue", "#ERROR!")
    return effective.get("stringValue", "")
