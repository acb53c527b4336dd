"""A token the API refuses mid-run (revoked, or the 401 of a clock gone wrong): the client
fetches a new one inside the attempt, under the same retry budget and timeout cap as any
exchange, and sends the request once more. google-auth's session used to refresh by
itself, outside the budget, with gspread's full timeout and its own ~3 s of sleeps."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from google.auth import _exponential_backoff
from google.auth import _helpers as google_auth_helpers
from google.auth.transport import requests as google_auth_requests

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.retry import MIN_ATTEMPT_SECONDS, RetryPolicy
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.faults import Reply
from sheets_sync.errors import RemoteError, RetryExhaustedError
from tests.backends.gsheets.conftest import SHEETS_ONLY

pytestmark = pytest.mark.emulator

#: A token endpoint that hangs: longer than gspread's timeout (``TIMEOUT``), ended by the
#: emulator's reset
HANG_MS = 60_000
TIMEOUT = 30.0
#: How far into google-auth's refresh threshold its injected clock moves (stale, not expired)
STALE_BY = datetime.timedelta(seconds=60)
QUICK = RetryPolicy(max_attempts=3, max_seconds=10.0, base_delay=0.01, max_delay=0.02)
UNAUTHENTICATED = {
    "error": {
        "code": 401,
        "message": "Request had invalid authentication credentials. Expected OAuth 2 access "
        "token, login cookie or other valid authentication credential.",
        "status": "UNAUTHENTICATED",
    }
}


def _tokens(emulator: Emulator) -> int:
    return sum(1 for r in emulator.log.requests if r.endpoint == "token")


def _revoke(emulator: Emulator) -> None:
    with emulator.state.lock:
        emulator.state.tokens.clear()


def _read_once(emulator: Emulator, client: Any) -> tuple[GoogleSheetsBackend, str]:
    key = emulator.create_spreadsheet("t", {"OKRs": [["A"]]})
    backend = GoogleSheetsBackend(client, key, display_name="Ops")
    backend.read(["OKRs"])
    return backend, key


def test_a_revoked_token_is_replaced_and_the_request_sent_again(
    emulator: Emulator, make_client: Any
) -> None:
    client = make_client(RetryPolicy(max_attempts=1, max_seconds=10.0), scopes=SHEETS_ONLY)
    backend, _ = _read_once(emulator, client)
    calls = client.calls
    _revoke(emulator)
    assert backend.read(["OKRs"]).sheet_names == ("OKRs",)  # one attempt was enough
    assert _tokens(emulator) == 2  # the first token, and one new one
    assert client.calls == calls + 2  # the refused request and the one sent again


def test_the_refresh_after_a_401_is_retried_by_the_budget_not_by_google_auth(
    emulator: Emulator, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """google-auth's own refresh retried a 503 with ~3 s of its own sleeps, exchanges no
    budget saw; now each attempt makes one exchange, and the budget decides. The sleeps
    are counted where they are taken (a wall-clock bound failed on a loaded machine)."""
    ours: list[float] = []
    theirs: list[float] = []
    monkeypatch.setattr(_exponential_backoff, "time", SimpleNamespace(sleep=theirs.append))
    backend, _ = _read_once(emulator, make_client(QUICK, sleep=ours.append))
    _revoke(emulator)
    emulator.faults.token_reply = Reply.of(503, {"error": "temporarily_unavailable"})
    before = _tokens(emulator)
    with pytest.raises(RetryExhaustedError) as info:
        backend.read(["OKRs"])
    assert str(info.value).startswith("Ops: read: gave up after 3 attempts")
    assert f"the token endpoint http://{emulator.host}/token is unavailable (503)" in str(
        info.value
    )
    assert _tokens(emulator) - before == 3
    assert theirs == []  # google-auth slept none of its backoff
    assert len(ours) == 2 and max(ours) <= QUICK.max_delay  # the budget's, between attempts


def test_the_refresh_after_a_401_waits_no_longer_than_the_budget(
    emulator: Emulator, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token endpoint that hangs during the refresh: the exchange is given the attempt's
    timeout cap, where gspread's full timeout (30 s here) it used to be. Every exchange's
    timeout is recorded where google-auth's transport sends it (ours and any of
    google-auth's own), not timed: a wall-clock bound failed on a loaded machine. The
    budget's clock moves by those timeouts alone: the exchange's cap does not hang on how
    long the 401 took, and the 401 has the send's whole cap (3 s; with the wall clock and
    a 1 s budget, a 401 slower than 1 s on a loaded box would end the call unexchanged)."""
    timeouts: list[float] = []
    send: Any = google_auth_requests.Request.__call__  # untyped in google-auth

    def recorded(self: Any, url: str, *args: Any, timeout: Any = None, **kwargs: Any) -> Any:
        timeouts.append(timeout)
        return send(self, url, *args, timeout=timeout, **kwargs)

    policy = RetryPolicy(max_attempts=5, max_seconds=3.0, base_delay=0.01)
    clock = lambda: 1000.0 + sum(timeouts)  # noqa: E731 (the budget's, read by the client)
    client = make_client(policy, timeout=TIMEOUT, clock=clock, rng=lambda: 1.0)
    backend, _ = _read_once(emulator, client)
    _revoke(emulator)
    emulator.faults.token_latency_ms = HANG_MS
    exchanges = client.exchanges
    monkeypatch.setattr(google_auth_requests.Request, "__call__", recorded)
    with pytest.raises(RetryExhaustedError) as info:
        backend.read(["OKRs"])
    assert "the token endpoint" in str(info.value)
    # one exchange, in the attempt, given the whole budget: it waited out that timeout,
    # which spent the budget, so no attempt followed
    assert timeouts == [max(policy.max_seconds, MIN_ATTEMPT_SECONDS)]
    assert client.exchanges == exchanges + 1


