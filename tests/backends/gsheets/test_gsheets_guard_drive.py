"""What the concurrent-edit check does when Drive does not give a version: a quota's
403 is retried; the check is off for the run only when no sheet's version can pass (the
API off, the scope lacking), worded by its cause; Drive down past its retries leaves
the team written unchecked, said naming Drive; a wrong key says only the read's error."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.auth import DRIVE_METADATA_SCOPE
from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.errors import ApiError
from sheets_sync.errors import ConflictError, RemoteError
from sheets_sync.grid import CellWrite
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.backends.gsheets.test_gsheets_guard import OKRS, ROWS, SHEETS, WRITE, _lead, _workspace
from tests.backends.gsheets.test_gsheets_template import DRIVE_DISABLED

pytestmark = pytest.mark.emulator

FAST = RetryPolicy(max_attempts=3, max_seconds=30, base_delay=0.01, max_delay=0.01)
RATE = [{"domain": "usageLimits", "reason": "userRateLimitExceeded", "message": "Rate."}]


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_drive_rate_limit_403_is_retried_and_the_check_stays_on(
    emulator: Emulator, make_client: Any, sa_info: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Drive answers its quota with 403 userRateLimitExceeded: one such answer was a
    refusal and turned the check off for every later team of the run (until 2026-12-07)."""
    client = make_client(FAST)
    keys = [emulator.create_spreadsheet(t, {"OKRs": OKRS}) for t in ("Sales", "Ops")]
    looks = [0]

    def before(endpoint: str, sid: str | None) -> None:
        if endpoint == "drive.files.get":
            looks[0] += 1
            if looks[0] == 1:
                raise ApiError(403, "User rate limit exceeded.", drive_errors=RATE)

    emulator.faults.before_request = before
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        GoogleSheetsBackend(client, keys[0]).read(["OKRs"])
    emulator.faults.before_request = None
    assert client.drive_refused is None and not _warnings(caplog)
    backend = GoogleSheetsBackend(client, keys[1])
    data = backend.read(["OKRs"])
    _lead(emulator, sa_info).open_by_key(keys[1]).worksheet("OKRs").insert_cols(
        [["Forecast", 55]], 4
    )
    with pytest.raises(ConflictError):
        backend.write(data, WRITE)


def test_a_token_without_the_drive_scope_is_told_the_scope_not_the_api(
    emulator: Emulator, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(scopes=[SHEETS])
    key = emulator.create_spreadsheet("Sales", {"OKRs": OKRS})
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        GoogleSheetsBackend(client, key).read(["OKRs"])
    (said,) = _warnings(caplog)
    assert f"the token lacks the scope {DRIVE_METADATA_SCOPE}" in said
    assert f"not {DRIVE_METADATA_SCOPE}, which this call needs" in said
    assert "enable the Google Drive API" not in said


def test_drive_down_past_its_retries_writes_the_team_unchecked_naming_drive(
    emulator: Emulator, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The sync's job is the sheet; Drive is only its guard. Until 2026-12-07 the read
    failed, its message naming no Drive (the docs said: written unchecked)."""
    client = make_client(RetryPolicy(max_attempts=2, max_seconds=5, base_delay=0.01))
    key = emulator.create_spreadsheet("Sales", {"OKRs": OKRS})
    down = {"error": {"code": 503, "message": "Backend Error", "status": "UNAVAILABLE"}}
    emulator.faults.answer_endpoint("drive.files.get", 503, down)
    backend = GoogleSheetsBackend(client, key)
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        backend.write(backend.read(["OKRs"]), WRITE)
    assert emulator.values(key, "OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
    said = _warnings(caplog)
    assert said and all("Google Drive, which gives its version, is down" in s for s in said)
    assert all(s.startswith("Sales (gsheet:") for s in said)
    assert client.drive_refused is None  # the next team asks again


@pytest.mark.parametrize("shared", [True, False])
def test_a_sheet_the_read_cannot_find_says_only_the_reads_error(
    emulator: Emulator, client: Any, caplog: pytest.LogCaptureFixture, shared: bool
) -> None:
    """A wrong key, an unshared sheet: Drive's 404 at the look before the read warned
    "written without the check" of a sheet never written (until 2026-12-07)."""
    if shared:
        key = "1NoSuchKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    else:
        key = emulator.create_spreadsheet(
            "Private", {"OKRs": OKRS}, owner="boss@example.com", shared_with=["boss@example.com"]
        )
    with caplog.at_level(logging.WARNING, "sheets_sync"), pytest.raises(RemoteError):
        GoogleSheetsBackend(client, key).read(["OKRs"])
    assert not [s for s in _warnings(caplog) if "written without the check" in s]


def test_a_second_write_on_one_backend_is_checked_or_said_unchecked(
    emulator: Emulator, client: Any, sa_info: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A second write without a read between went unchecked without a word (until
    2026-12-07). A sheet read more than once knows the version its write left: checked
    against it. A sheet read once does not (no Drive call after its write): said."""
    key = emulator.create_spreadsheet("Both", {"OKRs": OKRS, "Ops": OKRS})
    GoogleSheetsBackend(client, key).read(["Ops"])  # the sheet is read twice: shared
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    backend.write(data, WRITE)
    _lead(emulator, sa_info).open_by_key(key).worksheet("OKRs").update_acell("B2", 90)
    with pytest.raises(ConflictError):
        backend.write(data, [CellWrite("OKRs", 2, 4, 0.5)])
    assert emulator.values(key, "OKRs!A2:D2", "UNFORMATTED_VALUE") == [["KR1", 90, 40, 0.4]]
    alone = GoogleSheetsBackend(client, emulator.create_spreadsheet("One", {"OKRs": OKRS}))
    data = alone.read(["OKRs"])
    alone.write(data, WRITE)
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        alone.write(data, [CellWrite("OKRs", 2, 4, 0.5)])
    (said,) = _warnings(caplog)
    assert said.startswith("One (gsheet:") and "a second write since its read" in said


def test_a_run_after_one_drive_refused_asks_drive_again(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """The check's state (Drive refused, the reads of each sheet, the run's own writes)
    is the run's: a process that syncs every hour asks Drive again each run, once the
    API is enabled (the runs' clients are made anew: ``factory.start_run``). Without
    ``clear_clients`` between the runs, as a long-lived process does."""
    key = emulator.create_spreadsheet("Sales", {"Tracker": ROWS})
    cfg = _workspace(tmp_path, sa_info, key)
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    emulator.faults.answer_endpoint("drive.files.get", 403, DRIVE_DISABLED)
    clear_clients()
    try:
        (first,) = Sync(load_workspace(cfg)).run(options).runs
        emulator.faults.reset()
        emulator.log.clear()
        (second,) = Sync(load_workspace(cfg)).run(options).runs
    finally:
        clear_clients()
    assert first.outcome is Outcome.OK, first.error
    assert second.outcome is Outcome.UNCHANGED, second.error
    assert [r.endpoint for r in emulator.log.requests if r.spreadsheet_id == key] == [
        "drive.files.get",
        "spreadsheets.get",
    ]
