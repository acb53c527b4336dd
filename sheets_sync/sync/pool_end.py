"""How a worker pool ends: waited for after a worker died, wound down by a stop signal,
killed by a second one. Its own module because no public API of ``ProcessPoolExecutor``
names its workers or its thread before Python 3.14, and each workaround here has a
version's behaviour behind it (``parallel.py`` runs the pool)."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess


def wind_down(pool: ProcessPoolExecutor, before: set[int]) -> None:
    """A stopping run waits for each worker to finish the team in hand; a second stop
    signal meanwhile ends them at once (SIGKILL: a write in progress leaves the old file
    and a temp file a later run removes). The workers are gone when this returns, so the
    workspace lock is never released under a worker still writing. ``before``: the
    pids of this process's children before the pool (``_workers``). The pool's own
    thread has ended too (``_wait_ended``)."""
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    except BaseException:
        children = _workers(pool, before)
        manager = getattr(pool, "_executor_manager_thread", None)  # kill_workers drops it
        while True:  # a third signal changes nothing: the kill is done again
            try:
                _kill(pool, children)
                for child in children:
                    child.join(5)
                pool.shutdown(wait=True)
                _wait_ended(manager, 5)
                break
            except KeyboardInterrupt:
                continue
        raise


def _wait_ended(thread: threading.Thread | None, timeout: float) -> None:
    """Wait for the pool's manager thread, which reaps the killed workers and closes the
    pool's pipes. Not ``join``: on Python 3.11/3.12 a join that a signal interrupted (the
    second stop, in ``shutdown``) marks the thread ended while it runs, so ``shutdown``
    and the interpreter's exit no longer waited for it; a run exiting then printed
    "Exception ignored in ... _python_exit ... Bad file descriptor" as the thread closed
    a pipe the exit hook wrote to. ``threading.enumerate()`` lists a thread until its
    last line has run, whatever a join said."""
    deadline = time.monotonic() + timeout
    while thread in threading.enumerate() and time.monotonic() < deadline:
        time.sleep(0.01)


def _workers(pool: ProcessPoolExecutor, before: set[int]) -> list[BaseProcess]:
    """The pool's worker processes. No public API names them before Python 3.14, whose
    ``kill_workers`` clears the table it reads: so taken first, from the pool's private
    table while it has one, else as the children this process started since ``before``
    (the pool's, unless another thread started processes meanwhile)."""
    table = getattr(pool, "_processes", None)
    if isinstance(table, dict):
        return [p for p in table.values() if isinstance(p, BaseProcess)]
    return [p for p in multiprocessing.active_children() if p.pid not in before]


def _kill(pool: ProcessPoolExecutor, children: Sequence[BaseProcess]) -> None:
    """SIGKILL to every worker: ``kill_workers`` where Python has it (3.14+)."""
    kill_workers = getattr(pool, "kill_workers", None)
    if callable(kill_workers):
        with contextlib.suppress(OSError, ValueError):
            kill_workers()
    for child in children:  # again, for any it did not know: a dead one is skipped
        with contextlib.suppress(OSError, ValueError):
            child.kill()


def await_workers(pool: ProcessPoolExecutor, before: set[int]) -> None:
    """A broken pool's other workers finish the team in hand (the pool SIGTERMs them:
    ``_on_stop``), awaited here so a stop signal meanwhile reaches ``wind_down``. Not by
    ``pool.shutdown``: a signal in Python 3.11's ``Thread.join`` marks the thread ended,
    and ``wind_down``'s wait then returned at once, under a worker still writing."""
    pending = [child.sentinel for child in _workers(pool, before)]
    while pending:
        ready = wait(pending)
        pending = [s for s in pending if s not in ready]
