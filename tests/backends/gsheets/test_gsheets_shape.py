"""Replies of valid JSON but the wrong shape (the emulator's canned replies stand in for a
proxy or an API change): one RemoteError naming the team and what was unexpected, never a
KeyError, TypeError or AttributeError."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.gridjson import read_grid
from sheets_sync.backends.gsheets.shape import ShapeError, reply_shape
from sheets_sync.backends.gsheets.template import create_google_template
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.faults import Reply
from sheets_sync.errors import (
    NotFoundError,
    PermissionDeniedError,
    RemoteError,
    RetryExhaustedError,
)

pytestmark = pytest.mark.emulator

TAB = {"properties": {"title": "OKRs", "sheetId": 0}}


@pytest.mark.parametrize(
    ("body", "what", "detail"),
    [
        ([1, 2], "read", "the reply is a list, not an object"),
        ({"spreadsheetId": "k"}, "read", "the reply has no 'sheets'"),
        ({"sheets": {"OKRs": {}}}, "read", "sheets is an object, not a list"),
        ({"sheets": ["OKRs"]}, "read", "sheets[0] is a string, not an object"),
        ({"sheets": [{"properties": []}]}, "read", "sheets[0].properties is a list"),
        (
            {"sheets": [{"properties": {"title": "OKRs", "gridProperties": 7}}]},
            "read",
            "OKRs gridProperties is a number, not an object",
        ),
        ({"sheets": [TAB], "properties": "t"}, "read", "properties is a string, not an object"),
        (
            {"sheets": [{**TAB, "data": [{"rowData": [{"values": [{"effectiveValue": [1]}]}]}]}]},
            "read tab OKRs",
            "OKRs!A1 effectiveValue is a list, not an object",
        ),
        (
            {"sheets": [{**TAB, "data": {"rowData": []}}]},
            "read tab OKRs",
            "OKRs data is an object, not a list",
        ),
        (
            {"sheets": [{**TAB, "data": [{"rowData": [{}, {"values": {"A": 1}}]}]}]},
            "read tab OKRs",
            "OKRs row 2 values is an object, not a list",
        ),
        (
            {"sheets": [{**TAB, "data": [{"rowData": [[1]]}]}]},
            "read tab OKRs",
            "OKRs row 1 is a list, not an object",
        ),
        ({"sheets": [{**TAB, "merges": [[0, 1]]}]}, "read tab OKRs", "AttributeError"),
        (  # the row groups, read since 2026-12-07 (a hidden row in one is said so)
            {"sheets": [{**TAB, "rowGroups": {"range": {}}}]},
            "read tab OKRs",
            "OKRs rowGroups is an object, not a list",
        ),
        (
            {"sheets": [{**TAB, "rowGroups": [{"range": [2, 4]}]}]},
            "read tab OKRs",
            "OKRs rowGroups[0].range is a list, not an object",
        ),
        (
            {"sheets": [{**TAB, "rowGroups": [{"range": {"endIndex": "x"}}]}]},
            "read tab OKRs",
            "ValueError",
        ),
    ],
)
def test_a_read_reply_of_the_wrong_shape_is_a_remote_error(
    emulator: Emulator, client: Any, body: Any, what: str, detail: str
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    emulator.faults.answer(key, 200, body)
    backend = GoogleSheetsBackend(client, key, display_name="Sales")
    with pytest.raises(RemoteError) as info:
        backend.read(["OKRs"])
    assert type(info.value) is RemoteError
    text = str(info.value)
    assert text.startswith(f"Sales: {what}: Google Sheets answered in an unexpected shape (key ")
    assert key in text and detail in text
    assert backend.api_calls == 1  # a wrong shape is not retried


#: odd ``effectiveValue``/``userEnteredValue`` (and other cell) shapes, each with what the
#: error says after the cell's name; before 2026-12-06 some failed deep in the read
#: (AttributeError, KeyError, naming no cell) and some read on: ``{"stringValue": null}``
#: as the text "None", ``{"boolValue": "no"}`` as ticked, an unknown key as blank
ODD_CELLS = [
    ({"effectiveValue": [1]}, "effectiveValue is a list, not an object"),
    ({"effectiveValue": "7"}, "effectiveValue is a string, not an object"),
    ({"effectiveValue": None}, "effectiveValue is null, not an object"),
    ({"effectiveValue": {"numbr": 7}}, "effectiveValue has an unknown field 'numbr'"),
    ({"effectiveValue": {"numberValue": "7"}}, "effectiveValue.numberValue is a string"),
    ({"effectiveValue": {"numberValue": True}}, "effectiveValue.numberValue is a boolean"),
    ({"effectiveValue": {"stringValue": None}}, "effectiveValue.stringValue is null"),
    ({"effectiveValue": {"boolValue": "no"}}, "effectiveValue.boolValue is a string"),
    ({"effectiveValue": {"errorValue": "REF"}}, "effectiveValue.errorValue is a string"),
    ({"effectiveValue": {"errorValue": {"type": 5}}}, "effectiveValue.errorValue.type is a"),
    (
        {"effectiveValue": {"numberValue": 1, "stringValue": "a"}},
        "effectiveValue has 2 kinds of value",
    ),
    # valid JSON, too large for a float: an OverflowError, "internal error" (until 2026-12-06)
    ({"effectiveValue": {"numberValue": 10**400}}, "effectiveValue.numberValue is a number too"),
    ({"effectiveValue": {"numberValue": -(10**400)}}, "effectiveValue.numberValue is a number"),
    ({"userEnteredValue": {"numberValue": 10**400}}, "userEnteredValue.numberValue is a number"),
    ({"userEnteredValue": [1]}, "userEnteredValue is a list, not an object"),
    ({"userEnteredValue": "=A1"}, "userEnteredValue is a string, not an object"),
    ({"userEnteredValue": None}, "userEnteredValue is null, not an object"),
    ({"userEnteredValue": {"formula": "=A1"}}, "userEnteredValue has an unknown field"),
    ({"userEnteredValue": {"formulaValue": 5}}, "userEnteredValue.formulaValue is a number"),
    ({"userEnteredValue": {"formulaValue": None}}, "userEnteredValue.formulaValue is null"),
    ({"effectiveFormat": {"numberFormat": "PERCENT"}}, "effectiveFormat.numberFormat is a str"),
    ({"effectiveFormat": []}, "effectiveFormat is a list, not an object"),
    ({"chipRuns": {"chip": {}}}, "chipRuns is an object, not a list"),
    ({"chipRuns": [{"startIndex": "0"}]}, "chipRuns[0].startIndex is a string"),
    ([{"effectiveValue": {"numberValue": 7}}], "is a list, not an object"),
    ("7", "is a string, not an object"),
]


@pytest.mark.parametrize(("cell", "detail"), ODD_CELLS)
def test_an_odd_cell_shape_is_a_remote_error_naming_the_tab_and_cell(
    emulator: Emulator, client: Any, cell: Any, detail: str
) -> None:
    """Through the HTTP path (a canned reply): the team, the tab and the cell, C3 here."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    typed = {"userEnteredValue": {}, "effectiveValue": {"numberValue": 1}}
    if isinstance(cell, dict) and "effectiveValue" in cell:
        cell = {"userEnteredValue": {}, **cell}
    rows = [{"values": [typed]}, {}, {"values": [typed, {}, cell]}]
    emulator.faults.answer(key, 200, {"sheets": [{**TAB, "data": [{"rowData": rows}]}]})
    backend = GoogleSheetsBackend(client, key, display_name="Sales")
    with pytest.raises(RemoteError) as info:
        backend.read(["OKRs"])
    assert type(info.value) is RemoteError
    assert str(info.value).startswith(
        "Sales: read tab OKRs: Google Sheets answered in an unexpected shape (key "
    )
    assert f"): OKRs!C3 {detail}" in str(info.value)


