"""A KR fed from a KPI names it in ``Current from KPI`` as the rollup's KPIs table spells
it: the team's name as configured, ``/``, the KPI's ``KPI ID`` as its row holds it. So
finance joins Key results to KPIs on ``Team & "/" & KPI ID``. Until 2026-12-07 the column
held the link as typed: ``sales/kpi-3`` (read as team Sales's KPI-3, as IDs and team
names compare) joined no row, and the KR's Current came from a KPI the join could not
find (docs/rollup.md, value corrections)."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.models import KPI, KeyResult, Objective, Period, TeamInput
from sheets_sync.domain.team import evaluate_team, kpi_index

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
AS_OF = dt.date(2026, 11, 15)


def _team(name: str, link: str | None = None, kpi_id: str | None = None) -> TeamInput:
    krs = (KeyResult("O1", "KR1", start=0, target=10, kpi_link=link),) if link else ()
    kpis = (KPI(kpi_id, target=10, actual=7, as_of=AS_OF),) if kpi_id else ()
    return TeamInput(name, f"{name}.xlsx", (Objective("O1", "Build"),), krs, kpis)


def _fed_from(team: TeamInput, *others: TeamInput) -> list[tuple[float | None, str | None]]:
    index = kpi_index([team, *others])
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF, index=index)
    return [(k.current, k.current_from) for k in result.key_results]


@pytest.mark.parametrize(
    ("link", "named"),
    [
        ("sales/kpi-3", "Sales/KPI-3"),  # another team's, in other case
        ("SALES/KPI-3", "Sales/KPI-3"),
        (" Sales/KPI-3", "Sales/KPI-3"),  # the team found without outer spaces
        ("Sales/ＫＰＩ-3", "Sales/KPI-3"),  # a full-width id
        ("Sales/KPI-3", "Sales/KPI-3"),  # as ever
    ],
)
def test_another_teams_kpi_is_named_as_its_row_is(link: str, named: str) -> None:
    assert _fed_from(_team("Ops", link), _team("Sales", kpi_id="KPI-3")) == [(7, named)]


def test_a_link_within_the_team_is_named_with_the_team() -> None:
    assert _fed_from(_team("Ops", "kpi-1", kpi_id="KPI-1")) == [(7, "Ops/KPI-1")]


def test_a_team_name_holding_a_slash() -> None:
    team = _team("R&D/Platform", "r&d/platform/uptime", kpi_id="Uptime")
    assert _fed_from(team) == [(7, "R&D/Platform/Uptime")]


def test_a_plain_mapping_keeps_the_link_as_typed() -> None:
    """A library caller's own ``{key: KPI}`` index cannot say the team's name."""
    team = _team("Ops", "kpi-1", kpi_id="KPI-1")
    index = dict(kpi_index([team]))
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF, index=index)
    assert [k.current_from for k in result.key_results] == ["Ops/kpi-1"]
