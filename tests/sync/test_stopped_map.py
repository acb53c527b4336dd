"""A run with worker processes stopped by a signal."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from bench.generate import generate_workspace
from sheets_sync.config import load_workspace
from sheets_sync.errors import Interrupted
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import TeamRun
from tests.sync.test_parallel import AS_OF

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, signals")


@pytest.mark.slow
def test_a_stopped_library_run_leaves_no_prepared_rollup(tmp_path: Path) -> None:
    """The rollup prepared while the workers write (``Sync.ahead``) was dropped by the
    CLI only: a library caller of ``Sync.run`` stopped by a signal kept its
    ``.company.xlsx.*.tmp``."""
    cfg = generate_workspace(tmp_path / "ws", 20)
    sync = Sync(load_workspace(cfg))
    stops: list[int] = []

    def progress(run: TeamRun) -> None:
        if sync.ahead and not stops:  # a write came back: the rollup is prepared
            stops.append(1)
            raise Interrupted(signal.SIGTERM)

    sync.progress = progress
    with pytest.raises(Interrupted):
        sync.run(SyncOptions(as_of=AS_OF, workers=2))
    assert stops, "the rollup was not prepared ahead"
    assert sync.ahead == []
    assert not list(cfg.parent.rglob(".*.tmp*")), "the prepared rollup's temp file was left"
    assert os.listdir(cfg.parent / ".sheets-sync" / "spill") == []
