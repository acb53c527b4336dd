"""People edit a team sheet while the sync works on it: tabs renamed, hidden or deleted,
input cells typed into, between the read and the write (live emulator, real gspread).
Since 2026-12-07 such an edit makes the team conflicted, nothing written, when Drive gives
the sheet's version (``test_gsheets_guard.py``); these are the write when it does not (a
token without the Drive scope, the Drive API off), or the edit in the gap the check
leaves: it still lands where the tab is, by its id."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.errors import LayoutError
from sheets_sync.grid import CellWrite
from sheets_sync.template.spec import TEMPLATE
from tests.backends.gsheets.conftest import SHEETS_ONLY, MakeClient

pytestmark = pytest.mark.emulator

OKRS: list[list[object]] = [["KR ID", "Target", "Current", "Score"], ["KR1", 100, 40, None]]
WRITE = [CellWrite("OKRs", 2, 4, 0.4)]


@pytest.fixture
def client(make_client: MakeClient) -> Any:
    """The sync's client, its writes unchecked (the module's doc)."""
    return make_client(scopes=SHEETS_ONLY)


def _edit(client: Any, key: str, *requests: dict[str, Any]) -> None:
    client.batch_update(key, {"requests": list(requests)}, source="user", what="edit")


def _sheet_id(emulator: Emulator, key: str, title: str) -> int:
    with emulator.state.lock:
        sheet = emulator.state.spreadsheets[key].sheet_by_title(title)
        assert sheet is not None
        return sheet.sheet_id


def test_a_tab_deleted_after_the_read_is_one_line_naming_it(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet("Sales goals", {"Read me": [["x"]], "OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    sheet_id = _sheet_id(emulator, key, "OKRs")
    _edit(client, key, {"deleteSheet": {"sheetId": sheet_id}})
    with pytest.raises(LayoutError) as info:
        backend.write(data, WRITE)
    assert str(info.value) == (
        f"Sales goals (gsheet:{key[:4]}...{key[-4:]})!OKRs: the tab was deleted after the "
        "read (or deleted and made anew); nothing written, the next run reads it again"
    )


def test_a_tab_renamed_or_hidden_after_the_read_is_written_where_it_is(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet("Sales goals", {"Read me": [["x"]], "OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    props = {"sheetId": _sheet_id(emulator, key, "OKRs"), "title": "Q1 OKRs", "hidden": True}
    _edit(client, key, {"updateSheetProperties": {"properties": props, "fields": "title,hidden"}})
    backend.write(data, WRITE)
    assert emulator.values(key, "'Q1 OKRs'!A2:D2", "UNFORMATTED_VALUE") == [["KR1", 100, 40, 0.4]]


def test_an_input_cell_typed_into_after_the_read_keeps_what_was_typed(
    emulator: Emulator, client: Any
) -> None:
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    typed = {"userEnteredValue": {"numberValue": 90}}
    start = {"sheetId": 0, "rowIndex": 1, "columnIndex": 2}
    _edit(client, key, {"updateCells": {"start": start, "rows": [{"values": [typed]}],
                                         "fields": "userEnteredValue"}})  # fmt: skip
    backend.write(data, WRITE)
    assert emulator.values(key, "OKRs!A2:D2", "UNFORMATTED_VALUE") == [["KR1", 100, 90, 0.4]]


def test_score_dragged_left_of_target_after_the_read_is_written_over_what_took_its_place(
    emulator: Emulator, client: Any
) -> None:
    """docs/google-sheets.md: the night's scores land on whatever column now stands in
    Score's old place. In the standard template Comment sits left of Score: dragging Score
    left of Target puts Comment there, and a KR's comment text is replaced by its score."""
    headers = list(TEMPLATE.okrs.headers)
    row: list[object] = ["" for _ in headers]
    row[headers.index("KR ID")], row[headers.index("Target")] = "KR1", 100
    row[headers.index("Current")], row[headers.index("Comment")] = 40, "waiting on legal"
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": [headers, row]})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    score, target = headers.index("Score"), headers.index("Target")
    source = {"sheetId": _sheet_id(emulator, key, "OKRs"), "dimension": "COLUMNS",
              "startIndex": score, "endIndex": score + 1}  # fmt: skip
    _edit(client, key, {"moveDimension": {"source": source, "destinationIndex": target}})
    backend.write(data, [CellWrite("OKRs", 2, score + 1, 0.4)])
    got = emulator.values(key, "OKRs!A1:U2", "UNFORMATTED_VALUE")
    moved = dict(zip(got[0], got[1], strict=False))
    assert moved["Comment"] == 0.4  # the comment typed there is gone
    assert moved["Score"] == "" and moved["Current"] == 40
