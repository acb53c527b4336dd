"""An upgrade keeps a workspace's past: a workspace made and synced by an older
sheets-sync (``tests/data/upgrade-fe91865``, see its README) is synced by today's code
without losing a night of history, with the team file's owned cells updated in place
(no column added, nothing else changed), and the old state (read cache, run reports,
rollup state) taken in its stride."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import sqlite3
import time
import warnings
import zipfile
from contextlib import closing
from pathlib import Path

import openpyxl

import sheets_sync
from sheets_sync.ops.history import HistoryStore

FIXTURE = Path(__file__).parent.parent / "data" / "upgrade-fe91865"
OLD_NIGHTS = [dt.date(2026, 11, 16), dt.date(2026, 11, 17), dt.date(2026, 11, 18)]
OWNED = {"R", "S", "T", "U"}  # OKRs: Score, Expected, Status, Sync notes


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("README.md", "state"))
    shutil.copytree(FIXTURE / "state", root / ".sheets-sync")
    return root


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def _cells(sheet: bytes) -> dict[str, bytes]:
    """Each cell's XML by reference (a ``<c>`` never nests another)."""
    found = re.findall(rb'<c r="([A-Z]+[0-9]+)"(.*?)(?:/>|</c>)', sheet, re.S)
    return {ref.decode(): xml for ref, xml in found}


def _column(ref: str) -> str:
    return ref.rstrip("0123456789")


def test_an_older_workspace_syncs_with_its_nights_and_cells_kept(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    team = root / "teams" / "Ops.xlsx"
    before = _members(team)
    old_reports = sorted(p.name for p in (root / ".sheets-sync" / "runs").iterdir())
    ws = sheets_sync.load_workspace(root / "sheets-sync.yaml")

    night = dt.date(2026, 11, 19)
    result = sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=night))
    assert not result.failed and result.history_skipped is None
    assert result.rollup_error is None
    (ops,) = result.runs
    assert ops.changes and {_column(c.cell) for c in ops.changes} <= OWNED

    store = HistoryStore(root / ".sheets-sync" / "history.sqlite")
    assert [d for d, _kr, _kpi in store.night_counts(12)] == [*OLD_NIGHTS, night]
    assert [(kr, kpi) for _d, kr, kpi in store.night_counts(12)] == [(2, 1)] * 4
    with closing(sqlite3.connect(root / ".sheets-sync" / "history.sqlite")) as db:
        assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("3",)
        assert db.execute("SELECT count(*) FROM alerted").fetchone() == (1,)

    after = _members(team)
    assert after.keys() == before.keys()
    changed = {n for n in before if before[n] != after[n]}
    assert changed <= {"xl/worksheets/sheet1.xml", "xl/styles.xml"}
    old_cells, new_cells = (_cells(m["xl/worksheets/sheet1.xml"]) for m in (before, after))
    assert old_cells.keys() == new_cells.keys()  # no owned column added beside the old ones
    moved = {ref for ref in old_cells if old_cells[ref] != new_cells[ref]}
    assert moved and {_column(ref) for ref in moved} <= OWNED

    runs = sorted(p.name for p in (root / ".sheets-sync" / "runs").iterdir())
    assert runs[: len(old_reports)] == old_reports and len(runs) == len(old_reports) + 1

    again = sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=night))
    assert not again.failed and [len(r.changes) for r in again.runs] == [0]
    assert _members(team) == after


KILLED = Path(__file__).parent.parent / "data" / "upgrade-killed-ef774b1"


def test_what_an_older_run_killed_mid_write_left_is_swept_and_the_night_redone(
    tmp_path: Path,
) -> None:
    """The temp files ef774b1 (2026-12-04) left when SIGKILLed between writing a file and
    renaming it over the old one (``tests/data/upgrade-killed-ef774b1``: the rollup's
    state, a run report, a read-cache entry) and its lock file naming the dead run.
    Aged past an hour they are a killed run's, not a running one's: today's run removes
    them. ``.rollup-state.json.*.tmp`` stayed for good, one more each killed night."""
    root = _workspace(tmp_path)
    shutil.copytree(KILLED / "state", root / ".sheets-sync", dirs_exist_ok=True)
    left = list((root / ".sheets-sync").rglob("*.tmp"))
    assert len(left) == 3
    hours_ago = time.time() - 3 * 3600
    for path in left:
        os.utime(path, (hours_ago, hours_ago))
    ws = sheets_sync.load_workspace(root / "sheets-sync.yaml")

    night = dt.date(2026, 11, 19)
    result = sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=night))
    assert not result.failed and result.history_skipped is None and result.rollup_error is None
    assert [p for p in left if p.exists()] == []
    store = HistoryStore(root / ".sheets-sync" / "history.sqlite")
    assert [(kr, kpi) for _d, kr, kpi in store.night_counts(12)] == [(2, 1)] * 4


