"""Drive's ``version`` of a file ("a monotonically increasing version number for the file.
This reflects every change made to the file on the server", Drive v3 File): asked for by
``fields``, an int64 as a string as Google sends it (``"version": "5"`` in a recorded
Drive reply); one more with each change through Sheets or Drive, none with a read nor
with a write Google refused. Real gspread through the emulator."""

from __future__ import annotations

from typing import Any

import gspread
import pytest
from gspread.urls import DRIVE_FILES_API_V3_URL

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator


def _file(gc: gspread.Client, key: str, fields: str | None = "version") -> dict[str, Any]:
    params: dict[str, str | int | bool | float | list[str] | None] = (
        {"fields": fields} if fields else {}
    )
    reply = gc.http_client.request("get", f"{DRIVE_FILES_API_V3_URL}/{key}", params=params)
    body: dict[str, Any] = reply.json()
    return body


def test_the_version_moves_with_each_change_and_not_with_a_read(
    emulator: Emulator, gc: gspread.Client
) -> None:
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": [["KR ID", "Score"]]})
    first = _file(gc, key)
    assert list(first) == ["version"] and first["version"].isdigit()
    tab = gc.open_by_key(key).worksheet("OKRs")
    assert tab.get_all_values() == [["KR ID", "Score"]]
    assert _file(gc, key) == first  # reads: none
    tab.update([["KR1", 0.5]], "A2")
    second = int(_file(gc, key)["version"])
    assert second == int(first["version"]) + 1
    with pytest.raises(gspread.exceptions.APIError):  # refused: nothing changed
        gc.http_client.batch_update(key, {"requests": []})
    assert int(_file(gc, key)["version"]) == second
    gc.open_by_key(key).update_title("Sales goals 2027")  # a batchUpdate of properties
    assert int(_file(gc, key)["version"]) == second + 1
    assert "version" not in _file(gc, key, None)  # Drive's default fields leave it out


def test_a_copy_has_a_version_of_its_own(emulator: Emulator, gc: gspread.Client) -> None:
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": [["KR ID"]]})
    for _ in range(3):
        gc.open_by_key(key).sheet1.update([["x"]], "B1")
    before = _file(gc, key)
    copy = gc.copy(key, title="Copy")
    assert _file(gc, key) == before  # copying leaves the source as it was
    assert int(_file(gc, copy.id)["version"]) < int(before["version"])


def test_a_sheets_fault_of_one_spreadsheet_leaves_drive_answering_for_it(
    emulator: Emulator, gc: gspread.Client
) -> None:
    """A per-spreadsheet canned reply and a throttled spreadsheet stand for what the
    Sheets API says of it (an Excel file kept in Drive, the Sheets quota): Drive's own
    requests for the file are answered as usual, as at Google."""
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": [["KR ID"]]})
    version = _file(gc, key)
    emulator.faults.throttle(key)
    with pytest.raises(gspread.exceptions.APIError) as throttled:
        gc.open_by_key(key)
    assert throttled.value.response.status_code == 429
    assert _file(gc, key) == version
    emulator.faults.throttle(key, on=False)
    emulator.faults.answer(key, 400, {"error": {"code": 400, "message": "not supported"}})
    with pytest.raises(gspread.exceptions.APIError) as canned:
        gc.open_by_key(key)
    assert canned.value.response.status_code == 400
    assert _file(gc, key) == version
