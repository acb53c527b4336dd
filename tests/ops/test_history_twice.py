"""A team listed twice in a result's runs is recorded as its first listing, as the rollup
shows it (``rollup.tables.first_listings``). Until 2026-12-07 each listing replaced the
one before: the history held the team's last listing while the rollup's Summary named
its first, and a listing that failed after one read fine left the read's rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.ops.history import HistoryStore
from sheets_sync.sync.engine import SyncResult
from tests.ops.conftest import MakeResult

D1, D2 = dt.date(2026, 11, 13), dt.date(2026, 11, 14)


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / ".sheets-sync" / "history.sqlite")


def _listed(*results: SyncResult) -> SyncResult:
    """The first result with the runs of all of them, in order."""
    return dataclasses.replace(results[0], runs=tuple(r for s in results for r in s.runs))


def test_a_team_read_twice_is_recorded_as_its_first_listing(
    store: HistoryStore, make_result: MakeResult
) -> None:
    first = make_result({"Sales": {"KR1": 50, "KR2": 0}, "Ops": {"KR1": 0}}, D1)
    later = make_result({"Sales": {"KR1": 0}}, D1)
    n = store.record(_listed(first, later))
    assert n == (2 + 1) + (1 + 1)  # Sales: two KRs and its KPI; Ops: a KR and its KPI
    krs = store.kr_history(1)
    assert sorted(zip(krs.team, krs.kr_id, krs.current, strict=True)) == [
        ("Ops", "KR1", 0.0),
        ("Sales", "KR1", 50.0),
        ("Sales", "KR2", 0.0),
    ]
    assert len(store.kpi_history(1)) == 2


def test_failed_first_keeps_what_the_team_had(store: HistoryStore, make_result: MakeResult) -> None:
    """Failed, then read: the team failed, as the rollup says; its date keeps its rows."""
    store.record(make_result({"Sales": {"KR1": 50}}, D2))
    night = _listed(make_result({"Sales": None}, D2), make_result({"Sales": {"KR1": 0}}, D2))
    assert store.record(night) == 0
    krs = store.kr_history(1)
    assert krs[["team", "current"]].values.tolist() == [["Sales", 50.0]]


def test_read_first_is_recorded_though_a_later_listing_failed(
    store: HistoryStore, make_result: MakeResult
) -> None:
    night = _listed(make_result({"Sales": {"KR1": 0}}, D2), make_result({"Sales": None}, D2))
    assert store.record(night) == 2
    assert store.kr_history(1)["current"].tolist() == [0.0]


def test_alerted_statuses_are_the_first_listings(
    store: HistoryStore, make_result: MakeResult
) -> None:
    night = _listed(make_result({"Sales": {"KR1": 50}}, D1), make_result({"Sales": {"KR1": 0}}, D1))
    store.record(night, pending=True)
    store.settle_pending(D1, {"Sales"}, alerted=set())
    store.mark_alerted(night, {"Sales"})
    assert store.alert_baseline() == {"Sales": {"KR1": "On track"}}
