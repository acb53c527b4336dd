"""The Trends pivots and the History tab read the history's IDs as IDs compare
(``domain.ids.id_key``): one series per ID, under its latest night's spelling
(``rollup/spellings.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sheets_sync.rollup import FrameNights, Rollup, load_history, write_rollup_xlsx
from sheets_sync.rollup.spellings import OBJECTIVE, Spellings
from tests.rollup.test_nights import _frames

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
D1, D2, D3 = "2026-11-10", "2026-11-11", "2026-11-12"


def _kr(day: str, objective: str, kr: str, score: float, team: str = "Sales") -> tuple[object, ...]:
    return (day, team, objective, kr, None, 1.0, 2.0, score, score, 0.5, "On track", 1.0)


def _kpi(day: str, kpi: str, actual: float) -> tuple[object, ...]:
    return (day, "Sales", kpi, "NPS", actual, 2.0, "Green", None)


def _nights() -> FrameNights:
    """``o1``/``kr1``/``kpi-1`` on the first night, ``Ｏ１``/``ＫＲ１`` full-width on the
    second, ``O1``/``KR1``/``KPI-1`` on the last; Ops keeps its own ``o1``."""
    krs = [
        _kr(D1, "o1", "kr1", 0.2),
        _kr(D2, "Ｏ１", "ＫＲ１", 0.4),
        _kr(D3, "O1", "KR1", 0.6),
        _kr(D1, "o1", "kr1", 0.1, team="Ops"),
    ]
    kpis = [_kpi(D1, "kpi-1", 1.0), _kpi(D2, "KPI-1", 2.0), _kpi(D3, "KPI-1", 3.0)]
    return _frames(krs, kpis)


def test_a_retyped_id_is_one_series_under_its_latest_spelling() -> None:
    history = load_history(_nights(), 12, b"")
    assert history is not None
    burnup = history.objective_burnup
    assert burnup[["team", "objective_id"]].values.tolist() == [["Ops", "o1"], ["Sales", "O1"]]
    sales = burnup[burnup["team"] == "Sales"].iloc[0, 2:].tolist()
    assert sales == pytest.approx([0.2, 0.4, 0.6])
    trend = history.kpi_trend
    assert trend[["team", "kpi_id"]].values.tolist() == [["Sales", "KPI-1"]]
    assert trend.iloc[0, 3:].tolist() == [1.0, 2.0, 3.0]


def test_the_history_tab_shows_the_series_spelling(rollup: Rollup, tmp_path: Path) -> None:
    history = load_history(_nights(), 12, b"")
    assert history is not None
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
    rows = list(openpyxl.load_workbook(path)["History"].values)[1:]
    ids = [(r[0], r[2], r[3], r[4]) for r in rows]
    assert sorted(ids, key=str) == sorted(
        [("KR", "Sales", "O1", "KR1")] * 3
        + [("KR", "Ops", "o1", "kr1")]
        + [("KPI", "Sales", None, "KPI-1")] * 3,
        key=str,
    )


def test_an_earlier_period_keeps_its_own_spelling(rollup: Rollup, tmp_path: Path) -> None:
    """A new period reuses IDs for other goals: last period's ``o1`` is not renamed after
    this period's ``O1``, but its own nights are one series (``ｏ１`` then ``o1``)."""
    krs = [_kr("2026-09-29", "ｏ１", "kr1", 0.5), _kr("2026-09-30", "o1", "kr1", 0.5),
           _kr(D1, "O1", "KR1", 0.2)]  # fmt: skip
    nights = _frames(krs, [])
    history = load_history(nights, 12, b"", since=dt.date(2026, 10, 1))
    assert history is not None
    assert history.objective_burnup["objective_id"].tolist() == ["O1"]
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
    rows = list(openpyxl.load_workbook(path)["History"].values)[1:]
    assert [r[3] for r in rows] == ["o1", "o1", "O1"]


