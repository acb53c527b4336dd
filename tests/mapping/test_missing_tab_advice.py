"""A team's tab renamed (``Q4 OKRs``, or ``okrs1`` after a copy): the team fails with an
error that lists the tabs and says what to do, rename it back or name it in the mapping.
Until 2026-12-07 it listed the tabs and stopped there (the docs said what to do)."""

from __future__ import annotations

import pytest

from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import parse_mapping

ROWS: tuple[tuple[CellValue, ...], ...] = (
    ("Objective ID", "KR ID", "Start", "Target", "Current"),
    ("O1", "O1.1", 0, 10, 5),
)
OKRS = "name: mine\nokrs:\n  sheet: [OKRs]\n"


def _book(*names: str) -> WorkbookData:
    return WorkbookData("sales.xlsx", names, {n: SheetGrid(n, ROWS) for n in names})


@pytest.mark.parametrize(
    ("tabs", "shown"),
    [
        (("okrs1", "KPIs"), "(tabs: okrs1, KPIs)"),
        (("Q4 OKRs", "KPIs"), '(tabs: "Q4 OKRs", KPIs); did you mean "Q4 OKRs"?'),
    ],
)
def test_the_key_results_tab_missing_says_what_to_do(tabs: tuple[str, ...], shown: str) -> None:
    with pytest.raises(LayoutError) as caught:
        extract(_book(*tabs), parse_mapping(OKRS, source="mine.yaml"))
    assert str(caught.value) == (
        f"sales.xlsx: no tab named OKRs {shown}; rename the tab that holds the key results "
        "to OKRs, or give its name in the mapping's okrs.sheet"
    )


def test_a_required_kpi_tab_missing_says_what_to_do() -> None:
    mapping = parse_mapping(OKRS + "kpis:\n  sheet: [KPIs]\n  required: true\n", source="m.yaml")
    got = extract(_book("OKRs", "Metrics"), mapping)
    assert [str(f) for f in got.findings] == [
        "sales.xlsx: no tab named KPIs (tabs: OKRs, Metrics); rename the tab that holds "
        "the KPIs to KPIs, or give its name in the mapping's kpis.sheet"
    ]
