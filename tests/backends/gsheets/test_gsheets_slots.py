"""The rate limiter's slots under exceptions and stops: a slot taken is always given
back, a caller never waits for good, and a stopped run's caller sends nothing."""

from __future__ import annotations

import contextlib
import random
import sys
import threading
import time
from types import FrameType
from typing import Any

import pytest

from sheets_sync.backends.gsheets.ratelimit import READ, WRITE, RateLimiter, RequestStopped
from sheets_sync.emulator import Emulator
from tests.backends.gsheets.conftest import MakeClient


class InterruptOnce(dict):  # type: ignore[type-arg]
    """``waited_by_kind`` whose first update raises KeyboardInterrupt: a stop signal
    landing in ``_take`` just after the slot was counted in flight."""

    armed = True

    def __setitem__(self, key: Any, value: Any) -> None:
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        super().__setitem__(key, value)


def acquiring(limiter: RateLimiter) -> threading.Event:
    """Set once another thread's ``acquire(READ)``, started now, has returned."""
    done = threading.Event()

    def take() -> None:
        limiter.acquire(READ)
        done.set()

    threading.Thread(target=take, daemon=True).start()
    return done


def test_an_interrupt_landing_just_after_a_slot_is_taken_gives_the_slot_back() -> None:
    limiter = RateLimiter(1, window=0.05)
    limiter.waited_by_kind = InterruptOnce(limiter.waited_by_kind)
    with pytest.raises(KeyboardInterrupt), limiter.slot(READ):
        pytest.fail("the block must not run")  # pragma: no cover
    assert limiter._in_flight == {READ: 0, WRITE: 0}
    assert acquiring(limiter).wait(30), "the slot leaked: the next caller waits for good"


class InterruptingClock:
    """``time.monotonic`` whose next call, once armed, raises KeyboardInterrupt: a stop
    signal whose handler runs as ``_settle`` reads the clock."""

    armed = False

    def __call__(self) -> float:
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return time.monotonic()


def test_an_interrupt_as_a_slot_settles_still_settles_it() -> None:
    clock = InterruptingClock()
    limiter = RateLimiter(1, window=0.05, clock=clock)
    with pytest.raises(KeyboardInterrupt), limiter.slot(READ):
        clock.armed = True  # the request's answer is back: the slot settles
    assert limiter._in_flight == {READ: 0, WRITE: 0}
    assert len(limiter._settled[READ]) == 1, "the request sent was not counted in the window"
    assert acquiring(limiter).wait(30), "the slot leaked: the next caller waits for good"


def test_an_interrupt_as_the_settling_begins_still_settles_the_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop signal whose handler runs at ``_settle``'s first line (a function's start
    is where a pending signal's handler runs): before 2026-12-06 the slot stayed in
    flight for good."""
    limiter = RateLimiter(1, window=0.05)
    settle, calls = limiter._settle, []

    def interrupted_once(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 1:
            raise KeyboardInterrupt
        settle(*args)

    monkeypatch.setattr(limiter, "_settle", interrupted_once)
    with pytest.raises(KeyboardInterrupt), limiter.slot(READ):
        pass
    assert limiter._in_flight == {READ: 0, WRITE: 0}
    assert acquiring(limiter).wait(30), "the slot leaked: the next caller waits for good"
    assert len(calls) == 3  # the interrupted one, it again, and the next caller's


def test_a_stop_at_each_settling_s_start_still_settles_the_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two stop signals (SIGINT, then SIGTERM), each whose handler runs at ``_settle``'s
    first line: the first one's exception goes on up. Before it was settled again only
    once, and the slot stayed in flight for good."""
    limiter = RateLimiter(1, window=0.05)
    settle, calls = limiter._settle, []

    def interrupted_twice(*args: Any) -> None:
        calls.append(args)
        if len(calls) <= 2:
            raise KeyboardInterrupt(len(calls))
        settle(*args)

    monkeypatch.setattr(limiter, "_settle", interrupted_twice)
    with pytest.raises(KeyboardInterrupt) as raised, limiter.slot(READ):
        pass
    assert limiter._in_flight == {READ: 0, WRITE: 0}
    assert acquiring(limiter).wait(30), "the slot leaked: the next caller waits for good"
    assert raised.value.args == (1,), "not the first stop's exception"


