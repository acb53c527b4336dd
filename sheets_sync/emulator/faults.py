"""Fault injection, per-minute quota and the request log that tests and benchmarks assert on."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheets_sync.emulator.errors import (
    MAX_PAYLOAD_BYTES,
    QUOTA_MESSAGE,
    WRITE_QUOTA_MESSAGE,
    ApiError,
)

JSON_TYPE = "application/json; charset=UTF-8"
#: The ways ``Faults.break_bodies`` breaks a reply's body
BODY_BREAKS = ("cut", "gzip")


class RequestEndedError(Exception):
    """The request's test has ended (``Faults.reset``): no answer, and no log entry."""


@dataclass
class LoggedRequest:
    method: str
    path: str
    endpoint: str
    status: int
    spreadsheet_id: str | None
    body: Any = None
    response: Any = None
    #: the reply was sent gzip-compressed (the client asked for it as Google requires)
    gzipped: bool = False


@dataclass
class RequestLog:
    """Every request the server answered, and counts per endpoint name (e.g. values.batchGet)."""

    requests: list[LoggedRequest] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, entry: LoggedRequest, arrived: threading.Event | None = None) -> None:
        """``arrived``: the reset generation the request arrived in (``Faults.generation``);
        once it has ended, the entry belongs to no test's log and is dropped. Checked under
        the lock that ``clear`` takes, so an entry is either cleared or never added."""
        with self.lock:
            if arrived is not None and arrived.is_set():
                return
            self.requests.append(entry)
            self.counts[entry.endpoint] += 1

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.counts.clear()

    def count(self, endpoint: str | None = None) -> int:
        with self.lock:
            return sum(self.counts.values()) if endpoint is None else self.counts[endpoint]


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    ctype: str

    @classmethod
    def of(cls, status: int, body: bytes | dict[str, Any] | list[Any], ctype: str = "") -> Reply:
        if isinstance(body, dict | list):
            return cls(status, json.dumps(body).encode(), ctype or JSON_TYPE)
        return cls(status, body, ctype or "text/html; charset=utf-8")


