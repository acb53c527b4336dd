"""A small Sheets API client: gspread's HTTP client plus our retries, rate limit and counts.

gspread's ``HTTPClient`` does authentication (google-auth ``AuthorizedSession``) and raises
``APIError`` on any non-2xx; everything above that is ours: every attempt waits for the
shared ``RateLimiter`` (its read or its write quota, by what the call does), retryable
failures go through ``call_with_retry``, and failures become the ``RemoteError`` family
naming the team and the key. The HTTP client is
injectable (class or instance), exactly as gspread's own ``Client`` takes one.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from sheets_sync.backends.factory import calling_run_stop
from sheets_sync.backends.gsheets.auth import TokenRequest, TokenUnavailable, redact
from sheets_sync.backends.gsheets.failures import (
    MAYBE_APPLIED,
    answer_lost,
    api_error,
    not_json,
    one_line,
    service,
)
from sheets_sync.backends.gsheets.ratelimit import RateLimiter, RequestStopped, quota_kind
from sheets_sync.backends.gsheets.retry import (
    MIN_ATTEMPT_SECONDS,
    RetryableError,
    RetryPolicy,
    SlotWaits,
    attempt_timeout,
    call_with_retry,
)
from sheets_sync.backends.gsheets.session import (
    OddErrorShapeError,
    cap_timeouts,
    capped,
    check_error_reply,
    compact_replies,
    gzip_replies,
    no_refresh_on_401,
)
from sheets_sync.backends.gsheets.shape import obj, reply_shape
from sheets_sync.backends.gsheets.transport import (
    EmulatorHTTPClient,
    emulator_host,
)
from sheets_sync.backends.gsheets.verdict import TokenVerdict
from sheets_sync.config_models import GoogleModel
from sheets_sync.errors import (
    ConflictError,
    RemoteError,
    RetryExhaustedError,
)
from sheets_sync.loggers import get_logger

log = get_logger("sheets_sync.gsheets")
SHEETS_URL = "https://sheets.googleapis.com/v4/spreadsheets"
#: how often a backoff in the main thread looks at the run's stop event (``_pause``)
_STOP_LOOK_SECONDS = 0.05
DRIVE_FILES_URL = "https://www.googleapis.com/drive/v3/files"
Tally = Callable[[], None]


class _UnauthorizedError(Exception):
    """The API answered 401 to a token that looked valid."""


def _prechecked(precheck: Callable[[], None], lost: bool, what: str, source: str) -> None:
    """``precheck`` before an attempt; its ``ConflictError`` after an earlier attempt went
    out and lost its answer is no proof of someone's edit: that attempt may have been
    applied and moved the version itself. Said so (a ``RemoteError``, marked
    ``maybe_applied`` by the retry loop), not sent again."""
    try:
        precheck()
    except ConflictError as exc:
        if not lost:
            raise
        raise RemoteError(
            f"{what}: an attempt went out and lost its answer, and the spreadsheet's "
            "version has moved since it was read: that attempt may have been applied, or "
            "someone edited the sheet; not sent again" + MAYBE_APPLIED + " (will retry "
            "next run)",
            source=source,
        ) from exc


def policy_for(google: GoogleModel) -> RetryPolicy:
    return RetryPolicy(max_attempts=google.max_attempts, max_seconds=google.max_retry_seconds)


class SheetsClient:
    """Thread-safe: one instance serves every team of a run (and shares its rate limit)."""

    def __init__(
        self,
        http: HTTPClient,
        *,
        email: str = "the service account",
        origin: str = "",
        policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.http = http
        self.email = email
        self.origin = origin  # where the key came from (its file), for the one error
        self.verdict = TokenVerdict()  # refused, or the token endpoint down: the run's
        self.policy = policy or RetryPolicy()
        self.limiter = limiter or RateLimiter(60)
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self._lock = threading.Lock()
        self._token_lock = threading.Lock()
        self.calls = 0  # HTTP attempts to the API (retries included), all threads
        self.exchanges = 0  # token exchanges, all threads: each one inside an attempt
        self._refused: object = None  # the token the API last answered 401 to
        #: the run's stop event (``factory.start_run``): once set, a request not yet sent
        #: (waiting for its slot, or between attempts) raises ``RequestStopped`` unsent.
        #: Watched by a thread that works for no run; one that does watches its own
        #: run's (``run_stop``)
        self.stopping: threading.Event | None = None
        #: why Drive refused the version check for every sheet (its API off in the key's
        #: project, a scope lacking): once known, no team asks again (``guard``)
        self.drive_refused: str | None = None
        #: the version checks' memory (``guard``): how many reads of each sheet (one read
        #: more than once has the version its write left asked, ``guard.wrote``), and one
        #: lock a sheet: its writes wait for each other (``guard.checked``); and how many
        #: writes of each sheet the run sent (a team read before one of them has its tabs
        #: looked at again when the version moved, ``guard.checked``'s ``moved``)
        self.sheet_reads: dict[str, int] = {}
        self.sheet_writes: dict[str, int] = {}
        self.sheet_locks: dict[str, threading.Lock] = {}
        session = getattr(http, "session", None)
        if isinstance(session, requests.Session):
            hooks = session.hooks.setdefault("response", [])
            if check_error_reply not in hooks:
                hooks.append(check_error_reply)
            cap_timeouts(session)
            no_refresh_on_401(session)
            compact_replies(session)
            gzip_replies(session)

    @classmethod
    def from_credentials(
        cls,
        creds: service_account.Credentials,
        google: GoogleModel | None = None,
        *,
        http_client: type[HTTPClient] | None = None,
        session: requests.Session | None = None,
        quota_window: float = 60.0,
        **kwargs: Any,
    ) -> SheetsClient:
        """gspread's construction: ``http_client(auth, session)``; emulator-aware default.
        ``quota_window``: the limiter's window, Google's minute unless a bench scales it."""
        google = google or GoogleModel()
        if http_client is None:
            http_client = EmulatorHTTPClient if emulator_host() else HTTPClient
        http = http_client(creds, session)
        http.set_timeout(google.timeout_seconds)
        kwargs.setdefault("policy", policy_for(google))
        kwargs.setdefault("limiter", RateLimiter(google.requests_per_minute, window=quota_window))
        kwargs.setdefault("email", creds.service_account_email)
        return cls(http, **kwargs)

    def run_stop(self) -> threading.Event | None:
        """The stop event the calling thread's request watches: its own run's
        (``factory.calling_run_stop``), else ``stopping``. Two runs of a workspace share
        its client: one's stop or crash stopped the other's requests until 2026-12-07."""
        return calling_run_stop(self.stopping)

    def close(self) -> None:
        """Close the connections the client holds (its session's, and google-auth's token
        session under it). It still works after: a later call connects again. A run's
        clients are closed at its end (``factory.end_run``), a cached one as it is
        forgotten (``clients.clear_clients``): until 2026-12-07 none was, and a process
        that synced every hour kept each run's sockets open."""
        session = getattr(self.http, "session", None)
        if isinstance(session, requests.Session):
            session.close()

    def __enter__(self) -> SheetsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one path every call takes ---------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        source: str,
        key: str = "",
        what: str = "Google Sheets request",
        params: Mapping[str, Any] | None = None,
        json: Mapping[str, Any] | None = None,
        tally: Tally | None = None,
        policy: RetryPolicy | None = None,
        precheck: Callable[[], None] | None = None,
    ) -> Any:
        """JSON of a successful response; ``tally`` is called once per HTTP attempt;
        ``policy``: this call's own retries (the client's by default); ``precheck``:
        called before every attempt once its quota slot is taken, right before it is
        sent (the version check, ``guard.checked``): made once before the call, it left
        the slot's wait and every retry's backoff unguarded (until 2026-12-07)."""
        reached: list[bool] = []  # an attempt got past the token exchange
        lost: list[bool] = []  # an attempt went out and lost its answer (may be applied)
        kind = quota_kind(method, url)  # Google counts reads and writes on their own quotas
        waits = SlotWaits(kind or "")  # the first is pacing, not retrying: it spends no budget

        def send(remaining: Callable[[], float], again: bool) -> Any:
            # a slot of the call's quota (none for Drive: its own quota), held until the
            # answer is back: see RateLimiter
            stop = self.run_stop()
            with self.limiter.slot(kind, stop) if kind else nullcontext(0.0) as waited:
                waits.add(waited)
                if precheck is not None:  # its time is not the call's budget (``SlotWaits``)
                    began = self._clock()
                    try:
                        _prechecked(precheck, bool(lost), what, source)
                    finally:
                        waits.checks += self._clock() - began
                with self._lock:
                    self.calls += 1
                if tally is not None:
                    tally()
                try:
                    with capped(attempt_timeout(self._timeout(), remaining())):
                        response = self.http.request(
                            method, url, params=dict(params or {}), json=json
                        )
                except APIError as exc:
                    if exc.response.status_code == 401 and again:
                        raise _UnauthorizedError from None
                    error = exc.error if isinstance(exc.error, dict) else {}
                    raise self._api_error(exc.response, error, source, key) from None
                except OddErrorShapeError as exc:
                    if exc.response.status_code == 401 and again:
                        raise _UnauthorizedError from None
                    raise self._api_error(exc.response, exc.error, source, key) from None
                except (requests.Timeout, requests.ConnectionError) as exc:
                    raise RetryableError(
                        f"network: {type(exc).__name__}", sent=answer_lost(exc)
                    ) from None
                except requests.exceptions.ChunkedEncodingError:  # the connection cut mid-body
                    raise RetryableError("network: the reply was cut short", sent=True) from None
                except requests.exceptions.ContentDecodingError:  # a gzip body: see gzip_replies
                    raise RetryableError(
                        "network: the reply did not decompress", sent=True
                    ) from None
                except (auth_exceptions.TransportError, auth_exceptions.RefreshError) as exc:
                    raise self._token_error(exc, source) from None  # google-auth's own refresh
            # the body was read in the block above (requests reads it in ``send`` unless
            # asked to stream), so its failures are the attempt's, retried
            if not response.content:
                return {}
            try:
                body = response.json()
            except ValueError:  # an HTML page: a proxy or a login portal in the way
                raise not_json(response, source, service(url)) from None
            with reply_shape(source, what, key):
                return obj(body, "the reply")  # every Sheets API reply is an object

        def attempt(remaining: Callable[[], float]) -> Any:
            stop = self.run_stop()
            if stop is not None and stop.is_set():
                raise RequestStopped  # a Drive call takes no slot to wait for: said here
            used = self._ensure_token(source, remaining)
            reached.append(True)
            try:
                try:
                    return send(remaining, True)
                except _UnauthorizedError:
                    # a token that looked valid was refused (revoked mid-run): a new one,
                    # in this attempt's budget and timeout, and the request sent once more
                    self._drop_token(used)
                    self._ensure_token(source, remaining)
                    return send(remaining, False)
            except RetryableError as exc:
                if exc.sent:
                    lost.append(True)
                raise

        try:
            return call_with_retry(
                attempt,
                policy=policy or self.policy,
                what=what,
                source=source,
                sleep=self._pause,
                clock=self._clock,
                rng=self._rng,
                waits=waits,
                if_sent=self._if_sent(method, url, kind),
            )
        except RetryExhaustedError as exc:
            if not reached:  # the whole budget went to the token endpoint
                self.verdict.unavailable(self._token_where(), exc)
            raise

    def _if_sent(self, method: str, url: str, kind: str | None) -> str:
        """What a write that gave up after an answer lost says; a create's own words."""
        if kind != "write":
            return ""
        if method.upper() == "POST" and url == SHEETS_URL:
            return (
                "; the request may have reached Google and made a spreadsheet all the same "
                f"(one an attempt so lost), owned by {self.email} and shared with no one"
            )
        return MAYBE_APPLIED

    def gave_up_on_token(self, exc: RetryExhaustedError) -> bool:
        """Whether a call gave up on the token endpoint (its last error the exchange's),
        not on the API it called: a Drive call's so is the Sheets calls' too (``guard``)."""
        return f"(last error: {self._token_where()} is " in exc.message

    def _pause(self, seconds: float) -> None:
        """A retry's backoff, which a stop cuts short (the next attempt then says so).

        In the main thread (``concurrency: 1``) not ``Event.wait``: a stop signal's
        exception lands there at a call, and one landing at the release of the event's
        lock (a Python-level ``Condition.__exit__``) left it held by this thread for
        good, so the run's next ``stopping.clear()`` or ``set()`` (a library caller's
        second run) blocked on it. Slept in slices instead, the event only looked at
        (``is_set`` takes no lock); the stop signal itself cuts ``time.sleep``."""
        stop = self.run_stop()
        if stop is None or self._sleep is not time.sleep:
            self._sleep(seconds)
        elif threading.current_thread() is not threading.main_thread():
            stop.wait(seconds)
        else:
            end = time.monotonic() + seconds
            while not stop.is_set() and (left := end - time.monotonic()) > 0:
                time.sleep(min(left, _STOP_LOOK_SECONDS))

    def _ensure_token(self, source: str, remaining: Callable[[], float]) -> object:
        """One token exchange for all threads, not one per thread at start-up. A thread
        that waited for another's exchange gets only what is left of its own budget, and
        waits no longer than that: else N threads behind a hanging token endpoint would
        time out one after another, the last N timeouts past its budget. Returns the
        token the request will carry."""
        creds = getattr(self.http, "auth", None)
        if creds is None:
            return None
        if creds.valid and creds.token != self._refused:
            return creds.token
        self.verdict.check(source)
        if not self._token_lock.acquire(timeout=max(remaining(), MIN_ATTEMPT_SECONDS)):
            raise RetryableError(f"{self._token_where()} is unavailable (timed out)")
        try:
            if creds.valid and creds.token != self._refused:
                return creds.token
            self.verdict.check(source)  # decided while this thread waited for the lock
            with self._lock:
                self.exchanges += 1
            exchange = TokenRequest(attempt_timeout(self._timeout(), remaining()))
            try:
                creds.refresh(exchange)
            except (auth_exceptions.TransportError, auth_exceptions.RefreshError) as exc:
                raise self._token_error(exc, source) from None
            except (ValueError, TypeError, KeyError, AttributeError):
                # google-auth reads the reply as its JSON: a page that is not one fails
                # inside it (a proxy or a login portal in front of the token endpoint)
                log.debug("token reply unusable", exc_info=True)
                raise self._no_token(source) from None
            finally:
                exchange.close()
            return creds.token
        finally:
            self._token_lock.release()

    def _drop_token(self, used: object) -> None:
        """Mark ``used``, the token the API just refused, for ``_ensure_token`` to replace.
        Not cleared: a thread already past its own ``_ensure_token`` would then find no
        token as it sends, and google-auth would refresh by itself, outside the budget.
        Threads refused together make one exchange (the first replaces it)."""
        self._refused = used

    def _timeout(self) -> float:
        """The per-request timeout the HTTP client was given (google-auth's 120 s if none)."""
        timeout = getattr(self.http, "timeout", None)
        return float(timeout) if isinstance(timeout, int | float) else 120.0

    def _token_error(self, exc: Exception, source: str) -> Exception:
        """A failed token exchange: transient (5xx, 429, no connection) goes to the retry
        layer like any 5xx; only a real answer (invalid_grant, 400, 401) is a refusal."""
        where = self._token_where()
        if isinstance(exc, TokenUnavailable):
            return RetryableError(
                f"{where} is unavailable ({exc.status})",
                status=exc.status,
                retry_after=exc.retry_after,
            )
        if isinstance(exc, auth_exceptions.TransportError):
            return RetryableError(f"{where} is unreachable (network)")
        if getattr(exc, "retryable", False):  # google-auth's own verdict, after its retries
            return RetryableError(f"{where} is unavailable")
        first = str(exc.args[0]) if exc.args else ""
        if (len(exc.args) == 1 and first.lstrip().startswith("<")) or first.startswith(
            "No access token in response"
        ):
            # google-auth's RefreshError of a reply that is not JSON holds only its text:
            # a page (a proxy's), not Google's refusal (the refresh on a 401 takes this
            # way); a 200 without a token is no refusal either: the key was never judged
            return self._no_token(source)
        return self._refresh_error(exc, source)

    def _no_token(self, source: str) -> RemoteError:
        return RemoteError(
            f"{self._token_uri() or 'the token endpoint'} did not answer with a token: is a "
            "proxy or a login page in the way?",
            source=source,
        )

    def _token_where(self) -> str:
        uri = self._token_uri()
        return f"the token endpoint {uri}" if uri else "the token endpoint"

    def _token_uri(self) -> str:
        """The credentials' token endpoint, for messages ("" when there are none)."""
        return redact(str(getattr(getattr(self.http, "auth", None), "_token_uri", "") or ""))

    def _refresh_error(self, exc: Exception, source: str) -> RemoteError:
        reason = one_line(redact(str(exc.args[0]) if exc.args else type(exc).__name__))
        log.debug("token refresh failed for %s: %s", self.email, reason)
        return self.verdict.refused(self.email, self.origin, reason, source)

    def _api_error(
        self, response: requests.Response, error: Mapping[str, Any], source: str, key: str
    ) -> Exception:
        return api_error(response, error, source, key, self.email, getattr(self.http, "auth", None))

    # -- endpoints ------------------------------------------------------------------------

    def get_spreadsheet(self, key: str, params: Mapping[str, Any], **kw: Any) -> Any:
        return self.request("GET", f"{SHEETS_URL}/{key}", key=key, params=params, **kw)

    def batch_get_values(self, key: str, params: Mapping[str, Any], **kw: Any) -> Any:
        """``spreadsheets.values.batchGet``: ``params["ranges"]`` a list, sent repeated."""
        url = f"{SHEETS_URL}/{key}/values:batchGet"
        return self.request("GET", url, key=key, params=params, **kw)

    def batch_update(self, key: str, body: Mapping[str, Any], **kw: Any) -> Any:
        return self.request("POST", f"{SHEETS_URL}/{key}:batchUpdate", key=key, json=body, **kw)

    def create_spreadsheet(self, body: Mapping[str, Any], **kw: Any) -> Any:
        return self.request("POST", SHEETS_URL, json=body, **kw)

    def file_version(self, key: str, **kw: Any) -> Any:
        """Drive ``files.get`` of the file's ``version`` alone (Drive's quota, not Sheets')."""
        params = {"fields": "version", "supportsAllDrives": "true"}
        return self.request("GET", f"{DRIVE_FILES_URL}/{key}", key=key, params=params, **kw)

    def delete_file(self, key: str, **kw: Any) -> Any:
        """Drive ``files.delete``: needs a Drive scope, which Google may refuse (403)."""
        return self.request("DELETE", f"{DRIVE_FILES_URL}/{key}", key=key, **kw)
