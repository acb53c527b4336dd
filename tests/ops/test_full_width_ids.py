"""A team whose IDs are full-width (``ＫＲ１``, typed with a CJK input method) across an
upgrade: its history series and last night's alert baseline go on. For a day
(2026-12-06) the sheet's reader rewrote IDs in NFKC: ``ＫＲ１`` was read ``KR1``, its
series restarted and every Off track KR "turned Off track" again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.ops.history import HistoryStore
from sheets_sync.ops.notify import turned_off_track_by_team
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun
from tests.ops.conftest import PERIOD, MakeResult

D1, D2 = dt.date(2026, 11, 14), dt.date(2026, 11, 15)
HEAD = ("#", "Goal / Key result", "Type", "Aligns to", "Owner", "Baseline", "Goal", "Actual")


def _night(as_of: dt.date) -> SyncResult:
    """Team Sales read from its sheet by today's reader: ``ＫＲ１`` Off track."""
    rows = (
        ("Ｏ１", "Build", "committed", None, "Ana"),
        ("ＫＲ１", "Grow", "number", None, "T", 0, 100, 0),
    )
    data = WorkbookData("s.xlsx", ("Goals",), {"Goals": SheetGrid("Goals", (HEAD, *rows))})
    team = build_team_input("Sales", extract(data, load_mapping("objective-blocks")))
    result = evaluate_team(team, period=PERIOD, as_of=as_of)
    context = RunContext("Acme", PERIOD, as_of, dt.datetime(2026, 11, 15, 2, 0, tzinfo=dt.UTC))
    return SyncResult(context, (TeamRun("Sales", "s.xlsx", Outcome.OK, result),), ())


def test_a_full_width_kr_id_keeps_its_history_and_its_alert_baseline(
    tmp_path: Path, make_result: MakeResult
) -> None:
    store = HistoryStore(tmp_path / "history.sqlite")
    # last night, by a release that kept IDs as typed: ``ＫＲ１`` Off track, alerted
    store.record(make_result({"Sales": {"ＫＲ１": 0}}, D1), pending=True)
    store.settle_pending(D1, {"Sales"}, alerted={"Sales"})
    tonight = _night(D2)
    assert turned_off_track_by_team(tonight, store.alert_baseline()) == []  # no news
    store.record(tonight)
    series = store.kr_history(5)
    assert sorted(zip(series["date"].astype(str), series["kr_id"], strict=True)) == [
        ("2026-11-14", "ＫＲ１"),
        ("2026-11-15", "ＫＲ１"),
    ]


def test_a_baseline_keyed_by_the_plain_id_names_the_full_width_one() -> None:
    """A night run by the release that read ``ＫＲ１`` as ``KR1`` left a baseline so keyed."""
    tonight = _night(D2)
    assert turned_off_track_by_team(tonight, {"Sales": {"KR1": "Off track"}}) == []
    turned = turned_off_track_by_team(tonight, {"Sales": {"KR1": "On track"}})
    assert [(t["kr_id"], t["previous_status"]) for t in turned] == [("ＫＲ１", "On track")]
