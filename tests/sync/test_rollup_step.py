"""A night that stages its company workbook lets go of the rollup's tables while the
workbook is written: the columns still to write are all that is held."""

from __future__ import annotations

import datetime as dt
import weakref
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.rollup import workbook
from sheets_sync.rollup.bulk import BulkCells
from sheets_sync.rollup.tables import Rollup
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.workspace.demo import create_demo


@pytest.mark.parametrize("workers", [1, 2])  # written after the team files, or staged ahead
def test_the_rollup_is_let_go_before_its_rows_are_written(
    eight_cpus: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    held: dict[str, weakref.ref[Any]] = {}
    alive: list[list[str]] = []
    lay_out, splice = workbook.lay_out_rollup, BulkCells.splice

    def laying_out(rollup: Rollup, path: Path) -> BulkCells:
        held.clear()
        held["rollup"] = weakref.ref(rollup)
        held.update({name: weakref.ref(frame) for name, frame in rollup.tables.items()})
        if rollup.history is not None:
            held["history"] = weakref.ref(rollup.history)
            held["kpi_trend"] = weakref.ref(rollup.history.kpi_trend)
        return lay_out(rollup, path)

    def splicing(self: BulkCells, path: Path, *, consume: bool = False) -> None:
        assert consume
        alive.append(sorted(name for name, ref in held.items() if ref() is not None))
        splice(self, path, consume=consume)

    monkeypatch.setattr(workbook, "lay_out_rollup", laying_out)
    monkeypatch.setattr(BulkCells, "splice", splicing)
    cfg = create_demo(tmp_path / "ws")
    ws = load_workspace(cfg)
    for day in (23, 24):  # the second night has a history: History and Trends tabs
        history = HistoryStore(default_history_path(ws.state_dir))
        options = SyncOptions(as_of=dt.date(2026, 11, day), workers=workers)
        assert Sync(ws, history=history).run(options).rollup_rewritten
    assert "kpi_trend" in held  # the second night's rollup had its trends
    assert alive == [[], []]  # written both nights, nothing of the rollup held meanwhile


def test_a_staging_that_fails_leaves_no_temp_file_and_the_night_writes_anyway(
    eight_cpus: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged write fails while a sheet's rows are written (the splice's own temp
    file is open by then): both temp files go, and the night writes the workbook the
    usual way, after the team files."""
    splice, write_sheet = BulkCells.splice, BulkCells._write_sheet
    failing: list[bool] = []

    def splicing(self: BulkCells, path: Path, *, consume: bool = False) -> None:
        failing.append(consume)
        splice(self, path, consume=consume)

    def writing(self: BulkCells, xml: bytes, sheet: Any, out: Any) -> None:
        if len(failing) == 1:  # the staged write, ahead of the team files' writes
            raise OSError("disk full")
        write_sheet(self, xml, sheet, out)

    monkeypatch.setattr(BulkCells, "splice", splicing)
    monkeypatch.setattr(BulkCells, "_write_sheet", writing)
    cfg = create_demo(tmp_path / "ws")
    ws = load_workspace(cfg)
    history = HistoryStore(default_history_path(ws.state_dir))
    before = [p.name for p in cfg.parent.iterdir()]
    result = Sync(ws, history=history).run(SyncOptions(as_of=dt.date(2026, 11, 23), workers=2))
    assert failing == [True, True] and result.rollup_rewritten
    after = sorted(p.name for p in cfg.parent.iterdir())
    assert after == sorted({*before, ws.rollup_path.name, ws.state_dir.name})  # no temp file
    assert ws.rollup_path.exists()
