"""Rows of the built-in objective-blocks layout as its tests type them: the Goals tab's
header, a due date, the words of a FALSE's error, and one read of such a tab. The
objective-blocks tests had each their own copy (review, 2026-12-06)."""

from __future__ import annotations

import datetime as dt

from sheets_sync.domain.models import TeamInput
from sheets_sync.grid import CellRange, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import Extract, extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

HEAD = ("#", "Goal / Key result", "Type", "Aligns to", "Owner", "Baseline", "Goal", "Actual",
        "Unit", "Weight", "Confidence", "Due")  # fmt: skip
DUE = dt.datetime(2026, 12, 1)
#: a FALSE where a number goes, read as a key result's
MILESTONE = (
    "expected a number, got FALSE; a checkbox says done or not, as a milestone key result "
    "does: set its KR type to milestone"
)
#: the same, on a row that reads as an objective header as well
BOTH = MILESTONE + ", or, if it is an objective, its Type to committed or aspirational"


def read_goals(
    *rows: tuple[CellValue, ...], merged: tuple[CellRange, ...] = ()
) -> tuple[Extract, TeamInput]:
    """The Goals tab of ``m.xlsx`` holding ``HEAD`` and ``rows``, read as team M."""
    grid = SheetGrid("Goals", (HEAD, *rows), merged=merged)
    read = extract(
        WorkbookData("m.xlsx", ("Goals",), {"Goals": grid}), load_mapping("objective-blocks")
    )
    return read, build_team_input("M", read)
