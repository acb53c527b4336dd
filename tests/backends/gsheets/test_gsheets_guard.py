"""A team sheet edited between the sync's read and its write is not written over (the
product's first promise, as an Excel file changed since it was read): Drive's ``version``
taken before the read and again right before the write (``gsheets/guard.py``). Live
emulator; the team lead's edits go through a second real gspread client."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import emulator_http_client
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.errors import ConflictError, RemoteError
from sheets_sync.grid import CellWrite
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.backends.gsheets.test_gsheets_template import ACTIVATE, DRIVE_DISABLED

pytestmark = pytest.mark.emulator

SHEETS = "https://www.googleapis.com/auth/spreadsheets"
OKRS: list[list[object]] = [["KR ID", "Target", "Current", "Score"], ["KR1", 100, 40, None]]
WRITE = [CellWrite("OKRs", 2, 4, 0.4)]


def _lead(emulator: Emulator, sa_info: dict[str, Any]) -> gspread.Client:
    """The team lead in the browser: another client of the emulator (real gspread)."""
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=[SHEETS]
    )
    return gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))


def _endpoints(emulator: Emulator, key: str) -> list[str]:
    return [r.endpoint for r in emulator.log.requests if r.spreadsheet_id == key]


def test_drive_gives_a_version_that_a_write_moves_and_a_read_does_not(
    emulator: Emulator, client: Any
) -> None:
    """Drive's ``version`` as Google sends it (an int64 as a string), one more with each
    change, none with a read, nor with a write Google refused."""
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})
    first = client.file_version(key, source="t")
    assert first == {"version": first["version"]} and isinstance(first["version"], str)
    GoogleSheetsBackend(client, key).read(["OKRs"])
    assert client.file_version(key, source="t") == first
    with pytest.raises(RemoteError):  # 400 "Must specify at least one request."
        client.batch_update(key, {"requests": []}, source="t")
    assert client.file_version(key, source="t") == first
    props = {"properties": {"title": "Sales"}, "fields": "title"}
    client.batch_update(key, {"requests": [{"updateSpreadsheetProperties": props}]}, source="t")
    assert int(client.file_version(key, source="t")["version"]) == int(first["version"]) + 1


def test_an_edit_between_the_read_and_the_write_is_not_written_over(
    emulator: Emulator, client: Any, sa_info: dict[str, Any]
) -> None:
    """The lead inserts a column before Score and types into it after the read: the
    night's 0.4 would have gone over what they typed (D2); the team is left as they left
    it, and the message names the sheet and says what comes next."""
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    tab = _lead(emulator, sa_info).open_by_key(key).worksheet("OKRs")
    tab.insert_cols([["Forecast", 55]], 4)
    emulator.log.clear()
    with pytest.raises(ConflictError) as info:
        backend.write(data, WRITE)
    assert str(info.value).startswith(
        f"Sales goals (gsheet:{key[:4]}...{key[-4:]}): the spreadsheet changed since it was "
        "read (someone edited it while the sync ran: Google Drive's version "
    )
    assert str(info.value).endswith(
        "; not overwritten, nothing written (will retry next run; leave the sheet alone "
        "while the sync runs to have it written)"
    )
    assert _endpoints(emulator, key) == ["drive.files.get"]  # no batchUpdate sent
    assert emulator.values(key, "OKRs!A1:E2", "UNFORMATTED_VALUE") == [
        ["KR ID", "Target", "Current", "Forecast", "Score"],
        ["KR1", 100, 40, 55],
    ]


def test_no_edit_writes_as_before_with_one_drive_call_each_side(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    emulator.log.clear()
    backend.write(backend.read(["OKRs"]), WRITE)
    assert _endpoints(emulator, key) == [
        "drive.files.get",
        "spreadsheets.get",
        "drive.files.get",
        "spreadsheets.batchUpdate",
    ]
    assert (backend.api_calls, backend.drive_calls) == (2, 2)  # Sheets' count as before
    assert emulator.values(key, "OKRs!A2:D2", "UNFORMATTED_VALUE") == [["KR1", 100, 40, 0.4]]


def test_a_token_without_drive_writes_unchecked_and_says_so_once(
    emulator: Emulator, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A token Drive refuses (here: no Drive scope; at Google also the Drive API off in
    the key's project): every team is written as before, one warning for the run, and
    Drive is not asked again."""
    client = make_client(scopes=[SHEETS])
    keys = [emulator.create_spreadsheet(t, {"OKRs": OKRS}) for t in ("Sales", "Ops")]
    emulator.log.clear()
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        for key in keys:
            backend = GoogleSheetsBackend(client, key)
            backend.write(backend.read(["OKRs"]), WRITE)
            assert emulator.values(key, "OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
    assert [r.endpoint for r in emulator.log.requests if r.endpoint != "token"] == [
        "drive.files.get",  # refused (403): the only Drive call of the run
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
    ]
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) == 1
    assert said[0].startswith(
        "Google sheets are written without the check that they did not change since they "
        "were read: Google Drive refused to give a file's version ("
    )
    assert "the token lacks the scope" in said[0]  # not "enable the Drive API" (p4)


def _workspace(tmp: Path, sa_info: dict[str, Any], *keys: str) -> Path:
    (tmp / "sa.json").write_text(json.dumps(sa_info))
    teams = "".join(
        f"  - {{name: T{i}, source: 'gsheet:{key}', mapping: flat-tracker}}\n"
        for i, key in enumerate(keys)
    )
    cfg = tmp / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f"teams:\n{teams}"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n',
        encoding="utf-8",
    )
    return cfg


