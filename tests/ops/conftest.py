"""Sync results built from real domain scoring, without touching any files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

import pytest

from sheets_sync.domain.models import KPI, KeyResult, Objective, Period, TeamInput
from sheets_sync.domain.team import evaluate_team
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
MID = dt.date(2026, 11, 15)  # about half the period gone: expected progress ~0.5

# team -> {kr id: current value}; start 0, target 100. 0 is Off track mid-period,
# 50 is On track. None marks a team whose run failed.
Teams = Mapping[str, Mapping[str, float] | None]


class MakeResult(Protocol):
    """The ``make_result`` fixture: ``make`` below."""

    def __call__(
        self, teams: Teams, as_of: dt.date = ..., kpi_actual: float = ...
    ) -> SyncResult: ...


def team_input(name: str, currents: Mapping[str, float], kpi_actual: float = 12) -> TeamInput:
    return TeamInput(
        team=name,
        source=f"{name.lower()}.xlsx",
        objectives=(Objective("O1", f"{name} objective"),),
        key_results=tuple(
            KeyResult("O1", kr_id, f"{kr_id} of {name}", start=0, target=100, current=value)
            for kr_id, value in currents.items()
        ),
        kpis=(KPI("KPI-1", "Leads", target=10, actual=kpi_actual, as_of=MID),),
    )


def make(teams: Teams, as_of: dt.date = MID, kpi_actual: float = 12) -> SyncResult:
    context = RunContext("Acme", PERIOD, as_of, dt.datetime(2026, 11, 15, 2, 0, tzinfo=dt.UTC))
    runs: list[TeamRun] = []
    for name, currents in teams.items():
        if currents is None:
            runs.append(TeamRun(name, f"{name}.xlsx", Outcome.FAILED, error="cannot read"))
            continue
        result = evaluate_team(team_input(name, currents, kpi_actual), period=PERIOD, as_of=as_of)
        runs.append(TeamRun(name, f"{name}.xlsx", Outcome.OK, result))
    return SyncResult(context, tuple(runs), ())


@pytest.fixture
def make_result() -> MakeResult:
    return make


def statuses(result: SyncResult) -> Sequence[tuple[str, str, str]]:
    return [
        (r.team, kr.kr.id, kr.status.value)
        for r in result.runs
        if r.result
        for kr in r.result.key_results
    ]
