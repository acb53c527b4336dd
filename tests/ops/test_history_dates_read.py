"""The run history's dates read back (``history_db``): one strict check, YYYY-MM-DD of a
real day, in the reader of one date (``day``) and of a frame (``typed``). ``day`` took
``20261206`` and ``2026-W49-1`` (``fromisoformat``) where ``typed`` refused them, and
``typed`` then said ``the date None``; pandas' ``%Y-%m-%d`` took ``2026-11-6``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync.errors import HistoryError
from sheets_sync.ops.history_db import day, typed

FILE = Path("history.sqlite")


@pytest.mark.parametrize(
    "text", ["20261206", "2026-W49-1", "2026-11-6", "2026-02-30", "2026-11-06 ", "0000-01-01"]
)
def test_a_date_not_written_as_sheets_sync_writes_it_is_refused_by_both_readers(
    text: str,
) -> None:
    said = f"{FILE}: the run history holds the date {text!r}, which sheets-sync never writes"
    with pytest.raises(HistoryError) as one:
        day(FILE, text)
    frame = pd.DataFrame({"date": ["2026-11-23", text], "team": ["Sales", "Ops"]})
    with pytest.raises(HistoryError) as many:
        typed(FILE, frame, {"date": "datetime64[s]", "team": "str"})
    assert str(one.value).startswith(said) and str(many.value).startswith(said)


def test_a_date_as_sheets_sync_writes_it_is_read_by_both() -> None:
    assert day(FILE, "2026-11-23") == dt.date(2026, 11, 23)
    frame = pd.DataFrame({"date": ["2026-11-23", "2026-11-30"], "team": ["Sales", "Ops"]})
    read = typed(FILE, frame, {"date": "datetime64[s]", "team": "str"})
    assert list(read["date"]) == [pd.Timestamp(2026, 11, 23), pd.Timestamp(2026, 11, 30)]
