"""No thread of ours runs across the workers' forks: a child must never start with a lock
that a thread it does not have was holding (Python 3.12+ warns of the deadlock)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

import pytest
from rich.console import Console

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.parallel import isolated
from sheets_sync.sync.run import run_sync
from sheets_sync.sync.ticker import Ticker
from sheets_sync.workspace.demo import create_demo

TERMINAL_LOCK = threading.Lock()  # stands for the console's and stderr's locks
_redraws = threading.Semaphore(0)  # one release a redraw


def _redraw() -> None:
    with TERMINAL_LOCK:  # held nearly all the time, as a slow terminal would
        time.sleep(0.02)
    _redraws.release()


def _child_can_write(i: int) -> bool:
    if TERMINAL_LOCK.acquire(timeout=1):
        TERMINAL_LOCK.release()
        return True
    return False  # the lock came held: the child would hang on its first log line


def test_a_ticker_never_holds_a_lock_across_a_fork() -> None:
    with Ticker(_redraw, interval=0.0001):
        time.sleep(0.05)
        assert isolated(_child_can_write, range(6), 2) == dict.fromkeys(range(6), True)
        while _redraws.acquire(blocking=False):  # the redraws before the last fork
            pass
        # ticking again after the forks: a redraw ends after the last one. (Looking at the
        # lock at one instant failed under load: a busy box left the thread between two
        # redraws for longer than the test waited.)
        assert _redraws.acquire(timeout=30)
    assert not any(t.name == "sheets-sync-ticker" for t in threading.enumerate())


_seen: list[list[str]] = []  # the threads alive at each fork while ``_watching``
_watching = threading.Event()


def _before_fork() -> None:
    if _watching.is_set():
        _seen.append([type(t).__name__ for t in threading.enumerate()])


os.register_at_fork(before=_before_fork)


def test_the_progress_bar_has_no_refresh_thread_of_rich_at_a_fork(
    eight_cpus: None, tmp_path: Path
) -> None:
    cfg = create_demo(tmp_path / "ws")
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    _watching.set()
    try:
        result = run_sync(
            load_workspace(cfg),
            SyncOptions(as_of=dt.date(2026, 11, 23), workers=2),
            console=console,
        )
    finally:
        _watching.clear()
    assert not result.failed
    assert _seen, "the night forked no worker"
    assert not any("_RefreshThread" in names for names in _seen), _seen
    assert "syncing teams" in out.getvalue()  # the bar is still drawn


_FORK_AFTER_ROLLUP_IMPORT = """
import multiprocessing, os, sys
from sheets_sync.sync import rollup_step
rollup_step.import_libraries()  # what the night imports while the readers parse
names = [open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task")]
child = multiprocessing.get_context("fork").Process(target=print)
child.start()
child.join()
print(names)
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads listed by Linux /proc")
def test_the_writers_fork_after_the_rollup_import_without_a_jemalloc_thread() -> None:
    env = {k: v for k, v in os.environ.items() if k != "JE_ARROW_MALLOC_CONF"}
    done = subprocess.run(
        [sys.executable, "-W", "default", "-c", _FORK_AFTER_ROLLUP_IMPORT],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "jemalloc_bg_thd" not in done.stdout
    assert "multi-threaded" not in done.stderr  # Python 3.12+'s warning


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="threads listed by Linux /proc")
def test_the_writers_fork_after_the_rollup_import_with_one_thread_only() -> None:
    """numpy's OpenBLAS started a thread per further CPU on import: every fork of the
    writers had it (Python 3.12 warned of it in the suite, 11 times in test_parallel.py
    and test_modes_agree.py alone)."""
    unset = ("JE_ARROW_MALLOC_CONF", "OPENBLAS_NUM_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    done = subprocess.run(
        [sys.executable, "-c", _FORK_AFTER_ROLLUP_IMPORT],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.split("\n")[-2] == "['python']"


def test_a_stop_as_the_ticker_is_stopped_leaves_no_lock_held() -> None:
    """A stop signal's exception lands at a Python function's call: at the release of a
    library's lock (a Python-level ``Condition.__exit__``), it leaves the lock held. The
    ticker was stopped by an ``Event``, whose ``set`` releases its lock so: a stop there
    (a second Ctrl-C as the run left the ticker's ``with``) left the ticker's thread
    blocked for good in its ``wait``, and the run in the ``join`` that followed. Placed
    by a trace function at every such release the ``with``'s exit makes."""
    ticker = Ticker(lambda: None, interval=0.001)
    exit_code = threading.Condition.__exit__.__code__
    landed: list[str] = []

    def landing(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code is exit_code and not landed:
            landed.append(frame.f_back.f_code.co_qualname if frame.f_back else "?")
            raise KeyboardInterrupt("a stop at the lock's release")

    threads: list[threading.Thread] = []
    with contextlib.suppress(KeyboardInterrupt):
        with ticker:
            threads += [t for t in [ticker._thread] if t is not None]
            sys.settrace(landing)
        sys.settrace(None)
    sys.settrace(None)
    (thread,) = threads
    thread.join(30)
    assert not thread.is_alive(), f"a stop in {landed}'s lock release left the ticker blocked"
