"""Google's read and write quotas are counted apart: the client's limiter keeps a window for
each, and classifies every call it sends as the emulator (and Google) counts it."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

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


@pytest.mark.emulator
def test_a_slot_counts_from_its_answer_so_a_read_that_arrived_late_meets_no_429(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """Google counts a request when it arrives. A quota of 1 read a minute, the emulator's
    and ours on one fake clock; the first read takes 5 s to arrive. Stamped when its slot
    was taken, the second read was sent 60 s after the first was sent, 55 s after Google
    counted it: 429. Counted from the first read's answer, it waits until 65 s."""
    clock = FakeClock()
    emulator.faults.clock = clock
    emulator.faults.rate_limit_per_minute = 1
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    client = make_client(RetryPolicy(max_attempts=1), limiter=limiter, clock=clock,
                         sleep=clock.sleep)  # fmt: skip
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    late: list[str] = []

    def arrives_late(endpoint: str, spreadsheet_id: str | None) -> None:
        if not late:
            late.append(endpoint)
            clock.now += 5.0  # on its way to Google (this hook runs before the count)

    emulator.faults.before_request = arrives_late
    started = clock.now
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    assert late == ["spreadsheets.get"]
    assert [r.status for r in api_requests()] == [200, 200]
    assert limiter.waited == pytest.approx(60.0)  # the window from the first answer, 5 s in
    assert clock.now - started == pytest.approx(65.0)


@pytest.mark.emulator
def test_a_client_at_full_rate_against_the_emulators_quota_meets_no_429(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """4 threads read as fast as the quota lets them, 3 reads and 3 writes a 2 s window,
    the emulator's and ours, for 4 windows. The emulator holds each quota's first 3
    requests 0.5 s before it counts them (slow to arrive, as the first of a run are: a new
    connection, a busy server). A slot stamped when taken let the second window's requests
    arrive less than a window after those: a 429 each. Counted from its answer, none."""
    per_window, window, rounds = 3, 2.0, 4
    emulator.faults.rate_limit_per_minute = per_window
    emulator.faults.rate_limit_window_s = window
    arrived: dict[str, int] = {}
    lock = threading.Lock()

    def first_window_slow(endpoint: str, spreadsheet_id: str | None) -> None:
        with lock:
            arrived[endpoint] = arrived.get(endpoint, 0) + 1  # a read or a write
            first = arrived[endpoint] <= per_window
        if first:
            time.sleep(0.5)

    emulator.faults.before_request = first_window_slow
    limiter = RateLimiter(per_window, window=window)
    client = make_client(RetryPolicy(max_attempts=3, max_seconds=30.0), limiter=limiter)
    keys = [emulator.create_spreadsheet(f"t{i}", {"OKRs": [["a"]]}) for i in range(4)]
    title = {"updateSpreadsheetProperties": {"properties": {"title": "u"}, "fields": "title"}}
    errors: list[BaseException] = []

    def team(key: str) -> None:
        try:
            for _ in range(rounds * per_window // 4):
                client.get_spreadsheet(key, {"fields": "sheets.properties"}, source=key)
                client.batch_update(key, {"requests": [title]}, source=key)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=team, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    statuses = Counter(r.status for r in api_requests())
    assert errors == [] and statuses == {200: 2 * rounds * per_window}, (errors, statuses)


def test_a_slot_counts_in_its_window_from_when_its_block_ends() -> None:
    """A request whose answer took 5 s holds its slot 5 s, and a window from then."""
    clock = FakeClock()
    limiter = RateLimiter(1, clock=clock, sleep=clock.sleep)
    with limiter.slot(READ) as waited:
        clock.now += 5.0  # the round trip
    assert waited == 0.0
    assert limiter.acquire(READ) == pytest.approx(60.0)
    assert clock.now == pytest.approx(1065.0)


def test_a_slot_in_flight_holds_its_place_until_its_answer_then_a_window_more() -> None:
    """Every slot in flight: a caller waits for one to settle (woken by it, no timer to
    go by), then for a window from that moment. On a fake clock, which only the waits
    move: the order of the two and the wait made are recorded, not timed (until
    2026-12-07 the real gap between them, at least 0.2 s)."""
    clock = FakeClock()
    limiter = RateLimiter(1, window=0.2, clock=clock, sleep=clock.sleep)
    taken, answered = threading.Event(), threading.Event()
    seen: list[tuple[str, float]] = []

    def in_flight() -> None:
        with limiter.slot(WRITE):
            taken.set()
            assert answered.wait(60), "a hang: the answer never came"
            clock.now += 5.0  # the round trip: the window runs from its end
            seen.append(("answered", clock()))

    def next_write() -> None:
        limiter.acquire(WRITE)
        seen.append(("taken", clock()))

    first = threading.Thread(target=in_flight)
    first.start()
    assert taken.wait(60)
    second = threading.Thread(target=next_write)
    second.start()
    assert limiter.acquire(READ) == 0.0  # the reads' window is not the writes'
    answered.set()
    first.join(60)
    second.join(60)
    assert not first.is_alive() and not second.is_alive(), "a hang: a write never got a slot"
    assert seen == [("answered", 1005.0), ("taken", pytest.approx(1005.2))], seen
    assert clock.sleeps == [pytest.approx(0.2)]  # a window from the answer, nothing before


@pytest.mark.emulator
def test_every_call_asks_for_compact_json(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """``prettyPrint=false`` on every Sheets and Drive call (Google indents its JSON
    otherwise, and gspread does not ask), from the session: no endpoint adds it."""
    client = make_client(scopes=list(TEMPLATE_SCOPES))
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    client.get_spreadsheet(key, {"fields": "sheets.properties"}, source="t")
    title = {"updateSpreadsheetProperties": {"properties": {"title": "u"}, "fields": "title"}}
    client.batch_update(key, {"requests": [title]}, source="t")
    created = client.create_spreadsheet({"properties": {"title": "new"}}, source="new")
    client.delete_file(str(created["spreadsheetId"]), source="new")
    sent = api_requests()
    assert len(sent) == 4
    for r in sent:
        assert parse_qs(urlsplit(r.path).query)["prettyPrint"] == ["false"], r.endpoint


@pytest.mark.emulator
def test_every_reply_with_a_body_comes_gzipped(
    emulator: Emulator, make_client: Any, api_requests: Any
) -> None:
    """Google gzips a reply only for a User-Agent that contains ``gzip``; requests' and
    gspread's did not, so every reply came uncompressed."""
    client = make_client(scopes=list(TEMPLATE_SCOPES))
    key = emulator.create_spreadsheet("t", {"OKRs": [["a"]]})
    client.get_spreadsheet(key, {"includeGridData": "true"}, source="t")
    title = {"updateSpreadsheetProperties": {"properties": {"title": "u"}, "fields": "title"}}
    client.batch_update(key, {"requests": [title]}, source="t")
    emulator.faults.throttle(key)
    with pytest.raises(RetryExhaustedError):  # an error's reply too
        client.get_spreadsheet(key, {"fields": "spreadsheetId"}, source="t")
    sent = api_requests()
    assert [(r.status, r.gzipped) for r in sent[:3]] == [(200, True), (200, True), (429, True)]
    assert "(gzip)" in client.http.session.headers["User-Agent"]
