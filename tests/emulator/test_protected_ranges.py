"""Protected ranges and sheets refuse the cell writes of a caller who may not edit them,
with Google's 400 (real gspread); warning-only ones and their editors write as before."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator

ROWS: list[list[Any]] = [["KR", "Score"], ["k1", 0.1], ["k2", 0.2]]
GOOGLE_400 = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


def _write(sh: gspread.Spreadsheet, row: int, col: int, value: float) -> None:
    cell = {"userEnteredValue": {"numberValue": value}}
    start = {"sheetId": 0, "rowIndex": row, "columnIndex": col}
    body = {"updateCells": {"start": start, "rows": [{"values": [cell]}], "fields": "*"}}
    sh.batch_update({"requests": [body]})


def test_a_range_someone_else_protected_refuses_the_whole_batch(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    emulator.protect(key, "OKRs", "B2:B3", description="scores")
    sh = gc.open_by_key(key)
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.batch_update(
            {
                "requests": [
                    {"updateCells": {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": 0},
                     "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                     "fields": "userEnteredValue"}},
                    {"updateCells": {"start": {"sheetId": 0, "rowIndex": 2, "columnIndex": 1},
                     "rows": [{"values": [{"userEnteredValue": {"numberValue": 1}}]}],
                     "fields": "userEnteredValue"}},
                ]
            }
        )  # fmt: skip
    assert info.value.response.status_code == 400
    assert info.value.error == {"code": 400, "message": GOOGLE_400, "status": "INVALID_ARGUMENT"}
    assert emulator.values(key, "OKRs!A2:B3") == [["k1", "0.1"], ["k2", "0.2"]]  # none applied
    _write(sh, 0, 1, 5)  # outside the range
    got = sh.fetch_sheet_metadata({"fields": "sheets(protectedRanges)"})
    (prot,) = got["sheets"][0]["protectedRanges"]
    assert "requestingUserCanEdit" not in prot and "editors" not in prot
    assert prot["description"] == "scores"


def test_a_protected_sheet_refuses_all_but_its_unprotected_ranges(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    emulator.protect(key, "OKRs", None, unprotected=("A2:A3",))
    sh = gc.open_by_key(key)
    _write(sh, 1, 0, 7)
    with pytest.raises(gspread.exceptions.APIError, match="protected cell"):
        _write(sh, 1, 1, 7)


def test_editors_and_warning_only_protections_write(
    gc: gspread.Client, emulator: Emulator, sa_email: str
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": ROWS})
    emulator.protect(key, "OKRs", "B2", editors=["owner@example.com", sa_email])
    emulator.protect(key, "OKRs", "B3", warning_only=True)
    sh = gc.open_by_key(key)
    _write(sh, 1, 1, 0.5)
    _write(sh, 2, 1, 0.6)
    assert emulator.values(key, "OKRs!B2:B3", "UNFORMATTED_VALUE") == [[0.5], [0.6]]
    got = sh.fetch_sheet_metadata({"fields": "sheets(protectedRanges)"})
    mine = got["sheets"][0]["protectedRanges"][0]
    assert mine["requestingUserCanEdit"] is True
    assert mine["editors"] == {"users": ["owner@example.com", sa_email]}


def test_a_tab_with_a_quote_in_its_name_can_be_protected(
    gc: gspread.Client, emulator: Emulator
) -> None:
    """The helper quoted the tab itself (``'Bob's'!B2``, no A1 reference): a tab named
    with ``'`` could not be protected (until 2026-12-07)."""
    key = emulator.create_spreadsheet("t", {"Bob's": ROWS})
    emulator.protect(key, "Bob's", "B2:B3", unprotected=())
    emulator.protect(key, "Bob's", None, unprotected=("A2",))
    got = gc.open_by_key(key).fetch_sheet_metadata({"fields": "sheets(protectedRanges)"})
    ranges = [p["range"] for p in got["sheets"][0]["protectedRanges"]]
    assert ranges[0] == {
        "startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 1, "endColumnIndex": 2
    }  # fmt: skip
    assert len(ranges) == 2
