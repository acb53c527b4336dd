"""A failed team's last good rows read back from a real previous workbook, whatever its
period, team and id names look like to a spreadsheet reader."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team, kpi_index
from sheets_sync.rollup import build_rollup, write_rollup_xlsx
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun
from tests.rollup.fixtures import COMPANY, finance, ops

NIGHT_1 = dt.date(2026, 11, 23)


def _night(team: str, period: Period, as_of: dt.date, *, fails: bool) -> list[TeamRun]:
    inputs = [dataclasses.replace(finance(), team=team), ops()]
    index = kpi_index(inputs)
    ids = frozenset(c.id for c in COMPANY)
    out = []
    for given in inputs:
        if fails and given.team == team:
            out.append(TeamRun(team, given.source, Outcome.FAILED, None, "file is encrypted"))
            continue
        result = evaluate_team(
            given, period=period, as_of=as_of, index=index, company_objective_ids=ids
        )
        out.append(TeamRun(given.team, given.source, Outcome.OK, result))
    return out


def _context(period: Period, as_of: dt.date) -> RunContext:
    return RunContext("Acme", period, as_of, dt.datetime.combine(as_of, dt.time(6, 30)), COMPANY)


@pytest.mark.parametrize(
    ("team", "period_name"),
    [
        ("Finance", "2026.10"),  # read back as the number 2026.1
        ("Finance", "2026"),
        ("Finance", "NA"),  # read back as missing: the period filter was off
        ("NA", "2026-Q4"),
        ("null", "2026-Q4"),
        ("1.10", "2026-Q4"),
    ],
)
def test_rows_whose_names_look_like_numbers_or_blanks_are_carried(
    tmp_path: Path, team: str, period_name: str
) -> None:
    """Same period both nights: the failed team's rows come back, names as typed."""
    period = Period(period_name, dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    previous = tmp_path / "company.xlsx"
    write_rollup_xlsx(
        build_rollup(_night(team, period, NIGHT_1, fails=False), _context(period, NIGHT_1)),
        previous,
    )
    night_2 = NIGHT_1 + dt.timedelta(days=1)
    again = build_rollup(
        _night(team, period, night_2, fails=True), _context(period, night_2), previous=previous
    )
    for table, count in ((again.objectives, 1), (again.key_results, 2), (again.kpis, 1)):
        rows = table[table["Team"] == team]
        assert len(rows) == count and rows["Stale data"].all()
        assert set(rows["Period"]) == {period_name}
    summary = again.summary.set_index("Team")
    assert summary.at[team, "Last successful read"] == pd.Timestamp("2026-11-23 06:30")


def test_rows_of_a_period_named_na_are_not_carried_into_the_next(tmp_path: Path) -> None:
    """Last period was named "NA": its rows are of another period than tonight's."""
    old = Period("NA", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    new = Period("2026.10", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    previous = tmp_path / "company.xlsx"
    night_1 = dt.date(2026, 9, 30)
    write_rollup_xlsx(
        build_rollup(_night("Finance", old, night_1, fails=False), _context(old, night_1)),
        previous,
    )
    night_2 = dt.date(2026, 10, 1)
    again = build_rollup(
        _night("Finance", new, night_2, fails=True), _context(new, night_2), previous=previous
    )
    for table in (again.objectives, again.key_results, again.kpis):
        assert "Finance" not in set(table["Team"]) and set(table["Period"]) == {"2026.10"}
