"""The rate limiter's slots under exceptions and stops: a slot taken is always given
back, a caller never waits for good, and a stopped run's caller sends nothing."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest

from sheets_sync.backends.gsheets.ratelimit import READ, WRITE, RateLimiter


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
