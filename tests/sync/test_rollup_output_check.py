"""``rollup_step.output_not_writable``: what a look at the workbook's folder can tell before
a run reads a team (a folder one cannot create a file in, a workbook in a sticky folder
that belongs to someone else), and ``merge_shards`` ending the run it began for its
Google rollup's client."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

import sheets_sync
from sheets_sync.backends.gsheets.ratelimit import RateLimiter
from sheets_sync.sync import rollup_step
from sheets_sync.sync import run as run_module
from sheets_sync.sync.engine import Sync

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def demo(tmp_path: Path) -> sheets_sync.Workspace:
    return sheets_sync.load_workspace(sheets_sync.create_demo(tmp_path / "ws", as_of=AS_OF))


def test_a_workbook_of_another_user_in_a_sticky_folder_cannot_be_replaced(
    demo: sheets_sync.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file can be made there, so the folder passed; but the rename over a workbook
    another user owns in a mode 1777 folder (as ``/tmp``) is refused, found only at the
    end of the night. Not root's case (no sticky rule stops root): another uid is faked."""
    folder = demo.rollup_path.parent
    demo.rollup_path.write_bytes(b"last night's")
    folder.chmod(0o1777)
    owner = demo.rollup_path.stat().st_uid
    try:
        assert rollup_step.output_not_writable(demo) is None  # ours (or root's): fine
        monkeypatch.setattr(os, "geteuid", lambda: owner + 4242)
        assert rollup_step.output_not_writable(demo) == (
            f"cannot replace company.xlsx in its folder {folder} (a sticky folder, mode "
            f"1777, and the workbook belongs to another user, uid {owner})"
        )
        folder.chmod(0o777)  # not sticky: anyone who may write in it replaces it
        assert rollup_step.output_not_writable(demo) is None
        folder.chmod(0o1777)
        demo.rollup_path.unlink()  # no workbook yet: nothing to replace
        assert rollup_step.output_not_writable(demo) is None
    finally:
        folder.chmod(0o755)


def test_rollup_refuses_a_workbook_it_cannot_replace(
    demo: sheets_sync.Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = demo.rollup_path.parent
    demo.rollup_path.write_bytes(b"last night's")
    folder.chmod(0o1777)
    owner = demo.rollup_path.stat().st_uid
    monkeypatch.setattr(os, "geteuid", lambda: owner + 4242)
    try:
        with pytest.raises(sheets_sync.ConfigError) as caught:
            sheets_sync.rebuild_rollup(demo, as_of=AS_OF)
    finally:
        folder.chmod(0o755)
    assert str(caught.value).endswith(
        f"uid {owner}); `sheets-sync rollup` writes the company workbook there"
    )
    assert demo.rollup_path.read_bytes() == b"last night's"


def test_merge_shards_ends_the_run_it_began_whatever_ends_its_rollup(
    demo: sheets_sync.Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its Google rollup's client is made afresh and closed (``start_run``/``end_run``),
    the rollup published or not."""
    results = tmp_path / "results"
    for k in (1, 2):
        options = sheets_sync.SyncOptions(as_of=AS_OF, shard=(k, 2), rollup=False)
        sheets_sync.run_sync(demo, options, results_dir=str(results))
    calls: list[str] = []
    monkeypatch.setattr(run_module, "start_run", lambda ws: calls.append(f"start {ws.company}"))
    rollup_client = SimpleNamespace(limiter=RateLimiter(7))

    def end(ws: sheets_sync.Workspace) -> tuple[object, ...]:
        calls.append(f"end {ws.company}")
        return (rollup_client,)  # what end_run gives: the run's Google clients

    monkeypatch.setattr(run_module, "end_run", end)
    merged = sheets_sync.merge_shards(demo, results)
    assert not merged.failed
    assert calls == [f"start {demo.company}", f"end {demo.company}"]
    # its Google rollup's waits for the quota kept, as a night's (until 2026-12-07: none)
    assert merged.google_limiters == (rollup_client.limiter.snapshot(),)

    def broken(*_: object) -> object:
        raise RuntimeError("rollup broke")

    calls.clear()
    monkeypatch.setattr(Sync, "write_rollup", broken)
    with pytest.raises(RuntimeError, match="rollup broke"):
        sheets_sync.merge_shards(demo, results)
    assert calls == [f"start {demo.company}", f"end {demo.company}"]
