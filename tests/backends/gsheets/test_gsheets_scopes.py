"""A token without the scope a call needs: the emulator answers Google's 403
ACCESS_TOKEN_SCOPE_INSUFFICIENT, and the error names the scope that was missing (Google's
own message, "Request had insufficient authentication scopes.", names none)."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.backends.gsheets.template import create_google_template
from sheets_sync.emulator import Emulator
from sheets_sync.errors import PermissionDeniedError, RemoteError
from tests.support.google import is_version_check

pytestmark = pytest.mark.emulator

READONLY = "https://www.googleapis.com/auth/spreadsheets.readonly"
SHEETS = "https://www.googleapis.com/auth/spreadsheets"
DRIVE_METADATA = "https://www.googleapis.com/auth/drive.metadata.readonly"


def test_a_read_only_token_reads_and_its_write_names_the_scope(
    emulator: Emulator, make_client: Any
) -> None:
    client = make_client(scopes=[READONLY])
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    assert backend.read(["OKRs"]).sheet_names == ("OKRs",)
    with pytest.raises(PermissionDeniedError) as info:
        client.batch_update(key, {"requests": []}, source="Ops", what="write")
    assert str(info.value) == (
        f"Ops: Google refused (key {key}): the token holds {READONLY}, not {SHEETS}, "
        "which this call needs"
    )
    logged = [r for r in emulator.log.requests if r.endpoint != "token"]
    # the version check refused too (no Drive scope): the sheet read and written unchecked
    assert [r.status for r in logged if not is_version_check(r)] == [200, 403]


def test_the_template_delete_refused_for_its_scope_names_the_drive_scope(
    emulator: Emulator, make_client: Any
) -> None:
    """The sync's token (spreadsheets, and Drive's metadata read-only since 2026-12-07;
    ``template --google`` adds drive.file) cannot delete a half-made template: the
    emulator refuses it as Google does, and the message says which scope it lacked."""
    emulator.faults.answer_endpoint(
        "spreadsheets.batchUpdate",
        503,
        {"error": {"code": 503, "message": "down", "status": "UNAVAILABLE"}},
    )
    client = make_client(RetryPolicy(max_attempts=1, max_seconds=5.0))
    with pytest.raises(RemoteError) as info:
        create_google_template(client, "Sales goals")
    (key,) = emulator.state.spreadsheets
    text = str(info.value)
    assert "\n" not in text
    assert (
        f"could not be deleted (Google refused (key {key}): the token holds {SHEETS} "
        f"{DRIVE_METADATA}, not "
        "https://www.googleapis.com/auth/drive.file (or .../auth/drive), which this call "
        "needs): it belongs to"
    ) in text
