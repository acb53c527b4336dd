"""A KR retyped in another case or width (``KR1`` then ``kr1``) is one KR to the alert
baseline as to the alerts: a night that records without alerting (``sheets-sync
rollup``, a failed hook) moves it out of Off track under either spelling. Until
2026-12-07 it matched only as typed: ``kr1`` recovered, stayed Off track in the baseline,
and its next turn Off track was never alerted."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from sheets_sync.ops.history import HistoryStore
from sheets_sync.ops.notify import turned_off_track_by_team
from tests.ops.conftest import MakeResult

D1, D2, D3 = dt.date(2026, 11, 13), dt.date(2026, 11, 14), dt.date(2026, 11, 15)


@pytest.mark.parametrize("retyped", ["kr1", "ＫＲ１", "KR1 "])
def test_a_retyped_kr_recovers_in_the_baseline_and_alerts_when_it_turns_again(
    tmp_path: Path, make_result: MakeResult, retyped: str
) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    store.record(make_result({"Sales": {"KR1": 0}}, D1), pending=True)  # Off track
    store.settle_pending(D1, {"Sales"}, alerted={"Sales"})  # alerted
    store.record(make_result({"Sales": {retyped: 50}}, D2))  # a rollup: On track again
    assert store.alert_baseline() == {"Sales": {"KR1": "On track"}}
    tonight = make_result({"Sales": {retyped: 0}}, D3)  # Off track again
    turned = turned_off_track_by_team(tonight, store.alert_baseline())
    assert [(t["kr_id"], t["previous_status"]) for t in turned] == [(retyped, "On track")]


def test_a_retyped_kr_still_off_track_stays_so(tmp_path: Path, make_result: MakeResult) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    store.record(make_result({"Sales": {"KR1": 0}}, D1), pending=True)
    store.settle_pending(D1, {"Sales"}, alerted={"Sales"})
    store.record(make_result({"Sales": {"kr1": 0}}, D2))
    assert store.alert_baseline() == {"Sales": {"KR1": "Off track"}}
    assert (
        turned_off_track_by_team(make_result({"Sales": {"kr1": 0}}, D3), store.alert_baseline())
        == []
    )


def test_the_kr_as_typed_still_off_track_wins_over_another_spelling(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """A night holding ``KR1`` still Off track and ``kr1`` On track (a duplicate): the KR
    as the baseline types it stays Off track (until 2026-12-07 ``kr1`` recovered it)."""
    store = HistoryStore(tmp_path / "history.sqlite")
    store.record(make_result({"Sales": {"KR1": 0}}, D1), pending=True)
    store.settle_pending(D1, {"Sales"}, alerted={"Sales"})
    store.record(make_result({"Sales": {"kr1": 50}}, D2), pending=True)
    with sqlite3.connect(store.path) as conn:  # a sheet's duplicate, as a night may hold
        kept = [c for _, c, *_ in conn.execute("PRAGMA table_info(kr_snapshots)") if c != "seq"]
        copied = ", ".join(kept).replace("kr_id", "'KR1'").replace("status", "'Off track'")
        conn.execute(
            f"INSERT INTO kr_snapshots ({', '.join(kept)}) SELECT {copied} FROM kr_snapshots"
            " WHERE kr_id = 'kr1'"
        )
    conn.close()
    store.settle_pending(D2, {"Sales"})  # recovers what the night shows recovered
    assert store.alert_baseline() == {"Sales": {"KR1": "Off track"}}
