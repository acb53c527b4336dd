"""Old owned columns the sync no longer writes: a Score header typed over, or merged
over, after a night. The sync adds new columns at the right; the old ones kept that
night's values without a word (until 2026-12-06). Said once a tab, every run, from the
cells alone: a new tracker's first night says nothing."""

from __future__ import annotations

import pytest

from sheets_sync.domain.models import Finding
from sheets_sync.grid import CellRange, CellValue, SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import KPI_OWNED, OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

INPUTS = ("Objective ID", "KR ID", "Target", "Current")
FIX = "delete it if so, or give it a header of your own"


def _warnings(
    rows: tuple[tuple[CellValue, ...], ...],
    merged: tuple[CellRange, ...] = (),
    kpis: bool = False,
) -> list[str]:
    grid = SheetGrid("KPIs" if kpis else "OKRs", rows, merged=merged)
    mapping = load_mapping("standard")
    if kpis:
        assert mapping.kpis is not None
        _, findings = extract_tab(
            grid, mapping.kpis, source="sales.xlsx", owned=KPI_OWNED, kind="kpis"
        )
    else:
        _, findings = extract_tab(
            grid, mapping.okrs, source="sales.xlsx", owned=OKR_OWNED, kind="okrs"
        )
    return [str(f) for f in findings if _about_old(f)]


def _about_old(finding: Finding) -> bool:
    return "the sync no longer writes" in finding.message


def test_a_score_header_typed_over_is_said_every_run() -> None:
    night: tuple[tuple[CellValue, ...], ...] = (
        (*INPUTS, "Score Q3", "Expected", "Status", "Sync notes"),
        ("O1", "KR1", 10, 5, 0.5, 0.4, "On track"),
        ("O1", "KR2", 10, 2, 0.2, 0.4, "Off track", "a note"),
    )
    said = [
        "sales.xlsx!OKRs!E1: column E ('Score Q3') looks like an old owned column the sync "
        "no longer writes (it writes Expected, Status, Sync notes, Score in F:I), still "
        f"holding its last values: {FIX}"
    ]
    assert _warnings(night) == said  # the night the sync adds Score in I
    added: tuple[CellValue, ...] = ("Score", 0.5, 0.2)  # the next night: Score in I
    after: tuple[tuple[CellValue, ...], ...] = tuple(
        (*r, *[None] * (8 - len(r)), s) for r, s in zip(night, added, strict=True)
    )
    assert _warnings(after) == said  # and every night after, while column E is there


