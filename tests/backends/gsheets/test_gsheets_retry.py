"""Retry layer and rate limiter: deterministic units, then injected faults on the emulator."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.ratelimit import RateLimiter
from sheets_sync.backends.gsheets.retry import (
    MIN_ATTEMPT_SECONDS,
    RetryableError,
    RetryPolicy,
    attempt_timeout,
    call_with_retry,
    parse_retry_after,
)
from sheets_sync.emulator import Emulator
from sheets_sync.errors import RetryExhaustedError
from sheets_sync.grid import CellWrite
from tests.backends.gsheets.conftest import SHEETS_ONLY


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def failing(times: int, **kw: Any) -> Any:
    calls = {"n": 0}

    def attempt(remaining: Callable[[], float]) -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise RetryableError("503 UNAVAILABLE", status=503, **kw)
        return "ok"

    attempt.calls = calls  # type: ignore[attr-defined]
    return attempt


def test_retries_then_succeeds_with_full_jitter_bounds() -> None:
    clock = FakeClock()
    policy = RetryPolicy(max_attempts=5, max_seconds=100, base_delay=1.0, max_delay=3.0)
    out = call_with_retry(
        failing(4),
        policy=policy,
        what="read",
        source="t",
        sleep=clock.sleep,
        clock=clock,
        rng=lambda: 1.0,
    )
    assert out == "ok"
    assert clock.sleeps == [1.0, 2.0, 3.0, 3.0]  # capped exponential (upper bound of jitter)
    clock2 = FakeClock()
    call_with_retry(
        failing(2),
        policy=policy,
        what="read",
        source="t",
        sleep=clock2.sleep,
        clock=clock2,
        rng=lambda: 0.25,
    )
    assert clock2.sleeps == [0.25, 0.5]


def test_attempt_budget_raises_retry_exhausted_naming_the_source() -> None:
    clock = FakeClock()
    attempt = failing(99)
    with pytest.raises(RetryExhaustedError) as info:
        call_with_retry(
            attempt,
            policy=RetryPolicy(max_attempts=3, max_seconds=100),
            what="read",
            source="gsheet:KEY",
            sleep=clock.sleep,
            clock=clock,
            rng=lambda: 0.5,
        )
    assert attempt.calls["n"] == 3 and len(clock.sleeps) == 2
    assert str(info.value).startswith("gsheet:KEY: read: gave up after 3 attempts")
    assert info.value.status == 503


def test_time_budget_and_retry_after() -> None:
    clock = FakeClock()
    attempt = failing(99, retry_after=4.0)
    with pytest.raises(RetryExhaustedError):
        call_with_retry(
            attempt,
            policy=RetryPolicy(max_attempts=50, max_seconds=10),
            what="w",
            source="s",
            sleep=clock.sleep,
            clock=clock,
            rng=lambda: 0.0,
        )
    assert clock.sleeps == [4.0, 4.0]  # Retry-After honoured; a third wait would pass 10 s
    assert attempt.calls["n"] == 3
    clock2 = FakeClock()
    with pytest.raises(RetryExhaustedError):
        call_with_retry(
            failing(99, retry_after=30.0),
            policy=RetryPolicy(max_seconds=10),
            what="w",
            source="s",
            sleep=clock2.sleep,
            clock=clock2,
        )
    assert clock2.sleeps == []  # never sleeps just to fail afterwards


def test_other_errors_are_not_retried() -> None:
    calls = []

    def attempt(remaining: Callable[[], float]) -> None:
        calls.append(1)
        raise KeyError("boom")

    with pytest.raises(KeyError):
        call_with_retry(attempt, policy=RetryPolicy(), what="x", source="s")
    assert calls == [1]


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None


def test_rate_limiter_sliding_window_with_fake_clock() -> None:
    clock = FakeClock()
    limiter = RateLimiter(3, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 10
    assert limiter.acquire() == pytest.approx(50.0)  # until the first slot is 60 s old
    assert clock.now == pytest.approx(1060.0)
    clock.now += 60
    assert limiter.acquire() == 0.0
    assert limiter.waited == pytest.approx(50.0)
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_rate_limiter_is_thread_safe() -> None:
    """Each thread notes the time its slot was granted (the clock the limiter read under
    its lock): a time taken after ``acquire`` returned is late by any preemption between
    the two, and two such times came closer than the slots they stood for."""
    granted = threading.local()

    def clock() -> float:
        granted.now = time.monotonic()
        return float(granted.now)

    limiter = RateLimiter(5, window=0.3, clock=clock)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(4):
            limiter.acquire()
            with lock:
                stamps.append(granted.now)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps.sort()
    assert len(stamps) == 16
    for i in range(len(stamps) - 5):
        assert stamps[i + 5] - stamps[i] >= 0.3 - 0.01  # never 6 calls in one window


@pytest.mark.emulator
def test_thirty_percent_faults_every_call_succeeds_or_fails_cleanly(
    emulator: Emulator, make_client: Any
) -> None:
    emulator.faults.seed = 7
    emulator.faults._rng.seed(7)
    emulator.faults.retry_after_s = 0
    key = emulator.create_spreadsheet("t", {"OKRs": [["A", "B"], [1, 2]]})
    client = make_client(
        RetryPolicy(max_attempts=4, max_seconds=5, base_delay=0.01, max_delay=0.05)
    )
    emulator.faults.fail_rate = 0.3
    ok = failed = 0
    for i in range(30):
        backend = GoogleSheetsBackend(client, key)
        try:
            data = backend.read(["OKRs"])
            backend.write(data, [CellWrite("OKRs", 2, 3, float(i))])
            ok += 1
        except RetryExhaustedError as exc:
            failed += 1
            assert "gave up after 4 attempts" in str(exc)
        assert backend.api_calls <= 8  # two calls, four attempts each at most
    assert ok >= 25 and ok + failed == 30
    statuses = {r.status for r in emulator.log.requests if r.endpoint != "token"}
    assert {200, 429} <= statuses or {200, 500} <= statuses
    assert client.calls == sum(1 for r in emulator.log.requests if r.endpoint != "token")


@pytest.mark.emulator
def test_persistent_429_fails_in_bounded_time_honouring_retry_after(
    emulator: Emulator, make_client: Any
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    emulator.faults.throttle(key)
    emulator.faults.retry_after_s = 1
    slept: list[float] = []

    # the budget's clock moves by the waits alone: on a loaded machine the round trips
    # ate into the 2.5 s, so that only 2 attempts fitted (or the call took 3 s). The
    # waits are recorded, not made: each one is the client's own sleep (until 2026-12-07
    # they were made and the call timed, 2 s <= elapsed < 60 s)
    client = make_client(
        RetryPolicy(max_attempts=5, max_seconds=2.5, base_delay=0.01),
        sleep=slept.append,
        clock=lambda: 1000.0 + sum(slept),
    )
    backend = GoogleSheetsBackend(client, key, display_name="Sales")
    with pytest.raises(RetryExhaustedError) as info:
        backend.read(["OKRs"])
    assert slept == [1.0, 1.0]  # two 1 s Retry-After waits, then the budget says stop
    assert backend.api_calls == 3
    assert str(info.value).startswith("Sales: read: gave up after 3 attempts")
    assert "429" in str(info.value)


@pytest.mark.emulator
def test_a_retry_after_past_the_budget_says_google_asked_for_the_wait(
    emulator: Emulator, make_client: Any
) -> None:
    """A 429 whose Retry-After (an hour) is past the budget ends the call at once, as it
    should; the line says so and names the setting, not only "gave up after 1 attempt
    in 0.0 s", which read as giving up for nothing."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    emulator.faults.throttle(key)
    emulator.faults.retry_after_s = 3600
    slept: list[float] = []
    client = make_client(RetryPolicy(max_attempts=5, max_seconds=60), sleep=slept.append)
    backend = GoogleSheetsBackend(client, key, display_name="Sales")
    with pytest.raises(RetryExhaustedError) as info:
        backend.read(["OKRs"])
    assert slept == [] and backend.api_calls == 1
    message = str(info.value)
    assert message.startswith("Sales: read: gave up after 1 attempt in ")
    assert message.endswith(
        "): Google asked for a wait of 3600 s before the next attempt (Retry-After), past "
        "what is left of google.max_retry_seconds (60 s); will retry next run"
    )


