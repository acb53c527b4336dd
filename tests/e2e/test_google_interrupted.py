"""Ctrl-C on a sync of Google teams (threads, ``engine.read_all``): a real ``sheets-sync``
process against the emulator, whose every call takes 250 ms."""

from __future__ import annotations

import fcntl
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from sheets_sync.emulator import Emulator
from tests.e2e.test_google_sync import team_sheets, workspace
from tests.support.scripts import HANG, SETTLE, in_session, wait_until

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals, flock"),
    pytest.mark.timeout(2 * HANG + SETTLE + 60),  # waited on to a point, to its end, settled
]
TEAMS = 40
NOTES = ("waiting", "waited")  # the second stop's note: google_threads.WAITING, WAITED


def _written(emu: Emulator) -> int:
    return sum(r.endpoint == "spreadsheets.batchUpdate" for r in emu.log.requests)


def _lock_free(lock: Path) -> bool:
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_ctrl_c_stops_google_teams_between_requests_and_keeps_the_lock_till_the_end(
    env: Emulator, tmp_path: Path
) -> None:
    """Ctrl-C after a few of 40 teams: every queued team was still read and written, then
    "stopped with 0 of 40 teams done"; a second Ctrl-C released ``run.lock`` while the
    threads went on writing (another run could take it and write the same sheets)."""
    keys = [
        env.create_spreadsheet(f"team {i}", team_sheets(i % 3), value_input="RAW")
        for i in range(TEAMS)
    ]
    cfg = workspace(tmp_path, env, keys, concurrency=4)
    env.log.clear()
    env.faults.latency_ms = 250
    argv = [sys.executable, "-m", "sheets_sync", "sync", "--config", str(cfg)]
    argv += ["--as-of", "2026-02-15"]
    lock = tmp_path / ".sheets-sync" / "run.lock"
    free_at: int | None = None
    with in_session(argv) as proc:
        wait_until(proc, lambda: _written(env) >= 4, every=0.01)
        os.killpg(proc.pid, signal.SIGINT)
        time.sleep(0.03)
        os.killpg(proc.pid, signal.SIGINT)  # again, while the threads end their requests
        while proc.poll() is None:
            if free_at is None and _lock_free(lock):
                free_at = _written(env)
            time.sleep(0.002)
        out, err = proc.communicate(timeout=HANG)
    written = _written(env)
    assert proc.returncode == -signal.SIGINT, out + err  # dies by it after its line
    assert "Traceback" not in err, err
    assert free_at in (None, written), "a sheet was written after the lock was released"
    assert written < TEAMS // 2, written
    # said before the wait, or once it is over if the second Ctrl-C came inside it (it
    # said "waiting" then too until 2026-12-07: tests/sync/test_stopped_locks.py)
    assert any(f"stopping: {w} for the Google requests in flight" in err for w in NOTES), err
    last = err.splitlines()[-1]
    done = f"error: interrupted by SIGINT: stopped with {written} of {TEAMS} teams done; "
    assert last.startswith(done), err


#: ``sheets-sync sync`` whose read quota's window is an hour, not Google's minute (as a
#: bench scales it, ``google_quota_window``): a thread that sleeps it out never ends
_HOUR_WINDOW = """
import sys
from sheets_sync.backends.gsheets import client, ratelimit

class HourWindow(ratelimit.RateLimiter):
    def __init__(self, per_minute, *, window, **kwargs):
        super().__init__(per_minute, window=3600.0, **kwargs)

client.RateLimiter = HourWindow
from sheets_sync.cli import main
sys.argv = ["sheets-sync", *sys.argv[1:]]
main()
"""


def test_a_team_waiting_for_its_quota_slot_sends_nothing_after_ctrl_c(
    env: Emulator, tmp_path: Path
) -> None:
    """At 1 read a window, the first team's read passes and the others wait for the read
    quota's next window. Ctrl-C then ends the run at once: before 2026-12-06 the waiting
    threads slept out the window (up to 60 s each) and then sent their reads anyway. The
    window is an hour, so only threads that sleep it out reach the bound (a timed
    ``took < 30`` failed a run that was only slow on a loaded box)."""
    keys = [
        env.create_spreadsheet(f"team {i}", team_sheets(i), value_input="RAW") for i in range(3)
    ]
    cfg = workspace(tmp_path, env, keys, concurrency=3, requests_per_minute=1)
    env.log.clear()
    argv = [sys.executable, "-c", _HOUR_WINDOW, "sync", "--config", str(cfg)]
    argv += ["--as-of", "2026-02-15"]
    with in_session(argv) as proc:

        def reading() -> bool:
            return any(r.endpoint == "spreadsheets.get" for r in env.log.requests)

        wait_until(proc, reading, every=0.01)
        time.sleep(0.2)  # the other threads are in the limiter's wait (for the hour)
        reads_at_stop = sum(r.endpoint == "spreadsheets.get" for r in env.log.requests)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=HANG)  # not the hour the waiting threads sleep
    assert "Traceback" not in err, err
    assert proc.returncode == -signal.SIGINT, out + err
    reads = sum(r.endpoint == "spreadsheets.get" for r in env.log.requests)
    assert reads == reads_at_stop == 1, [r.endpoint for r in env.log.requests]
