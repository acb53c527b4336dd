"""GoogleSheetsBackend against the live emulator: one request per read, one per write."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.faults import Reply
from sheets_sync.errors import LayoutError, NotFoundError, PermissionDeniedError, RemoteError
from sheets_sync.grid import CellError, CellRange, CellStyle, CellWrite
from sheets_sync.sync.styles import BAD, GOOD, NOTE, SCORE_FORMAT, with_format
from tests.support.google import formatted_sheet

pytestmark = pytest.mark.emulator

OKRS: list[list[object]] = [
    ["Objective ID", "Objective", "KR ID", "Target", "Current", "Score", "Status"],
    ["O1", "Grow", "KR1", 100, 40, None, None],
    ["O1", "Grow", "KR2", 10, "=1/0", None, None],
    ["O2", "Keep", "KR3", 5, 5, None, None],
    ["", "", "", "", True, None, None],
]


def _seed(emulator: Emulator, **kw: Any) -> str:
    return emulator.create_spreadsheet(
        "team", {"OKRs": OKRS, "KPIs": [["KPI ID", "Actual"], ["K1", 3.5]], "Notes": [["x"]]}, **kw
    )


def test_read_is_one_request_with_values_errors_hidden_rows_and_merges(
    emulator: Emulator, client: Any, api_requests: Any
) -> None:
    key = _seed(emulator)
    with emulator.state.lock:
        sheet = emulator.state.spreadsheets[key].sheets[0]
        sheet.row_meta[3] = {"hiddenByUser": True}
        sheet.merges.append(
            {
                "sheetId": 0,
                "startRowIndex": 1,
                "endRowIndex": 3,
                "startColumnIndex": 0,
                "endColumnIndex": 1,
            }
        )
    backend = GoogleSheetsBackend(client, key, display_name=f"gsheet:{key}")
    data = backend.read(["okrs", " KPIS ", "Key results"])

    assert data.sheet_names == ("OKRs", "KPIs", "Notes")
    assert set(data.sheets) == {"OKRs", "KPIs"}
    okrs = data.sheets["OKRs"]
    assert okrs.rows[0][:3] == ("Objective ID", "Objective", "KR ID")
    assert okrs.value(2, 4) == 100 and isinstance(okrs.value(2, 4), int)
    assert okrs.value(3, 5) == CellError("#DIV/0!")
    assert okrs.value(5, 5) is True
    assert okrs.value(2, 6) is None
    assert okrs.hidden_rows == frozenset({4})
    assert okrs.merged == (CellRange(2, 1, 3, 1),)
    assert data.sheets["KPIs"].value(2, 2) == 3.5
    assert data.version.startswith("sheets:")
    # named by its title from now on (findings, later errors); the report keeps the key
    assert data.source == backend.display_name == f"team (gsheet:{key[:4]}...{key[-4:]})"
    logged = api_requests()
    assert [r.endpoint for r in logged] == ["spreadsheets.get"]
    assert backend.api_calls == 1
    assert "includeGridData=true" in logged[0].path and "fields=" in logged[0].path


def test_rows_a_filter_hides_are_read_and_rows_hidden_by_the_user_are_not(
    emulator: Emulator, client: Any
) -> None:
    """A basic filter ("KR ID is not KR2 or KR3", left on by whoever last looked) is a
    view: its rows are read. A row the user hid stays skipped."""
    key = _seed(emulator)
    rows = {"sheetId": 0, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}
    crit = {"2": {"hiddenValues": ["KR2", "KR3"]}}
    requests: list[dict[str, Any]] = [
        {
            "setBasicFilter": {
                "filter": {"range": {"sheetId": 0, "endRowIndex": 5}, "criteria": crit}
            }
        },
        {
            "updateDimensionProperties": {
                "range": rows,
                "properties": {"hiddenByUser": True},
                "fields": "hiddenByUser",
            }
        },
    ]
    client.batch_update(key, {"requests": requests}, source="team", what="write")
    meta = client.get_spreadsheet(
        key,
        {"includeGridData": "true", "fields": "sheets(data(rowMetadata))", "ranges": "OKRs"},
        source="team",
        what="read",
    )["sheets"][0]["data"][0]["rowMetadata"]
    assert [m.get("hiddenByFilter", False) for m in meta[:5]] == [False, False, True, True, False]

    okrs = GoogleSheetsBackend(client, key, display_name="team").read(["OKRs"]).sheets["OKRs"]
    assert okrs.hidden_rows == frozenset({5})
    assert [okrs.value(r, 3) for r in (2, 3, 4)] == ["KR1", "KR2", "KR3"]


def test_write_lands_values_colours_formats_in_one_batch_update(
    emulator: Emulator, client: Any, api_requests: Any
) -> None:
    key = _seed(emulator)
    backend = GoogleSheetsBackend(client, key, display_name="team-a")
    data = backend.read(["OKRs"])
    link = '=HYPERLINK("http://evil.example","click")'
    writes = [
        CellWrite("OKRs", 2, 6, 0.4, with_format(GOOD, SCORE_FORMAT)),
        CellWrite("OKRs", 2, 7, "On track", GOOD),
        CellWrite("OKRs", 3, 7, link, NOTE),
        CellWrite("OKRs", 4, 7, "Off track", BAD),
        CellWrite("OKRs", 4, 2, None, None),
    ]
    emulator.log.clear()
    backend.write(data, writes)

    assert [r.endpoint for r in api_requests()] == ["spreadsheets.batchUpdate"]
    assert backend.api_calls == 2
    assert emulator.cell(key, "OKRs!F2")["effectiveValue"] == {"numberValue": 0.4}
    fmt = emulator.cell_format(key, "OKRs!F2")
    assert fmt["numberFormat"] == {"type": "NUMBER", "pattern": "0.00"}
    assert fmt["backgroundColor"] == pytest.approx(
        {"red": 0xC6 / 255, "green": 0xEF / 255, "blue": 0xCE / 255}
    )
    assert fmt["textFormat"]["foregroundColor"] == pytest.approx({"green": 0x61 / 255})
    assert emulator.values(key, "OKRs!G2:G4") == [["On track"], [link], ["Off track"]]
    cell = emulator.cell(key, "OKRs!G3")
    assert cell["userEnteredValue"] == {"stringValue": link}  # text, never a formula
    assert emulator.cell_format(key, "OKRs!G3")["textFormat"]["italic"] is True
    assert "backgroundColor" not in emulator.cell_format(key, "OKRs!G3")
    assert emulator.values(key, "OKRs!B4") == []  # cleared
    assert emulator.values(key, "OKRs!C4") == [["KR3"]]  # untouched neighbour


def test_style_none_keeps_the_look_and_restyling_clears_old_fill(
    emulator: Emulator, client: Any
) -> None:
    key = _seed(emulator)
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    backend.write(data, [CellWrite("OKRs", 2, 7, "Off track", BAD)])
    backend.write(data, [CellWrite("OKRs", 2, 7, "x", None)])
    assert "backgroundColor" in emulator.cell_format(key, "OKRs!G2")
    backend.write(data, [CellWrite("OKRs", 2, 7, "note", CellStyle(italic=True))])
    fmt = emulator.cell_format(key, "OKRs!G2")
    assert "backgroundColor" not in fmt and fmt["textFormat"]["italic"] is True


def test_no_writes_no_request(emulator: Emulator, client: Any, api_requests: Any) -> None:
    key = _seed(emulator)
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    emulator.log.clear()
    backend.write(data, [])
    assert api_requests() == []
    assert backend.api_calls == 1


def test_owned_column_beyond_grid_appends_columns_first(
    emulator: Emulator, client: Any, api_requests: Any
) -> None:
    key = _seed(emulator)
    with emulator.state.lock:
        emulator.state.spreadsheets[key].sheets[0].grid["columnCount"] = 7
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    emulator.log.clear()
    backend.write(data, [CellWrite("OKRs", 1, 9, "Sync notes", NOTE)])
    (batch,) = api_requests()
    kinds = [next(iter(r)) for r in batch.body["requests"]]
    assert kinds == ["appendDimension", "updateCells"]
    assert batch.body["requests"][0]["appendDimension"]["length"] == 2
    assert emulator.values(key, "OKRs!I1") == [["Sync notes"]]


def test_write_to_unknown_tab_is_a_layout_error(emulator: Emulator, client: Any) -> None:
    backend = GoogleSheetsBackend(client, _seed(emulator))
    data = backend.read(["OKRs"])
    with pytest.raises(LayoutError, match="Gone"):
        backend.write(data, [CellWrite("Gone", 1, 1, "x")])
    with pytest.raises(LayoutError) as caught:  # as typed: a formula's quoting until 2026-12-07
        backend.write(data, [CellWrite("Bob's OKRs", 1, 1, "x")])
    assert caught.value.args[0].startswith('tab "Bob\'s OKRs" is not in the spreadsheet')


def test_write_before_read_is_refused(emulator: Emulator, client: Any) -> None:
    backend = GoogleSheetsBackend(client, _seed(emulator))
    with pytest.raises(ValueError, match="read"):
        backend.write(None, [CellWrite("OKRs", 1, 1, "x")])  # type: ignore[arg-type]


def test_404_names_the_service_account_and_key(emulator: Emulator, client: Any) -> None:
    backend = GoogleSheetsBackend(client, "1missingkey", display_name="Sales (gsheet:1missingkey)")
    with pytest.raises(NotFoundError) as info:
        backend.read(["OKRs"])
    text = str(info.value)
    assert "1missingkey" in text and client.email in text and "not found" in text
    assert info.value.status == 404 and backend.api_calls == 1  # no retry on 404


def test_403_names_the_service_account(emulator: Emulator, client: Any) -> None:
    key = _seed(emulator, owner="someone@example.com", shared_with=["other@example.com"])
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    with pytest.raises(PermissionDeniedError) as info:
        backend.read(["OKRs"])
    assert client.email in str(info.value) and key in str(info.value)
    assert str(info.value).startswith("Ops: not shared with")


def test_secrets_never_reach_messages_or_logs(
    emulator: Emulator, make_client: Any, sa_info: dict[str, Any], caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    key = _seed(emulator, owner="x@example.com", shared_with=[])
    client = make_client()
    with pytest.raises(PermissionDeniedError) as denied:
        GoogleSheetsBackend(client, key).read(["OKRs"])
    token = client.http.auth.token
    assert token and token.startswith("ya29.")
    # A token endpoint that refuses: google-auth's error carries the response body.
    from sheets_sync.backends.gsheets.auth import credentials_from_info
    from sheets_sync.backends.gsheets.client import SheetsClient
    from sheets_sync.backends.gsheets.transport import emulator_http_client

    bad = dict(sa_info, token_uri=f"http://{emulator.host}/v4/spreadsheets/nope")
    creds = credentials_from_info(bad, "bad key")
    broken = SheetsClient.from_credentials(creds, http_client=emulator_http_client(emulator.host))
    with pytest.raises(RemoteError) as refused:
        GoogleSheetsBackend(broken, key).read(["OKRs"])
    key_body = sa_info["private_key"].splitlines()[1]
    for text in (str(denied.value), str(refused.value), caplog.text):
        assert token not in text and "ya29." not in text
        assert "PRIVATE KEY" not in text and key_body not in text
        assert "eyJ" not in text  # no JWT assertion either


def test_rollup_cells_are_typed_and_text_is_never_a_formula() -> None:
    import datetime as dt

    import pandas as pd

    from sheets_sync.backends.gsheets.rollup import cell

    assert cell("=IMPORTRANGE(1)") == {"userEnteredValue": {"stringValue": "=IMPORTRANGE(1)"}}
    assert cell(0.5, "0.00")["userEnteredValue"] == {"numberValue": 0.5}
    assert cell(0.5, "0.00")["userEnteredFormat"]["numberFormat"]["pattern"] == "0.00"
    assert cell(True) == {"userEnteredValue": {"boolValue": True}}
    for missing in (None, pd.NA, pd.NaT, float("nan")):
        assert cell(missing) == {}
    moment = cell(pd.Timestamp("2026-02-15 12:00"))
    assert moment["userEnteredValue"] == {"numberValue": 46068.5}
    assert moment["userEnteredFormat"]["numberFormat"]["type"] == "DATE_TIME"
    assert cell(dt.date(1899, 12, 31))["userEnteredValue"] == {"numberValue": 1.0}


def test_read_marks_a_typed_100_percent(emulator: Emulator, client: Any) -> None:
    """Google stores a typed 100% as the number 1 in a PERCENT format, like Excel: the
    read asks for the format type so a confidence of 100% is not read as 1 of 10."""
    key = emulator.create_spreadsheet(
        "team", {"OKRs": [["Confidence"], ["100%"], [1], ["70%"], ["=1"]]}
    )
    data = GoogleSheetsBackend(client, key).read(["OKRs"])
    grid = data.sheets["OKRs"]
    assert [grid.value(r, 1) for r in range(2, 6)] == [1, 1, 0.7, 1]
    assert grid.percent_ones == {(2, 1)}


def test_read_lists_every_number_shown_as_a_percentage(emulator: Emulator, client: Any) -> None:
    """What lint needs to tell a count typed as 45% (stored 0.45) from the number 0.45."""
    key = emulator.create_spreadsheet(
        "team", {"OKRs": [["Current"], ["45%"], [0.45], ["100%"], ["n/a"]]}
    )
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert grid.percent_cells == {(2, 1), (4, 1)}
    assert grid.percent_ones == {(4, 1)}


def test_a_number_format_whose_pattern_shows_a_percentage_is_a_percent_cell(
    emulator: Emulator, client: Any
) -> None:
    """The API's NumberFormat is a type and a pattern of its own: a script may write
    ``{"type": "NUMBER", "pattern": "0%"}``, which shows 1 as 100% as a PERCENT one does.
    Only the type was asked for and looked at, so such a 100% read 1 of 10 (until
    2026-12-07). A quoted or escaped % shows no percentage."""
    patterns = ["0%", "0.0%", '0"%"', "0\\%"]
    formats = [{"type": "NUMBER", "pattern": p} for p in patterns]
    key = formatted_sheet(emulator, client, [1, 0.45, 1, 1], formats)
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert grid.percent_cells == {(2, 1), (3, 1)}
    assert grid.percent_ones == {(2, 1)}


def test_a_percent_format_whose_pattern_shows_no_percentage_is_no_percent_cell(
    emulator: Emulator, client: Any
) -> None:
    """A pattern given governs the display, the type only picks a default one: a script's
    ``{"type": "PERCENT", "pattern": "0.00"}`` shows 2 as 2.00, yet it was a percent cell
    and its 2 the error of 200% (until a review, 2026-12-07), its 1 a 100%. As a NUMBER
    format's pattern decides, a PERCENT one's does; with no pattern the type's shows %."""
    formats: list[dict[str, str]] = [
        {"type": "PERCENT", "pattern": "0.00"},
        {"type": "PERCENT", "pattern": '0"%"'},
        {"type": "PERCENT", "pattern": "0.0%"},
        {"type": "PERCENT"},
    ]
    key = formatted_sheet(emulator, client, [2, 1, 2, 1], formats)
    grid = GoogleSheetsBackend(client, key).read(["OKRs"]).sheets["OKRs"]
    assert grid.percent_cells == {(4, 1), (5, 1)}
    assert grid.percent_ones == {(5, 1)}