def test_an_odd_cell_of_a_tab_named_with_spaces_names_it_quoted(
    emulator: Emulator, client: Any
) -> None:
    """``'Q1 OKRs'!A1``, as a formula names that cell (``Q1 OKRs!A1`` until 2026-12-06)."""
    key = emulator.create_spreadsheet("t", {"Q1 OKRs": [["A"]]})
    tab = {"properties": {"title": "Q1 OKRs", "sheetId": 0}}
    rows = [{"values": [{"effectiveValue": {"numberValue": 10**400}}]}]
    emulator.faults.answer(key, 200, {"sheets": [{**tab, "data": [{"rowData": rows}]}]})
    with pytest.raises(RemoteError) as info:
        GoogleSheetsBackend(client, key, display_name="Sales").read(["Q1 OKRs"])
    assert "): 'Q1 OKRs'!A1 effectiveValue.numberValue is a number too large" in str(info.value)


@pytest.mark.parametrize(
    ("title", "named"),
    [("'Q1 OKRs", "'''Q1 OKRs'"), ("'Q1'", "'''Q1'''"), ("Bob's", "'Bob''s'"),
     ("OKRs", "OKRs"), ("Q1", "'Q1'"), ("R1C1", "'R1C1'"), ("2026", "'2026'")],
)  # fmt: skip
def test_an_odd_cell_names_its_tab_as_a_formula_would(title: str, named: str) -> None:
    """A tab whose name starts with ``'`` is quoted too, its quotes doubled: until
    2026-12-06 xlsxwriter's ``quote_sheetname`` took ``'Q1 OKRs`` as quoted already."""
    rows = [{"values": [{"effectiveValue": {"numberValue": 10**400}}]}]
    sheet = {"properties": {"title": title}, "data": [{"rowData": rows}]}
    with pytest.raises(ShapeError) as info:
        read_grid(sheet)
    assert str(info.value).startswith(f"{named}!A1 effectiveValue.numberValue is a number")


