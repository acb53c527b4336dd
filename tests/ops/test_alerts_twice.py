"""A team listed twice in a result's runs (a library caller's, or two names that are one
once a lone surrogate is U+FFFD) alerts, is marked alerted and is recorded as its first
listing, under the name the rollup and the history give it (``outcome.first_runs``).
Until 2026-12-07 the alerts went through every listing: a KR Off track in a listing the
history and rollup leave out alerted every night, and one Off track in both listings
alerted twice; a name with a lone surrogate failed ``HistoryStore.record`` with
UnicodeEncodeError."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from sheets_sync.ops.history import HistoryStore
from sheets_sync.ops.notify import turned_off_track_by_team
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.night_end import NightEnd
from sheets_sync.sync.run import _alerted
from sheets_sync.workspace_spec import Workspace
from tests.ops.conftest import MID, MakeResult

ON = {"Sales": {"KR1": "On track"}}


def _listed(*results: SyncResult) -> SyncResult:
    """The first result with the runs of all of them, in order."""
    return dataclasses.replace(results[0], runs=tuple(r for s in results for r in s.runs))


def _named(result: SyncResult, team: str) -> SyncResult:
    """``result`` with each run's team named ``team``."""
    runs = tuple(dataclasses.replace(r, team=team) for r in result.runs)
    return dataclasses.replace(result, runs=runs)


def _turned(result: SyncResult, previous: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    return [(t["team"], t["kr_id"]) for t in turned_off_track_by_team(result, previous)]


def test_a_kr_off_track_only_in_a_later_listing_does_not_alert(make_result: MakeResult) -> None:
    night = _listed(make_result({"Sales": {"KR1": 50}}), make_result({"Sales": {"KR1": 0}}))
    assert _turned(night, ON) == []


def test_a_kr_off_track_in_both_listings_alerts_once(make_result: MakeResult) -> None:
    night = _listed(make_result({"Sales": {"KR1": 0}}), make_result({"Sales": {"KR1": 0}}))
    assert _turned(night, ON) == [("Sales", "KR1")]


def test_a_kr_off_track_in_the_first_listing_alerts(make_result: MakeResult) -> None:
    night = _listed(make_result({"Sales": {"KR1": 0}}), make_result({"Sales": {"KR1": 50}}))
    assert _turned(night, ON) == [("Sales", "KR1")]


def test_a_team_whose_first_listing_failed_is_not_alerted(make_result: MakeResult) -> None:
    """Failed, then read: the team failed (the rollup and history say so); marking it
    alerted would make the night's snapshot, which holds none of its KRs, its baseline."""
    night = _listed(make_result({"Sales": None, "Ops": {"KR1": 50}}), make_result({"Sales": {}}))
    assert _alerted(night, [], []) == {"Ops"}


def test_a_lone_surrogate_name_is_recorded_as_the_rollup_names_it(
    tmp_path: Path, make_result: MakeResult
) -> None:
    """``\\udcc9quipe`` and ``\\udce9quipe`` are both ``\\ufffdquipe`` (the rollup's
    name): one team, its first listing recorded, with no UnicodeEncodeError."""
    store = HistoryStore(tmp_path / "history.sqlite")
    first = _named(make_result({"X": {"KR1": 50}}), "\udcc9quipe")
    later = _named(make_result({"X": {"KR1": 0, "KR2": 0}}), "\udce9quipe")
    assert store.record(_listed(first, later)) == 2
    krs = store.kr_history(1)
    assert krs[["team", "kr_id", "current"]].values.tolist() == [["\ufffdquipe", "KR1", 50.0]]
    # tonight's alerts compare with that baseline, under the same name
    baseline = store.alert_baseline()
    assert baseline == {"\ufffdquipe": {"KR1": "On track"}}
    tonight = _named(make_result({"X": {"KR1": 0}}), "\udcc9quipe")
    assert _turned(tonight, baseline) == [("\ufffdquipe", "KR1")]
    store.mark_alerted(tonight, _alerted(tonight, [], []))
    assert store.alert_baseline() == {"\ufffdquipe": {"KR1": "Off track"}}


class _Night(NightEnd):
    def __init__(self, history: HistoryStore) -> None:
        self.workspace = cast(Workspace, SimpleNamespace(prune_history_after=None, teams=()))
        self.history, self.history_skipped = history, None
        self.confirm_later, self.pending_teams = False, set()


@pytest.mark.parametrize("name", ["Sales", "\udcc9quipe"])
def test_a_pending_night_confirms_the_teams_it_recorded(
    name: str, tmp_path: Path, make_result: MakeResult
) -> None:
    """The teams a pending night confirms are the ones it recorded, as recorded: a lone
    surrogate's team was confirmed by its raw name and its rows undone."""
    store = HistoryStore(tmp_path / "history.sqlite")
    night = _Night(store)
    failed_first = _listed(make_result({"Sales": None}), make_result({"Sales": {"KR1": 0}}))
    night.record_history(_named(failed_first, name), pending=True)
    assert night.pending_teams == set()
    read = _named(make_result({"Sales": {"KR1": 50}}), name)
    night.record_history(read, pending=True)
    night.settle_history(MID, alerted=_alerted(read, [], []))
    krs = store.kr_history(1)
    assert krs[["team", "kr_id", "current"]].values.tolist() == [
        [name.replace("\udcc9", "\ufffd"), "KR1", 50.0]
    ]
    assert store.alert_baseline() == {name.replace("\udcc9", "\ufffd"): {"KR1": "On track"}}
