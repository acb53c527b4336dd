"""End to end under Google's quota: reads and writes are counted apart (60 of each a
minute per user by default), so a changed night, one read and one write a team, runs at
both quotas; a read never waits for writes' slots, nor a write for reads'."""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from sheets_sync.backends.gsheets.clients import client_for
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.e2e.test_google_sync import AS_OF, team_sheets, workspace
from tests.support.google import is_version_check

pytestmark = pytest.mark.emulator


def test_a_changed_night_at_the_quota_waits_for_no_slot_and_meets_no_429(
    env: Emulator, tmp_path: Path
) -> None:
    """4 changed teams at a quota of 4 a minute, the emulator's and ours: 4 reads and 4
    writes, none held back and none refused. With one window over both, the fifth
    request waited a minute (the limiter's waits, counted, not the wall clock)."""
    keys = [
        env.create_spreadsheet(f"team {i}", team_sheets(i), value_input="RAW") for i in range(4)
    ]
    ws = load_workspace(workspace(tmp_path, env, keys, requests_per_minute=4))
    env.faults.rate_limit_per_minute = 4
    result = Sync(ws).run(SyncOptions(as_of=AS_OF, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK] * 4, [r.error for r in result.runs]
    assert [r.api_calls for r in result.runs] == [2, 2, 2, 2]
    (limiter,) = result.google_limiters  # the run's one client, shared by its threads
    assert limiter.per_minute == 4
    assert limiter.waited_by_kind == {"read": 0.0, "write": 0.0}
    assert sum(limiter.slots_by_kind.values()) == 8  # its slots: the requests counted here
    # plain data, copied as the run ended: a library caller's process pool pickles the
    # result, or asdict()s it to JSON (until 2026-12-07 it held the live limiter: a lock)
    assert pickle.loads(pickle.dumps(result)).google_limiters == result.google_limiters
    assert asdict(result)["google_limiters"][0]["slots_by_kind"] == limiter.slots_by_kind
    sent = [r for r in env.log.requests if r.endpoint != "token" and not is_version_check(r)]
    assert (
        sorted(r.endpoint for r in sent)
        == ["spreadsheets.batchUpdate"] * 4 + ["spreadsheets.get"] * 4
    )
    assert {r.status for r in sent} == {200}


def test_a_night_past_a_scaled_quota_window_waits_for_slots_and_meets_no_429(
    env: Emulator, tmp_path: Path
) -> None:
    """The quota window is the workspace's ``google_quota_window`` (not in its file; the
    bench scales it with the emulator's, as here: 2 reads and 2 writes a 2 s window). 6
    changed teams pass the first window's free slots, so the run waits for the quota;
    a slot counted from its answer is never refused at the window's edge. The bench
    patched ``RateLimiter`` inside the client module for this."""
    keys = [
        env.create_spreadsheet(f"team {i}", team_sheets(i), value_input="RAW") for i in range(6)
    ]
    loaded = load_workspace(workspace(tmp_path, env, keys, requests_per_minute=2))
    ws = replace(loaded, google_quota_window=2.0)
    env.faults.rate_limit_per_minute = 2
    env.faults.rate_limit_window_s = 2.0
    result = Sync(ws).run(SyncOptions(as_of=AS_OF, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK] * 6, [r.error for r in result.runs]
    (limiter,) = result.google_limiters  # the run's client, closed as the run ended
    assert (limiter.per_minute, limiter.window) == (2, 2.0)
    assert client_for(ws).limiter.snapshot().waited == 0  # a later run's: waited for nothing
    assert client_for(loaded).limiter.window == 60.0  # a client of its own: Google's minute
    assert limiter.waited_by_kind["read"] > 0  # the writes keep pace behind the reads
    sent = [r for r in env.log.requests if r.endpoint != "token" and not is_version_check(r)]
    assert Counter(r.status for r in sent) == {200: 12}
    # the version checks: on Drive's quota, which the emulator's windows do not count
    checks = [r for r in env.log.requests if is_version_check(r)]
    assert Counter(r.status for r in checks) == {200: 12}
