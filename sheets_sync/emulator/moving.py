"""``moveDimension``: rows or columns dragged to another place (the Sheets UI's drag of a
row or column header, gspread's ``Worksheet.batch_update`` of a MoveDimensionRequest).

The API: ``destinationIndex`` is "the zero-based start index of where to move the source
data to, based on the coordinates *before* the source data is removed from the grid.
Existing data will be shifted down or right ... to make room for the moved dimensions";
its example moves rows [1, 3) of A1..A5 = 0, 1, 2, 3, 4 to 4, giving 0, 3, 1, 2, 4.

Cells, row and column properties, merges, protected ranges, the basic filter (its range
and its columns' criteria), filter views, named ranges, conditional formats' ranges and
groups move with the rows or columns they cover, as an insertion moves them
(``shifting``). A range whose rows or
columns the move scatters (part of it moved away) keeps the span from its first to its
last cell's new place: what Google does then is not recorded anywhere we could check.
Formulas are not rewritten (nor are they on an insertion: Known gaps)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sheets_sync.emulator.errors import bad_request
from sheets_sync.emulator.state import Sheet, Spreadsheet

Place = Callable[[int], int]


def placer(start: int, end: int, dest: int) -> Place:
    """Where index ``i`` lands when [start, end) moves to ``dest`` (old coordinates)."""
    n = end - start
    if dest > end:

        def after(i: int) -> int:
            if start <= i < end:
                return i + dest - end
            return i - n if end <= i < dest else i

        return after

    def before(i: int) -> int:
        if start <= i < end:
            return i - (start - dest)
        return i + n if dest <= i < start else i

    return before


def _sides(dimension: str) -> tuple[str, str]:
    if dimension == "ROWS":
        return "startRowIndex", "endRowIndex"
    return "startColumnIndex", "endColumnIndex"


def _span(a: int, b: int, place: Place) -> tuple[int, int]:
    moved = [place(i) for i in range(a, b)]
    return min(moved), max(moved) + 1


def move_range(rng: dict[str, Any], dimension: str, place: Place, total: int) -> None:
    """A ``GridRange`` in place; a missing start is 0 and a missing end the grid's end."""
    lo, hi = _sides(dimension)
    a, b = int(rng.get(lo, 0)), int(rng.get(hi, total))
    if b <= a:
        return
    new_a, new_b = _span(a, b, place)
    if lo in rng or new_a:
        rng[lo] = new_a
    if hi in rng:
        rng[hi] = new_b


def _move_filter(spec: dict[str, Any], dimension: str, place: Place, total: int) -> None:
    move_range(spec.setdefault("range", {}), dimension, place, total)
    if dimension != "COLUMNS":
        return
    if "criteria" in spec:
        spec["criteria"] = {str(place(int(c))): v for c, v in spec["criteria"].items()}
    for s in spec.get("filterSpecs", []):
        s["columnIndex"] = place(int(s.get("columnIndex", 0)))


def _move_groups(extra: dict[str, Any], dimension: str, place: Place) -> None:
    for group in extra.get("rowGroups" if dimension == "ROWS" else "columnGroups", []):
        rng = group["range"]
        rng["startIndex"], rng["endIndex"] = _span(
            int(rng.get("startIndex", 0)), int(rng["endIndex"]), place
        )


def move_dimension(
    book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int, dest: int
) -> None:
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad_request(f"Invalid dimension: {dimension}")
    axis = 0 if dimension == "ROWS" else 1
    total = sheet.row_count if axis == 0 else sheet.col_count
    if not 0 <= start < end <= total:
        raise bad_request(f"Invalid source range [{start}, {end}) of {total} {dimension.lower()}")
    if not 0 <= dest <= total:
        raise bad_request(f"Invalid destinationIndex {dest} of {total} {dimension.lower()}")
    if start <= dest <= end:
        return  # onto itself: nothing moves
    place = placer(start, end, dest)
    moved = {}
    for key, cell in sheet.cells.items():
        pos = list(key)
        pos[axis] = place(pos[axis])
        moved[(pos[0], pos[1])] = cell
    sheet.cells = moved
    meta = sheet.row_meta if axis == 0 else sheet.col_meta
    placed = {place(i): v for i, v in meta.items()}
    meta.clear()
    meta.update(placed)
    for merge in sheet.merges:
        move_range(merge, dimension, place, total)
    extra = sheet.extra
    for prot in extra.get("protectedRanges", []):
        if "range" in prot:
            move_range(prot["range"], dimension, place, total)
        for u in prot.get("unprotectedRanges", []):
            move_range(u, dimension, place, total)
    if "basicFilter" in extra:
        _move_filter(extra["basicFilter"], dimension, place, total)
    for view in extra.get("filterViews", []):
        _move_filter(view, dimension, place, total)
    _move_groups(extra, dimension, place)
    for rule in extra.get("conditionalFormats", []):
        for rng in rule["ranges"]:
            move_range(rng, dimension, place, total)
    for n in book.named_ranges:
        rng = n.get("range", {})
        if int(rng.get("sheetId", 0)) == sheet.sheet_id:
            move_range(rng, dimension, place, total)