def test_a_night_that_spells_an_id_two_ways_shows_its_most_common() -> None:
    """A row-per-KR sheet with ``o1`` on two KRs' rows and ``O1`` on one: ``o1``; a tie
    goes to the first in code-point order (``O1``), whatever the rows' order."""
    for rows, shown in (
        (["O1", "o1", "o1"], "o1"),
        (["o1", "O1", "o1"], "o1"),
        (["o1", "O1"], "O1"),
        (["O1", "o1"], "O1"),
    ):
        spellings = Spellings()
        teams, ids = pd.Series(["T"] * len(rows)), pd.Series(rows)
        spellings.see(0, dt.date(2026, 11, 10), teams, ids)
        assert spellings.shown(teams[:1], spellings.keys(ids[:1])).tolist() == [shown], rows
        assert spellings.respelled() == {("T", s): shown for s in set(rows) - {shown}}


def test_teams_keeping_to_their_own_spelling_are_not_respelled() -> None:
    """Sales types ``O1``, Ops ``o1`` every night: each keeps its own; only Web, which
    retypes ``o1`` as ``O1``, is respelled, and only for its older nights."""
    spellings = Spellings()
    for night, web in enumerate(["o1", "o1", "O1"]):
        teams = pd.Series(["Sales", "Ops", "Web", "Sales", "Ops"])
        ids = pd.Series(["O1", "o1", web, "O1", "o1"])
        spellings.see(night, dt.date(2026, 11, 10 + night), teams, ids)
    assert spellings.respelled() == {("Web", "o1"): "O1"}
    teams = pd.Series(["Sales", "Ops", "Web"])
    assert spellings.shown(teams, spellings.keys(pd.Series(["o1"] * 3))).tolist() == [
        "O1",
        "o1",
        "O1",
    ]


def test_trends_rows_sort_by_id_as_ids_compare() -> None:
    """``a2``, ``B3``, ``O1`` (docs/rollup.md, Trends): case does not split the order."""
    krs = [_kr(D1, "O1", "KR1", 0.1), _kr(D1, "a2", "KR2", 0.2), _kr(D1, "B3", "KR3", 0.3)]
    history = load_history(_frames(krs, []), 12, b"")
    assert history is not None
    assert history.objective_burnup["objective_id"].tolist() == ["a2", "B3", "O1"]


class _CountingNights(FrameNights):
    """FrameNights that notes the nights read."""

    read: list[dt.date]

    def night(self, kind: str, date: dt.date, columns: Sequence[str]) -> pd.DataFrame:
        self.read.append(date)
        return super().night(kind, date, columns)


def test_the_nights_before_the_period_are_read_only_to_respell() -> None:
    """Nights before the period's start feed the History tab only: their IDs are read to
    respell them only when one is spelled two ways among them (reading them took 0.15 s
    -> 0.75 s at 2,000 teams, 11 of 12 nights earlier)."""
    for earlier, read in ((["o1", "o1"], False), (["ｏ１", "o1"], True)):
        krs = [_kr("2026-09-29", earlier[0], "kr1", 0.5), _kr("2026-09-30", earlier[1], "kr1", 0.5),
               _kr(D1, "O1", "KR1", 0.2)]  # fmt: skip
        frames = _frames(krs, [])
        nights = _CountingNights(frames.kr, frames.kpi)
        object.__setattr__(nights, "read", [])
        history = load_history(nights, 12, b"", since=dt.date(2026, 10, 1))
        assert history is not None
        assert (dt.date(2026, 9, 29) in nights.read) is read, earlier
        assert bool(history.respellings.before[OBJECTIVE]) is read


def test_a_blank_team_is_counted_apart_from_the_others() -> None:
    """A hand-built frame's rows with no team (a blank, which the history store never
    holds) counted as no team's: ``pd.factorize`` codes a blank -1, which took the last
    team's number, so Sales, which only ever typed ``O1``, was respelled ``o1``."""
    spellings = Spellings()
    teams = pd.Series(["Sales", None, None], dtype=object)
    spellings.see(0, dt.date(2026, 11, 10), teams, pd.Series(["O1", "o1", "o1"]))
    assert not [team for team, _ in spellings.respelled() if team == "Sales"]
