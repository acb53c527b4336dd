"""A team file open in Excel or LibreOffice, through the CLI: read and scored, its scores
in the rollup and the run report, its cells not written, the night exits 0; the first
night after it is closed writes them. ``sync --dry-run`` shows such a team as the night
would (until 2026-12-06 ``Sales: ok, 16 cells would change``, and the night then wrote
none of them)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import openpyxl

from tests.backends.excel.test_files_excel import _excel_owner
from tests.backends.excel.test_lock_files import libreoffice_lock
from tests.cli.test_ops_cli import run

REFUSAL = (
    "sales.xlsx: the file is open in {said}; not written. Close it (or delete the stale "
    "lock file if nobody has it open) and the next run will update it"
)


def _summary_row(company: Path, team: str) -> dict[str, object]:
    rows = list(
        openpyxl.load_workbook(company, read_only=True)["Summary"].iter_rows(values_only=True)
    )
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Team")
    row = next(r for r in rows[header + 1 :] if r and r[0] == team)
    return dict(zip(rows[header], row, strict=False))


def _written_and_planned(report: Path, cells: int) -> dict[str, object]:
    """The run report of a night whose one team is open in Excel: its ``totals`` count
    no cell changed (none is written; until 2026-12-06 they counted the team's), the
    team's own entry the cells its scores change. Returns that entry."""
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["totals"]["cells_changed"] == 0
    (entry,) = document["teams"]
    assert entry["cells_changed"] == len(entry["changes"]) == cells
    return dict(entry)


def test_a_team_open_in_excel_is_scored_not_written_and_written_once_closed(
    workspace: Path, tmp_path: Path
) -> None:
    config = ["--config", str(workspace), "--as-of", "2026-11-23"]
    team = workspace.parent / "teams" / "sales.xlsx"
    lock = team.parent / "~$sales.xlsx"
    lock.write_bytes(_excel_owner("Ana Ruiz"))
    before = team.read_bytes()
    said = REFUSAL.format(said="Excel by Ana Ruiz (~$sales.xlsx)")
    line = "Sales: skipped-locked, {n} cells not written (1 error in the sheet): " + said

    dry = tmp_path / "dry.json"
    code, out, err = run("sync", *config, "--dry-run", "--report", str(dry))
    assert code == 0, out + err
    shown = next(x for x in out.splitlines() if x.startswith("Sales: "))
    cells = int(shown.split(", ")[1].split(" ")[0])
    assert cells > 0 and shown == line.format(n=cells)
    # the cells' header agrees (until 2026-12-06 `18 cells would change`), as do the
    # summary line and the report's totals: the night would write none of them
    header = f"Sales (teams/sales.xlsx): {cells} cells would change once it can be written"
    assert header in out.splitlines()
    # counted as left alone, as its line says (until 2026-12-06 only the line said so)
    assert "1 team, 0 failed, 1 skipped-locked, 0 cells would change in " in out
    _written_and_planned(dry, cells)

    report = tmp_path / "run.json"
    code, out, err = run("-q", "sync", *config, "--report", str(report))
    assert code == 0, out + err
    assert out.splitlines()[0] == line.format(n=cells)  # -q still shows it
    assert out.splitlines()[1].startswith("1 team, 0 failed, 1 skipped-locked, 0 cells changed in ")
    assert team.read_bytes() == before and lock.read_bytes() == _excel_owner("Ana Ruiz")
    entry = _written_and_planned(report, cells)
    assert entry["outcome"] == "skipped-locked"
    assert entry["error"] == said
    summary = _summary_row(workspace.parent / "company.xlsx", "Sales")
    assert summary["Outcome"] == "skipped-locked" and summary["Objectives"]

    lock.unlink()  # closed
    code, out, err = run("sync", *config)
    assert code == 0, out + err
    assert f"Sales: ok, {cells} cells changed" in out
    assert "1 team, 0 failed, 0 cells changed in " not in out  # the count is said when some
    assert "skipped-locked" not in out
    assert team.read_bytes() != before


def test_an_old_libreoffice_lock_is_still_a_lock_and_says_its_age(workspace: Path) -> None:
    team = workspace.parent / "teams" / "sales.xlsx"
    lock = team.parent / ".~lock.sales.xlsx#"
    lock.write_bytes(
        libreoffice_lock("Ana Ruiz", "ana", "laptop7", "20.11.2026 17:02", "file:///home/ana/4")
    )
    old = time.time() - 16 * 86400
    os.utime(lock, (old, old))
    before = team.read_bytes()
    code, out, err = run("sync", "--config", str(workspace), "--as-of", "2026-11-23")
    assert code == 0, out + err
    said = "LibreOffice by Ana Ruiz on laptop7 (.~lock.sales.xlsx#, 16 days old)"
    # that old, it says the lock looks stale and what to delete; never deletes it itself
    advice = (
        "; at 16 days old the lock looks stale (left by a crash or a computer switched off "
        "with the file open): if Ana Ruiz on laptop7 no longer has sales.xlsx open (ask "
        f"first; a laptop asleep keeps it open), delete {os.path.realpath(lock)}, and only "
        "that; sheets-sync never deletes a lock file"
    )
    assert f": {REFUSAL.format(said=said)}{advice}\n" in out
    assert team.read_bytes() == before and lock.exists()
    assert "1 team, 0 failed, 1 skipped-locked, 0 cells changed in " in out


def test_a_lock_over_a_weekend_is_not_called_stale(workspace: Path) -> None:
    """A laptop asleep from Friday evening keeps its lock until Monday: 2 days old is only
    its age (``sync/stale_lock.STALE_LOCK_DAYS``)."""
    team = workspace.parent / "teams" / "sales.xlsx"
    lock = team.parent / "~$sales.xlsx"
    lock.write_bytes(_excel_owner("Ana Ruiz"))
    old = time.time() - 2.5 * 86400
    os.utime(lock, (old, old))
    code, out, err = run("sync", "--config", str(workspace), "--as-of", "2026-11-23")
    assert code == 0, out + err
    said = REFUSAL.format(said="Excel by Ana Ruiz (~$sales.xlsx, 2 days old)")
    assert f": {said}\n" in out and "stale (" not in out
