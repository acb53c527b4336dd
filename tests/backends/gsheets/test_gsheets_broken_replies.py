"""A reply whose body breaks on the way (the connection cut mid-body, a gzip body that
does not decompress) is a network failure like a timeout: retried, then a clear error."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.backends.gsheets.ratelimit import READ, WRITE, RateLimiter
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.emulator import Emulator
from sheets_sync.errors import RetryExhaustedError
from tests.backends.gsheets.conftest import FAST, MakeClient

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
