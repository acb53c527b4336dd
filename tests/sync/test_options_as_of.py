"""The run's date: a library caller may hand ``SyncOptions`` a datetime (``datetime.now()``
type-checks as a date); the run still judges one calendar day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.sync import engine
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome


def test_a_datetime_as_of_is_its_calendar_day() -> None:
    options = SyncOptions(as_of=dt.datetime(2026, 11, 23, 0, 5, tzinfo=dt.UTC))
    assert type(options.as_of) is dt.date and options.as_of == dt.date(2026, 11, 23)


def test_a_run_as_of_a_datetime_scores_like_its_day(workspace: Path) -> None:
    """Before, every team failed with "internal error (TypeError: unsupported operand
    type(s) for -: 'datetime.datetime' and 'datetime.date')"."""
    ws = load_workspace(workspace)
    moment = dt.datetime(2026, 11, 23, 23, 59)
    result = Sync(ws).run(SyncOptions(as_of=moment, dry_run=True, rollup=False))
    day = Sync(ws).run(SyncOptions(as_of=moment.date(), dry_run=True, rollup=False))
    assert [r.outcome for r in result.runs] == [Outcome.OK]
    assert result.context.as_of == dt.date(2026, 11, 23)
    assert result.runs[0].changes  # the Expected, Score and Status cells it would write
    assert result.runs[0].changes == day.runs[0].changes


def test_a_run_without_options_is_dated_the_day_it_is_called(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Sync.run()``'s default options were made once, when the module was imported: a
    service that imported sheets-sync on Monday and synced on Friday judged pace and
    staleness as of Monday."""

    @dataclass(frozen=True)
    class Friday(SyncOptions):
        as_of: dt.date = dt.date(2026, 11, 27)
        rollup: bool = False

    monkeypatch.setattr(engine, "SyncOptions", Friday)
    result = Sync(load_workspace(workspace)).run()
    assert result.context.as_of == dt.date(2026, 11, 27)
