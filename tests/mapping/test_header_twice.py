"""A header typed twice on the header row: the warning sits on the column passed over."""

from __future__ import annotations

from sheets_sync.grid import SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import OKR_OWNED
from sheets_sync.mapping.spec import load_mapping


def test_a_header_typed_twice_is_said_at_the_column_passed_over() -> None:
    """The warning sat at the header row's first cell (``A1``, the Objective ID header),
    a cell with nothing to do with it, in the run report and validate (until 2026-12-07)."""
    grid = SheetGrid(
        "OKRs",
        (
            ("Objective ID", "KR ID", "Start", "Target", "Current", "Target"),
            ("O1", "KR1", 0, 10, 5, 99),
        ),
    )
    _, findings = extract_tab(
        grid, load_mapping("standard").okrs, source="d.xlsx", owned=OKR_OWNED, kind="okrs"
    )
    said = [str(f) for f in findings if "twice" in str(f)]
    assert said == ["d.xlsx!OKRs!F1: column header 'Target' appears twice (D1 and F1); using D1"]
