"""``okrs.required: false``: a team is read for its key results, so the setting cannot
work. Until 2026-12-07 it loaded, and a workbook with no OKR tab failed as an internal
error (an AssertionError in ``extract``)."""

from __future__ import annotations

import pytest

from sheets_sync.errors import LayoutError, MappingError
from sheets_sync.grid import SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import load_mapping, parse_mapping

NO_GOALS = WorkbookData("t.xlsx", ("X",), {"X": SheetGrid("X", (("a",),))})


def test_okrs_required_false_is_refused_at_load() -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping("name: m\nokrs:\n  sheet: [OKRs]\n  required: false\n", source="m.yaml")
    assert caught.value.problems == [
        "m.yaml: okrs.required: false is not allowed: a team sheet is read for its key "
        "results, so its OKR tab must be there; delete the line (kpis.required may be false)"
    ]


def test_a_spec_built_so_by_hand_fails_as_a_missing_tab() -> None:
    mapping = load_mapping("standard")
    okrs = mapping.okrs.model_copy(update={"required": False})
    with pytest.raises(LayoutError, match="no tab named OKRs"):
        extract(NO_GOALS, mapping.model_copy(update={"okrs": okrs}))
