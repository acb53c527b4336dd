"""Google teams read (and written) in threads: their work is I/O-bound, and a stop must
end it without releasing the workspace lock under a request in flight. Its own module so
that what a stop does to the threads is in one place (``engine.Sync.read_all`` runs it;
worker processes are ``parallel.py``'s)."""

from __future__ import annotations

import functools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from sheets_sync.backends.factory import working_for
from sheets_sync.config import TeamSpec
from sheets_sync.loggers import get_logger
from sheets_sync.sync import stops
from sheets_sync.sync.outcome import TeamRun
from sheets_sync.sync.pool_end import result_awake, threads_ended, until_done
from sheets_sync.sync.reading import TeamRead

log = get_logger("sheets_sync.sync")
#: the note of a second stop while the run waits for its Google threads, said before the
#: wait, or once it is over: the wait holds signals, so a stop inside it is seen then
WAITING = "stopping: waiting for the Google requests in flight to end"
WAITED = "stopping: waited for the Google requests in flight to end"


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
    the run of each team a thread finished (settled) when a stop ends the reads.

    A stop signal (or an error) while the threads run: the teams not begun are
    cancelled, and a thread stops before its team's next read or write (``stopping``),
    so each finishes at most the request it is making. The threads are waited for,
    whatever further signals come and whatever their handlers raise (a caller's
    ``sys.exit`` too): the workspace lock must not be released while one may still
    write (another run could write the same sheets). The wait is in the ``finally``
    itself, so a second signal that lands as the stop is handled still sets
    ``stopping`` and cancels (one landing at the call of ``until_done`` itself, before
    its ``try``, skipped it all until 2026-12-06, review); the futures and threads are
    polled, not joined (``pool_end.threads_ended``). An error in that wait (no signal:
    it may come again each time) gives it up after ``pool_end.CLEANUP_ATTEMPTS``, logged
    (``until_done``)."""
    units = sheet_turns(specs, order)
    done: dict[int, TeamRead] = {}  # each team's, once its ``one`` returned

    def turns(unit: Sequence[int]) -> None:
        for i in unit:  # a sheet's teams one after another; a stop begins none (``one``)
            done[i] = one(specs[i])

    pool = ThreadPoolExecutor(max_workers=workers)  # the read cache is not shared
    started: dict[int, Future[None]] = {}
    reads: list[TeamRead] | None = None
    try:
        # held: a stop landing in ``submit``'s release of the pool's idle count (a
        # ``Semaphore``'s Python-level ``Condition.__exit__``) left it held, and a thread
        # that ended its team blocked on it for good (``pool_end.settle_awake``)
        with stops.held(block=False):
            # each thread's requests watch this run's stop event (a shared client's own
            # is the oldest run's: ``factory.calling_run_stop``)
            started.update(
                (n, pool.submit(working_for, stopping, turns, unit)) for n, unit in enumerate(units)
            )  # in order
        # a stop: seen, and one whose exception was lost (``stops.py``) raised again, so
        # the threads hear of it now, not once every team was read and written
        for n in range(len(units)):
            result_awake(started[n], stops.check)
        reads = [done[i] for i in range(len(specs))]
        return reads
    finally:
        returning = reads is not None  # none is on its way

        warned: list[bool] = []
        waited: list[bool] = []  # the wait for the threads is over

        def end(cancel: bool, say: bool = False) -> None:  # a further signal changes nothing
            # (``until_done``). held: a stop's exception landing inside a library's lock
            # (``stopping``'s in ``set``, a future's in ``shutdown``'s ``cancel`` and in
            # ``done``: a Python-level ``Condition.__exit__`` runs a pending handler before
            # it releases) left it held, and a thread that needed it never ended; raised
            # once this is done (tests/sync/test_stopped_locks.py places one at each)
            with stops.held():
                if cancel:  # a stop (or an error) is on its way
                    stopping.set()
                    pool.shutdown(wait=False, cancel_futures=True)
                else:
                    pool.shutdown(wait=False)
                if say and not warned:  # said once, however many stops cut it short; said
                    # once the threads are told and the queue cancelled (said first until
                    # 2026-12-07, review: as it was written, a thread that ended its team
                    # began a queued one). A stop inside this held wait runs its handler
                    # only once the wait is over: its note comes then, and says so
                    # (docs/scheduling.md; it said "waiting" until 2026-12-07)
                    log.warning(WAITED if waited else WAITING)
                    warned.append(True)
                _futures_ended(started.values())
                threads_ended(getattr(pool, "_threads", ()))  # idle by now: each ends at once
                waited.append(True)

        def again() -> None:  # once one was cut short, the wait is a stop's
            end(cancel=True, say=True)

        caught: BaseException | None = None
        # a further stop at ``until_done``'s call (before its ``try``) skipped it all; two
        # in a row, at that call and then at this loop's jump back, still do (the limit
        # ``until_done`` names: no Python loop closes it while handlers raise). One that
        # landed at the call cut the wait short as one inside it does: ``again`` (until
        # 2026-12-06 the wait was then done unsaid)
        while True:
            try:
                first = until_done(
                    again if caught else functools.partial(end, not returning),
                    "waiting for the Google requests in flight",
                    again,
                )
                caught = caught or first
                break
            except BaseException as exc:  # landed at the call: the clean-up is still due
                caught = caught or exc
        if (caught is not None or not returning) and told is not None:
            _tell(list(done.values()), told)
        if caught is not None and returning:
            raise caught  # none was on its way: this one goes up instead of the reads


def sheet_turns(specs: Sequence[TeamSpec], order: Sequence[int]) -> list[list[int]]:
    """The threads' tasks, in ``order`` (each where its first team is): one a team, but
    the teams of a spreadsheet several teams share (a tab each) are one task, run one
    after another in ``order`` (the night's reads', ``linked.read_order``: a team after the
    teams whose KPIs it read the night before), each read (and, when it stands alone,
    written) once the one before it ended: its Drive version, taken before its read, is
    then past the sync's own writes of the sheet, and an edit of its tab made while
    another team's write ran is in its read or fails its check (``guard.check``). Read in
    parallel until 2026-12-07, the version another team's write left was taken for the
    run's own, and an edit made to this team's tab during that write was written over.
    Other sheets' teams still run in parallel. One task a sheet: until 2026-12-07 each
    team was its own task, and the teams of one sheet held a thread each while they
    waited their turn (2 sheets of 20 teams, 4 threads: 1.9 s where 1.0 s would do)."""
    keys = [_sheet(s) for s in specs]
    counts = Counter(k for k in keys if k)
    units: list[list[int]] = []
    sheets: dict[str, list[int]] = {}
    for i in order:
        key = keys[i]
        if key is None or counts[key] < 2:
            units.append([i])
        elif key in sheets:
            sheets[key].append(i)
        else:
            sheets[key] = [i]
            units.append(sheets[key])
    return units


def _sheet(spec: TeamSpec) -> str | None:
    """A Google team's sheet (its ``google_key``: a sheet's URL is its key once the
    workspace loads); None for another (a caller's stand-in too): the teams of one Excel
    file are read in parallel, written one after another (``team_steps.by_workbook``)."""
    return spec.google_key if getattr(spec, "is_google", False) else None


def _futures_ended(futures: Iterable[Future[None]]) -> None:
    """Every future done (cancelled, or its thread's task ended), polled each 0.01 s as
    ``pool_end.threads_ended`` does. Not ``concurrent.futures.wait``: it takes every
    future's lock in turn, and a signal's exception between two acquires left one held,
    so the thread that finished its future hung on it, and the run with it."""
    pending = list(futures)
    while pending:
        time.sleep(0.01)
        pending = [f for f in pending if not f.done()]


def _tell(settled: Iterable[TeamRead], told: Callable[[TeamRun], None]) -> None:
    """The teams the threads settled before the stop count as done."""
    for state in settled:
        if state.finished and state.run is not None:
            told(state.run)
