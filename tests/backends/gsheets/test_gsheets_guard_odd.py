"""The version check's Drive call answered otherwise than the guard expects: a 400, a
page that is not JSON. The team is written unchecked, the warning naming Drive; until
2026-12-07 the team failed with an error that blamed the Sheets API."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from tests.backends.gsheets.test_gsheets_guard import OKRS, WRITE

pytestmark = pytest.mark.emulator

BAD_REQUEST = {"error": {"code": 400, "message": "Invalid Value", "status": "INVALID_ARGUMENT"}}


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "status,body,ctype,said",
    [
        (400, BAD_REQUEST, "", "Google Drive API error 400: Invalid Value"),
        (200, b"<html>proxy login</html>", "text/html", "Google Drive answered 200 with text/html"),
    ],
)
def test_another_drive_answer_leaves_the_team_written_unchecked_naming_drive(
    emulator: Emulator,
    client: Any,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: Any,
    ctype: str,
    said: str,
) -> None:
    key = emulator.create_spreadsheet("Sales", {"OKRs": OKRS})
    emulator.faults.answer_endpoint("drive.files.get", status, body, ctype)
    backend = GoogleSheetsBackend(client, key)
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        backend.write(backend.read(["OKRs"]), WRITE)
    assert emulator.values(key, "OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
    warned = _warnings(caplog)
    assert warned and all("written without the check" in w for w in warned), warned
    assert all(said in w and "Google Sheets" not in w for w in warned), warned
