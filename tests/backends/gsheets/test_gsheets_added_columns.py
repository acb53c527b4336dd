"""Owned columns a Google layout lacks are added right of every cell with content, formulas
that show blank included: Google sends such a formula without any value (only the formula,
which the read asks for), and the sync must not take its column for empty and write over it
(as ``tests/sync/test_added_owned_columns.py`` checks for an .xlsx file)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets.backend import READ_FIELDS, GoogleSheetsBackend
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.gridjson import grid_from_json
from sheets_sync.backends.gsheets.transport import emulator_http_client
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome

pytestmark = pytest.mark.emulator
HEADERS = ["Obj", "Objective", "Ref", "Key Result", "Lead", "From", "To", "Now", "Notes"]
# the team's helper columns right of the table, each showing blank: an empty text, and a
# reference to a cell nobody filled in (Google shows it blank, not 0)
HELPERS = {"J": '=""', "K": "=Z{r}"}


def _team_sheet(emulator: Emulator, sa_info: dict[str, Any]) -> str:
    """The tracker as its team typed it in the browser (USER_ENTERED, through gspread)."""
    key = emulator.create_spreadsheet("Flat", {"Tracker": []})
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    gc = gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))
    rows: list[list[Any]] = [
        HEADERS,
        ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50, ""],
        ["", "", "E1.2", "Cut latency", "Lee", 800, 400, 560, ""],
    ]
    for r in (2, 3):
        rows[r - 1] += [HELPERS[c].format(r=r) for c in "JK"]
    gc.open_by_key(key).worksheet("Tracker").update(rows, "A1", raw=False)
    return key


def _workspace(tmp: Path, sa_info: dict[str, Any], key: str) -> Path:
    (tmp / "sa.json").write_text(json.dumps(sa_info))
    cfg = tmp / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f"teams:\n  - {{name: Flat, source: 'gsheet:{key}', mapping: flat-tracker}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n',
        encoding="utf-8",
    )
    return cfg


def _sync(cfg: Path) -> Any:
    clear_clients()
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    clear_clients()
    return run


def test_read_counts_a_formula_showing_blank_as_used(
    emulator: Emulator, sa_info: dict[str, Any], client: Any
) -> None:
    key = _team_sheet(emulator, sa_info)
    assert emulator.cell(key, "Tracker!J2") == {"userEnteredValue": {"formulaValue": '=""'}}
    grid = GoogleSheetsBackend(client, key).read(["Tracker"]).sheets["Tracker"]
    assert grid.max_col == 9  # the values end at Notes: J and K show nothing
    assert grid.used_cols == 11


def test_added_owned_columns_go_right_of_helper_formulas_showing_blank(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, api_requests: Any
) -> None:
    """Before: Google sends a formula showing blank with no value, so Score, Expected,
    Status and Sync notes went to J:M over the team's helper formulas in J and K, which
    were gone after the night (2026-12-05)."""
    key = _team_sheet(emulator, sa_info)
    cfg = _workspace(tmp_path, sa_info, key)
    emulator.log.clear()
    run = _sync(cfg)
    assert run.outcome is Outcome.OK, run.error
    assert [r.endpoint for r in api_requests(key)] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
    ]
    got = emulator.values(key, "Tracker!A1:O3", "FORMULA")
    assert [row[9:11] for row in got[1:]] == [
        [HELPERS[c].format(r=r) for c in "JK"] for r in (2, 3)
    ]
    assert got[0][9:] == ["", "", "Score", "Expected", "Status", "Sync notes"]
    assert got[1][11] == 0.5

    emulator.log.clear()  # the next night: nothing changed, nothing written
    again = _sync(cfg)
    assert again.outcome is Outcome.UNCHANGED, again.error
    assert [r.endpoint for r in api_requests(key)] == ["spreadsheets.get"]
    assert emulator.values(key, "Tracker!A1:O3", "FORMULA") == got


def test_an_owned_cell_holding_a_formula_is_replaced_though_it_shows_the_value(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, client: Any
) -> None:
    """Before: the read asked Google for each cell's formula but kept none, so a team's
    ``=0.25+0.25`` in the sync's Score cell, showing its 0.5, was left there every night
    (an .xlsx file's is replaced), and a dry run did not show it (2026-12-06)."""
    key = _team_sheet(emulator, sa_info)
    cfg = _workspace(tmp_path, sa_info, key)
    assert _sync(cfg).outcome is Outcome.OK
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    gc = gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))
    gc.open_by_key(key).worksheet("Tracker").update([["=0.25+0.25"]], "L2", raw=False)
    assert emulator.values(key, "Tracker!L2", "FORMULA") == [["=0.25+0.25"]]
    grid = GoogleSheetsBackend(client, key).read(["Tracker"]).sheets["Tracker"]
    assert grid.formula_cells == {(2, 10): '=""', (2, 11): "=Z2", (3, 10): '=""',
                                  (3, 11): "=Z3", (2, 12): "=0.25+0.25"}  # fmt: skip
    assert grid.value(2, 12) == 0.5
    run = _sync(cfg)
    assert run.outcome is Outcome.OK, run.error
    assert [(c.cell, c.shown_old(), c.new) for c in run.changes] == [
        ("L2", "=0.25+0.25 (0.5)", 0.5)
    ]
    assert emulator.values(key, "Tracker!L2", "FORMULA") == [[0.5]]


def test_added_owned_columns_go_right_of_hidden_columns(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """The team's helper columns J:K hidden in the browser (Hide columns J - K): before
    2026-12-06 Score, Expected and Status went to J:L, hidden from every reader."""
    key = emulator.create_spreadsheet("Flat", {"Tracker": []})
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    gc = gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))
    book = gc.open_by_key(key)
    book.worksheet("Tracker").update(
        [HEADERS, ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50]], "A1", raw=False
    )
    hide = {
        "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 9, "endIndex": 11},
        "properties": {"hiddenByUser": True},
        "fields": "hiddenByUser",
    }
    book.batch_update({"requests": [{"updateDimensionProperties": hide}]})
    run = _sync(_workspace(tmp_path, sa_info, key))
    assert run.outcome is Outcome.OK, run.error
    got = emulator.values(key, "Tracker!A1:O2", "FORMULA")
    assert got[0][9:] == ["", "", "Score", "Expected", "Status", "Sync notes"]
    assert got[1][11] == 0.5


def test_a_google_column_is_hidden_by_hidden_by_user_alone() -> None:
    """Asking ``pixelSize`` too made every column's ``columnMetadata`` entry non-empty (a
    reply of every column of every tab); a column is hidden in Google by ``hiddenByUser``
    (Hide column), and a 0-pixel width is no hidden column there."""
    assert "columnMetadata(hiddenByUser)" in READ_FIELDS and "pixelSize" not in READ_FIELDS
    meta = [{"pixelSize": 0}, {}, {"hiddenByUser": True}, {"hiddenByUser": True}]
    sheet = {"properties": {"title": "Tracker"}, "data": [{"columnMetadata": meta}]}
    assert grid_from_json(sheet).hidden_cols == ((3, 4),)
