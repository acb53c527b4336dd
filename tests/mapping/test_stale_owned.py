"""Old owned columns the sync no longer writes: a Score header typed over, or merged
over, after a night. The sync adds new columns at the right; the old ones kept that
night's values without a word (until 2026-12-06). Said once a tab, every run, from the
cells alone: a new tracker's first night says nothing."""

from __future__ import annotations

import pytest

from sheets_sync.domain.models import Finding
from sheets_sync.grid import CellRange, CellValue, SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

INPUTS = ("Objective ID", "KR ID", "Target", "Current")
FIX = "delete it if so, or give it a header of your own"


def _warnings(
    rows: tuple[tuple[CellValue, ...], ...], merged: tuple[CellRange, ...] = ()
) -> list[str]:
    grid = SheetGrid("OKRs", rows, merged=merged)
    spec = load_mapping("standard").okrs
    _, findings = extract_tab(grid, spec, source="sales.xlsx", owned=OKR_OWNED, kind="okrs")
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


def test_many_owned_like_columns_are_counted_and_bounded() -> None:
    """2,000 columns headed "Score 1", "Score 2", ... each holding 0.5: the cells of 16
    are looked at (all of them took 18 s for 1,000 rows), 4 are named, the rest counted."""
    head = (*INPUTS, *(f"Score {i}" for i in range(2000)))
    rows: tuple[tuple[CellValue, ...], ...] = (head, ("O1", "KR1", 10, 5, *[0.5] * 2000))
    (said,) = _warnings(rows)
    assert said.startswith(
        "sales.xlsx!OKRs!E1: columns E ('Score 0'), F ('Score 1'), G ('Score 2'), "
        "H ('Score 3') and 12 more look like old owned columns the sync no longer writes "
        "(it writes Score, Expected, Status, Sync notes in BYC:BYF)"
    ), said
