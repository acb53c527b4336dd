"""A Google team's dry run lists its cells in sheet order too (row, then column), as an
.xlsx team's does (``tests/cli/test_dry_run_order.py``): the plan is one for both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import emulator_http_client
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.backends.gsheets.test_gsheets_added_columns import HEADERS, _workspace

pytestmark = pytest.mark.emulator


def test_a_google_dry_run_lists_cells_in_sheet_order(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """Status left of Score (J, K), Expected and Sync notes added right (L, M): until
    2026-12-07 each row was listed K, L, J, M, the order the sync computes them."""
    key = emulator.create_spreadsheet("Flat", {"Tracker": []})
    creds = Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        sa_info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
    )
    gc = gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))
    rows: list[list[Any]] = [
        [*HEADERS, "Status", "Score"],
        ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50, "", "", ""],
        ["", "", "E1.2", "Cut latency", "Lee", 800, 400, 560, "", "", ""],
    ]
    gc.open_by_key(key).worksheet("Tracker").update(rows, "A1", raw=False)
    clear_clients()
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False, dry_run=True)
    (run,) = Sync(load_workspace(_workspace(tmp_path, sa_info, key))).run(options).runs
    clear_clients()
    assert run.outcome is Outcome.OK, run.error
    cells = [c.cell for c in run.changes]
    assert cells[:3] == ["L1", "M1", "J2"]  # the added headers, then row 2 from J
    assert [c for c in cells if c.endswith("2")] == ["J2", "K2", "L2"]
    assert cells == sorted(cells, key=lambda c: (int(c[1:]), c[0]))
