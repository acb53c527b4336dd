"""A live Sheets API emulator on 127.0.0.1 and clients wired to it (real gspread, real
google-auth token exchange); nothing of ours is mocked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sheets_sync.backends.gsheets.auth import credentials_from_info
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.ratelimit import RateLimiter
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.backends.gsheets.transport import (
    EMULATOR_ENV,
    emulator_http_client,
    fake_service_account_info,
)
from sheets_sync.config_models import GoogleModel
from sheets_sync.emulator import Emulator, run_emulator
from tests.support.google import is_version_check

#: quick retries; a budget and a per-request timeout (``make_client``) for a loaded box: the
#: emulator serves in this process, and the template's batchUpdate and its read cost it
#: ~4-5 s each at a load of 8 on 2 cores; at 12, with xdist, they passed 10 s (ReadTimeout)
FAST = RetryPolicy(max_attempts=5, max_seconds=60.0, base_delay=0.01, max_delay=0.05)


@pytest.fixture(scope="package")
def _emulator() -> Iterator[Emulator]:
    """One server for this folder's tests, stopped after them: its thread, alive through
    the session, made every later test that forks sync workers warn on Python 3.12+
    ("This process is multi-threaded, use of fork() may lead to deadlocks"), and keeps a
    sync there from forking at all (``workers.worker_count``)."""
    with run_emulator() as emu:
        yield emu


@pytest.fixture
def emulator(_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.setenv(EMULATOR_ENV, _emulator.host)
    _emulator.reset()
    _emulator.faults.retry_after_s = 1
    _emulator.faults.error_mix = (429, 500, 503)
    yield _emulator
    _emulator.reset()


@pytest.fixture(scope="package")
def sa_info(_emulator: Emulator) -> dict[str, Any]:
    return fake_service_account_info(_emulator.host)


MakeClient = Callable[..., SheetsClient]
#: a token without the Drive scope: the check of a sheet's version (``gsheets/guard.py``)
#: is refused once and then off for the client, so its requests are the Sheets ones
#: alone, as before 2026-12-07 (tests of the requests' own retries, replies and tokens)
SHEETS_ONLY = ["https://www.googleapis.com/auth/spreadsheets"]


@pytest.fixture
def make_client(emulator: Emulator, sa_info: dict[str, Any]) -> MakeClient:
    def make(
        policy: RetryPolicy = FAST,
        per_minute: int = 6000,
        scopes: list[str] | None = None,
        timeout: float = 60,
        **kw: Any,
    ) -> SheetsClient:
        """``scopes``: what the token asks for instead of the tool's own (the emulator
        checks each request against them, as Google does); ``timeout``: the per-request
        timeout (``google.timeout_seconds``)."""
        creds = credentials_from_info(sa_info, "test key")
        if scopes is not None:
            creds = creds.with_scopes(scopes)
        return SheetsClient.from_credentials(
            creds,
            GoogleModel(timeout_seconds=timeout),
            http_client=emulator_http_client(emulator.host),
            policy=policy,
            **{"limiter": RateLimiter(per_minute), **kw},
        )

    return make


@pytest.fixture
def client(make_client: MakeClient) -> SheetsClient:
    return make_client()


@pytest.fixture
def api_requests(emulator: Emulator) -> Callable[..., list[Any]]:
    """Logged Sheets/Drive requests (the token exchange is not an API call), but the
    sync's Drive checks of a sheet's version (``gsheets/guard.py``, on Drive's quota:
    ``tests/backends/gsheets/test_gsheets_guard.py`` counts them); since 2026-12-07."""

    def logged(key: str | None = None) -> list[Any]:
        return [
            r
            for r in emulator.log.requests
            if r.endpoint != "token"
            and not is_version_check(r)
            and (key is None or r.spreadsheet_id == key)
        ]

    return logged


@pytest.fixture(autouse=True)
def _only_localhost(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any name lookup other than 127.0.0.1 fails the test (also from google-auth's
    background threads, which would swallow an exception): nothing may reach Google."""
    import socket
    import time

    real = socket.getaddrinfo
    escaped: list[Any] = []

    def local_only(host: Any, *args: Any, **kw: Any) -> Any:
        if host not in ("127.0.0.1", "localhost", b"127.0.0.1"):
            escaped.append(host)
            raise OSError(f"test tried to reach {host!r}")
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
    yield
    time.sleep(0.01)  # let a background lookup, if any, get as far as the name lookup
    assert escaped == [], f"requests left 127.0.0.1: {escaped}"
