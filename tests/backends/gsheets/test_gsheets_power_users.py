"""A team sheet as Google users edit it, synced end to end (``Sync`` over the live emulator,
real gspread): columns moved and inserted, rows sorted, the objective merged over its KRs,
a checkbox, a dropdown, a people chip, a number typed as text, a German locale's percent
and date formats, a formula typed into the Score column. Only the owned cells change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.mapping.fields import OKR_OWNED
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.support.google import google_team_workspace

pytestmark = pytest.mark.emulator
AS_OF = dt.date(2026, 2, 15)

# the user's order: Status dragged to the front, a column of their own inserted, no Unit,
# Weight, KPI link or Comment; rows sorted by KR ID, last first
HEADERS = ["Status", "Objective ID", "Objective", "Our notes", "KR ID", "Key result", "Owner",
           "KR type", "Start", "Target", "Current", "Confidence", "Due date", "Score",
           "Expected", "Sync notes", "Objective type", "Aligns to"]  # fmt: skip
COL = {h: i for i, h in enumerate(HEADERS)}
ROWS: list[list[Any]] = [
    ["", "O1", "Grow revenue", "keep me", "KR3", "NPS to 50", "", "number", 30, 50, 40, 0.7,
     46112, "", "", "", "committed", ""],
    ["", "", "", "", "KR2", "Ship v2", "", "milestone", "", 1, True, 0.5, 46112, "", "", "",
     "", ""],
    ["", "", "", "mine too", "KR1", "Revenue to 100", "Ann", "number", 0, 100, "45", 0.9,
     46112, "=J4/K4", "", "", "", ""],
]  # fmt: skip


def _workspace(tmp: Path, emu: Emulator, key: str) -> Path:
    return google_team_workspace(emu, tmp, "Sales", key)


def _column(col: int, rows: tuple[int, int], fmt: dict[str, Any]) -> dict[str, Any]:
    rng = {"sheetId": 0, "startRowIndex": rows[0], "endRowIndex": rows[1],
           "startColumnIndex": col, "endColumnIndex": col + 1}  # fmt: skip
    return {"repeatCell": {"range": rng, "cell": {"userEnteredFormat": fmt},
                           "fields": "userEnteredFormat.numberFormat"}}  # fmt: skip


def _dress(client: Any, key: str) -> None:
    """What the user did in the UI: locale, formats, checkbox, dropdown, chip, merge."""
    percent = {"numberFormat": {"type": "PERCENT", "pattern": "0 %"}}
    date = {"numberFormat": {"type": "DATE", "pattern": "dd.MM.yyyy"}}
    rule = {"condition": {"type": "BOOLEAN"}}
    kinds = {"condition": {"type": "ONE_OF_LIST", "values": [
        {"userEnteredValue": v} for v in ("number", "milestone", "percent")]}}  # fmt: skip
    chip = {"userEnteredValue": {"stringValue": "@"},
            "chipRuns": [{"chip": {"personProperties": {"email": "bo@acme.example"}}}]}  # fmt: skip

    def grid(col: int, r0: int, r1: int) -> dict[str, int]:
        return {"sheetId": 0, "startRowIndex": r0, "endRowIndex": r1,
                "startColumnIndex": col, "endColumnIndex": col + 1}  # fmt: skip

    requests: list[dict[str, Any]] = [
        {"updateSpreadsheetProperties": {"properties": {"locale": "de_DE"}, "fields": "locale"}},
        _column(COL["Confidence"], (1, 4), percent),
        _column(COL["Due date"], (1, 4), date),
        {"setDataValidation": {"range": grid(COL["Current"], 2, 3), "rule": rule}},
        {"setDataValidation": {"range": grid(COL["KR type"], 1, 4), "rule": kinds}},
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": COL["Owner"]},
                         "rows": [{"values": [chip]}],
                         "fields": "userEnteredValue,chipRuns"}},
        {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 3,
                                  "startColumnIndex": 1, "endColumnIndex": 3},
                        "mergeType": "MERGE_COLUMNS"}},
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 1, "columnIndex": COL["Score"]},
                         "rows": [{"values": [{"note": "checked by Ann", "userEnteredFormat": {
                             "borders": {"top": {"style": "SOLID"}},
                             "horizontalAlignment": "CENTER"}}]}],
                         "fields": "note,userEnteredFormat(borders,horizontalAlignment)"}},
        {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 2, "endRowIndex": 4,
                                  "startColumnIndex": COL["Expected"],
                                  "endColumnIndex": COL["Expected"] + 1},
                        "mergeType": "MERGE_ALL"}},  # an owned cell merged into another
    ]  # fmt: skip
    client.batch_update(key, {"requests": requests}, source="user", what="edit")


def test_a_sheet_dressed_by_its_users_gets_only_its_owned_cells_written(
    emulator: Emulator, client: Any, tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet(
        "Sales", {"OKRs": [HEADERS, *ROWS], "Raw": [["x"]]}, value_input="RAW"
    )
    _dress(client, key)
    with emulator.state.lock:
        book = emulator.state.spreadsheets[key]
        before = {k: dict(v) for k, v in book.sheets[0].cells.items()}
        merges = list(book.sheets[0].merges)
    clear_clients()
    result = Sync(load_workspace(_workspace(tmp_path, emulator, key))).run(
        SyncOptions(as_of=AS_OF, rollup=False)
    )
    clear_clients()
    (run,) = result.runs
    assert run.outcome is Outcome.OK, run.error
    assert run.api_calls == 2
    assert run.result is not None
    krs = {kr.kr.id: kr for kr in run.result.key_results}
    assert krs["KR1"].kr.current == 45 and krs["KR1"].score == pytest.approx(0.45)
    assert krs["KR2"].score == 1
    assert krs["KR3"].kr.owner == "bo@acme.example"
    assert krs["KR3"].kr.objective_id == krs["KR2"].kr.objective_id == "O1"
    assert krs["KR1"].kr.confidence == pytest.approx(0.9)
    assert krs["KR1"].kr.due == dt.date(2026, 3, 31)

    owned = {COL[h] for h in ("Score", "Expected", "Status", "Sync notes")}
    assert len(owned) == len(OKR_OWNED)
    with emulator.state.lock:
        sheet = emulator.state.spreadsheets[key].sheets[0]
        after = {k: dict(v) for k, v in sheet.cells.items()}
        assert sheet.merges == merges
    assert {k: v for k, v in after.items() if k[1] not in owned} == {
        k: v for k, v in before.items() if k[1] not in owned
    }
    assert emulator.cell(key, "OKRs!O3")["userEnteredValue"] == {
        "numberValue": pytest.approx(krs["KR2"].expected)
    }
    assert emulator.cell(key, "OKRs!O4") == {}  # inside the merge: not written
    score_kr3 = emulator.cell(key, "OKRs!N2")  # the user's note, border and alignment stay
    assert score_kr3["note"] == "checked by Ann"
    assert (
        score_kr3["userEnteredFormat"]["borders"]
        == before[(1, COL["Score"])]["userEnteredFormat"]["borders"]
    )
    assert score_kr3["userEnteredFormat"]["horizontalAlignment"] == "CENTER"
    score_kr1 = emulator.cell(key, "OKRs!N4")
    assert score_kr1["userEnteredValue"] == {"numberValue": pytest.approx(0.45)}
    for row, kr_id in ((2, "KR3"), (3, "KR2"), (4, "KR1")):
        assert emulator.values(key, f"OKRs!A{row}") == [[krs[kr_id].status.value]]


def test_a_protected_score_column_fails_the_team_in_one_line_and_writes_nothing(
    emulator: Emulator, client: Any, tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet("Sales", {"OKRs": [HEADERS, *ROWS]}, value_input="RAW")
    emulator.protect(key, "OKRs", "N:N", description="only the leads")
    clear_clients()
    result = Sync(load_workspace(_workspace(tmp_path, emulator, key))).run(
        SyncOptions(as_of=AS_OF, rollup=False)
    )
    clear_clients()
    (run,) = result.runs
    assert run.outcome is Outcome.FAILED
    assert run.error == (
        f"Sales (gsheet:{key[:4]}...{key[-4:]})!OKRs!N2: in the protected range OKRs!N:N "
        '("only the leads"), which '
        f"{fake_service_account_info(emulator.host)['client_email']} may not edit: add it as "
        "an editor of that range (Data > Protect sheets and ranges) or remove the protection; "
        "nothing written"
    )
    assert run.api_calls == 1
    assert emulator.values(key, "OKRs!A2:A4") == []


def test_filter_views_and_slicers_leave_every_kr_read(emulator: Emulator, client: Any) -> None:
    """Someone's filter view showing only their KRs, and a slicer on Owner, are views:
    every KR row is read."""
    key = emulator.create_spreadsheet("Sales", {"OKRs": [HEADERS, *ROWS]}, value_input="RAW")
    rng = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 4}
    hide = {"hiddenValues": ["KR2", "KR3"]}
    anchor = {"sheetId": 0, "rowIndex": 0, "columnIndex": 20}
    slicer = {"spec": {"dataRange": rng, "columnIndex": COL["KR ID"], "filterCriteria": hide},
              "position": {"overlayPosition": {"anchorCell": anchor}}}  # fmt: skip
    view = {"range": rng, "criteria": {str(COL["KR ID"]): hide}}
    requests = [{"addFilterView": {"filter": view}}, {"addSlicer": {"slicer": slicer}}]
    client.batch_update(key, {"requests": requests}, source="user", what="edit")
    okrs = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert [okrs.value(r, COL["KR ID"] + 1) for r in (2, 3, 4)] == ["KR3", "KR2", "KR1"]
    assert okrs.hidden_rows == frozenset()
