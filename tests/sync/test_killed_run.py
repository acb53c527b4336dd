"""A sync killed with SIGKILL (by hand, by the OOM killer) leaves no process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.scripts import HANG

_KILLED_PARENT = """
import os, signal, sys, threading, time
from pathlib import Path
from sheets_sync.sync.parallel import isolated, map_in_workers

folder, how = Path(sys.argv[1]), sys.argv[2]

def task(i):
    (folder / str(os.getpid())).touch()
    time.sleep(60)
    return i

def kill_once_both_work():
    while len(list(folder.iterdir())) < 2:
        time.sleep(0.01)
    os.kill(os.getpid(), signal.SIGKILL)

threading.Thread(target=kill_once_both_work, daemon=True).start()
if how == "pool":
    list(map_in_workers(task, 4, 2))
else:
    isolated(task, range(4), 2)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
@pytest.mark.parametrize("how", ["pool", "isolated"])
# two waits of up to HANG in turn (the run, then its workers' death): above pytest's 300 s
# for one (tests/support/scripts.py), so a hang in the second says which wait it was
@pytest.mark.timeout(2 * HANG + 60)
def test_workers_die_with_a_run_killed_with_sigkill(tmp_path: Path, how: str) -> None:
    """They lived on for good, idle, holding the night's memory (and, before
    ``sync/lock.py`` closed it in children, the workspace lock)."""
    pids, log = tmp_path / "pids", tmp_path / "log"
    pids.mkdir()
    with log.open("wb") as out:  # not a pipe: live workers would hold it open
        done = subprocess.run(
            [sys.executable, "-c", _KILLED_PARENT, str(pids), how],
            check=False,
            stdout=out,
            stderr=out,
            timeout=HANG,
        )
    assert done.returncode == -signal.SIGKILL, log.read_text()
    workers = [int(p.name) for p in pids.iterdir()]
    assert len(workers) == 2
    try:
        deadline = time.monotonic() + HANG  # only workers that outlive the run for good
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, workers))
    finally:
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
