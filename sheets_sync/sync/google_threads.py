"""Google teams read (and written) in threads: their work is I/O-bound, and a stop must
end it without releasing the workspace lock under a request in flight. Its own module so
that what a stop does to the threads is in one place (``engine.Sync.read_all`` runs it;
worker processes are ``parallel.py``'s)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from sheets_sync.config import TeamSpec
from sheets_sync.sync.outcome import TeamRun
from sheets_sync.sync.pool_end import result_awake, threads_ended
from sheets_sync.sync.reading import TeamRead

log = logging.getLogger("sheets_sync.sync")


def read_in_threads(
    one: Callable[[TeamSpec], TeamRead],
    specs: Sequence[TeamSpec],
    order: Sequence[int],
    workers: int,
    stopping: threading.Event,
    told: Callable[[TeamRun], None] | None = None,
) -> list[TeamRead]:
    """``one(spec)`` for every spec in ``workers`` threads, begun in ``order``, returned
    in ``specs``' order. ``one`` begins no team once ``stopping`` is set. ``told`` gets
    the run of each team a thread finished (settled) when a stop ends the reads."""
    pool = ThreadPoolExecutor(max_workers=workers)  # the read cache is not shared
    started: dict[int, Future[TeamRead]] = {}
    try:
        started.update((i, pool.submit(one, specs[i])) for i in order)  # in submit order
        return [result_awake(started[i]) for i in range(len(specs))]  # a stop: seen
    except BaseException:
        _stop_threads(pool, stopping, started.values(), told)
        raise
    finally:
        pool.shutdown(wait=False)
        threads_ended(getattr(pool, "_threads", ()))  # idle: each ends at once


def _stop_threads(
    pool: ThreadPoolExecutor,
    stopping: threading.Event,
    started: Iterable[Future[TeamRead]],
    told: Callable[[TeamRun], None] | None,
) -> None:
    """A stop signal (or an error) while Google teams are read and written in threads:
    the teams not begun are cancelled, and a thread stops before its team's next read
    or write (``stopping``), so each finishes at most the request it is making. The
    threads are waited for, whatever further signals come: the workspace lock must
    not be released while one may still write (another run could write the same
    sheets); not joined, as a second signal in a join marked the thread ended on
    Python 3.11/3.12 (``pool_end.threads_ended``). The teams they settled count."""
    while True:
        try:
            stopping.set()
            pool.shutdown(wait=False, cancel_futures=True)
            threads_ended(getattr(pool, "_threads", ()))  # not joined: ``threads_ended``
            break
        except KeyboardInterrupt:
            log.warning("stopping: waiting for the Google requests in flight to end")
    if told is None:
        return
    for future in started:
        if future.done() and not future.cancelled() and future.exception() is None:
            state = future.result()
            if state.finished and state.run is not None:
                told(state.run)
