"""Local team workbooks read and patched in worker processes.

Reading and patching a workbook is CPU-bound Python (zip, XML scan, scoring), so threads
would not help; each phase of the engine instead maps its per-team function over a pool of
forked processes. Fork, because the children then start with the workspace, the mappings
and (in phase 2) the whole night's reads already in memory: only a team's index crosses
into a child and only its small result comes back. Results come back in workspace order,
so a run with workers equals a run without them.

Used for local workbooks only: Google teams are I/O-bound (threads in ``engine.py``), and a
test's injected backend factory may not survive a fork.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

log = logging.getLogger("sheets_sync.sync")
T = TypeVar("T")
MIN_TEAMS_PER_WORKER = 8  # below this a worker's start-up costs more than it saves

# Set in the parent just before the pool forks; each child sees its own copy.
_TASK: dict[str, Callable[[int], object]] = {}


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(teams: int, requested: int | None) -> int:
    """``requested`` (``--workers``) or, by default, one per CPU while each gets enough teams."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested is not None:
        return max(1, min(requested, teams))
    return max(1, min(available_cpus(), teams // MIN_TEAMS_PER_WORKER, 8))


def _call(i: int) -> object:
    return _TASK["task"](i)


def map_in_workers(
    task: Callable[[int], T],
    count: int,
    workers: int,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[T]:
    """``task(0) .. task(count - 1)`` in ``workers`` forked processes, in order.

    ``meanwhile`` runs in this process once every task is handed out (only when there
    are workers): work of its own instead of waiting. A pool that breaks (a child killed
    by the OOM killer, say) is not the teams' fault: whatever had not come back is done
    again in this process.
    """
    if workers <= 1 or count <= 1:
        yield from (task(i) for i in range(count))
        return
    _TASK["task"] = task
    done = 0
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, min(16, count // (workers * 4)))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = pool.map(_call, range(count), chunksize=chunk)  # all handed out now
            if meanwhile is not None:
                meanwhile()
            for result in results:
                done += 1
                yield result  # type: ignore[misc]
    except BrokenProcessPool:
        log.warning("worker processes stopped; finishing %d teams in one process", count - done)
        yield from (task(i) for i in range(done, count))
    finally:
        _TASK.clear()
