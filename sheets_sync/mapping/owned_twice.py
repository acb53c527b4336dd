"""An owned header (Status, Score...) typed twice on a header row: which column the sync
writes (``header.header_map``), and whether it may write any."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sheets_sync.domain.models import KPIStatus, Status
from sheets_sync.grid import (
    OWNED_FILLS,
    OWNED_HEADER_FILL,
    CellValue,
    FormulaLookup,
    SheetGrid,
    a1,
)
from sheets_sync.mapping.blocks import blank
from sheets_sync.mapping.examples import is_example
from sheets_sync.mapping.fields import KPI_OWNED, OKR_OWNED

_OWNED_FIELDS = frozenset(OKR_OWNED + KPI_OWNED)


#: What the sync writes in a Status cell (``sync.plan``), with the fill it gives each
#: (``sync.styles``: Good, Neutral, Bad, grey): a column of these only, each in its fill,
#: is one it wrote (the mapping, pure, cannot ask the plan; a test holds them together).
SYNC_STATUS_FILLS: Mapping[str, str] = {
    Status.ACHIEVED: "C6EFCE",
    Status.ON_TRACK: "C6EFCE",
    Status.AT_RISK: "FFEB9C",
    Status.OFF_TRACK: "FFC7CE",
    Status.NO_DATA: "D9D9D9",
    KPIStatus.GREEN: "C6EFCE",
    KPIStatus.AMBER: "FFEB9C",
    KPIStatus.RED: "FFC7CE",
    KPIStatus.STALE: "D9D9D9",
    "Not scored": "D9D9D9",
}
SYNC_STATUSES = frozenset(SYNC_STATUS_FILLS)
#: the look the sync gives what it writes in a Score or Expected cell (``sync.plan``)
_LOOK = {
    "score": "every score it writes is in a band colour",
    "expected": "it writes a pace in a percent format",
}
#: the warning's reason for the column the sync writes, by how it knew it
_MARKED = "whose header is styled as its own (grey-blue)"
_WROTE = "which holds the statuses it wrote"


def owned_column(
    grid: SheetGrid,
    row: int,
    header: str,
    name: str,
    cols: list[int],
    rows: WrittenRows,
    warnings: list[tuple[str, str]],
) -> int | str:
    """The column of an owned field whose header (``header``) is typed on ``cols`` (two
    or more), or why the sync may write none (the caller's error, after "appears twice
    (R1 and S1)"; nothing in the file is written).

    The sync writes only the column that carries its mark, and never another: the only
    one whose header is in the fill the template and the sync give owned headers
    (``grid.OWNED_HEADER_FILL``). What a column holds may rule that column out, never pick
    one: fills, number formats and words travel with a copy-paste and stay under what a
    team types over the sync's cells. So a marked Sync notes, Variance or Trend is
    written as if it were alone (the sync writes them plain: nothing rules one out); a
    marked Score or Expected unless a number in it is not in the sync's look for it
    (``_unstyled``: the marks swapped by Format Painter); a marked Status only if writing
    it loses nothing of the team's (*safe*: every cell of it in a row the sync writes is
    blank, a repeat of the header or a status the sync writes in the fill it gives it, and
    no formula); else the tab is refused, naming the first cell it did not write. With
    no mark, or two or more
    (a column inserted beside the sync's copies its header's grey-blue; a file that lost
    its fills; an .ods, whose fills are not read), the sync cannot tell which is its own
    and writes none; but of Status columns, when exactly one is safe and holds a status
    the sync wrote in its fill, and every other holds a value it would not write and no
    status in the sync's fill, that one is the sync's. Each column passed over is warned
    of, naming both cells.

    Until 2026-12-07 the first column won, so a team's own Status added left of the
    sync's was written over; for a day after, a team's Status typed by hand in the sync's
    words won over a template's column not yet written; for a few hours more a team's
    column inserted between the sync's won by its header or its neighbours; until the
    evening the other owned fields kept that old tie-break (neighbours, else the first),
    and a team's Score inserted beside the sync's was written over; and for a few hours
    more what a column held picked it (a score in a band fill, a pace in a percent format,
    a note of the sync's grammar, the only safe column): a column pasted from the sync's,
    or one cell typed in the sync's own (a total under the goals, "n/a"), handed the sync
    a team's column, and its scores were written over every night."""
    marked = [c for c in cols if _marked(grid, row, c)]
    if len(marked) == 1:
        chosen, why = marked[0], _MARKED
        stray = (
            _stray(grid, row, chosen, rows)
            if name == "status"
            else _unstyled(grid, row, chosen, name, rows)
        )
        if stray is not None:
            return _ruled_out(grid, row, name, chosen, cols, stray)
    elif name == "status" and (held := _held(grid, row, cols, rows)) is not None:
        chosen, why = held, _WROTE
    else:
        why = _unmarked(grid, marked, cols)
        over = _typed_over(grid, row, cols, rows) if name == "status" else ""
        return (
            f" and the sync cannot tell which is its own ({why}), so nothing in this file is "
            f"written; rename your own column{over}"
        )
    at = a1(row, chosen)
    for col in cols:
        if col == chosen:
            continue
        other = a1(row, col)
        message = (
            f"column header {header!r} appears {typed_times(row, cols)}; the sync writes {at}, "
            f"{why}, and leaves {other} alone: rename {other} if it is your own"
        )
        if why == _MARKED:  # marks swapped (Format Painter): until 2026-12-07 not said
            message += (
                f"; if {other} is the sync's, give it back its grey-blue header (Format "
                "Painter may have swapped them)"
            )
        warnings.append((other, message))
    return chosen


def _ruled_out(
    grid: SheetGrid, row: int, name: str, chosen: int, cols: Sequence[int], stray: int
) -> str:
    """The error of the marked column ``chosen`` ruled out by its cell in row ``stray``: a
    Status's may be typed over the sync's, a Score's or Expected's not in its look tells
    the marks were swapped (Format Painter); either way the other column may be the
    sync's, and the advice says so."""
    at, value, head = a1(stray, chosen), _holding(grid, stray, chosen), a1(row, chosen)
    rest = [a1(row, c) for c in cols if c != chosen]
    other = rest[0] if len(rest) == 1 else f"one of {', '.join(rest[:-1])} and {rest[-1]}"
    back = f"if {other} is the sync's, give it back its grey-blue header"
    if name != "status":
        return (
            f"; {head} is headed in the grey-blue the sync gives its own, but {at} holds "
            f"{value}, which it did not write ({_LOOK[name]}), and nothing in this file "
            f"is written: if {head} is your own, rename it ({back}), or clear {at}"
        )
    return (
        f"; {head}, whose header is in the grey-blue the sync gives its own, is the sync's, "
        f"but {at} holds {value}, which it did not write, and nothing in this file is "
        f"written: clear {at}, or rename {head} if it is your own ({back})"
    )


def typed_times(row: int, cols: Sequence[int]) -> str:
    """How often a header is typed on ``row``, and where: "twice (F1 and G1)", "3 times
    (F1, G1 and H1)" (until 2026-12-07 "twice (F1 and G1 and H1)")."""
    cells = [a1(row, c) for c in sorted(cols)]
    listed = f"{', '.join(cells[:-1])} and {cells[-1]}"
    return f"{'twice' if len(cells) == 2 else f'{len(cells)} times'} ({listed})"


def _unmarked(grid: SheetGrid, marked: Sequence[int], cols: Sequence[int]) -> str:
    """Why no column shows it is the sync's (``marked``: those headed in grey-blue)."""
    if grid.fills is None:
        return "the colours that show its own are not read in this file"
    if marked:
        many = _NUMBERS.get(len(marked), str(len(marked)))
        if len(marked) == len(cols):
            which = "both are" if len(marked) == 2 else f"all {many} are"
        else:  # two of three: until 2026-12-07 "both are"
            which = f"{many} of them are"
        return f"{which} headed in its grey-blue, which a column inserted beside its own copies"
    return ("neither is" if len(cols) == 2 else "none is") + " headed in its grey-blue"


_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five"}


def _held(grid: SheetGrid, row: int, cols: Sequence[int], rows: WrittenRows) -> int | None:
    """The only Status column of ``cols`` that is safe and holds a status the sync wrote in
    its fill, when every other holds a value the sync would not write (a team's column
    inserted beside the sync's after a night) and no status the sync writes in its fill;
    else None. A column of the sync's statuses with one cell typed over ("n/a") is the
    sync's with a typed cell, not the team's: until 2026-12-07 a snapshot of them pasted
    into a column inserted beside it was taken for the sync's, and written every night."""
    safe = [c for c in cols if _stray(grid, row, c, rows) is None]
    if len(safe) != 1 or not any(rows.written(at) for at, _ in _cells(grid, row, safe[0])):
        return None  # (each cell of a safe column in a row the sync writes is a status)
    if any(_statuses(grid, row, c) for c in cols if c != safe[0]):
        return None
    return safe[0]


def _statuses(grid: SheetGrid, row: int, col: int) -> bool:
    """Whether ``col`` holds a status the sync writes, in the fill it gives it."""
    return any(_status_in_fill(grid, at, col, value) for at, value in _cells(grid, row, col))


def _typed_over(grid: SheetGrid, row: int, cols: Sequence[int], rows: WrittenRows) -> str:
    """Of Status columns none of which the sync may write, the first cell the sync did not
    write in one holding its statuses in their fills (the sync's own, maybe, a cell typed
    over), as the error's advice; "" when none is."""
    for col in cols:
        if _statuses(grid, row, col) and (at := _stray(grid, row, col, rows)) is not None:
            cell = a1(at, col)
            return (
                f", or clear {cell} (it holds {_holding(grid, at, col)} among the statuses "
                f"the sync writes) if {a1(row, col)} is the sync's"
            )
    return ""


class WrittenRows:
    """Which rows below the header row the sync writes, as ``extract`` reads them (it
    writes the rows it reads a goal from): not one whose input cells (a Comment aside) are
    all blank or unchecked, nor a hidden row, an Excel Table's totals row, an example row
    or one repeating the header (``repeats``: its values by field, its cells). A total or
    note typed under the goals is in no such row, and not in the way. ``found``: every
    input column, those found by their note too (until 2026-12-07 not those: a row of
    them alone was written, but not asked). Asked only of a cell the sync did not write
    (most Status cells are blank or its own)."""

    def __init__(
        self,
        grid: SheetGrid,
        found: Mapping[str, int],
        example_prefix: str,
        repeats: Callable[[Mapping[str, CellValue], Sequence[CellValue]], bool],
    ) -> None:
        self.grid, self.prefix, self.repeats = grid, example_prefix, repeats
        self.inputs = [(n, c - 1) for n, c in found.items() if n not in _OWNED_FIELDS]

    def written(self, at: int) -> bool:
        grid = self.grid
        if at in grid.hidden_rows or at in grid.total_rows:
            return False
        line = grid.rows[at - 1]
        width = len(line)
        values = {n: line[i] if i < width else None for n, i in self.inputs}
        if all(blank(v) or v is False for n, v in values.items() if n != "comment"):
            return False
        return not (self.prefix and is_example(values, self.prefix)) and not self.repeats(
            values, line
        )


def _cells(grid: SheetGrid, row: int, col: int) -> list[tuple[int, CellValue]]:
    """``col``'s cells below the header row holding something other than a repeat of the
    header, or a formula (a team's ``=IF(E2>8,"Done","")`` showing blank too: the sync
    writes values, never one, and until 2026-12-07 wrote over it)."""
    header = grid.rows[row - 1][col - 1]
    formulas = FormulaLookup(grid) if grid.formula_cells else None
    got: list[tuple[int, CellValue]] = []
    for at, line in enumerate(grid.rows[row:], start=row + 1):
        value = line[col - 1] if col <= len(line) else None
        if (not blank(value) and value != header) or (
            formulas is not None and formulas.formula(at, col) is not None
        ):
            got.append((at, value))
    return got


def _stray(grid: SheetGrid, row: int, col: int, rows: WrittenRows) -> int | None:
    """The first row the sync writes whose cell in ``col`` the sync did not write: not
    blank, a repeat of the header, or a status the sync writes in the fill it gives it
    (where the backend reads no fills, .ods, any word is one a team may have typed); a
    formula is not the sync's either. None: safe."""
    for at, value in _cells(grid, row, col):
        if not _formula(grid, at, col) and _status_in_fill(grid, at, col, value):
            continue
        if rows.written(at):
            return at
    return None


def _unstyled(grid: SheetGrid, row: int, col: int, name: str, rows: WrittenRows) -> int | None:
    """The first row the sync writes whose cell in a marked Score or Expected ``col`` holds
    a number not in the look the sync gives it (a score in a band colour, grey for none;
    a pace in a percent format), or a formula: the team's own column, its header painted
    the sync's grey-blue (Format Painter swaps the marks; until 2026-12-07 its scores were
    written over every night). Text typed over a score ("n/a") tells nothing: a team
    types it in the sync's cells too. None: nothing rules the column out, and always for
    Sync notes, Variance and Trend (the sync writes them plain, as a team types them) or
    where the backend reads no fills (.ods)."""
    if grid.fills is None or name not in ("score", "expected"):
        return None
    fills, percent = grid.fills, grid.percent_cells
    for at, value in _cells(grid, row, col):
        if _formula(grid, at, col) is None:
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            if (fills.get((at, col)) in OWNED_FILLS) if name == "score" else (at, col) in percent:
                continue
        if rows.written(at):
            return at
    return None


def _status_in_fill(grid: SheetGrid, at: int, col: int, value: CellValue) -> bool:
    """The cell holds a status the sync writes, in the fill it gives it."""
    if grid.fills is None or not isinstance(value, str):
        return False
    want = SYNC_STATUS_FILLS.get(value.strip())
    return want is not None and grid.fills.get((at, col)) == want


def _formula(grid: SheetGrid, at: int, col: int) -> str | None:
    return grid.formula(at, col) if grid.formula_cells else None


def _holding(grid: SheetGrid, at: int, col: int) -> str:
    """What cell (at, col) holds, as the error quotes it: its value, or its formula."""
    formula = _formula(grid, at, col)
    if formula is not None:
        return f"the formula {formula!r}" if formula else "a formula"
    return repr(grid.rows[at - 1][col - 1])


def _marked(grid: SheetGrid, row: int, col: int) -> bool:
    """The header cell is in the owned header fill (a template's or the sync's column)."""
    return grid.fills is not None and grid.fills.get((row, col)) == OWNED_HEADER_FILL