def test_a_403_for_another_reason_says_googles_reason(emulator: Emulator, client: Any) -> None:
    """A disabled API (the usual first-run 403) is not reported as a sheet not shared."""
    key = _seed(emulator)
    disabled = (
        "Google Sheets API has not been used in project 1234 before or it is disabled. "
        "Enable it by visiting https://console.developers.google.com/apis/api/"
        "sheets.googleapis.com/overview?project=1234 then retry."
    )
    body = {"error": {"code": 403, "message": disabled, "status": "PERMISSION_DENIED"}}
    emulator.faults.answer(key, 403, body)
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    with pytest.raises(PermissionDeniedError) as info:
        backend.read(["OKRs"])
    assert str(info.value) == f"Ops: Google refused (key {key}): {disabled}"
    assert backend.api_calls == 1


@pytest.mark.parametrize("status", [403, 400, 503])
def test_googles_message_over_several_lines_is_one_line(
    emulator: Emulator, client: Any, status: int
) -> None:
    """A run prints one line per team: Google's (or a proxy's) message with line breaks
    printed the rest of it as lines of their own, with no team in front."""
    key = _seed(emulator)
    text = "Google Sheets API has not been used in project 12 before.\r\n  Enable it, then retry."
    emulator.faults.answer(key, status, {"error": {"code": status, "message": text}})
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    with pytest.raises(RemoteError) as info:
        backend.read(["OKRs"])
    assert "\n" not in str(info.value) and "\r" not in str(info.value)
    assert "before. Enable it, then retry." in str(info.value)


