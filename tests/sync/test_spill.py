"""spill.py: packed reads parked in the state folder, read back by any process, cleaned up."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from sheets_sync.sync import spill as spill_mod
from sheets_sync.sync.spill import Parked, Spill


def _park_in_child(spill: Spill, data: bytes, out: multiprocessing.Queue[Parked]) -> None:
    out.put(spill.park(data))


def test_parked_in_a_forked_child_reads_back_here(tmp_path: Path) -> None:
    spill = Spill(tmp_path)
    mine = [spill.park(b"a" * 10), spill.park(b""), spill.park(b"bc")]
    ctx = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[Parked] = ctx.Queue()
    child = ctx.Process(target=_park_in_child, args=(spill, b"from the child", queue))
    child.start()
    theirs = queue.get(timeout=30)
    child.join(30)
    assert [p.read() for p in mine] == [b"a" * 10, b"", b"bc"]
    assert theirs.read() == b"from the child" and theirs.path != mine[0].path
    spill.close()
    assert list((tmp_path / "spill").iterdir()) == []


def test_a_killed_runs_folder_goes_after_a_day(tmp_path: Path) -> None:
    old, recent = Spill(tmp_path), Spill(tmp_path)
    parked = old.park(b"x")
    recent.park(b"y")
    day_ago = time.time() - spill_mod.STALE_SECONDS - 60
    for path in (Path(parked.path), old.folder):
        os.utime(path, (day_ago, day_ago))
    Spill(tmp_path).close()  # the next run's start sweeps
    assert not old.folder.exists() and recent.folder.exists()
    old.close()  # their files stay open (a killed run's would too) until closed here
    recent.close()
