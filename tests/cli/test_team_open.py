"""A team file open in Excel or LibreOffice, through the CLI: read and scored, its scores
in the rollup and the run report, its cells not written, the night exits 0; the first
night after it is closed writes them. ``sync --dry-run`` shows such a team as the night
would (until 2026-12-06 ``Sales: ok, 16 cells would change``, and the night then wrote
none of them)."""

from __future__ import annotations

import json
import os
import shlex
import time
from pathlib import Path

import openpyxl

from sheets_sync.errors import FileLockedError
from sheets_sync.sync.stale_lock import with_stale_advice
from tests.backends.excel.test_files_excel import _excel_owner
from tests.backends.excel.test_lock_files import libreoffice_lock
from tests.cli.test_ops_cli import run

REFUSAL = (
    "sales.xlsx: the file is open in {said}; not written. Close it (or delete the "
    "lock file if nobody has it open) and the next run will update it"
)


def _summary_row(company: Path, team: str) -> dict[str, object]:
    book = openpyxl.load_workbook(company, read_only=True)  # holds the file open: closed
    try:  # here, not when the garbage collector gets to it (a ResourceWarning, an error)
        rows = list(book["Summary"].iter_rows(values_only=True))
    finally:
        book.close()
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
    # the skipped-locked count is said only when there is one
    assert f"1 team, 0 failed, {cells} cells changed in " in out
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
    # that old, it says how long and what to delete; never deletes it itself
    advice = (  # the lock's age is when the file was opened: no crash is claimed
        "; by its lock file sales.xlsx has been open 16 days: if Ana Ruiz on laptop7 no "
        "longer has it open (ask first; a laptop asleep keeps it open), delete "
        f"{shlex.quote(os.path.realpath(lock))}, and only that; sheets-sync never deletes "
        "a lock file"
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


def test_old_excel_and_libreoffice_locks_are_named_quoted_for_a_shell(workspace: Path) -> None:
    """``~$sales.xlsx`` unquoted expands ``$sales`` in a shell (and a space splits a
    path): each path is quoted, and two files are ``only those`` (until 2026-12-06
    unquoted, and ``only that`` after two)."""
    team = workspace.parent / "teams" / "sales.xlsx"
    excel = team.parent / "~$sales.xlsx"
    excel.write_bytes(_excel_owner("Ana Ruiz"))
    office = team.parent / ".~lock.sales.xlsx#"
    office.write_bytes(
        libreoffice_lock("Ana Ruiz", "ana", "laptop7", "20.11.2026 17:02", "file:///home/ana/4")
    )
    old = time.time() - 10.5 * 86400
    for lock in (excel, office):
        os.utime(lock, (old, old))
    code, out, err = run("sync", "--config", str(workspace), "--as-of", "2026-11-23")
    assert code == 0, out + err
    files = " and ".join(shlex.quote(os.path.realpath(p)) for p in (office, excel))
    assert files.endswith(f" and '{os.path.realpath(excel)}'")  # `$sales` in quotes
    assert (
        f"(.~lock.sales.xlsx# and ~$sales.xlsx, 10 days old); not written. Close it (or "
        "delete the lock files if nobody has it open) and the next run will update "
        "it; by its lock file sales.xlsx has been open 10 days: if Ana Ruiz on laptop7 no "
        "longer has it open (ask first; a laptop asleep keeps it open), delete "
        f"{files}, and only those; sheets-sync never deletes a lock file\n"
    ) in out
    assert excel.exists() and office.exists()


def test_the_advice_goes_by_the_age_the_refusal_says(tmp_path: Path) -> None:
    """The refusal says the lock's age when it is raised; the advice, added later, used
    to read it again: near a day boundary a line said ``2 days old ... at 3 days old``
    (until 2026-12-06). It now goes by the age said, whatever the clock says since."""
    team = tmp_path / "sales.xlsx"
    team.write_bytes(b"x")
    lock = tmp_path / "~$sales.xlsx"
    lock.write_bytes(_excel_owner("Ana Ruiz"))
    refusal = "the file is open in Excel by Ana Ruiz (~$sales.xlsx, {n} days old); not written"
    for said, age in ((2, 3.5), (3, 2.5)):
        then = time.time() - age * 86400
        os.utime(lock, (then, then))
        exc = FileLockedError(
            refusal.format(n=said), source="sales.xlsx", lock_days=said, lock_paths=(str(lock),)
        )
        advised = str(with_stale_advice(exc, team))
        if said < 3:
            assert advised == str(exc)
        else:
            assert advised.startswith(f"{exc}; by its lock file sales.xlsx has been open 3 days:")
