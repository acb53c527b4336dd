"""A stop signal to the whole process group (Ctrl-C, an Airflow task kill) whose exception
the parent never sees: CPython runs a signal's handler at the next bytecode of the main
thread, and when that is inside a finalizer (``__del__``, a weakref callback, run by the
garbage collector anywhere, as while the rollup is prepared) the exception is printed as
"Exception ignored" and dropped. The workers got the signal too; they waited for the
parent's word, took it as their own, exited, and the parent ran every team again and
exited 0: the Ctrl-C was lost. Real forks, in a child Python of its own."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.sync import parallel
from tests.support.scripts import HANG, run_script, script_run

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, signals")

_SWALLOWED = """
import json, os, signal, sys, time
from pathlib import Path
from sheets_sync.cli_support import stop_on_signals
from sheets_sync.sync import parallel

signum, out = int(sys.argv[1]), Path(sys.argv[2])
stop_on_signals()  # the CLI's handlers: each stop signal raises ``Interrupted``
ignored = []
sys.unraisablehook = lambda u: ignored.append(type(u.exc_value).__name__)

def task(i):
    time.sleep(0.05)
    (out / str(i)).write_text("")
    return i

class Finalized:
    def __del__(self):  # the signal lands while a finalizer runs
        os.killpg(0, signum)
        began = time.monotonic()
        while time.monotonic() - began < 0.3:
            pass

def meanwhile():
    Finalized()
    time.sleep(0.3)

got, late, stopped = [], [], None
try:
    for value in parallel.map_in_workers(
        task, 40, 2, meanwhile, stopped=lambda i, v: late.append(i)
    ):
        got.append(value)
except KeyboardInterrupt as exc:
    stopped = getattr(exc, "signum", None)
files = sorted(int(p.name) for p in out.iterdir())
print(json.dumps({"got": got, "late": late, "files": files, "stopped": stopped,
                  "ignored": ignored}))
"""


def _run(signum: int, out: Path) -> dict[str, Any]:
    # in a session of its own: ``killpg(0)`` signals the script's processes only
    return run_script(_SWALLOWED, str(int(signum)), str(out), clean=False)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_group_stop_the_parent_dropped_in_a_finalizer_still_stops_the_run(
    tmp_path: Path, signum: int
) -> None:
    found = _run(signum, tmp_path)
    assert found["ignored"] == ["Interrupted"], "the signal did not land in the finalizer"
    assert found["stopped"] == signum, found
    told = found["got"] + found["late"]
    assert sorted(told) == found["files"], "every team written is told, and only those"
    assert len(found["files"]) < 40, "every team was run: the stop was lost"


_ONE_DIES = """
import json, os, sys, time
from sheets_sync.sync import parallel

parallel._PARENT_GRACE = float(sys.argv[1])

def task(i):
    if i == 5 and parallel._flag:  # in a pool worker it dies (a native crash), not rerun
        os._exit(3)
    time.sleep(0.02)
    return i

got = list(parallel.map_in_workers(task, 40, 2, None, lambda i, why: -1))
print(json.dumps({"got": got}))
"""


def test_a_broken_pool_reruns_its_teams_without_waiting_for_a_stop() -> None:
    """The pool SIGTERMs its other workers when one dies; each took it for a stop signal
    and waited ``_PARENT_GRACE`` for the run's word before it ended, and the reruns
    waited for that (the whole grace, on every night with a crash). Not timed: the grace
    here outlasts the script's hang bound (``HANG``), so a worker that waits for the
    run's word hangs the script, and only a run that did not wait ends at all (until
    2026-12-07 a 30 s grace, and the run had to end within 15 s)."""
    grace = 10 * HANG
    try:
        found = run_script(_ONE_DIES, str(grace), clean=False)
    except subprocess.TimeoutExpired:
        pytest.fail("the reruns waited for the other workers' wait for a stop (the grace)")
    assert found["got"] == list(range(40)), found["got"]  # task 5 rerun alone: it lives


_LATE = """
import hashlib, json, os, signal, sys, threading, time
from pathlib import Path
from sheets_sync.cli_support import stop_on_signals
from sheets_sync.sync import parallel

