"""How often the run's waits for its workers wake (``pool_end._WAKE``): a stop whose C
handler ran as a wait began (or in another thread) is handled only at the wait's next
wake. The stop tests (test_stopped_waits.py, test_stopped_google.py) no longer time the
stop (a loaded box made a bound on it fail with the code right), so the wake is checked
here, without a clock: each wait passes ``_WAKE`` as its timeout, and ``_WAKE`` is small.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from types import SimpleNamespace
from typing import Any

import pytest

from sheets_sync.sync import parallel, pool_end


def test_the_wake_is_well_inside_the_workers_wait_for_the_run_s_word() -> None:
    """A stop handled at the wait's next wake: the workers, signalled too, wait
    ``_PARENT_GRACE`` for the run's word and then take the stop as their own (the teams
    they finished are synced but not counted), and a user's second Ctrl-C waits as long.
    20 s (a mutation the stop tests, untimed, did not see) outlasted the grace."""
    assert 0 < pool_end._WAKE <= 1.0
    assert pool_end._WAKE * 10 <= parallel._PARENT_GRACE


class _Lock:
    """A real lock that notes the timeout of each ``acquire``."""

    def __init__(self, timeouts: list[float | None]) -> None:
        self._lock = threading.Lock()
        self._timeouts = timeouts

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        self._timeouts.append(None if timeout == -1 else timeout)
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()


@pytest.mark.timeout(60)  # a hang's bound: a wait with no timeout never runs ``check``
def test_settle_awake_waits_in_steps_of_the_wake(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait for a chunk (``result_awake``) and for a Google team's reads."""
    timeouts: list[float | None] = []
    fake = SimpleNamespace(Lock=lambda: _Lock(timeouts))
    monkeypatch.setattr(pool_end, "threading", fake)
    future: Future[int] = Future()
    checks: list[int] = []

    def check() -> None:  # the future is settled at the wait's third wake
        checks.append(1)
        if len(checks) == 3:
            future.set_result(7)

    assert pool_end.result_awake(future, check) == 7
    # the first acquire takes the fresh lock; then one wait a wake, the last one released
    assert timeouts == [None] + [pool_end._WAKE] * 4, timeouts


def test_wake_to_check_waits_in_steps_of_the_wake(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait for the idle workers' end (``end_idle``, ``await_workers``) and for a
    rerun child's outcome."""
    timeouts: list[float | None] = []

    def wait(objects: list[Any], timeout: float | None = None) -> list[Any]:
        timeouts.append(timeout)
        return objects[:1] if len(timeouts) == 3 else []

    monkeypatch.setattr(pool_end, "wait", wait)
    assert pool_end.wake_to_check(["a", "b"]) == ["a"]
    assert timeouts == [pool_end._WAKE] * 3


def test_a_rerun_child_s_join_waits_in_steps_of_the_wake(monkeypatch: pytest.MonkeyPatch) -> None:
    timeouts: list[float | None] = []

    class Child:
        exitcode: int | None = None
        sentinel = object()

        def join(self, timeout: float | None = None) -> None:
            timeouts.append(timeout)
            if len(timeouts) == 3:
                self.exitcode = 0

    monkeypatch.setattr(parallel, "wait", lambda objects, timeout=None: [])
    parallel._joined(Child())  # type: ignore[arg-type]
    assert timeouts == [pool_end._WAKE] * 3
