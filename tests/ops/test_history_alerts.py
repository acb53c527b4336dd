"""The alert baseline (``history_alerts.py``): what a night's alerts compare with."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from sheets_sync.ops.history import SCHEMA_VERSION, HistoryStore
from tests.ops.conftest import PERIOD, MakeResult

D1, D2, D3 = dt.date(2026, 11, 13), dt.date(2026, 11, 14), dt.date(2026, 11, 15)


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / ".sheets-sync" / "history.sqlite")


def test_only_a_night_marked_alerted_moves_the_baseline(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """A night recorded without its alerts going out (a rollup, a failed hook) leaves each
    team compared with its last alerted night."""
    store.record(make_result({"Sales": {"KR1": 50}, "Ops": {"KR1": 50}}, D1), pending=True)
    store.settle_pending(D1, {"Sales", "Ops"}, alerted={"Sales", "Ops"})
    store.record(make_result({"Sales": {"KR1": 0}, "Ops": {"KR1": 0}}, D2))  # a rollup
    assert store.alert_baseline() == {"Sales": {"KR1": "On track"}, "Ops": {"KR1": "On track"}}
    store.record(make_result({"Sales": {"KR1": 0}, "Ops": {"KR1": 0}}, D3), pending=True)
    store.settle_pending(D3, {"Sales", "Ops"}, alerted={"Ops"})  # Sales' alert not delivered
    assert store.alert_baseline() == {"Sales": {"KR1": "On track"}, "Ops": {"KR1": "Off track"}}


def test_a_team_never_alerted_compares_with_its_first_night(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """Nights recorded only by ``rollup``: the first one set the team's baseline."""
    assert store.alert_baseline() == {}
    store.record(make_result({"Sales": {"KR1": 50}}, D1))
    store.record(make_result({"Sales": {"KR1": 0}}, D2))
    assert store.alert_baseline() == {"Sales": {"KR1": "On track"}}


