"""What Google users put in a team sheet's cells, read as the person typed it: smart chips,
checkboxes, dropdowns, numbers typed as text, a German locale's dates and percentages
(live emulator, real gspread)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.gridjson import cell_value
from sheets_sync.domain.confidence import parse_confidence
from sheets_sync.domain.values import (
    CellValueError,
    parse_current,
    parse_done,
    parse_number,
    parse_text,
)
from sheets_sync.emulator import Emulator
from sheets_sync.grid import CellError
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

pytestmark = pytest.mark.emulator


def _person(email: str) -> dict[str, Any]:
    return {"chip": {"personProperties": {"email": email, "displayFormat": "DEFAULT"}}}


def _cells(client: Any, key: str, cells: list[dict[str, Any]], fields: str) -> None:
    rows = [{"values": [c]} for c in cells]
    start = {"sheetId": 0, "rowIndex": 1, "columnIndex": 1}
    body = {"updateCells": {"start": start, "rows": rows, "fields": fields}}
    client.batch_update(key, {"requests": [body]}, source="t", what="seed")


def test_people_and_file_chips_read_as_their_email_and_link(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR ID", "Owner"]] + [["KR"]] * 4})
    link = {"startIndex": 17, "chip": {"richLinkProperties": {"uri": "https://docs.google.com/x"}}}
    _cells(
        client,
        key,
        [
            {"userEnteredValue": {"stringValue": "@"}, "chipRuns": [_person("ann@acme.example")]},
            {
                "userEnteredValue": {"stringValue": "@ and @ (😀) see @"},
                "chipRuns": [
                    _person("bo@acme.example"),
                    {"startIndex": 1},  # a run without a chip: text
                    {"startIndex": 6, **_person("cy@acme.example")},
                    {"startIndex": 10},
                    {**link},
                ],
            },
            {"userEnteredValue": {"stringValue": "Dee @ home"}},  # an @ that is no chip
        ],
        "userEnteredValue,chipRuns",
    )
    okrs = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert [okrs.value(r, 2) for r in (2, 3, 4)] == [
        "ann@acme.example",
        "bo@acme.example and cy@acme.example (😀) see https://docs.google.com/x",
        "Dee @ home",
    ]


def test_a_chipped_cell_with_half_a_utf16_pair_reads() -> None:
    """A JSON reply can carry half a UTF-16 pair (``\ud83d``, which Python's decoder
    keeps): the chip's text failed the team's whole read (UnicodeEncodeError); it reads,
    and the read text shows it as U+FFFD."""
    cell = {
        "effectiveValue": {"stringValue": "@ \ud83d and \U0001f680 @"},
        "chipRuns": [_person("ann@acme.example"), {"startIndex": 11, **_person("bo@x.example")}],
    }
    value = cell_value(cell)
    assert value == "ann@acme.example \ud83d and \U0001f680 bo@x.example"
    assert parse_text(value) == "ann@acme.example \ufffd and \U0001f680 bo@x.example"


def test_numbers_in_a_date_format_read_as_dates(emulator: Emulator, client: Any) -> None:
    """Google keeps a date as a serial number in a DATE format (a typed 7/10 becomes July
    10): read as the date, like an Excel date cell, so a confidence of 7/10 gets the "got a
    date" hint instead of reading as 46213, and a date in a number field is refused."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR ID", "Confidence"]] + [["KR"]] * 4})
    date = {"numberFormat": {"type": "DATE", "pattern": "M/d"}}
    stamp = {"numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-MM-dd HH:mm"}}
    _cells(
        client,
        key,
        [
            {"userEnteredValue": {"numberValue": 46213}, "userEnteredFormat": date},
            {"userEnteredValue": {"numberValue": 46341.6}, "userEnteredFormat": stamp},
            {"userEnteredValue": {"numberValue": 46213.5}, "userEnteredFormat": date},
            {"userEnteredValue": {"numberValue": 7}},
        ],
        "userEnteredValue,userEnteredFormat.numberFormat",
    )
    okrs = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert [okrs.value(r, 2) for r in range(2, 6)] == [
        dt.date(2026, 7, 10),
        dt.datetime(2026, 11, 15, 14, 24),
        dt.datetime(2026, 7, 10, 12, 0),
        7,
    ]
    with pytest.raises(CellValueError) as info:
        parse_confidence(okrs.value(2, 2))
    assert str(info.value) == (
        "confidence is 0-10, 0-100%, 7/10 or Low/Medium/High, got a date "
        "(2026-07-10); a spreadsheet turns a typed 7/10 into a date: type 7 or 70%"
    )


