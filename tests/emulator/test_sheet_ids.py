"""A request's ``sheetId`` that is no whole number is Google's 400 for a wrongly typed
field, named by its path in the body (``Invalid value at
'requests[1].delete_sheet.sheet_id' (TYPE_INT32), "x"``, in the words Google's JSON parse
gives a wrongly typed field: the Docs API answers ``Invalid value at
'requests[0].insert_text.location.index' (TYPE_INT32), "abc"``; no Sheets capture of it
is at hand), and the batch changes nothing; a string of digits is
taken as the number. Until a review on 2026-12-07 ``int("x")`` raised a plain
``ValueError`` in the emulator, answered as a 500."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

GROW = {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}}


def _book(gc: gspread.Client, emulator: Emulator) -> gspread.Spreadsheet:
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR"]], "KPIs": [["K"]]})
    return gc.open_by_key(key)


@pytest.mark.parametrize(
    ("request_", "field", "shown"),
    [
        ({"deleteSheet": {"sheetId": "x"}}, "delete_sheet.sheet_id", '"x"'),
        ({"deleteSheet": {"sheetId": 1.5}}, "delete_sheet.sheet_id", "1.5"),
        ({"deleteSheet": {"sheetId": 2**31}}, "delete_sheet.sheet_id", str(2**31)),
        (
            {"updateSheetProperties": {"properties": {"sheetId": "x"}, "fields": "title"}},
            "update_sheet_properties.properties.sheet_id",
            '"x"',
        ),
        (
            {"insertDimension": {"range": {"sheetId": "x", "dimension": "ROWS"}}},
            "insert_dimension.range.sheet_id",
            '"x"',
        ),
        (
            {"addFilterView": {"filter": {"range": {"sheetId": "x"}}}},
            "add_filter_view.filter.range.sheet_id",
            '"x"',
        ),
        (
            {"repeatCell": {"range": {"sheetId": "x"}, "cell": {}, "fields": "*"}},
            "repeat_cell.range.sheet_id",
            '"x"',
        ),
        (
            {"copyPaste": {"source": {"sheetId": 0}, "destination": {"sheetId": "x"}}},
            "copy_paste.destination.sheet_id",
            '"x"',
        ),
        (
            {"setBasicFilter": {"filter": {"range": {"sheetId": "x"}}}},
            "set_basic_filter.filter.range.sheet_id",
            '"x"',
        ),
    ],
)
def test_a_sheet_id_that_is_no_number_is_a_400_naming_its_field(
    gc: gspread.Client,
    emulator: Emulator,
    request_: dict[str, Any],
    field: str,
    shown: str,
) -> None:
    sh = _book(gc, emulator)
    before = sh.fetch_sheet_metadata()
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.batch_update({"requests": [GROW, request_]})
    assert info.value.response.status_code == 400
    error = info.value.response.json()["error"]
    said = f"Invalid value at 'requests[1].{field}' (TYPE_INT32), {shown}"
    assert (error["status"], error["message"]) == ("INVALID_ARGUMENT", said)
    (violation,) = error["details"][0]["fieldViolations"]
    assert violation == {"field": f"requests[1].{field}", "description": said}
    assert sh.fetch_sheet_metadata() == before  # the first request undone too


def test_a_sheet_id_of_digits_is_taken_as_the_number(
    gc: gspread.Client, emulator: Emulator
) -> None:
    sh = _book(gc, emulator)
    kpis = sh.worksheet("KPIs").id
    sh.batch_update({"requests": [{"deleteSheet": {"sheetId": str(kpis)}}]})
    assert [ws.title for ws in sh.worksheets()] == ["OKRs"]
    with pytest.raises(gspread.exceptions.APIError, match="No grid with id: 12345"):
        sh.batch_update({"requests": [{"deleteSheet": {"sheetId": "12345"}}]})
