"""The version check runs before every attempt of a write, once the attempt holds its
quota slot (``client.request``'s ``precheck``): made once before the call, an edit
during the slot's wait or a retry's backoff was written over (until 2026-12-07). Live
emulator; the team lead's edits go through a second real gspread client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from sheets_sync.backends.gsheets.backend import GoogleSheetsBackend
from sheets_sync.backends.gsheets.ratelimit import RateLimiter
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.errors import ApiError
from sheets_sync.errors import ConflictError, RemoteError
from tests.backends.gsheets.test_gsheets_guard import OKRS, WRITE, _lead

pytestmark = pytest.mark.emulator

EDITED = ["KR1", 100, 40, "Forecast 55"]


def _edit(emulator: Emulator, sa_info: dict[str, Any], key: str) -> None:
    """The lead inserts a column before Score: the cell the sync would write is theirs."""
    tab = _lead(emulator, sa_info).open_by_key(key).worksheet("OKRs")
    tab.insert_cols([["Forecast", "Forecast 55"]], 4)


def test_an_edit_during_a_retrys_backoff_is_not_written_over(
    emulator: Emulator, make_client: Any, sa_info: dict[str, Any]
) -> None:
    """The first batchUpdate answers 503 (nothing applied); the lead edits during the
    backoff; the retry's check finds it: CONFLICTED, the retry never sent."""
    client = make_client(RetryPolicy(max_attempts=3, max_seconds=30, base_delay=0.2, max_delay=0.2))
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    batches: list[str] = []

    def before(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate" and sid == key and not batches:
            batches.append(endpoint)
            _edit(emulator, sa_info, key)  # its own batchUpdate, the lead's: not counted
            raise ApiError(503, "The service is currently unavailable.")

    emulator.faults.before_request = before
    try:
        with pytest.raises(ConflictError, match="changed since it was read"):
            backend.write(data, WRITE)
    finally:
        emulator.faults.before_request = None
    assert emulator.values(key, "OKRs!A2:E2", "UNFORMATTED_VALUE") == [EDITED]


def test_an_edit_while_the_write_waits_for_its_quota_slot_is_not_written_over(
    emulator: Emulator, make_client: Any, sa_info: dict[str, Any]
) -> None:
    """The lead edits while the write waits for its slot of the write quota (up to a
    minute on a busy night). Checked before that wait only, it was written over."""
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})

    class Busy(RateLimiter):
        """The write's wait for its slot, the lead's edit made during it."""

        @contextmanager
        def slot(self, kind: Any = "read", stop: Any = None) -> Iterator[float]:
            if kind == "write":
                _edit(emulator, sa_info, key)
            with super().slot(kind, stop) as waited:
                yield waited

    client = make_client(limiter=Busy(6000))
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])
    with pytest.raises(ConflictError, match="changed since it was read"):
        backend.write(data, WRITE)
    assert emulator.values(key, "OKRs!A2:E2", "UNFORMATTED_VALUE") == [EDITED]


def test_a_write_whose_answer_was_lost_then_the_version_moved_may_have_been_applied(
    emulator: Emulator, make_client: Any
) -> None:
    """The first attempt is applied and its answer cut short: the retry's check finds the
    version moved, by that attempt or by someone. Not a conflict ("nothing written"),
    not sent again: said that it may have been applied."""
    client = make_client(RetryPolicy(max_attempts=3, max_seconds=30, base_delay=0.01))
    key = emulator.create_spreadsheet("Sales goals", {"OKRs": OKRS})
    backend = GoogleSheetsBackend(client, key)
    data = backend.read(["OKRs"])

    def after(endpoint: str, sid: str | None) -> None:
        if endpoint == "spreadsheets.batchUpdate":
            emulator.faults.after_request = None
            emulator.faults.break_bodies("cut", count=1)

    emulator.faults.after_request = after
    with pytest.raises(RemoteError, match="may have been applied") as info:
        backend.write(data, WRITE)
    assert not isinstance(info.value, ConflictError) and info.value.maybe_applied
    assert emulator.log.count("spreadsheets.batchUpdate") == 1  # not sent again
