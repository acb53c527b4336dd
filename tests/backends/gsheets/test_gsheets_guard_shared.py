"""Teams sharing one Google spreadsheet (a tab each): no edit a person makes to one
team's tab between that team's read and its write is written over, whatever the other
teams' writes do to the sheet's Drive version. Until 2026-12-07 the teams of one sheet
were read in parallel and each write's moved version was taken for the run's own
(``guard.wrote``): an edit made to team B's tab while team A's ``batchUpdate`` was
answered was inside that version, B passed its check and wrote over it. Live emulator;
the lead's edits go through a second real gspread client."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.report import run_report
from tests.backends.gsheets.test_gsheets_guard import ROWS, _endpoints, _lead, _sync

pytestmark = pytest.mark.emulator

#: the lead's column, inserted before Notes (I): the sync adds its Score after Notes
LEAD = ["Forecast", "lead's 55"]
#: A1:J2 of each tab once the lead inserted it, whatever the sync wrote (Notes: row 2's
#: is empty, and a row's empty end cells are not in the values' reply)
KEPT = [[*ROWS[0][:8], LEAD[0], "Notes"], [*ROWS[1][:8], LEAD[1]]]


def shared_workspace(tmp_path: Path, sa_info: dict[str, Any], key: str) -> Path:
    """Team A on tab Tracker, team B on tab Ops, of one sheet ``key``; 2 threads."""
    (tmp_path / "sa.json").write_text(json.dumps(sa_info))
    flat = (Path(__file__).parents[3] / "mappings" / "flat-tracker.yaml").read_text()
    ops = flat.replace("name: flat-tracker", "name: ops").replace(
        "sheet: [Tracker, OKR tracker]", "sheet: [Ops]"
    )
    (tmp_path / "ops.yaml").write_text(ops, encoding="utf-8")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        f"teams:\n  - {{name: A, source: 'gsheet:{key}', mapping: flat-tracker}}\n"
        f"  - {{name: B, source: 'gsheet:{key}', mapping: ops.yaml}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000, "concurrency": 2}\n',
        encoding="utf-8",
    )
    return cfg


def test_an_edit_to_one_teams_tab_during_the_other_teams_write_is_not_written_over(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """The lead inserts a column in both tabs, before the first owned column, as the
    sync's first ``batchUpdate`` is answered. The team written first wrote before the
    edit (its Score is pushed right by it); the other team either reads the sheet as the
    lead left it and writes its Score next to the lead's column, or is CONFLICTED: never
    is the lead's cell written over."""
    key = emulator.create_spreadsheet("Both", {"Tracker": ROWS, "Ops": ROWS})
    cfg = shared_workspace(tmp_path, sa_info, key)
    book = _lead(emulator, sa_info).open_by_key(key)
    tabs = [book.worksheet("Tracker"), book.worksheet("Ops")]

    def after(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate" and sid == key:
            emulator.faults.after_request = None  # the lead's own requests: not again
            for tab in tabs:
                tab.insert_cols([LEAD], 9)

    emulator.faults.after_request = after
    emulator.log.clear()
    try:
        runs = _sync(cfg)
    finally:
        emulator.faults.after_request = None
    outcomes = sorted(r.outcome.value for r in runs)
    assert outcomes in (["ok", "ok"], ["conflicted", "ok"]), [r.error for r in runs]
    for tab in ("Tracker", "Ops"):
        assert emulator.values(key, f"{tab}!A1:J2", "UNFORMATTED_VALUE") == KEPT, tab
    ok = [r for r in runs if r.outcome is Outcome.OK]
    assert len(ok) >= 1
    assert _endpoints(emulator, key).count("spreadsheets.get") == 2  # one read a team


def test_the_run_report_counts_each_teams_drive_calls_beside_its_sheets_calls(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path
) -> None:
    """``drive_calls``, a team's and in ``totals``: the version checks' Drive calls, on
    Drive's quota, not in ``api_calls`` (the Sheets API's, 2 a changed team). Until
    2026-12-07 the report had none: only the emulator's log counted them. Here each team:
    before its read and before its write (until 2026-12-07 the one written second once
    more after its write, the sheet read twice by then, for a second write of its
    backend that a sync's team never makes: ``guard.wrote``)."""
    key = emulator.create_spreadsheet("Both", {"Tracker": ROWS, "Ops": ROWS})
    cfg = shared_workspace(tmp_path, sa_info, key)
    emulator.log.clear()
    clear_clients()
    try:
        options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
        result = Sync(load_workspace(cfg)).run(options)
    finally:
        clear_clients()
    report = run_report(result)
    teams = report["teams"]
    assert [t["outcome"] for t in teams] == ["ok", "ok"]
    assert [t["api_calls"] for t in teams] == [2, 2]
    assert sorted(t["drive_calls"] for t in teams) == [2, 2]
    assert report["totals"]["drive_calls"] == 4
    assert report["totals"]["api_calls"] == 4
    assert _endpoints(emulator, key).count("drive.files.get") == 4  # the emulator agrees
