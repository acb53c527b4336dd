"""A KPI's trend compares the numbers as their cells show them (15 digits), as its status
does: two that show the same have no trend, and the 1e-9 allowed is of the difference as
shown. Until 2026-12-07 it compared the floats, so a =SUM's 8,892,677.989999998 (showing
8,892,677.99) read Green at its target of 8,892,677.99 and Worsening from a previous of
8,892,677.99 typed, beside a Variance of -0.000000002."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.domain.kpi import kpi_status, trend
from sheets_sync.domain.models import KPI, Direction, KPIStatus, Trend
from sheets_sync.domain.shown import shown_float

floats = st.floats(allow_nan=False, allow_infinity=False)


def test_a_formula_s_noise_is_no_trend_beside_green() -> None:
    total = 8892677.989999998  # a =SUM's, showing 8,892,677.99
    result = kpi_status(
        KPI("K", target=8892677.99, previous=8892677.99), as_of=dt.date(2026, 12, 7), actual=total
    )
    assert result.status is KPIStatus.GREEN
    assert result.trend is Trend.FLAT
    lower = KPI("K", direction=Direction.LOWER, target=1.0)
    assert trend(lower, 63162713.7 * 1.1, 69478985.07) is Trend.FLAT  # =B2*1.1, typed
    range_ = KPI("K", direction=Direction.RANGE, lower=4e7, upper=6e7)
    assert trend(range_, 62000000.0, 62000000.00000001) is Trend.FLAT


def test_more_than_1e9_apart_as_shown_is_a_trend() -> None:
    kpi = KPI("K", target=100.0)
    assert trend(kpi, 8892677.990000002, 8892677.98) is Trend.IMPROVING
    assert trend(kpi, 0.1 + 0.2, 0.3 + 2e-9) is Trend.WORSENING  # 0.3 against 0.300000002
    assert trend(kpi, 0.3 + 1e-9, 0.3) is Trend.FLAT
    assert trend(kpi, 1e308, -1e308) is Trend.IMPROVING  # no overflow
    range_ = KPI("K", direction=Direction.RANGE, lower=-1e308, upper=1e308)
    assert trend(range_, 0.0, 1.7976931348623157e308) is Trend.IMPROVING


@settings(max_examples=200, deadline=None)
@given(floats, floats, floats, st.sampled_from(list(Direction)))
def test_numbers_that_show_the_same_have_no_trend(
    target: float, actual: float, other: float, direction: Direction
) -> None:
    lower, upper = sorted((target, other))
    kpi = KPI("K", direction=direction, target=target, lower=lower, upper=upper)
    nearby = math.nextafter(actual, math.inf)
    if shown_float(nearby) == shown_float(actual):
        assert trend(kpi, nearby, actual) is Trend.FLAT
        assert trend(kpi, actual, nearby) is Trend.FLAT
    assert trend(kpi, actual, shown_float(actual)) is Trend.FLAT


def test_a_number_past_a_float_s_range_keeps_the_floats_trend() -> None:
    kpi = KPI("K", target=1.0)
    assert trend(kpi, math.inf, 5.0) is Trend.IMPROVING
    assert trend(kpi, math.nan, 5.0) is trend(kpi, 5.0, math.nan)