def test_a_refusal_of_the_credentials_over_several_lines_is_one_line(
    emulator: Emulator, make_client: Any
) -> None:
    key = _seed(emulator)
    emulator.faults.token_reply = Reply.of(
        400,
        {"error": "invalid_grant", "error_description": "Invalid JWT:\nToken must be short-lived."},
    )
    client = make_client()
    with pytest.raises(RemoteError) as info:
        GoogleSheetsBackend(client, key, display_name="Ops").read(["OKRs"])
    assert str(info.value) == (
        f"Ops: Google refused the credentials of {client.email} "
        "(invalid_grant: Invalid JWT: Token must be short-lived.)"
    )


@pytest.mark.parametrize("status", [200, 403])
def test_a_page_that_is_not_json_is_one_clear_error(
    emulator: Emulator, client: Any, status: int
) -> None:
    """A proxy or a login portal answering for Google: no traceback, no retry."""
    key = _seed(emulator)
    emulator.faults.answer(key, status, b"<html><body>Please log in</body></html>")
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    with pytest.raises(RemoteError) as info:
        backend.read(["OKRs"])
    assert str(info.value) == (
        f"Ops: Google Sheets answered {status} with text/html, not JSON: is a proxy or a "
        "login page in the way?"
    )
    assert "log in" not in str(info.value) and backend.api_calls == 1


