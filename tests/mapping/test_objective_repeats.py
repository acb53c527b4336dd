"""An objective named again on a later row with other cells: the first row's win, and the
warning quotes both as typed."""

from __future__ import annotations

from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "Objective", "Objective type", "KR ID", "Start", "Target", "Current")


def _said(*rows: tuple[CellValue, ...]) -> list[str]:
    grid = SheetGrid("OKRs", (HEAD, *rows))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    return [str(f) for f in team.findings if "already has" in f.message]


def test_another_type_is_quoted_as_a_type_not_as_code() -> None:
    """Until 2026-12-07: ``objective O1 already has type <ObjectiveType.ASPIRATIONAL:
    'aspirational'> (row 2); <ObjectiveType.COMMITTED: 'committed'> is ignored``."""
    assert _said(
        ("O1", "Grow", "aspirational", "KR1", 0, 10, 5),
        ("O1", "Grow", "Committed", "KR2", 0, 10, 5),
    ) == [
        "sales.xlsx!OKRs!C3: objective O1 already has type 'aspirational' (row 2); "
        "'committed' is ignored"
    ]