def test_a_number_in_a_date_format_says_the_format(emulator: Emulator, client: Any) -> None:
    """A target of 120 in a cell a date format reached by accident read as 1900-04-29 and
    was refused with "expected a number, got a date or time": the fix is the format."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR ID", "Target"], ["KR"]]})
    date = {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
    _cells(
        client,
        key,
        [{"userEnteredValue": {"numberValue": 120}, "userEnteredFormat": date}],
        "userEnteredValue,userEnteredFormat.numberFormat",
    )
    okrs = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    with pytest.raises(CellValueError) as info:
        parse_number(okrs.value(2, 2))
    assert str(info.value) == (
        "expected a number, got a date (1900-04-29); the cell is formatted as a date: "
        "if you meant a number, format it as one"
    )


@pytest.mark.parametrize("number", [2958466, 9e9, -700000])
def test_a_date_format_on_a_number_that_is_no_day_keeps_the_number(number: float) -> None:
    """Past 9999-12-31 or before year 1 there is no date to give: the number stays."""
    cell = {
        "effectiveValue": {"numberValue": number},
        "effectiveFormat": {"numberFormat": {"type": "DATE"}},
    }
    assert cell_value(cell) == number


def test_error_values_keep_googles_words_and_loading_reads_as_loading(
    emulator: Emulator, client: Any
) -> None:
    """Google answers a formula's error with its type and its own words for it (the text
    the cell shows on hover); a cell whose IMPORTRANGE or GOOGLEFINANCE was still fetching
    when the night's read came (nobody had the sheet open) is type ``LOADING``, which the
    API documents as the ``Loading...`` state. Until 2026-12-05 Google's words were dropped
    and the KR's note named a ``#LOADING`` no cell ever shows."""
    key = emulator.create_spreadsheet(
        "t", {"OKRs": [["KR ID", "Current"], ["KR1", 1], ["KR2", 2], ["KR3", "=1/0"]]}
    )
    errors = {
        (1, 1): {"type": "N_A", "message": "Did not find value 'Q4' in VLOOKUP evaluation."},
        (2, 1): {"type": "LOADING", "message": "Loading..."},
    }
    with emulator.state.lock:  # as Google computed them: the emulator evaluates no lookups
        sheet = emulator.state.spreadsheets[key].sheets[0]
        for rc, error in errors.items():
            sheet.cells[rc] = {"effectiveValue": {"errorValue": error}}
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    found = [grid.value(r, 2) for r in (2, 3, 4)]
    assert found == [CellError("#N/A"), CellError("Loading..."), CellError("#DIV/0!")]
    assert [e.detail for e in found if isinstance(e, CellError)] == [
        "Did not find value 'Q4' in VLOOKUP evaluation.",
        "Loading...",
        "Function DIVIDE parameter 2 cannot be zero.",
    ]
    with pytest.raises(CellValueError, match=r"^the cell still showed Loading\.\.\. when"):
        parse_number(found[1])


