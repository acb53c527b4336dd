"""The rows a marked Status typed twice is asked of: those ``extract`` reads a goal from,
told by every input column. Until 2026-12-07 the columns found by their note ("Target
(end of Q)") were not among them, so a row of them alone was read and written but taken
for unwritten, and the team's cell under the marked Status there was written over; and a
header row repeated under the goals (skipped as one) was asked, and refused the tab."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid
from sheets_sync.mapping.extract import TabExtract, extract_tab
from sheets_sync.mapping.fields import OKR_OWNED
from sheets_sync.mapping.spec import load_mapping

GOOD, GREY = "C6EFCE", "D9E1F2"


def _okrs(
    rows: tuple[tuple[CellValue, ...], ...],
    fills: Mapping[tuple[int, int], str],
    formulas: Mapping[tuple[int, int], str] | None = None,
) -> TabExtract:
    spec = load_mapping("standard").okrs
    grid = SheetGrid("OKRs", rows, fills=fills, formula_cells=formulas or {})
    return extract_tab(grid, spec, source="d.xlsx", owned=OKR_OWNED, kind="okrs")[0]


def test_a_row_of_columns_found_by_their_note_alone_is_one_the_sync_writes() -> None:
    """Row 3 holds only a Target and a Current, both headed with a note: it is read (a
    goal's row, written), so 'mine' under the marked Status H is in the way."""
    head = ("Objective ID", "KR ID", "Start", "Target (end of Q)", "Current (EUR)")
    rows: tuple[tuple[CellValue, ...], ...] = (
        (*head, "Score", "Status", "Status"),
        ("O1", "KR1", 0, 10, 5, 0.5, "On track", None),
        (None, None, None, 10, 5, None, None, "mine"),
    )
    fills = {(1, 8): GREY, (2, 7): GOOD}
    with pytest.raises(LayoutError, match=r"but H3 holds 'mine', which it did not write"):
        _okrs(rows, fills)
    rows = (*rows[:2], (None, None, None, None, None, None, None, "mine"))  # no goal's row
    assert _okrs(rows, fills).layout.column_of("status") == 8


def test_a_header_row_repeated_under_the_goals_is_not_in_the_way() -> None:
    """A section pasted with its header row ('STATUS' under the sync's Status): the row is
    skipped as a header, not written, so the sync's marked Status stays safe."""
    head = ("Objective ID", "KR ID", "Start", "Target", "Current", "Score", "Status", "Status")
    rows = (
        head,
        ("O1", "KR1", 0, 10, 5, 0.5, "On track", None),
        (*(h.upper() for h in head[:7]), None),
        ("O2", "KR2", 0, 10, 5, 0.5, "On track", "mine"),
    )
    tab = _okrs(rows, {(1, 7): GREY, (2, 7): GOOD, (4, 7): GOOD})
    assert tab.layout.column_of("status") == 7
    assert [r.row for r in tab.records] == [2, 4]


def test_a_formula_under_the_marked_status_is_not_the_syncs() -> None:
    """The marked Status (H, the team's: its header painted so) holds the team's formulas,
    showing blank or a word of their own: the sync writes values, never a formula, so H
    is not safe, and the tab is refused naming the first (until 2026-12-07 a column of
    them showing blank was safe, written over, and the formulas lost)."""
    head = ("Objective ID", "KR ID", "Start", "Target", "Current", "Score", "Status", "Status")
    rows = (
        head,
        ("O1", "KR1", 0, 10, 5, 0.5, "On track", ""),
        ("O1", "KR2", 0, 10, 9, 0.9, "Achieved", ""),
    )
    fills = {(1, 8): GREY, (2, 7): GOOD, (3, 7): GOOD}
    shown = '=IF(E2>8,"Done","")'
    for formulas, what in (({(2, 8): shown, (3, 8): shown}, repr(shown)), ({(3, 8): ""}, "")):
        cell = "H2" if what else "H3"
        said = f"but {cell} holds {'the formula ' + what if what else 'a formula'}, which"
        with pytest.raises(LayoutError, match=re.escape(said)):
            _okrs(rows, fills, formulas)
    assert _okrs(rows, fills).layout.column_of("status") == 8  # values alone: blank, safe


def test_the_advice_names_the_other_columns_that_may_be_the_syncs() -> None:
    """Three Status columns, the marked one (H) holding a word the sync did not write:
    either of the others may be the sync's, its header painted over."""
    head = ("Objective ID", "KR ID", "Start", "Target", "Current", "Score")
    rows = ((*head, "Status", "Status", "Status"), ("O1", "KR1", 0, 10, 5, 0.5, None, "mine", None))
    with pytest.raises(LayoutError) as caught:
        _okrs(rows, {(1, 8): GREY})
    assert str(caught.value).endswith(
        "clear H2, or rename H1 if it is your own (if one of G1 and I1 is the sync's, give it "
        "back its grey-blue header)"
    ), str(caught.value)
