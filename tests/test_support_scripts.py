"""The stop tests' helpers (``tests/support/scripts.py``) fail as they say: a child that
hangs or ends early is named with its output, at once, and what a run left behind in its
session is seen before the session is killed."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

from tests.support import scripts
from tests.support.scripts import HANG, in_session, wait_until
from tests.sync.test_killed_run import _alive

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, killpg")

#: a child that prints, says so with a file, then leaves a grandchild (its own stdio
#: piped to the test too, unless ``sys.argv[2]``) asleep in its session and ends, or
#: sleeps itself (``sys.argv[3]``)
_LEAVES_A_SLEEPER = """
import subprocess, sys, time
from pathlib import Path
print("started", flush=True)
Path(sys.argv[1]).touch()
out = subprocess.DEVNULL if sys.argv[2] == "quiet" else None
nap = [sys.executable, "-c", "import time; time.sleep(120)"]
sleeper = subprocess.Popen(nap, stdin=out, stdout=out, stderr=out)
print(sleeper.pid, flush=True)
if sys.argv[3] == "stays":
    time.sleep(120)
"""


def _child(tmp_path: Path, stdio: str, then: str) -> list[str]:
    return [sys.executable, "-c", _LEAVES_A_SLEEPER, str(tmp_path / "started"), stdio, then]


@pytest.mark.timeout(60)  # a communicate without a kill waits the 120 s sleep
def test_wait_until_past_hang_kills_the_session_and_fails_with_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It waited on the process's output without a timeout: the test hung until
    pytest's 300 s instead of failing at HANG with the output."""
    with in_session(_child(tmp_path, "quiet", "stays")) as proc:
        wait_until(proc, (tmp_path / "started").exists)
        monkeypatch.setattr(scripts, "HANG", 1.0)  # stands for 240 s
        with pytest.raises(
            pytest.fail.Exception, match=r"^not ready: still running after 1.0 s;"
        ) as failed:
            wait_until(proc, lambda: False)
        assert "stdout:\nstarted\n" in str(failed.value)
        assert proc.returncode == -signal.SIGKILL


@pytest.mark.timeout(60)
def test_wait_until_fails_at_once_when_the_process_ends_first(tmp_path: Path) -> None:
    """What it left in its session holds the pipes open: reading the output waited for
    it (here 120 s) before the test could say the process had ended."""
    with in_session(_child(tmp_path, "piped", "ends")) as proc:
        with pytest.raises(pytest.fail.Exception, match=r"^not ready: it ended \(0\);") as failed:
            wait_until(proc, lambda: False)
        assert "stdout:\nstarted\n" in str(failed.value)


def test_in_session_notes_a_process_that_outlived_the_run(tmp_path: Path) -> None:
    """The checks that a worker did not outlive its run looked after the block, once
    leaving it had killed the session: they could never fail."""
    with in_session(_child(tmp_path, "quiet", "ends"), settle=1.0) as proc:
        out, _ = proc.communicate(timeout=HANG)
        sleeper = int(out.split()[-1])
        assert _alive(sleeper)
    assert proc.outlived is not None and list(proc.outlived) == [sleeper], proc.outlived
    assert "time.sleep(120)" in proc.outlived[sleeper]
    deadline = time.monotonic() + 30  # killed on leaving, all the same (once the kill lands)
    while _alive(sleeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(sleeper)


def test_in_session_notes_nothing_left_or_a_run_left_running(tmp_path: Path) -> None:
    with in_session([sys.executable, "-c", "print('done')"]) as ended:
        assert ended.communicate(timeout=HANG) == ("done\n", "")
    assert ended.outlived == {}
    with in_session(_child(tmp_path, "quiet", "stays")) as running:
        wait_until(running, (tmp_path / "started").exists)
    assert running.outlived is None  # no run ended: nothing to see
