"""A team tab Google gives no cells for, through real gspread over HTTP to the emulator:
a chart sheet (``sheetType`` OBJECT) or a Connected Sheets tab (DATA_SOURCE, rows from
BigQuery or Looker) named as the mapping's tab. Its error says what the tab is: "the
tab is empty" sent a team lead to a tab full of rows (before 2026-12-06)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import sheets_sync
from sheets_sync.emulator import Emulator
from sheets_sync.workspace.google_demo import seed_demo

pytestmark = pytest.mark.emulator
AS_OF = dt.date(2026, 11, 23)


def test_a_tab_of_no_cells_says_what_it_is(env: Emulator, tmp_path: Path) -> None:
    config, keys, _ = seed_demo(env, tmp_path / "ws", AS_OF)
    with env.state.lock:  # as its owner made them: the API cannot add such tabs here
        for team, tab, kind in (("Sales", "KPIs", "DATA_SOURCE"), ("Finance", "OKRs", "OBJECT")):
            sheet = env.state.get(keys[team]).sheet_by_title(tab)
            assert sheet is not None
            sheet.properties["sheetType"] = kind
    ws = sheets_sync.load_workspace(config)
    runs = {run.team: run for run in sheets_sync.validate_workspace(ws, as_of=AS_OF).runs}
    sales, finance = runs["Sales"].error_detail, runs["Finance"].error_detail
    assert sales is not None and finance is not None
    assert (sales.kind, sales.tab, finance.kind, finance.tab) == (
        "LayoutError",
        "KPIs",
        "LayoutError",
        "OKRs",
    )
    assert sales.message == (
        "the tab is a connected-data sheet (Connected Sheets: BigQuery, Looker), not a "
        "tab of cells (no header row with KPI ID, Actual): rename it, and keep the data in a "
        "plain tab named KPIs"
    )
    assert finance.message == (
        "the tab is a chart sheet, not a tab of cells (no header row with Objective ID, "
        "KR ID, Target, Current): rename it, and keep the data in a plain tab named OKRs"
    )
    assert runs["Engineering"].error_detail is None  # the others are read as usual


def test_two_tabs_that_read_as_one_name_are_warned_of(env: Emulator, tmp_path: Path) -> None:
    """``OKRs`` and ``OKRs `` (a trailing space; Google refuses only names that differ in
    case): the first is read and written, and the team lead hears of the other."""
    config, keys, _ = seed_demo(env, tmp_path / "ws", AS_OF)
    key = keys["Engineering"]
    rows = env.values(key, "OKRs!A1:Q9", "UNFORMATTED_VALUE")
    env.state.spreadsheets[key].sheets[0].properties["title"] = "OKRs "
    copy = env.create_spreadsheet("x", {"OKRs": rows})
    env.state.spreadsheets[key].sheets.insert(0, env.state.spreadsheets[copy].sheets[0])
    for index, sheet in enumerate(env.state.spreadsheets[key].sheets):
        sheet.properties["index"] = index
    ws = sheets_sync.load_workspace(config)
    runs = {run.team: run for run in sheets_sync.validate_workspace(ws, as_of=AS_OF).runs}
    said = [str(f) for f in runs["Engineering"].findings if "read as one name" in f.message]
    assert len(said) == 1 and said[0].endswith(
        '!OKRs: tabs OKRs and "OKRs " read as one name; the first, OKRs, is read and '
        "written: rename or delete the other"
    )
    assert runs["Engineering"].error_detail is None
    assert not [f for f in runs["Sales"].findings if "read as one name" in f.message]
