"""An owned header (Status, Score...) typed twice on a header row: which column the sync
writes (``header.header_map``), and whether it may write any."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from sheets_sync.domain.models import KPIStatus, Status
from sheets_sync.grid import OWNED_FILLS, OWNED_HEADER_FILL, CellValue, SheetGrid, a1
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
#: How a Sync notes cell the sync wrote begins (``sync.plan``: its findings, "Error F7:
#: ...", "Warning : ..."; a stale KPI's "last status Green as of ..."; a key result's "not
#: scored: this tab has no Start column ..."): text a team types seldom begins so
SYNC_NOTE = re.compile(
    r"(?:Error|Warning) [A-Z]{0,3}[0-9]{0,7}: |last status .+ as of "
    r"|not scored: this tab has no Start column"
)


def _status(value: CellValue, fill: str | None, _percent: bool) -> bool:
    return isinstance(value, str) and SYNC_STATUS_FILLS.get(value.strip(), "") == fill


def _score(value: CellValue, fill: str | None, _percent: bool) -> bool:
    return _number(value) and fill in OWNED_FILLS


def _expected(value: CellValue, _fill: str | None, percent: bool) -> bool:
    return _number(value) and percent


def _note(value: CellValue, _fill: str | None, _percent: bool) -> bool:
    return isinstance(value, str) and SYNC_NOTE.match(value) is not None


def _number(value: CellValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: What shows a cell the sync wrote, by owned field, as a backend that reads fills reads
#: it (its value, its fill, whether it is in a percent format): a Status word in the fill
#: the sync gives it; a score in one of its band fills; an expected pace in a percent
#: format; a note of the sync's grammar. A Variance or Trend the sync writes plain, as a
#: team types one: nothing shows it (blank only)
WRITTEN: Mapping[str, Callable[[CellValue, str | None, bool], bool]] = {
    "status": _status,
    "score": _score,
    "expected": _expected,
    "sync_notes": _note,
}
#: the fields whose mark a team's own cells seldom wear: a column holding them is the one
#: the sync wrote, over a blank one; a percent format (Expected) is what Excel gives "40%"
#: typed by hand, so a blank Expected column is the one written rather (nothing lost)
_STRONG = frozenset({"status", "score", "sync_notes"})
#: why no column of a field other than Status is written: a Variance the sync wrote is
#: plain numbers, a Score it wrote wears fills a column inserted beside it takes too
_CANNOT_TELL = "hold values the sync cannot tell from a team's"
#: why no column is written of two blank ones both headed in the owned grey-blue: a column
#: inserted beside the sync's takes its header's fill; the sync, writing either, would
#: take the team's next night for its own (its scores there, the team's typed over them)
_INSERTED = "hold nothing under a header in the sync's grey-blue, which an inserted column copies"


class _Walk(NamedTuple):
    """A column below its header row: whether writing it loses nothing of the team's
    (``safe``), how many of its cells show the sync wrote them (``written``), and whether
    a row that is no goal's holds something else (``stray``: a note under the goals)."""

    safe: bool
    written: int
    stray: bool


