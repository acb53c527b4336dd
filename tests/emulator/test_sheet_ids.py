"""A request's ``sheetId`` that is no whole number is Google's 400 for a wrongly typed
field, named by its path in the body (``Invalid value at
'requests[1].delete_sheet.sheet_id' (TYPE_INT32), "x"``, in the words Google's JSON parse
gives a wrongly typed field: the Docs API answers ``Invalid value at
'requests[0].insert_text.location.index' (TYPE_INT32), "abc"``; no Sheets capture of it
is at hand), and the batch changes nothing; a string of digits is
taken as the number. Until a review on 2026-12-07 ``int("x")`` raised a plain
``ValueError`` in the emulator, answered as a 500."""

from __future__ import annotations

import copy
from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator
from sheets_sync.emulator.batch_update import batch_update
from sheets_sync.emulator.errors import ApiError
from sheets_sync.emulator.ranges import parse_range
from sheets_sync.emulator.state import Store

pytestmark = pytest.mark.emulator

GROW = {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}}
_RULE = {"booleanRule": {"condition": {"type": "NOT_BLANK"}, "format": {}}}


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
            {"autoResizeDimensions": {"dimensions": {"sheetId": "x", "dimension": "ROWS"}}},
            "auto_resize_dimensions.dimensions.sheet_id",
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
        (
            {"cutPaste": {"source": {"sheetId": 0}, "destination": {"sheetId": "x"}}},
            "cut_paste.destination.sheet_id",
            '"x"',
        ),
        (
            {"updateCells": {"start": {"sheetId": "x"}, "rows": [], "fields": "*"}},
            "update_cells.start.sheet_id",
            '"x"',
        ),
        (
            {"addSheet": {"properties": {"sheetId": "x", "title": "N"}}},
            "add_sheet.properties.sheet_id",
            '"x"',
        ),
        (
            {"duplicateSheet": {"sourceSheetId": 0, "newSheetId": "x"}},
            "duplicate_sheet.new_sheet_id",
            '"x"',
        ),
        (
            {"addProtectedRange": {"protectedRange": {"range": {"sheetId": "x"}}}},
            "add_protected_range.protected_range.range.sheet_id",
            '"x"',
        ),
        (
            {"addConditionalFormatRule": {"rule": _RULE | {"ranges": [{}, {"sheetId": "x"}]}}},
            "add_conditional_format_rule.rule.ranges[1].sheet_id",
            '"x"',
        ),
        (
            {"deleteConditionalFormatRule": {"sheetId": "x", "index": 0}},
            "delete_conditional_format_rule.sheet_id",
            '"x"',
        ),
        (
            {"addNamedRange": {"namedRange": {"name": "nr", "range": {"sheetId": "x"}}}},
            "add_named_range.named_range.range.sheet_id",
            '"x"',
        ),
        # null is proto3's default (0), but "" and false are no number, shown as JSON
        ({"deleteSheet": {"sheetId": ""}}, "delete_sheet.sheet_id", '""'),
        (
            {"repeatCell": {"range": {"sheetId": False}, "cell": {}, "fields": "*"}},
            "repeat_cell.range.sheet_id",
            "false",
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


def test_a_sheet_id_of_null_is_sheet_0() -> None:
    """JSON null is proto3's default, as a left-out sheetId is. The HTTP front drops
    nulls (httpd.drop_nulls), so this calls ``batch_update`` in process, as a library
    caller of the emulator may: until a review on 2026-12-07 a GridRange's null there
    was a 400 '... None', and a named range's a TypeError when its sheet was deleted."""
    book = Store().create("t", sheet_titles=["OKRs", "KPIs"])
    okrs, kpis = book.sheets
    assert okrs.sheet_id == 0
    repeat = {"range": {"sheetId": None, "endRowIndex": 1}, "cell": {"note": "n"}}
    named = {"name": "nr", "range": {"sheetId": None, "endRowIndex": 1, "endColumnIndex": 1}}
    requests = [
        {"repeatCell": repeat | {"fields": "note"}},
        {"addNamedRange": {"namedRange": named}},
    ]
    batch_update(book, {"requests": requests})
    assert okrs.cells[0, 0]["note"] == "n"
    assert parse_range(book, "nr").bounds == (0, 1, 0, 1)
    batch_update(book, {"requests": [{"deleteSheet": {"sheetId": None}}]})
    assert book.sheets == [kpis]
    assert book.named_ranges == []


def test_an_updated_named_range_s_sheet_id_is_read_as_its_add_s() -> None:
    """updateNamedRange's sheetId is read as addNamedRange's: "x" the 400 naming it,
    "0" stored as sheet 0 (until a review on 2026-12-07 either was stored as sent)."""
    book = Store().create("t", sheet_titles=["OKRs"])
    named = {"name": "nr", "range": {"sheetId": "0", "endRowIndex": 1}}
    batch_update(book, {"requests": [{"addNamedRange": {"namedRange": named}}]})
    stored = copy.deepcopy(book.named_ranges[0])
    assert stored["range"] == {"endRowIndex": 1}
    update = {"namedRange": {"namedRangeId": stored["namedRangeId"], "range": {"sheetId": "x"}}}
    with pytest.raises(ApiError) as info:
        batch_update(book, {"requests": [{"updateNamedRange": update | {"fields": "range"}}]})
    field = "requests[0].update_named_range.named_range.range.sheet_id"
    assert info.value.message == f"Invalid value at '{field}' (TYPE_INT32), \"x\""
    assert book.named_ranges == [stored]  # the batch undone


@pytest.mark.parametrize(
    "request_",
    [
        {"deleteConditionalFormatRule": {"sheetId": None, "index": 0}},
        {"updateConditionalFormatRule": {"sheetId": None, "index": 0, "newIndex": 0}},
        {"updateCells": {"start": {"sheetId": None}, "rows": [], "fields": "*"}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": None}}}},
        {"cutPaste": {"source": {"sheetId": "KPIs"}, "destination": {"sheetId": None}}},
    ],
)
def test_a_null_sheet_id_of_no_sheet_is_the_400_naming_0(request_: dict[str, Any]) -> None:
    """Null is sheet 0: with none, Google's "No grid with id: 0" (until a review on
    2026-12-07 these said "... None"; a cut to it pasted onto the source's sheet)."""
    book = Store().create("t", sheet_titles=["OKRs", "KPIs"])
    batch_update(book, {"requests": [{"deleteSheet": {"sheetId": 0}}]})
    if "cutPaste" in request_:  # its source on the sheet left
        request_["cutPaste"]["source"]["sheetId"] = book.sheets[0].sheet_id
    with pytest.raises(ApiError) as info:
        batch_update(book, {"requests": [request_]})
    assert info.value.message.endswith("No grid with id: 0"), info.value.message


def test_a_cut_to_a_sheet_id_of_no_sheet_is_a_400_and_moves_nothing() -> None:
    """Until a review on 2026-12-07 the cut pasted onto the source's own sheet."""
    book = Store().create("t", sheet_titles=["OKRs"])
    batch_update(book, {"requests": [{"updateCells": {
        "start": {"sheetId": 0}, "fields": "userEnteredValue",
        "rows": [{"values": [{"userEnteredValue": {"stringValue": "a"}}]}],
    }}]})  # fmt: skip
    before = copy.deepcopy(book.to_json())
    cut = {"source": {"sheetId": 0, "endRowIndex": 1, "endColumnIndex": 1}}
    cut["destination"] = {"sheetId": 999, "rowIndex": 3}
    with pytest.raises(ApiError) as info:
        batch_update(book, {"requests": [{"cutPaste": cut}]})
    assert info.value.message.endswith(" No grid with id: 999"), info.value.message
    assert book.to_json() == before


def test_update_cells_to_no_sheet_names_its_own_index_in_the_batch() -> None:
    """updateCells' "No grid with id" named ``requests[0]`` whatever the request's index
    (until 2026-12-07), where every other handler's names its own."""
    book = Store().create("t", sheet_titles=["OKRs"])
    before = copy.deepcopy(book.to_json())
    write = {"start": {"sheetId": 999}, "fields": "userEnteredValue", "rows": [{"values": [
        {"userEnteredValue": {"stringValue": "a"}}]}]}  # fmt: skip
    with pytest.raises(ApiError) as info:
        batch_update(book, {"requests": [GROW, {"updateCells": write}]})
    assert info.value.code == 400
    assert info.value.message == "Invalid requests[1].updateCells: No grid with id: 999"
    assert book.to_json() == before


def test_auto_resize_of_no_sheet_is_a_400_naming_it() -> None:
    """autoResizeDimensions is a no-op, but until 2026-12-07 it took a sheet that is not
    there too (and ``"x"``, above)."""
    book = Store().create("t", sheet_titles=["OKRs"])
    resize = {"dimensions": {"sheetId": 999, "dimension": "COLUMNS", "endIndex": 2}}
    with pytest.raises(ApiError) as info:
        batch_update(book, {"requests": [GROW, {"autoResizeDimensions": resize}]})
    assert info.value.code == 400
    assert info.value.message == "Invalid requests[1].autoResizeDimensions: No grid with id: 999"
    resize["dimensions"]["sheetId"] = "0"  # a string of digits: the number, as elsewhere
    batch_update(book, {"requests": [{"autoResizeDimensions": resize}]})


def test_a_sheet_id_of_digits_is_stored_and_echoed_as_the_number(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """A protection's and a conditional format rule's ``"1"`` were taken but stored, and
    echoed back, as the string (until 2026-12-07), where a named range's is the number."""
    sh = _book(gc, emulator)
    kpis = sh.worksheet("KPIs").id
    cells = {"sheetId": str(kpis), "endRowIndex": 1, "endColumnIndex": 1}
    rule = _RULE | {"ranges": [cells]}
    reply = sh.batch_update({"requests": [
        {"addProtectedRange": {"protectedRange": {"range": cells, "warningOnly": True}}},
        {"addConditionalFormatRule": {"rule": rule}},
        {"addNamedRange": {"namedRange": {"name": "nr", "range": cells}}},
    ]})  # fmt: skip
    wanted = {"sheetId": kpis, "endRowIndex": 1, "endColumnIndex": 1}
    assert reply["replies"][0]["addProtectedRange"]["protectedRange"]["range"] == wanted
    assert reply["replies"][2]["addNamedRange"]["namedRange"]["range"] == wanted
    sheet = sh.fetch_sheet_metadata()["sheets"][1]  # KPIs
    assert [p["range"] for p in sheet["protectedRanges"]] == [wanted]
    assert [r["ranges"] for r in sheet["conditionalFormats"]] == [[wanted]]
    replaced = {"index": 0, "rule": _RULE | {"ranges": [cells | {"endRowIndex": 2}]}}
    sh.batch_update({"requests": [{"updateConditionalFormatRule": replaced}]})
    sheet = sh.fetch_sheet_metadata()["sheets"][1]  # KPIs
    assert [r["ranges"] for r in sheet["conditionalFormats"]] == [[wanted | {"endRowIndex": 2}]]