@dataclass
class Faults:
    """Settable at any time from tests. fail_rate draws from error_mix; rate_limit_per_minute is
    Google's per-user quota: a sliding 60 s window of reads and another of writes, each
    allowing that many (a request that ``mutates`` is a write; the token endpoint and the
    Drive routes, on quotas of their own at Google, are exempt)."""

    fail_rate: float = 0.0
    error_mix: tuple[int, ...] = (429, 500, 503)
    latency_ms: int = 0
    rate_limit_per_minute: int | None = None
    #: The quota windows' length (Google's: a minute). The bench shortens it, with its
    #: client's, to reach the quota in seconds: 10 a 10 s window is Google's rate.
    rate_limit_window_s: float = 60.0
    #: The quota windows' clock, when a request is counted: a test sets a fake one, shared
    #: with its client's rate limiter, to have a request arrive late without waiting
    clock: Callable[[], float] = time.monotonic
    retry_after_s: int = 1
    throttled_spreadsheets: set[str] = field(default_factory=set)
    seed: int | None = None
    #: Raw replies (status, body, content type) that stand in for the API's own: for one
    #: spreadsheet's every request (``answer``), for every request to one endpoint named as
    #: in the log (``answer_endpoint``), or for the token endpoint. What Google or a
    #: proxy in front of it may say that the emulator never would: a 403 of another
    #: reason, an HTML login page, a body cut short.
    answers: dict[str, Reply] = field(default_factory=dict)
    token_reply: Reply | None = None
    #: A fixed delay before the token endpoint answers (an OAuth outage that hangs).
    token_latency_ms: int = 0
    #: Google's limit on a request's body (not a fault: always on); a test lowers it to
    #: reach it without building a 10 MB rollup
    max_payload_bytes: int = MAX_PAYLOAD_BYTES
    #: The ``expires_in`` of the tokens issued from now on (Google's is 3600); the API
    #: answers 401 to a token past it.
    token_lifetime_s: int = 3600
    #: Called as ``before_request(endpoint, spreadsheet_id)`` before each API request is
    #: served, outside the state lock: a test may read the spreadsheet there (what a reader
    #: sees between two writes of a run), or raise an ``ApiError`` to fail just that request
    #: (the third batchUpdate of a rollup, say); the token endpoint is exempt.
    before_request: Callable[[str, str | None], None] | None = None
    #: Called as ``after_request(endpoint, spreadsheet_id)`` once a request is served and
    #: logged, before its answer is sent: a sleep here is Google applying a write whose
    #: answer comes after the client stopped waiting (its retry then finds it in place).
    after_request: Callable[[str, str | None], None] | None = None
    #: How many of the next API replies with a body break on the way (None: every one,
    #: until reset), and how (``break_bodies``): what a dropped connection or a proxy
    #: does to a reply after its status line, which the emulator itself never would.
    broken_bodies: int | None = 0
    broken_body: str = "cut"
    #: the quota windows, keyed by ``write``: Google counts reads and writes apart
    _windows: dict[bool, deque[float]] = field(
        default_factory=lambda: {False: deque(), True: deque()}, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: the reset generation: set by ``reset``, which ends the hangs (``token_latency_ms``,
    #: ``latency_ms``) of the requests that arrived before it; see ``generation``
    _release: threading.Event = field(default_factory=threading.Event, repr=False)
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        if self.seed is not None:
            self._rng.seed(self.seed)

    def reset(self) -> None:
        # first: a request of the ending generation checked after this sees it ended
        # rather than the faults half reset; later ones wait on a new one
        self._release, ended = threading.Event(), self._release
        ended.set()
        self.fail_rate, self.latency_ms, self.rate_limit_per_minute = 0.0, 0, None
        self.rate_limit_window_s, self.clock = 60.0, time.monotonic
        self.throttled_spreadsheets.clear()
        self.answers.clear()
        self.token_reply, self.token_latency_ms, self.token_lifetime_s = None, 0, 3600
        self.max_payload_bytes = MAX_PAYLOAD_BYTES
        self.broken_bodies, self.broken_body = 0, "cut"
        self.before_request = self.after_request = None
        with self._lock:
            for window in self._windows.values():
                window.clear()

    def generation(self) -> threading.Event:
        """The current reset generation, set once ``reset`` ends it. The server takes it as
        a connection is accepted: a request accepted before a reset whose handler runs only
        after it (a loaded machine) still belongs to the test that sent it, and must not
        wait on the next test's hang nor be answered and logged in the next test's log."""
        return self._release

    def delay(self, ms: int, arrived: threading.Event | None = None) -> bool:
        """Waits ``ms`` (a hang) unless the request's generation ends first; False when it
        has ended. A test hangs an endpoint longer than any budget it checks, and a hang
        outliving its test ends at the reset, unlogged, rather than answer in the next
        test's log (tests slept the rest of the hang out before)."""
        release = arrived or self._release
        return not (release.is_set() or (ms and release.wait(ms / 1000)))

    def token_delay(self, arrived: threading.Event | None = None) -> bool:
        """``delay`` for ``token_latency_ms``."""
        return self.delay(self.token_latency_ms, arrived)

    def answer(
        self,
        spreadsheet_id: str,
        status: int,
        body: bytes | dict[str, Any] | list[Any],
        ctype: str = "",
    ) -> None:
        """Answer every Sheets API request for one spreadsheet with this reply (a dict or
        list: as JSON); Drive's requests for its file are Drive's, answered as usual
        (until 2026-12-07 they got it too: Sheets' words for a Drive call)."""
        self.answers[spreadsheet_id] = Reply.of(status, body, ctype)

    def answer_endpoint(
        self, endpoint: str, status: int, body: bytes | dict[str, Any] | list[Any], ctype: str = ""
    ) -> None:
        """Answer every request to ``endpoint`` (e.g. ``spreadsheets.create``) with this reply."""
        self.answers[endpoint] = Reply.of(status, body, ctype)

    def canned(self, spreadsheet_id: str | None, endpoint: str) -> Reply | None:
        """The reply set for this spreadsheet (a Sheets API request), else for this
        endpoint, else None."""
        sheets = not endpoint.startswith("drive.")
        return (self.answers.get(spreadsheet_id or "") if sheets else None) or self.answers.get(
            endpoint
        )

    def break_bodies(self, how: str = "cut", count: int | None = 1) -> None:
        """Break the bodies of the next ``count`` API replies that have one (None: all,
        until reset): ``cut`` sends half the body its Content-Length promises and closes
        the connection; ``gzip`` sends a body marked gzip that does not decompress."""
        if how not in BODY_BREAKS:
            raise ValueError(f"how must be one of {BODY_BREAKS}, not {how!r}")
        with self._lock:
            self.broken_bodies, self.broken_body = count, how

    def body_break(self) -> str | None:
        """How this reply's body breaks, if it does (one of those ``break_bodies`` set)."""
        with self._lock:
            if self.broken_bodies is None:
                return self.broken_body
            if self.broken_bodies <= 0:
                return None
            self.broken_bodies -= 1
            return self.broken_body

    def throttle(self, spreadsheet_id: str, on: bool = True) -> None:
        """Persistent 429 for one spreadsheet's Sheets API requests until switched off
        (the Sheets quota's: Drive's requests for the file are on Drive's own quota, and
        answered; until 2026-12-07 they got the 429 too)."""
        (self.throttled_spreadsheets.add if on else self.throttled_spreadsheets.discard)(
            spreadsheet_id
        )

    def _quota_error(self, write: bool) -> ApiError:
        message = WRITE_QUOTA_MESSAGE if write else QUOTA_MESSAGE
        return ApiError(429, message, headers={"Retry-After": str(self.retry_after_s)})

    def check(
        self,
        spreadsheet_id: str | None,
        *,
        write: bool = False,
        sheets: bool = True,
        arrived: threading.Event | None = None,
    ) -> None:
        """Sleep for the configured latency, then raise the injected error if any. ``write``:
        the endpoint changes data, so it counts on Google's write quota, not the read one,
        and a 429 names that quota. ``sheets``: a Sheets API route; a Drive one is on the
        Drive API's own quota at Google, so neither window counts it. ``arrived``: the
        request's generation: a reset ends the latency, raising ``RequestEndedError``."""
        if self.latency_ms and not self.delay(self.latency_ms, arrived):
            raise RequestEndedError
        if spreadsheet_id and spreadsheet_id in self.throttled_spreadsheets and sheets:
            raise self._quota_error(write)
        if self.rate_limit_per_minute is not None and sheets:
            now = self.clock()
            with self._lock:
                window = self._windows[write]
                while window and now - window[0] >= self.rate_limit_window_s:
                    window.popleft()
                if len(window) >= self.rate_limit_per_minute:
                    raise self._quota_error(write)
                window.append(now)
        with self._lock:
            roll = self._rng.random()
            code = self._rng.choice(self.error_mix) if self.error_mix else 500
        if roll < self.fail_rate:
            if code == 429:
                raise self._quota_error(write)
            message = (
                "Internal error encountered."
                if code == 500
                else "The service is currently unavailable."
            )
            raise ApiError(code, message)
