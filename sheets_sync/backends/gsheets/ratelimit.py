"""A client-side limit of requests per minute, shared by every thread of a run.

Google's quota is counted per minute per user (the service account); staying under it on
our side is cheaper than being told 429 and backing off. A sliding one-minute window (not
a token bucket) is used because it never lets more than ``per_minute`` calls into any 60 s
span, which is exactly the promise the quota asks for.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """``acquire()`` blocks until one more request fits into the last ``window`` seconds."""

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
        self._stamps: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds callers were held back, for the run report

    def acquire(self) -> float:
        """Take one slot; returns how long this call waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._stamps and now - self._stamps[0] >= self.window:
                    self._stamps.popleft()
                if len(self._stamps) < self.per_minute:
                    self._stamps.append(now)
                    self.waited += waited
                    return waited
                wait = self._stamps[0] + self.window - now
            # Sleep outside the lock so other threads can see the window too; re-check after.
            self._sleep(wait)
            waited += wait
