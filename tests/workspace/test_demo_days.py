"""The demo built on any day and synced that day shows its designed state (README Quick
start: ``2 errors, 2 warnings in team sheets``). Its rows were a fixed 2026-Q4 snapshot:
built and synced on 2026-12-05 two weekly KPIs had turned stale (4 warnings), and after
2026-12-31 the period was over; every test synced as of 2026-11-23, so none saw it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.domain.models import Period
from sheets_sync.errors import ConfigError
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.workspace.demo import create_demo, demo_teams
from sheets_sync.workspace.demo_data import DESIGN_DAY, demo_period

DAYS = [
    dt.date(2026, 12, 5),  # the day the drift was found: two weekly KPIs stale
    dt.date(2027, 3, 10),  # after the designed period ended
    dt.date(2028, 2, 29),  # a leap day (the period spans it)
    dt.date(2027, 6, 30),  # the last day of a quarter
]


def _sync(tmp_path: Path, as_of: dt.date) -> tuple[Period, SyncResult]:
    ws = load_workspace(create_demo(tmp_path / as_of.isoformat(), as_of=as_of))
    return ws.period, Sync(ws).run(SyncOptions(as_of=as_of, write_back=False, rollup=False))


def _state(result: SyncResult) -> list[Any]:
    """What a person sees for each team: findings, scores, statuses, pace, KPI statuses."""
    state = []
    for run in result.runs:
        assert run.result is not None, run.error
        r = run.result
        findings = sorted((f.severity, f.location, f.message) for f in r.findings)
        krs = [(k.kr.id, k.current, k.score, k.expected, k.status) for k in r.key_results]
        kpis = [(k.kpi.id, k.status, k.variance, k.trend) for k in r.kpis]
        objectives = [(o.objective.id, o.score, o.status) for o in r.objectives]
        state.append((run.team, findings, krs, kpis, objectives))
    return state


@pytest.fixture(scope="module")
def designed(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    period, result = _sync(tmp_path_factory.mktemp("designed"), DESIGN_DAY)
    assert period == Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    state = _state(result)
    severities = [f[0].name for team in state for f in team[1]]
    assert sorted(severities) == ["ERROR", "ERROR", "WARNING", "WARNING"]
    return state


@pytest.mark.parametrize("as_of", DAYS, ids=str)
def test_the_demo_built_and_synced_on_any_day_shows_its_designed_state(
    designed: list[Any], tmp_path: Path, as_of: dt.date
) -> None:
    period, result = _sync(tmp_path, as_of)
    assert (period.end - period.start) == dt.date(2026, 12, 31) - dt.date(2026, 10, 1)
    assert period.start == dt.date(2026, 10, 1) + (as_of - DESIGN_DAY)
    assert _state(result) == designed


def test_the_period_is_named_after_the_quarter_holding_its_middle() -> None:
    assert demo_period(DESIGN_DAY).name == "2026-Q4"
    assert demo_period(dt.date(2026, 12, 5)).name == "2026-Q4"  # 2026-10-13 to 2027-01-12
    assert demo_period(dt.date(2027, 3, 10)) == Period(
        "2027-Q1", dt.date(2027, 1, 16), dt.date(2027, 4, 17)
    )
    assert demo_period(dt.date(2028, 2, 29)).name == "2028-Q1"


MONTHS = "january february march april may june july august september october november december"
DATE_WORDS = re.compile(
    r"\b(?:(?:19|20)\d\d|" + "|".join(f"{m}|{m[:3]}" for m in MONTHS.split()) + r")\b",
    re.IGNORECASE,
)


def test_no_text_in_the_demo_names_a_date() -> None:
    """Dates move with the as-of day; a year or a month in a text or formula cell would not
    ("Dashboard export broke in September" on a KPI last updated in August)."""
    cells = [
        getattr(value, "formula", value)
        for team in demo_teams()
        for rows in (team.okr_rows, team.kpi_rows, *(t.rows for t in team.extra_tabs))
        for row in rows
        for value in row
    ]
    texts = [c for c in cells if isinstance(c, str)]
    assert len(texts) > 200
    assert [t for t in texts if DATE_WORDS.search(t)] == []


@pytest.mark.parametrize("as_of", [dt.date(1900, 12, 31), dt.date(9999, 12, 1)], ids=str)
def test_a_day_the_demo_cannot_be_dated_for_is_one_clear_error(
    tmp_path: Path, as_of: dt.date
) -> None:
    with pytest.raises(ConfigError) as caught:
        create_demo(tmp_path / "ws", as_of=as_of)
    assert str(caught.value) == f"the demo can be built as of 1901-01-01 to 9998-12-31, not {as_of}"
    assert not (tmp_path / "ws").exists()


def test_demo_teams_passed_to_create_demo_are_moved_once(tmp_path: Path) -> None:
    """``create_demo(dir, demo_teams(), as_of=day)`` is dated as ``create_demo(dir,
    as_of=day)``: ``demo_teams`` once took the day too, and the two moved every date twice
    (a close date of 2027-05-16 in a period ending 2027-04-17)."""
    day = dt.date(2027, 3, 10)
    with pytest.raises(TypeError):
        demo_teams(day)  # type: ignore[call-arg]  # the day is create_demo's alone
    given = create_demo(tmp_path / "given", demo_teams(), as_of=day)
    default = create_demo(tmp_path / "default", as_of=day)
    for path in sorted((default.parent / "teams").iterdir()):
        other = given.parent / "teams" / path.name
        assert _cells(other) == _cells(path), path.name


def _cells(path: Path) -> list[tuple[str, tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, data_only=True)
    return [(ws.title, row) for ws in book.worksheets for row in ws.iter_rows(values_only=True)]
