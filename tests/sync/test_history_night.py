"""The history holds only what landed: rows recorded while workers still write are
undone for a team whose write did not (``history_pending.py``)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shlex
import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import load_workspace
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.run import run_sync
from sheets_sync.workspace.demo import create_demo

# every night here has workers (``eight_cpus``: on a one-CPU box too)
pytestmark = pytest.mark.usefixtures("eight_cpus")
AS_OF = dt.date(2026, 11, 23)
PARENT = os.getpid()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws")


def night(cfg: Path, write_back: bool = True) -> tuple[SyncResult, HistoryStore]:
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    options = SyncOptions(as_of=AS_OF, workers=2, write_back=write_back)
    return Sync(ws, history=store).run(options), store


def recorded(store: HistoryStore) -> dict[str, str]:
    """team -> recorded_at of its snapshot on ``AS_OF``."""
    with closing(sqlite3.connect(store.path)) as conn:
        found = conn.execute("SELECT team, recorded_at FROM snapshots WHERE as_of=?", (str(AS_OF),))
        return dict(found.fetchall())


def kill_writes_of(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The write of ``path`` kills its worker, each time: the team ends failed, unscored
    (``parallel.isolated``), after the rows assuming it lands were recorded."""
    write = ExcelBackend.write

    def dies(self: ExcelBackend, *args: Any, **kw: Any) -> Any:
        if os.getpid() != PARENT and Path(self.path).resolve() == path.resolve():
            os._exit(3)
        return write(self, *args, **kw)

    monkeypatch.setattr(ExcelBackend, "write", dies)


@pytest.mark.parametrize("again", [False, True], ids=["first-run", "rerun"])
def test_a_team_whose_write_did_not_land_keeps_what_the_date_held(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, again: bool
) -> None:
    """Its rows were the guess made while the workers wrote: a night whose every write
    landed, where none had (first run), or where an earlier run's rows stood (rerun)."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    before: dict[str, str] = {}
    if again:
        store = night(cfg, write_back=False)[1]  # recorded, nothing written
        # recorded_at has whole seconds: the runs told apart by an older stamp, not a sleep
        with closing(sqlite3.connect(store.path)) as conn, conn:
            conn.execute("UPDATE snapshots SET recorded_at = '2026-01-01T00:00:00'")
        before = recorded(store)
    team = sorted((cfg.parent / "teams").glob("*.xlsx"))[0]
    kill_writes_of(monkeypatch, team)
    result, store = night(cfg)
    failed = {r.team for r in result.runs if r.outcome is Outcome.FAILED and not r.scored}
    assert failed and all(r.source.endswith(team.name) for r in result.runs if r.team in failed)
    landed = {r.team for r in result.runs if r.scored}
    after = recorded(store)
    assert {t: after.get(t) for t in failed} == {t: before.get(t) for t in failed}
    assert set(after) == landed | (set(before) & failed)
    assert all(after[t] != before.get(t) for t in landed)
    with closing(sqlite3.connect(store.path)) as conn:  # nothing left pending
        assert conn.execute("SELECT COUNT(*) FROM pending").fetchone() == (0,)


def test_a_snapshot_that_could_not_be_confirmed_is_reported_missing(
    demo: Path, tmp_path: Path
) -> None:
    """Another process held the history as the night confirmed its snapshot: the rows
    stayed pending, for the next run to undo, and the run said the night was recorded."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    ws = load_workspace(tmp_path / "ws" / demo.name)
    store = HistoryStore(default_history_path(ws.state_dir), timeout=0.2)
    store.dates()  # made, then held by a writer elsewhere once every team is written
    with closing(sqlite3.connect(store.path, isolation_level=None)) as holder:
        seen: list[str] = []

        def hold_after_the_last(run: Any) -> None:
            seen.append(run.team)
            if len(seen) == len(ws.teams):
                holder.execute("BEGIN IMMEDIATE")

        sync = Sync(ws, progress=hold_after_the_last, history=store)
        result = sync.run(SyncOptions(as_of=AS_OF, workers=2))
        holder.execute("ROLLBACK")
    assert all(r.scored for r in result.runs) and len(seen) == len(ws.teams)
    assert result.history_skipped is not None
    assert result.history_skipped.startswith("history not recorded: ")
    assert "database is locked" in result.history_skipped
    with closing(sqlite3.connect(store.path)) as conn:  # what the next run undoes
        assert conn.execute("SELECT COUNT(*) FROM pending").fetchone() != (0,)


def test_a_night_recorded_at_the_second_attempt_is_not_reported_missing(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record made while the workers wrote met a locked history; a write then did not
    land, so the night was recorded again, and that worked: the run still said "history
    not recorded"."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    ws = load_workspace(cfg)
    kill_writes_of(monkeypatch, sorted((cfg.parent / "teams").glob("*.xlsx"))[0])
    store = HistoryStore(default_history_path(ws.state_dir), timeout=0.2)
    store.dates()
    with closing(sqlite3.connect(store.path, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # until the first team comes back from a worker

        def let_go(run: Any) -> None:
            if holder.in_transaction:
                holder.execute("ROLLBACK")

        result = Sync(ws, progress=let_go, history=store).run(SyncOptions(as_of=AS_OF, workers=2))
    landed = {r.team for r in result.runs if r.scored}
    assert landed and len(landed) < len(ws.teams)
    assert set(recorded(store)) == landed
    assert result.history_skipped is None


def test_sync_reports_a_snapshot_its_notification_left_unconfirmable(
    demo: Path, tmp_path: Path
) -> None:
    """``run_sync`` confirms the night after its notification: there, a history turned
    unusable (here: written meanwhile by a newer sheets-sync) left the snapshot pending,
    and both the result and the run report said the night was recorded."""
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    ws = load_workspace(cfg)
    sorted((cfg.parent / "teams").glob("*.xlsx"))[0].write_bytes(b"not a zip")  # notifies
    store = default_history_path(ws.state_dir)
    script = tmp_path / "notify.py"
    script.write_text(
        "import sqlite3, sys\n"
        "with sqlite3.connect(sys.argv[1]) as conn:\n"
        "    conn.execute(\"UPDATE meta SET value = '99' WHERE key = 'schema_version'\")\n",
        encoding="utf-8",
    )
    cmd = shlex.join([sys.executable, str(script), str(store)])
    report = tmp_path / "run.json"
    result = run_sync(
        ws,
        SyncOptions(as_of=AS_OF),
        report_path=report,
        console=Console(file=io.StringIO()),
        notify_cmd=cmd,
    )
    said = json.loads(report.read_text(encoding="utf-8"))["history_skipped"]
    assert said == result.history_skipped
    assert said is not None and said.startswith("history not recorded: ")
    assert "history schema 99 is newer" in said
