"""How many worker processes a night forks: as many as the CPUs allow and the teams are
worth, and none while another thread runs in this process (a fork would copy its locks).

The pool itself is ``parallel.py``'s; this holds the decision only, so it can be read
(and tested) without the pool's mechanics.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading

from sheets_sync.loggers import get_logger
from sheets_sync.sync import cgroup_quota
from sheets_sync.sync.ticker import THREAD_NAME as TICKER_THREAD

log = get_logger("sheets_sync.sync")
MIN_TEAMS_PER_WORKER = 8  # below this a worker's start-up costs more than it saves


def available_cpus() -> int:
    """The CPUs this process may use: as ``taskset`` or a cpuset allow, and no more than
    a container's CPU quota (``cgroup_quota``: the affinity does not show it)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(cpus, cgroup_quota.quota_cpus() or cpus)


def worker_count(teams: int, requested: int | None) -> int:
    """``requested`` (``--workers``) up to the CPUs this process may use, or, by default,
    one per CPU while each gets enough teams; none while another thread runs in this
    process (``_other_threads``)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    others = _other_threads()
    if others:  # said once a process: asked at each phase, a server names threads per request
        if not _said_no_fork:
            _said_no_fork.append(True)
            log.log(
                logging.INFO if requested is None else logging.WARNING,  # workers asked for
                "other threads run in this process (%s): local teams are synced in it, "
                "without worker processes (a fork would copy those threads' locks held)",
                ", ".join(sorted(others)),
            )
        return 1
    if requested is not None:
        return max(1, min(requested, teams, available_cpus()))
    return max(1, min(available_cpus(), teams // MIN_TEAMS_PER_WORKER, 8))


def say_cpu_cap(teams: int, requested: int | None) -> None:
    """A warning when ``worker_count`` gives fewer workers than asked for because of the
    CPUs: ``--workers 64`` on a 2-CPU box forked 64 processes, each as big as the main
    one after reading, taking turns on two CPUs (the night slower, the box swapping).
    The CPUs this process may use: ``available_cpus``."""
    cpus = available_cpus()
    if (
        requested is None
        or _other_threads()
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return  # the default fits the CPUs; without forks, one process (said if asked)
    if min(requested, teams) > cpus:
        log.warning(
            "%d workers asked for, but this process may use %d CPU%s: using %d",
            requested,
            cpus,
            "" if cpus == 1 else "s",
            cpus,
        )


_said_no_fork: list[bool] = []
#: ``ticker.Ticker``'s thread: it stops itself across each fork
_FORK_SAFE_THREADS = frozenset({TICKER_THREAD})


def _other_threads() -> list[str]:
    """The names of the threads a fork would copy mid-flight: every one but the caller's
    and the tool's own ticker. A forked child starts with the forking thread alone, and
    a lock another thread held then (logging's, a C library's, a console's) stays held
    there for good: the worker hangs. So a library caller's threaded app (a web server,
    a scheduler's heartbeat) syncs in one process rather than risk that; Python 3.12+
    warns of it on each fork. Processes, not a ``forkserver`` (Python 3.14's default on
    Linux, which the pool does not use: it asks for fork): the workers rely on starting
    with the night's plan in memory, which a fresh process would be sent pickled."""
    me = threading.current_thread()
    return [
        t.name for t in threading.enumerate()
        if t is not me and _running(t) and t.name not in _FORK_SAFE_THREADS
    ]  # fmt: skip


def _running(thread: threading.Thread) -> bool:
    """A ``_DummyThread`` (started outside Python, a C library's, that once called into
    it) says it is alive for good: it counts while its OS thread runs (Linux: in
    ``/proc``), as it may hold that library's locks; elsewhere it counts for good."""
    tid = thread.native_id
    if isinstance(thread, threading._DummyThread) and tid and sys.platform == "linux":
        return os.path.exists(f"/proc/self/task/{tid}")
    return thread.is_alive()
