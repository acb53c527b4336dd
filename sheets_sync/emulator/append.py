"""values.append: Google's "table" detection decides where appended rows land."""

from __future__ import annotations

from typing import Any

from sheets_sync.emulator.cellvalues import is_empty
from sheets_sync.emulator.formulas import recalc
from sheets_sync.emulator.ranges import Area, format_area, parse_range
from sheets_sync.emulator.state import Spreadsheet
from sheets_sync.emulator.values import (
    Params,
    _input_option,
    _matrix,
    _param,
    render_area,
    write_matrix,
)

Box = tuple[int, int, int, int]  # r0, r1, c0, c1 (half open)


def _components(area: Area) -> list[Box]:
    """Bounding boxes of 4-connected non-empty cell groups inside the area, in scan order."""
    r0, r1, c0, c1 = area.bounds
    filled = {
        k
        for k, v in area.sheet.cells.items()
        if r0 <= k[0] < r1 and c0 <= k[1] < c1 and not is_empty(v)
    }
    seen: set[tuple[int, int]] = set()
    boxes: list[Box] = []
    for start in sorted(filled):
        if start in seen:
            continue
        stack, members = [start], []
        seen.add(start)
        while stack:
            r, c = stack.pop()
            members.append((r, c))
            for nxt in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if nxt in filled and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        rows = [m[0] for m in members]
        cols = [m[1] for m in members]
        boxes.append((min(rows), max(rows) + 1, min(cols), max(cols) + 1))
    return boxes


def find_table(area: Area) -> Box | None:
    """The table containing the range's first cell, else (and always for a whole-sheet range,
    as recorded from Google) the last table in scan order."""
    boxes = _components(area)
    if not boxes:
        return None
    top, left = area.r0 or 0, area.c0 or 0
    whole_sheet = area.r0 is None and area.r1 is None and area.c0 is None and area.c1 is None
    for box in [] if whole_sheet else boxes:
        if box[0] <= top < box[1] and box[2] <= left < box[3]:
            return box
    return max(boxes, key=lambda b: (b[1], b[3]))


def append(
    book: Spreadsheet, range_text: str, params: Params, body: dict[str, Any]
) -> dict[str, Any]:
    option = _input_option(params)
    values = _matrix(body, "data.values")
    area = parse_range(book, range_text)
    sheet = area.sheet
    table = find_table(area)
    result: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if table:
        result["tableRange"] = format_area(sheet, *table)
        top, left = table[1], table[2]
    else:
        top, left = area.r0 or 0, area.c0 or 0
    height = len(values)
    width = max((len(r) for r in values), default=0)
    insert = _param(params, "insertDataOption", "OVERWRITE") == "INSERT_ROWS"
    if insert and height:
        from sheets_sync.emulator.dimensions import insert_dimension

        insert_dimension(book, sheet, "ROWS", top, top + height)
    if top + height > sheet.row_count:
        sheet.grid["rowCount"] = top + height
    if left + width > sheet.col_count:
        sheet.grid["columnCount"] = left + width
    write_matrix(sheet, top, left, values, option)
    recalc(book)
    updates: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id}
    if height and width:
        updates.update(
            updatedRange=format_area(sheet, top, top + height, left, left + width),
            updatedRows=height,
            updatedColumns=width,
            updatedCells=sum(len(r) for r in values),
        )
        if _param(params, "includeValuesInResponse").lower() == "true":
            updates["updatedData"] = render_area(
                Area(sheet, top, top + height, left, left + width),
                "ROWS",
                _param(params, "responseValueRenderOption", "FORMATTED_VALUE"),
                _param(params, "responseDateTimeRenderOption", "SERIAL_NUMBER"),
            )
    result["updates"] = updates
    return result