def test_owned_headers_merged_over_are_said() -> None:
    """R1:T1 merged: S1 and T1 read empty, Expected and Status are added at the right."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        (*INPUTS, "Score", None, None, "Sync notes"),
        ("O1", "KR1", 10, 5, 0.5, 0.4, "On track"),
        ("O1", "KR2", 10, 2, 0.2, 0.4, "At risk"),
    )
    assert _warnings(rows, (CellRange(1, 5, 1, 7),)) == [
        "sales.xlsx!OKRs!F1: columns F (under the merged header E1:G1), G (under the merged "
        "header E1:G1) look like old owned columns the sync no longer writes (it writes "
        "Score, Sync notes, Expected, Status in E, H:J), still holding their last values: "
        "delete them if so, or give them headers of your own"
    ]


@pytest.mark.parametrize(
    "rows",
    [
        # a new tracker's first night: its own columns right of the inputs
        ((*INPUTS, "Notes", "Link"), ("O1", "KR1", 10, 5, "call Ann", "https://x.example")),
        # headers like an owned one, holding what the sync never writes there
        ((*INPUTS, "Status notes", "Expected date"), ("O1", "KR1", 10, 5, "late", 46024)),
        ((*INPUTS, "Score (x10)"), ("O1", "KR1", 10, 5, 7)),
        # an owned-like header over an empty column
        ((*INPUTS, "Score (old)"), ("O1", "KR1", 10, 5)),
    ],
)
def test_a_teams_own_columns_are_not_said(rows: tuple[tuple[CellValue, ...], ...]) -> None:
    assert _warnings(rows) == []


#: The owned columns of a tracker the sync has written, in the order it writes them.
OWNED = ("Score", "Expected", "Status", "Sync notes")
SYNCED = (0.5, 0.4, "On track", "a note")


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Score (manual)", 0.7),  # header.py: a team's own column, never the sync's Score
        ("Status (manager)", "At risk"),
        ("Expected outcome", "ship v2"),
        ("Score comment", "lower than it looks"),
        ("Scorecard link", "https://x.example/card"),
        ("Expected (manual)", 0.9),
    ],
)
def test_a_teams_own_owned_like_column_beside_the_owned_ones_is_not_said(
    header: str, value: CellValue
) -> None:
    """Every owned column found, in the order the sync writes them: the team's column
    left of them (there before the first night) or right of them is its own, every night;
    until 2026-12-06 each was said on every night, from the first."""
    for rows in (
        ((*INPUTS, header, *OWNED), ("O1", "KR1", 10, 5, value, *SYNCED)),
        ((*INPUTS, *OWNED, header), ("O1", "KR1", 10, 5, *SYNCED, value)),
        ((*INPUTS, header), ("O1", "KR1", 10, 5, value)),  # the first night
    ):
        assert _warnings(rows) == [], rows


def test_a_kpi_tabs_variance_explanation_is_not_said() -> None:
    head = ("KPI ID", "Actual", "Variance explanation", "Status", "Variance", "Trend", "Sync notes")
    rows = (head, ("K1", 10, "supplier late", "On track", 0.1, "Up", ""))
    assert _warnings(rows, kpis=True) == []
    assert _warnings(tuple(r[:3] for r in rows), kpis=True) == []  # the first night


def test_a_status_header_typed_over_is_said_by_the_order_of_the_owned_columns() -> None:
    """Status typed over ("Status (old)"): the next night writes Status right of Sync
    notes, out of the order the sync writes a group in, and the old column is said."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        (*INPUTS, "Score", "Expected", "Status (old)", "Sync notes", "Status"),
        ("O1", "KR1", 10, 5, 0.5, 0.4, "On track", None, "On track"),
    )
    (said,) = _warnings(rows)
    assert said.startswith("sales.xlsx!OKRs!G1: column G ('Status (old)') looks like"), said


def test_many_owned_like_columns_are_counted_and_bounded() -> None:
    """2,000 columns headed "Score 1", "Score 2", ... each holding 0.5 left of Expected,
    Status, Sync notes, with Score added right of them: the cells of 16 are looked at
    (all of them took 18 s for 1,000 rows), 4 are named, the rest counted."""
    head = (*INPUTS, *(f"Score {i}" for i in range(2000)), *OWNED[1:])
    rows: tuple[tuple[CellValue, ...], ...] = (
        head,
        ("O1", "KR1", 10, 5, *[0.5] * 2000, *SYNCED[1:]),
    )
    (said,) = _warnings(rows)
    assert said.startswith(
        "sales.xlsx!OKRs!E1: columns E ('Score 0'), F ('Score 1'), G ('Score 2'), "
        "H ('Score 3') and 12 more look like old owned columns the sync no longer writes "
        "(it writes Expected, Status, Sync notes, Score in BYC:BYF)"
    ), said


def test_many_merges_over_the_header_are_looked_up_once() -> None:
    """8,000 merges over the header row and 16,000 columns right of the inputs: each
    column's merge was a scan of every merge (4 s); the map is made once."""
    cols = 16_000
    head: tuple[CellValue, ...] = (*INPUTS, *[None] * cols, *OWNED[1:], "Score")
    merged = tuple(CellRange(1, 5 + 2 * i, 1, 6 + 2 * i) for i in range(cols // 2))
    data = ("O1", "KR1", 10, 5, *[None] * cols, *SYNCED[1:], 0.5)
    rows: tuple[tuple[CellValue, ...], ...] = (head, data)
    assert _warnings(rows, merged) == []
