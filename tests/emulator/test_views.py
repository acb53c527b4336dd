"""Filter views and slicers are kept and listed, and hide no row of the grid data (real
gspread); before 2026-12-05 both were refused as unknown request kinds."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

ROWS: list[list[Any]] = [["KR", "Owner"], ["k1", "Ann"], ["k2", "Bob"], ["k3", "Ann"]]
RANGE = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4, "startColumnIndex": 0,
         "endColumnIndex": 2}  # fmt: skip
HIDE_BOB = {"hiddenValues": ["Bob"]}


def _sheet(sh: gspread.Spreadsheet) -> dict[str, Any]:
    got = sh.fetch_sheet_metadata({"includeGridData": "true"})
    sheet: dict[str, Any] = got["sheets"][0]
    return sheet


def test_filter_views_and_slicers_are_listed_and_hide_nothing(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": ROWS}))
    view = {"title": "Mine", "range": RANGE, "criteria": {"1": HIDE_BOB}}
    slicer = {
        "spec": {"dataRange": RANGE, "columnIndex": 1, "filterCriteria": HIDE_BOB},
        "position": {"overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 0,
                                                        "columnIndex": 4}}},
    }  # fmt: skip
    replies = sh.batch_update(
        {"requests": [{"addFilterView": {"filter": view}}, {"addSlicer": {"slicer": slicer}}]}
    )["replies"]
    view_id = replies[0]["addFilterView"]["filter"]["filterViewId"]
    slicer_id = replies[1]["addSlicer"]["slicer"]["slicerId"]
    sheet = _sheet(sh)
    assert [v["title"] for v in sheet["filterViews"]] == ["Mine"]
    assert [s["slicerId"] for s in sheet["slicers"]] == [slicer_id]
    assert not any(m.get("hiddenByFilter") for m in sheet["data"][0]["rowMetadata"])
    sh.batch_update(
        {
            "requests": [
                {"updateFilterView": {"filter": {"filterViewId": view_id, "title": "Q1"},
                                      "fields": "title"}},
            ]
        }
    )  # fmt: skip
    assert _sheet(sh)["filterViews"][0]["title"] == "Q1"
    sh.batch_update(
        {
            "requests": [
                {"deleteFilterView": {"filterId": view_id}},
                {"deleteEmbeddedObject": {"objectId": slicer_id}},
            ]
        }
    )
    sheet = _sheet(sh)
    assert "filterViews" not in sheet and "slicers" not in sheet
