"""A Google team's failure as fields (``TeamRun.error_detail``), through real gspread over
HTTP to the emulator: once the sheet was read, its errors name it by title and short key
(``source``), as people know it, so the detail carries the team's configured source too
(``team_source``, ``gsheet:KEY``), for a program to map the failure back to its team."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import sheets_sync
from sheets_sync.emulator import Emulator
from sheets_sync.workspace.google_demo import seed_demo

pytestmark = pytest.mark.emulator
AS_OF = dt.date(2026, 11, 23)


def test_a_google_failure_names_the_sheet_and_its_configured_source(
    env: Emulator, tmp_path: Path
) -> None:
    config, keys, _ = seed_demo(env, tmp_path / "ws", AS_OF)
    okrs = env.values(keys["Sales"], "OKRs!A1:Z40", "UNFORMATTED_VALUE")
    kpis = env.values(keys["Sales"], "KPIs!A1:Z40", "UNFORMATTED_VALUE")
    current = okrs[0].index("Current")
    okrs = [row[:current] + row[current + 1 :] for row in okrs]
    broken = env.create_spreadsheet("Sales goals", {"OKRs": okrs, "KPIs": kpis})
    text = config.read_text(encoding="utf-8").replace(keys["Sales"], broken)
    config.write_text(text.replace(keys["Finance"], "missingkey123456"), encoding="utf-8")
    ws = sheets_sync.load_workspace(config)
    runs = {run.team: run for run in sheets_sync.validate_workspace(ws, as_of=AS_OF).runs}
    sales, finance = runs["Sales"].error_detail, runs["Finance"].error_detail
    assert sales is not None and finance is not None
    assert (sales.kind, sales.tab, sales.team_source) == ("LayoutError", "OKRs", f"gsheet:{broken}")
    assert sales.source is not None and sales.source.startswith("Sales goals (gsheet:")
    assert (finance.kind, finance.source) == ("NotFoundError", "gsheet:missingkey123456")
    assert finance.team_source == "gsheet:missingkey123456"
    by_source = {team.source: team.name for team in ws.teams}
    assert [by_source.get(d.team_source or "") for d in (sales, finance)] == ["Sales", "Finance"]
