"""Google's read and write quotas are counted apart: the client's limiter keeps a window for
each, and classifies every call it sends as the emulator (and Google) counts it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from sheets_sync.backends.gsheets.auth import TEMPLATE_SCOPES
from sheets_sync.backends.gsheets.client import DRIVE_FILES_URL, SHEETS_URL
from sheets_sync.backends.gsheets.ratelimit import READ, WRITE, RateLimiter, quota_kind
from sheets_sync.backends.gsheets.retry import (
    RetryableError,
    RetryPolicy,
    SlotWaits,
    call_with_retry,
)
from sheets_sync.emulator import Emulator, api
from sheets_sync.emulator.errors import ApiError
from sheets_sync.errors import RetryExhaustedError
from tests.backends.gsheets.test_gsheets_retry import FakeClock


def test_reads_and_writes_each_have_a_window_of_per_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire(READ) for _ in range(2)] == [0.0, 0.0]
    assert [limiter.acquire(WRITE) for _ in range(2)] == [0.0, 0.0]  # the reads took none
    clock.now += 10
    assert limiter.acquire(READ) == pytest.approx(50.0)  # until the first read is 60 s old
    assert limiter.acquire(WRITE) == 0.0  # the writes' window moved on meanwhile
    assert limiter.acquire(WRITE) == 0.0
    assert limiter.acquire(WRITE) == pytest.approx(60.0)
    assert limiter.waited_by_kind == {READ: pytest.approx(50.0), WRITE: pytest.approx(60.0)}
    assert limiter.waited == pytest.approx(110.0)  # the run's total, both quotas
    assert clock.sleeps == [pytest.approx(50.0), pytest.approx(60.0)]


def test_a_changed_night_of_reads_and_writes_runs_at_both_quotas() -> None:
    """One read and one write a team, 60 of each a minute: 60 teams in the first minute
    with no wait; one window over both would have held the 31st team's read a minute."""
    clock = FakeClock()
    limiter = RateLimiter(60, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        limiter.acquire(READ)
        limiter.acquire(WRITE)
    assert limiter.waited == 0.0 and clock.sleeps == []


@pytest.mark.parametrize(
    ("method", "url", "kind"),
    [
        ("GET", f"{SHEETS_URL}/k", READ),
        ("GET", f"{SHEETS_URL}/k/values:batchGet?ranges=A1", READ),
        ("POST", f"{SHEETS_URL}/k:getByDataFilter", READ),
        ("POST", f"{SHEETS_URL}/k/values:batchGetByDataFilter", READ),
        ("POST", f"{SHEETS_URL}/k/developerMetadata:search", READ),
        ("POST", f"{SHEETS_URL}/k:batchUpdate", WRITE),
        ("POST", SHEETS_URL, WRITE),
        ("POST", f"{SHEETS_URL}/k/values:batchUpdate", WRITE),
        ("POST", f"{SHEETS_URL}/k/values/A1:append?valueInputOption=RAW", WRITE),
        ("POST", f"{SHEETS_URL}/k/values/A1:clear", WRITE),
        ("PUT", f"{SHEETS_URL}/k/values/A1", WRITE),
        ("DELETE", f"{DRIVE_FILES_URL}/k", None),  # Drive: a quota of its own at Google
        ("GET", f"{DRIVE_FILES_URL}/k", None),
        ("POST", f"{DRIVE_FILES_URL}/k/copy", None),
    ],
)
def test_quota_kind_of_a_request(method: str, url: str, kind: str | None) -> None:
    assert quota_kind(method, url) == kind


@pytest.mark.emulator
def test_every_call_the_client_sends_counts_on_the_quota_the_emulator_counts_it_on(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """Each of the client's endpoints, against the emulator's ``mutates``; a read and a
    write at a quota of 1 a minute: neither waits for the other, a second write does, and
    a Drive delete waits for none (Google counts Drive on a quota of its own)."""
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    client = make_client(scopes=list(TEMPLATE_SCOPES), limiter=limiter)
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    title = {"updateSpreadsheetProperties": {"properties": {"title": "u"}, "fields": "title"}}
    client.batch_update(key, {"requests": [title]}, source="t")
    assert limiter.waited == 0.0  # the read and the write have a quota each
    created = client.create_spreadsheet({"properties": {"title": "new"}}, source="new")
    waited = limiter.waited_by_kind[WRITE]
    client.delete_file(str(created["spreadsheetId"]), source="new")
    assert limiter.waited_by_kind == {READ: 0.0, WRITE: pytest.approx(60.0)}
    assert waited == pytest.approx(60.0)  # the create waited, the delete did not
    sent = api_requests()
    assert [r.endpoint for r in sent] == [
        "spreadsheets.get",
        "spreadsheets.batchUpdate",
        "spreadsheets.create",
        "drive.files.delete",
    ]
    for r in sent:
        mutates = api.resolve(r.method, urlsplit(r.path).path)[3]
        kind = None if r.endpoint.startswith("drive.") else WRITE if mutates else READ
        assert quota_kind(r.method, r.path) == kind, r.endpoint


@pytest.mark.emulator
def test_a_wait_for_a_quota_slot_does_not_spend_the_retry_budget(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """A read that waited a minute for its slot (past the first minute's quota), then met
    a 503: retried within its 10 s budget, which the wait did not spend. It gave up after
    its one attempt before, and its team failed with nothing wrong but the pacing."""
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    client = make_client(limiter=limiter, clock=clock, sleep=clock.sleep)
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    refused: list[str] = []

    def once(endpoint: str, spreadsheet_id: str | None) -> None:
        if not refused:
            refused.append(endpoint)
            raise ApiError(503, "The service is currently unavailable.")

    emulator.faults.before_request = once
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    # a minute's wait for the read's slot, about another for its retry's (each attempt
    # uses quota, as at Google), less the retry's backoff: none of it spent the budget
    assert limiter.waited == pytest.approx(120.0, abs=1.0)
    assert refused == ["spreadsheets.get"]
    assert [r.status for r in api_requests()] == [200, 503, 200]


@pytest.mark.emulator
def test_only_the_first_slot_wait_of_a_call_is_spared_from_its_budget(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """A sheet throttled for good at a quota of 1 read a minute, default budget (5
    attempts, 60 s): the first slot's wait is pacing and spends nothing, the retry's wait
    spends the budget, so the call gives up after 2 attempts, not 5 of a minute's wait
    each (300 s for a call whose budget says 60)."""
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    client = make_client(RetryPolicy(), limiter=limiter, clock=clock, sleep=clock.sleep)
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    emulator.faults.throttle(key)
    started = clock.now
    with pytest.raises(RetryExhaustedError) as info:
        client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t", what="read")
    assert "gave up after 2 attempts" in str(info.value)
    assert [r.status for r in api_requests()] == [200, 429, 429]
    # 60 s for the first slot, the 1 s Retry-After, 59 s for the retry's slot
    assert clock.now - started == pytest.approx(120.0)


@pytest.mark.emulator
def test_a_call_that_gave_up_says_its_time_and_how_much_of_it_went_to_the_quota(
    emulator: Emulator, make_client: Any
) -> None:
    """The line gives the call's time, not the budget's (it said 60.0 s for a call of
    120 s, 4.0 s for one of 300 s), and how much of it was a wait for the read quota."""
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    client = make_client(RetryPolicy(), limiter=limiter, clock=clock, sleep=clock.sleep)
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    emulator.faults.throttle(key)
    with pytest.raises(RetryExhaustedError) as info:
        client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t", what="read")
    assert str(info.value).startswith(
        "t: read: gave up after 2 attempts in 120.0 s, 119.0 s of it waiting for the read "
        "quota (last error: 429 RESOURCE_EXHAUSTED Quota exceeded for quota metric 'Read "
        "requests'"
    )


def test_a_write_that_gave_up_names_the_write_quota_and_one_that_never_waited_no_quota() -> None:
    clock = FakeClock()

    def attempt(remaining: Any) -> None:
        clock.now += 30.0  # a slot of the write quota, 30 s away
        waits.add(30.0)
        raise RetryableError("503 UNAVAILABLE", status=503)

    waits = SlotWaits(WRITE)
    policy = RetryPolicy(max_attempts=2, max_seconds=60.0)
    with pytest.raises(RetryExhaustedError) as info:
        call_with_retry(attempt, policy=policy, what="write", source="s", sleep=clock.sleep,
                        clock=clock, rng=lambda: 0.0, waits=waits)  # fmt: skip
    assert str(info.value) == (
        "s: write: gave up after 2 attempts in 60.0 s, 60.0 s of it waiting for the write "
        "quota (last error: 503 UNAVAILABLE); will retry next run"
    )
    clock.now, waits = 1000.0, SlotWaits(READ)
    with pytest.raises(RetryExhaustedError) as info:
        call_with_retry(lambda remaining: attempt_fails(), policy=policy, what="read",
                        source="s", sleep=clock.sleep, clock=clock, rng=lambda: 0.0,
                        waits=waits)  # fmt: skip
    assert str(info.value) == (
        "s: read: gave up after 2 attempts in 0.0 s (last error: 503 UNAVAILABLE); will retry "
        "next run"
    )


def attempt_fails() -> None:
    raise RetryableError("503 UNAVAILABLE", status=503)
