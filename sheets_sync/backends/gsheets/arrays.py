"""Cells another cell fills: an array formula's range, judged from the read.

``=ARRAYFORMULA(IF(B2:B, ...))`` typed in one cell (or ``FILTER``, ``SORT``, ``UNIQUE``,
``SEQUENCE``, ``QUERY``, ``IMPORTRANGE``..., which fill a range on their own) fills the
cells right of and below it. Google keeps the formula in that first cell, the anchor; a
filled cell is served with its ``effectiveValue`` and no ``userEnteredValue`` (a typed
value has one; probe of real Google: cartularium/cartularium,
``packages/assay/docs/gsheets-celldata-probes.md``, 9.a-9.c). A value written into a
filled cell stops the array: the anchor shows ``#REF!`` ("Array result was not expanded
because it would overwrite data in R5") and the team's whole column is gone. Until
2026-12-06 the read asked only ``userEnteredValue.formulaValue``, so a filled cell looked
like a typed one and the sync wrote into it every night.

Google names no array's range: it is found from the cells (``filled_ranges``); the range
is the box of the anchor and its filled cells, stretched to the size an ``ARRAYFORMULA``'s
ranges give it (``reach``). A blank result is no value at all (probe 9.b), so blank cells
past the last filled one of any other array are not known to be the array's
(docs/write-safety.md, Known gaps). A filled cell no formula claims (a pivot table's, a
connected-data table's) is refused too, naming no anchor. An array broken already fills
nothing; its anchor's ``#REF!`` names the cell in its way (``blocked``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_sync.errors import WorkbookError
from sheets_sync.grid import BoxIndex, CellRange, CellWrite, a1, array_shape, column_index

Cell = tuple[int, int]  # 1-based (row, column)


@dataclass(frozen=True)
class Filled:
    """A range another cell fills: ``anchor`` holds its formula (None: not a formula we
    found, a pivot table's output say), ``area`` the anchor and its filled cells. With
    ``blocks``, the array is broken already (Google shows ``#REF!`` in the anchor) and
    ``area`` is the one cell its message names as in the way."""

    area: CellRange
    anchor: Cell | None
    blocks: bool = False


#: ``=ARRAYFORMULA(expr)``, the whole formula (not ``={"Score"; ARRAYFORMULA(...)}``)
_ARRAY = re.compile(r"^=\s*ARRAYFORMULA\s*\((.*)\)\s*$", re.S)
#: the cell Google names in a broken array's ``#REF!`` (probed by no one here: the wording
#: of a public incident report and o-spreadsheet, docs/emulator.md)
_IN_THE_WAY = re.compile(r"would overwrite data in \$?([A-Z]{1,3})\$?([0-9]{1,8})\b")
#: a formula that fills a range on its own, whose ``#REF!`` can be its own: an array
#: literal (``={"Score"; ARRAYFORMULA(...)}``) or a function that spills, and its argument
_NAMES = (
    "ARRAYFORMULA|FILTER|SORT|SORTN|UNIQUE|SEQUENCE|QUERY|IMPORTRANGE|FLATTEN|SPLIT|TRANSPOSE|"
    "MMULT|IMPORTDATA|IMPORTHTML|IMPORTXML|IMPORTFEED|HSTACK|VSTACK|BYROW|BYCOL|MAP|MAKEARRAY|"
    "SCAN|TOCOL|TOROW|CHOOSECOLS|CHOOSEROWS"
)
_SPILLS = re.compile(rf"^=\s*(?:\{{|({_NAMES})\s*\((.*)\)\s*$)", re.S)
#: a formula that may fill a range, a spilling function or an array literal anywhere in it
#: (``=IFERROR(ARRAYFORMULA(H2:J2),)``, ``=INDEX(SPLIT(H2, ","))``): only ranks the
#: formulas a filled cell after blank results may belong to, as no parser here says which
#: of them spill (before 2026-12-06 such a one lost to a plain ``=B1*2`` nearer)
_MAY_SPILL = re.compile(rf"\{{|\b(?:{_NAMES})\s*\(")
#: one cell, of this tab or another (``L2``, ``OKRs!$L$2``): what only passes an error on
_ONE_CELL = re.compile(r"^\s*(?:(?:'(?:[^']|'')*'|[A-Z0-9_.]+)!)?\$?[A-Z]{1,3}\$?[0-9]{1,8}\s*$")


def reach(formulas: Mapping[Cell, str], rows: int) -> dict[Cell, Cell]:
    """The last row and column of each ``=ARRAYFORMULA(expr)``: as big as the largest
    range in ``expr`` (``grid.array_shape``, the emulator's parser), ``B2:B`` open to the
    tab's last row, blank results included, which Google sends no cell for
    (``=ARRAYFORMULA(IF(B2:B="",,...))`` shows nothing on a row with no key result yet;
    ``=ARRAYFORMULA(H2:I4)`` nothing in its I column while I is blank). A range on another
    tab (``Data!$A$2:$C``) says nothing of the size. Only an array seen filling cells is
    stretched so (``filled_ranges``): ``=ARRAYFORMULA(SUM(B2:B))`` is one value; and only
    up to the first typed cell or formula (``_Stops``), as the largest range need not set
    the result's size (``VLOOKUP(A2:A6, H2:J40, 2, 0)`` is five rows)."""
    out: dict[Cell, Cell] = {}
    for (row, col), text in formulas.items():
        m = _ARRAY.match(text.upper())
        if m is None or "TRANSPOSE(" in m.group(1):  # its rows are columns: size unknown
            continue
        height, width = array_shape(m.group(1), rows)
        if height * width > 1:
            last = row + height - 1
            out[(row, col)] = (min(last, rows) if rows else last, col + width - 1)
    return out


def spills(formula: str) -> bool:
    """Whether ``formula`` fills a range on its own (``_SPILLS``), not passing one cell on
    (``=ARRAYFORMULA(L2)``): ``=ROW()*2`` never fills a cell beside or below it."""
    m = _SPILLS.match(formula.upper())
    return m is not None and not (m.group(1) and _ONE_CELL.match(m.group(2)))


def blocked(cell: Mapping[str, Any], at: Cell, formula: str) -> Filled | None:
    """An array Google could not expand: its anchor's ``#REF!`` names the cell in the
    way ("Array result was not expanded because it would overwrite data in M2."). Nothing
    is filled any more, so no filled cell tells of it: a sync that wrote M2 would write it
    again every night, unseen. A formula that reads the broken anchor (``=OKRs!L2``,
    ``=L2``) shows the same ``#REF!``, the same message: only a formula that spills, not
    passing one cell on, whose named cell lies at or below and right of it, is taken for
    the broken one (before 2026-12-06 such a copy refused its tab's M2 or named itself)."""
    error = cell.get("effectiveValue", {}).get("errorValue")
    if not isinstance(error, Mapping) or error.get("type") != "REF":
        return None
    m = _IN_THE_WAY.search(str(error.get("message", "")))
    if m is None:
        return None
    if not spills(formula):
        return None
    row, col = int(m.group(2)), column_index(m.group(1))
    if row < at[0] or col < at[1]:
        return None
    return Filled(CellRange(row, col, row, col), at, blocks=True)


def filled_ranges(
    filled: Collection[Cell],
    entered: Collection[Cell],
    formulas: Mapping[Cell, str],
    reaches: Mapping[Cell, Cell] | None = None,
) -> tuple[Filled, ...]:
    """The ranges the ``filled`` cells (a value, none entered) belong to; ``entered`` are
    the cells with a ``userEnteredValue``, ``formulas`` the formula of each cell holding
    one. A filled cell takes the anchor of the filled cell above it, or the formula right
    above it (teams put one ARRAYFORMULA atop each computed column, side by side), else
    those of the cell left of it (an array's range is a box: neither if an entered cell
    lies between that anchor and this cell), else the formula left of it if that spills,
    else the nearer formula found going up or left over blank results, one that spills
    first, then one that may (``_MAY_SPILL``). ``reaches``: the last row and column an
    anchor's formula says it fills (``reach``), for an anchor seen filling a cell."""
    if not filled:
        return ()
    up, back = _Nearest(entered, 0), _Nearest(entered, 1)
    spilling: dict[Cell, tuple[bool, bool]] = {}

    def rank(at: Cell) -> tuple[bool, bool]:  # asked of few cells: most filled cells go on
        if at not in spilling:  # False first: spills of itself, then may spill
            text = formulas.get(at, "")
            spilling[at] = (not spills(text), not _MAY_SPILL.search(text.upper()))
        return spilling[at]

    owner: dict[Cell, Cell | None] = {}
    for r, c in sorted(filled):
        above, left = (r - 1, c), (r, c - 1)
        mine = owner.get(above)
        theirs = owner.get(left)
        anchor: Cell | None
        # an array's range is a box: one anchored left of this column cannot fill this
        # cell if a formula or a value lies on this row from its column to here (arrays
        # stacked one a row, each its own: before 2026-12-06 they all took the first row's
        # anchor; until the evening only a formula left of the cell matching _SPILLS ended
        # it, so ``=IFERROR(ARRAYFORMULA(H2:J2),)`` a row gave A1:C3, A2:B2, A3:B3)
        if mine and not (mine[1] < c and (b := back.before(r, c)) and b[1] >= mine[1]):
            anchor = mine  # a column's array goes on
        elif above in formulas:  # one array a column, side by side: each its own
            anchor = above
        # likewise one anchored above this row cannot if a formula or a value lies in this
        # column from its row to here (A1's column array with a blank A3 gave B3's column
        # array's B5 to A1, and typed B1:B2 were refused every night, until 2026-12-06)
        elif theirs and ((u := up.before(r, c)) is None or u[0] < theirs[0]):
            anchor = theirs  # a row's, or a 2-D array's first row, goes on
        elif left in formulas and not rank(left)[0]:
            anchor = left
        else:  # after blank results: the nearer formula up or left, over blanks
            seen = [a for a in (up.before(r, c), back.before(r, c)) if a and a in formulas]
            near = sorted((*rank(a), abs(r - a[0]) + abs(c - a[1]), a) for a in seen)
            anchor = near[0][-1] if near else None
        owner[(r, c)] = anchor
    boxes: dict[Cell, list[int]] = {}
    alone: list[Filled] = []
    for (r, c), anchor in owner.items():
        if anchor is None:
            alone.append(Filled(CellRange(r, c, r, c), None))
            continue
        box = boxes.setdefault(anchor, [anchor[0], anchor[1], anchor[0], anchor[1]])
        box[2], box[3] = max(box[2], r), max(box[3], c)
    if reaches:
        stops = _Stops(set(entered) | set(formulas))
        for anchor, box in boxes.items():
            if anchor in reaches:
                box[2] = stops.down(box, reaches[anchor][0])
                box[3] = stops.right(box, reaches[anchor][1])
    found = [Filled(CellRange(b[0], b[1], b[2], b[3]), anchor) for anchor, b in boxes.items()]
    return tuple(sorted(found, key=lambda f: (f.area.min_row, f.area.min_col))) + tuple(alone)


class _Nearest:
    """The first entered cell up a column (``axis`` 0) or left along a row (1) from a
    cell, by bisection: walking cell by cell over a column's blank results made a read
    quadratic (1.7 s for 4,000 rows of alternating blanks, before 2026-12-06). Indexed
    when first asked: most tabs never are."""

    def __init__(self, entered: Collection[Cell], axis: int) -> None:
        self.entered = entered
        self.axis = axis
        self.lines: dict[int, list[int]] | None = None

    def line(self, across: int) -> list[int]:
        if self.lines is None:
            self.lines = {}
            for cell in self.entered:
                self.lines.setdefault(cell[1 - self.axis], []).append(cell[self.axis])
            for line in self.lines.values():
                line.sort()
        return self.lines.get(across, [])

    def before(self, r: int, c: int) -> Cell | None:
        along, across = ((r, c), (c, r))[self.axis]
        line = self.line(across)
        at = bisect_left(line, along) - 1
        if at < 0:
            return None
        return (line[at], c) if self.axis == 0 else (r, line[at])

    def after(self, along: int, across: int) -> int | None:
        """The first entered cell's row (axis 0) or column (1) past ``along``."""
        line = self.line(across)
        at = bisect_right(line, along)
        return line[at] if at < len(line) else None


class _Stops:
    """Where an ``ARRAYFORMULA``'s stretch (``reach``) ends: before the first row or column
    holding a typed cell or a formula. An anchor showing a value, not ``#REF!``, proves none
    lies in its real range; the largest range of a formula need not set its result's size
    (``IF(LEN(A2:A), MMULT(N(B2:D), {1;1;1}),)`` is one column, ``VLOOKUP(A2:A6, H2:J40, 2,
    0)`` five rows), and stretched over the owned cells beside it, it refused them every
    night (before 2026-12-06)."""

    def __init__(self, stops: Collection[Cell]) -> None:
        self.columns, self.rows = _Nearest(stops, 0), _Nearest(stops, 1)

    def down(self, box: list[int], last: int) -> int:
        for c in range(box[1], box[3] + 1):
            if last <= box[2]:
                break
            if (r := self.columns.after(box[2], c)) is not None:
                last = min(last, r - 1)
        return max(box[2], last)

    def right(self, box: list[int], last: int) -> int:
        for r in range(box[0], box[2] + 1):
            if last <= box[3]:
                break
            if (c := self.rows.after(box[3], r)) is not None:
                last = min(last, c - 1)
        return max(box[3], last)


def check(writes: Sequence[CellWrite], found: Mapping[str, Sequence[Filled]], source: str) -> None:
    """Refuse, naming the first owned cell inside a filled range, before anything is sent
    (as the Excel backend refuses one inside an array formula's range): the whole team,
    every night, until the formula or the owned column moves. A range every cell of which
    is written goes whole, as in Excel: its formula is replaced, nothing is broken. An
    array broken already is refused naming the written cell in its way, unless its anchor
    is written too. Each range is indexed once and its cover judged once: scanning every
    range for every write, and every cell of a range again, made a night quadratic (12 s
    for 2,000 two-cell arrays, 28 s for a 4,000-row one written whole, before 2026-12-06)."""
    by_tab: dict[str, set[Cell]] = {}
    for w in writes:
        by_tab.setdefault(w.sheet, set()).add((w.row, w.col))
    tabs: dict[str, _Tab] = {}
    for w in writes:
        if not found.get(w.sheet):
            continue
        tab = tabs.get(w.sheet) or tabs.setdefault(w.sheet, _Tab(found[w.sheet], by_tab[w.sheet]))
        if (fill := tab.refused(w.row, w.col)) is not None:
            raise WorkbookError(_message(fill), source=source, tab=w.sheet, cell=a1(w.row, w.col))


class _Tab:
    """One tab's ranges, indexed for the writes to it (``written``)."""

    def __init__(self, fills: Sequence[Filled], written: Collection[Cell]) -> None:
        self.written = written
        self.blocks = {
            (f.area.min_row, f.area.min_col): f
            for f in fills
            if f.blocks and f.anchor not in written
        }
        self.ranges: dict[CellRange, Filled] = {}
        for f in fills:
            if not f.blocks:
                self.ranges.setdefault(f.area, f)
        self.index = BoxIndex(tuple(self.ranges))
        self.covered: dict[CellRange, bool] = {}

    def refused(self, row: int, col: int) -> Filled | None:
        if (row, col) in self.blocks:
            return self.blocks[(row, col)]
        area = self.index.find(row, col)
        if area is None:
            return None
        fill = self.ranges[area]
        if fill.anchor is None:
            return fill
        if area not in self.covered:
            self.covered[area] = all(
                (r, c) in self.written
                for r in range(area.min_row, area.max_row + 1)
                for c in range(area.min_col, area.max_col + 1)
            )
        return None if self.covered[area] else fill


def _message(fill: Filled) -> str:
    if fill.anchor is None:
        return (
            "owned cell shows a value no one typed there: another cell fills it (an array "
            "formula, a pivot table or a connected-data table); writing it would break "
            "that. Move it or the owned column."
        )
    anchor = a1(*fill.anchor)
    if fill.blocks:
        here = a1(fill.area.min_row, fill.area.min_col)
        return (
            f"the sync's value in {here} blocks the array formula in {anchor} (Google shows "
            "#REF! there); writing it again keeps that formula broken. Clear the owned "
            "cells inside the range the formula fills, or move the formula or the owned "
            "column."
        )
    return (
        f"owned cell lies inside the range {fill.area} that the array formula in {anchor} "
        "fills (ARRAYFORMULA, or a formula that spills, such as FILTER or SORT); writing "
        "it would break that formula (Google shows #REF! in its place). Move the formula "
        "or the owned column."
    )


__all__ = ["Filled", "blocked", "check", "filled_ranges", "reach", "spills"]
