"""Checkboxes inserted over more rows than the key results (select J2:J12, Insert >
Checkbox): Google gives each unchecked one the value FALSE, so the rows below the last key
result hold a FALSE and nothing else. Those rows are empty rows, not key results with no
ID, and the sync writes nothing into them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_sync.emulator import Emulator
from sheets_sync.sync.outcome import Outcome
from tests.support.google import sync_google_team

pytestmark = pytest.mark.emulator

HEADERS = ["Objective ID", "Objective", "KR ID", "Key result", "Owner", "KR type", "Start",
           "Target", "Current", "Score", "Expected", "Status", "Sync notes"]  # fmt: skip
ROWS: list[list[Any]] = [
    ["O1", "Ship it", "KR1", "Beta out", "Ann", "milestone", "", 1, "", "", "", "", ""],
    ["", "", "KR2", "GA out", "Bo", "milestone", "", 1, "", "", "", "", ""],
    [],  # a blank row between objectives
    ["O2", "Sell it", "KR3", "First deal", "Cy", "milestone", "", 1, "", "", "", "", ""],
]  # fmt: skip
CURRENT = HEADERS.index("Current")


def test_unchecked_checkboxes_below_the_key_results_are_empty_rows(
    emulator: Emulator, client: Any, tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet("Launch", {"OKRs": [HEADERS, *ROWS]})
    rng = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 12,
           "startColumnIndex": CURRENT, "endColumnIndex": CURRENT + 1}  # fmt: skip
    boxes = {"userEnteredValue": {"boolValue": False},
             "dataValidation": {"condition": {"type": "BOOLEAN"}}}  # fmt: skip
    checked = {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": CURRENT},
               "rows": [{"values": [{"userEnteredValue": {"boolValue": True}}]}],
               "fields": "userEnteredValue"}  # fmt: skip
    requests = [{"repeatCell": {"range": rng, "cell": boxes,
                                "fields": "userEnteredValue,dataValidation"}},
                {"updateCells": checked}]  # fmt: skip
    client.batch_update(key, {"requests": requests}, source="user", what="edit")
    run = sync_google_team(emulator, tmp_path, "Launch", key)
    assert run.outcome is Outcome.OK, run.error
    assert run.result is not None
    assert {kr.kr.id: kr.score for kr in run.result.key_results} == {
        "KR1": 1, "KR2": 0, "KR3": 0}  # fmt: skip
    assert [f.message for f in run.result.findings if "missing" in f.message] == []
    assert emulator.values(key, "OKRs!J4:M4") == []  # the blank row between objectives
    assert emulator.values(key, "OKRs!J6:M12") == []  # nor below the last key result
