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
from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit

Kind = Literal["read", "write"]
READ: Kind = "read"
WRITE: Kind = "write"

#: Sheets API methods that are sent as POST but only retrieve data, which Google counts
#: as reads ("any method that retrieves data from a spreadsheet, such as get or search")
READ_ONLY_POSTS = (":getByDataFilter", ":batchGetByDataFilter", "/developerMetadata:search")


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


class RateLimiter:
    """``acquire(kind)`` blocks until one more request of that kind fits into the last
    ``window`` seconds; reads and writes have ``per_minute`` each."""

    def __init__(
        self,
        per_minute: int = 60,
        *,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._stamps: dict[Kind, deque[float]] = {READ: deque(), WRITE: deque()}
        self._lock = threading.Lock()
        #: seconds callers were held back, per quota, for the run report
        self.waited_by_kind: dict[Kind, float] = {READ: 0.0, WRITE: 0.0}

    @property
    def waited(self) -> float:
        """Total seconds callers were held back, reads and writes together."""
        with self._lock:
            return sum(self.waited_by_kind.values())

    def acquire(self, kind: Kind = READ) -> float:
        """Take one slot of ``kind``'s quota; returns how long this call waited."""
        stamps = self._stamps[kind]
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while stamps and now - stamps[0] >= self.window:
                    stamps.popleft()
                if len(stamps) < self.per_minute:
                    stamps.append(now)
                    self.waited_by_kind[kind] += waited
                    return waited
                wait = stamps[0] + self.window - now
            # Sleep outside the lock so other threads can see the window too; re-check after.
            self._sleep(wait)
            waited += wait
