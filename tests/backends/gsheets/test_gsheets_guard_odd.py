"""The version check's Drive call answered otherwise than the guard expects: a 400, a
page that is not JSON. The team is written unchecked, the warning naming Drive; until
2026-12-07 the team failed with an error that blamed the Sheets API."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.backends.gsheets.test_gsheets_guard import OKRS, ROWS, WRITE, _workspace
from tests.backends.gsheets.test_gsheets_template import DRIVE_DISABLED

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


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_run_that_writes_nothing_asks_drive_nothing_and_warns_of_no_write(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    dry_run: bool,
) -> None:
    """``--no-write-back`` and ``--dry-run`` (validate, export) read only: until
    2026-12-07 each team's read asked Drive its version, and with the Drive API off the
    run warned that sheets "are written without the check"."""
    key = emulator.create_spreadsheet("Sales", {"Tracker": ROWS})
    cfg = _workspace(tmp_path, sa_info, key)
    emulator.faults.answer_endpoint("drive.files.get", 403, DRIVE_DISABLED)
    day = dt.date(2026, 11, 23)
    options = SyncOptions(as_of=day, rollup=False, write_back=dry_run, dry_run=dry_run)
    clear_clients()
    try:
        with caplog.at_level(logging.WARNING, "sheets_sync"):
            (run,) = Sync(load_workspace(cfg)).run(options).runs
    finally:
        clear_clients()
    assert run.outcome is not Outcome.FAILED, run
    assert not [r for r in emulator.log.requests if r.endpoint == "drive.files.get"]
    assert not [w for w in _warnings(caplog) if "without the check" in w]