def test_a_token_endpoint_answering_a_page_is_one_clear_error(
    emulator: Emulator, make_client: Any
) -> None:
    key = _seed(emulator)
    emulator.faults.token_reply = Reply.of(200, b"<html>Sign in to the network</html>")
    backend = GoogleSheetsBackend(make_client(), key, display_name="Ops")
    with pytest.raises(RemoteError) as info:
        backend.read(["OKRs"])
    assert str(info.value) == (
        f"Ops: http://{emulator.host}/token did not answer with a token: is a proxy or a "
        "login page in the way?"
    )


def test_an_excel_file_kept_in_drive_says_to_save_it_as_a_google_sheet(
    emulator: Emulator, client: Any
) -> None:
    """An .xlsx uploaded to Drive opens in Sheets with the same kind of URL, but the API
    answers 400 FAILED_PRECONDITION for it (googlesheets4#275, node-google-spreadsheet#651):
    "API error 400" left the team lead guessing at the key or the sharing."""
    key = _seed(emulator)
    google = "This operation is not supported for this document"
    body = {
        "error": {
            "code": 400,
            "message": google,
            "errors": [{"message": google, "domain": "global", "reason": "failedPrecondition"}],
            "status": "FAILED_PRECONDITION",
        }
    }
    emulator.faults.answer(key, 400, body)
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    with pytest.raises(RemoteError) as info:
        backend.read(["OKRs"])
    assert str(info.value) == (
        f"Ops: an Excel file kept in Google Drive, not a Google Sheet (key {key}): the Sheets "
        f"API cannot open it ({google}); open it in Google Sheets, choose File > Save as "
        f"Google Sheets, share the new sheet with {client.email} as an editor and use its key"
    )
    assert backend.api_calls == 1  # a 400 is not retried