def _schema(history: Path) -> tuple[str, set[str]]:
    """History's schema version and tables, read with plain sqlite3 (``HistoryStore``
    would migrate the file to today's schema first)."""
    with closing(sqlite3.connect(history)) as db:
        (version,) = db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        names = db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    return str(version), {name for (name,) in names}


def _trends_nights(book: Path) -> list[dt.date]:
    """The nights of the Trends tab's burn-up table (from A3 to its first blank row)."""
    with warnings.catch_warnings():  # "Sparkline Group extension is not supported"
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(book, read_only=True)
    try:
        nights = []
        for (cell,) in wb["Trends"].iter_rows(min_row=3, max_col=1, values_only=True):
            if not isinstance(cell, dt.datetime):
                break
            nights.append(cell.date())
        return nights
    finally:
        wb.close()


def test_a_night_an_older_run_was_killed_in_while_writing_the_rollup_is_redone_once(
    tmp_path: Path,
) -> None:
    """ef774b1 SIGKILLed at the company workbook's rename (``at-rollup-rename``): it had
    written the team file and recorded the night in history, deleted its rollup state,
    and left the workbook staged, the night before's ``company.xlsx`` still in place.
    Today's run redoes the night: the rollup rewritten with it once, the staged workbook
    swept, history migrated and holding it once."""
    root = _workspace(tmp_path)
    killed = KILLED / "at-rollup-rename"
    shutil.copytree(killed / "teams", root / "teams", dirs_exist_ok=True)
    shutil.copytree(killed / "state", root / ".sheets-sync", dirs_exist_ok=True)
    shutil.copy2(killed / "company.xlsx", root / "company.xlsx")  # the night before's
    assert _trends_nights(root / "company.xlsx") == OLD_NIGHTS
    # the workbook it staged, by the name it had (its 37 KB not kept: swept unread)
    staged = root / ".company.xlsx.zoa4yf_y.tmp"
    staged.write_bytes(b"PK\x03\x04 the night's workbook, staged and never renamed")
    hours_ago = time.time() - 3 * 3600
    os.utime(staged, (hours_ago, hours_ago))
    history = root / ".sheets-sync" / "history.sqlite"
    packed = history.with_suffix(".sqlite.gz")
    with gzip.open(packed) as saved:
        history.write_bytes(saved.read())
    packed.unlink()
    # as ef774b1 left it (schema 2, the night in it): opened by today's HistoryStore it
    # would be migrated to 3 with the night's alerts marked sent, and the test no longer
    # of the old state (the first fixture was, by a checkpoint through HistoryStore)
    assert _schema(history) == ("2", {"meta", "snapshots", "kr_snapshots", "kpi_snapshots"})
    (root / ".sheets-sync" / "rollup-state.json").unlink()
    ws = sheets_sync.load_workspace(root / "sheets-sync.yaml")

    night = dt.date(2026, 11, 19)
    result = sheets_sync.run_sync(ws, sheets_sync.SyncOptions(as_of=night))
    assert not result.failed and result.history_skipped is None and result.rollup_error is None
    assert result.rollup_rewritten and not staged.exists()
    assert {_column(c.cell) for r in result.runs for c in r.changes} <= OWNED
    version, tables = _schema(history)
    assert version == "3" and {"alerted", "alert_baseline"} <= tables  # migrated 2 -> 3
    store = HistoryStore(history)
    assert [d for d, _kr, _kpi in store.night_counts(12)] == [*OLD_NIGHTS, night]
    assert [(kr, kpi) for _d, kr, kpi in store.night_counts(12)] == [(2, 1)] * 4
    assert _trends_nights(root / "company.xlsx") == [*OLD_NIGHTS, night]
