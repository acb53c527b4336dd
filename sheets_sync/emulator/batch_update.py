"""spreadsheets.batchUpdate: dispatch each request kind, all-or-nothing like Google."""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Callable
from typing import Any

from sheets_sync.emulator import cell_requests as cells
from sheets_sync.emulator import conditional, defaults, dimensions, moving, views
from sheets_sync.emulator.enums import check_enums
from sheets_sync.emulator.errors import ApiError, FieldError, bad_request, invalid_field
from sheets_sync.emulator.fields import apply_update, parse_mask
from sheets_sync.emulator.formats import quantize_color
from sheets_sync.emulator.formulas import recalc
from sheets_sync.emulator.ranges import grid_sheet, int32, sheet_number
from sheets_sync.emulator.state import Sheet, Spreadsheet, fills_of, keep_fills

Reply = dict[str, Any] | None
Handler = Callable[[Spreadsheet, dict[str, Any]], Reply]


def _check_title(book: Spreadsheet, title: str, skip: Sheet | None = None) -> None:
    if any(s.title.lower() == title.lower() and s is not skip for s in book.sheets):
        raise bad_request(
            f'A sheet with the name "{title}" already exists. Please enter another name.'
        )


def _normalize_sheet_props(props: dict[str, Any], prefer_style: bool = False) -> None:
    """Tab colours are stored as 8-bit channels (0.5 reads back as 127/255) and mirrored
    between tabColor and tabColorStyle; an empty colour clears both."""
    style = props.get("tabColorStyle", {})
    if prefer_style or "tabColor" not in props:
        color = style.get("rgbColor") if isinstance(style, dict) else None
    else:
        color = props.get("tabColor")
    props.pop("tabColor", None)
    props.pop("tabColorStyle", None)
    if isinstance(style, dict) and "themeColor" in style and prefer_style:
        props["tabColorStyle"] = {"themeColor": style["themeColor"]}
        return
    if color:
        quantized = quantize_color(color)
        props["tabColor"] = quantized
        props["tabColorStyle"] = {"rgbColor": dict(quantized)}


