"""What Google users put in a team sheet's cells, read as the person typed it: smart chips,
checkboxes, dropdowns, numbers typed as text, a German locale's dates and percentages
(live emulator, real gspread)."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator

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
