"""``HistoryStore.night`` fills the ``date`` column from the night asked for, not read
and parsed a row at a time: the same frame as the night's rows of ``kr_history`` and
``kpi_history`` (``date`` where it was asked, its dtype, its index)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync.ops.history import KPI_COLUMNS, KR_COLUMNS, HistoryStore
from tests.ops.conftest import MakeResult

D1, D2 = dt.date(2026, 11, 13), dt.date(2026, 11, 14)


@pytest.fixture
def store(tmp_path: Path, make_result: MakeResult) -> HistoryStore:
    store = HistoryStore(tmp_path / ".sheets-sync" / "history.sqlite")
    for day in (D1, D2):
        store.record(make_result({"Sales": {"KR1": 50, "KR2": 10}, "Ops": {"KR1": 0}}, day))
    return store


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        ("kr", ["date", "team", "objective_id", "kr_id", "score", "expected", "weight"]),
        ("kr", ["team", "date"]),
        ("kr", ["date"]),
        ("kr", list(KR_COLUMNS)),
        ("kpi", ["team", "kpi_id", "name", "actual"]),
        ("kpi", list(KPI_COLUMNS)),
    ],
)
def test_a_nights_date_is_the_night_asked_for(
    store: HistoryStore, kind: str, columns: list[str]
) -> None:
    whole = store.kr_history(2) if kind == "kr" else store.kpi_history(2)
    for day in (D1, D2):
        rows = whole[whole["date"] == pd.Timestamp(day)].reset_index(drop=True)
        night = store.night(kind, day, columns)
        assert len(night) == (3 if kind == "kr" else 2)
        pd.testing.assert_frame_equal(night, rows[columns], check_exact=True)
    empty = store.night(kind, dt.date(2026, 1, 1), columns)
    pd.testing.assert_frame_equal(empty, whole[columns].iloc[:0], check_exact=True)
