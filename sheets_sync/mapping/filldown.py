"""Fill-down in the rows layout: a blank cell of a ``fill_down`` field takes the value of
the row above, an objective's cells within that objective only (docs/mappings.md)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.values import CellValueError, parse_text
from sheets_sync.grid import CellRange, CellValue, SheetGrid

#: the objective's cells a row of another objective does not fill down from the one above
_OBJECTIVE_CELLS = ("objective", "objective_type", "aligns_to")


class FillDown:
    """What the rows above a tab's row leave it: each ``fields`` value last typed (or
    filled), the row it was typed on, and the last objective ID a row named."""

    def __init__(
        self,
        fields: Sequence[str],
        grid: SheetGrid | None = None,
        columns: Mapping[str, int] | None = None,
    ) -> None:
        self.fields = fields
        self.grid = grid  # the merges' values
        #: the fields' columns: a merge's value is its first column's (``_top_left``)
        self.columns: Mapping[str, int] = columns or {}
        self.carry: dict[str, CellValue] = {}
        self.rows: dict[str, int] = {}  # the row each carried value was set on
        #: ``id_key`` of the objective ID the last row naming one named, whether or not
        #: ``objective_id`` fills down (until 2026-12-07 known only when it did, so a
        #: ``fill_down: [objective, ...]`` passed O1's title on to a blank O2)
        self.objective: str | None = None
        #: the row of the formula with no value each field's blank below it is unknown by
        #: (its own row's, or a hidden merge's top-left cell's): ``unknown_row``
        self.unknown_at: dict[str, int] = {}
        self._cells: dict[tuple[tuple[str, int, int], ...], tuple[tuple[str, int, int], ...]] = {}

    def fill(
        self,
        values: dict[str, CellValue],
        row: int,
        merged: Mapping[str, CellRange],
        unknown: Collection[str] = (),
    ) -> dict[str, tuple[int, int]]:
        """Fill ``values``' (row ``row``'s) blank ``fields`` from the rows above, then
        carry this row's filled ones on. ``merged``: the fields whose cell a merge from a
        row above covers, with that merge: a blank there is the merge's value (its
        top-left cell's, as Excel shows it) when the merge's first row is hidden (until
        2026-12-07 the rows below then took the objective above's cells: the KRs of an O2
        merged down from a hidden row scored under O1). ``unknown``: the fields whose cell
        is a formula with no value: blank for the reading, but not left blank to mean "as
        above", so not filled, and what the rows below leave blank unknown too (until
        2026-12-07 an objective ID ``="O"&"2"`` so saved read as O1 from the row above,
        and the warning said it read as empty). An unknown objective ID is another
        objective's, for its cells; so is one a merge from a hidden row shows whose
        top-left cell is a formula with no value (until 2026-12-07 the objective above's
        filled it: KR3 and KR4 scored under O1). Returns the fields filled, each with the
        (row, column) of the cell it came from (``RowRecord.filled``)."""
        filled: dict[str, tuple[int, int]] = {}
        at: dict[str, int] = {}  # the unknown fields a hidden merge's top-left cell left so
        # the fields a hidden merge's top-left cell gives: that cell is where the value is
        # from (until 2026-12-07 each row of the merge was, so its error said at each)
        boxed: dict[str, tuple[int, int]] = {}
        for name in merged if self.grid is not None and self.grid.hidden_rows else ():
            if name in self.fields and values.get(name) is None and name not in unknown:
                if not self._top_left(name, merged[name]):
                    continue  # blank, as the merge's other cells read with its row shown
                if self._merge_unknown(merged[name]):
                    unknown = {*unknown, name}
                    at[name] = merged[name].min_row
                else:
                    values[name] = self._merge_value(merged[name])
                    boxed[name] = (merged[name].min_row, merged[name].min_col)
        self._new_objective(values, merged, "objective_id" in unknown)
        for name in self.fields:
            if name not in values:
                continue
            if name in unknown:
                self.carry.pop(name, None)
                self.rows.pop(name, None)
                self.unknown_at[name] = at.get(name, row)
            elif values[name] is not None:  # typed on this row, or its hidden merge's
                self.carry[name], self.rows[name] = values[name], boxed.get(name, (row,))[0]
                self.unknown_at.pop(name, None)
                if name in boxed:
                    filled[name] = boxed[name]
            elif name in self.carry:
                values[name] = self.carry[name]
                if name in self.columns:
                    filled[name] = (self.rows[name], self.columns[name])
        return filled

    def cells_of(self, filled: Mapping[str, tuple[int, int]]) -> tuple[tuple[str, int, int], ...]:
        """``RowRecord.filled`` of a row ``filled`` so (by ``fill`` or ``block_row``): one
        tuple for the rows filled alike (an objective's key results), held and pickled
        once (a tuple a row made a 5,000-row tab's read cache 42 % larger)."""
        if not filled:
            return ()
        cells = tuple((name, *at) for name, at in filled.items())
        return self._cells.setdefault(cells, cells)

    def unknown_row(self, name: str, row: int) -> int:
        """The row of the formula with no value that left field ``name`` of row ``row``
        (just filled) unknown, above it (a hidden merge's top-left cell, or a shown cell
        whose blanks below stay unknown), or 0: its "objective ID is missing" names it
        (until 2026-12-07 it said nothing of why). Its own row's warning is beside it."""
        at = self.unknown_at.get(name, 0)
        return at if at != row else 0

    def _merge_value(self, box: CellRange) -> CellValue:
        """The value of merge ``box`` when its first row is hidden (skipped, so its value
        was not carried, and is taken as typed on each row of it); None otherwise."""
        if self.grid is None or box.min_row not in self.grid.hidden_rows:
            return None
        line = self.grid.rows[box.min_row - 1] if box.min_row <= len(self.grid.rows) else ()
        return line[box.min_col - 1] if box.min_col <= len(line) else None

    def _top_left(self, name: str, box: CellRange) -> bool:
        """Field ``name``'s column is merge ``box``'s first, whose value the merge holds: a
        merge over the Objective ID and Objective columns from a hidden row gave its ID
        to both until 2026-12-07 (O2 titled "O2"); with the row shown the title's cell
        holds none, blank (a field of unknown column is taken as the first)."""
        return self.columns.get(name, box.min_col) == box.min_col

    def _merge_unknown(self, box: CellRange) -> bool:
        """Merge ``box``'s first row is hidden and its top-left cell a formula with no value
        (``SheetGrid.uncalculated``; said on that cell by ``uncalculated_skipped``)."""
        grid = self.grid
        return (
            grid is not None
            and box.min_row in grid.hidden_rows
            and (box.min_row, box.min_col) in grid.uncalculated
        )

    def _new_objective(
        self, values: dict[str, CellValue], merged: Mapping[str, CellRange], unknown: bool
    ) -> None:
        """A row naming another objective ID than the rows above starts that objective:
        its blank title, type and Aligns to are its own (untitled, committed, aligned to
        nothing), not the objective above's. Until 2026-12-07 they filled down across the
        new ID: an O2 below an aspirational O1 aligned to C1 was O1's title, aspirational
        and under C1. A cell merged down over both objectives' rows is typed for both, if
        the merge holds a value: an empty one straddling them (its value, if any, set
        above the merge) passed O1's on to O2 until 2026-12-07."""
        typed = "" if unknown else _objective_key(values.get("objective_id"))
        if typed is None:  # "": a formula with no value, another objective than any
            return
        if self.objective is not None and typed != self.objective:
            for name in _OBJECTIVE_CELLS:
                first = merged.get(name)
                if first is None or self.rows.get(name, 0) < first.min_row:
                    self.carry.pop(name, None)
        self.objective = typed


def _objective_key(value: CellValue) -> str | None:
    try:
        text = parse_text(value)
    except CellValueError:  # an error cell: the row's own finding, nothing to compare
        return None
    return None if text is None else id_key(text)
