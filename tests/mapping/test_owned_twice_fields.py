"""Owned fields other than Status typed twice (Score, Expected, Sync notes; Variance,
Trend): the sync writes only a column whose cells show it wrote them (a score in a band
fill, a pace in a percent format, a note of its grammar) or hold nothing; of two holding
values it writes neither. Until 2026-12-07 these kept the old tie-break (header,
neighbours, else the first), and a team's own column before the sync's, or inserted
among its columns, was written over."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import KPI_OWNED, OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Start", "Target", "Current")
KHEAD = ("KPI ID", "KPI", "Target", "Actual", "Status")
GOOD, BAD = "C6EFCE", "FFC7CE"


def _column(
    field: str,
    rows: tuple[tuple[CellValue, ...], ...],
    fills: Mapping[tuple[int, int], str] | None,
    percent: frozenset[tuple[int, int]] = frozenset(),
    kind: Literal["okrs", "kpis"] = "okrs",
) -> tuple[int, list[str]]:
    mapping = load_mapping("standard")
    spec = mapping.okrs if kind == "okrs" else mapping.kpis
    assert spec is not None
    grid = SheetGrid("OKRs" if kind == "okrs" else "KPIs", rows, fills=fills, percent_cells=percent)
    owned = OKR_OWNED if kind == "okrs" else KPI_OWNED
    tab, findings = extract_tab(grid, spec, source="d.xlsx", owned=owned, kind=kind)
    return tab.layout.column_of(field), [str(f) for f in findings if "twice" in f.message]


def test_a_team_score_left_of_the_syncs_is_left_alone() -> None:
    """The team's F holds scores typed by hand (no fill); the sync's G its scores in their
    band fills: G, and F keeps its cells (until 2026-12-07 F, the first, was written)."""
    rows = (
        (*HEAD, "Score", "Score", "Expected", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.9, 0.5, 0.4, "On track"),
        ("O1", "KR2", 0, 10, 2, 0.1, 0.2, 0.4, "Off track"),
    )
    fills = {(2, 7): GOOD, (3, 7): BAD, (2, 9): GOOD, (3, 9): BAD}
    assert _column("score", rows, fills) == (
        7,
        [
            "d.xlsx!OKRs!F1: column header 'Score' appears twice (F1 and G1); the sync "
            "writes G1, which holds the values it wrote, and leaves F1 alone: rename F1 if "
            "it is your own"
        ],
    )
    with pytest.raises(LayoutError, match=r"'Score' appears twice \(F1 and G1\) and both hold "):
        _column("score", rows, None)  # .ods: numbers alone tell nothing


def test_two_score_columns_in_band_fills_are_neither_written() -> None:
    """The team's G inserted right of the sync's F took its fills: its scores typed there
    look as written as the sync's, and its neighbours (Expected) made it the sync's."""
    rows = (
        (*HEAD, "Score", "Score", "Expected", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.5, 0.9, 0.4, "On track"),
    )
    fills = {(2, 6): GOOD, (2, 7): GOOD, (2, 9): GOOD}
    with pytest.raises(LayoutError) as caught:
        _column("score", rows, fills)
    assert str(caught.value) == (
        "d.xlsx!OKRs: column header 'Score' appears twice (F1 and G1) and both hold values "
        "the sync cannot tell from a team's; rename your own column"
    )


def test_sync_notes_of_the_syncs_grammar_are_told_from_a_teams() -> None:
    rows = (
        (*HEAD, "Sync notes", "Score", "Status", "Sync notes"),
        ("O1", "KR1", 0, 10, 5, "ask Ann", 0.5, "On track", "Warning E2: Current is above"),
        ("O1", "KR2", 0, 10, 2, "call Bob", None, "Not scored", "Error D3: Target is blank"),
    )
    assert _column("sync_notes", rows, {(2, 8): GOOD, (3, 8): "D9D9D9"})[0] == 9
    both = (rows[0], ("O1", "KR1", 0, 10, 5, "Warning : x", 0.5, "On track", "Error : y"))
    with pytest.raises(LayoutError, match=r"\(F1 and I1\) and both hold values the sync cannot"):
        _column("sync_notes", both, {})


def test_the_notes_told_apart_are_those_the_sync_writes() -> None:
    from sheets_sync.domain.models import Finding, Severity
    from sheets_sync.mapping.owned_twice import SYNC_NOTE
    from sheets_sync.sync.plan import NO_START_NOTE, notes_text

    written = [
        notes_text([Finding(Severity.ERROR, "Target is blank", "d.xlsx", "OKRs", "J14")]),
        notes_text([Finding(Severity.WARNING, "a note; another", "d.xlsx", "OKRs")]),
        NO_START_NOTE,
        f"last status Green as of {dt.date(2026, 11, 2)}; update Actual",
    ]
    assert all(n is not None and SYNC_NOTE.match(n) for n in written), written
    typed = ["ask Ann", "Warning: late", "Error in the target, see Bob", "last status?"]
    assert not [t for t in typed if SYNC_NOTE.match(t)]


def test_a_blank_expected_column_is_written_rather_than_one_in_a_percent_format() -> None:
    """A percent format is what Excel gives "40%" typed by hand: of a column holding paces
    in it and a blank one, the blank one is written (nothing lost); once both hold
    values, neither."""
    rows = (
        (*HEAD, "Expected", "Score", "Expected", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.4, None, None, "On track"),
    )
    column, said = _column("expected", rows, {(2, 9): GOOD}, frozenset({(2, 6)}))
    assert column == 8 and "the sync writes H1" in said[0], said
    night2 = (rows[0], ("O1", "KR1", 0, 10, 5, 0.4, 0.5, 0.4, "On track"))
    with pytest.raises(LayoutError, match=r"\(F1 and H1\) and both hold values the sync cannot"):
        _column("expected", night2, {(2, 7): GOOD, (2, 9): GOOD}, frozenset({(2, 6), (2, 8)}))


@pytest.mark.parametrize("fills", [{}, None], ids=["xlsx", "ods"])
def test_a_variance_or_trend_is_written_only_where_blank(
    fills: dict[tuple[int, int], str] | None,
) -> None:
    """The sync writes them plain, as a team types them: a blank column is the only one
    it may write; two holding values are refused."""
    head = (*KHEAD, "Variance", "Trend", "Variance", "Trend", "Sync notes")
    rows = (head, ("K1", "Bookings", 100, 90, "Amber", 0.5, "Flat", None, None, None))
    assert _column("variance", rows, fills, kind="kpis")[0] == 8
    assert _column("trend", rows, fills, kind="kpis")[0] == 9
    both = (head, ("K1", "Bookings", 100, 90, "Amber", 0.5, "Flat", -0.1, "Improving", None))
    with pytest.raises(LayoutError, match=r"'Variance' appears twice \(F1 and H1\) and both"):
        _column("variance", both, fills, kind="kpis")


def test_three_score_columns_each_holding_values() -> None:
    rows = ((*HEAD, "Score", "Score", "Score"), ("O1", "KR1", 0, 10, 5, 0.1, 0.2, 0.3))
    with pytest.raises(LayoutError, match=r"\(F1 and G1 and H1\) and each holds values the s"):
        _column("score", rows, {})


@pytest.mark.parametrize("field", ["status", "score"])
def test_two_blank_columns_both_headed_grey_blue_are_neither_written(field: str) -> None:
    """One was inserted beside the other and copied its header's fill: until 2026-12-07
    the first (or the one by the sync's other columns) was written, and the sync then took
    the team's column for its own. Headed plainly (no fills read, or none painted), the
    old tie-break stays: nothing is lost that night."""
    header = "Status" if field == "status" else "Score"
    rows = ((*HEAD, "Expected", header, header, "Sync notes"), ("O1", "KR1", 0, 10, 5, *[None] * 4))
    grey = {(1, c): "D9E1F2" for c in (6, 7, 8, 9)}
    with pytest.raises(LayoutError) as caught:
        _column(field, rows, grey)
    assert str(caught.value) == (
        f"d.xlsx!OKRs: column header '{header}' appears twice (G1 and H1) and both hold "
        "nothing under a header in the sync's grey-blue, which an inserted column copies; "
        "rename your own column"
    )
    assert _column(field, rows, {})[0] == 7
    assert _column(field, rows, {(1, 8): "D9E1F2"})[0] == 8  # the one headed as the sync's
