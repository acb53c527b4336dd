"""End to end: a Google reply whose body breaks on the way (now that replies come gzipped,
one that does not decompress) is retried, and one that keeps breaking fails its team as
a network failure, not as an internal error with a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.e2e.test_google_sync import AS_OF, team_sheets, workspace

pytestmark = pytest.mark.emulator


@pytest.mark.parametrize("how", ["cut", "gzip"])
def test_a_team_whose_read_reply_breaks_once_ends_ok(
    how: str, env: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keys = [env.create_spreadsheet("team 0", team_sheets(0), value_input="RAW")]
    env.faults.break_bodies(how)
    with caplog.at_level(logging.WARNING):
        result = Sync(load_workspace(workspace(tmp_path, env, keys))).run(
            SyncOptions(as_of=AS_OF, rollup=False)
        )
    assert [r.outcome for r in result.runs] == [Outcome.OK], result.runs[0].error
    assert not [r for r in caplog.records if r.exc_info is not None]
    assert env.faults.broken_bodies == 0  # the break was spent


def test_a_team_whose_replies_keep_breaking_fails_as_a_network_failure(
    env: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keys = [env.create_spreadsheet("team 0", team_sheets(0), value_input="RAW")]
    env.faults.break_bodies("gzip", count=None)
    cfg = workspace(tmp_path, env, keys, max_attempts=2, max_retry_seconds=10)
    with caplog.at_level(logging.WARNING):
        result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=AS_OF, rollup=False))
    (run,) = result.runs
    assert run.outcome is Outcome.FAILED
    assert "gave up after 2 attempts" in (run.error or "")
    assert "network: the reply did not decompress" in (run.error or "")
    assert "internal error" not in (run.error or "").lower()
    assert not [r for r in caplog.records if r.exc_info is not None]  # no traceback
