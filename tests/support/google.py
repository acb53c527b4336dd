"""One Google team synced through the real engine against the emulator: the set-up the
Google reader's tests repeat (a service-account file, a workspace of one team, clients
cleared before and after so no other test's client is reused); and a team sheet whose
cells carry number formats, as a script sets them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import fake_service_account_info
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import TeamRun


def is_version_check(request: object) -> bool:
    """A logged Drive ``files.get`` of a file's version alone: the sync's check that a team
    sheet did not change since its read (``gsheets/guard.py``, since 2026-12-07), on
    Drive's quota; tests of the Sheets requests leave these out."""
    endpoint, path = getattr(request, "endpoint", ""), str(getattr(request, "path", ""))
    return bool(endpoint == "drive.files.get" and "fields=version" in path)


def google_team_workspace(emulator: Emulator, folder: Path, name: str, key: str) -> Path:
    """A workspace file of one Google team ``name`` (sheet ``key``) in Q1 2026, with a
    service account for ``emulator`` and a quota no test waits on."""
    (folder / "sa.json").write_text(json.dumps(fake_service_account_info(emulator.host)))
    cfg = folder / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n  - {{name: {name}, source: 'gsheet:{key}'}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000}\n'
    )
    return cfg


def sync_google_team(
    emulator: Emulator, folder: Path, name: str, key: str, as_of: dt.date = dt.date(2026, 2, 15)
) -> TeamRun:
    """The night's run of team ``name`` (sheet ``key``), no rollup, in Q1 2026."""
    cfg = google_team_workspace(emulator, folder, name, key)
    clear_clients()
    try:
        result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=as_of, rollup=False))
    finally:
        clear_clients()
    (run,) = result.runs
    return run


def formatted_sheet(emulator: Emulator, client: Any, column: list[Any], formats: list[Any]) -> str:
    """A team sheet whose Confidence column holds ``column``, each cell below the header in
    its number format of ``formats`` (written as a script writes one, by repeatCell)."""
    key = emulator.create_spreadsheet("team", {"OKRs": [["Confidence"], *([v] for v in column)]})
    requests = [
        {
            "repeatCell": {
                "range": {"sheetId": 0, "startRowIndex": r, "endRowIndex": r + 1},
                "cell": {"userEnteredFormat": {"numberFormat": f}},
                "fields": "userEnteredFormat.numberFormat",
            }
        }
        for r, f in enumerate(formats, start=1)
    ]
    client.batch_update(key, {"requests": requests}, source="user", what="edit")
    return key
