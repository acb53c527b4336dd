"""spreadsheets.get / create: the Spreadsheet resource with optional grid data and field masks."""

from __future__ import annotations

import copy
from typing import Any

from sheets_sync.emulator.dimensions import dimension_metadata
from sheets_sync.emulator.fields import parse_mask, select
from sheets_sync.emulator.filters import filtered_rows
from sheets_sync.emulator.formats import effective_format
from sheets_sync.emulator.links import hyperlink, linked
from sheets_sync.emulator.ranges import Area, parse_range
from sheets_sync.emulator.spill import number_format
from sheets_sync.emulator.state import Sheet, Spreadsheet

Params = dict[str, list[str]]
_CELL_KEYS = (
    "userEnteredValue",
    "effectiveValue",
    "formattedValue",
    "userEnteredFormat",
    "note",
    "dataValidation",
    "chipRuns",
    "textFormatRuns",
)


def _cell_json(book: Spreadsheet, sheet: Sheet, key: tuple[int, int]) -> dict[str, Any]:
    cell = sheet.cells.get(key)
    if not cell:
        return {}
    out = {k: copy.deepcopy(cell[k]) for k in _CELL_KEYS if k in cell}
    anchor = sheet.filled_by.get(key) if "userEnteredValue" not in cell else None
    if "userEnteredValue" in cell or "userEnteredFormat" in cell or anchor is not None:
        entered = cell.get("userEnteredFormat")
        if anchor is not None and (shown := number_format(cell, sheet.cells.get(anchor, {}))):
            entered = {**(entered or {}), "numberFormat": shown}  # the anchor's: spill.py
        out["effectiveFormat"] = effective_format(book.properties.get("defaultFormat", {}), entered)
    if link := hyperlink(cell):
        out["hyperlink"] = link
        linked(out["effectiveFormat"], link, cell)
    return out


def grid_data(book: Spreadsheet, area: Area) -> dict[str, Any]:
    r0, r1, c0, c1 = area.bounds
    data: dict[str, Any] = {}
    if r0:
        data["startRow"] = r0
    if c0:
        data["startColumn"] = c0
    rows = [
        {"values": [_cell_json(book, area.sheet, (r, c)) for c in range(c0, c1)]}
        for r in range(r0, r1)
    ]
    data["rowData"] = rows
    data["rowMetadata"] = dimension_metadata(area.sheet, "ROWS", r0, r1)
    for row in filtered_rows(area.sheet):
        if r0 <= row < r1:
            data["rowMetadata"][row - r0]["hiddenByFilter"] = True
    data["columnMetadata"] = dimension_metadata(area.sheet, "COLUMNS", c0, c1)
    return data


def _trim_grid_data(data: dict[str, Any]) -> None:
    """Google drops trailing empty cells/rows after masking, and rowData when nothing is left."""
    rows = data.get("rowData")
    if rows is None:
        return
    for row in rows:
        values = row.get("values", [])
        while values and not values[-1]:
            values.pop()
        if not values:
            row.pop("values", None)
    while rows and not rows[-1]:
        rows.pop()
    if not rows:
        del data["rowData"]


def sheet_json(book: Spreadsheet, sheet: Sheet, areas: list[Area] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": copy.deepcopy(sheet.properties)}
    if areas is not None:
        out["data"] = [grid_data(book, a) for a in areas]
    if sheet.merges:
        out["merges"] = [
            {k: v for k, v in m.items() if k != "sheetId" or v} for m in copy.deepcopy(sheet.merges)
        ]
    for key in ("conditionalFormats", "basicFilter", "filterViews", "protectedRanges",
                "rowGroups", "columnGroups", "slicers", "charts"):  # fmt: skip
        if key in sheet.extra:
            out[key] = copy.deepcopy(sheet.extra[key])
    if "protectedRanges" in out:
        from sheets_sync.emulator.protected import protected_out

        out["protectedRanges"] = [protected_out(book, p) for p in out["protectedRanges"]]
    return out


def spreadsheet_resource(book: Spreadsheet, params: Params) -> dict[str, Any]:
    fields = ",".join(params.get("fields", []))
    mask = parse_mask(fields) if fields else {}
    wants_data = "data" in mask.get("sheets", {}) or any(
        v.lower() == "true" for v in params.get("includeGridData", [])
    )
    ranges = [r for r in params.get("ranges", []) if r]
    per_sheet: dict[int, list[Area]] = {}
    for text in ranges:
        area = parse_range(book, text)
        per_sheet.setdefault(area.sheet.sheet_id, []).append(area)
    sheets = []
    for sheet in book.sheets:
        if ranges and sheet.sheet_id not in per_sheet:
            continue
        areas = per_sheet.get(sheet.sheet_id, [Area(sheet)]) if wants_data else None
        sheets.append(sheet_json(book, sheet, areas))
    out: dict[str, Any] = {
        "spreadsheetId": book.spreadsheet_id,
        "properties": copy.deepcopy(book.properties),
        "sheets": sheets,
    }
    if book.named_ranges:
        from sheets_sync.emulator.batch_update import _named_out

        out["namedRanges"] = [_named_out(n) for n in book.named_ranges]
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.spreadsheet_id}/edit"
    if mask:
        out = select(out, mask)
    for sheet in out.get("sheets", []):
        for data in sheet.get("data", []):
            _trim_grid_data(data)
    return out


def create_from_body(store_create: Any, body: dict[str, Any], owner: str | None) -> Spreadsheet:
    """spreadsheets.create: honours title, locale/timeZone and initial sheet properties."""
    props = body.get("properties", {})
    sheet_specs = body.get("sheets", [])
    titles = [
        s.get("properties", {}).get("title") or f"Sheet{i + 1}" for i, s in enumerate(sheet_specs)
    ]
    book: Spreadsheet = store_create(
        props.get("title", "Untitled spreadsheet"), owner=owner, sheet_titles=titles or None
    )
    for key in ("locale", "timeZone", "autoRecalc"):
        if key in props:
            book.properties[key] = props[key]
    for spec, sheet in zip(sheet_specs, book.sheets, strict=False):
        grid = spec.get("properties", {}).get("gridProperties", {})
        sheet.grid.update({k: v for k, v in grid.items() if k in ("rowCount", "columnCount")})
        if "sheetId" in spec.get("properties", {}):
            sheet.properties["sheetId"] = int(spec["properties"]["sheetId"])
    return book
