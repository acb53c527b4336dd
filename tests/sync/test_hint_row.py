"""A hint row above the header: what team leads type to explain their columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.mapping.fields import OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome

HINTS = {
    "Objective ID": "Objective ID (O1, O2)",
    "KR ID": "KR ID (O1.1)",
    "Target": "Target (end of Q)",
    "Current": "Current (latest)",
    "Score": "Score (by sync)",
    "Status": "Status (by sync)",
}


@pytest.mark.parametrize("target", ["Target", "Target (EUR)"])
def test_a_hint_row_above_the_header_is_not_the_header(tmp_path: Path, target: str) -> None:
    """Row 1 held every required header with a note, so it was found first (loosely) and
    taken for the header; its owned headers ("Score (by sync)") are the team's own, so the
    sync appended Score, Expected, Status and Sync notes at V:Y and skipped row 2 as a
    repeated header: the real owned columns went stale without a word (2026-12-05).
    "Target (EUR)" on the real header (a note docs/mappings.md invites) had row 1 taken
    again: the exact pass needs every required header exact."""
    headers = [target if h == "Target" else h for _, h in OKR_FIELDS]
    path = tmp_path / "sales.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append([HINTS.get(h) for _, h in OKR_FIELDS])
    ws.append(headers)
    ws.append(["O1", "Grow", "committed", None, "O1.1", "Deals", "Ann", "number", 0, 10, 5])
    ws.append(["O1", "Grow", "committed", None, "O1.2", "Leads", "Bob", "number", 0, 10, 10])
    wb.save(path)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Sales, source: sales.xlsx}\n",
        encoding="utf-8",
    )
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK
    sheet = openpyxl.load_workbook(path)["OKRs"]
    assert sheet.max_column == len(headers)  # no owned column added
    assert [c.value for c in sheet[2]] == headers
    score = headers.index("Score") + 1
    assert sheet.cell(3, score).value == 0.5
    assert sheet.cell(4, score).value == 1
    assert sheet.cell(1, score).value == "Score (by sync)"
