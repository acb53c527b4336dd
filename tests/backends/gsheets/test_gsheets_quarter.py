"""A team lead's nights: between syncs the sheet is edited through real gspread as the
Sheets UI does (a formula column of one's own reading the sync's Score, notes, a filter, a
protected header, a dropdown, a conditional format on Score, a chart, a merge, a column dragged,
a row inserted and typed into); each night leaves every cell and object the team set as
it was, writes the right owned cells, and costs 2 requests (1 when nothing changed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials
from gspread.utils import ValueInputOption, ValueRenderOption

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import emulator_http_client
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.faults import Reply
from sheets_sync.mapping.fields import OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.support.google import google_team_workspace, sync_google_team

pytestmark = pytest.mark.emulator
HEADERS = [h for _, h in OKR_FIELDS]
OWNED = ("Score", "Expected", "Status", "Sync notes")


def _kr(**values: Any) -> list[Any]:
    return [values.get(f, "") for f, _ in OKR_FIELDS]


ROWS = [
    HEADERS,
    _kr(objective_id="O1", objective="Brand", objective_type="committed", kr_id="KR1",
        key_result="Leads to 1000", owner="Mia", kr_type="number", start=0, target=1000,
        current=300, comment="from HubSpot"),
    _kr(objective_id="O1", kr_id="KR2", key_result="Launch site", owner="Mia",
        kr_type="milestone", target=1, current="done"),
    _kr(objective_id="O2", objective="Engagement", objective_type="aspirational",
        kr_id="KR3", key_result="Subscribers", owner="Lu", kr_type="number", start=100,
        target=500, current=200),
]  # fmt: skip


def _col(header: list[Any], name: str) -> int:
    return header.index(name)


def _dress(sh: gspread.Spreadsheet) -> None:
    """What the lead did in the UI after the first night."""
    ws = sh.sheet1
    cur, score, kind = (_col(HEADERS, h) for h in ("Current", "Score", "KR type"))

    def rng(c0: int, c1: int, r0: int = 1, r1: int = 4) -> dict[str, int]:
        return {"sheetId": 0, "startRowIndex": r0, "endRowIndex": r1,
                "startColumnIndex": c0, "endColumnIndex": c1}  # fmt: skip

    def note(col: int, text: str) -> dict[str, Any]:
        start = {"sheetId": 0, "rowIndex": 1, "columnIndex": col}
        rows = [{"values": [{"note": text}]}]
        return {"updateCells": {"start": start, "rows": rows, "fields": "note"}}

    kinds = [{"userEnteredValue": v} for v in ("number", "milestone", "percent")]
    low = {"type": "NUMBER_LESS", "values": [{"userEnteredValue": "0.3"}]}
    yellow = {"backgroundColor": {"red": 1, "green": 1, "blue": 0.8}}
    sh.batch_update({"requests": [
        note(score, "Mia checks this"),
        note(cur, "weekly export"),
        {"setBasicFilter": {"filter": {"range": rng(0, 23, 0, 4)}}},
        {"addProtectedRange": {"protectedRange": {"range": rng(0, 23, 0, 1),
                                                  "description": "headers",
                                                  "warningOnly": True}}},
        {"setDataValidation": {"range": rng(kind, kind + 1), "rule": {
            "condition": {"type": "ONE_OF_LIST", "values": kinds}, "strict": True}}},
        {"addConditionalFormatRule": {"rule": {"ranges": [rng(score, score + 1)],
                                               "booleanRule": {"condition": low, "format": {
                                                   "textFormat": {"bold": True}}}}}},
        {"mergeCells": {"range": rng(0, 1, 1, 3), "mergeType": "MERGE_ALL"}},
        {"addChart": {"chart": {"spec": {"title": "Scores", "basicChart": {
            "chartType": "BAR", "series": [{"series": {"sourceRange": {
                "sources": [rng(score, score + 1)]}}}]}},
            "position": {"overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 8,
                                                            "columnIndex": 0}}}}}},
        {"repeatCell": {"range": rng(cur, cur + 1), "cell": {"userEnteredFormat": yellow},
                        "fields": "userEnteredFormat.backgroundColor"}},
        # Comment dragged to the far right, after the lead's own columns
        {"moveDimension": {"source": {"sheetId": 0, "dimension": "COLUMNS",
                                      "startIndex": _col(HEADERS, "Comment"),
                                      "endIndex": _col(HEADERS, "Comment") + 1},
                           "destinationIndex": 23}},
        # a row for a new KR inserted under KR1
        {"insertDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 2,
                                       "endIndex": 3}}},
    ]})  # fmt: skip
    header = ws.row_values(1)
    new = {"KR ID": "KR4", "Key result": "Press mentions", "Owner": "Lu", "KR type": "number",
           "Start": "0", "Target": "20", "Current": "5"}  # fmt: skip
    row = [new.get(str(h), "") for h in header[: _col(header, "Current") + 1]]
    ws.update([row], "A3", value_input_option=ValueInputOption.user_entered)
    # a column of one's own after the rest, reading the sync's Score where it is now
    letter = gspread.utils.rowcol_to_a1(1, _col(header, "Score") + 1)[:-1]
    mine = [["My score"]] + [[f"={letter}{r}*100"] for r in range(2, 6)]
    ws.update(mine, gspread.utils.rowcol_to_a1(1, len(header) + 1),
              value_input_option=ValueInputOption.user_entered)  # fmt: skip


def _snapshot(sh: gspread.Spreadsheet) -> dict[str, Any]:
    got = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": ["OKRs"]})
    sheet: dict[str, Any] = got["sheets"][0]
    return sheet


def _theirs(sheet: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    """Every cell not in an owned column, as typed and set (not as shown)."""
    rows = sheet["data"][0].get("rowData", [])
    header = [c.get("formattedValue", "") for c in rows[0].get("values", [])]
    owned = {header.index(h) for h in OWNED}
    kept = ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")
    cells = {
        (r, c): {k: v for k, v in cell.items() if k in kept}
        for r, row in enumerate(rows)
        for c, cell in enumerate(row.get("values", []))
        if c not in owned
    }
    return {k: v for k, v in cells.items() if v}  # an empty cell's place in a row is no cell


def test_a_quarter_of_ui_edits_between_nights_keeps_all_of_them(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet("Marketing goals", {"OKRs": ROWS}, value_input="RAW")
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    sh = gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host)).open_by_key(
        key
    )
    first = sync_google_team(emulator, tmp_path, "Marketing", key, dt.date(2026, 1, 15))
    assert (first.outcome, first.api_calls) == (Outcome.OK, 2), first.error
    _dress(sh)
    before = _snapshot(sh)

    night = sync_google_team(emulator, tmp_path, "Marketing", key, dt.date(2026, 1, 22))
    assert (night.outcome, night.api_calls) == (Outcome.OK, 2), night.error
    after = _snapshot(sh)
    assert _theirs(after) == _theirs(before)
    for objects in ("merges", "basicFilter", "protectedRanges", "conditionalFormats", "charts"):
        assert after.get(objects) == before.get(objects), objects
        assert objects in after
    values = sh.sheet1.get("A1:Y5", value_render_option=ValueRenderOption.unformatted)
    header = values[0]
    by_kr = {row[_col(header, "KR ID")]: row for row in values[1:]}
    assert set(by_kr) == {"KR1", "KR2", "KR3", "KR4"}
    score, mine = _col(header, "Score"), _col(header, "My score")
    assert [by_kr[k][score] for k in ("KR1", "KR2", "KR3", "KR4")] == pytest.approx(
        [0.3, 1, 0.25, 0.25]
    )
    comment = _col(header, "Comment")
    assert comment == mine - 1 and by_kr["KR1"][comment] == "from HubSpot"
    at = gspread.utils.rowcol_to_a1(2, mine + 1)
    typed = sh.sheet1.get(at, value_render_option=ValueRenderOption.formula)
    assert typed == [["=Q2*100"]]  # the lead's, as typed; it reads tonight's Score
    assert [by_kr[k][mine] for k in ("KR1", "KR4")] == pytest.approx([30, 25])
    kr1_score = after["data"][0]["rowData"][1]["values"][score]  # written tonight
    assert kr1_score["note"] == "Mia checks this"

    quiet = sync_google_team(emulator, tmp_path, "Marketing", key, dt.date(2026, 1, 22))
    assert (quiet.outcome, quiet.api_calls) == (Outcome.UNCHANGED, 1), quiet.error
    assert _theirs(_snapshot(sh)) == _theirs(before)


def test_a_team_failing_after_its_read_counts_the_read_in_its_api_calls(
    emulator: Emulator, tmp_path: Path, api_requests: Any
) -> None:
    """The OKRs tab renamed by the lead: the team fails, naming the tab it wants, after
    one read, which the run report counts (it said 0: a quota used, not reported)."""
    key = emulator.create_spreadsheet("Marketing goals", {"Q1 OKRs": ROWS}, value_input="RAW")
    run = sync_google_team(emulator, tmp_path, "Marketing", key, dt.date(2026, 1, 15))
    assert run.outcome is Outcome.FAILED
    assert run.error is not None and 'did you mean "Q1 OKRs"' in run.error
    assert len(api_requests(key)) == 1
    assert run.api_calls == 1


def test_a_sort_and_a_backup_copy_between_nights_leave_each_score_on_its_kr(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """Rows sorted by KR ID, last first, and the tab duplicated as a backup (then hidden):
    the next night writes each KR's cells on its row of OKRs, and the copy is not touched."""
    key = emulator.create_spreadsheet("Marketing goals", {"OKRs": ROWS}, value_input="RAW")
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    sh = gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host)).open_by_key(
        key
    )
    assert (
        sync_google_team(emulator, tmp_path, "Marketing", key, dt.date(2026, 1, 15)).api_calls == 2
    )
    width = len(HEADERS)
    whole = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 4, "startColumnIndex": 0,
             "endColumnIndex": width}  # fmt: skip
    sh.batch_update({"requests": [
        {"sortRange": {"range": whole, "sortSpecs": [{"dimensionIndex": _col(HEADERS, "KR ID"),
                                                      "sortOrder": "DESCENDING"}]}},
        {"duplicateSheet": {"sourceSheetId": 0, "newSheetId": 5, "newSheetName": "OKRs backup"}},
        {"updateSheetProperties": {"properties": {"sheetId": 5, "hidden": True},
                                   "fields": "hidden"}},
    ]})  # fmt: skip
    backup = sh.worksheet("OKRs backup").get_all_values()
    sh.sheet1.update([[600]], gspread.utils.rowcol_to_a1(4, _col(HEADERS, "Current") + 1))

    night = sync_google_team(emulator, tmp_path, "Marketing", key, dt.date(2026, 1, 22))
    assert (night.outcome, night.api_calls) == (Outcome.OK, 2), night.error
    rows = sh.sheet1.get("A2:U4", value_render_option=ValueRenderOption.unformatted)
    kr, score = _col(HEADERS, "KR ID"), _col(HEADERS, "Score")
    assert [(r[kr], r[score]) for r in rows] == [("KR3", 0.25), ("KR2", 1), ("KR1", 0.6)]
    assert sh.worksheet("OKRs backup").get_all_values() == backup


def test_a_team_whose_read_is_retried_out_counts_every_attempt_in_its_api_calls(
    emulator: Emulator, tmp_path: Path, api_requests: Any
) -> None:
    """Google answering 503 to every read: the read is retried until its attempts run
    out and the team fails; the run report counts each attempt (it said 0)."""
    key = emulator.create_spreadsheet("Marketing goals", {"OKRs": ROWS}, value_input="RAW")
    emulator.faults.answers[key] = Reply.of(503, {"error": {"code": 503,
                                                            "status": "UNAVAILABLE"}})  # fmt: skip
    cfg = google_team_workspace(emulator, tmp_path, "Marketing", key)
    quick = '"requests_per_minute": 6000, "max_attempts": 3, "max_retry_seconds": 60'
    cfg.write_text(cfg.read_text().replace('"requests_per_minute": 6000', quick))
    clear_clients()
    try:
        options = SyncOptions(as_of=dt.date(2026, 1, 15), rollup=False)
        (run,) = Sync(load_workspace(cfg)).run(options).runs
    finally:
        clear_clients()
    assert run.outcome is Outcome.FAILED
    assert len(api_requests(key)) == 3  # max_attempts
    assert run.api_calls == len(api_requests(key))
