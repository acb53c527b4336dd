"""A tab that fails outside the header search (no tab of the mapping's names, one tab for
both kinds, no room for the owned columns) says the mapping's warnings after its error, as
a missing column does: until 2026-12-07 they were lost with it, though the setting may be
the cause (``TabSpec.said``)."""

from __future__ import annotations

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract, extract_tab
from sheets_sync.mapping.fields import OKR_FIELDS, OKR_OWNED
from sheets_sync.mapping.spec import parse_mapping
from tests.conftest import OKR_ROWS

NOTE = (
    "; note: mine.yaml: okrs.header: gives both row and search; row 1 is used, search is not read"
)
HEAD = tuple(h for _, h in OKR_FIELDS)


def _book(*names: str) -> WorkbookData:
    rows = (HEAD, *(tuple(r) for r in OKR_ROWS))
    return WorkbookData("sales.xlsx", names, {n: SheetGrid(n, rows) for n in names})  # type: ignore[arg-type]


def test_no_tab_named_says_the_mappings_warnings() -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  header: {row: 1, search: 10}\n", source="mine.yaml"
    )
    with pytest.raises(LayoutError) as caught:
        extract(_book("Goals"), mapping)
    assert str(caught.value) == (
        "sales.xlsx: no tab named OKRs (tabs: Goals); rename the tab that holds the key "
        "results to OKRs, or add its name to okrs.sheet in mine.yaml" + NOTE
    )


def test_one_tab_for_both_kinds_says_the_mappings_warnings() -> None:
    mapping = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs, Sheet1]\n  header: {row: 1, search: 10}\n"
        "kpis:\n  sheet: [KPIs, Sheet1]\n",
        source="mine.yaml",
    )
    with pytest.raises(LayoutError) as caught:
        extract(_book("Sheet1"), mapping)
    assert str(caught.value).startswith("sales.xlsx!Sheet1: the key results and the KPIs ")
    assert str(caught.value).endswith("add a tab named OKRs or KPIs" + NOTE)


def test_no_room_for_owned_columns_says_the_mappings_warnings() -> None:
    spec = parse_mapping(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  header: {row: 1, search: 10}\n", source="mine.yaml"
    ).okrs
    keys = [
        i
        for i, (f, _) in enumerate(OKR_FIELDS)
        if f in ("objective_id", "kr_id", "target", "current")
    ]
    far: list[CellValue] = [None] * (16_384 - len(keys) - 1)
    head = tuple(HEAD[i] for i in keys) + tuple(far) + ("far note",)
    grid = SheetGrid("OKRs", (head, tuple(OKR_ROWS[0][i] for i in keys)))  # type: ignore[misc]
    with pytest.raises(LayoutError) as caught:
        extract_tab(grid, spec, source="sales.xlsx", owned=OKR_OWNED, kind="okrs")
    assert caught.value.message.startswith("no room for the columns ")
    assert caught.value.message.endswith("far right of the data" + NOTE)