signum, out, late = int(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
parallel._PARENT_GRACE = float(sys.argv[4])
stop_on_signals()

def task(i):
    time.sleep(0.05)
    (out / str(i)).write_text("")
    return i

began = time.monotonic()
hashlib.pbkdf2_hmac("sha256", b"x", b"y", 100_000)
rounds = int(100_000 * late / (time.monotonic() - began))

def meanwhile():  # one long C call (an fsync on a busy disk): no handler runs till it ends
    def stop():  # blocked here, so the kernel hands it to the main thread (in its C call)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signum})
        time.sleep(0.1)
        os.killpg(0, signum)

    threading.Thread(target=stop, daemon=True).start()
    hashlib.pbkdf2_hmac("sha256", b"x", b"y", rounds)

got, told, stopped = [], [], None
try:
    for value in parallel.map_in_workers(
        task, 40, 2, meanwhile, stopped=lambda i, v: told.append(i)
    ):
        got.append(value)
except KeyboardInterrupt as exc:
    stopped = getattr(exc, "signum", None)
files = sorted(int(p.name) for p in out.iterdir())
print(json.dumps({"got": got, "late": told, "files": files, "stopped": stopped}))
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_group_stop_the_parent_handles_late_loses_no_finished_team(
    tmp_path: Path, signum: int
) -> None:
    """The run's handler waits for its main thread to leave a long C call (4 s here); the
    workers waited 2 s for its word, took the signal as their own and exited, and the
    teams they had finished in their chunk were written but not counted ("stopped with 0
    of 40 teams done" over 6 teams synced). The call is calibrated to last ``late`` s on
    this machine as it is at the start: the run's own grace covers it with a margin, and
    the script's is far longer (until 2026-12-07 it was the run's, 10 s: a box whose load
    rose 2.5x between calibration and call ran past it with the code right)."""
    late = 4.0
    assert late < parallel._PARENT_GRACE - 4  # the run's grace covers a handler this late
    grace = 60.0  # here: a long C call on a loaded box outlasts no worker's wait
    found = run_script(_LATE, str(int(signum)), str(tmp_path), str(late), str(grace), clean=False)
    assert found["stopped"] == signum, found
    told = found["got"] + found["late"]
    assert sorted(told) == found["files"], "every team written is told, and only those"
    assert 0 < len(found["files"]) < 40, found["files"]


_ONE_WORKER = """
import json, multiprocessing, os, signal, sys, time
from sheets_sync.cli_support import stop_on_signals
from sheets_sync.sync import parallel

stop_on_signals()

def task(i):
    time.sleep(0.05)
    return i

killed = []

def meanwhile():
    time.sleep(0.2)
    killed.append(multiprocessing.active_children()[0].pid)
    os.kill(killed[0], signal.SIGTERM)  # an operator's ``kill PID`` on one worker

got = list(parallel.map_in_workers(task, 40, 2, meanwhile, lambda i, why: ("crashed", why)))
print(json.dumps({"got": got, "killed": len(killed)}))
"""


@pytest.mark.slow  # the worker waits ``_PARENT_GRACE`` for a word that never comes
def test_a_stop_signal_to_one_worker_alone_reruns_its_teams() -> None:
    """docs/operations.md: a worker signalled alone (not the run) ends after its wait,
    and the run syncs its teams again. A worker that never ended hangs the script
    (``HANG``; until 2026-12-07 also a bound on the run's time, the grace + 30 s)."""
    found = run_script(_ONE_WORKER, clean=False)
    assert found["killed"] == 1
    assert found["got"] == list(range(40)), found["got"]


_GRACEFUL_THEN_KILL = """
import json, os, signal, sys, time
from pathlib import Path
from sheets_sync.sync import parallel

out = Path(sys.argv[1])

def graceful(n, f):  # a caller's handler: the first SIGTERM unwinds, a second one kills
    signal.signal(n, signal.SIG_DFL)
    raise SystemExit(128 + n)

signal.signal(signal.SIGTERM, graceful)

def task(i):
    (out / f"{i}.tmp").write_text("half")  # a write in progress
    time.sleep(0.2)
    (out / f"{i}.tmp").rename(out / str(i))
    return i

class Finalized:
    def __del__(self):
        os.killpg(0, signal.SIGTERM)  # systemd's stop, KillMode=control-group
        began = time.monotonic()
        while time.monotonic() - began < 0.3:
            pass

def meanwhile():
    Finalized()
    time.sleep(0.3)

try:
    got = list(parallel.map_in_workers(task, 40, 2, meanwhile, lambda i, why: None))
    print(json.dumps({"ended": "normally", "got": len(got)}))
except SystemExit as exc:
    print(json.dumps({"ended": "SystemExit", "code": exc.code}))
"""


def test_a_lost_stop_is_raised_again_as_its_handler_raised_it(tmp_path: Path) -> None:
    """A lost stop was raised again by sending its signal again: a caller's handler that
    had put ``SIG_DFL`` back before raising ("a second one kills") then killed the
    process on the spot (exit 143), a write's temp file left and its ``finally``
    skipped."""
    done = script_run(_GRACEFUL_THEN_KILL, str(tmp_path))
    assert "Exception ignored" in done.stderr, "the signal did not land in the finalizer"
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == {"ended": "SystemExit", "code": 143}
    assert not list(tmp_path.glob("*.tmp")), "a write was cut short"
    assert len(list(tmp_path.iterdir())) < 40, "the stop was lost: every team was run"


_LOST_AT_THE_END = """
import json, os, signal, sys, time
from sheets_sync.sync import parallel

crash = sys.argv[1] == "crash"  # Python's own SIGINT handler: KeyboardInterrupt
ignored = []
sys.unraisablehook = lambda u: ignored.append(type(u.exc_value).__name__)

def task(i):
    if crash and i == 5 and parallel._flag:  # a pool worker dies: every team rerun
        os._exit(3)
    time.sleep(0.01)
    return i

class Finalized:
    def __del__(self):
        os.killpg(0, signal.SIGINT)
        began = time.monotonic()
        while time.monotonic() - began < 0.3:
            pass

got, stopped = [], False
try:
    for value in parallel.map_in_workers(task, 40, 2, None, lambda i, why: -1):
        got.append(value)
        if value == 39:
            Finalized()  # the caller takes the last outcome in
except KeyboardInterrupt:
    stopped = True
print(json.dumps({"got": len(got), "stopped": stopped, "ignored": ignored}))
"""


@pytest.mark.parametrize("how", ["chunks", "crash"])
def test_a_stop_lost_as_the_caller_takes_the_last_outcome_is_raised(
    tmp_path: Path, how: str
) -> None:
    """Nothing raised it again after the last chunk, nor after the reruns' last outcome:
    the map ended as if no signal had come."""
    found = run_script(_LOST_AT_THE_END, how, clean=False)
    assert found["ignored"] == ["KeyboardInterrupt"], "the signal did not land in the finalizer"
    assert found == {"got": 40, "stopped": True, "ignored": ["KeyboardInterrupt"]}
