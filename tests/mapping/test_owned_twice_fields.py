"""Owned fields typed twice (Score, Expected, Sync notes; Variance, Trend; and Status):
the sync writes only the column whose header carries its mark (the grey-blue the template
and the sync give owned headers), and never switches to another; what a column holds may
rule the marked one out (a Status), never pick one. Until 2026-12-07 the non-Status ones
kept the old tie-break (header, neighbours, else the first), and a team's own column
before the sync's, or inserted among its columns, was written over; for a few hours after,
what a column held picked it (a score in a band fill, a pace in a percent format, a note
of the sync's grammar, the only column holding nothing the sync did not write): a column
pasted from the sync's, or one cell typed in the sync's own, handed it the team's."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid
from sheets_sync.mapping.extract import extract_tab
from sheets_sync.mapping.fields import KPI_OWNED, OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

HEAD = ("Objective ID", "KR ID", "Start", "Target", "Current")
KHEAD = ("KPI ID", "KPI", "Target", "Actual", "Status")
GOOD, BAD, GREY = "C6EFCE", "FFC7CE", "D9E1F2"


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
    return tab.layout.column_of(field), [str(f) for f in findings if " appears " in f.message]


def test_a_team_score_left_of_the_syncs_is_left_alone() -> None:
    """The team's F holds scores typed by hand; the sync's G is headed in its grey-blue:
    G is written as if alone, F keeps its cells (until 2026-12-07 F, the first, was
    written). With no mark (no fills read, or none painted) the tab is refused."""
    rows = (
        (*HEAD, "Score", "Score", "Expected", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.9, 0.5, 0.4, "On track"),
        ("O1", "KR2", 0, 10, 2, 0.1, 0.2, 0.4, "Off track"),
    )
    fills = {(1, 7): GREY, (1, 8): GREY, (1, 9): GREY, (2, 7): GOOD, (3, 7): BAD}
    assert _column("score", rows, fills) == (
        7,
        [
            "d.xlsx!OKRs!F1: column header 'Score' appears twice (F1 and G1); the sync "
            "writes G1, whose header is styled as its own (grey-blue), and leaves F1 alone: "
            "rename F1 if it is your own; if F1 is the sync's, give it back its grey-blue "
            "header (Format Painter may have swapped them)"
        ],
    )
    for unmarked, why in (({}, "neither is headed in its grey-blue"), (None, "not read")):
        with pytest.raises(LayoutError) as caught:
            _column("score", rows, unmarked)
        said = str(caught.value)
        assert said.startswith(
            "d.xlsx!OKRs: column header 'Score' appears twice (F1 and G1) and the sync "
            "cannot tell which is its own ("
        ), said
        assert why in said and said.endswith(
            "so nothing in this file is written; rename your own column"
        ), said


def test_a_pasted_score_column_does_not_beat_the_syncs_blank_one() -> None:
    """The team pasted the sync's Score column (grey-blue header, band fills) beside the
    template's, still blank: for a few hours on 2026-12-07 the pasted one, "holding the
    values it wrote", was written, over the team's scores. Both headed in the grey-blue:
    neither is written."""
    rows = (
        (*HEAD, "Score", "Score", "Expected", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.9, None, None, None),
    )
    fills = {(1, 6): GREY, (1, 7): GREY, (2, 6): GOOD}
    with pytest.raises(LayoutError) as caught:
        _column("score", rows, fills)
    assert str(caught.value) == (
        "d.xlsx!OKRs: column header 'Score' appears twice (F1 and G1) and the sync cannot "
        "tell which is its own (both are headed in its grey-blue, which a column inserted "
        "beside its own copies), so nothing in this file is written; rename your own column"
    )


def test_a_cell_the_sync_did_not_write_in_its_own_score_does_not_hand_it_the_teams() -> None:
    """The sync's Score (G, grey-blue) holds "n/a" typed over a score and a total typed
    under the goals; the team's F, plain, is blank: for a few hours on 2026-12-07 F, "the
    only safe one", was written, and the team's scores typed there next written over
    every night. What G holds never hands the sync another column."""
    rows = (
        (*HEAD, "Score", "Score", "Expected", "Status", "Comment"),
        ("O1", "KR1", 0, 10, 5, None, "n/a", 0.4, "On track", None),
        ("O1", "KR2", 0, 10, 2, None, 0.2, 0.4, "Off track", None),
        (None, None, None, None, None, None, 0.35, None, None, "Average"),
    )
    fills = {(1, 7): GREY, (1, 8): GREY, (1, 9): GREY, (3, 7): BAD}
    column, said = _column("score", rows, fills)
    assert column == 7 and len(said) == 1 and "leaves F1 alone" in said[0], said


def test_a_marked_status_holding_a_cell_the_sync_did_not_write_is_refused_by_its_cell() -> None:
    """The sync's Status (H, grey-blue) holds "n/a" typed over a status: the sync does not
    switch to the team's K (blank, plain) as it did for a few hours on 2026-12-07, nor
    write over "n/a": the tab is refused, naming the cell."""
    rows = (
        (*HEAD, "Score", "Expected", "Status", "Sync notes", "Owner", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.5, 0.4, "On track", None, "Ann", None),
        ("O1", "KR2", 0, 10, 2, 0.2, 0.4, "n/a", None, "Bob", None),
    )
    fills = {(1, c): GREY for c in (6, 7, 8, 9)} | {(2, 8): GOOD}
    with pytest.raises(LayoutError) as caught:
        _column("status", rows, fills)
    assert str(caught.value) == (
        "d.xlsx!OKRs: column header 'Status' appears twice (H1 and K1); H1, whose header is "
        "in the grey-blue the sync gives its own, is the sync's, but H3 holds 'n/a', which "
        "it did not write, and nothing in this file is written: clear H3, or rename H1 if it "
        "is your own (if K1 is the sync's, give it back its grey-blue header)"
    )


def test_a_total_typed_under_the_goals_leaves_the_syncs_status_safe() -> None:
    """A row the sync never writes (no goal's values; a Comment alone: "Average") holds
    what the team typed under the sync's Status: it is not in the way."""
    rows = (
        (*HEAD, "Score", "Expected", "Status", "Sync notes", "Comment", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.5, 0.4, "On track", None, None, "fine"),
        (None, None, None, None, None, None, None, "2 on track", None, "Total", None),
    )
    fills = {(1, c): GREY for c in (6, 7, 8, 9)} | {(2, 8): GOOD}
    assert _column("status", rows, fills)[0] == 8
    unmarked = {(2, 8): GOOD}  # no mark: H, the only one holding what the sync wrote
    column, said = _column("status", rows, unmarked)
    assert column == 8 and "which holds the statuses it wrote" in said[0], said


@pytest.mark.parametrize("fills", [{}, None], ids=["xlsx", "ods"])
def test_a_variance_or_trend_is_written_where_marked(
    fills: dict[tuple[int, int], str] | None,
) -> None:
    """The sync writes them plain, as a team types them: only the mark tells, and with
    none the tab is refused (for a few hours on 2026-12-07 the blank one was written, and
    the sync's own, once written, no longer safe: the tab failed the next night)."""
    head = (*KHEAD, "Variance", "Trend", "Variance", "Trend", "Sync notes")
    rows = (head, ("K1", "Bookings", 100, 90, "Amber", 0.5, "Flat", -0.1, "Improving", None))
    for name, twice in (("variance", r"'Variance' appears twice \(F1 and H1\)"), ("trend", "")):
        with pytest.raises(LayoutError, match=f"{twice}.* and the sync cannot tell"):
            _column(name, rows, fills, kind="kpis")
    if fills is not None:
        marked = {(1, 6): GREY, (1, 7): GREY}
        assert _column("variance", rows, marked, kind="kpis")[0] == 6
        assert _column("trend", rows, marked, kind="kpis")[0] == 7


def test_three_score_columns_are_counted_in_words() -> None:
    """Until 2026-12-07 "appears twice (F1 and G1 and H1)", and "(both are headed in its
    grey-blue)" when two of the three were."""
    rows = ((*HEAD, "Score", "Score", "Score"), ("O1", "KR1", 0, 10, 5, 0.1, 0.2, 0.3))
    three = r"'Score' appears 3 times \(F1, G1 and H1\) and the sync cannot tell which"
    for fills, why in (
        ({}, "none is"),
        ({(1, 7): GREY, (1, 8): GREY}, "two of them are"),
        ({(1, c): GREY for c in (6, 7, 8)}, "all three are"),
    ):
        with pytest.raises(LayoutError, match=rf"{three} is its own \({why} headed in its"):
            _column("score", rows, fills)
    column, said = _column("score", rows, {(1, 7): GREY, (2, 7): GOOD})
    assert column == 7 and said == [
        f"d.xlsx!OKRs!{c}1: column header 'Score' appears 3 times (F1, G1 and H1); the sync "
        f"writes G1, whose header is styled as its own (grey-blue), and leaves {c}1 alone: "
        f"rename {c}1 if it is your own; if {c}1 is the sync's, give it back its grey-blue "
        "header (Format Painter may have swapped them)"
        for c in "FH"
    ]


@pytest.mark.parametrize("field", ["status", "score"])
def test_two_blank_columns_both_headed_grey_blue_are_neither_written(field: str) -> None:
    """One was inserted beside the other and copied its header's fill: until 2026-12-07
    the first (or the one by the sync's other columns) was written, and the sync then took
    the team's column for its own. Headed plainly (no fills read, or none painted),
    neither is written either; the one headed as the sync's alone is."""
    header = "Status" if field == "status" else "Score"
    rows = ((*HEAD, "Expected", header, header, "Sync notes"), ("O1", "KR1", 0, 10, 5, *[None] * 4))
    grey = {(1, c): GREY for c in (6, 7, 8, 9)}
    for fills in (grey, {}, None):
        with pytest.raises(LayoutError, match=r"\(G1 and H1\) and the sync cannot tell"):
            _column(field, rows, fills)
    assert _column(field, rows, {(1, 8): GREY})[0] == 8


def test_rows_the_sync_never_writes_leave_the_syncs_status_safe() -> None:
    """An Excel Table's totals row, a hidden row and the template's example row are read
    as no goal's, so the sync writes none of their cells: what the team typed there under
    the sync's Status is not in the way (as in a row with no goal's values)."""
    rows = (
        (*HEAD, "Score", "Expected", "Status", "Sync notes", "Status"),
        ("O1", "Example: KR1", 0, 10, 5, None, None, "see below", None, None),
        ("O1", "KR1", 0, 10, 5, 0.5, 0.4, "On track", None, "fine"),
        ("O1", "KR2", 0, 10, 5, 0.5, 0.4, "hidden note", None, None),
        ("Total", "", 0, 20, 10, None, None, "2 goals", None, None),
    )
    fills = {(1, c): GREY for c in (6, 7, 8, 9)} | {(3, 8): GOOD}
    grid = SheetGrid("OKRs", rows, fills=fills, hidden_rows=frozenset({4}))
    spec = load_mapping("standard").okrs
    assert spec is not None
    for table in (frozenset({5}), frozenset()):
        got = replace(grid, total_rows=table)
        if table:
            tab, _ = extract_tab(got, spec, source="d.xlsx", owned=OKR_OWNED, kind="okrs")
            assert tab.layout.column_of("status") == 8
        else:  # the same row as a goal's (its "Total" an objective ID): in the way
            with pytest.raises(LayoutError, match=r"but H5 holds '2 goals', which it did not"):
                extract_tab(got, spec, source="d.xlsx", owned=OKR_OWNED, kind="okrs")


def test_a_marked_score_or_expected_holding_numbers_not_in_the_syncs_look_is_refused() -> None:
    """Format Painter swapped the marks: the team's own Score (F) wears the grey-blue, the
    sync's (G, its scores in band colours) a plain header. F's scores have no band colour,
    which every score the sync writes has: F is ruled out, and the tab refused naming F2
    (until 2026-12-07 F was written over every night). So for an Expected whose numbers
    are in no percent format. Sync notes, Variance and Trend the sync writes plain, as a
    team types them: nothing rules them out."""
    rows = (
        (*HEAD, "Score", "Score", "Expected", "Expected", "Sync notes", "Sync notes"),
        ("O1", "KR1", 0, 10, 5, 0.9, 0.5, 0.8, 0.4, "ask Ann", None),
        ("O1", "KR2", 0, 10, 2, 0.1, 0.2, 0.3, 0.4, "call Bob", None),
    )
    bands = {(2, 7): GOOD, (3, 7): BAD}
    percent = frozenset({(2, 9), (3, 9)})  # the sync's Expected, I, in a percent format
    sync = {(1, 7): GREY, (1, 9): GREY, (1, 10): GREY} | bands  # G, I, J marked
    assert [_column(f, rows, sync, percent)[0] for f in ("score", "expected")] == [7, 9]
    swapped = {**sync, (1, 6): GREY, (1, 7): ""}
    with pytest.raises(LayoutError) as caught:
        _column("score", rows, swapped, percent)
    assert str(caught.value) == (
        "d.xlsx!OKRs: column header 'Score' appears twice (F1 and G1); F1 is headed in the "
        "grey-blue the sync gives its own, but F2 holds 0.9, which it did not write (every "
        "score it writes is in a band colour), and nothing in this file is written: if F1 "
        "is your own, rename it (if G1 is the sync's, give it back its grey-blue header), "
        "or clear F2"
    )
    with pytest.raises(LayoutError, match=r"but H2 holds 0\.8, which it did not write"):
        _column("expected", rows, {**sync, (1, 8): GREY, (1, 9): ""}, percent)
    # J, marked, holds notes a team may have typed ("ask Ann"): nothing rules it out,
    # the limit docs/mappings.md names
    assert _column("sync_notes", rows, sync, percent)[0] == 10
