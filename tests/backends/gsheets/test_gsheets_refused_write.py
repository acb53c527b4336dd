"""A team's write refused for a sheet read a moment ago: Google answers 403 for a sheet
shared as Viewer and for one unshared since the read (404 only for a key that does not
exist), and one read after the refusal tells them apart."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.errors import ApiError
from sheets_sync.errors import NotFoundError, PermissionDeniedError
from sheets_sync.grid import CellWrite
from tests.backends.gsheets.test_gsheets_backend import _seed


def _unwritten(emulator: Emulator, key: str) -> bool:
    cell = emulator.state.spreadsheets[key].sheets[0].cells.get((1, 1), {})
    return cell.get("userEnteredValue") != {"stringValue": "x"}


def test_a_sheet_shared_as_viewer_reads_and_its_write_says_to_make_it_an_editor(
    emulator: Emulator, client: Any
) -> None:
    """Shared as Viewer (or Commenter): the read works, and Google answers the write 403
    "The caller does not have permission", which said "not shared with EMAIL" though the
    owner's share dialog lists the account. The one read that tells it apart from a
    sheet unshared since the read is sent only after the refusal."""
    key = _seed(emulator, owner="someone@example.com", shared_with=[])
    emulator.state.spreadsheets[key].viewers.append(client.email)
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    data = backend.read(["OKRs"])
    assert backend.api_calls == 1
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(data, [CellWrite("OKRs", 2, 2, "x")])
    assert str(info.value) == (
        f"Ops: {client.email} may read this sheet but not edit it (shared as a viewer or "
        f"commenter; key {key}): share it with {client.email} as an editor; nothing written"
    )
    assert backend.api_calls == 3  # the write and the read after its refusal
    assert _unwritten(emulator, key)


def test_a_sheet_unshared_after_the_read_is_not_called_a_viewer(
    emulator: Emulator, client: Any
) -> None:
    """Unshared between the read and the write: Google answers 403 as for a viewer, and
    "may read this sheet but not edit it (shared as a viewer ...)" sent the owner to a
    share dialog that no longer lists the account (before 2026-12-06)."""
    key = _seed(emulator, owner="someone@example.com", shared_with=[client.email])
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    data = backend.read(["OKRs"])

    def unshare(endpoint: str, spreadsheet_id: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate" and spreadsheet_id:
            emulator.state.spreadsheets[spreadsheet_id].shared_with = []

    emulator.faults.before_request = unshare
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(data, [CellWrite("OKRs", 2, 2, "x")])
    assert str(info.value) == (
        f"Ops: the spreadsheet was unshared from {client.email} after the read (key {key}): "
        f"share it with {client.email} as an editor; nothing written"
    )
    assert _unwritten(emulator, key)


def test_a_refusal_whose_check_fails_names_both(emulator: Emulator, client: Any) -> None:
    """The read after the refusal got neither 200 nor that 403 (here a 404: deleted in
    the gap): no telling a viewer from an unshared sheet, so the line names both."""
    key = _seed(emulator, owner="someone@example.com", shared_with=[])
    emulator.state.spreadsheets[key].viewers.append(client.email)
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    data = backend.read(["OKRs"])

    def delete(endpoint: str, spreadsheet_id: str | None) -> None:
        if endpoint == "spreadsheets.get" and spreadsheet_id:
            emulator.state.delete(spreadsheet_id)

    emulator.faults.before_request = delete
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(data, [CellWrite("OKRs", 2, 2, "x")])
    assert str(info.value) == (
        f"Ops: {client.email} may not edit this sheet (shared as a viewer or commenter, or "
        f"unshared from {client.email} after the read; key {key}): share it with "
        f"{client.email} as an editor; nothing written"
    )


def test_a_sheet_deleted_after_the_read_says_so(emulator: Emulator, client: Any) -> None:
    """Deleted between the read and the write: Google answers 404 only for a key that
    does not exist (an unshared sheet gets 403), so the line says deleted, not
    "spreadsheet not found or not shared" (a wrong key) nor "or unshared" (2026-12-06)."""
    key = _seed(emulator)
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    data = backend.read(["OKRs"])

    def delete(endpoint: str, spreadsheet_id: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate" and spreadsheet_id:
            emulator.state.delete(spreadsheet_id)

    emulator.faults.before_request = delete
    with pytest.raises(NotFoundError) as info:
        backend.write(data, [CellWrite("OKRs", 2, 2, "x")])
    assert str(info.value) == (
        f"Ops: the spreadsheet was deleted after the read (key {key}); nothing written"
    )


def test_a_refusal_after_an_answer_lost_does_not_say_nothing_written(
    emulator: Emulator, make_client: Any
) -> None:
    """Attempt 1 applied, its reply cut; made a viewer before attempt 2, which gets the
    403: "nothing written" was said of a sheet holding the write (until 2026-12-06).
    With the version check off (a token without a Drive scope): with it on, attempt 2
    is not sent at all once attempt 1 moved the version (``test_gsheets_guard_gap``)."""
    key = _seed(emulator, owner="someone@example.com", shared_with=None)
    client = make_client(
        RetryPolicy(max_attempts=3, max_seconds=10, base_delay=0.01),
        scopes=["https://www.googleapis.com/auth/spreadsheets"],
    )
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    data = backend.read(["OKRs"])
    writes = [0]

    def cut_then_demote(endpoint: str, spreadsheet_id: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate":
            writes[0] += 1
            if writes[0] == 1:
                emulator.faults.break_bodies("cut", count=1)
            else:
                emulator.state.spreadsheets[key].viewers.append(client.email)

    emulator.faults.before_request = cut_then_demote
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(data, [CellWrite("OKRs", 2, 2, "x")])
    assert str(info.value) == (
        f"Ops: {client.email} may read this sheet but not edit it (shared as a viewer or "
        f"commenter; key {key}): share it with {client.email} as an editor; the request may "
        "have reached Google and been applied (the sheet may hold it already)"
    )
    assert not _unwritten(emulator, key)  # attempt 1 applied it


def test_the_check_after_a_refusal_gets_one_attempt(emulator: Emulator, make_client: Any) -> None:
    """The read that only words the message retried as a team's read does: in an outage
    it spent a whole retry budget (``google.max_retry_seconds``) after the refusal was
    known (until 2026-12-06). One attempt; failing, the line names both causes."""
    key = _seed(emulator, owner="someone@example.com", shared_with=[])
    client = make_client(RetryPolicy(max_attempts=6, max_seconds=30, base_delay=0.01))
    emulator.state.spreadsheets[key].viewers.append(client.email)
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    data = backend.read(["OKRs"])

    def down(endpoint: str, spreadsheet_id: str | None) -> None:
        if endpoint == "spreadsheets.get":
            raise ApiError(503, "The service is currently unavailable.")

    emulator.faults.before_request = down
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(data, [CellWrite("OKRs", 2, 2, "x")])
    assert "may not edit this sheet (shared as a viewer or commenter, or unshared" in str(
        info.value
    )
    assert backend.api_calls == 3  # the read, the write, one check