def test_each_attempt_gets_at_most_the_budget_left() -> None:
    """Attempts that time out: each is given what is left of the budget (never less than
    MIN_ATTEMPT_SECONDS), so the call ends near the budget, not a whole timeout past it."""
    clock = FakeClock()
    given: list[float] = []

    def attempt(remaining: Any) -> None:
        timeout = attempt_timeout(30.0, remaining())
        given.append(timeout)
        clock.now += timeout  # the request hangs until its timeout
        raise RetryableError("network: ReadTimeout")

    with pytest.raises(RetryExhaustedError):
        call_with_retry(
            attempt,
            policy=RetryPolicy(max_attempts=5, max_seconds=45.0, base_delay=1.0),
            what="read",
            source="s",
            sleep=clock.sleep,
            clock=clock,
            rng=lambda: 1.0,
        )
    assert given == [30.0, 14.0]  # 45 - 30 - the 1 s backoff
    assert clock.now - 1000.0 == pytest.approx(45.0)
    assert attempt_timeout(30.0, -3.0) == MIN_ATTEMPT_SECONDS  # past the budget: the floor
    assert attempt_timeout(0.5, 10.0) == 0.5  # never more than the configured timeout


@pytest.mark.emulator
def test_a_slow_failing_server_cannot_overrun_the_budget_by_a_timeout(
    emulator: Emulator, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Google that would answer 503 only after a minute, a 30 s request timeout, a 1 s
    budget: the one send is given the budget's cap (MIN_ATTEMPT_SECONDS), not the 30 s
    timeout, and waiting it out spends the budget. The timeout each send gets is recorded
    where requests hands it to the connection, not timed (a 12 s wall-clock bound, ~6x
    the call, is within reach of a loaded box's scheduling). The emulator's reset ends
    the hang, so the next test neither waits for it nor finds it in its log."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    given: list[Any] = []  # each recorded send's timeout: (connect, read), or one number
    waited: list[float] = []  # the read timeouts the recorded sends waited out
    policy = RetryPolicy(max_attempts=5, max_seconds=1.0, base_delay=0.01)
    # the budget's clock moves by the waited-out timeouts alone: the first read, under
    # the same 1 s budget, may take longer than that on a loaded box
    client = make_client(
        policy,
        timeout=30,
        clock=lambda: 1000.0 + sum(waited),
        rng=lambda: 1.0,
        scopes=SHEETS_ONLY,  # the read's own request alone (no version check)
    )
    backend = GoogleSheetsBackend(client, key, display_name="Sales")
    backend.read(["OKRs"])  # the token, once, outside the recorded call
    emulator.faults.error_mix = (503,)
    emulator.faults.fail_rate, emulator.faults.latency_ms = 1.0, 60_000
    send: Any = requests.adapters.HTTPAdapter.send

    def recorded(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        timeout: Any = kwargs.get("timeout")
        given.append(timeout)
        try:
            return send(self, request, *args, **kwargs)
        except requests.Timeout:
            waited.append(float(timeout[1] if isinstance(timeout, tuple) else timeout))
            raise

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", recorded)
    calls = backend.api_calls
    with pytest.raises(RetryExhaustedError) as info:
        backend.read(["OKRs"])
    assert "network: ReadTimeout" in str(info.value)
    # one send, capped (connect and read) by the 1 s budget: without the cap it waited
    # the 30 s timeout; it timed out past the budget, so no attempt followed
    cap = max(policy.max_seconds, MIN_ATTEMPT_SECONDS)
    assert given == [(cap, cap)], given
    assert backend.api_calls == calls + 1