def test_a_new_token_refused_too_is_rejected_credentials_not_retried(
    emulator: Emulator, make_client: Any
) -> None:
    client = make_client(QUICK, scopes=SHEETS_ONLY)
    backend, key = _read_once(emulator, client)
    calls, tokens = client.calls, _tokens(emulator)
    _revoke(emulator)
    emulator.faults.answer(key, 401, UNAUTHENTICATED)
    with pytest.raises(RemoteError) as info:
        backend.read(["OKRs"])
    assert not isinstance(info.value, RetryExhaustedError)
    assert str(info.value) == f"Ops: Google rejected the credentials of {client.email} (401)"
    assert client.calls == calls + 2  # sent once more with a new token, then given up
    assert _tokens(emulator) == tokens + 1


def test_threads_refused_together_make_one_exchange(emulator: Emulator, make_client: Any) -> None:
    """Four teams' threads send with the revoked token at once: one new token serves them
    all (the refused one is marked, not cleared: a cleared token made google-auth refresh
    by itself in any thread about to send, outside the budget)."""
    import threading

    client = make_client(QUICK)
    keys = [emulator.create_spreadsheet(f"t{i}", {"OKRs": [["A"]]}) for i in range(4)]
    backends = [GoogleSheetsBackend(client, key) for key in keys]
    backends[0].read(["OKRs"])
    _revoke(emulator)
    before = _tokens(emulator)
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def read(backend: GoogleSheetsBackend) -> None:
        start.wait()
        try:
            backend.read(["OKRs"])
        except Exception as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(b,)) for b in backends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _tokens(emulator) - before == 1


def test_a_refused_token_stays_on_the_credentials_until_replaced(
    emulator: Emulator, make_client: Any
) -> None:
    """What a thread about to send sees while another replaces the refused token: still a
    valid-looking token, so google-auth's ``before_request`` does not refresh by itself
    (cleared, it did: an exchange outside the budget and the timeout cap)."""
    client = make_client(QUICK)
    _read_once(emulator, client)
    creds, before = client.http.auth, _tokens(emulator)
    refused = creds.token
    client._drop_token(refused)
    assert creds.token == refused and creds.valid  # nothing for google-auth to refresh
    fresh = client._ensure_token("Ops", lambda: 10.0)
    assert fresh != refused and creds.token == fresh
    assert _tokens(emulator) - before == 1


def test_a_token_that_goes_stale_between_our_check_and_the_send_is_not_refreshed_by_google_auth(
    emulator: Emulator, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """google-auth's ``before_request`` refreshes a token it finds within its refresh
    threshold (3 min 45 s before expiry) as it sends: an exchange outside the retry budget
    and the timeout cap. Here google-auth's clock (injected, not the wall clock: the window
    was 1 s of it) moves into the threshold while the rate limiter holds the second read,
    after our check found the token fresh: only the client's own path may exchange, and
    the stale token, which Google still accepts, is sent."""
    start = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # naive, as google-auth's
    moved = [datetime.timedelta(0)]
    monkeypatch.setattr(google_auth_helpers, "utcnow", lambda: start + moved[0])
    client = make_client(QUICK)
    backend, _ = _read_once(emulator, client)
    assert client.exchanges == 1 and client.http.auth.valid
    lifetime = datetime.timedelta(seconds=emulator.faults.token_lifetime_s)
    slot = client.limiter.slot

    @contextlib.contextmanager
    def held(kind: Any, stop: Any = None) -> Iterator[float]:
        with slot(kind, stop) as waited:  # the wait for the slot, google-auth's clock moving on
            moved[0] = lifetime - google_auth_helpers.REFRESH_THRESHOLD + STALE_BY
            yield waited

    monkeypatch.setattr(client.limiter, "slot", held)
    assert backend.read(["OKRs"]).sheet_names == ("OKRs",)
    assert _tokens(emulator) == client.exchanges == 1  # google-auth made none of its own
    assert not client.http.auth.valid  # stale by google-auth's rule, as it was sent
    backend.read(["OKRs"])  # the next attempt's own check replaces it, counted
    assert _tokens(emulator) == client.exchanges == 2
