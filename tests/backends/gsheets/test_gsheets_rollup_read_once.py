"""Last night's Google rollup is read back once a night, even on a night whose writes end
otherwise than assumed (a team file open elsewhere): the rollup an Excel night prepares
while the workers write is prepared again then, and each preparation reads the previous
workbook. A Google rollup is not prepared ahead (``engine.py``: ``ahead_ok``), so its
read-back (two requests, retried up to ``max_retry_seconds``) is made once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.workspace.demo import create_demo

pytestmark = pytest.mark.emulator


def _night(root: Path, day: int) -> SyncResult:
    clear_clients()
    try:
        ws = load_workspace(root / "sheets-sync.yaml")
        return Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, day), workers=2))
    finally:
        clear_clients()


def _second_night(root: Path) -> SyncResult:
    """Sales cannot be read; Marketing is open in LibreOffice, so its write ends
    otherwise than the rollup prepared meanwhile assumed."""
    (root / "teams" / "Sales.xlsx").write_bytes(b"PK\x03\x04 cut short")
    (root / "teams" / ".~lock.Marketing.xlsx#").write_text(",Ana Ruiz,host,26.11.2026 09:00,ana;")
    return _night(root, 24)


def test_a_google_rollup_is_read_back_once_that_night(
    eight_cpus: None,
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
) -> None:
    root = create_demo(tmp_path / "ws").parent
    (root / "sa.json").write_text(json.dumps(sa_info))
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    cfg = root / "sheets-sync.yaml"
    text = cfg.read_text()
    assert "\n  output: company.xlsx\n" in text
    cfg.write_text(
        text.replace("\n  output: company.xlsx\n", f"\n  output: 'gsheet:{out}'\n")
        + 'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n'
    )
    assert _night(root, 23).rollup_error is None
    emulator.log.clear()
    result = _second_night(root)
    assert result.rollup_error is None
    assert any(r.team == "Marketing" and r.outcome.value != "ok" for r in result.runs)
    on_rollup = [r.endpoint for r in emulator.log.requests if r.spreadsheet_id == out]
    assert on_rollup.count("values.batchGet") == 1, on_rollup
    titles = [
        r
        for r in emulator.log.requests
        if r.spreadsheet_id == out and r.endpoint == "spreadsheets.get"
    ]
    assert len(titles) <= 2, on_rollup  # the read-back's tab titles, the publish's