def test_a_caller_with_every_slot_in_flight_looks_again_without_a_wake_up() -> None:
    """A wake-up that never comes (a slot given back behind the condition's back here)
    delays the caller at most a bounded wait, not for good."""
    limiter = RateLimiter(1, window=0.05)
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with limiter.slot(READ):
            taken.set()
            release.wait(60)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert taken.wait(30)
    done = acquiring(limiter)
    with limiter._lock:  # the slot is free again, and no one says so
        limiter._in_flight[READ] -= 1
    assert done.wait(30), "a caller waiting with every slot in flight never looked again"
    with limiter._lock:
        limiter._in_flight[READ] += 1  # the holder's, which it settles now
    release.set()
    holder.join(30)


def test_many_threads_few_slots_with_failing_blocks_give_every_slot_back() -> None:
    limiter = RateLimiter(2, window=0.05)
    errors: list[BaseException] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(6):
            try:
                with limiter.slot(READ if rng.random() < 0.5 else WRITE):
                    time.sleep(rng.random() * 0.01)
                    if rng.random() < 0.3:
                        raise RuntimeError("send failed")
            except RuntimeError:
                pass
            except BaseException as exc:  # pragma: no cover - the failure reported below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert limiter._in_flight == {READ: 0, WRITE: 0}


RENAME = {
    "requests": [
        {"updateSpreadsheetProperties": {"properties": {"title": "t2"}, "fields": "title"}}
    ]
}


def hold_every_slot(limiter: RateLimiter, kind: str = READ) -> threading.Event:
    """Take every slot of ``kind`` in a thread until the returned event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with contextlib.ExitStack() as stack:
            for _ in range(limiter.per_minute):
                stack.enter_context(limiter.slot(kind))  # type: ignore[arg-type]
            taken.set()
            release.wait(60)

    threading.Thread(target=hold, daemon=True).start()
    assert taken.wait(30)
    return release


def test_a_caller_waiting_for_a_slot_stops_when_its_stop_is_set() -> None:
    limiter = RateLimiter(1, window=60)
    release = hold_every_slot(limiter)
    stop, waiting, ended = threading.Event(), threading.Event(), threading.Event()
    outcome: list[BaseException] = []

    def wait_for_slot() -> None:
        try:
            waiting.set()
            with limiter.slot(READ, stop):
                pytest.fail("the block ran after the stop")  # pragma: no cover
        except BaseException as exc:  # what the caller sees
            outcome.append(exc)
        ended.set()

    threading.Thread(target=wait_for_slot, daemon=True).start()
    assert waiting.wait(30)
    assert not ended.wait(0.3)  # still waiting: every slot is in flight
    stop.set()
    assert ended.wait(30), "the stop did not end the wait"
    assert [type(e) for e in outcome] == [RequestStopped]
    assert limiter._in_flight == {READ: 1, WRITE: 0}  # the holder's only: none taken
    release.set()


def test_a_stop_set_before_a_slot_is_asked_for_takes_none() -> None:
    limiter = RateLimiter(5)
    stop = threading.Event()
    stop.set()
    with pytest.raises(RequestStopped), limiter.slot(WRITE, stop):
        pytest.fail("the block ran after the stop")  # pragma: no cover
    assert limiter._in_flight == {READ: 0, WRITE: 0}
    assert limiter.acquire(WRITE) == 0.0


@pytest.mark.emulator
def test_a_client_request_waiting_for_its_slot_is_not_sent_after_a_stop(
    emulator: Emulator, make_client: MakeClient, api_requests: Any
) -> None:
    """The review's case: a Google thread past the run's ``stopping`` check, waiting in
    the limiter, sent its write once a slot came free, after the stop."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    limiter = RateLimiter(1, window=60)
    client = make_client(limiter=limiter)
    client.stopping = threading.Event()
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="team X")
    client.batch_update(key, RENAME, source="team X")  # both quotas used up
    outcome: list[BaseException] = []
    ended = threading.Event()

    def write() -> None:
        try:
            client.batch_update(key, RENAME, source="team Y")
        except BaseException as exc:  # what the team's thread sees
            outcome.append(exc)
        ended.set()

    threading.Thread(target=write, daemon=True).start()
    assert not ended.wait(0.5)  # waiting for the write quota's window
    client.stopping.set()
    assert ended.wait(30), "the stop did not end the wait for a slot"
    assert [type(e) for e in outcome] == [RequestStopped]
    assert [r.endpoint for r in api_requests(key)] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
    ]  # the stopped write was never sent
    assert limiter._in_flight == {READ: 0, WRITE: 0}


