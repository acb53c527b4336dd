"""A reply whose body breaks on the way (the connection cut mid-body, a gzip body that
does not decompress) is a network failure like a timeout: retried, then a clear error."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import urllib3

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.failures import answer_lost as _answer_lost
from sheets_sync.backends.gsheets.ratelimit import READ, WRITE, RateLimiter
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.errors import ApiError
from sheets_sync.errors import RetryExhaustedError
from sheets_sync.grid import CellWrite
from tests.backends.gsheets.conftest import FAST, SHEETS_ONLY, MakeClient

pytestmark = pytest.mark.emulator
WHY = {"cut": "was cut short", "gzip": "did not decompress"}


@pytest.mark.parametrize("how", ["cut", "gzip"])
def test_a_reply_whose_body_breaks_once_is_retried(
    how: str, emulator: Emulator, make_client: MakeClient, api_requests: Any
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["a", "b"], ["c", "d"]]})
    limiter = RateLimiter(100)
    client = make_client(FAST, limiter=limiter)
    emulator.faults.break_bodies(how)
    reply = client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="team X")
    assert reply["sheets"][0]["properties"]["title"] == "OKRs"
    assert len(api_requests(key)) == 2  # the broken one, then its retry
    assert limiter._in_flight == {READ: 0, WRITE: 0}


@pytest.mark.parametrize("how", ["cut", "gzip"])
def test_a_reply_whose_body_always_breaks_gives_up_as_a_network_failure(
    how: str, emulator: Emulator, make_client: MakeClient, api_requests: Any
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    limiter = RateLimiter(100)
    client = make_client(
        RetryPolicy(max_attempts=2, max_seconds=10, base_delay=0.01), limiter=limiter
    )
    emulator.faults.break_bodies(how, count=None)
    with pytest.raises(RetryExhaustedError) as info:
        client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="team X")
    assert "gave up after 2 attempts" in str(info.value)
    assert f"network: the reply {WHY[how]}" in str(info.value)
    assert info.value.source == "team X"
    assert len(api_requests(key)) == 2
    assert limiter._in_flight == {READ: 0, WRITE: 0}


def test_a_write_whose_answer_is_always_lost_says_it_may_have_been_applied(
    emulator: Emulator, make_client: MakeClient
) -> None:
    """Google applied the write each time and the answer never came back: the line
    said only that the team's cells were not written, where the sheet held them all. A
    read that gives up so says nothing of the kind (it changes nothing)."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    backend = GoogleSheetsBackend(
        make_client(
            RetryPolicy(max_attempts=2, max_seconds=10, base_delay=0.01), scopes=SHEETS_ONLY
        ),
        key,
    )
    data = backend.read(["OKRs"])
    emulator.faults.break_bodies("cut", count=None)
    with pytest.raises(RetryExhaustedError) as info:
        backend.write(data, [CellWrite("OKRs", 1, 2, "Score")])
    assert re.search(
        r"write 1 cells: gave up after 2 attempts in [\d.]+ s \(last error: network: the "
        r"reply was cut short\); the request may have reached Google and been applied \(the "
        r"sheet may hold it already\); will retry next run$",
        str(info.value),
    )
    assert emulator.values(key, "OKRs!A1:B1") == [["a", "Score"]]  # it was applied
    with pytest.raises(RetryExhaustedError) as read:
        backend.read(["OKRs"])
    assert "may have applied" not in str(read.value)


def test_a_connection_never_made_is_no_request_google_had() -> None:
    """Refused, or a connect timeout: the request never went out, so a write that gave
    up so was not applied; a read timeout or a connection dropped after the send was."""
    refused = requests.ConnectionError(
        urllib3.exceptions.MaxRetryError(
            None,  # type: ignore[arg-type]
            "/",
            urllib3.exceptions.NewConnectionError(None, "refused"),  # type: ignore[arg-type]
        )
    )
    dropped = requests.ConnectionError(
        urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError())
    )
    # a timeout while the body is read: requests raises ConnectionError, not ReadTimeout,
    # and the line said nothing of the write Google may have applied (until 2026-12-06)
    body_timed_out = requests.ConnectionError(
        urllib3.exceptions.ReadTimeoutError(None, "/", "Read timed out.")  # type: ignore[arg-type]
    )
    assert not _answer_lost(refused) and not _answer_lost(requests.ConnectTimeout())
    assert _answer_lost(requests.ReadTimeout()) and _answer_lost(dropped)
    assert _answer_lost(body_timed_out)


def test_a_write_applied_by_an_earlier_attempt_says_so_whatever_the_last_got(
    emulator: Emulator, make_client: MakeClient
) -> None:
    """Attempt 1 applied and its answer lost, attempt 2 a 503: only the last attempt was
    looked at, so the line said nothing of the sheet holding the write (until 2026-12-06)."""
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    backend = GoogleSheetsBackend(
        make_client(
            RetryPolicy(max_attempts=2, max_seconds=10, base_delay=0.01), scopes=SHEETS_ONLY
        ),
        key,
    )
    data = backend.read(["OKRs"])
    emulator.faults.break_bodies("cut", count=1)
    writes = [0]

    def unavailable_after_the_first(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate":
            writes[0] += 1
            if writes[0] > 1:
                raise ApiError(503, "The service is currently unavailable.")

    emulator.faults.before_request = unavailable_after_the_first
    with pytest.raises(RetryExhaustedError) as info:
        backend.write(data, [CellWrite("OKRs", 1, 2, "Score")])
    assert "(last error: 503 " in str(info.value)
    assert str(info.value).endswith(
        "; the request may have reached Google and been applied (the sheet may hold it "
        "already); will retry next run"
    )
    assert emulator.values(key, "OKRs!A1:B1") == [["a", "Score"]]  # attempt 1 applied it


def test_a_create_whose_answer_is_lost_says_a_spreadsheet_may_be_left(
    emulator: Emulator, make_client: MakeClient
) -> None:
    """``template --google``: a lost create's reply leaves a spreadsheet that no one can
    open; "the sheet may hold it already" said nothing of it (until 2026-12-06)."""
    client = make_client(RetryPolicy(max_attempts=2, max_seconds=10, base_delay=0.01))
    before = len(emulator.state.spreadsheets)
    emulator.faults.break_bodies("cut", count=None)
    with pytest.raises(RetryExhaustedError) as info:
        client.create_spreadsheet({"properties": {"title": "T"}}, source="T", what="create")
    assert str(info.value).endswith(
        "(last error: network: the reply was cut short); the request may have reached "
        "Google and made a spreadsheet all the same (one an attempt so lost), owned by "
        f"{client.email} and shared with no one; will retry next run"
    )
    assert len(emulator.state.spreadsheets) - before == 2  # as the line warns


def test_a_send_that_broke_or_timed_out_is_no_request_google_had() -> None:
    """A write timeout or a broken pipe while the request went out: not all of it was
    sent, so Google cannot have applied it (until 2026-12-06 any dropped connection was
    "Google had the request")."""
    for inner in (TimeoutError("timed out"), BrokenPipeError()):
        broken = requests.ConnectionError(
            urllib3.exceptions.ProtocolError("Connection aborted.", inner)
        )
        assert not _answer_lost(broken)
