"""Smart chips: ``chipRuns`` are stored, read back beside the text with its ``@``
placeholders, and erased by a new ``userEnteredValue`` (real gspread)."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

PERSON = {"chip": {"personProperties": {"email": "ann@acme.example", "displayFormat": "DEFAULT"}}}
LINK = {"startIndex": 9, "chip": {"richLinkProperties": {"uri": "https://docs.google.com/d/x"}}}


def _update(sh: gspread.Spreadsheet, cell: dict[str, Any], fields: str) -> None:
    start = {"sheetId": 0, "rowIndex": 1, "columnIndex": 0}
    body = {"updateCells": {"start": start, "rows": [{"values": [cell]}], "fields": fields}}
    sh.batch_update({"requests": [body]})


def _read(sh: gspread.Spreadsheet) -> dict[str, Any]:
    got = sh.fetch_sheet_metadata(
        {"includeGridData": "true", "ranges": "A2", "fields": "sheets.data.rowData.values"}
    )
    cell: dict[str, Any] = got["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    return cell


def test_chips_read_back_with_their_placeholders_until_the_text_is_replaced(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = gc.open_by_key(emulator.create_spreadsheet("t", {"OKRs": [["Owner"], ["x"]]}))
    text = {"stringValue": "@ owns the @ doc"}
    _update(sh, {"userEnteredValue": text, "chipRuns": [PERSON, LINK]}, "userEnteredValue,chipRuns")
    cell = _read(sh)
    assert cell["userEnteredValue"] == cell["effectiveValue"] == text
    assert cell["chipRuns"] == [PERSON, LINK]
    _update(sh, {"userEnteredFormat": {"textFormat": {"bold": True}}}, "userEnteredFormat")
    assert _read(sh)["chipRuns"] == [PERSON, LINK]  # a format leaves them
    _update(sh, {"userEnteredValue": {"stringValue": "Bo"}}, "userEnteredValue")
    assert "chipRuns" not in _read(sh)
