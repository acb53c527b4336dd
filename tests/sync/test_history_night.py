"""The history holds only what landed: rows recorded while workers still write are
undone for a team whose write did not (``history_pending.py``)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import load_workspace
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import Outcome
from sheets_sync.workspace.demo import create_demo

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
        before = recorded(night(cfg, write_back=False)[1])  # recorded, nothing written
        time.sleep(1.1)  # recorded_at has whole seconds: tell the runs apart
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