def add_sheet(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    props = copy.deepcopy(req.get("properties", {}))
    given = props.get("sheetId")
    sheet_id = book.new_sheet_id() if given is None else int32(given, "properties.sheet_id")
    if book.sheet_by_id(sheet_id):
        raise bad_request(f"A sheet with id {sheet_id} already exists.")
    n = len(book.sheets) + 1
    while book.sheet_by_title(f"Sheet{n}"):
        n += 1
    title = props.get("title", f"Sheet{n}")
    _check_title(book, title)
    grid = props.get("gridProperties", {})
    full = defaults.sheet_properties(
        sheet_id,
        title,
        int(props.get("index", len(book.sheets))),
        int(grid.get("rowCount", defaults.DEFAULT_ROWS)),
        int(grid.get("columnCount", defaults.DEFAULT_COLUMNS)),
    )
    full["gridProperties"].update({k: v for k, v in grid.items() if v})
    for key, val in props.items():
        if key not in full and key != "gridProperties" and val not in (None, False):
            full[key] = val
    _normalize_sheet_props(full)
    for s in book.sheets:
        if s.properties["index"] >= full["index"]:
            s.properties["index"] += 1
    book.sheets.append(Sheet(full))
    book.reindex()
    return {"addSheet": {"properties": copy.deepcopy(full)}}


#: the keys of a sheet's merges and extras whose values are GridRanges (or GridCoordinates,
#: or DimensionRanges): each names its sheet by ``sheetId``, left out when it is 0
_RANGE_KEYS = frozenset(
    {"range", "ranges", "unprotectedRanges", "dataRange", "anchorCell", "sources"}
)
#: the ids a sheet's protections, filter views, slicers and charts hold, unique in the book
_OBJECT_IDS = frozenset({"protectedRangeId", "filterViewId", "slicerId", "chartId"})


def _moved_to(value: Any, old: int, new: int, ranges: bool = False) -> Any:
    """``value`` (a sheet's merges or extras, copied) with every range of sheet ``old``
    on sheet ``new``, and every protection, filter view and slicer under a new id."""
    if isinstance(value, list):
        return [_moved_to(v, old, new, ranges) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _moved_to(v, old, new, k in _RANGE_KEYS) for k, v in value.items()}
    for key in _OBJECT_IDS & out.keys():
        out[key] = secrets.randbelow(2_000_000_000) + 1
    if ranges and int(out.get("sheetId", 0)) == old:
        out.pop("sheetId", None)
        if new:
            out = {"sheetId": new, **out}
    return out


def _unnamed(extra: dict[str, Any]) -> dict[str, Any]:
    """A sheet's extras without its protections backed by a named range: the copy's would
    be backed by the same named range, on the source's cells (the named range is not
    copied), a protection of the copy guarding another tab."""
    kept = [p for p in extra.get("protectedRanges", []) if not p.get("namedRangeId")]
    out = {k: v for k, v in extra.items() if k != "protectedRanges"}
    return {**out, "protectedRanges": kept} if kept else out


def duplicate_sheet(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """DuplicateSheetRequest: ``sourceSheetId``'s cells, row and column sizes, merges,
    filter, protections, filter views and slicers on a new tab, named ``newSheetName``
    (``Copy of <source>`` when empty, ``Copy of <source> 2`` and on when taken), with id
    ``newSheetId`` (chosen when unset) at ``insertSheetIndex`` (right after the source
    when unset); the tabs from that index on move up one. A negative ``newSheetId`` is a
    400, as the API documents; a negative ``insertSheetIndex`` is taken as ``addSheet``
    takes a negative ``index`` (the API says nothing of it). A protection backed by a
    named range is not copied (``_unnamed``)."""
    source = grid_sheet(book, req.get("sourceSheetId"), "source_sheet_id")
    new_id = req.get("newSheetId")
    sheet_id = book.new_sheet_id() if new_id is None else int32(new_id, "new_sheet_id")
    if sheet_id < 0:  # the API: "If set, it must be non-negative"
        raise bad_request(f"newSheetId must be non-negative, got {sheet_id}.")
    if book.sheet_by_id(sheet_id):
        raise bad_request(f"A sheet with id {sheet_id} already exists.")
    title = req.get("newSheetName") or f"Copy of {source.title}"
    if not req.get("newSheetName"):
        n, base = 2, title
        while any(s.title.lower() == title.lower() for s in book.sheets):
            title, n = f"{base} {n}", n + 1
    _check_title(book, title)
    index = req.get("insertSheetIndex")
    index = int(source.properties["index"]) + 1 if index is None else int(index)
    copied = Sheet.from_json(copy.deepcopy(source.to_json()))
    props = copied.properties
    props.update({"sheetId": sheet_id, "title": title, "index": index})
    copied.merges = _moved_to(copied.merges, source.sheet_id, sheet_id, ranges=True)
    copied.extra = _moved_to(_unnamed(copied.extra), source.sheet_id, sheet_id)
    for s in book.sheets:
        if s.properties["index"] >= index:
            s.properties["index"] += 1
    book.sheets.append(copied)
    book.reindex()
    return {"duplicateSheet": {"properties": copy.deepcopy(props)}}


def delete_sheet(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    sheet = grid_sheet(book, req.get("sheetId"))
    if len(book.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.named_ranges = [
        n for n in book.named_ranges if int(n.get("range", {}).get("sheetId", 0)) != sheet.sheet_id
    ]
    book.reindex()
    return None


def update_sheet_properties(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    props = req.get("properties", {})
    sheet = grid_sheet(book, props.get("sheetId"), "properties.sheet_id")
    fields = req.get("fields", "")
    old_index = sheet.properties["index"]
    if "title" in props and "title" in fields:
        _check_title(book, props["title"], skip=sheet)
    before = copy.deepcopy(sheet.properties)
    apply_update(sheet.properties, props, fields)
    sheet.properties["sheetId"] = before["sheetId"]
    for key in ("title", "index", "sheetType"):
        sheet.properties.setdefault(key, before[key])
    grid = sheet.properties.setdefault("gridProperties", {})
    for key in ("rowCount", "columnCount"):
        grid.setdefault(key, before["gridProperties"][key])
    for key in [
        k for k, v in grid.items() if v in (0, False) and k not in ("rowCount", "columnCount")
    ]:
        grid.pop(key)
    for key in ("hidden", "rightToLeft"):
        if sheet.properties.get(key) is False:
            sheet.properties.pop(key)
    masked = parse_mask(fields)
    if "tabColorStyle" in masked or "tabColor" in masked or "*" in masked:
        _normalize_sheet_props(sheet.properties, prefer_style="tabColorStyle" in masked)
    if all(s.properties.get("hidden") for s in book.sheets):
        raise bad_request("You can't hide all the sheets in a document.")
    _trim_grid(sheet)
    if sheet.properties["index"] != old_index:
        new_index = min(int(sheet.properties["index"]), len(book.sheets) - 1)
        book.sheets.remove(sheet)
        book.sheets.sort(key=lambda s: int(s.properties["index"]))
        book.sheets.insert(new_index if new_index <= old_index else new_index - 1, sheet)
        for i, s in enumerate(book.sheets):
            s.properties["index"] = i
    return None


def _trim_grid(sheet: Sheet) -> None:
    rows, cols = sheet.row_count, sheet.col_count
    for key in [k for k in sheet.cells if k[0] >= rows or k[1] >= cols]:
        del sheet.cells[key]


def update_spreadsheet_properties(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    apply_update(book.properties, req.get("properties", {}), req.get("fields", ""))
    return None


def _dim(book: Spreadsheet, rng: dict[str, Any], at: str) -> tuple[Sheet, str, int, int]:
    sheet = grid_sheet(book, rng.get("sheetId"), f"{at}.sheet_id")
    dim = str(rng.get("dimension", ""))
    total = sheet.row_count if dim == "ROWS" else sheet.col_count
    return sheet, dim, int(rng.get("startIndex", 0)), int(rng.get("endIndex", total))


def insert_dimension(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    sheet, dim, start, end = _dim(book, req.get("range", {}), "range")
    dimensions.insert_dimension(book, sheet, dim, start, end)
    return None


def delete_dimension(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    sheet, dim, start, end = _dim(book, req.get("range", {}), "range")
    dimensions.delete_dimension(book, sheet, dim, start, end)
    return None


def move_dimension(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    sheet, dim, start, end = _dim(book, req.get("source", {}), "source")
    moving.move_dimension(book, sheet, dim, start, end, int(req.get("destinationIndex", 0)))
    return None


def append_dimension(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    dimensions.append_dimension(
        grid_sheet(book, req.get("sheetId")), req.get("dimension", ""), int(req.get("length", 0))
    )
    return None


def update_dimension_properties(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    sheet, dim, start, end = _dim(book, req.get("range", {}), "range")
    dimensions.update_properties(
        sheet, dim, start, end, req.get("properties", {}), req.get("fields", "")
    )
    return None


def auto_resize_dimensions(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """A no-op (sizes need font metrics), but its ``dimensions.sheetId`` is checked as the
    other requests' are: no number, the 400 naming its field; no sheet, "No grid with id"
    (until 2026-12-07 anything was taken, ``"x"`` and a sheet that is not there)."""
    _dim(book, req.get("dimensions", {}), "dimensions")
    return None


def _named_out(named: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(named)
    if not out.get("range", {}).get("sheetId"):
        out.get("range", {}).pop("sheetId", None)
    return out


def _named_sheet(named: dict[str, Any]) -> None:
    """A named range's ``sheetId`` stored as the number it names (null or 0 left out),
    or the 400 of one that is no number (until a review on 2026-12-07 ``"x"`` was
    stored, and a range read through the name later was the 400 of a ``range.sheet_id``
    the caller never sent)."""
    rng = named.get("range")
    if isinstance(rng, dict) and "sheetId" in rng:
        number = sheet_number(rng["sheetId"], "named_range.range.sheet_id")
        if number:
            rng["sheetId"] = number
        else:
            del rng["sheetId"]


def add_named_range(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    named = copy.deepcopy(req.get("namedRange", {}))
    _named_sheet(named)
    name = named.get("name", "")
    if any(n["name"] == name for n in book.named_ranges):
        raise bad_request(f"Named range with name {name} already exists.")
    named.setdefault("namedRangeId", str(secrets.randbelow(2_000_000_000)))
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": _named_out(named)}}


def delete_named_range(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    rid = req.get("namedRangeId")
    if not any(n["namedRangeId"] == rid for n in book.named_ranges):
        raise bad_request(f"No named range with id {rid}")
    book.named_ranges = [n for n in book.named_ranges if n["namedRangeId"] != rid]
    return None


def update_named_range(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    src = req.get("namedRange", {})
    for named in book.named_ranges:
        if named["namedRangeId"] == src.get("namedRangeId"):
            apply_update(named, src, req.get("fields", ""))
            _named_sheet(named)
            named["namedRangeId"] = src["namedRangeId"]
            return None
    raise bad_request(f"No named range with id {src.get('namedRangeId')}")


def _group(book: Spreadsheet, req: dict[str, Any], add: bool) -> Reply:
    rng = req.get("range", {})
    sheet = grid_sheet(book, rng.get("sheetId"), "range.sheet_id")
    if add:
        return {"addDimensionGroup": {"dimensionGroups": dimensions.add_group(sheet, rng)}}
    groups = dimensions.delete_group(sheet, rng)
    return {"deleteDimensionGroup": {"dimensionGroups": groups} if groups else {}}


def _update_group(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    group = req.get("dimensionGroup", {})
    sheet = grid_sheet(
        book, group.get("range", {}).get("sheetId"), "dimension_group.range.sheet_id"
    )
    dimensions.update_group(sheet, group, str(req.get("fields", "")))
    return None


def _sheet_extra(key: str, field: str, clear: bool = False) -> Handler:
    def handler(book: Spreadsheet, req: dict[str, Any]) -> Reply:
        sheet = grid_sheet(
            book,
            req.get("sheetId") if clear else req.get(field, {}).get("range", {}).get("sheetId"),
            "sheet_id" if clear else f"{field}.range.sheet_id",
        )
        if clear:
            sheet.extra.pop(key, None)
        else:
            value = copy.deepcopy(req[field])
            rng = value.setdefault("range", {})
            rng.setdefault("startRowIndex", 0)
            rng.setdefault("endRowIndex", sheet.row_count)
            rng.setdefault("startColumnIndex", 0)
            rng.setdefault("endColumnIndex", sheet.col_count)
            if not rng.get("sheetId"):
                rng.pop("sheetId", None)
            sheet.extra[key] = value
        return None

    return handler


from sheets_sync.emulator.protected import (  # noqa: E402
    PROTECTED_MESSAGE,
    add_protected_range,
    delete_protected_range,
)

HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "duplicateSheet": duplicate_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "updateCells": cells.update_cells,
    "repeatCell": cells.repeat_cell,
    "setDataValidation": cells.set_data_validation,
    "mergeCells": cells.merge_cells,
    "unmergeCells": cells.unmerge_cells,
    "sortRange": cells.sort_range,
    "copyPaste": cells.copy_paste,
    "cutPaste": lambda b, r: cells.copy_paste(b, r, cut=True),
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "moveDimension": move_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize_dimensions,
    "addNamedRange": add_named_range,
    "deleteNamedRange": delete_named_range,
    "updateNamedRange": update_named_range,
    "addDimensionGroup": lambda b, r: _group(b, r, add=True),
    "deleteDimensionGroup": lambda b, r: _group(b, r, add=False),
    "updateDimensionGroup": _update_group,
    "addConditionalFormatRule": conditional.add_rule,
    "updateConditionalFormatRule": conditional.update_rule,
    "deleteConditionalFormatRule": conditional.delete_rule,
    "setBasicFilter": _sheet_extra("basicFilter", "filter"),
    "clearBasicFilter": _sheet_extra("basicFilter", "filter", clear=True),
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "addFilterView": views.add_filter_view,
    "updateFilterView": views.update_filter_view,
    "deleteFilterView": views.delete_filter_view,
    "addSlicer": views.add_slicer,
    "addChart": views.add_chart,
    "updateChartSpec": views.update_chart_spec,
    "deleteEmbeddedObject": views.delete_embedded_object,
}


def _snake(name: str) -> str:
    """A request kind as Google's field paths spell it: ``deleteSheet`` -> ``delete_sheet``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def batch_update(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    requests = body.get("requests")
    if not isinstance(requests, list) or not requests:
        raise bad_request("Must specify at least one request.")
    check_enums(requests)  # the whole body is parsed first, as Google parses it
    snapshot, fills = copy.deepcopy(book.to_json()), fills_of(book)
    replies: list[dict[str, Any]] = []
    try:
        for i, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise bad_request(f"Invalid requests[{i}]: exactly one request kind must be set.")
            kind, payload = next(iter(request.items()))
            handler = HANDLERS.get(kind)
            if handler is None:
                raise bad_request(
                    f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': "
                    "Cannot find field."
                )
            try:
                reply = handler(book, payload or {})
            except FieldError as err:  # named by its path from the body, as Google does
                at = f"requests[{i}].{_snake(kind)}.{err.field}"
                raise invalid_field(at, err.value, err.proto) from None
            except ApiError as err:
                prefixed = not err.message.startswith(("Invalid", "Range"))
                if err.code == 400 and prefixed and err.message != PROTECTED_MESSAGE:
                    err.message = f"Invalid requests[{i}].{kind}: {err.message}"
                raise
            replies.append(reply or {})
            book.unsettled = True  # the next request sees this one's result (copy_paste)
        recalc(book)
    except Exception:
        restored = Spreadsheet.from_json(snapshot)
        keep_fills(fills, restored)
        book.__dict__.update(restored.__dict__)
        raise
    book.touch()
    out: dict[str, Any] = {"spreadsheetId": book.spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        from sheets_sync.emulator.resource import spreadsheet_resource

        out["updatedSpreadsheet"] = spreadsheet_resource(book, {})
    return out