@pytest.mark.parametrize(
    ("title", "named"),
    [("Bob's", '"Bob\'s"'), ("Q1 OKRs", '"Q1 OKRs"'), ("A1", '"A1"'), ("OKRs", "OKRs")],
)
def test_a_row_or_tab_of_the_wrong_shape_names_its_tab_as_typed(
    emulator: Emulator, client: Any, title: str, named: str
) -> None:
    """The row's and the tab's words name the tab as the team types it (``grid.as_typed``;
    a cell, an A1 reference, as a formula does: ``'Bob''s'!A1``, above): until 2026-12-07
    a formula's quoting (``read tab 'Bob''s'``, a doubled quote no tab bar shows), and
    before that Python's repr, ``"Bob's" row 1`` and ``read tab 'OKRs'``."""
    key = emulator.create_spreadsheet("t", {title: [["A"]]})
    tab = {"properties": {"title": title, "sheetId": 0}}
    emulator.faults.answer(key, 200, {"sheets": [{**tab, "data": [{"rowData": [[1]]}]}]})
    with pytest.raises(RemoteError) as info:
        GoogleSheetsBackend(client, key, display_name="Sales").read([title])
    assert str(info.value).startswith(f"Sales: read tab {named}: Google Sheets answered in ")
    assert str(info.value).endswith(f"): {named} row 1 is a list, not an object")


def test_an_overflow_in_a_parser_is_a_remote_error_too() -> None:
    """An ``ArithmeticError`` (``float()`` of a huge int, say) is a wrong shape, no
    "internal error" with a traceback."""
    shape = r"^Sales: read: Google Sheets answered in an unexpected shape: OverflowError: int"
    with pytest.raises(RemoteError, match=shape), reply_shape("Sales", "read"):
        float(10**400)


@pytest.mark.parametrize(
    ("status", "body", "kind", "text"),
    [
        (503, {"error": "backend down"}, RetryExhaustedError, "503 backend down"),
        (400, {"error": {"message": "Bad range"}}, RemoteError, "API error 400 (key "),
        (404, {"error": ["gone"]}, NotFoundError, "not found or not shared"),
    ],
)
def test_an_error_reply_of_the_wrong_shape_is_still_read_by_status(
    emulator: Emulator, client: Any, status: int, body: Any, kind: type, text: str
) -> None:
    """gspread's APIError indexes ``["error"]["code"]`` outside its try: a proxy's
    ``{"error": "backend down"}`` was a TypeError from inside gspread."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    emulator.faults.answer(key, status, body)
    with pytest.raises(RemoteError) as info:
        GoogleSheetsBackend(client, key, display_name="Sales").read(["OKRs"])
    assert type(info.value) is kind and info.value.status == status
    assert str(info.value).startswith("Sales: ") and text in str(info.value)


@pytest.mark.parametrize(
    ("status", "body", "kind", "text"),
    [
        (
            403,
            [{"error": {"code": 403, "message": "Policy says no", "status": "PERMISSION_DENIED"}}],
            PermissionDeniedError,
            "Google refused (key ",
        ),
        (400, [{"error": {"code": 400, "message": "Bad range"}}], RemoteError, ": Bad range"),
        (503, [{"error": {"code": 503, "message": "down"}}], RetryExhaustedError, "503 down"),
        (400, None, RemoteError, "API error 400 (key "),
        (403, {"message": "Forbidden by policy"}, PermissionDeniedError, "refused (key "),
    ],
    ids=["list-403", "list-400", "list-503", "null", "no-error"],
)
def test_a_json_error_reply_gspread_cannot_read_is_not_called_not_json(
    emulator: Emulator, client: Any, status: int, body: Any, kind: type, text: str
) -> None:
    """Valid JSON that gspread's APIError cannot index (Google's front end wraps an error
    in a list; ``null``; an object without ``error``) was marked "invalid JSON" by it and
    read as "answered 403 with application/json, not JSON: is a proxy ... in the way?"."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    raw = json.dumps(body).encode()
    emulator.faults.answers[key] = Reply(status, raw, "application/json; charset=UTF-8")
    with pytest.raises(RemoteError) as info:
        GoogleSheetsBackend(client, key, display_name="Sales").read(["OKRs"])
    assert type(info.value) is kind and info.value.status == status
    assert str(info.value).startswith("Sales: ") and text in str(info.value)
    assert "not JSON" not in str(info.value)


def test_a_create_reply_without_an_id_is_a_remote_error(emulator: Emulator, client: Any) -> None:
    emulator.faults.answer_endpoint("spreadsheets.create", 200, {"properties": {"title": "x"}})
    with pytest.raises(RemoteError) as info:
        create_google_template(client, "Team template")
    assert str(info.value) == (
        "Team template: create template: Google Sheets answered in an unexpected shape: "
        "the reply has no 'spreadsheetId'"
    )
