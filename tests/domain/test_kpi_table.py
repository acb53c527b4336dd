"""Hand-computed KPI status cases (docs/scoring.md shows the arithmetic); the KR and
objective cases are in ``test_scoring_table.py``, as of the same date."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.kpi import kpi_status
from sheets_sync.domain.models import KPI, Direction, Frequency, KPIStatus, Trend

AS_OF = dt.date(2026, 10, 6)


H, L, RG = Direction.HIGHER, Direction.LOWER, Direction.RANGE
GRN, AMB, RED, NOD, STALE = (
    KPIStatus.GREEN,
    KPIStatus.AMBER,
    KPIStatus.RED,
    KPIStatus.NO_DATA,
    KPIStatus.STALE,
)
FRESH = AS_OF

# (case, direction, target, lower, upper, amber, actual, previous, frequency, kpi as of,
#  status, last status, variance, variance %, trend)
# fmt: off
KPI_CASES = [
    ("higher: on target", H, 100, None, None, None, 100, None, "monthly", FRESH,
     GRN, None, 0.0, 0.0, None),
    ("higher: above", H, 100, None, None, None, 120, 110, "monthly", FRESH,
     GRN, None, 20.0, 0.2, Trend.IMPROVING),
    ("higher: in amber band", H, 100, None, None, None, 95, 99, "monthly", FRESH,
     AMB, None, -5.0, -0.05, Trend.WORSENING),
    ("higher: amber boundary (target - 10%)", H, 100, None, None, None, 90, 90, "monthly", FRESH,
     AMB, None, -10.0, -0.1, Trend.FLAT),
    ("higher: red", H, 100, None, None, None, 89, None, "monthly", FRESH,
     RED, None, -11.0, -0.11, None),
    ("higher: explicit amber threshold", H, 100, None, None, 80, 85, None, "monthly", FRESH,
     AMB, None, -15.0, -0.15, None),
    ("higher: below explicit amber", H, 100, None, None, 80, 79, None, "monthly", FRESH,
     RED, None, -21.0, -0.21, None),
    ("lower: on target", L, 24, None, None, None, 24, 30, "weekly", FRESH,
     GRN, None, 0.0, 0.0, Trend.IMPROVING),
    ("lower: amber", L, 24, None, None, None, 26, 25, "weekly", FRESH,
     AMB, None, 2.0, 2 / 24, Trend.WORSENING),
    ("lower: amber boundary (target + 10%)", L, 24, None, None, None, 26.4, None, "weekly", FRESH,
     AMB, None, 2.4, 0.1, None),
    ("lower: red", L, 24, None, None, None, 27, None, "weekly", FRESH, RED, None, 3.0, 0.125, None),
    ("lower: zero target met", L, 0, None, None, None, 0, None, "monthly", FRESH,
     GRN, None, 0.0, None, None),
    ("lower: zero target missed (no amber band)", L, 0, None, None, None, 1, None, "monthly", FRESH,
     RED, None, 1.0, None, None),
    ("range: inside", RG, None, 40, 60, None, 50, None, "monthly", FRESH,
     GRN, None, 0.0, 0.0, None),
    ("range: just above", RG, None, 40, 60, None, 61, 65, "monthly", FRESH,
     AMB, None, 1.0, 0.05, Trend.IMPROVING),
    ("range: amber boundary", RG, None, 40, 60, None, 62, None, "monthly", FRESH,
     AMB, None, 2.0, 0.1, None),
    ("range: red above", RG, None, 40, 60, None, 63, 61, "monthly", FRESH,
     RED, None, 3.0, 0.15, Trend.WORSENING),
    ("range: amber below", RG, None, 40, 60, None, 38, None, "monthly", FRESH,
     AMB, None, -2.0, -0.1, None),
    ("range: red below", RG, None, 40, 60, None, 37, None, "monthly", FRESH,
     RED, None, -3.0, -0.15, None),
    ("range: both inside is flat", RG, None, 40, 60, None, 45, 55, "monthly", FRESH,
     GRN, None, 0.0, 0.0, Trend.FLAT),
    ("negative target, higher", H, -10, None, None, None, -10.5, None, "monthly", FRESH,
     AMB, None, -0.5, -0.05, None),
    ("no actual", H, 100, None, None, None, None, None, "monthly", FRESH,
     NOD, None, None, None, None),
    ("no target", H, None, None, None, None, 5, None, "monthly", FRESH,
     NOD, None, None, None, None),
    ("weekly, 11 days old: stale", H, 100, None, None, None, 100, None, "weekly",
     dt.date(2026, 9, 25), STALE, GRN, 0.0, 0.0, None),
    ("weekly, 10 days old: within grace", H, 100, None, None, None, 100, None, "weekly",
     dt.date(2026, 9, 26), GRN, None, 0.0, 0.0, None),
    ("monthly, 35 days old: stale", L, 24, None, None, None, 30, None, "monthly",
     dt.date(2026, 9, 1), STALE, RED, 6.0, 0.25, None),
    ("monthly, 34 days old: fresh", L, 24, None, None, None, 30, None, "monthly",
     dt.date(2026, 9, 2), RED, None, 6.0, 0.25, None),
    ("quarterly, 95 days old: fresh", H, 1, None, None, None, 1, None, "quarterly",
     dt.date(2026, 7, 3), GRN, None, 0.0, 0.0, None),
    ("no as-of date is never stale", H, 100, None, None, None, 100, None, "weekly", None,
     GRN, None, 0.0, 0.0, None),
]
# fmt: on


@pytest.mark.parametrize(
    (
        "case",
        "direction",
        "target",
        "lower",
        "upper",
        "amber",
        "actual",
        "previous",
        "frequency",
        "kpi_as_of",
        "status",
        "last",
        "var",
        "var_pct",
        "trend",
    ),
    KPI_CASES,
    ids=[c[0] for c in KPI_CASES],
)
def test_kpi(
    case: str,
    direction: Direction,
    target: float | None,
    lower: float | None,
    upper: float | None,
    amber: float | None,
    actual: float | None,
    previous: float | None,
    frequency: str,
    kpi_as_of: dt.date | None,
    status: KPIStatus,
    last: KPIStatus | None,
    var: float | None,
    var_pct: float | None,
    trend: Trend | None,
) -> None:
    kpi = KPI(
        "KPI-1",
        direction=direction,
        target=target,
        lower=lower,
        upper=upper,
        amber_threshold=amber,
        actual=actual,
        previous=previous,
        frequency=Frequency(frequency),
        as_of=kpi_as_of,
    )
    result = kpi_status(kpi, as_of=AS_OF)
    assert result.status is status
    assert result.last_status is last
    assert result.variance == (None if var is None else pytest.approx(var))
    assert result.variance_pct == (None if var_pct is None else pytest.approx(var_pct))
    assert result.trend is trend