def owned_column(
    grid: SheetGrid,
    row: int,
    header: str,
    name: str,
    cols: list[int],
    found: Mapping[str, int],
    warnings: list[tuple[str, str]],
) -> int | str:
    """The column of an owned field whose header (``header``) is typed on ``cols`` (two
    or more), or why the sync may write none (the caller says so, naming the cells).

    A column goes to the sync only where writing it loses nothing of the team's: a *safe*
    column, every cell of which below the header is blank or shows the sync wrote it
    (``WRITTEN``: a status in the fill the sync gives it, a score in a band fill, an
    expected pace in a percent format, a note of the sync's grammar; Variance and Trend,
    and every field of an .ods file, whose fills are not read: blank only). One safe
    column is the sync's. Of several, two holding values are refused (a column inserted
    beside the sync's takes its fills and formats, so a team's scores typed there wear
    the sync's marks), but for Status, whose words must match their fills; so are two
    holding nothing whose headers are both in the fill the template and the sync give
    owned headers (``grid.OWNED_HEADER_FILL``): one was inserted beside the other and
    copied it. Else the one the sync can show is its own: the only one whose header is in
    that fill, else the only one
    holding what the sync wrote (Status, Score, Sync notes; an Expected: the blank ones
    first), else the one with the most of its other owned columns beside it, else the
    first. Until 2026-12-07 the first won, so a team's own Status added left of the sync's
    was written over; for a day after, a team's Status typed by hand in the sync's words
    ("Achieved", "Green") won over a template's column not yet written, and was written
    over; for a few hours more a team's column inserted between the sync's (Excel and
    LibreOffice give it the grey-blue header of the column left of it) won by its header
    or its neighbours; and until 2026-12-07 evening the other owned fields (Score,
    Expected, Sync notes, Variance, Trend) kept that old tie-break, so a team's Score,
    Variance or notes inserted beside the sync's were written over, and of two blank ones
    the team's inserted beside the sync's (its grey-blue header copied) could be taken,
    and the team's own scores typed there next written over. Each column passed
    over is warned of, naming both cells."""
    inputs = [c for n, c in found.items() if n not in _OWNED_FIELDS]
    walks = {c: _walk(grid, row, c, name, inputs) for c in cols}
    safe = [c for c in cols if walks[c].safe]
    if not safe:
        return "hold values the sync did not write" if name == "status" else _CANNOT_TELL
    held = [c for c in safe if walks[c].written]
    if name != "status" and len(held) > 1:
        return _CANNOT_TELL
    if name not in _STRONG and held and len(held) < len(safe):
        safe = [c for c in safe if c not in held]  # a blank Expected rather: nothing lost
    blank = not any(walks[c].written for c in safe)
    if blank and sum(_marked(grid, row, c) for c in safe) > 1:  # one copied the other's
        return _INSERTED
    chosen, why = _tie_break(grid, row, name, safe, found, walks)
    first, said = _tie_break(grid, row, name, cols, found, walks)  # as before, all columns
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
    grid: SheetGrid,
    row: int,
    name: str,
    cols: list[int],
    found: Mapping[str, int],
    walks: Mapping[int, _Walk],
) -> tuple[int, str]:
    """The column of ``cols`` the sync can show is its own, and why ("" for the first)."""
    marked = [c for c in cols if _marked(grid, row, c)]
    wrote = [c for c in cols if name in _STRONG and _holds_written(walks[c])]
    if len(marked) == 1:
        return marked[0], "whose header is styled as its own (grey-blue)"
    if len(wrote) == 1:
        what = "statuses" if name == "status" else "values"
        return wrote[0], f"which holds the {what} it wrote"
    others = {c for n, c in found.items() if n in _OWNED_FIELDS and n != name}
    beside = [len({c - 1, c + 1} & others) for c in cols]  # owned neighbours, 0 to 2
    most = max(beside)
    chosen = cols[beside.index(most)] if most and beside.count(most) == 1 else cols[0]
    return chosen, "beside its other columns" if chosen != cols[0] else ""


def _walk(grid: SheetGrid, row: int, col: int, name: str, inputs: Sequence[int]) -> _Walk:
    """``col`` below the header row, cell by cell: blanks and repeats of the header pass;
    a cell that shows the sync wrote it (``WRITTEN``) is counted; any other is the team's,
    and the column not safe, unless its row is blank in every input column (``inputs``):
    such a row is no goal's, the sync writes none of its cells, and a note typed there is
    not in the way (``stray``). Where the backend reads no fills (.ods) nothing shows the
    sync wrote a cell: words and numbers alone are what a team types by hand."""
    fills, percent = grid.fills or {}, grid.percent_cells
    shows = WRITTEN.get(name) if grid.fills is not None else None
    header = grid.rows[row - 1][col - 1]
    written, stray = 0, False
    for at, line in enumerate(grid.rows[row:], start=row + 1):
        value = line[col - 1] if col <= len(line) else None
        if blank(value) or value == header:
            continue
        if shows is not None and shows(value, fills.get((at, col)), (at, col) in percent):
            written += 1
            continue
        if any(_filled(line, c) for c in inputs):
            return _Walk(safe=False, written=written, stray=stray)
        stray = True
    return _Walk(safe=True, written=written, stray=stray)


def _holds_written(walk: _Walk) -> bool:
    """The column holds what the sync writes, one cell at least, and nothing else (blanks
    and repeats of the header aside): a column it wrote."""
    return walk.safe and walk.written > 0 and not walk.stray


def _filled(line: Sequence[CellValue], col: int) -> bool:
    return not blank(line[col - 1] if col <= len(line) else None)


def _marked(grid: SheetGrid, row: int, col: int) -> bool:
    """The header cell is in the owned header fill (a template's or the sync's column)."""
    return grid.fills is not None and grid.fills.get((row, col)) == OWNED_HEADER_FILL
