"""A night that ends in an error other than a stop, after its teams and rollup, undoes
its history snapshot (``undo.undo_night``); a stop (SIGTERM: systemd, Airflow, a
timeout's kill) landing in that undo was dropped there until 2026-12-08: the command
said the error alone and exited 1, as if never asked to stop. A real process, the real
handler, a real signal; the error is a full disk as the notification is prepared."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.scripts import HANG, script_run

AS_OF = ["--as-of", "2026-11-23"]
UNDO_CUT = "stopped by SIGTERM as tonight's history snapshot was undone: it stays pending"

_FULL_DISK_THEN_A_STOP = """
import errno, os, signal, sys
from sheets_sync import cli
from sheets_sync.ops.history import HistoryStore
from sheets_sync.sync import run

failed = []

def notify(*args):  # the disk fills as the night ends (or a bug: ERROR=RuntimeError)
    failed.append(True)
    if os.environ.get("ERROR") == "RuntimeError":
        raise RuntimeError("a bug in the notification hook")
    raise OSError(errno.ENOSPC, "No space left on device", "/srv/okrs/notify.json")

settle = HistoryStore.settle_pending

def settle_pending(self, as_of, landed=None, **kwargs):
    if failed and as_of is not None:  # the night's undo: systemctl stop lands in it
        os.kill(os.getpid(), signal.SIGTERM)
    return settle(self, as_of, landed, **kwargs)