def test_a_checkbox_reads_as_done_or_not_and_in_a_counting_kr_says_milestone(
    emulator: Emulator, client: Any
) -> None:
    """Insert > Checkbox: a BOOLEAN rule and TRUE/FALSE values. A milestone scores it; a
    key result of the default type (a number) says which type would."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR ID", "Current"], ["KR1"], ["KR2"]]})
    box = {"dataValidation": {"condition": {"type": "BOOLEAN"}}}
    _cells(
        client,
        key,
        [
            {"userEnteredValue": {"boolValue": True}, **box},
            {"userEnteredValue": {"boolValue": False}, **box},
        ],
        "userEnteredValue,dataValidation",
    )
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    ticked, unticked = grid.value(2, 2), grid.value(3, 2)
    assert (ticked, unticked) == (True, False)
    assert (parse_done(ticked), parse_done(unticked)) == (1.0, 0.0)
    with pytest.raises(CellValueError, match=r"set its KR type to milestone$"):
        parse_current(ticked)


def test_a_checkbox_or_a_date_in_an_id_column_is_no_id(emulator: Emulator, client: Any) -> None:
    """A checkbox pasted down the KPI ID column, TRUE typed as an Objective ID, a KR ID
    typed 1-2 (which Google turns into 2 January, a number in a DATE format) became the
    IDs "TRUE" and "2026-01-02" without a word (until 2026-12-06): each is the cell's
    error now, and its row is left out."""
    okrs: list[list[Any]] = [["Objective ID", "KR ID", "Target", "Current"],
                             ["O1", "KR1", 10, 5], ["TRUE", "KR2", 10, 5],
                             ["O1", "KR3", 10, 5]]  # fmt: skip
    kpis: list[list[Any]] = [["KPI ID", "Actual"], ["K1", 5], ["K2", 6], ["K3", 7]]
    key = emulator.create_spreadsheet("t", {"OKRs": okrs, "KPIs": kpis})
    meta = client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t", what="ids")
    okr_tab, kpi_tab = (s["properties"]["sheetId"] for s in meta["sheets"])
    date = {"numberFormat": {"type": "DATE", "pattern": "d.M.yyyy"}}
    typed = {"userEnteredValue": {"numberValue": 46024}, "userEnteredFormat": date}
    checkbox = {"userEnteredValue": {"boolValue": True}, "dataValidation": _CHECKBOX}
    fields = "userEnteredValue,userEnteredFormat.numberFormat,dataValidation"
    requests = [
        {"updateCells": {"start": {"sheetId": tab, "rowIndex": row, "columnIndex": col},
                         "rows": [{"values": [cell]}], "fields": fields}}
        for tab, row, col, cell in ((okr_tab, 3, 1, typed), (kpi_tab, 2, 0, checkbox),
                                    (kpi_tab, 3, 0, typed))
    ]  # fmt: skip
    client.batch_update(key, {"requests": requests}, source="t", what="seed")
    data = GoogleSheetsBackend(client, key).read(["OKRs", "KPIs"])
    assert data.sheets["OKRs"].value(3, 1) is True
    assert data.sheets["OKRs"].value(4, 2) == dt.date(2026, 1, 2)
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [str(f) for f in team.findings if f.is_error] == [
        f"{data.source}!OKRs!A3: objective ID is a checkbox or TRUE/FALSE value (TRUE), "
        "not an ID: type the ID in its place",
        f"{data.source}!OKRs!B4: KR ID is a date (2026-01-02), not an ID: a spreadsheet "
        "turns a typed 1-2 or 1/2 into a date; format the cell as plain text and type the "
        "ID again",
        f"{data.source}!KPIs!A3: KPI ID is a checkbox or TRUE/FALSE value (TRUE), not an "
        "ID: type the ID in its place",
        f"{data.source}!KPIs!A4: KPI ID is a date (2026-01-02), not an ID: a spreadsheet "
        "turns a typed 1-2 or 1/2 into a date; format the cell as plain text and type the "
        "ID again",
    ]
    assert [kr.id for kr in team.key_results] == ["KR1"]
    assert [kpi.id for kpi in team.kpis] == ["K1"]


_CHECKBOX = {"condition": {"type": "BOOLEAN"}}
