"""A client-side limit of requests per minute, shared by every thread of a run.

Google's quota is counted per minute per user (the service account), and reads and writes
each have their own: 60 read and 60 write requests a minute by default. Staying under both
on our side is cheaper than being told 429 and backing off; one window over both would
hold a read back for writes that do not use its quota, so a night whose teams are read
and written would run at half the rate Google allows. A sliding one-minute window (not a
token bucket) per kind is used because it never lets more than ``per_minute`` calls of
that kind into any 60 s span, which is exactly the promise the quota asks for.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

Kind = Literal["read", "write"]
READ: Kind = "read"
WRITE: Kind = "write"

#: Sheets API methods that are sent as POST but only retrieve data, which Google counts
#: as reads ("any method that retrieves data from a spreadsheet, such as get or search")
READ_ONLY_POSTS = (":getByDataFilter", ":batchGetByDataFilter", "/developerMetadata:search")
#: The longest a caller waits with every slot in flight before it looks again: a slot's
#: settling wakes it, this only bounds a wake-up that never comes
IDLE_RECHECK_SECONDS = 1.0
#: How often a caller given a stop event looks at it while it waits (an ``Event`` set
#: elsewhere cannot wake our condition)
STOP_POLL_SECONDS = 0.1


class RequestStopped(BaseException):
    """The run was stopped while a Google request waited for its quota slot (or between
    its attempts): the request was not sent. Raised in a team's thread, never reported
    (the main thread has the stop signal's ``Interrupted``), and not an ``Exception``
    either: no ``except Exception`` may fail the team for it. The thread ends where one
    that saw the run's ``stopping`` before its request would have."""


def quota_kind(method: str, url: str) -> Kind | None:
    """The Sheets quota a request uses: a read for a method that only retrieves data, else
    a write (create, batchUpdate, values update/append/clear), as the emulator's routes
    mark them (``mutates``). None for a Drive call (``/drive/``: our delete of an
    unfinished template): Google counts the Drive API on a quota of its own, so it takes
    no slot of the Sheets windows and waits for none."""
    path = urlsplit(url).path
    if path.startswith(("/drive/", "/upload/drive/")):
        return None
    verb = method.upper()
    if verb in ("GET", "HEAD"):
        return READ
    if verb == "POST" and path.endswith(READ_ONLY_POSTS):
        return READ
    return WRITE


@dataclass(frozen=True)
class QuotaUse:
    """A rate limiter's counts as a run ended (``RateLimiter.snapshot``): what a
    ``SyncResult`` keeps. Plain data: it pickles and ``dataclasses.asdict``s (the live
    limiter holds a lock, and went on counting a sharing run's waits; until 2026-12-07
    the result held it)."""

    per_minute: int
    window: float
    #: seconds callers were held back, per quota
    waited_by_kind: dict[Kind, float]
    #: slots taken, per quota: the requests the limiter let through
    slots_by_kind: dict[Kind, int]

    @property
    def waited(self) -> float:
        """Total seconds callers were held back, reads and writes together."""
        return sum(self.waited_by_kind.values())


class RateLimiter:
    """``slot(kind)`` holds one request of that kind; reads and writes have ``per_minute``
    each in any ``window`` seconds.

    Google counts a request when it arrives, which we cannot see; we see when it was sent
    and when its answer came back. A slot stamped as it was taken let slot k + per_minute's
    request reach Google less than a window after slot k's when slot k's took longer to
    arrive (a 429 at each window's edge: 8 of the bench's 88 requests). So a slot is in
    flight from when it is taken until its answer is back (or its attempt failed), and is
    counted in the window from then, an upper bound on when Google counted it: a request
    sent at least a window after that time arrives at least a window after its
    predecessor did. The cost is each request's round trip once a window, not a margin.
    """

    def __init__(
        self,
        per_minute: int = 60,
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        """``sleep``: a fake one for tests with a fake ``clock``; by default a waiter
        sleeps on a condition that a slot's settling wakes."""
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        if window <= 0:
            raise ValueError("window must be positive")
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._sleep = sleep
        #: when each settled slot's answer came back, oldest first (read under the lock)
        self._settled: dict[Kind, deque[float]] = {READ: deque(), WRITE: deque()}
        self._in_flight: dict[Kind, int] = {READ: 0, WRITE: 0}
        self._lock = threading.Lock()
        self._settles = threading.Condition(self._lock)
        #: seconds callers were held back, per quota, for the run report
        self.waited_by_kind: dict[Kind, float] = {READ: 0.0, WRITE: 0.0}
        #: slots taken, per quota: the requests the limiter let through
        self.slots_by_kind: dict[Kind, int] = {READ: 0, WRITE: 0}

    @property
    def waited(self) -> float:
        """Total seconds callers were held back, reads and writes together."""
        with self._lock:
            return sum(self.waited_by_kind.values())

    def snapshot(self) -> QuotaUse:
        """The counts as they are now, copied: later waits do not change it."""
        with self._lock:
            waited, slots = dict(self.waited_by_kind), dict(self.slots_by_kind)
        return QuotaUse(self.per_minute, self.window, waited, slots)

    @contextmanager
    def slot(self, kind: Kind = READ, stop: threading.Event | None = None) -> Iterator[float]:
        """Hold one slot of ``kind``'s quota while the block sends its request; yields how
        long the caller waited for it. The slot counts from the block's end. ``stop``: the
        run's stop event; set while the caller waits (or before), the block is not run
        and ``RequestStopped`` is raised instead, no slot taken."""
        held: list[float] = []  # the wait, once the slot is counted; emptied as it settles
        try:
            self._take(kind, held, stop)
            yield held[0]
        finally:
            first: BaseException | None = None
            while held:  # a stop signal cut it short: settled again, however many come
                try:
                    self._settle(kind, held)
                except BaseException as exc:  # the first goes on up once it is settled
                    first = exc if first is None else first
            if first is not None:
                raise first

    def acquire(self, kind: Kind = READ) -> float:
        """Take a slot counted from now, as for a request answered at once; returns how
        long this call waited."""
        with self.slot(kind) as waited:
            return waited

    def _take(self, kind: Kind, held: list[float], stop: threading.Event | None) -> None:
        """Count a slot of ``kind`` in flight and put the wait in ``held``, as one unit: an
        exception (a stop signal's KeyboardInterrupt) landing between the two would leave
        a slot in flight that ``slot`` does not settle, and every later caller waiting
        for it once the slots ran out."""
        settled = self._settled[kind]
        started = self._clock()
        waited = 0.0
        with self._lock:
            while True:
                if stop is not None and stop.is_set():
                    raise RequestStopped
                now = self._clock()
                while settled and now - settled[0] >= self.window:
                    settled.popleft()
                if len(settled) + self._in_flight[kind] < self.per_minute:
                    self._in_flight[kind] += 1
                    try:
                        self.waited_by_kind[kind] += waited
                        self.slots_by_kind[kind] += 1
                        held.append(waited)
                    except BaseException:
                        if not held:  # else ``slot`` settles it
                            self._in_flight[kind] -= 1
                            self._settles.notify_all()
                        raise
                    return
                # full: the oldest settled slot leaves the window then; with every slot
                # in flight, the first to settle says when, and wakes us: a bounded wait
                # and a look again all the same (a wake-up lost is not a wait for good)
                wait = settled[0] + self.window - now if settled else IDLE_RECHECK_SECONDS
                if stop is not None:  # nothing wakes us when it is set: look that often
                    wait = min(wait, STOP_POLL_SECONDS)
                if self._sleep is not None and settled:  # a test's fake sleep
                    self._sleep_unlocked(self._sleep, wait)
                elif threading.current_thread() is threading.main_thread():
                    self._sleep_unlocked(time.sleep, wait if settled else STOP_POLL_SECONDS)
                else:
                    self._settles.wait(wait)
                waited = self._clock() - started

    def _sleep_unlocked(self, sleep: Callable[[float], None], seconds: float) -> None:
        """``sleep(seconds)`` with the lock released: in the main thread, a test's fake
        sleep like a real one. Not ``Condition.wait`` in the main thread: a stop signal's
        exception landing at its re-acquire (``_acquire_restore``, a Python call) left it
        without the lock, and ``_take``'s ``with`` then raised "release unlocked lock",
        chained to the stop: the team failed as an internal error, not "not synced
        (stopped)" (``concurrency: 1``, review). The release is inside the ``try``: an
        exception as it returns (a signal's handler runs there) finds the lock taken
        again, when no other thread holds it (the CLI's case: with threads, the main
        thread makes no request); if one does, a stop during the ``acquire`` that waits
        for it leaves this thread without the lock (an old hole, as ``_acquire_restore``
        had: a library caller sharing one limiter between its main thread and others).
        One at this function's start leaves it held, as the ``with`` expects. No other
        thread wakes the main thread: with every slot in flight, it looks again each
        ``STOP_POLL_SECONDS``."""
        try:
            self._lock.release()
            sleep(seconds)
        finally:
            self._lock.acquire()

    def _settle(self, kind: Kind, held: list[float]) -> None:
        """The slot leaves flight, counted in the window from now, and ``held`` is emptied
        to say so, as one step: no call comes between the three changes, and a stop
        signal's exception lands in Python code only at a call (a function's start, a
        call's return) or a loop's jump back. One landing before that step (at this
        function's start, in the lock's wait, in the clock) changed nothing, and ``slot``
        settles again, until one is done; one after it finds ``held`` empty. A stop
        landing before the step left the slot in flight for good until 2026-12-06 (and a
        second one as it settled again, later that day), and every later caller of the
        run waited for it once the slots ran out."""
        with self._lock:
            now = self._clock()  # under the lock: the window's stamps stay in order
            if held:
                self._in_flight[kind] -= 1
                del held[:]
                self._settled[kind].append(now)
            self._settles.notify_all()
