"""Pace through periods of every shape (docs/scoring.md, Pace and status; DOMAIN.md:
expected progress is linear over the period, days elapsed / total days).

A period is just its dates: fiscal years that start in April, July or October, quarters
of 89 to 92 days, a 4-4-5 quarter of 13 weeks, leap days inside or at the edge. On each,
expected is the whole days from the start over the days from start to end: 0 on the first
day, 1 on the end date (the day the targets are due) and after it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.domain.models import KeyResult, ObjectiveType, Period, Status
from sheets_sync.domain.scoring import expected_score, score_key_result

D = dt.date

PERIODS = [
    Period("FY2028 (Apr-Mar, Japan/India)", D(2027, 4, 1), D(2028, 3, 31)),  # 365 days, 29 Feb
    Period("FY2027 (Jul-Jun, Australia)", D(2026, 7, 1), D(2027, 6, 30)),  # 364
    Period("FY2027 (Oct-Sep, US federal)", D(2026, 10, 1), D(2027, 9, 30)),  # 364
    Period("UK tax year", D(2027, 4, 6), D(2028, 4, 5)),  # 365, 29 Feb inside
    Period("Q1 2027", D(2027, 1, 1), D(2027, 3, 31)),  # 89
    Period("Q1 2028 (leap)", D(2028, 1, 1), D(2028, 3, 31)),  # 90
    Period("Q2 2027", D(2027, 4, 1), D(2027, 6, 30)),  # 90
    Period("Q3 2027", D(2027, 7, 1), D(2027, 9, 30)),  # 91
    Period("Q4 2026", D(2026, 10, 1), D(2026, 12, 31)),  # 91
    Period("4-4-5 quarter", D(2027, 1, 4), D(2027, 4, 5)),  # 13 weeks: 91
    Period("Feb 2100 (no leap day)", D(2100, 2, 1), D(2100, 3, 1)),  # 28
    Period("Feb 2000 (a leap day)", D(2000, 2, 1), D(2000, 3, 1)),  # 29
]


@pytest.mark.parametrize(
    ("period", "days"),
    list(zip(PERIODS, [365, 364, 364, 365, 89, 90, 90, 91, 91, 91, 28, 29], strict=True)),
    ids=[p.name for p in PERIODS],
)
def test_each_period_counts_its_days(period: Period, days: int) -> None:
    """First day 0, each later day 1/days more, the end date 1, after it still 1."""
    assert (period.end - period.start).days == days
    one = dt.timedelta(days=1)
    assert period.elapsed_fraction(period.start - one) == 0.0
    assert period.elapsed_fraction(period.start) == 0.0
    assert period.elapsed_fraction(period.start + one) == 1 / days
    assert period.elapsed_fraction(period.end - one) == (days - 1) / days
    assert period.elapsed_fraction(period.end) == 1.0
    assert period.elapsed_fraction(period.end + 400 * one) == 1.0


@pytest.mark.parametrize(
    ("period", "as_of", "elapsed"),
    [
        (PERIODS[0], D(2028, 2, 29), 334 / 365),  # the leap day counts as a day
        (PERIODS[0], D(2028, 3, 1), 335 / 365),
        (PERIODS[3], D(2028, 2, 29), 329 / 365),
        (PERIODS[5], D(2028, 2, 15), 45 / 90),  # half way through a leap Q1
        (PERIODS[4], D(2027, 2, 15), 45 / 89),  # 45 days into a common Q1
        (PERIODS[1], D(2027, 1, 1), 184 / 364),  # half a July fiscal year
    ],
)
def test_leap_days_count_as_days(period: Period, as_of: dt.date, elapsed: float) -> None:
    assert period.elapsed_fraction(as_of) == elapsed


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(PERIODS), st.integers(-30, 500))
def test_expected_is_days_elapsed_over_total_days_times_ambition(
    period: Period, offset: int
) -> None:
    as_of = period.start + dt.timedelta(days=offset)
    total = (period.end - period.start).days
    linear = min(1.0, max(0.0, offset / total))
    assert expected_score(period, as_of, ObjectiveType.COMMITTED) == linear
    assert expected_score(period, as_of, ObjectiveType.ASPIRATIONAL) == linear * 0.7


@pytest.mark.parametrize("period", PERIODS, ids=[p.name for p in PERIODS])
def test_a_key_result_on_its_linear_plan_is_on_track_every_day(period: Period) -> None:
    """A KR whose current moves with the calendar (k of n days -> k of n) is On track every
    day until the end date, Achieved on it and after it."""
    total = (period.end - period.start).days
    for offset in range(total + 3):
        as_of = period.start + dt.timedelta(days=offset)
        done = min(offset, total)
        kr = KeyResult("O", "K", start=0, target=total, current=done)
        status = score_key_result(kr, period=period, as_of=as_of).status
        assert status is (Status.ACHIEVED if done == total else Status.ON_TRACK), as_of
