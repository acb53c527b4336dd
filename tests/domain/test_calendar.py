"""Time at its edges: the first and last day of a period, days outside it, leap days,
one-day periods, and KPIs whose As of date is missing, stale by a day, or ahead of the run.
The rules are docs/scoring.md's (Pace and status; KPIs); DOMAIN.md: "days elapsed / total
days", and a KPI not updated within its frequency is stale."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.domain.kpi import is_stale, kpi_status
from sheets_sync.domain.models import (
    KPI,
    Frequency,
    KeyResult,
    KPIStatus,
    ObjectiveType,
    Origin,
    Period,
    Severity,
    Status,
)
from sheets_sync.domain.scoring import expected_score, score_key_result
from sheets_sync.domain.team import evaluate_team
from tests.domain.test_team import kr, origin, team

D = dt.date
Q4 = Period("2026-Q4", D(2026, 10, 1), D(2026, 12, 31))  # 91 days from start to end
LEAP = Period("2028-02", D(2028, 2, 1), D(2028, 3, 1))  # 29 days: February 2028
ONE_DAY = Period("launch", D(2026, 10, 1), D(2026, 10, 2))  # the shortest a config allows


@pytest.mark.parametrize(
    ("period", "as_of", "due", "elapsed"),
    [
        (Q4, D(2026, 9, 30), None, 0.0),  # before the period: nothing expected yet
        (Q4, D(2026, 10, 1), None, 0.0),  # first day: the nightly run sees none gone by
        (Q4, D(2026, 10, 2), None, 1 / 91),
        (Q4, D(2026, 11, 15), None, 45 / 91),
        (Q4, D(2026, 12, 30), None, 90 / 91),
        (Q4, D(2026, 12, 31), None, 1.0),  # the end date: everything is due
        (Q4, D(2027, 3, 1), None, 1.0),  # after the period: stays 1, never above
        (LEAP, D(2028, 2, 29), None, 28 / 29),
        (LEAP, D(2028, 3, 1), None, 1.0),
        (ONE_DAY, D(2026, 10, 1), None, 0.0),
        (ONE_DAY, D(2026, 10, 2), None, 1.0),
        (Q4, D(2026, 10, 6), D(2026, 10, 11), 0.5),  # due date ends the KR's period early
        (Q4, D(2026, 10, 11), D(2026, 10, 11), 1.0),
        (Q4, D(2026, 10, 1), D(2026, 10, 1), 1.0),  # due on the first day: due at once
        (Q4, D(2026, 9, 30), D(2026, 10, 1), 0.0),
        (Q4, D(2026, 9, 24), D(2026, 9, 25), 0.0),  # due before the period: 0 until then
        (Q4, D(2026, 9, 25), D(2026, 9, 25), 1.0),
        (Q4, D(2027, 1, 5), D(2027, 1, 10), 96 / 101),  # due after the end stretches it
    ],
)
def test_elapsed_at_the_edges(
    period: Period, as_of: dt.date, due: dt.date | None, elapsed: float
) -> None:
    assert period.elapsed_fraction(as_of, due) == pytest.approx(elapsed, abs=1e-12)


dates = st.dates(D(2000, 1, 1), D(2100, 12, 31))


@given(start=dates, days=st.integers(1, 800), as_of=dates, due=st.none() | dates)
def test_expected_is_always_in_0_1_and_never_falls(
    start: dt.date, days: int, as_of: dt.date, due: dt.date | None
) -> None:
    period = Period("p", start, start + dt.timedelta(days=days))
    for kind in ObjectiveType:
        now = expected_score(period, as_of, kind, due)
        tomorrow = expected_score(period, as_of + dt.timedelta(days=1), kind, due)
        assert 0.0 <= now <= tomorrow <= 1.0


def test_last_day_of_the_period_expects_the_target() -> None:
    """The end date is the day the target is due (expected 1.0): a committed KR 0 -> 100
    at 89 is At risk on it (>= 1.0 - 0.25), On track the day before (>= 90/91 - 0.10)."""
    key_result = KeyResult("O1", "KR1", start=0, target=100, current=89, origin=Origin("s"))
    on_end = score_key_result(key_result, period=Q4, as_of=D(2026, 12, 31))
    before = score_key_result(key_result, period=Q4, as_of=D(2026, 12, 30))
    assert (on_end.expected, on_end.status) == (1.0, Status.AT_RISK)
    assert before.status is Status.ON_TRACK


@pytest.mark.parametrize(
    ("frequency", "fresh_days"),
    [(Frequency.WEEKLY, 10), (Frequency.MONTHLY, 34), (Frequency.QUARTERLY, 95)],
)
def test_stale_one_day_past_window_plus_grace(frequency: Frequency, fresh_days: int) -> None:
    run = D(2026, 11, 30)
    day = run - dt.timedelta(fresh_days)
    fresh = KPI("K", frequency=frequency, target=1, actual=1, as_of=day)
    stale = KPI("K", frequency=frequency, target=1, actual=1, as_of=day - dt.timedelta(1))
    assert not is_stale(fresh, run)
    assert is_stale(stale, run)
    assert kpi_status(stale, as_of=run).status is KPIStatus.STALE
    assert kpi_status(stale, as_of=run).last_status is KPIStatus.GREEN


def _kpi_warnings(kpi: KPI, run: dt.date) -> list[str]:
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR2")], [kpi]), period=Q4, as_of=run)
    return [str(f) for f in result.findings if f.severity is Severity.WARNING]


def test_kpi_dated_ahead_of_the_run_is_warned_about() -> None:
    """A mistyped year (2027 for 2026) kept the KPI fresh, and Green, for a year."""
    kpi = KPI(
        "KPI-1", owner="Ann", target=10, actual=12, as_of=D(2027, 11, 20), origin=origin(2, "KPIs")
    )
    result = evaluate_team(
        team([kr(3, "KR1"), kr(4, "KR2")], [kpi]), period=Q4, as_of=D(2026, 11, 21)
    )
    assert result.kpis[0].status is KPIStatus.GREEN
    assert _kpi_warnings(kpi, D(2026, 11, 21)) == [
        "sales.xlsx!KPIs!N2: As of date 2027-11-20 is after the run's date 2026-11-21; "
        "KPI KPI-1 is not judged stale until it has passed"
    ]


def test_a_filled_down_as_of_dated_ahead_names_the_cell_it_came_from() -> None:
    """As the other filled-down warnings do (``kpis.fill_down: [as_of]``): until
    2026-12-07 only the blank cell it filled was named."""
    where = Origin("sales.xlsx", "KPIs", 3, {"as_of": "N3", "actual": "M3"}, (("as_of", 2, 14),))
    kpi = KPI("KPI-2", owner="Ann", target=10, actual=12, as_of=D(2027, 11, 20), origin=where)
    assert _kpi_warnings(kpi, D(2026, 11, 21)) == [
        "sales.xlsx!KPIs!N3: As of date 2027-11-20 is after the run's date 2026-11-21; "
        "KPI KPI-2 is not judged stale until it has passed (filled down from N2)"
    ]


@pytest.mark.parametrize("ahead", [0, 1])
def test_kpi_a_day_ahead_is_a_time_zone_not_a_typo(ahead: int) -> None:
    """A team in Kiritimati (UTC+14) types its date, a day ahead of a server in Adak."""
    run = D(2026, 11, 21)
    kpi = KPI(
        "KPI-1",
        owner="Ann",
        target=10,
        actual=12,
        as_of=run + dt.timedelta(ahead),
        origin=origin(2, "KPIs"),
    )
    assert _kpi_warnings(kpi, run) == []


def test_kpi_without_as_of_is_warned_about_only_with_an_actual() -> None:
    run = D(2026, 11, 21)
    empty = KPI("KPI-1", owner="Ann", target=10, origin=origin(2, "KPIs"))
    assert _kpi_warnings(empty, run) == []
    undated = KPI("KPI-1", owner="Ann", target=10, actual=12, origin=origin(2, "KPIs"))
    assert _kpi_warnings(undated, run) == [
        "sales.xlsx!KPIs!N2: KPI KPI-1 has an actual but no As of date, so it is never judged stale"
    ]


def test_a_kpi_tab_without_as_of_is_one_warning() -> None:
    """A KPI tab with no As of column warned once per KPI, every night, at a row
    ("KPIs!2:2"): one warning for the tab names the column instead (2026-12-05)."""
    run = D(2026, 11, 21)
    bare = Origin("sales.xlsx", "KPIs", 2, {"id": "A2", "actual": "L2"})
    kpis = [
        KPI(f"KPI-{i}", owner="Ann", target=10, actual=12, origin=dataclasses.replace(bare, row=i))
        for i in (2, 3, 4)
    ]
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR2")], kpis), period=Q4, as_of=run)
    assert [str(f) for f in result.findings if f.severity is Severity.WARNING] == [
        "sales.xlsx!KPIs: no As of column, so no KPI is ever judged stale; add one with the "
        "date of each Actual"
    ]


@pytest.mark.parametrize(("age", "warned"), [(10, False), (11, True)])
def test_kr_fed_from_a_stale_kpi_says_so(age: int, warned: bool) -> None:
    run = D(2026, 11, 21)
    kpi = KPI("KPI-1", owner="Ann", frequency=Frequency.WEEKLY, target=10, actual=40,
              as_of=run - dt.timedelta(age), origin=origin(2, "KPIs"))  # fmt: skip
    krs = [kr(3, "KR1", current=None, kpi_link="KPI-1"), kr(4, "KR2")]
    result = evaluate_team(team(krs, [kpi]), period=Q4, as_of=run)
    assert result.objectives[0].key_results[0].current == 40  # still fed: a warning only
    fed = [str(f) for f in result.findings if "comes from KPI" in f.message]
    assert fed == (
        [
            f"sales.xlsx!OKRs!P3: current value comes from KPI Sales/KPI-1, which is stale "
            f"(as of {kpi.as_of}); update its Actual"
        ]
        if warned
        else []
    )