HEADERS: list[object] = [
    "Obj",
    "Objective",
    "Ref",
    "Key Result",
    "Lead",
    "From",
    "To",
    "Now",
    "Notes",
]
ROWS: list[list[object]] = [
    HEADERS,
    ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50, ""],
]


def _sync(cfg: Path) -> list[Any]:
    clear_clients()
    try:
        options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
        return list(Sync(load_workspace(cfg)).run(options).runs)
    finally:
        clear_clients()


def test_a_sync_skips_the_team_whose_sheet_was_edited_after_its_read(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """The whole night: the lead inserts a row above the key result while the sync is
    between its read and its write (the emulator calls the test as the sync's check
    arrives); the team is CONFLICTED and its sheet is as the lead left it; the other
    team is written. The Sheets requests are as before (edited: one read, no write)."""
    edited = emulator.create_spreadsheet("Sales", {"Tracker": ROWS})
    calm = emulator.create_spreadsheet("Ops", {"Tracker": ROWS})
    lead = _lead(emulator, sa_info).open_by_key(edited).worksheet("Tracker")
    checks: list[str | None] = []

    def before(endpoint: str, key: str | None) -> None:
        if endpoint == "drive.files.get" and key == edited:
            checks.append(key)
            if len(checks) == 2:  # its check before the write: the lead was quicker
                lead.insert_row(["E1", "Ship it", "E1.0", "Hire", "Kim", 0, 10, 9], 2)

    emulator.faults.before_request = before
    emulator.log.clear()
    runs = {r.team: r for r in _sync(_workspace(tmp_path, sa_info, edited, calm))}
    emulator.faults.before_request = None
    assert runs["T0"].outcome is Outcome.CONFLICTED
    assert "Sales (gsheet:" in (runs["T0"].error or "")
    assert "the spreadsheet changed since it was read" in (runs["T0"].error or "")
    assert runs["T1"].outcome is Outcome.OK, runs["T1"].error
    assert emulator.values(edited, "Tracker!A1:J3", "UNFORMATTED_VALUE") == [
        HEADERS,
        ["E1", "Ship it", "E1.0", "Hire", "Kim", 0, 10, 9],
        ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50],
    ]
    sheets = [e for e in _endpoints(emulator, edited) if not e.startswith("drive.")]
    # the sync's read, then the lead's insert (gspread: insertDimension, then the values)
    assert sheets == ["spreadsheets.get", "spreadsheets.batchUpdate", "values.append"]
    assert [e for e in _endpoints(emulator, calm) if not e.startswith("drive.")] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
    ]
    assert _endpoints(emulator, calm).count("drive.files.get") == 2
    # the run report's count is the Sheets calls', as before (Drive's: the backend's)
    assert [r.api_calls for r in (runs["T0"], runs["T1"])] == [1, 2]

    emulator.log.clear()  # the next night writes it
    (again, quiet) = _sync(_workspace(tmp_path, sa_info, edited, calm))
    assert again.outcome is Outcome.OK, again.error
    assert quiet.outcome is Outcome.UNCHANGED
    assert _endpoints(emulator, calm) == ["drive.files.get", "spreadsheets.get"]
    assert quiet.api_calls == 1


def test_the_drive_api_off_in_the_project_says_where_to_enable_it(
    emulator: Emulator, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Google's 403 SERVICE_DISABLED for Drive (the Sheets API alone enabled, as the docs
    asked until 2026-12-07): written unchecked, the warning names the activation page."""
    emulator.faults.answer_endpoint("drive.files.get", 403, DRIVE_DISABLED)
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        backend.write(backend.read(["OKRs"]), WRITE)
    assert emulator.values(key, "OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
    (said,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert f"enable the Google Drive API in the service account's project ({ACTIVATE})" in said
    assert backend.drive_calls == 1


def test_teams_sharing_a_sheet_are_both_written_each_after_the_other(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """Two teams, a tab each of one sheet: each is read after the other's write
    (``google_threads.sheet_turns``), so neither's check sees the other's write,
    both are written, neither taken for a sheet someone edited. Until 2026-12-07 read in
    parallel, the version each write left was taken for the run's own by the other's
    check (``test_gsheets_guard_shared.py``: an edit inside it was written over)."""
    key = emulator.create_spreadsheet("Both", {"Tracker": ROWS, "Ops": ROWS})
    (tmp_path / "sa.json").write_text(json.dumps(sa_info))
    flat = (Path(__file__).parents[3] / "mappings" / "flat-tracker.yaml").read_text()
    ops = flat.replace("name: flat-tracker", "name: ops").replace(
        "sheet: [Tracker, OKR tracker]", "sheet: [Ops]"
    )
    (tmp_path / "ops.yaml").write_text(ops, encoding="utf-8")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f"teams:\n  - {{name: A, source: 'gsheet:{key}', mapping: flat-tracker}}\n"
        f"  - {{name: B, source: 'gsheet:{key}', mapping: ops.yaml}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n',
        encoding="utf-8",
    )
    emulator.log.clear()
    runs = _sync(cfg)
    assert [r.outcome for r in runs] == [Outcome.OK, Outcome.OK], [r.error for r in runs]
    assert _endpoints(emulator, key).count("spreadsheets.batchUpdate") == 2
    # each team: before its read and before its write, no more (6 until 2026-12-07, when
    # both were read before either wrote; then 5, the second asked after its write too
    # for a second write of its backend, which a sync's team never makes: ``guard.wrote``)
    assert _endpoints(emulator, key).count("drive.files.get") == 4
