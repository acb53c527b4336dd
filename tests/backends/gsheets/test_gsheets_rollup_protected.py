"""A Google rollup whose tab someone protected without the service account as an editor:
not published, in one line naming the tab, before the write is sent (Sync, live emulator)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult

pytestmark = pytest.mark.emulator

OKRS: list[list[Any]] = [
    ["Objective ID", "Objective", "KR ID", "Key result", "Start", "Target", "Current"],
    ["O1", "Grow", "KR1", "Revenue", 0, 100, 40],
]


def _sync(tmp_path: Path, info: dict[str, Any], team: str, out: str) -> SyncResult:
    """One night of team ``team`` with its rollup to ``out``, signed in as ``info``."""
    (tmp_path / "sa.json").write_text(json.dumps(info))
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n  - {{name: Sales, source: 'gsheet:{team}'}}\n"
        f"rollup: {{output: 'gsheet:{out}'}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n'
    )
    clear_clients()
    try:
        return Sync(load_workspace(cfg)).run(SyncOptions(as_of=dt.date(2026, 2, 15)))
    finally:
        clear_clients()


def test_a_protected_rollup_tab_is_not_published_and_named(
    emulator: Emulator, tmp_path: Path
) -> None:
    team = emulator.create_spreadsheet("Sales", {"OKRs": OKRS}, value_input="RAW")
    out = emulator.create_spreadsheet("Rollup", {"Summary": [["old"]], "Notes": [["x"]]})
    emulator.protect(out, "Summary", None, description="CFO only")
    emulator.protect(out, "Notes", None)  # a tab the rollup does not write
    info = fake_service_account_info(emulator.host)
    result = _sync(tmp_path, info, team, out)
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: rollup tab Summary is in the "
        f'protected tab Summary ("CFO only"), which {info["client_email"]} may not edit: add '
        "it as an editor of that range (Data > Protect sheets and ranges) or remove the "
        "protection; nothing written"
    )
    assert [r.endpoint for r in emulator.log.requests if r.spreadsheet_id == out] == [
        "spreadsheets.get"
    ]
    assert emulator.values(out, "Summary!A1") == [["old"]]


def test_a_protected_range_past_the_new_rollup_is_named_too(
    emulator: Emulator, tmp_path: Path
) -> None:
    """The rollup shrinks each tab to its rows, deleting those past them: a protected range
    there (row 900 of a 1,000-row tab) is refused by Google as a cell write is, so it is
    named before the write too, not left to Google's bare 400."""
    team = emulator.create_spreadsheet("Sales", {"OKRs": OKRS}, value_input="RAW")
    out = emulator.create_spreadsheet("Rollup", {"Summary": [["old"]]})
    emulator.protect(out, "Summary", "A900:B900", description="archive")
    info = fake_service_account_info(emulator.host)
    result = _sync(tmp_path, info, team, out)
    assert result.rollup_error is not None
    assert "rollup tab Summary is in the protected range Summary!A900:B900" in str(
        result.rollup_error
    )
    assert emulator.values(out, "Summary!A1") == [["old"]]


def test_a_rollup_sheet_shared_as_viewer_says_to_make_it_an_editor(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Its tabs are read, and Google answers the write 403 "The caller does not have
    permission": the sheet is shared as Viewer, which "not shared with EMAIL" denied."""
    team = emulator.create_spreadsheet("Sales", {"OKRs": OKRS}, value_input="RAW")
    out = emulator.create_spreadsheet("Rollup", {"Summary": [["old"]]}, shared_with=[])
    info = fake_service_account_info(emulator.host)
    emulator.state.spreadsheets[out].viewers.append(info["client_email"])
    result = _sync(tmp_path, info, team, out)
    email = info["client_email"]
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: {email} may read this sheet but "
        f"not edit it (shared as a viewer or commenter): share it with {email} as an editor; "
        "nothing written"
    )
    assert emulator.state.spreadsheets[out].sheets[0].cells[(0, 0)]["effectiveValue"] == {
        "stringValue": "old"
    }


def test_a_rollup_sheet_unshared_after_its_tab_read_is_not_called_a_viewer(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Unshared between the rollup's tab read and its write: Google answers 403 as for a
    viewer, and "may read this sheet" sent the owner to a share dialog without the
    account (before 2026-12-06)."""
    team = emulator.create_spreadsheet("Sales", {"OKRs": OKRS}, value_input="RAW")
    info = fake_service_account_info(emulator.host)
    email = info["client_email"]
    out = emulator.create_spreadsheet("Rollup", {"Summary": [["old"]]}, shared_with=[email])

    def unshare(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            emulator.state.spreadsheets[out].shared_with = []

    emulator.faults.before_request = unshare
    result = _sync(tmp_path, info, team, out)
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: the spreadsheet was unshared "
        f"from {email} after the read: share it with {email} as an editor; nothing written"
    )


def test_a_rollup_refused_after_an_answer_lost_does_not_say_nothing_written(
    emulator: Emulator, tmp_path: Path
) -> None:
    """The rollup's write applied, its reply cut; unshared before the retry, which gets
    the 403: "nothing written" was said of a published rollup (until 2026-12-06)."""
    team = emulator.create_spreadsheet("Sales", {"OKRs": OKRS}, value_input="RAW")
    info = fake_service_account_info(emulator.host)
    email = info["client_email"]
    out = emulator.create_spreadsheet("Rollup", {"Summary": [["old"]]}, shared_with=[email])
    writes = [0]

    def cut_then_unshare(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            writes[0] += 1
            if writes[0] == 1:
                emulator.faults.break_bodies("cut", count=1)
            else:
                emulator.state.spreadsheets[out].shared_with = []

    emulator.faults.before_request = cut_then_unshare
    result = _sync(tmp_path, info, team, out)
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: the spreadsheet was unshared "
        f"from {email} after the read: share it with {email} as an editor; the request may "
        "have reached Google and been applied (the sheet may hold it already)"
    )
    emulator.state.spreadsheets[out].shared_with = None  # for the test API's read
    assert emulator.values(out, "Summary!A1") != [["old"]]  # attempt 1 published it


def test_a_rollup_sheet_deleted_after_its_tab_read_says_deleted(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Deleted between the rollup's tab read and its write: Google answers the write 404,
    which it does only for a key that does not exist, and "spreadsheet not found or not
    shared" read as a wrong key (until 2026-12-06; a team's sheet said deleted already)."""
    team = emulator.create_spreadsheet("Sales", {"OKRs": OKRS}, value_input="RAW")
    info = fake_service_account_info(emulator.host)
    out = emulator.create_spreadsheet("Rollup", {"Summary": [["old"]]})

    def delete(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            emulator.state.delete(out)

    emulator.faults.before_request = delete
    result = _sync(tmp_path, info, team, out)
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: the spreadsheet was deleted "
        "after the read; nothing written"
    )
