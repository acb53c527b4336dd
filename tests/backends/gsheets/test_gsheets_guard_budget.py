"""The version check's Drive call before a write's attempt, with Drive down: it has its
own short retries, its time is not the write's budget, it is named as the check's, and
what it says is logged once, only after the write went through. Until 2026-12-07 the
Drive call took the client's retries inside the write's budget (a write whose first
attempt got a 503 then gave up after 1 attempt), said the write's label, and warned of
a write "written without the check" before it was sent (and for one that then failed)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.errors import ApiError
from sheets_sync.errors import RetryExhaustedError
from tests.backends.gsheets.test_gsheets_guard import OKRS, WRITE

pytestmark = pytest.mark.emulator

#: a fake clock: every Drive answer takes DRIVE_SECONDS of it, a backoff its delay
POLICY = RetryPolicy(max_attempts=5, max_seconds=30, base_delay=0.01, max_delay=0.01)
DRIVE_SECONDS = 10.0


def _setup(
    emulator: Emulator, make_client: Any, write_fails: int
) -> tuple[GoogleSheetsBackend, Any, dict[str, int]]:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    client = make_client(POLICY, clock=lambda: now[0], sleep=sleep)
    key = emulator.create_spreadsheet("Sales", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    seen = {"drive": 0, "write": 0}

    def before(endpoint: str, sid: str | None) -> None:
        if endpoint == "drive.files.get":
            seen["drive"] += 1
            now[0] += DRIVE_SECONDS
            raise ApiError(503, "Backend Error")
        if endpoint == "spreadsheets.batchUpdate":
            seen["write"] += 1
            if seen["write"] <= write_fails:
                raise ApiError(503, "Backend Error")

    emulator.faults.before_request = before
    return backend, data, seen


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_drive_down_at_the_write_leaves_the_write_its_retries(
    emulator: Emulator, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    backend, data, seen = _setup(emulator, make_client, write_fails=1)
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        backend.write(data, WRITE)
    assert emulator.values(backend.key, "OKRs!D2", "UNFORMATTED_VALUE") == [[0.4]]
    assert seen["write"] == 2
    assert seen["drive"] < 2 * POLICY.max_attempts  # the check's own, shorter retries
    (warned,) = _warnings(caplog)  # once, for the two attempts' checks
    assert "written without the check" in warned and "Google Drive" in warned, warned
    assert "check its version: gave up" in warned and "write 1 cells" not in warned, warned


def test_a_write_that_fails_warns_of_no_unchecked_write(
    emulator: Emulator, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    backend, data, seen = _setup(emulator, make_client, write_fails=99)
    gave_up = pytest.raises(RetryExhaustedError, match="write 1 cells: gave up")
    with caplog.at_level(logging.WARNING, "sheets_sync"), gave_up:
        backend.write(data, WRITE)
    assert seen["write"] > 1  # the Drive calls did not use up the write's budget
    assert not [w for w in _warnings(caplog) if "without the check" in w]


def test_a_second_write_that_fails_warns_of_no_unchecked_write(
    emulator: Emulator, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A second write of one backend without a read between, its version not known (a
    sheet one team reads), is said unchecked once it went through; until 2026-12-07 it
    was said before the send, and so of a write that then failed too."""
    client = make_client(POLICY)
    key = emulator.create_spreadsheet("Sales", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    backend.write(data, WRITE)

    def before(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate":
            raise ApiError(503, "Backend Error")

    emulator.faults.before_request = before
    gave_up = pytest.raises(RetryExhaustedError, match="write 1 cells: gave up")
    with caplog.at_level(logging.WARNING, "sheets_sync"), gave_up:
        backend.write(data, WRITE)
    assert not [w for w in _warnings(caplog) if "without the check" in w]
    emulator.faults.before_request = None
    with caplog.at_level(logging.WARNING, "sheets_sync"):
        backend.write(data, WRITE)  # through: said now
    (said,) = [w for w in _warnings(caplog) if "without the check" in w]
    assert "a second write since its read" in said, said