@pytest.mark.emulator
def test_a_stopped_client_sends_nothing_not_even_a_drive_call(
    emulator: Emulator, make_client: MakeClient, api_requests: Any
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    client = make_client()
    client.stopping = threading.Event()
    client.stopping.set()
    with pytest.raises(RequestStopped):
        client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="team X")
    with pytest.raises(RequestStopped):
        client.delete_file(key, source="template")
    assert api_requests(key) == []


@pytest.mark.emulator
def test_a_stop_in_the_main_thread_s_backoff_leaves_the_stop_event_usable(
    make_client: MakeClient,
) -> None:
    """With ``concurrency: 1`` the requests, and their retries' backoffs, are the main
    thread's, where a stop signal's exception lands at a call: at the release of the
    run's stop event's lock (``Event.wait``'s Python-level ``Condition.__exit__``) it
    left that lock held for good, and the next ``stopping.clear()`` (a library caller's
    next run) or ``set()`` blocked on it. Placed by a trace function at every such
    release the backoff makes."""
    client = make_client()
    client.stopping = threading.Event()
    exit_code = threading.Condition.__exit__.__code__
    landed: list[bool] = []

    def landing(frame: FrameType, event: str, _arg: object) -> None:
        if event == "call" and frame.f_code is exit_code and not landed:
            landed.append(True)
            raise KeyboardInterrupt("a stop at the lock's release")

    sys.settrace(landing)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            client._pause(0.01)
    finally:
        sys.settrace(None)
    lock = client.stopping._cond  # type: ignore[attr-defined]  # Event's own, untyped
    assert lock.acquire(timeout=10), "the stop event's lock was left held"
    lock.release()


@pytest.mark.parametrize("nth", range(1, 7))
def test_a_stop_in_the_main_thread_s_wait_for_a_slot_leaves_the_lock_as_it_was(
    nth: int,
) -> None:
    """With ``concurrency: 1`` the main thread waits for its slot; a stop signal's
    exception lands at a call. At ``Condition.wait``'s re-acquire (``_acquire_restore``:
    the 5th call) it left the wait without the limiter's lock, and ``_take``'s ``with``
    raised "release unlocked lock" chained to the stop: the team failed as an internal
    error, not stopped (review). Placed at the ``nth`` call the wait makes; a watchdog
    sets the stop event if none landed."""
    limiter = RateLimiter(1, window=60)
    limiter.acquire(READ)  # the window is full for 60 s
    stop = threading.Event()
    watchdog = threading.Timer(30, stop.set)
    watchdog.start()
    take, calls = RateLimiter._take.__code__, list[str]()

    def landing(frame: FrameType, event: str, _arg: object) -> None:
        if event != "call" or (frame.f_code is not take and not calls):
            return
        calls.append(frame.f_code.co_qualname)
        if len(calls) == nth + 1:  # the nth after ``_take``'s own
            raise KeyboardInterrupt(f"a stop at {frame.f_code.co_qualname}")

    sys.settrace(landing)
    try:
        with pytest.raises(KeyboardInterrupt), limiter.slot(READ, stop):
            pytest.fail("the block ran in a full window")  # pragma: no cover
    finally:
        sys.settrace(None)
        watchdog.cancel()
    assert limiter._lock.acquire(timeout=10), "the limiter's lock was left held"
    limiter._lock.release()
    assert limiter._in_flight == {READ: 0, WRITE: 0}
