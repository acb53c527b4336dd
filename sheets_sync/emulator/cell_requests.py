"""batchUpdate requests that touch cells: updateCells, repeatCell, setDataValidation, merges,
sortRange, copyPaste/cutPaste."""

from __future__ import annotations

import copy
from typing import Any

from sheets_sync.emulator.cellvalues import is_empty, render
from sheets_sync.emulator.errors import FieldError, bad_request
from sheets_sync.emulator.fields import apply_update, parse_mask
from sheets_sync.emulator.formats import normalize_format, refresh_cell
from sheets_sync.emulator.formulas import recalc
from sheets_sync.emulator.links import drop_stale_runs
from sheets_sync.emulator.protected import check_writable
from sheets_sync.emulator.ranges import (
    Area,
    area_from_grid_range,
    grid_limit_error,
    grid_sheet,
)
from sheets_sync.emulator.state import Cell, Sheet, Spreadsheet

Reply = dict[str, Any] | None


def _write_cell(sheet: Sheet, key: tuple[int, int], source: dict[str, Any], fields: str) -> None:
    cell = sheet.cells.get(key, {})
    src = copy.deepcopy(source)
    if "userEnteredFormat" in src:
        src["userEnteredFormat"] = normalize_format(src["userEnteredFormat"])
    apply_update(cell, src, fields)
    if "userEnteredValue" in parse_mask(fields) and "chipRuns" not in parse_mask(fields):
        cell.pop("chipRuns", None)  # Google: a new userEnteredValue erases the chips
    drop_stale_runs(cell, parse_mask(fields))  # and the rich-text runs
    if cell.get("note") == "":
        del cell["note"]
    if cell.get("userEnteredFormat"):
        cell["userEnteredFormat"] = normalize_format(cell["userEnteredFormat"])
    else:
        cell.pop("userEnteredFormat", None)
    refresh_cell(cell)
    if cell:
        sheet.cells[key] = cell
    else:
        sheet.cells.pop(key, None)


def _bounded(area: Area, what: str) -> tuple[int, int, int, int]:
    if area.exceeds_grid():
        raise grid_limit_error(area)
    return area.bounds


