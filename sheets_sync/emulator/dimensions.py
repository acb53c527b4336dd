"""Row/column structure changes: insert, delete, append, properties and groups. Cells, merges
and metadata shift with the grid like they do in Sheets."""

from __future__ import annotations

from typing import Any

from sheets_sync.emulator.errors import bad_request
from sheets_sync.emulator.shifting import range_sides, shift_sheet_ranges
from sheets_sync.emulator.state import Sheet, Spreadsheet

DEFAULT_PIXELS = {"ROWS": 21, "COLUMNS": 100}


def _axis(dimension: str) -> int:
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad_request(f"dimension must be ROWS or COLUMNS, not {dimension!r}")
    return 0 if dimension == "ROWS" else 1


def _count_key(dimension: str) -> str:
    return "rowCount" if dimension == "ROWS" else "columnCount"


def _meta(sheet: Sheet, dimension: str) -> dict[int, dict[str, Any]]:
    return sheet.row_meta if dimension == "ROWS" else sheet.col_meta


def _shift_ranges(sheet: Sheet, dimension: str, start: int, delta: int) -> None:
    lo, hi = range_sides(dimension)
    kept = []
    for merge in sheet.merges:
        a, b = merge.get(lo, 0), merge.get(hi, 0)
        if delta > 0:
            if a >= start:
                a += delta
            if b > start:
                b += delta
        else:
            end = start - delta
            a = a if a < start else max(start, a + delta if a >= end else start)
            b = b if b <= start else (b + delta if b >= end else start)
        if b - a > 0:
            merge[lo], merge[hi] = a, b
            kept.append(merge)
    sheet.merges = kept


