"""An Excel team workbook whose KPIs tab is a chart sheet (a tab holding one chart, no
cells): the team's error says so, as a Google chart sheet's does
(tests/e2e/test_google_tab_kinds.py), not "the tab is empty" for a tab its owner sees
full of a chart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

import sheets_sync

AS_OF = dt.date(2026, 11, 23)


def test_a_chart_sheet_named_as_the_kpis_tab_says_it_is_one(tmp_path: Path) -> None:
    config = sheets_sync.create_demo(tmp_path / "ws", as_of=AS_OF)
    path = tmp_path / "ws" / "teams" / "Finance.xlsx"
    book = openpyxl.load_workbook(path)
    okrs = book["OKRs"]
    del book["KPIs"]
    chart = BarChart()
    chart.add_data(Reference(okrs, min_col=5, min_row=1, max_row=5), titles_from_data=True)
    book.create_chartsheet("KPIs").add_chart(chart)
    book.save(path)
    ws = sheets_sync.load_workspace(config)
    runs = {run.team: run for run in sheets_sync.validate_workspace(ws, as_of=AS_OF).runs}
    finance = runs["Finance"].error_detail
    assert finance is not None
    assert (finance.kind, finance.tab) == ("LayoutError", "KPIs")
    assert finance.message == (
        "the tab is a chart sheet, not a tab of cells (no header row with KPI ID, Actual): "
        "rename it, and keep the data in a plain tab named KPIs"
    )
    assert runs["Engineering"].error_detail is None
