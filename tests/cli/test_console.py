"""What a terminal shows of a night whose results are held packed (``TeamRun.held``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from sheets_sync.config import load_workspace
from sheets_sync.console import findings_table, outcome_line, print_changes, summary_table
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import CellChange, Outcome, TeamRun
from sheets_sync.workspace.demo import create_demo


def text(table: object) -> str:
    console = Console(record=True, width=200, color_system=None)
    console.print(table)
    return console.export_text()


def test_the_tables_read_packed_results(tmp_path: Path) -> None:
    ws = load_workspace(create_demo(tmp_path / "ws"))
    result = Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23)))
    assert all(r.packed is not None for r in result.runs)
    sales = next(line for line in text(summary_table(result)).splitlines() if "Sales" in line)
    team = result.runs[0].result
    assert team is not None and team.team == "Sales"
    scores = [o.score for o in team.objectives if o.score is not None]
    cells = [c.strip() for c in sales.split("│")[1:-1]]
    mean = f"{sum(scores) / len(scores):.2f}"
    assert cells[:4] == ["Sales", "ok", str(len(team.objectives)), mean]
    assert "target equals start value" in text(findings_table(result.runs))


def test_an_unread_team_is_named_with_its_error() -> None:
    run = TeamRun("Ops", "ops.xlsx", Outcome.FAILED, error="ops.xlsx: not an Excel workbook")
    assert outcome_line(run) == "Ops: failed: ops.xlsx: not an Excel workbook"
    assert "not an Excel workbook" in text(findings_table([run]))


def test_a_dry_runs_cells_are_a1_references() -> None:
    """``'Q1 OKRs'!C3``, the tab quoted as a formula quotes it: until 2026-12-07 a dry run
    printed ``Q1 OKRs!C3``, which no formula or range box takes."""
    changes = (CellChange("Q1 OKRs", "C3", 0.5, 0.75), CellChange("OKRs", "T5", None, "x"))
    run = TeamRun("Sales", "sales.xlsx", Outcome.OK, changes=changes)
    console = Console(record=True, width=200, color_system=None)
    print_changes(console, [run])
    lines = console.export_text().splitlines()
    assert lines[1:] == ["  'Q1 OKRs'!C3: 0.5 -> 0.75", "  OKRs!T5: (empty) -> 'x'"]


def test_a_dry_runs_ods_cells_would_change_once_saved_as_excel() -> None:
    """An .ods is never written: until a review on 2026-12-07 its cells `would change once
    it can be written`; a file open in Excel still can be."""
    from sheets_sync.sync.outcome import TeamError

    changes = (CellChange("OKRs", "T5", None, "x"),)
    ods = TeamError("WorkbookError", "an OpenDocument spreadsheet (.ods) is read", "s.ods")
    locked = TeamError("FileLockedError", "the file is open in Excel", "s.xlsx")
    runs = [
        TeamRun("A", "teams/s.ods", Outcome.FAILED, changes=changes, error_detail=ods),
        TeamRun("B", "teams/s.xlsm", Outcome.FAILED, changes=changes, error_detail=ods),
        TeamRun("C", "teams/s.xlsx", Outcome.SKIPPED_LOCKED, changes=changes, error_detail=locked),
    ]
    console = Console(record=True, width=200, color_system=None)
    print_changes(console, runs)
    assert [x for x in console.export_text().splitlines() if not x.startswith(" ")] == [
        "A (teams/s.ods): 1 cell would change once saved as .xlsx",
        "B (teams/s.xlsm): 1 cell would change once saved as .xlsm",
        "C (teams/s.xlsx): 1 cell would change once it can be written",
    ]
