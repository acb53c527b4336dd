"""A team sheet with links and rich text, as people dress one in the Sheets UI: a KR
name typed as ``=HYPERLINK``, a Current linked to its dashboard, an ``=NA()`` left by a
lookup, an owner in rich text with a link, and last night's Sync notes made bold by hand.
Each reads as the cell shows it, and the sync writes only its owned cells (the stale
runs under a new note go, as Google erases them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.grid import CellError
from sheets_sync.sync.outcome import Outcome
from tests.support.google import sync_google_team

pytestmark = pytest.mark.emulator

HEADERS = ["Objective ID", "Objective", "KR ID", "Key result", "Owner", "Start", "Target",
           "Current", "Score", "Expected", "Status", "Sync notes"]  # fmt: skip
OWNED = {8, 9, 10, 11}  # Score, Expected, Status, Sync notes (0-based columns)
ROWS: list[list[Any]] = [
    ["O1", "Grow", "KR1", '=HYPERLINK("https://jira.example/KR-1","Revenue to 100")', "Ann",
     0, 100, 45, "", "", "", ""],
    ["", "", "KR2", "NPS to 50", "Bo", 0, 50, "=NA()", "", "", "", ""],
    ["", "", "KR3", "Deals", "Cy", 0, 10, '=HYPERLINK("https://dash.example",7)', "", "", "",
     "old note"],
]  # fmt: skip


def _rich(client: Any, key: str) -> None:
    def put(row: int, col: int, cell: dict[str, Any], fields: str) -> dict[str, Any]:
        start = {"sheetId": 0, "rowIndex": row, "columnIndex": col}
        return {"updateCells": {"start": start, "rows": [{"values": [cell]}], "fields": fields}}

    link = {"startIndex": 4, "format": {"link": {"uri": "https://people.example/ann"}}}
    owner = {"userEnteredValue": {"stringValue": "Ann Lee"},
             "textFormatRuns": [{"format": {"bold": True}}, link]}  # fmt: skip
    notes = {"userEnteredValue": {"stringValue": "old note"},
             "textFormatRuns": [{"format": {"bold": True}}]}  # fmt: skip
    requests = [put(1, 4, owner, "userEnteredValue,textFormatRuns"),
                put(3, 11, notes, "userEnteredValue,textFormatRuns")]  # fmt: skip
    client.batch_update(key, {"requests": requests}, source="user", what="edit")


def test_links_rich_text_and_na_read_as_shown_and_only_owned_cells_change(
    emulator: Emulator, client: Any, tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet("Sales", {"OKRs": [HEADERS, *ROWS]})
    _rich(client, key)
    okrs = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert okrs.value(2, 4) == "Revenue to 100"
    assert okrs.value(2, 5) == "Ann Lee"
    assert okrs.value(3, 8) == CellError("#N/A")
    assert okrs.value(4, 8) == 7
    with emulator.state.lock:
        before = {k: dict(v) for k, v in emulator.state.spreadsheets[key].sheets[0].cells.items()}
    run = sync_google_team(emulator, tmp_path, "Sales", key)
    assert run.outcome is Outcome.OK, run.error
    assert run.result is not None
    krs = {kr.kr.id: kr for kr in run.result.key_results}
    assert krs["KR1"].kr.description == "Revenue to 100" and krs["KR1"].score == pytest.approx(0.45)
    assert krs["KR3"].kr.current == 7 and krs["KR3"].score == pytest.approx(0.7)
    assert "KR2" not in krs  # in error: left out of the night's scores
    with emulator.state.lock:
        after = {k: dict(v) for k, v in emulator.state.spreadsheets[key].sheets[0].cells.items()}
    assert {k: v for k, v in after.items() if k[1] not in OWNED} == {
        k: v for k, v in before.items() if k[1] not in OWNED
    }
    assert emulator.values(key, "OKRs!L3") == [
        [
            "Error H3: the cell shows the error #N/A (the formula, or a cell it draws on, "
            "marks its value not available (NA()) or looks up (XLOOKUP, VLOOKUP, MATCH) a "
            "value its list does not hold: type the value, or add it to the list)"
        ]
    ]
    notes = emulator.cell(key, "OKRs!L4")
    assert notes.get("userEnteredValue") != {"stringValue": "old note"}
    assert "textFormatRuns" not in notes  # last night's bold went with its text
