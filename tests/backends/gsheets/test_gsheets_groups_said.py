"""A Google sheet's rows in a row group (``rowGroups``, read in the one ``get`` the read
makes) are "hidden, inside a row group" when hidden, word for word as the same rows of
an .xlsx (``outlineLevel``): collapsed, or hidden by hand inside an expanded group; a row
hidden outside any group is "hidden" alone. Until 2026-12-07 Google's groups were not
read, so a collapsed group's rows were said to be hidden by hand (unhide, not expand)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.backends.gsheets.backend import READ_FIELDS, GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.grid import WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

pytestmark = pytest.mark.emulator

ROWS: list[list[Any]] = [["Objective ID", "KR ID", "Key result", "Start", "Target", "Current"],
        *[["O1", f"O1.{i}", f"goal {i}", 0, 10, 5] for i in range(1, 16)]]  # fmt: skip
#: rows 3-5 and 14-16 collapsed groups; 8-12 an expanded group with 9 and 10 hidden by
#: hand inside it; 7 and 13 hidden outside any group
COLLAPSED = [(3, 5), (14, 16)]
EXPANDED = (8, 12)
BY_HAND = [7, 9, 10, 13]


def _said(data: WorkbookData) -> list[str]:
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    return [f.message for f in team.findings if "not read" in f.message]


def _xlsx(tmp_path: Path) -> WorkbookData:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for values in ROWS:
        ws.append(values)
    for first, last in COLLAPSED:
        ws.row_dimensions.group(first, last, outline_level=1, hidden=True)
    ws.row_dimensions.group(*EXPANDED, outline_level=1, hidden=False)
    for row in BY_HAND:
        ws.row_dimensions[row].hidden = True
    wb.save(tmp_path / "sales.xlsx")
    return read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=["OKRs", "KPIs"])


def _rows(first: int, last: int) -> dict[str, Any]:
    return {"sheetId": 0, "dimension": "ROWS", "startIndex": first - 1, "endIndex": last}


def _google(emulator: Emulator, client: Any) -> WorkbookData:
    key = emulator.create_spreadsheet("Sales", {"OKRs": ROWS}, value_input="RAW")
    groups = [{"addDimensionGroup": {"range": _rows(*g)}} for g in [*COLLAPSED, EXPANDED]]
    collapse = [{"updateDimensionGroup": {"dimensionGroup": {"range": _rows(*g), "depth": 1,
                "collapsed": True}, "fields": "collapsed"}} for g in COLLAPSED]  # fmt: skip
    hide = [{"updateDimensionProperties": {"range": _rows(r, r), "properties":
            {"hiddenByUser": True}, "fields": "hiddenByUser"}} for r in BY_HAND]  # fmt: skip
    client.batch_update(key, {"requests": [*groups, *collapse, *hide]}, source="u", what="group")
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs", "KPIs"])
    assert backend.api_calls == 1  # the groups ride in the read's one get
    return data


def test_google_and_excel_say_the_same_of_the_same_rows(
    emulator: Emulator, client: Any, tmp_path: Path
) -> None:
    excel, google = _xlsx(tmp_path), _google(emulator, client)
    assert excel.sheets["OKRs"].grouped_rows == frozenset({3, 4, 5, 9, 10, 14, 15, 16})
    assert google.sheets["OKRs"].grouped_rows == excel.sheets["OKRs"].grouped_rows
    assert google.sheets["OKRs"].hidden_rows == excel.sheets["OKRs"].hidden_rows
    assert _said(google) == _said(excel)
    assert _said(excel) == [
        "rows 3-5, 9-10, 14-16 are hidden, inside a row group, and not read; expand the "
        "group (the + beside it) or unhide them to have them read, or delete the rows (or "
        "move them to an archive tab) if their goals are dropped",
        "rows 7, 13 are hidden and not read (a hidden row of goal data is warned of each "
        "night); unhide them to have them read, or delete the rows (or move them to an "
        "archive tab) if their goals are dropped",
    ]


def test_the_groups_are_read_in_the_field_mask() -> None:
    assert "rowGroups.range(startIndex,endIndex)" in READ_FIELDS


def test_nested_and_first_row_groups_are_read_as_google_sends_them() -> None:
    """Google leaves out a 0 ``startIndex`` (a group from row 1); a group of depth 2 sits
    inside one of depth 1; a row hidden past every group is hidden by hand."""
    from sheets_sync.backends.gsheets.gridjson import grid_from_json

    rows = [{"values": [{"effectiveValue": {"stringValue": f"r{i}"}}]} for i in range(1, 13)]
    meta = [{"hiddenByUser": True} if i in (1, 2, 6, 7, 11) else {} for i in range(1, 13)]
    groups = [
        {"range": {"dimension": "ROWS", "endIndex": 2}, "depth": 1},
        {"range": {"dimension": "ROWS", "startIndex": 4, "endIndex": 9}, "depth": 1},
        {"range": {"dimension": "ROWS", "startIndex": 5, "endIndex": 7}, "depth": 2},
    ]
    sheet = {"properties": {"title": "OKRs"}, "rowGroups": groups,
             "data": [{"rowData": rows, "rowMetadata": meta}]}  # fmt: skip
    grid = grid_from_json(sheet)
    assert grid.hidden_rows == frozenset({1, 2, 6, 7, 11})
    assert grid.grouped_rows == frozenset({1, 2, 6, 7})
