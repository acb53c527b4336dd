"""spreadsheets.values.*: reads with render options and trimming, writes with input options,
append with Google's table detection, clears."""

from __future__ import annotations

from typing import Any

from sheets_sync.emulator.cellvalues import raw_cell, render, user_entered_cell
from sheets_sync.emulator.errors import bad_request, invalid_field
from sheets_sync.emulator.formats import refresh_cell
from sheets_sync.emulator.formulas import recalc
from sheets_sync.emulator.ranges import Area, format_area, grid_limit_error, parse_range
from sheets_sync.emulator.state import Sheet, Spreadsheet

Params = dict[str, list[str]]
LIST_PROTO = "type.googleapis.com/google.protobuf.ListValue"
VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")


def _param(params: Params, name: str, default: str = "") -> str:
    values = params.get(name)
    return values[-1] if values else default


def _enum(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise bad_request(f"Invalid value at '{field}' ({field}), \"{value}\"")
    return value


def render_area(area: Area, major: str, value_option: str, date_option: str) -> dict[str, Any]:
    """ValueRange for a clamped area; trailing empty cells and rows are omitted like Google."""
    r0, r1, c0, c1 = area.bounds
    cells = area.sheet.cells
    grid = [
        [render(cells.get((r, c)), value_option, date_option) for c in range(c0, c1)]
        for r in range(r0, r1)
    ]
    if major == "COLUMNS":
        grid = [list(col) for col in zip(*grid, strict=False)] if grid else []
    out: dict[str, Any] = {
        "range": format_area(area.sheet, r0, r1, c0, c1),
        "majorDimension": major,
    }
    trimmed: list[list[Any]] = []
    for line in grid:
        end = len(line)
        while end and line[end - 1] == "":
            end -= 1
        trimmed.append(line[:end])
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    if trimmed:
        out["values"] = trimmed
    return out


def get(book: Spreadsheet, range_text: str, params: Params) -> dict[str, Any]:
    area = parse_range(book, range_text)
    return render_area(
        area,
        _enum(
            _param(params, "majorDimension", "ROWS") or "ROWS",
            ("ROWS", "COLUMNS"),
            "major_dimension",
        ),
        _enum(
            _param(params, "valueRenderOption", "FORMATTED_VALUE"),
            VALUE_RENDER,
            "value_render_option",
        ),
        _enum(
            _param(params, "dateTimeRenderOption", "SERIAL_NUMBER"),
            DATE_RENDER,
            "date_time_render_option",
        ),
    )


def batch_get(book: Spreadsheet, params: Params) -> dict[str, Any]:
    return {
        "spreadsheetId": book.spreadsheet_id,
        "valueRanges": [get(book, r, params) for r in params.get("ranges", [])],
    }


def _matrix(body: dict[str, Any], field: str) -> list[list[Any]]:
    values = body.get("values", [])
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid_field(field, values, LIST_PROTO)
    for row in values:
        if not isinstance(row, list):
            raise invalid_field(field, row, LIST_PROTO)
    if (body.get("majorDimension") or "ROWS") == "COLUMNS":
        width = max((len(col) for col in values), default=0)
        values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
    return values


def _input_option(params: Params, body: dict[str, Any] | None = None) -> str:
    option = (body or {}).get("valueInputOption") or _param(params, "valueInputOption")
    if not option or option == "INPUT_VALUE_OPTION_UNSPECIFIED":
        raise bad_request("'valueInputOption' is required but not specified")
    if option not in ("RAW", "USER_ENTERED"):
        raise bad_request(f"Invalid value at 'value_input_option' ({option})")
    return str(option)


def write_matrix(sheet: Sheet, top: int, left: int, values: list[list[Any]], option: str) -> None:
    parse = raw_cell if option == "RAW" else user_entered_cell
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if value is None:
                continue
            key = (top + i, left + j)
            old = sheet.cells.get(key, {})
            new = parse(value) or {}
            fmt = dict(old.get("userEnteredFormat", {}))
            if "userEnteredFormat" in new:
                fmt.update(new.pop("userEnteredFormat"))
            keep = {k: v for k, v in old.items() if k in ("note", "dataValidation")}
            merged = {**keep, **new}
            if fmt:
                merged["userEnteredFormat"] = fmt
                # shown in the cell's own format, as Google shows it: until 2026-12-08 a
                # 5 written into a 0.00 cell showed as General shows it, 5
                refresh_cell(merged)
            if merged:
                sheet.cells[key] = merged
            else:
                sheet.cells.pop(key, None)


def _update_area(
    book: Spreadsheet, range_text: str, values: list[list[Any]], option: str
) -> tuple[Area, dict[str, Any]]:
    area = parse_range(book, range_text)
    top, left = area.r0 or 0, area.c0 or 0
    height = len(values)
    width = max((len(r) for r in values), default=0)
    if area.r1 is not None and area.c1 is not None and area.r1 - top == 1 and area.c1 - left == 1:
        area = Area(area.sheet, top, None, left, None)  # a single cell only anchors the write
    if area.r1 is not None and top + height > area.r1:
        raise bad_request(
            f"Requested writing within range [{range_text}], but tried writing to row "
            f"[{top + height}]"
        )
    if area.c1 is not None and left + width > area.c1:
        raise bad_request(
            f"Requested writing within range [{range_text}], but tried writing to column "
            f"[{_col_letter(left + width)}]"
        )
    written = Area(area.sheet, top, top + max(height, 1), left, left + max(width, 1))
    if height and written.exceeds_grid():
        raise grid_limit_error(written)
    write_matrix(area.sheet, top, left, values, option)
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if height and width:
        result.update(
            updatedRange=format_area(area.sheet, top, top + height, left, left + width),
            updatedRows=sum(1 for r in values if any(v is not None for v in r)),
            updatedColumns=len({j for r in values for j, v in enumerate(r) if v is not None}),
            updatedCells=sum(v is not None for r in values for v in r),
        )
    return written, result


def _col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _with_data(
    book: Spreadsheet, result: dict[str, Any], params: Params, body: dict[str, Any]
) -> None:
    include = body.get("includeValuesInResponse", _param(params, "includeValuesInResponse"))
    if str(include).lower() == "true" and "updatedRange" in result:
        result["updatedData"] = render_area(
            parse_range(book, result["updatedRange"]),
            "ROWS",
            body.get("responseValueRenderOption")
            or _param(params, "responseValueRenderOption", "FORMATTED_VALUE"),
            body.get("responseDateTimeRenderOption")
            or _param(params, "responseDateTimeRenderOption", "SERIAL_NUMBER"),
        )


def update(
    book: Spreadsheet, range_text: str, params: Params, body: dict[str, Any]
) -> dict[str, Any]:
    option = _input_option(params)
    _, result = _update_area(book, range_text, _matrix(body, "data.values"), option)
    recalc(book)
    _with_data(book, result, params, {})
    return result


def batch_update(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    option = _input_option({}, body)
    responses, sheets = [], set()
    for i, item in enumerate(body.get("data", [])):
        area, res = _update_area(
            book, item.get("range", ""), _matrix(item, f"data[{i}].values"), option
        )
        sheets.add(area.sheet.sheet_id)
        responses.append(res)
    recalc(book)
    for res in responses:
        _with_data(book, res, {}, body)
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if responses:
        out.update(
            totalUpdatedRows=sum(r.get("updatedRows", 0) for r in responses),
            totalUpdatedColumns=max(r.get("updatedColumns", 0) for r in responses),
            totalUpdatedCells=sum(r.get("updatedCells", 0) for r in responses),
            totalUpdatedSheets=len(sheets),
            responses=responses,
        )
    return out


def clear(book: Spreadsheet, range_text: str) -> dict[str, Any]:
    return {
        "spreadsheetId": book.spreadsheet_id,
        "clearedRange": clear_area(parse_range(book, range_text)),
    }


def clear_area(area: Area) -> str:
    r0, r1, c0, c1 = area.bounds
    for key in [k for k in area.sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
        cell = area.sheet.cells[key]
        for name in ("userEnteredValue", "effectiveValue", "formattedValue"):
            cell.pop(name, None)
        if not cell:
            del area.sheet.cells[key]
    return format_area(area.sheet, r0, r1, c0, c1)


def batch_clear(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    cleared = [clear_area(parse_range(book, r)) for r in body.get("ranges", [])]
    recalc(book)
    return {"spreadsheetId": book.spreadsheet_id, "clearedRanges": cleared}
