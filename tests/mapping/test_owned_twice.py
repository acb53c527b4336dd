"""An owned header (Status) typed twice: a team's own Status column added left of the
sync's is left alone, and the sync keeps writing the column it wrote before. Since
2026-12-07 the sync writes only a column whose cells hold what it wrote (its statuses in
its fills) or nothing: these grids give the sync's statuses their fills (they had none,
and the sync wrote over a column whose words it could not tell from a team's)."""

from __future__ import annotations

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid
from sheets_sync.mapping.extract import TabExtract, extract_tab
from sheets_sync.mapping.fields import KPI_OWNED, OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Start", "Target", "Current", "Status")
OWNED = ("Score", "Expected", "Status", "Sync notes")


def _okrs(
    *rows: tuple[CellValue, ...], fills: dict[tuple[int, int], str] | None = None
) -> tuple[TabExtract, list[str]]:
    okrs = load_mapping("standard").okrs
    tab, findings = extract_tab(
        SheetGrid("OKRs", rows, fills=fills), okrs, source="d.xlsx", owned=OKR_OWNED, kind="okrs"
    )
    return tab, [str(f) for f in findings if "twice" in f.message]


def test_a_team_status_column_left_of_the_synced_one_is_left_alone() -> None:
    """The team added its own Status (F) left of the sync's (I): the first column won, so
    the sync wrote its statuses over the team's and left its own column stale (until
    2026-12-07). The sync's column holds the statuses it wrote, in the fills it gave them
    (as an .xlsx or Google read finds them): it stays the sync's."""
    written = {(2, 9): "C6EFCE", (3, 9): "FFC7CE", (4, 9): "D9D9D9", (6, 9): "FFEB9C"}
    tab, said = _okrs(
        (*HEAD, *OWNED),
        ("O1", "KR1", 0, 10, 5, "green, says Ann", 0.5, 0.4, "On track", None),
        ("O1", "KR2", 0, 10, 2, None, 0.2, 0.4, "Off track", None),
        ("O1", "KR3", 0, 10, None, "?", None, None, "Not scored", "Error E4: ..."),
        (*HEAD, *OWNED),  # the header row repeated over a second section
        ("O2", "KR1", 0, 10, 5, None, 0.5, 0.4, "At risk", None),
        fills=written,
    )
    assert tab.layout.column_of("status") == 9
    assert said == [
        "d.xlsx!OKRs!F1: column header 'Status' appears twice (F1 and I1); the sync writes "
        "I1, which holds the statuses it wrote, and leaves F1 alone: rename F1 if it is "
        "your own"
    ]
    assert {(r, c) for r, c in tab.owned_values if c == 6} == set()  # F is the team's


def test_two_blank_status_columns_with_no_mark_are_neither_written() -> None:
    """No statuses written yet and no header in the sync's grey-blue (a file that lost its
    fills): until 2026-12-07 the Status among the sync's other columns (Score, Expected,
    Sync notes) was the sync's; but a column inserted there looks the same, and the team's
    scores or statuses typed in it next were written over. The tab is refused instead."""
    with pytest.raises(
        LayoutError, match=r"\(F1 and I1\) and the sync cannot tell which is its own"
    ):
        _okrs((*HEAD, *OWNED), ("O1", "KR1", 0, 10, 5, None, None, None, None, None))


def test_two_status_columns_nothing_tells_apart_are_neither_written() -> None:
    """Both hold only statuses, each in the sync's fill, and no header is marked: until
    2026-12-07 the first was written (said "using G1"); a column pasted from the sync's
    keeps its words and fills, so the first may be the team's. Read with no fills (.ods)
    both hold words a team may have typed: neither is written either."""
    rows = (
        ("Objective ID", "KR ID", "Start", "Target", "Current", "Score", "Status", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.5, "On track", "On track"),
    )
    for fills in ({(2, 7): "C6EFCE", (2, 8): "C6EFCE"}, None):
        with pytest.raises(LayoutError, match=r"\(G1 and H1\) and the sync cannot tell"):
            _okrs(*rows, fills=fills)


def test_the_kpi_status_the_sync_wrote_is_kept_too() -> None:
    kpis = load_mapping("standard").kpis
    assert kpis is not None
    head = ("KPI ID", "KPI", "Target", "Actual", "Status", "Status", "Variance", "Sync notes")
    tab, findings = extract_tab(
        SheetGrid(
            "KPIs",
            (head, ("K1", "Bookings", 100, 90, "fine", "Amber", -0.1, None)),
            fills={(2, 6): "FFEB9C"},  # Amber in the sync's fill (.xlsx, Google)
        ),
        kpis,
        source="d.xlsx",
        owned=KPI_OWNED,
        kind="kpis",
    )
    assert tab.layout.column_of("status") == 6
    assert [f.cell for f in findings if "twice" in f.message] == ["E1"]


def test_the_words_told_apart_are_those_the_sync_writes() -> None:
    from sheets_sync.domain.models import KPIStatus, Status
    from sheets_sync.mapping.owned_twice import SYNC_STATUSES
    from sheets_sync.sync.plan import NOT_SCORED

    assert {NOT_SCORED, *Status, *KPIStatus} == SYNC_STATUSES


def test_the_sync_writes_its_own_status_and_not_the_teams() -> None:
    """End to end: the plan's writes go to I (the sync's Status), none to F (the team's)."""
    import datetime as dt

    from sheets_sync.domain.models import Period
    from sheets_sync.domain.team import evaluate_team
    from sheets_sync.grid import WorkbookData
    from sheets_sync.mapping.extract import extract
    from sheets_sync.mapping.parse import build_team_input
    from sheets_sync.sync.plan import plan_changes, plan_writes

    rows = (
        (*HEAD, *OWNED),
        ("O1", "KR1", 0, 10, 5, "green, says Ann", 0.5, 0.4, "Off track", None),
    )
    grid = SheetGrid("OKRs", rows, fills={(2, 9): "FFC7CE"})  # Off track in its fill
    data = WorkbookData("d.xlsx", ("OKRs",), {"OKRs": grid})
    got = extract(data, load_mapping("standard"))
    team = build_team_input("Sales", got)
    period = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    writes, _, _ = plan_changes(plan_writes(result, got), got)
    assert {w.col for w in writes if w.row == 2} >= {9}
    assert 6 not in {w.col for w in writes}
