"""A team's own Score inserted right of the sync's in Google Sheets, as "Insert 1 column
right" makes one: it takes the format of the column left of it, the owned header's
grey-blue and the score cells' band fills and number format, so the team's scores typed
there wear every mark of the sync's. Until 2026-12-07 the one beside Expected (the
team's) won by its neighbours, and the sync wrote its scores over the team's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import emulator_http_client
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.conftest import KPI_ROWS, OKR_ROWS

pytestmark = pytest.mark.emulator


def _cells(rows: list[list[object]]) -> list[list[Any]]:
    return [[v.isoformat() if isinstance(v, dt.date) else v for v in row] for row in rows]


def _client(emulator: Emulator, sa_info: dict[str, Any]) -> gspread.Client:
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    return gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))


def _night(cfg: Path) -> Any:
    clear_clients()
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    clear_clients()
    return run


def _insert_right_of(book: gspread.Spreadsheet, sheet_id: int, at: int) -> None:
    """A column inserted right of column ``at`` (0-based), formatted as it: Google's
    "Insert 1 column right" copies the left column's format."""
    column = {"sheetId": sheet_id, "startColumnIndex": at, "endColumnIndex": at + 1}
    new = {**column, "startColumnIndex": at + 1, "endColumnIndex": at + 2}
    rows = {"startRowIndex": 0, "endRowIndex": 30}
    book.batch_update(
        {
            "requests": [
                {
                    "insertDimension": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "COLUMNS",
                            "startIndex": at + 1,
                            "endIndex": at + 2,
                        },
                        "inheritFromBefore": True,
                    }
                },
                {
                    "copyPaste": {
                        "source": {**column, **rows},
                        "destination": {**new, **rows},
                        "pasteType": "PASTE_FORMAT",
                    }
                },
            ]
        }
    )


def test_a_team_score_inserted_right_of_the_syncs_is_never_written(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    key = emulator.create_spreadsheet("Sales", {"OKRs": [], "KPIs": []})
    book = _client(emulator, sa_info).open_by_key(key)
    okrs = book.worksheet("OKRs")
    okrs.update([[h for _, h in OKR_FIELDS], *_cells(OKR_ROWS)], "A1", raw=False)
    kpis = book.worksheet("KPIs")
    kpis.update([[h for _, h in KPI_FIELDS], *_cells(KPI_ROWS)], "A1", raw=False)
    (tmp_path / "sa.json").write_text(json.dumps(sa_info))
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "company_objectives:\n  - {id: CO-1, title: Grow}\n"
        f"teams:\n  - {{name: Sales, source: 'gsheet:{key}'}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n',
        encoding="utf-8",
    )
    assert _night(cfg).outcome is Outcome.OK  # night 1: the sync adds and writes its columns
    header = okrs.row_values(1)
    at = header.index("Score")  # 0-based: the sync's Score; the team's goes right of it
    _insert_right_of(book, okrs.id, at)
    mine = gspread.utils.rowcol_to_a1(1, at + 2)[:-1]
    okrs.update([["Score"], [0.9], [0.1]], f"{mine}1", raw=False)
    ours = gspread.utils.rowcol_to_a1(1, at + 1)
    fill = emulator.cell(key, f"OKRs!{mine}2")["userEnteredFormat"]["backgroundColor"]
    assert fill == emulator.cell(key, f"OKRs!{ours[:-1]}2")["userEnteredFormat"]["backgroundColor"]

    run = _night(cfg)  # night 2: no header tells which is the sync's: neither is written
    assert run.outcome is Outcome.FAILED
    assert run.error.endswith(
        f")!OKRs: column header 'Score' appears twice ({ours} and {mine}1) and the sync "
        "cannot tell which is its own (neither is headed in its grey-blue), so nothing in "
        "this file is written; rename your own column"
    ), run.error
    # shown in the 0.00 the inserted column copied from the sync's Score, as Google shows
    # a typed 0.9 there (the emulator showed 0.9 until 2026-12-08, the format ignored)
    assert okrs.get(f"{mine}2:{mine}3") == [["0.90"], ["0.10"]]

    okrs.update([["My score"]], f"{mine}1", raw=False)  # renamed as the error asks
    run = _night(cfg)  # night 3: the sync writes its own Score, the team's stays as typed
    assert run.outcome in (Outcome.OK, Outcome.UNCHANGED), run.error
    assert okrs.get(f"{mine}2:{mine}3") == [["0.90"], ["0.10"]]


def test_a_blank_score_inserted_on_a_fresh_template_is_not_taken(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, client: Any
) -> None:
    """The Google template, a blank Score inserted right of its own (both headers
    grey-blue): until 2026-12-07 the sync wrote its scores in the team's (beside
    Expected), and the next night over the scores the team typed there. Neither is
    written, nor once the team types its scores, until the team renames its own."""
    from sheets_sync.backends.gsheets.template import create_google_template

    key = create_google_template(client, "Sales")
    book = _client(emulator, sa_info).open_by_key(key)
    okrs = book.worksheet("OKRs")
    header = okrs.row_values(1)
    goal: dict[str, object] = {
        "Objective ID": "O1",
        "Objective": "Grow",
        "Objective type": "committed",
    }
    goal |= {"KR ID": "KR1", "Key result": "Win deals", "Owner": "Ann", "KR type": "number"}
    goal |= {"Start": 0, "Target": 10, "Current": 5}
    second = {**goal, "KR ID": "KR2", "Key result": "Cut churn", "Current": 2}
    okrs.update([[g.get(h, "") for h in header] for g in (goal, second)], "A3", raw=False)
    at = header.index("Score")
    _insert_right_of(book, okrs.id, at)
    mine = gspread.utils.rowcol_to_a1(1, at + 2)[:-1]
    okrs.update([["Score"]], f"{mine}1", raw=False)
    (tmp_path / "sa.json").write_text(json.dumps(sa_info))
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f"teams:\n  - {{name: Sales, source: 'gsheet:{key}'}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n',
        encoding="utf-8",
    )
    for night in (1, 2, 3):
        run = _night(cfg)
        assert run.outcome is Outcome.FAILED, night
        assert run.error.endswith(
            "which a column inserted beside its own copies), so nothing in this file is "
            "written; rename your own column"
        ), run.error
        # in the copied 0.00, as Google shows it (0.9 in the emulator until 2026-12-08)
        want = [] if night == 1 else [["0.90"], ["0.10"]]
        assert okrs.get(f"{mine}3:{mine}4") in (want, [want]), night  # nothing written
        if night == 1:
            okrs.update([[0.9], [0.1]], f"{mine}3", raw=False)
    okrs.update([["My score"]], f"{mine}1", raw=False)  # renamed as the error asks
    run = _night(cfg)
    assert run.outcome in (Outcome.OK, Outcome.UNCHANGED), run.error
    assert okrs.get(f"{mine}3:{mine}4") == [["0.90"], ["0.10"]]
    ours = gspread.utils.rowcol_to_a1(3, at + 1)[:-1]
    assert all(okrs.get(f"{ours}3:{ours}4")), "the sync's own Score written"
