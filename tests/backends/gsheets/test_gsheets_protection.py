"""Owned cells in a range or tab someone protected: the write is refused before it is sent,
in one line naming the cell, the range and the account (real gspread, live emulator)."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.errors import PermissionDeniedError
from sheets_sync.grid import CellWrite

pytestmark = pytest.mark.emulator

OKRS: list[list[object]] = [
    ["KR ID", "Target", "Current", "Score"],
    ["KR1", 100, 40, None],
    ["KR2", 10, 5, None],
]
WRITES = [CellWrite("OKRs", 2, 4, 0.4), CellWrite("OKRs", 3, 4, 0.5)]


def _team(emulator: Emulator) -> str:
    return emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS, "Notes": [["x"]]})


def _backend(client: Any, key: str) -> GoogleSheetsBackend:
    backend = GoogleSheetsBackend(client, key)
    backend.read(["OKRs"])
    return backend


def test_owned_cells_in_a_range_the_account_may_not_edit_are_refused_unsent(
    emulator: Emulator, client: Any, api_requests: Any
) -> None:
    key = _team(emulator)
    emulator.protect(key, "OKRs", "D3:D9", description="scores: leads only")
    backend = _backend(client, key)
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(backend.read(["OKRs"]), WRITES)
    assert str(info.value) == (
        f"Sales goals (gsheet:{key[:4]}...{key[-4:]})!OKRs!D3: in the protected range "
        f'OKRs!D3:D9 ("scores: leads only"), which {client.email} may not edit: add it as an '
        "editor of that range (Data > Protect sheets and ranges) or remove the protection; "
        "nothing written"
    )
    assert [r.endpoint for r in api_requests(key)] == ["spreadsheets.get"] * 2
    assert emulator.values(key, "OKRs!D2:D3") == []


def test_a_protected_tab_is_named_as_a_tab_and_its_unprotected_cells_are_written(
    emulator: Emulator, client: Any
) -> None:
    key = _team(emulator)
    emulator.protect(key, "OKRs", None, unprotected=("D2:D2",))
    backend = _backend(client, key)
    backend.write(backend.read(["OKRs"]), WRITES[:1])
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(backend.read(["OKRs"]), WRITES)
    assert str(info.value).endswith(
        f"!OKRs!D3: in the protected tab OKRs, which {client.email} may not edit: add it as an "
        "editor of that range (Data > Protect sheets and ranges) or remove the protection; "
        "nothing written"
    )
    assert emulator.values(key, "OKRs!D2:D3", "UNFORMATTED_VALUE") == [[0.4]]


def test_editors_warning_only_and_other_tabs_protections_write(
    emulator: Emulator, client: Any
) -> None:
    key = _team(emulator)
    emulator.protect(key, "OKRs", "D2", editors=["owner@example.com", client.email])
    emulator.protect(key, "OKRs", "D3", warning_only=True)
    emulator.protect(key, "Notes", None)
    emulator.protect(key, "OKRs", "A1:C9")  # the input columns, not the owned ones
    backend = _backend(client, key)
    backend.write(backend.read(["OKRs"]), WRITES)
    assert emulator.values(key, "OKRs!D2:D3", "UNFORMATTED_VALUE") == [[0.4], [0.5]]


def test_a_range_protected_after_the_read_is_one_line_and_nothing_is_written(
    emulator: Emulator, client: Any
) -> None:
    key = _team(emulator)
    backend = _backend(client, key)
    data = backend.read(["OKRs"])
    emulator.protect(key, "OKRs", "D:D")
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(data, WRITES)
    assert str(info.value) == (
        f"Sales goals (gsheet:{key[:4]}...{key[-4:]}): Google refused the write: a cell it "
        "writes was protected after the read, and the account may not edit it (You are trying "
        "to edit a protected cell or object. Please contact the spreadsheet owner to remove "
        "protection if you need to edit.); nothing written"
    )
    assert emulator.values(key, "OKRs!D2:D3") == []


def test_a_protection_backed_by_a_named_range_is_named_by_its_range(
    emulator: Emulator, client: Any
) -> None:
    key = _team(emulator)
    rng = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 3,
           "endColumnIndex": 4}  # fmt: skip
    reply = client.batch_update(
        key,
        {"requests": [{"addNamedRange": {"namedRange": {"name": "Scores", "range": rng}}}]},
        source="t",
        what="seed",
    )
    named_id = reply["replies"][0]["addNamedRange"]["namedRange"]["namedRangeId"]
    with emulator.state.lock:
        sheet = emulator.state.spreadsheets[key].sheets[0]
        sheet.extra["protectedRanges"] = [
            {"protectedRangeId": 7, "namedRangeId": named_id, "editors": {"users": ["o@x.y"]}}
        ]
    backend = _backend(client, key)
    with pytest.raises(PermissionDeniedError) as info:
        backend.write(backend.read(["OKRs"]), WRITES)
    assert f"!OKRs!D2: in the protected range OKRs!D2:D3, which {client.email}" in str(info.value)


def test_a_protected_column_is_still_refused_after_a_column_is_inserted_before_it(
    emulator: Emulator, client: Any
) -> None:
    """Someone protects Score (D:D), then someone inserts a column at A: Google moves the
    protection with Score to E:E, so the owned E2 is refused, not written."""
    key = _team(emulator)
    emulator.protect(key, "OKRs", "D:D", description="scores: leads only")
    rng = {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1}
    client.batch_update(key, {"requests": [{"insertDimension": {"range": rng}}]},
                        source="user", what="insert")  # fmt: skip
    backend = _backend(client, key)
    with pytest.raises(PermissionDeniedError, match=r"!OKRs!E2: in the protected range OKRs!E:E"):
        backend.write(backend.read(["OKRs"]), [CellWrite("OKRs", 2, 5, 0.4)])
    assert emulator.values(key, "OKRs!E2") == []