run._notify = notify
HistoryStore.settle_pending = settle_pending
sys.argv = ["sheets-sync", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_stop_in_the_undo_after_another_error_is_said_and_died_by(
    demo: Path, tmp_path: Path
) -> None:
    """The error is said, the cut undo too, and the process dies by the stop: exit 143
    for a shell, a clean stop for systemd. The next sync undoes the rows left pending."""
    ws = tmp_path / "ws"
    shutil.copytree(demo.parent, ws)
    cfg = ws / "sheets-sync.yaml"
    done = script_run(_FULL_DISK_THEN_A_STOP, "sync", "--config", str(cfg), *AS_OF)
    lines = done.stderr.splitlines()
    said = [i for i, line in enumerate(lines) if UNDO_CUT in line]
    error = [i for i, line in enumerate(lines) if "No space left on device" in line]
    assert said and error and said[0] < error[0], done.stderr
    assert "Traceback" not in done.stderr and "interrupted" not in done.stderr, done.stderr
    assert done.returncode == -signal.SIGTERM, done.stdout + done.stderr
    again = subprocess.run(
        [sys.executable, "-m", "sheets_sync", "sync", "--config", str(cfg), *AS_OF],
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "left by a run that did not finish, is undone" in again.stderr, again.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_an_error_the_command_has_no_line_for_is_said_before_it_dies_by_the_stop(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug's error (``RuntimeError``) goes up past ``SyncGroup``: the process died by
    the stop kept in the undo before Python printed it, and only "stopping once the
    error is said" said anything (2026-12-08, review)."""
    ws = tmp_path / "ws"
    shutil.copytree(demo.parent, ws)
    monkeypatch.setenv("ERROR", "RuntimeError")
    cfg = ws / "sheets-sync.yaml"
    done = script_run(_FULL_DISK_THEN_A_STOP, "sync", "--config", str(cfg), *AS_OF)
    assert UNDO_CUT in done.stderr, done.stderr
    said = done.stderr.split(UNDO_CUT, 1)[1]
    assert "Traceback" in said and "RuntimeError: a bug in the notification hook" in said
    assert done.returncode == -signal.SIGTERM, done.stdout + done.stderr


#: ``Sync.run``'s own undo: the night fails inside its run (a full disk as the rollup is
#: published), and a SIGTERM lands in the undo of its history rows
_FULL_DISK_IN_THE_RUN_THEN_A_STOP = """
import errno, os, signal, sys
from sheets_sync import cli
from sheets_sync.ops.history import HistoryStore
from sheets_sync.sync import engine

failed = []
run = engine.Sync._run

def _run(self, options):
    run(self, options)
    failed.append(True)
    raise OSError(errno.ENOSPC, "No space left on device", "/srv/okrs/company.xlsx.tmp")

settle = HistoryStore.settle_pending

def settle_pending(self, as_of, landed=None, **kwargs):
    if failed and as_of is not None:
        os.kill(os.getpid(), signal.SIGTERM)
    return settle(self, as_of, landed, **kwargs)

engine.Sync._run = _run
HistoryStore.settle_pending = settle_pending
sys.argv = ["sheets-sync", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_stop_in_the_run_s_own_undo_after_another_error_loses_neither(
    demo: Path, tmp_path: Path
) -> None:
    """``Sync.run`` undid its rows unguarded: the stop replaced the error, and only
    "interrupted by SIGTERM: stopped with 6 of 6 teams done" was said, the full disk
    never (2026-12-08, review)."""
    ws = tmp_path / "ws"
    shutil.copytree(demo.parent, ws)
    cfg = ws / "sheets-sync.yaml"
    done = script_run(_FULL_DISK_IN_THE_RUN_THEN_A_STOP, "sync", "--config", str(cfg), *AS_OF)
    lines = done.stderr.splitlines()
    said = [i for i, line in enumerate(lines) if UNDO_CUT in line]
    error = [i for i, line in enumerate(lines) if "No space left on device" in line]
    assert said and error and said[0] < error[0], done.stderr
    assert "Traceback" not in done.stderr and "interrupted" not in done.stderr, done.stderr
    assert done.returncode == -signal.SIGTERM, done.stdout + done.stderr


#: a library caller (Python's own Ctrl-C handler, no CLI): a Ctrl-C lands in the undo of
#: a night a full disk ends; the program catches what comes and runs the next night
_LIBRARY_CTRL_C_IN_THE_UNDO = """
import datetime as dt, errno, json, logging, os, signal, sys
from sheets_sync import load_workspace, run_sync
from sheets_sync.ops.history import HistoryStore
from sheets_sync.sync import run, stops
from sheets_sync.sync.engine import SyncOptions

failed = []

def notify(*args):
    failed.append(True)
    raise OSError(errno.ENOSPC, "No space left on device", "/srv/okrs/notify.json")

settle = HistoryStore.settle_pending

def settle_pending(self, as_of, landed=None, **kwargs):
    if len(failed) == 1 and as_of is not None:
        failed.append(True)
        os.kill(os.getpid(), signal.SIGINT)
    return settle(self, as_of, landed, **kwargs)

run._notify = notify
HistoryStore.settle_pending = settle_pending
logging.basicConfig(level=logging.WARNING)
ws = load_workspace(sys.argv[1])
try:
    run_sync(ws, SyncOptions(as_of=dt.date(2026, 11, 23), workers=1))
    first = ["returned"]
except BaseException as exc:
    first = [type(exc).__name__, type(exc.__context__).__name__]
left = list(stops.left())
run._notify = lambda *args: []
try:
    run_sync(ws, SyncOptions(as_of=dt.date(2026, 11, 24), workers=1))
    second = "returned"
except BaseException as exc:
    second = type(exc).__name__
print(json.dumps({"first": first, "left": left, "second": second}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_library_caller_s_ctrl_c_in_the_undo_reaches_it_now(demo: Path, tmp_path: Path) -> None:
    """Not the next call: a ``KeyboardInterrupt`` now, the error its context, and no stop
    left for the next ``run_sync``, which raised ``Interrupted`` at its first check (a
    night later, in a long-lived process) until 2026-12-08 (review)."""
    ws = tmp_path / "ws"
    shutil.copytree(demo.parent, ws)
    done = script_run(_LIBRARY_CTRL_C_IN_THE_UNDO, str(ws / "sheets-sync.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr
    got = json.loads(done.stdout.splitlines()[-1])
    assert got == {"first": ["KeyboardInterrupt", "OSError"], "left": [], "second": "returned"}
    assert "after OSError: [Errno 28] No space left on device" in done.stderr, done.stderr