def test_a_baseline_from_before_the_period_counts_every_kr_as_new(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """Next quarter's KR1 is not last quarter's KR1: the team has history (its KRs that
    start Off track alert, as new ones), but no KR of the old period is compared with."""
    store.record(make_result({"Sales": {"KR1": 50}}, D1), pending=True)
    store.settle_pending(D1, {"Sales"}, alerted={"Sales"})
    assert store.alert_baseline(since=D1) == {"Sales": {"KR1": "On track"}}
    assert store.alert_baseline(since=D2) == {"Sales": {}}


def test_the_baseline_is_ordered_by_team_then_kr(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """Teams sorted, then each team's KRs: it was in the order of the query's rows (the
    alerted teams first, then the others as SQLite scanned them), which nothing fixed."""
    krs = {"KR2": 50, "KR10": 0, "KR1": 50}
    store.record(make_result({"Zed": krs, "Ops": krs, "Alpha": krs}, D1), pending=True)
    store.settle_pending(D1, {"Zed", "Ops", "Alpha"}, alerted={"Zed"})
    baseline = store.alert_baseline()
    assert list(baseline) == ["Alpha", "Ops", "Zed"]
    assert [list(krs) for krs in baseline.values()] == [["KR1", "KR10", "KR2"]] * 3


def test_a_hand_edited_blob_kr_id_is_sorted_as_sqlite_orders_it(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """A KR id a hand edit made a BLOB beside the text ones: sorting the baseline compared
    bytes with str, a TypeError that ended the night (until a review, 2026-12-07). Ordered as
    SQLite orders them: text (a number is text in this column), then BLOBs."""
    store.record(make_result({"Ops": {"KR1": 50, "KR2": 0, "KR3": 0}}, D1), pending=True)
    store.settle_pending(D1, {"Ops"}, alerted={"Ops"})
    with closing(sqlite3.connect(store.path)) as conn, conn:
        conn.execute("UPDATE alert_baseline SET kr_id = x'4b5233' WHERE kr_id = 'KR2'")
        conn.execute("UPDATE alert_baseline SET kr_id = 7 WHERE kr_id = 'KR3'")
    assert list(store.alert_baseline()["Ops"]) == ["7", "KR1", b"KR3"]


SCHEMA_2 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE snapshots (as_of TEXT NOT NULL, team TEXT NOT NULL, recorded_at TEXT NOT NULL,
    PRIMARY KEY (as_of, team));
CREATE TABLE kr_snapshots (seq INTEGER PRIMARY KEY, as_of TEXT NOT NULL, team TEXT NOT NULL,
    objective_id TEXT NOT NULL, kr_id TEXT NOT NULL, description TEXT, current REAL,
    target REAL, score REAL NOT NULL, progress REAL, expected REAL NOT NULL,
    status TEXT NOT NULL, weight REAL);
CREATE TABLE kpi_snapshots (seq INTEGER PRIMARY KEY, as_of TEXT NOT NULL, team TEXT NOT NULL,
    kpi_id TEXT NOT NULL, name TEXT, actual REAL, target REAL, status TEXT NOT NULL,
    variance REAL);
CREATE TABLE pending (as_of TEXT, team TEXT, PRIMARY KEY (as_of, team));
INSERT INTO meta VALUES ('schema_version', '2');
INSERT INTO snapshots VALUES ('2026-11-13', 'Sales', 'then'), ('2026-11-14', 'Sales', 'then'),
    ('2026-11-14', 'Ops', 'then'), ('2026-11-15', 'Ops', 'killed');
INSERT INTO kr_snapshots (as_of, team, objective_id, kr_id, score, expected, status) VALUES
    ('2026-11-13', 'Sales', 'O1', 'KR1', 0.5, 0.4, 'At risk'),
    ('2026-11-14', 'Sales', 'O1', 'KR1', 0.5, 0.4, 'On track'),
    ('2026-11-14', 'Ops', 'O1', 'KR1', 0.5, 0.4, 'On track'),
    ('2026-11-15', 'Ops', 'O1', 'KR1', 0.0, 0.4, 'Off track');
INSERT INTO pending VALUES ('2026-11-15', 'Ops');
"""


def test_a_schema_2_store_upgrades_in_place_with_its_last_nights_as_alerted(
    tmp_path: Path,
) -> None:
    """Each team's latest confirmed night was alerted under schema 2: the first night
    after the upgrade neither repeats nor skips an alert. A night a killed run left
    pending is not one of them."""
    path = tmp_path / "history.sqlite"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript(SCHEMA_2)
    store = HistoryStore(path)
    assert store.alert_baseline(since=PERIOD.start) == {
        "Sales": {"KR1": "On track"},
        "Ops": {"KR1": "On track"},
    }
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute("SELECT value FROM meta").fetchone() == (str(SCHEMA_VERSION),)
    assert len(store.kr_history(5)) == 4  # every row kept


def test_the_upgrade_counts_a_killed_rerun_of_an_alerted_night_as_alerted(
    tmp_path: Path,
) -> None:
    """A rerun of an alerted night, killed under schema 2, left its rows pending over the
    first run's (kept in the pending copies). The seed dropped that night, the undo put
    the first run's rows back, and the rerun compared with the night before: it sent
    the night's alerts again."""
    path = tmp_path / "history.sqlite"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript(SCHEMA_2)
        conn.executescript(
            "CREATE TABLE pending_snapshots AS SELECT * FROM snapshots WHERE 0;"
            "CREATE TABLE pending_kr_snapshots AS SELECT * FROM kr_snapshots WHERE 0;"
            "CREATE TABLE pending_kpi_snapshots AS SELECT * FROM kpi_snapshots WHERE 0;"
            "INSERT INTO pending VALUES ('2026-11-14', 'Sales');"
            "INSERT INTO pending_snapshots VALUES ('2026-11-14', 'Sales', 'first');"
            "INSERT INTO pending_kr_snapshots (seq, as_of, team, objective_id, kr_id, score,"
            " expected, status) VALUES (99, '2026-11-14', 'Sales', 'O1', 'KR1', 0, 0.4,"
            " 'Off track');"
        )
    store = HistoryStore(path)
    assert store.alert_baseline(since=PERIOD.start) == {
        "Sales": {"KR1": "Off track"},  # the first run's, which alerted (not the rerun's)
        "Ops": {"KR1": "On track"},
    }


def test_a_recovery_on_a_night_that_alerts_nothing_moves_the_baseline(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """A KR alerted Off track recovered on a night that moved no baseline (a rollup, a
    failed hook), then turned Off track again: compared with the old "Off track", it was
    never alerted. Any recorded night moves a baseline KR from Off track to not Off track,
    never to Off track (an unsent turn stays unsent)."""
    store.record(make_result({"Sales": {"KR1": 0, "KR2": 50}}, D1), pending=True)
    store.settle_pending(D1, {"Sales"}, alerted={"Sales"})
    assert store.alert_baseline() == {"Sales": {"KR1": "Off track", "KR2": "On track"}}
    store.record(make_result({"Sales": {"KR1": 50, "KR2": 0}}, D2))  # a rollup
    assert store.alert_baseline() == {"Sales": {"KR1": "On track", "KR2": "On track"}}
    store.record(make_result({"Sales": {"KR1": 0, "KR2": 0}}, D3), pending=True)
    store.settle_pending(D3, {"Sales"}, alerted=())  # the hook failed: nothing moves to Off
    assert store.alert_baseline() == {"Sales": {"KR1": "On track", "KR2": "On track"}}


def test_a_failed_night_that_recovers_a_kr_moves_its_baseline(
    store: HistoryStore, make_result: MakeResult
) -> None:
    """The night's hook failed (its turns are sent again), but its recoveries count."""
    store.record(make_result({"Sales": {"KR1": 0, "KR2": 50}}, D1), pending=True)
    store.settle_pending(D1, {"Sales"}, alerted={"Sales"})
    store.record(make_result({"Sales": {"KR1": 50, "KR2": 0}}, D2), pending=True)
    store.settle_pending(D2, {"Sales"}, alerted=())
    assert store.alert_baseline() == {"Sales": {"KR1": "On track", "KR2": "On track"}}
    store.record(make_result({"Sales": {"KR1": 0}}, D3), pending=True)
    store.settle_pending(D3, {"Sales"}, alerted={"Sales"})
    store.record(make_result({"Sales": {"KR1": 50}}, D2))  # before the baseline night
    assert store.alert_baseline() == {"Sales": {"KR1": "Off track"}}
