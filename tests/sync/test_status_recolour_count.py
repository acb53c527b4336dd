"""A night that only recolours a Status cell says so: it said "0 cells changed" (a dry
run "0 cells would change") while it rewrote the file (until 2026-12-07)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill

from sheets_sync.config import load_workspace
from sheets_sync.console import PlainConsole, outcome_line, print_summary
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.report import run_report

AS_OF = dt.date(2026, 11, 23)


def _night(cfg: Path, dry_run: bool = False) -> tuple[SyncResult, str, str]:
    """The night's result, its team's line and its summary's last line."""
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False, dry_run=dry_run))
    out = io.StringIO()
    print_summary(PlainConsole(file=out, width=400), result, dry_run=dry_run)
    run = result.runs[0]
    return result, outcome_line(run, dry_run=dry_run), out.getvalue().splitlines()[-1]


def test_a_recolour_is_counted_in_dry_and_real_runs_and_the_report(workspace: Path) -> None:
    team = workspace.parent / "teams" / "sales.xlsx"
    _night(workspace)
    wb = openpyxl.load_workbook(team)
    sheet = wb["OKRs"]
    col = [c.value for c in sheet[1]].index("Status") + 1
    sheet.cell(2, col).fill = PatternFill("solid", fgColor="FF00B050")  # painted by hand
    wb.save(team)
    before = team.read_bytes()

    dry, line, summary = _night(workspace, dry_run=True)
    assert team.read_bytes() == before
    assert line.startswith("Sales: ok, 0 cells would change, 1 Status cell would be recoloured (")
    assert "0 cells would change, 1 Status cell would be recoloured in " in summary
    report = run_report(dry, dry_run=True)
    assert report["teams"][0]["cells_changed"] == 0
    assert report["teams"][0]["cells_recoloured"] == 1
    assert report["totals"]["cells_recoloured"] == 1

    real, line, summary = _night(workspace)
    assert team.read_bytes() != before
    assert line.startswith("Sales: ok, 0 cells changed, 1 Status cell recoloured (")
    assert "0 cells changed, 1 Status cell recoloured in " in summary
    assert run_report(real)["totals"]["cells_recoloured"] == 1

    quiet, line, summary = _night(workspace)
    assert line.startswith("Sales: ok, 0 cells changed (")
    assert "recoloured" not in summary
    report = run_report(quiet)
    assert report["teams"][0]["cells_recoloured"] == report["totals"]["cells_recoloured"] == 0