def update_cells(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    fields = req.get("fields", "")
    rows = req.get("rows", [])
    if "start" in req:
        start = req["start"]
        # null: 0, not None; "Invalid requests[i].updateCells: No grid with id: N" with the
        # request's own index (``batch_update`` prefixes it: until 2026-12-07 always [0])
        sheet = grid_sheet(book, start.get("sheetId"), "start.sheet_id")
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        width = max((len(r.get("values", [])) for r in rows), default=0)
        _bounded(Area(sheet, r0, r0 + len(rows), c0, c0 + max(width, 1)), "updateCells")
        check_writable(book, sheet, (r0, r0 + len(rows), c0, c0 + max(width, 1)))
        for i, row in enumerate(rows):
            for j, value in enumerate(row.get("values", [])):
                _write_cell(sheet, (r0 + i, c0 + j), value, fields)
        return None
    area = area_from_grid_range(book, req.get("range", {}))
    r0, r1, c0, c1 = _bounded(area, "updateCells")
    check_writable(book, area.sheet, (r0, r1, c0, c1))
    for i, r in enumerate(range(r0, r1)):
        values = rows[i].get("values", []) if i < len(rows) else []
        for j, c in enumerate(range(c0, c1)):
            _write_cell(area.sheet, (r, c), values[j] if j < len(values) else {}, fields)
    return None


def repeat_cell(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    area = area_from_grid_range(book, req.get("range", {}))
    r0, r1, c0, c1 = _bounded(area, "repeatCell")
    check_writable(book, area.sheet, (r0, r1, c0, c1))
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell(area.sheet, (r, c), req.get("cell", {}), req.get("fields", ""))
    return None


def set_data_validation(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    area = area_from_grid_range(book, req.get("range", {}))
    r0, r1, c0, c1 = _bounded(area, "setDataValidation")
    rule = req.get("rule")
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell(
                area.sheet, (r, c), {"dataValidation": rule} if rule else {}, "dataValidation"
            )
    return None


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(
        a.get("startRowIndex", 0) < b.get("endRowIndex", 0)
        and b.get("startRowIndex", 0) < a.get("endRowIndex", 0)
        and a.get("startColumnIndex", 0) < b.get("endColumnIndex", 0)
        and b.get("startColumnIndex", 0) < a.get("endColumnIndex", 0)
    )


def _contains(outer: dict[str, Any], inner: dict[str, Any]) -> bool:
    return bool(
        outer["startRowIndex"] <= inner.get("startRowIndex", 0)
        and inner.get("endRowIndex", 0) <= outer["endRowIndex"]
        and outer["startColumnIndex"] <= inner.get("startColumnIndex", 0)
        and inner.get("endColumnIndex", 0) <= outer["endColumnIndex"]
    )


def merge_cells(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    area = area_from_grid_range(book, req.get("range", {}))
    r0, r1, c0, c1 = _bounded(area, "mergeCells")
    kind = req.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ALL":
        blocks = [(r0, r1, c0, c1)]
    elif kind == "MERGE_COLUMNS":
        blocks = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    elif kind == "MERGE_ROWS":
        blocks = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    else:
        # a wrong name is refused before the batch runs (``enums``); this, a number
        raise bad_request(f"unknown mergeType {kind}")  # batch_update names the request
    for b0, b1, d0, d1 in blocks:
        grid = {
            "startRowIndex": b0,
            "endRowIndex": b1,
            "startColumnIndex": d0,
            "endColumnIndex": d1,
        }
        if b1 - b0 <= 1 and d1 - d0 <= 1:
            continue
        area.sheet.merges = [m for m in area.sheet.merges if not _contains(grid, m)]
        if any(_overlaps(grid, m) for m in area.sheet.merges):
            raise bad_request("You can't merge cells that are already merged with another range.")
        for r in range(b0, b1):
            for c in range(d0, d1):
                cell = area.sheet.cells.get((r, c))
                if (r, c) != (b0, d0) and cell:
                    for name in (*_VALUE_PARTS, "textFormatRuns"):
                        cell.pop(name, None)
        area.sheet.merges.append(grid)
    return None


def unmerge_cells(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    area = area_from_grid_range(book, req.get("range", {}))
    r0, r1, c0, c1 = area.bounds
    grid = {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    area.sheet.merges = [m for m in area.sheet.merges if not _overlaps(grid, m)]
    return None


def _sort_key(cell: Cell | None) -> tuple[int, Any]:
    if is_empty(cell):
        return (3, 0)
    value = render(cell, "UNFORMATTED_VALUE", "SERIAL_NUMBER")
    if isinstance(value, bool):
        return (2, value)
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value).lower())


def sort_range(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    area = area_from_grid_range(book, req.get("range", {}))
    r0, r1, c0, c1 = area.bounds
    cells = area.sheet.cells
    rows = [{c: cells.pop((r, c)) for c in range(c0, c1) if (r, c) in cells} for r in range(r0, r1)]
    for spec in reversed(req.get("sortSpecs", [])):
        col = int(spec.get("dimensionIndex", 0))
        desc = spec.get("sortOrder") == "DESCENDING"
        filled = [row for row in rows if not is_empty(row.get(col))]
        empty = [row for row in rows if is_empty(row.get(col))]
        filled.sort(key=lambda row: _sort_key(row.get(col)), reverse=desc)
        rows = filled + empty
    for i, row in enumerate(rows):
        for c, cell in row.items():
            cells[(r0 + i, c)] = cell
    return None


#: the enum a wrong ``pasteType`` is named by, as Google's JSON parse names it
_PASTE_TYPE = "type.googleapis.com/google.apps.sheets.v4.PasteType"

#: What each ``pasteType`` takes from a source cell, as the Sheets API's PasteType enum
#: documents it (developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request
#: #pastetype): NORMAL "values, formulas, formats, and merges", VALUES "the values ONLY
#: without formats, formulas, or merges" (a formula's value, not the formula: ``_as_value``),
#: FORMAT "the format and data validation only"; None: the whole cell. A paste copies no
#: conditional format rule (not modelled), so PASTE_CONDITIONAL_FORMATTING, which copies
#: them at Google, is refused (``copy_paste``).
_PASTED: dict[str, tuple[str, ...] | None] = {
    "PASTE_NORMAL": None,
    "PASTE_NO_BORDERS": None,
    "PASTE_VALUES": ("userEnteredValue", "effectiveValue", "formattedValue", "chipRuns"),
    "PASTE_FORMAT": ("userEnteredFormat", "effectiveFormat", "dataValidation"),
    "PASTE_FORMULA": ("userEnteredValue", "effectiveValue", "formattedValue"),
    "PASTE_DATA_VALIDATION": ("dataValidation",),
    "PASTE_CONDITIONAL_FORMATTING": (),
}
_VALUE_PARTS = ("userEnteredValue", "effectiveValue", "formattedValue", "chipRuns")


def _as_value(cell: Cell) -> Cell:
    """``cell`` with its formula, if any, replaced by the value it shows (blank when it
    shows blank), as PASTE_VALUES pastes it; a cell an array formula fills, its value
    typed (the book recalculated first: ``copy_paste``). An array's anchor shows its
    first value: evaluated on its own, as before 2026-12-06, it pasted its own text."""
    entered = cell.get("userEnteredValue")
    if entered is not None and "formulaValue" not in entered:
        return cell
    out = {k: v for k, v in cell.items() if k not in _VALUE_PARTS}
    if cell.get("effectiveValue"):
        out["userEnteredValue"] = copy.deepcopy(cell["effectiveValue"])
    return out


def _paste_cell(old: Cell | None, src: Cell | None, parts: tuple[str, ...] | None) -> Cell:
    """The destination cell after a paste of ``parts`` of ``src`` (all of it when None)."""
    if parts is None:
        return copy.deepcopy(src) if src else {}
    out = copy.deepcopy(old) if old else {}
    if parts and set(parts) & set(_VALUE_PARTS):
        parts = tuple(dict.fromkeys(parts + _VALUE_PARTS))  # a value replaces all of them
    for part in parts:
        out.pop(part, None)
        if src and part in src:
            out[part] = copy.deepcopy(src[part])
    if set(parts) & set(_VALUE_PARTS):  # a pasted value erases the runs, as a new value does
        drop_stale_runs(out, {"userEnteredValue": {}})
    refresh_cell(out)  # a pasted value shows in the destination's format, and vice versa
    return out


def _computed(area: Area) -> bool:
    """Whether ``area`` holds a formula or a cell an array fills: only their values can
    be stale before the batch's end. Recalculating the whole book for every paste of
    typed values took 5 of the 11 s a 100,000-cell paste took in a book of 200,000 typed
    cells, on a busy box (until 2026-12-06). An array an earlier request of the batch
    typed, spilling into ``area``, fills no cell yet: ``_reached`` sees it. A filled cell
    is also one with a value but none entered (what ``spill.clear`` takes away): a row
    or column inserted or deleted since the last recalculation moved it, not
    ``Sheet.filled_by``, and a paste after the deletion of its anchor pasted its old
    value (until 2026-12-07; Google pastes a blank)."""
    sheet, (r0, r1, c0, c1) = area.sheet, area.bounds
    if (r1 - r0) * (c1 - c0) <= len(sheet.cells):
        cells = ((r, c) for r in range(r0, r1) for c in range(c0, c1) if (r, c) in sheet.cells)
    else:
        cells = (p for p in sheet.cells if r0 <= p[0] < r1 and c0 <= p[1] < c1)
    return any(pos in sheet.filled_by or _formula_or_filled(sheet.cells[pos]) for pos in cells)


def _formula_or_filled(cell: dict[str, Any]) -> bool:
    entered = cell.get("userEnteredValue")
    return "effectiveValue" in cell if entered is None else "formulaValue" in entered


def _reached(book: Spreadsheet, area: Area) -> bool:
    """Whether an array could fill ``area`` with cells not filled yet: an earlier request
    of the batch changed the book since the last recalculation (``Spreadsheet.unsettled``:
    it typed an array, or cleared what blocked one, or changed what one shows) and a
    formula of ``area``'s tab lies above and left of its far corner (an array fills right
    of and below its anchor). Until 2026-12-07 arrays filled at the batch's end only, and
    a later paste of the cells one typed earlier in the batch fills pasted blanks."""
    if not book.unsettled:
        return False
    sheet, (_, r1, _, c1) = area.sheet, area.bounds
    if r1 * c1 <= len(sheet.cells):
        cells = ((r, c) for r in range(r1) for c in range(c1) if (r, c) in sheet.cells)
    else:
        cells = (p for p in sheet.cells if p[0] < r1 and p[1] < c1)
    return any("formulaValue" in sheet.cells[pos].get("userEnteredValue", {}) for pos in cells)


def copy_paste(book: Spreadsheet, req: dict[str, Any], cut: bool = False) -> Reply:
    """Source and destination may lie on different sheets of the spreadsheet (each a
    GridRange with its own ``sheetId``); the whole source is pasted from the destination's
    top-left cell, and a protected cell there refuses the batch as a cell write does."""
    src = area_from_grid_range(book, req.get("source", {}), "source")
    s0, s1, t0, t1 = src.bounds
    if cut:
        dest = req.get("destination", {})
        top, left = int(dest.get("rowIndex", 0)), int(dest.get("columnIndex", 0))
        # an id of no sheet is the 400 (until 2026-12-07 the cut pasted onto the source's)
        target = grid_sheet(book, dest.get("sheetId"), "destination.sheet_id")
    else:
        dst = area_from_grid_range(book, req.get("destination", {}), "destination")
        top, left, _, _ = dst.bounds[0], dst.bounds[2], 0, 0
        target = dst.sheet
    kind = str(req.get("pasteType") or "PASTE_NORMAL")
    if kind not in _PASTED:
        # an enum's wrong value: Google's JSON parse names the request by its own index and
        # kind (until 2026-12-07 always 'requests[0].copy_paste', a cutPaste's too)
        raise FieldError("paste_type", req.get("pasteType"), _PASTE_TYPE)
    if kind == "PASTE_CONDITIONAL_FORMATTING":
        raise bad_request(
            "pasteType PASTE_CONDITIONAL_FORMATTING is not modelled: the emulator copies no "
            "conditional format rule (Google copies the source's rules to the destination)."
        )
    parts = _PASTED[kind]
    check_writable(book, target, (top, top + s1 - s0, left, left + t1 - t0))
    if kind == "PASTE_VALUES" and (_computed(src) or _reached(book, src)):
        recalc(book)  # values as of this request (an earlier one of the batch included)
    block = {
        (r - s0, c - t0): copy.deepcopy(src.sheet.cells[(r, c)])
        if kind != "PASTE_VALUES"
        else _as_value(copy.deepcopy(src.sheet.cells[(r, c)]))
        for r in range(s0, s1)
        for c in range(t0, t1)
        if (r, c) in src.sheet.cells
    }
    if cut:
        for r in range(s0, s1):
            for c in range(t0, t1):
                src.sheet.cells.pop((r, c), None)
    for r in range(s1 - s0):
        for c in range(t1 - t0):
            key = (top + r, left + c)
            cell = _paste_cell(target.cells.get(key), block.get((r, c)), parts)
            if cell:
                target.cells[key] = cell
            else:
                target.cells.pop(key, None)
    return None
