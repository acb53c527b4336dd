"""The sync owns the colour of its Status cells too: one recoloured by hand is coloured
again while its value stands, and a night with nothing to change still writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.styles import STATUS_STYLE

AS_OF = dt.date(2026, 11, 23)


def _night(cfg: Path, cached: bool = True) -> list:  # type: ignore[type-arg]
    options = SyncOptions(as_of=AS_OF, rollup=False, read_cache=cached)
    return list(Sync(load_workspace(cfg)).run(options).runs)


def _status_cells(team: Path) -> list[tuple[str, str, str]]:
    sheet = openpyxl.load_workbook(team)["OKRs"]
    col = [c.value for c in sheet[1]].index("Status") + 1
    cells = (sheet.cell(r, col) for r in range(2, sheet.max_row + 1))
    return [(c.coordinate, c.value, c.fill.fgColor.rgb[-6:]) for c in cells if c.value]


@pytest.mark.parametrize("cached", [True, False], ids=["read-cache", "parsed"])
def test_a_status_cell_recoloured_by_hand_is_coloured_again(workspace: Path, cached: bool) -> None:
    """plan.py compared values only: a Status cell a team lead painted green kept its
    green under "Off track" every night (until 2026-12-07). The fills are read back as
    written, from the file or from the read cache's entry after the write (``after_write``)."""
    team = workspace.parent / "teams" / "sales.xlsx"
    assert _night(workspace, cached)[0].outcome is Outcome.OK
    quiet = _night(workspace, cached)[0]
    assert quiet.outcome is Outcome.UNCHANGED and not quiet.changes  # fills read back as written
    synced = _status_cells(team)
    assert synced and all(
        fill == STATUS_STYLE[next(s for s in STATUS_STYLE if s.value == value)].fill
        for _, value, fill in synced
        if value != "Not scored"
    ), synced
    wb = openpyxl.load_workbook(team)
    at = synced[0][0]
    wb["OKRs"][at].fill = PatternFill("solid", fgColor="FF00B050")  # painted green by hand
    wb.save(team)
    night = _night(workspace, cached)[0]
    assert night.outcome is Outcome.OK and not night.changes  # a colour: no value changed
    assert _status_cells(team) == synced
    after = _night(workspace, cached)[0]
    assert after.outcome is Outcome.UNCHANGED and not after.changes


def test_the_fills_read_are_those_the_sync_writes() -> None:
    from sheets_sync.grid import OWNED_FILLS
    from sheets_sync.sync.styles import BAND_STYLE, KPI_STYLE

    written = {s.fill for s in (*STATUS_STYLE.values(), *KPI_STYLE.values(), *BAND_STYLE.values())}
    assert written == OWNED_FILLS


def test_only_the_status_columns_fills_are_kept() -> None:
    """The plan reads the Status column's fills alone: the Score's (banded, as painted)
    made each read-cache entry bigger for nothing (until 2026-12-07); so with the fills a
    write gives (``after_write``)."""
    from sheets_sync.grid import CellStyle, CellWrite, SheetGrid, WorkbookData
    from sheets_sync.mapping.extract import extract
    from sheets_sync.mapping.parse import build_team_input
    from sheets_sync.mapping.spec import load_mapping
    from sheets_sync.sync.readcache import CachedRead, after_write

    head: tuple[str, ...] = ("Objective ID", "KR ID", "Start", "Target", "Current")
    head += ("Score", "Expected", "Status", "Sync notes")
    rows = (head, ("O1", "KR1", 0, 10, 5, 0.5, 0.4, "On track", None))
    fills = {(2, 6): "FFC7CE", (2, 8): "C6EFCE", (2, 9): "D9D9D9"}
    data = WorkbookData("d.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows, fills=fills)})
    got = extract(data, load_mapping("standard"))
    assert got.okrs is not None and got.okrs.owned_fills == {(2, 8): "C6EFCE"}
    read = CachedRead(data, got, build_team_input("Sales", got))
    painted = [
        CellWrite("OKRs", 2, col, value, CellStyle(fill=fill))
        for col, value, fill in ((6, 0.6, "C6EFCE"), (8, "At risk", "FFEB9C"))
    ]
    after = after_write(read, painted)
    assert after is not None and after.extract.okrs is not None
    assert after.extract.okrs.owned_fills == {(2, 8): "FFEB9C"}
