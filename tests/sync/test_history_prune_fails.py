"""A night recorded whole whose clean-up (``history.prune_after``) then fails is recorded:
the run says so and names the clean-up that failed. Until 2026-12-07 it was "history not
recorded" in the log and the run report's ``history_skipped``, and the teams gone since
the night before were not named."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import HistoryError
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.workspace.demo import create_demo

pytestmark = pytest.mark.usefixtures("eight_cpus")
AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws", as_of=AS_OF)


def test_a_failed_prune_after_a_good_record_is_no_night_lost(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    cfg.write_text(
        cfg.read_text("utf-8") + "history: {keep_snapshots: 12, prune_after: 30}\n", "utf-8"
    )
    ws = load_workspace(cfg)
    store = HistoryStore(default_history_path(ws.state_dir))
    Sync(ws, history=store).run(SyncOptions(as_of=AS_OF, workers=1))
    locked = HistoryError(f"{store.path}: the run history cannot be used (database is locked)")

    def prune(self: HistoryStore, keep: int) -> int:
        raise locked

    monkeypatch.setattr(HistoryStore, "prune", prune)
    caplog.set_level(logging.INFO)
    nxt = AS_OF + dt.timedelta(days=1)
    result = Sync(ws, history=store).run(SyncOptions(as_of=nxt, workers=1))
    assert result.history_skipped is None
    assert result.teams_gone == ()  # looked for: the night is in
    with closing(sqlite3.connect(store.path)) as conn:
        nights = [d for (d,) in conn.execute("SELECT DISTINCT as_of FROM snapshots ORDER BY 1")]
    assert nights == [str(AS_OF), str(nxt)]
    said = [r for r in caplog.records if "prune" in r.getMessage()]
    assert [(r.levelname, r.getMessage()) for r in said] == [
        (
            "WARNING",
            f"{locked}; tonight's snapshot is recorded, but the nights beyond "
            "history.prune_after (30) were not dropped; the next run tries again",
        )
    ]
    assert not [r for r in caplog.records if "not recorded" in r.getMessage()]
