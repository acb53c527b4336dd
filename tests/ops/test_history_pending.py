"""Snapshot rows recorded before the night knows they are true: confirmed, or undone to
what the date held before (``history_pending.py``)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from sheets_sync.ops import history_pending
from sheets_sync.ops.history import HistoryStore
from tests.ops.conftest import MakeResult

D1, D2 = dt.date(2026, 11, 14), dt.date(2026, 11, 15)


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / ".sheets-sync" / "history.sqlite")


def rows(store: HistoryStore, day: dt.date) -> dict[tuple[str, str], float]:
    frame = store.night("kr", day, ["team", "kr_id", "score"])
    return {(t, k): s for t, k, s in frame.itertuples(index=False)}


def test_pending_rows_are_undone_to_what_the_date_held(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """A first run of D2 recorded Sales; a second run records Sales and Ops pending, and
    only Ops lands: Sales goes back to the first run's rows, Ops stays."""
    store.record(make_result({"Sales": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 10}}, D2))
    first = rows(store, D2)
    store.record(make_result({"Sales": {"KR1": 90}, "Ops": {"KR1": 0}}, D2), pending=True)
    assert rows(store, D2)[("Sales", "KR1")] != first[("Sales", "KR1")]
    assert store.settle_pending(D2, {"Ops"}) == [(D2.isoformat(), "Sales")]
    after = rows(store, D2)
    assert after[("Sales", "KR1")] == first[("Sales", "KR1")]
    assert ("Ops", "KR1") in after
    assert store.settle_pending(D2, ()) == []  # settled: nothing pending any more
    assert rows(store, D2) == after


def test_a_night_undone_whole_leaves_the_last_finished_one(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """An interrupted night: its date goes, and the alerts compare with the night before."""
    store.record(make_result({"Sales": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 0}}, D2), pending=True)
    store.record(make_result({"Sales": {"KR1": 0}}, D2), pending=True)  # twice: one copy
    assert store.previous_kr_status(D2, including=True) == {("Sales", "KR1"): "Off track"}
    assert store.settle_pending(None, ()) == [(D2.isoformat(), "Sales")]  # every date
    assert store.dates() == [D1]
    assert store.previous_kr_status(D2, including=True) == {("Sales", "KR1"): "On track"}


def test_confirmed_rows_stay_and_a_store_without_pending_rows_is_not_written(
    store: HistoryStore, make_result: MakeResult
) -> None:
    assert store.settle_pending(D2) == [] and not store.path.exists()
    store.record(make_result({"Sales": {"KR1": 0}}, D2), pending=True)
    assert store.settle_pending(D2) == []
    assert store.settle_pending(None, ()) == []  # confirmed: nothing left to undo
    assert store.dates() == [D2]


def test_settling_a_night_reads_no_team_s_rows_but_its_own(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """A quiet re-run confirms every team of the date: one statement a table, not one a
    team, and an undo finds a team's copy by its key (each copy table scanned per team
    made settling 2,000 teams take seconds). Checked by the statements and their query
    plans, not by a clock."""
    teams = {f"T{i:02}": {"KR1": i} for i in range(30)}
    store.record(make_result(teams, D2))
    store.record(make_result(teams, D2), pending=True)
    statements: list[str] = []
    conn = sqlite3.connect(store.path, isolation_level=None)
    try:
        conn.set_trace_callback(statements.append)
        conn.execute("BEGIN IMMEDIATE")
        undone = history_pending.settle(conn, D2.isoformat(), [t for t in teams if t > "T09"])
        conn.execute("COMMIT")
        conn.set_trace_callback(None)
        assert len(undone) == 10
        # BEGIN, COMMIT, two reads of the marks, six of the columns (once, for the undos),
        # one delete a table, six statements an undo
        assert len(statements) <= 2 + 2 + 6 + 4 + 6 * len(undone)
        for sql in statements:
            plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            scans = [d for *_, d in plan if d.startswith("SCAN") and "sqlite_master" not in d]
            assert not scans, (sql, plan)
    finally:
        conn.close()
    assert store.settle_pending(None, ()) == []


def test_copies_made_before_a_column_was_added_still_hold_and_undo(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """Copy tables are made once, with their tables' columns: a later migration that adds
    a column must not make every pending record fail (``SELECT *`` of unequal tables),
    nor the undo of rows a killed run left under the old columns."""
    store.record(make_result({"Sales": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 10}}, D2), pending=True)  # killed: left
    conn = sqlite3.connect(store.path, isolation_level=None)
    try:
        conn.execute("ALTER TABLE kr_snapshots ADD COLUMN added REAL")
    finally:
        conn.close()
    assert store.settle_pending(None, ()) == [(D2.isoformat(), "Sales")]
    assert store.dates() == [D1]
    store.record(make_result({"Sales": {"KR1": 90}}, D2), pending=True)  # empty copies
    assert store.settle_pending(D2, ()) == [(D2.isoformat(), "Sales")]
    assert store.dates() == [D1]
    store.record(make_result({"Sales": {"KR1": 90}}, D2), pending=True)
    assert store.settle_pending(D2, {"Sales"}) == []
    assert set(rows(store, D2)) == {("Sales", "KR1")}
    conn = sqlite3.connect(store.path)
    try:
        names = "SELECT name FROM pragma_table_info(?)"
        copied = conn.execute(names, ("pending_kr_snapshots",)).fetchall()
        assert copied == conn.execute(names, ("kr_snapshots",)).fetchall()  # made again
    finally:
        conn.close()
