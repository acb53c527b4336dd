"""The ``alert_baseline`` table's rows in one order whatever order the teams finished in:
by team name, each team's KRs in sheet order (``history_alerts.mark``)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from sheets_sync.ops.history import HistoryStore
from tests.ops.conftest import MakeResult
from tests.ops.test_history_alerts import SCHEMA_2

D1 = dt.date(2026, 11, 13)
TEAMS = [f"Team {n:02d}" for n in (7, 31, 2, 19, 40, 11, 25, 3, 36, 14, 28, 9, 33, 21, 5, 38)]
KRS = {"KR2": 50.0, "KR1": 0.0, "KR10": 50.0}  # sheet order, not the ids' order


def _rows(store: HistoryStore) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(store.path)) as conn:
        sql = "SELECT team, kr_id, status FROM alert_baseline ORDER BY seq"
        return [tuple(row) for row in conn.execute(sql)]


def _expected() -> list[tuple[str, str, str]]:
    status = {"KR2": "On track", "KR1": "Off track", "KR10": "On track"}
    return [(team, kr, status[kr]) for team in sorted(TEAMS) for kr in KRS]


@pytest.mark.parametrize("finished", [TEAMS, TEAMS[::-1]], ids=["one order", "the other"])
def test_a_nights_baseline_rows_are_in_team_order_whatever_order_they_finished(
    tmp_path: Path, make_result: MakeResult, finished: list[str]
) -> None:
    """The teams that landed and were alerted come as sets, in the order the writes
    ended (``--workers``) and the hashes placed them: the rows followed that order
    (until 2026-12-08), so two nights of the same teams wrote them in two orders."""
    store = HistoryStore(tmp_path / "history.sqlite")
    store.record(make_result({team: KRS for team in finished}, D1), pending=True)
    store.settle_pending(D1, list(finished), alerted=list(finished))
    assert _rows(store) == _expected()


def test_a_shards_baseline_rows_are_in_team_order_too(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """``mark_alerted`` (a shard's teams) marks them as ``settle_pending`` does: by name,
    not in the order of the shard's runs."""
    store = HistoryStore(tmp_path / "history.sqlite")
    store.mark_alerted(make_result({team: KRS for team in TEAMS}, D1), set(TEAMS))
    assert _rows(store) == _expected()


def test_the_upgrade_to_schema_3_writes_its_baseline_rows_in_team_order_too(
    tmp_path: Path,
) -> None:
    """``history_alerts.seed`` wrote them in the order the snapshots were recorded
    (``ORDER BY k.seq``): Sales before Ops here, as the schema 2 file recorded them."""
    path = tmp_path / "history.sqlite"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executescript(SCHEMA_2)
    store = HistoryStore(path)
    store.alert_baseline()  # opens the file: the upgrade
    assert _rows(store) == [("Ops", "KR1", "On track"), ("Sales", "KR1", "On track")]
