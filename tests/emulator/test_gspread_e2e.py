"""Real gspread + real google-auth (RS256 JWT grant) against the emulator over HTTP."""

from __future__ import annotations

import gspread
import pytest
from gspread.exceptions import APIError, SpreadsheetNotFound

from sheets_sync.backends.gsheets.transport import (
    EmulatorHTTPClient,
    emulator_host,
    fake_service_account_info,
    rewrite_url,
)
from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator


def test_token_exchange_and_open_by_key(
    gc: gspread.Client, emulator: Emulator, sa_email: str
) -> None:
    key = emulator.create_spreadsheet("OKRs 2026", {"OKRs": [["Objective", "KR"], ["O1", "KR1"]]})
    sh = gc.open_by_key(key)
    assert sh.title == "OKRs 2026"
    assert sh.sheet1.get_all_values() == [["Objective", "KR"], ["O1", "KR1"]]
    assert emulator.log.count("token") == 1
    assert sa_email in emulator.state.tokens.values()


def test_update_raw_keeps_strings(gc: gspread.Client, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": []})
    ws = gc.open_by_key(key).worksheet("OKRs")
    ws.update([["=1+2", "45%", "007", 3]], "A1", raw=True)
    assert emulator.values(key, "OKRs!A1:D1", "FORMULA") == [["=1+2", "45%", "007", 3]]
    ws.update([["=1+2", "45%", "2024-01-31", "TRUE"]], "A2", raw=False)
    assert emulator.values(key, "OKRs!A2:D2", "UNFORMATTED_VALUE") == [[3, 0.45, 45322, True]]
    assert ws.get("A2:D2") == [["3", "45%", "2024-01-31", "TRUE"]]


def test_batch_update_values_batch_get_and_formatting(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]], "KPIs": [["b"]]})
    sh = gc.open_by_key(key)
    ws = sh.worksheet("KPIs")
    ws.batch_update([{"range": "A1:B1", "values": [["x", "y"]]}, {"range": "A3", "values": [[7]]}])
    got = sh.values_batch_get(["OKRs!A1", "KPIs!A1:B3"])
    assert [vr.get("values") for vr in got["valueRanges"]] == [[["a"]], [["x", "y"], [], ["7"]]]
    assert got["valueRanges"][1]["range"] == "KPIs!A1:B3"
    sh.batch_update(
        {
            "requests": [
                {
                    "updateCells": {
                        "rows": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"numberValue": 0.5},
                                        "userEnteredFormat": {
                                            "numberFormat": {"type": "PERCENT", "pattern": "0%"},
                                            "backgroundColor": {"red": 1, "green": 0, "blue": 0},
                                            "textFormat": {
                                                "bold": True,
                                                "foregroundColor": {"blue": 1},
                                            },
                                        },
                                    }
                                ]
                            }
                        ],
                        "fields": "userEnteredValue,userEnteredFormat",
                        "start": {"sheetId": ws.id, "rowIndex": 1, "columnIndex": 0},
                    }
                }
            ]
        }
    )
    fmt = emulator.cell_format(key, "KPIs!A2")
    assert fmt["backgroundColor"] == {"red": 1}
    assert fmt["backgroundColorStyle"] == {"rgbColor": {"red": 1}}
    assert fmt["textFormat"]["bold"] is True
    assert ws.acell("A2").value == "50%"
    ws.format("B2", {"textFormat": {"bold": True}})
    assert emulator.cell_format(key, "KPIs!B2") == {"textFormat": {"bold": True}}


def test_not_found_and_permission_denied(gc: gspread.Client, emulator: Emulator) -> None:
    with pytest.raises(SpreadsheetNotFound) as not_found:
        gc.open_by_key("no-such-key")
    assert isinstance(not_found.value.__cause__, APIError)
    assert not_found.value.__cause__.code == 404
    key = emulator.create_spreadsheet("private", owner="boss@example.com", shared_with=[])
    with pytest.raises(PermissionError) as denied:
        gc.open_by_key(key)
    cause = denied.value.__cause__
    assert isinstance(cause, APIError)
    assert cause.code == 403
    assert cause.error["status"] == "PERMISSION_DENIED"
    with pytest.raises(APIError) as direct:
        gc.http_client.values_get(key, "Sheet1")
    assert direct.value.code == 403


def test_quota_429_exposes_retry_after(gc: gspread.Client, emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("hot", {"OKRs": [["a"]]})
    ws = gc.open_by_key(key).sheet1
    emulator.faults.throttle(key)
    with pytest.raises(APIError) as err:
        ws.get_all_values()
    assert err.value.code == 429
    assert err.value.error["status"] == "RESOURCE_EXHAUSTED"
    assert err.value.response.headers["Retry-After"] == "1"
    emulator.faults.throttle(key, on=False)
    assert ws.get_all_values() == [["a"]]


def test_create_copy_list_delete(gc: gspread.Client, emulator: Emulator) -> None:
    sh = gc.create("Team KPIs")
    sh.sheet1.update([["k", 1]], "A1")
    dup = gc.copy(sh.id, copy_comments=False)
    assert dup.title == "Copy of Team KPIs"
    assert dup.sheet1.get_all_values() == [["k", "1"]]
    assert sorted(s.title for s in gc.openall()) == ["Copy of Team KPIs", "Team KPIs"]
    gc.del_spreadsheet(sh.id)
    assert sh.id not in emulator.state.spreadsheets
    assert gc.export(dup.id, gspread.utils.ExportFormat.CSV) == b"k,1"


def test_env_var_routing(monkeypatch: pytest.MonkeyPatch, emulator: Emulator) -> None:
    monkeypatch.setenv("GOOGLE_SHEETS_EMULATOR_HOST", emulator.host)
    assert emulator_host() == emulator.host
    assert rewrite_url("https://sheets.googleapis.com/v4/x", "h:1") == "http://h:1/v4/x"
    assert rewrite_url("https://oauth2.googleapis.com/token", "h:1") == "http://h:1/token"
    from google.oauth2.service_account import Credentials

    info = fake_service_account_info(emulator.host)
    assert info["token_uri"] == f"http://{emulator.host}/token"
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    client = gspread.Client(auth=creds, http_client=EmulatorHTTPClient)
    key = emulator.create_spreadsheet("env", {"S": [["v"]]})
    assert client.open_by_key(key).sheet1.acell("A1").value == "v"
