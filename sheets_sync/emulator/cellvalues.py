"""Cell value semantics: how RAW and USER_ENTERED input becomes CellData, and how a cell renders
under each valueRenderOption / dateTimeRenderOption."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sheets_sync.emulator.numbers import (
    format_pattern,
    general_format,
    grouped,
    percent,
    section_tokens,
)
from sheets_sync.emulator.state import Cell

#: Google's day 0. The product's is ``domain.values.EXCEL_EPOCH``; the emulator stands in
#: for Google and imports nothing of the product, so a wrong epoch there cannot be copied
#: into the fake and pass every test.
EPOCH = dt.datetime(1899, 12, 30)
#: a typed number, read one way only: ``\d+\.?\d*`` split a digit run every way it could
#: when the text did not end as a number (8,000 digits and an ``x``: 1.6 s, until 2026-12-07)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_CURRENCY = re.compile(r"^([+-]?)\$(\d{1,3}(?:,\d{3})*|\d+)(\.\d+)?$")
_PERCENT = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))%$")
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


def json_number(value: float) -> int | float:
    """Google writes integral doubles without a fraction (2, not 2.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


# Date-time pattern tokens, as documented at developers.google.com/sheets/api/guides/formats:
# a quoted "text" or a \-escaped character is literal; am/pm, a/p (or a bare AM/PM) marks a
# 12-hour clock; [h+] [m+] [s+] are elapsed time; a run of one letter (y, m, M, d, h, s; all but
# m/M in either case) is a date-time element; 0s after "ss." are the seconds' fraction. A
# ``_x`` (a space as wide as x) or ``*x`` (a fill) is no element, as numfmt reads it
# (until 2026-12-07 {DATE, "0.00_h"} showed a date, where the reader read the number).
_DT_TOKEN = re.compile(
    r'"[^"]*"|\\.|[_*].|am/pm|a/p|am|pm|\[(?:h+|m+|s+)\]|\[[^\]\[]*\]|y+|[mM]+|d+|h+|s+|0+|.',
    re.IGNORECASE | re.DOTALL,
)
_MONTH_NAMES = [
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}


def _dt_kind(token: str) -> str:
    """What a token stands for: y, M (month), m (month or minute), d, h, s, ampm, frac, or an
    elapsed [h] [m] [s]; "" for a literal."""
    low = token.lower()
    if low in ("am/pm", "a/p", "am", "pm"):
        return "ampm"
    if token.startswith("["):  # a [colour], [condition] or [$-409] locale: nothing shown
        return "[" + low[1] if re.fullmatch(r"\[(?:h+|m+|s+)\]", low) else ""
    if token[0] in "mM":
        return "M" if "M" in token or len(token) > 2 else "m"
    if low[0] in "ydhs":
        return low[0]
    return "frac" if token[0] == "0" else ""


def _shows_date_time(pattern: str) -> bool:
    """A pattern with a date or time token: one with none (``0.00`` under a DATE type) is
    taken as the number pattern it reads as, the pattern governing the display whatever
    the type, as for a percentage (until 2026-12-07 it showed its characters as literals,
    46000 as "0.00", where the reader reads the number)."""
    return any(_dt_kind(t) not in ("", "frac") for t in _DT_TOKEN.findall(pattern))


def _date_section(pattern: str) -> str | None:
    """The section of ``pattern`` a positive value is shown by, when it has a date or
    time token: judged by that section, as ``numfmt.shows_date_or_time`` and calamine
    judge one (``0;yyyy`` shows a number, ``yyyy;0`` a date; until 2026-12-07 any
    section's token made a date, and the whole pattern, ``;`` and all, was shown)."""
    tokens = section_tokens(pattern, 1.0)
    section = "".join(tokens) if tokens is not None else ""
    return section if _shows_date_time(section) else None


def _ampm(token: str, pm: bool) -> str:
    if token.lower() == "a/p":  # a/p, A/P: the letter in the token's own case
        return token[2] if pm else token[0]
    return "PM" if pm else "AM"  # am/pm is always capitalized


def format_date_time(value: float, pattern: str) -> str:
    """Render a serial number under a date-time pattern as Google does in the en_US locale.

    ``m``/``mm`` is the minute when the previous element is an hour or the next is a second,
    else the month; ``h`` is a 12-hour clock when the pattern has an AM/PM marker. The time is
    rounded to the precision shown (whole seconds, or the fraction's digits, at most 3)."""
    tokens = _DT_TOKEN.findall(pattern)
    kinds = [_dt_kind(t) for t in tokens]
    for i, kind in enumerate(kinds):  # 0s are a fraction only right after "ss."
        if kind == "frac" and not (i >= 2 and tokens[i - 1] == "." and kinds[i - 2] in ("s", "[s")):
            kinds[i] = ""
    digits = min(
        3, max((len(t) for t, k in zip(tokens, kinds, strict=True) if k == "frac"), default=0)
    )
    scale = 10**digits
    try:  # time since the epoch in units of the shown precision
        units = round(value * 86400 * scale)
        whole, fraction = divmod(units, scale)
        days, seconds = divmod(whole, 86400)
        moment = EPOCH + dt.timedelta(days=days, seconds=seconds)
    except (OverflowError, ValueError):  # past year 9999 or before year 1, or NaN (a 500
        return general_format(value)  # until 2026-12-07): the number, as General shows it
    twelve_hour = "ampm" in kinds
    elements = [i for i, k in enumerate(kinds) if k]
    out: list[str] = []
    for i, (token, kind) in enumerate(zip(tokens, kinds, strict=True)):
        n = len(token)
        if kind == "m":
            at = elements.index(i)
            prev = kinds[elements[at - 1]] if at > 0 else ""
            nxt = kinds[elements[at + 1]] if at + 1 < len(elements) else ""
            minute = prev in ("h", "[h") or nxt in ("s", "[s")
            out.append(f"{moment.minute if minute else moment.month:0{n}d}")
        elif kind == "M":
            name = _MONTH_NAMES[moment.month - 1]
            digits_or_name = {1: str(moment.month), 2: f"{moment.month:02d}", 3: name[:3]}
            out.append(digits_or_name.get(n, name[0] if n == 5 else name))
        elif kind == "y":
            out.append(f"{moment.year % 100:02d}" if n <= 2 else f"{moment.year:04d}")
        elif kind == "d":
            weekday = _WEEKDAYS[moment.weekday()]
            out.append(f"{moment.day:0{n}d}" if n <= 2 else weekday[:3] if n == 3 else weekday)
        elif kind == "h":
            hour = (moment.hour % 12 or 12) if twelve_hour else moment.hour
            out.append(f"{hour:0{min(n, 2)}d}")
        elif kind == "s":
            out.append(f"{moment.second:0{min(n, 2)}d}")
        elif kind.startswith("["):
            # elapsed: the whole duration in this unit, less what a larger elapsed unit shows
            unit = _UNIT_SECONDS[kind[1]]
            larger = [
                _UNIT_SECONDS[k[1]] for k in kinds if k[:1] == "[" and _UNIT_SECONDS[k[1]] > unit
            ]
            amount = whole % min(larger) if larger else whole
            out.append(f"{amount // unit:0{n - 2}d}")
        elif kind == "frac":
            out.append(f"{fraction:0{digits}d}"[:n])
        elif kind == "ampm":
            out.append(_ampm(token, moment.hour >= 12))
        elif token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        elif token[0] in "_*" and len(token) == 2:
            out.append(" " if token[0] == "_" else "")  # a space, or a fill: nothing
        elif not (token.startswith("[") and token.endswith("]") and len(token) > 1):
            out.append(token)  # a [colour] or [condition] shows nothing
    return "".join(out)


def format_number(value: float, number_format: dict[str, Any] | None) -> str:
    """Render a number under the few patterns the emulator itself produces or tests set."""
    if not number_format:
        return general_format(value)
    kind = number_format.get("type", "NUMBER")
    pattern = str(number_format.get("pattern", ""))
    if kind in DATE_TYPES and not pattern:
        return format_date_time(value, "yyyy-mm-dd")
    if kind in DATE_TYPES and (section := _date_section(pattern)) is not None:
        return format_date_time(value, section)
    if not pattern and kind == "CURRENCY":  # the type's en_US default, $1,000.12
        digits = grouped(abs(value), 2)
        return f"{'-' if value < 0 and digits.strip('0.,') else ''}${digits}"
    if not pattern:
        return percent(value) if kind == "PERCENT" else general_format(value)
    return format_pattern(value, pattern)


#: what a cell in error shows (its ``formattedValue``), by Google's ``ErrorType``
ERROR_SHOWN = {"DIVIDE_BY_ZERO": "#DIV/0!", "N_A": "#N/A", "REF": "#REF!"}


def set_error(cell: Cell, kind: str, message: str | None = None) -> None:
    """The cell shows the error ``kind`` (an ``ErrorType``), with Google's words for it
    where Google gives some (``=NA()``'s N_A has none)."""
    error: dict[str, Any] = {"type": kind}
    if message is not None:
        error["message"] = message
    cell["effectiveValue"] = {"errorValue": error}
    cell["formattedValue"] = ERROR_SHOWN.get(kind, "#ERROR!")


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
        # Google stores a typed 4.4% as 0.044, the decimal value rounded once (4.4 / 100
        # is 0.044000000000000004)
        value = float(m.group(1) + "e-2")
        return _number_cell(value, {"type": "PERCENT", "pattern": pattern})
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
    """One cell as values.get returns it; '' for empty cells. A cell an array formula
    fills (a value, none entered: ``spill``) shows its value, with FORMULA too."""
    if is_empty(cell) and not (cell and cell.get("effectiveValue")):
        return ""
    assert cell is not None
    if value_option == "FORMULA" and "formulaValue" in cell.get("userEnteredValue", {}):
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
