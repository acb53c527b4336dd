"""Bounded retries for Google API calls: 429, 5xx and timeouts, with full-jitter backoff.

gspread's own ``BackOffHTTPClient`` retries a persistent 429 forever; a nightly job must
instead give up on one team within a known budget (attempts *and* seconds) and go on with
the others. ``Retry-After`` wins over the computed delay; a wait that would overrun the
time budget is not started at all, so a run never sleeps just to fail afterwards. Each
attempt is handed ``remaining()``, the budget left, to cap its own timeout with
(``attempt_timeout``): else the last attempt, started just inside the budget with the
full per-request timeout, could overrun it by that whole timeout.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sheets_sync.errors import RemoteError, RetryExhaustedError

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
#: The shortest timeout an attempt gets however little budget is left: below it even a
#: healthy reply would time out. It is also how far past the budget a call may end.
MIN_ATTEMPT_SECONDS = 1.0


class RetryableError(Exception):
    """A failed attempt worth repeating; ``retry_after`` is the server's hint in seconds;
    ``sent``: the request reached the server and its answer was lost (a read timeout, a
    reply cut short), so a write may have been applied."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        sent: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.sent = sent


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``max_attempts`` calls within ``max_seconds`` from the first one."""

    max_attempts: int = 5
    max_seconds: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 16.0

    def backoff(self, retry_number: int, rng: Callable[[], float] = random.random) -> float:
        """Full jitter: uniform in [0, min(max_delay, base * 2**n)] (AWS architecture blog)."""
        return float(rng() * min(self.max_delay, self.base_delay * 2.0**retry_number))


@dataclass
class SlotWaits:
    """A call's waits for slots of the rate limit, as its attempts take them. The first is
    the shared pacing every call of a busy night goes through, so it is not charged to
    the retry budget: else a call that waited most of a minute for its first slot was
    sent with a 1 s timeout and never retried. A retry's wait is charged: left out too, a
    call that fails for good (a Google outage, a sheet throttled for good) waited for a
    slot at every one of its attempts with its budget untouched, 5 attempts and minutes a
    call at a small quota, where the budget promises about ``max_seconds``."""

    quota: str = ""  # which quota the slots are of ("read", "write"), for the message
    slots: int = 0
    exempt: float = 0.0  # seconds not charged to the budget: the first slot's wait
    #: seconds of the version checks before its attempts (``precheck``: Drive's own
    #: call, its own retries), not charged either: until 2026-12-07 a Drive down used
    #: up a write's budget, which then gave up after its first 503
    checks: float = 0.0
    total: float = 0.0

    def add(self, seconds: float) -> None:
        if not self.slots:
            self.exempt = seconds
        self.slots += 1
        self.total += seconds

    def of(self, elapsed: float) -> str:
        """How much of a call's ``elapsed`` time went to waiting for slots ("" if none
        that shows): a call that gave up after minutes at the quota says why it took so
        long, against a budget of seconds."""
        if self.total < 0.05:
            return ""
        quota = f"the {self.quota} quota" if self.quota else "the rate limit"
        return f", {min(self.total, elapsed):.1f} s of it waiting for {quota}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (Google sends delta-seconds); None if absent/odd."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)


def attempt_timeout(timeout: float, remaining: float) -> float:
    """The timeout for one attempt: the configured one, or what is left of the budget."""
    return min(timeout, max(remaining, MIN_ATTEMPT_SECONDS))


def call_with_retry(
    attempt: Callable[[Callable[[], float]], T],
    *,
    policy: RetryPolicy,
    what: str,
    source: str | None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    rng: Callable[[], float] = random.random,
    waits: SlotWaits | None = None,
    if_sent: str = "",
) -> T:
    """Run ``attempt`` until it returns, raises a non-retryable error, or the budget is spent.

    ``attempt`` gets ``remaining()``, the seconds left of ``policy.max_seconds``, to cap
    its timeout with. It signals a retryable failure by raising ``RetryableError``;
    anything else propagates at once. Exhaustion raises ``RetryExhaustedError`` naming
    ``source``. ``waits``: the call's waits for rate-limit slots, which ``attempt``
    records; the first one does not spend the budget. ``if_sent``: what the exhaustion
    adds when any attempt's answer was lost after it was sent (a write: it may have been
    applied), not only the last's: a timeout Google applied, then a 503, left it too.
    """
    waits = waits or SlotWaits()
    started = clock()
    tries = 0
    sent = False

    def remaining() -> float:
        return started + waits.exempt + waits.checks + policy.max_seconds - clock()

    while True:
        tries += 1
        try:
            return attempt(remaining)
        except RetryableError as exc:
            last = exc
            sent = sent or exc.sent
        except RemoteError as exc:  # a refusal after a lost answer: a 403 "nothing written"
            exc.maybe_applied = sent and bool(if_sent)  # was wrong (until 2026-12-06)
            raise
        delay = last.retry_after if last.retry_after is not None else policy.backoff(tries - 1, rng)
        if tries >= policy.max_attempts or delay > remaining():
            spent = clock() - started  # the call's time, not the budget's
            raise RetryExhaustedError(
                f"{what}: gave up after {tries} attempt{'s' if tries != 1 else ''} in "
                f"{spent:.1f} s{waits.of(spent)} (last error: {last.reason})"
                f"{_asked_too_long(last, tries, policy)}{if_sent if sent else ''}; will retry "
                "next run",
                source=source,
                status=last.status,
            ) from None
        sleep(delay)


def _asked_too_long(last: RetryableError, tries: int, policy: RetryPolicy) -> str:
    """Why a call gave up early, when Google's ``Retry-After`` asked for a wait past the
    budget: "gave up after 1 attempt in 0.1 s" alone reads as giving up for nothing
    (before 2026-12-06), and the setting that would let the wait happen is named."""
    if last.retry_after is None or tries >= policy.max_attempts:
        return ""
    return (
        f": Google asked for a wait of {last.retry_after:g} s before the next attempt "
        f"(Retry-After), past what is left of google.max_retry_seconds "
        f"({policy.max_seconds:g} s)"
    )