def test_a_kpi_amber_threshold_typed_as_a_percentage_reaches_the_lint(
    emulator: Emulator, client: Any
) -> None:
    """A typed 10% in a KPI's Amber threshold arrives as 0.1 in a PERCENT format: the KPI
    row keeps it as a percentage, so a count KPI's 10% is warned about (until 2026-12-06
    only key result rows kept their percent cells)."""
    import datetime as dt

    from sheets_sync.domain.models import Period
    from sheets_sync.domain.team import evaluate_team
    from sheets_sync.mapping.extract import extract
    from sheets_sync.mapping.parse import build_team_input
    from sheets_sync.mapping.spec import load_mapping

    kpis: list[list[Any]] = [
        ["KPI ID", "Unit", "Direction", "Target", "Amber threshold", "Actual"],
        ["K1", "deals", "higher", 100, "10%", 50],
    ]
    key = emulator.create_spreadsheet("team", {"OKRs": OKRS[:2], "KPIs": kpis})
    data = GoogleSheetsBackend(client, key, display_name="sales").read(["OKRs", "KPIs"])
    grid = data.sheets["KPIs"]
    assert grid.value(2, 5) == 0.1 and (2, 5) in grid.percent_cells  # a number, not text
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert team.kpis[0].amber_threshold == 0.1
    assert team.kpis[0].shown_as_percent == {"amber_threshold"}
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [f.cell for f in result.warnings if "Amber threshold 10%" in f.message] == ["E2"]


def test_one_tab_name_as_a_str_is_that_tab(emulator: Emulator, client: Any) -> None:
    """``read("OKRs")`` took the letters for the tabs and silently found none (until
    2026-12-07), as ``ExcelBackend.read`` did: a str is one tab's name."""
    backend = GoogleSheetsBackend(client, _seed(emulator), display_name="team")
    one, listed = backend.read("OKRs"), backend.read(["OKRs"])
    assert set(one.sheets) == set(listed.sheets) == {"OKRs"}
    assert one.sheets["OKRs"].rows == listed.sheets["OKRs"].rows