def insert_dimension(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    axis, count = _axis(dimension), end - start
    if start < 0 or count <= 0:
        raise bad_request("range is empty")  # batch_update names the request
    if start > sheet.grid[_count_key(dimension)]:
        raise bad_request(
            f"range.startIndex ({start}) must be less than "
            f"or equal to the sheet's {'row' if axis == 0 else 'column'} count"
        )
    moved = {}
    for key, cell in sheet.cells.items():
        pos = list(key)
        if pos[axis] >= start:
            pos[axis] += count
        moved[(pos[0], pos[1])] = cell
    sheet.cells = moved
    meta = _meta(sheet, dimension)
    shifted = {(i + count if i >= start else i): v for i, v in meta.items()}
    meta.clear()
    meta.update(shifted)
    _shift_ranges(sheet, dimension, start, count)
    shift_sheet_ranges(book, sheet, dimension, start, count)
    sheet.grid[_count_key(dimension)] += count


def delete_dimension(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int) -> None:
    axis = _axis(dimension)
    total = sheet.grid[_count_key(dimension)]
    end = min(end, total)
    if end - start >= total:
        what = "rows" if axis == 0 else "columns"
        raise bad_request(f"You can't delete all the {what} on the sheet.")
    count = end - start
    moved = {}
    for key, cell in sheet.cells.items():
        pos = list(key)
        if start <= pos[axis] < end:
            continue
        if pos[axis] >= end:
            pos[axis] -= count
        moved[(pos[0], pos[1])] = cell
    sheet.cells = moved
    meta = _meta(sheet, dimension)
    shifted = {(i - count if i >= end else i): v for i, v in meta.items() if not start <= i < end}
    meta.clear()
    meta.update(shifted)
    _shift_ranges(sheet, dimension, start, -count)
    shift_sheet_ranges(book, sheet, dimension, start, -count)
    sheet.grid[_count_key(dimension)] = total - count


def append_dimension(sheet: Sheet, dimension: str, length: int) -> None:
    _axis(dimension)  # DIMENSION_UNSPECIFIED grew columns until a review on 2026-12-08
    if length <= 0:
        raise bad_request("length must be positive")  # batch_update names the request
    sheet.grid[_count_key(dimension)] += length


def update_properties(
    sheet: Sheet, dimension: str, start: int, end: int, props: dict[str, Any], fields: str
) -> None:
    from sheets_sync.emulator.fields import apply_update

    meta = _meta(sheet, dimension)
    end = min(end, sheet.grid[_count_key(dimension)])
    for i in range(start, end):
        entry = meta.setdefault(i, {})
        apply_update(entry, props, fields)
        if not entry:
            del meta[i]


def dimension_metadata(sheet: Sheet, dimension: str, start: int, end: int) -> list[dict[str, Any]]:
    meta = _meta(sheet, dimension)
    out = []
    for i in range(start, end):
        entry = {"pixelSize": DEFAULT_PIXELS[dimension], **meta.get(i, {})}
        out.append(entry)
    return out


def _groups_key(dimension: str) -> str:
    return "rowGroups" if dimension == "ROWS" else "columnGroups"


def add_group(sheet: Sheet, rng: dict[str, Any]) -> list[dict[str, Any]]:
    dimension = rng.get("dimension", "ROWS")
    groups: list[dict[str, Any]] = sheet.extra.setdefault(_groups_key(dimension), [])
    start, end = int(rng.get("startIndex", 0)), int(rng["endIndex"])
    depth = 1 + sum(
        1
        for g in groups
        if g["range"].get("startIndex", 0) <= start and end <= g["range"]["endIndex"]
    )
    groups.append(
        {"range": {"dimension": dimension, "startIndex": start, "endIndex": end}, "depth": depth}
    )
    groups.sort(key=lambda g: (g["depth"], g["range"].get("startIndex", 0)))
    control = "rowGroupControlAfter" if dimension == "ROWS" else "columnGroupControlAfter"
    sheet.grid[control] = True
    return [_group_out(g) for g in groups]


def delete_group(sheet: Sheet, rng: dict[str, Any]) -> list[dict[str, Any]]:
    dimension = rng.get("dimension", "ROWS")
    key = _groups_key(dimension)
    groups: list[dict[str, Any]] = sheet.extra.get(key, [])
    start, end = int(rng.get("startIndex", 0)), int(rng["endIndex"])
    for g in sorted(groups, key=lambda g: -g["depth"]):
        if g["range"].get("startIndex", 0) == start and g["range"]["endIndex"] == end:
            groups.remove(g)
            break
    if not groups:
        sheet.extra.pop(key, None)
    return [_group_out(g) for g in groups]


def update_group(sheet: Sheet, group: dict[str, Any], fields: str) -> None:
    """``updateDimensionGroup`` (the UI's collapse and expand): the group of that range and
    depth takes ``collapsed``, and, as the API documents, "when this property is updated,
    all dimensions within it are set to hidden if this field is true, or set to visible if
    this field is false" (``hiddenByUser``)."""
    rng = group.get("range", {})
    dimension = rng.get("dimension", "ROWS")
    start, end = int(rng.get("startIndex", 0)), int(rng.get("endIndex", 0))
    depth = int(group.get("depth", 0))
    for g in sheet.extra.get(_groups_key(dimension), []):
        if (g["range"].get("startIndex", 0), g["range"]["endIndex"], g["depth"]) == (
            start,
            end,
            depth,
        ):
            break
    else:
        raise bad_request(f"No dimension group at depth {depth} with range {start}:{end}")
    if "collapsed" not in fields and "*" not in fields:
        return
    g.pop("collapsed", None)  # Google leaves out a false one
    hidden = {"hiddenByUser": True} if group.get("collapsed") else {}
    if hidden:
        g["collapsed"] = True
    update_properties(sheet, dimension, start, end, hidden, "hiddenByUser")


def _group_out(group: dict[str, Any]) -> dict[str, Any]:
    out = {"range": dict(group["range"]), "depth": group["depth"]}
    if group.get("collapsed"):
        out["collapsed"] = True
    return out
