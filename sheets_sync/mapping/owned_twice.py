"""An owned header (Status, Score...) typed twice on a header row: which column the sync
writes (``header.header_map``), and whether it may write any."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sheets_sync.domain.models import KPIStatus, Status
from sheets_sync.grid import OWNED_HEADER_FILL, CellValue, SheetGrid, a1
from sheets_sync.mapping.blocks import blank
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


def owned_column(
    grid: SheetGrid,
    row: int,
    header: str,
    name: str,
    cols: list[int],
    found: Mapping[str, int],
    warnings: list[tuple[str, str]],
) -> int | None:
    """The column of an owned field whose header (``header``) is typed on ``cols`` (two
    or more).

    A Status column goes to the sync only where writing it loses nothing of the team's:
    a *safe* column, every cell of which below the header is blank or a status the sync
    writes in the fill it gives that status (an .ods file, whose fills are not read: blank
    only). One safe column is the sync's; of several, or for another owned field, the one
    the sync can show is its own, that is the only one whose header is in the fill the
    template and the sync give owned headers (``grid.OWNED_HEADER_FILL``), else the only
    Status column holding the statuses the sync wrote, each in its fill, else the one with
    the most of its other owned columns (Score, Expected, Sync notes) beside it, else the
    first. None when no Status column is safe: the field is not written (the caller says
    so). Until 2026-12-07 the first won, so a team's own Status added left of the sync's
    was written over; for a day after, a team's Status typed by hand in the sync's words
    ("Achieved", "Green") won over a template's column not yet written, and was written
    over; and for a few hours more a team's column inserted between the sync's (Excel and
    LibreOffice give it the grey-blue header of the column left of it) won by its header
    or its neighbours. Each column passed over is warned of, naming both cells."""
    if name != "status":
        chosen, why = _tie_break(grid, row, name, cols, found)
    else:
        inputs = [c for n, c in found.items() if n not in _OWNED_FIELDS]
        safe = [c for c in cols if _safe(grid, row, c, inputs)]
        if not safe:
            return None
        chosen, why = _tie_break(grid, row, name, safe, found)
        first, said = _tie_break(grid, row, name, cols, found)  # as before, all columns
        if len(safe) == 1:
            why = said if first == chosen else ""
        if not why and chosen != cols[0]:
            why = "whose cells hold only what it wrote (or nothing)"
    at = a1(row, chosen)
    for col in cols:
        if col == chosen:
            continue
        other = a1(row, col)
        if not why:  # the first, as before: "using"
            message = f"column header {header!r} appears twice ({at} and {other}); using {at}"
        else:
            both = " and ".join(a1(row, c) for c in sorted((col, chosen)))
            message = (
                f"column header {header!r} appears twice ({both}); the sync writes {at}, "
                f"{why}, and leaves {other} alone: rename {other} if it is your own"
            )
        warnings.append((a1(row, col), message))
    return chosen


def _tie_break(
    grid: SheetGrid, row: int, name: str, cols: list[int], found: Mapping[str, int]
) -> tuple[int, str]:
    """The column of ``cols`` the sync can show is its own, and why ("" for the first)."""
    marked = [c for c in cols if _marked(grid, row, c)]
    wrote = [c for c in cols if name == "status" and _holds_statuses(grid, row, c)]
    if len(marked) == 1:
        return marked[0], "whose header is styled as its own (grey-blue)"
    if len(wrote) == 1:
        return wrote[0], "which holds the statuses it wrote"
    others = {c for n, c in found.items() if n in _OWNED_FIELDS and n != name}
    beside = [len({c - 1, c + 1} & others) for c in cols]  # owned neighbours, 0 to 2
    most = max(beside)
    chosen = cols[beside.index(most)] if most and beside.count(most) == 1 else cols[0]
    return chosen, "beside its other columns" if chosen != cols[0] else ""


def _safe(grid: SheetGrid, row: int, col: int, inputs: Sequence[int]) -> bool:
    """Writing ``col`` loses nothing of the team's: below the header row it holds blanks,
    repeats of the header and statuses the sync writes, each in the fill it gives them;
    blanks and repeats alone where the backend reads no fills (.ods). A row blank in every
    input column (``inputs``) is no goal's, and the sync writes none of its cells: a note
    typed there is not in the way."""
    fills = grid.fills
    header = grid.rows[row - 1][col - 1]
    for at, line in enumerate(grid.rows[row:], start=row + 1):
        value = line[col - 1] if col <= len(line) else None
        if blank(value) or value == header or not any(_filled(line, c) for c in inputs):
            continue
        if fills is None or not isinstance(value, str):
            return False
        want = SYNC_STATUS_FILLS.get(value.strip())
        if want is None or fills.get((at, col)) != want:
            return False
    return True


def _filled(line: Sequence[CellValue], col: int) -> bool:
    return not blank(line[col - 1] if col <= len(line) else None)


def _marked(grid: SheetGrid, row: int, col: int) -> bool:
    """The header cell is in the owned header fill (a template's or the sync's column)."""
    return grid.fills is not None and grid.fills.get((row, col)) == OWNED_HEADER_FILL


def _holds_statuses(grid: SheetGrid, row: int, col: int) -> bool:
    """The cells below the header row in ``col`` hold statuses the sync writes, one at
    least, each in the fill the sync gives it, and nothing else (blanks and a repeat of
    the header row's aside). False where the backend reads no fills (.ods): words alone
    are what a team types by hand."""
    fills = grid.fills
    if fills is None:
        return False
    said = False
    header = grid.rows[row - 1][col - 1]
    for at, line in enumerate(grid.rows[row:], start=row + 1):
        value = line[col - 1] if col <= len(line) else None
        if blank(value) or value == header:
            continue
        if not isinstance(value, str):
            return False
        want = SYNC_STATUS_FILLS.get(value.strip())
        if want is None or fills.get((at, col)) != want:
            return False
        said = True
    return said
