"""A periodic call in a thread of its own that is never running when this process forks.

The night forks its workers (``parallel.py``) while the terminal's progress bar is shown.
Rich's own refresh thread redraws the bar ten times a second holding the console's lock
and the terminal's write lock; a fork taken in the middle of a redraw gives the child
those locks held by a thread it does not have, and a child that then logs to the
terminal hangs for good (Python 3.12+ warns about exactly this: "This process is
multi-threaded, use of fork() may lead to deadlocks in the child"). A ``Ticker`` is
stopped and joined just before every ``os.fork`` and started again in the parent after
it, so a fork never sees it mid-call; the child starts with no ticker.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from types import TracebackType

#: the ticker's thread, the one a fork may find running (``workers.worker_count``)
THREAD_NAME = "sheets-sync-ticker"
_running: list[Ticker] = []  # tickers inside their ``with``, in this process
_guard = threading.Lock()  # ``_running``, against a fork from another thread


class Ticker:
    """``tick()`` every ``interval`` seconds while inside ``with``, except across forks."""

    def __init__(self, tick: Callable[[], None], interval: float = 0.1) -> None:
        self._tick = tick
        self._interval = interval
        self._stop = threading.Lock()
        self._thread: threading.Thread | None = None

    def _run(self, stop: threading.Lock) -> None:
        while not stop.acquire(timeout=self._interval):  # released: the ticker stops
            self._tick()

    def _start(self) -> None:
        """The stop is a plain lock held till ``_halt`` releases it, not an ``Event``:
        ``Event.set`` releases its lock in a Python-level ``Condition.__exit__``, and a
        stop signal's exception landing at that call (the run's second Ctrl-C, as the
        ticker's ``with`` is left) left it held: the ticker's thread blocked on it for
        good in its ``wait``, and the run in the ``join`` below (tests/sync/test_ticker.py).
        A plain lock's ``release`` is one C call: a stop lands before it or after."""
        self._stop = threading.Lock()
        self._stop.acquire()
        self._thread = threading.Thread(
            target=self._run, args=(self._stop,), name=THREAD_NAME, daemon=True
        )
        self._thread.start()

    def _halt(self) -> None:
        """Stop the redraw thread and wait for it, so no fork copies it mid-redraw with the
        console's locks held. From the ticker's own thread (a redraw that forks) it cannot
        wait for itself: the stop is set and the thread ends after that tick."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.release()
            if thread is not threading.current_thread():  # a tick that forks: it stops after
                thread.join()

    def __enter__(self) -> Ticker:
        with _guard:
            self._start()
            _running.append(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with _guard:
            if self in _running:
                _running.remove(self)
            self._halt()


def _before_fork() -> None:
    _guard.acquire()  # released after the fork, in parent and child alike
    for ticker in _running:
        ticker._halt()


def _after_fork_in_parent() -> None:
    try:
        for ticker in _running:
            ticker._start()
    finally:
        _guard.release()


def _after_fork_in_child() -> None:
    _running.clear()  # their threads stayed in the parent
    _guard.release()


if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_in_parent,
        after_in_child=_after_fork_in_child,
    )
