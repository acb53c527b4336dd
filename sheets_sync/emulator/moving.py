"""``moveDimension``: rows or columns dragged to another place (the Sheets UI's drag of a
row or column header, gspread's ``Worksheet.batch_update`` of a MoveDimensionRequest).

The API: ``destinationIndex`` is "the zero-based start index of where to move the source
data to, based on the coordinates *before* the source data is removed from the grid.
Existing data will be shifted down or right ... to make room for the moved dimensions";
its example moves rows [1, 3) of A1..A5 = 0, 1, 2, 3, 4 to 4, giving 0, 3, 1, 2, 4.

Cells and row and column properties go with their rows or columns. A merge goes with the
source when the source holds all of it; a move that would break a merge apart (part of it
in the source, or the destination strictly inside it) is refused with a 400, as a merge
cannot be split. Every other range (protected ranges, the basic filter and filter views,
named ranges, conditional formats' ranges, groups) moves as if the source were deleted
and then inserted at its destination, as ``shifting`` moves ranges on a deletion and an
insertion: one inside the source goes with it; one holding the whole source with the
destination inside it or on its edge stays as it is (the move only reorders its rows or
columns); any other one shrinks by the part of it moved away and grows by the part moved
into it (a protected B:C whose C is dragged to A is C:C after, protecting the old B).
A filter's criteria and sorts go with their columns (one dragged out of the filter's range
goes; sortSpecs stayed on their index until a review on 2026-12-07).
What Google does with a range a move cuts is not recorded anywhere we could check.
A destination strictly inside the source (the API documents none) is refused with a 400.
Formulas are not rewritten (nor are they on an insertion: Known gaps)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sheets_sync.emulator.errors import bad_request
from sheets_sync.emulator.ranges import format_area
from sheets_sync.emulator.shifting import range_sides, shift_index
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


class Move:
    """Rows or columns [start, end) moved to ``dest`` (old coordinates) on a grid of ``total``."""

    def __init__(self, dimension: str, start: int, end: int, dest: int, total: int) -> None:
        self.dimension, self.start, self.end, self.dest, self.total = (
            dimension, start, end, dest, total)  # fmt: skip
        self.place = placer(start, end, dest)

    def range(self, rng: dict[str, Any], lo: str, hi: str) -> None:
        """A range in place (``lo``/``hi`` its keys on this axis); a missing start is 0
        and a missing end the grid's end."""
        a, b = int(rng.get(lo, 0)), int(rng.get(hi, self.total))
        if b <= a:
            return
        start, end, dest, n = self.start, self.end, self.dest, self.end - self.start
        if start <= a and b <= end:  # inside the source: it goes with it
            new_a, new_b = self.place(a), self.place(b - 1) + 1
            if lo in rng or new_a:
                rng[lo] = new_a
            if hi in rng or new_b != self.total:
                rng[hi] = new_b
            return
        if a <= start and end <= b and a <= dest <= b:
            return  # the move reorders rows or columns inside it
        back = dest if dest < start else dest - n

        def shifted(i: int, end_side: bool) -> int:  # the source taken out, then put back
            return shift_index(shift_index(i, start, -n, end_side), back, n, end_side)

        new_a = shifted(a, end_side=False)
        if lo in rng or new_a:
            rng[lo] = new_a
        if hi in rng:
            rng[hi] = shifted(b, end_side=True)

    def grid_range(self, rng: dict[str, Any]) -> None:
        self.range(rng, *range_sides(self.dimension))

    def check_merge(self, sheet: Sheet, merge: dict[str, Any]) -> None:
        lo, hi = range_sides(self.dimension)
        a, b = int(merge.get(lo, 0)), int(merge.get(hi, 0))
        inside = self.start <= a and b <= self.end
        cut = max(a, self.start) < min(b, self.end) and not inside
        if cut or (a < self.dest < b and not inside):
            area = format_area(sheet, int(merge.get("startRowIndex", 0)),
                               int(merge.get("endRowIndex", 0)),
                               int(merge.get("startColumnIndex", 0)),
                               int(merge.get("endColumnIndex", 0)))  # fmt: skip
            raise bad_request(
                f"You can't move {self.dimension.lower()} in a way that breaks apart the merged "
                f"cells {area}; unmerge them first."
            )


def _move_filter(spec: dict[str, Any], move: Move) -> None:
    rng = spec.setdefault("range", {})
    move.grid_range(rng)
    if move.dimension != "COLUMNS":
        return
    a, b = int(rng.get("startColumnIndex", 0)), int(rng.get("endColumnIndex", move.total))

    def kept(col: int) -> bool:
        return a <= col < b

    if "criteria" in spec:
        moved = {move.place(int(c)): v for c, v in spec["criteria"].items()}
        spec["criteria"] = {str(c): v for c, v in moved.items() if kept(c)}
    for specs, at in (("filterSpecs", "columnIndex"), ("sortSpecs", "dimensionIndex")):
        if specs in spec:
            for s in spec[specs]:
                s[at] = move.place(int(s.get(at, 0)))
            spec[specs] = [s for s in spec[specs] if kept(s[at])]


def _move_groups(extra: dict[str, Any], move: Move) -> None:
    for group in extra.get("rowGroups" if move.dimension == "ROWS" else "columnGroups", []):
        move.range(group["range"], "startIndex", "endIndex")


def move_dimension(
    book: Spreadsheet, sheet: Sheet, dimension: str, start: int, end: int, dest: int
) -> None:
    if dimension not in ("ROWS", "COLUMNS"):
        raise bad_request(f"dimension must be ROWS or COLUMNS, not {dimension!r}")
    axis = 0 if dimension == "ROWS" else 1
    total = sheet.row_count if axis == 0 else sheet.col_count
    if not 0 <= start < end <= total:
        raise bad_request(f"Invalid source range [{start}, {end}) of {total} {dimension.lower()}")
    if not 0 <= dest <= total:
        raise bad_request(f"Invalid destinationIndex {dest} of {total} {dimension.lower()}")
    if start < dest < end:
        raise bad_request(
            f"destinationIndex {dest} is inside the source [{start}, {end}): what Google does "
            "then is not documented, so the emulator does not model it."
        )
    if dest in (start, end):
        return  # onto itself: nothing moves
    move = Move(dimension, start, end, dest, total)
    for merge in sheet.merges:
        move.check_merge(sheet, merge)
    place = move.place
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
        move.grid_range(merge)
    extra = sheet.extra
    for prot in extra.get("protectedRanges", []):
        if "range" in prot:
            move.grid_range(prot["range"])
        for u in prot.get("unprotectedRanges", []):
            move.grid_range(u)
    if "basicFilter" in extra:
        _move_filter(extra["basicFilter"], move)
    for view in extra.get("filterViews", []):
        _move_filter(view, move)
    _move_groups(extra, move)
    for rule in extra.get("conditionalFormats", []):
        for rng in rule["ranges"]:
            move.grid_range(rng)
    for n in book.named_ranges:
        rng = n.get("range", {})
        if int(rng.get("sheetId", 0)) == sheet.sheet_id:
            move.grid_range(rng)
