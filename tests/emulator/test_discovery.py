"""Every Sheets response from an end-to-end session conforms to the v4 discovery document."""

from __future__ import annotations

import gspread
import pytest
from gspread.utils import Dimension, ValueRenderOption

from sheets_sync.emulator import Emulator
from sheets_sync.emulator.discovery import RESPONSE_SCHEMAS, validate_response

pytestmark = pytest.mark.emulator


def _session(gc: gspread.Client, emulator: Emulator) -> None:
    sh = gc.create("Discovery")
    ws = sh.sheet1
    ws.update(
        [["Objective", "Progress", "Due"], ["O1", "45%", "2026-03-31"], ["O2", 0.5, "=1/0"]],
        "A1",
        raw=False,
    )
    ws.append_row(["O3", 1, True])
    ws.get_all_values()
    ws.get(
        "A1:C3", value_render_option=ValueRenderOption.unformatted, major_dimension=Dimension.cols
    )
    sh.values_batch_get(["Sheet1!A1:B2", "Sheet1!C:C"])
    ws.batch_update([{"range": "D1", "values": [["x"]]}])
    ws.batch_clear(["D1"])
    ws.format("A1:C1", {"textFormat": {"bold": True}, "backgroundColor": {"red": 0.9}})
    ws.merge_cells("E1:F2")
    sh.add_worksheet("KPIs", 10, 5)
    sh.batch_update(
        {
            "requests": [
                {
                    "addNamedRange": {
                        "namedRange": {"name": "Head", "range": {"sheetId": 0, "endRowIndex": 1}}
                    }
                }
            ]
        }
    )
    ws.add_dimension_group_rows(1, 3)
    sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": ["Sheet1!A1:C4"]})
    sh.fetch_sheet_metadata(
        {
            "fields": "sheets.properties,"
            "sheets.data.rowData.values(effectiveValue,userEnteredFormat)",
            "ranges": ["Sheet1!A1:C2"],
        }
    )
    ws.clear()


def test_responses_match_discovery_schema(gc: gspread.Client, emulator: Emulator) -> None:
    _session(gc, emulator)
    checked = 0
    for entry in emulator.log.requests:
        if entry.endpoint in RESPONSE_SCHEMAS and entry.response is not None:
            assert validate_response(entry.endpoint, entry.response) == [], entry.path
            checked += 1
    assert {e.endpoint for e in emulator.log.requests} >= {
        "values.append",
        "values.batchGet",
        "spreadsheets.batchUpdate",
        "values.batchClear",
    }
    assert checked >= 15


def test_validator_catches_wrong_fields() -> None:
    assert validate_response("values.get", {"range": "A1", "majorDimension": "ROWS"}) == []
    assert validate_response("values.get", {"rang": "A1"}) != []
    assert validate_response("spreadsheets.get", {"sheets": [{"properties": {"index": "0"}}]}) != []
