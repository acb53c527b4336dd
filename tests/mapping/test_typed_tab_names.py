"""Where the team must type a tab's name, or find it in the tab bar beside the location
(``sales.xlsx!Bob's``), the words give the name as typed: bare when plain, else whole in
double quotes. Until 2026-12-07 they gave a formula's quoting (``'Bob''s OKRs'``), which
had the team type a doubled quote, and named one tab two ways on one line."""

from __future__ import annotations

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import parse_mapping

ROWS: tuple[tuple[CellValue, ...], ...] = (
    ("Objective ID", "KR ID", "Target", "Current", "KPI ID", "Actual"),
    ("O1", "O1.1", 10, 5, "K1", 3),
)


def test_the_tab_to_add_is_named_as_the_team_types_it() -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [Bob's OKRs, Sheet1]\nkpis:\n  sheet: [KPIs, Sheet1]\n",
        source="mine.yaml",
    )
    grid = SheetGrid("Sheet1", ROWS)
    with pytest.raises(LayoutError) as caught:
        extract(WorkbookData("sales.xlsx", ("Sheet1",), {"Sheet1": grid}), mapping)
    assert str(caught.value).endswith(
        'each is read from a tab of its own: add a tab named "Bob\'s OKRs" or KPIs'
    )


def test_twin_tabs_are_named_as_the_location_names_them() -> None:
    mapping = parse_mapping("name: mine\nokrs:\n  sheet: [Bob's]\n", source="mine.yaml")
    tabs = {"Bob's": SheetGrid("Bob's", ROWS), "Bobs": SheetGrid("Bobs", ROWS)}
    got = extract(WorkbookData("sales.xlsx", ("Bob's", "Bobs"), tabs), mapping)
    said = [str(f) for f in got.findings if "read as one name" in f.message]
    assert said == [
        'sales.xlsx!Bob\'s: tabs "Bob\'s" and Bobs read as one name; the first, "Bob\'s", '
        "is read and written: rename or delete the other"
    ]
