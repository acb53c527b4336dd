"""``okrs.required: false``: a team is read for its key results, so the setting cannot
work. Until 2026-12-07 it loaded, and a workbook with no OKR tab failed as an internal
error (an AssertionError in ``extract``); for a day it was then refused at load, and a
team whose mapping said it (and had synced cleanly) failed every night. New contract
(2026-12-07): it loads, reads as ``true``, and the team is told at the tab."""

from __future__ import annotations

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import load_mapping, parse_mapping

NO_GOALS = WorkbookData("t.xlsx", ("X",), {"X": SheetGrid("X", (("a",),))})
TEXT = "name: m\nokrs:\n  sheet: [OKRs]\n  required: false\n"
SAID = (
    "m.yaml: okrs.required: false has no effect: a team is read for its key results; "
    "delete the line"
)


def test_okrs_required_false_loads_as_true_with_a_warning() -> None:
    mapping = parse_mapping(TEXT, source="m.yaml")
    assert mapping.okrs.required is True
    assert mapping.okrs.said == (SAID,)


def test_the_warning_is_said_at_the_tab() -> None:
    rows = (("Objective ID", "KR ID", "Target", "Current"), ("O1", "O1.1", 30, 20))
    book = WorkbookData("t.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})
    got = extract(book, parse_mapping(TEXT, source="m.yaml"))
    assert [r.row for r in got.okrs.records] == [2]
    assert f"t.xlsx!OKRs: {SAID}" in [str(f) for f in got.findings]


def test_a_workbook_without_the_tab_fails_as_a_missing_tab_saying_so() -> None:
    with pytest.raises(LayoutError, match="no tab named OKRs") as caught:
        extract(NO_GOALS, parse_mapping(TEXT, source="m.yaml"))
    assert "okrs.required: false has no effect" in str(caught.value)


def test_a_spec_built_so_by_hand_fails_as_a_missing_tab() -> None:
    mapping = load_mapping("standard")
    okrs = mapping.okrs.model_copy(update={"required": False})
    with pytest.raises(LayoutError, match="no tab named OKRs"):
        extract(NO_GOALS, mapping.model_copy(update={"okrs": okrs}))
