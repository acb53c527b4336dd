"""Contrived but finite numbers never make a Progress or a Variance infinite or NaN:
start 0, target 1e-308, current 1e308 made a Progress of inf (blank in the company
workbook, ``inf`` in the export); -1e308..1e308 made inf / inf, a NaN."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.domain.finite import difference, ratio_of_differences
from sheets_sync.domain.kpi import kpi_status
from sheets_sync.domain.models import KPI, Direction, KeyResult, KPIStatus, Period, Trend
from sheets_sync.domain.scoring import score_key_result

PERIOD = Period("Q", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
AS_OF = dt.date(2026, 11, 1)
#: Excel's largest number: what the clamp gives (the float maximum, 1.797e308, is past it)
BIG = 9.99999999999999e307
floats = st.floats(allow_nan=False, allow_infinity=False)


def progress(start: float, target: float, current: float) -> float | None:
    kr = KeyResult("O", "K", start=start, target=target, current=current)
    return score_key_result(kr, period=PERIOD, as_of=AS_OF).progress


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (0.0, 1e-308, 1e308, BIG),  # was inf
        (0.0, 1e-308, -1e308, -BIG),  # was -inf
        (-1e308, 1e308, 1e308, 1.0),  # was inf / inf: NaN
        (-1e308, 1e308, 0.0, 0.5),  # was 1e308 / inf: 0
        (1e308, -1e308, -1e308, 1.0),
        (-1e308, 1e308, -1e308, 0.0),
        (0.0, 5e-324, 1.0, BIG),
        (100.0, 200.0, 150.0, 0.5),  # ordinary numbers are as before
    ],
)
def test_progress_is_finite(start: float, target: float, current: float, expected: float) -> None:
    assert progress(start, target, current) == expected


def kpi(direction: Direction, **numbers: float) -> KPI:
    return KPI("K", "Metric", "Ann", direction=direction, **numbers)  # type: ignore[arg-type]


VARIANCE_CASES = [
    ("tiny target", kpi(Direction.HIGHER, target=1e-320), 1.0, 1.0, BIG),  # was inf
    ("tiny target, below", kpi(Direction.HIGHER, target=1e-320), -1.0, -1.0, -BIG),
    ("far above", kpi(Direction.LOWER, target=-1e308), 1e308, BIG, 2.0),  # was inf, inf
    ("far below", kpi(Direction.HIGHER, target=1e308), -1e308, -BIG, -2.0),
    ("range far below", kpi(Direction.RANGE, lower=1e308, upper=1.5e308), -1e308, -BIG, -4.0),
    ("ordinary", kpi(Direction.HIGHER, target=100.0), 95.0, -5.0, -0.05),
]


@pytest.mark.parametrize(
    ("case", "item", "actual", "variance", "variance_pct"),
    VARIANCE_CASES,
    ids=[c[0] for c in VARIANCE_CASES],
)
def test_variance_is_finite(
    case: str, item: KPI, actual: float, variance: float, variance_pct: float
) -> None:
    result = kpi_status(item, as_of=AS_OF, actual=actual)
    assert (result.variance, result.variance_pct) == (variance, variance_pct)


def test_a_range_wider_than_a_float_keeps_its_amber_band() -> None:
    """-1.7e308..1e308 is 2.7e308 wide: 10 % of it is 2.7e307, not inf, so 1.5e308 (5e307
    above the range) is Red, not Amber."""
    item = kpi(Direction.RANGE, lower=-1.7e308, upper=1e308)
    assert kpi_status(item, as_of=AS_OF, actual=1.5e308).status is KPIStatus.RED
    assert kpi_status(item, as_of=AS_OF, actual=1.2e308).status is KPIStatus.AMBER


def test_getting_closer_to_a_range_from_past_a_float_is_improving() -> None:
    """Both distances past a float's range were inf: inf - inf, a NaN, read as Worsening."""
    item = kpi(Direction.RANGE, lower=-1.5e308, upper=-1e308, previous=1.5e308)
    assert kpi_status(item, as_of=AS_OF, actual=1e308).trend is Trend.IMPROVING


@given(floats, floats, floats)
def test_any_finite_numbers_give_a_finite_progress(a: float, b: float, c: float) -> None:
    if b != c:
        assert math.isfinite(ratio_of_differences(a, b, c, b))
        assert math.isfinite(ratio_of_differences(a, c, abs(c), 0.0) if c else 0.0)


@given(floats, floats, floats)
def test_computed_numbers_stay_within_what_excel_takes(a: float, b: float, c: float) -> None:
    """Progress, Variance and Variance % are written to workbooks: past Excel's largest
    number (9.99999999999999E+307) Excel refuses them as typed input and shows a stored one
    as an error or oddly; the clamp was the float maximum, 1.797E+308."""
    assert abs(difference(a, b)) <= BIG
    if b != c:
        assert abs(ratio_of_differences(a, b, c, b)) <= BIG


@pytest.mark.parametrize(
    ("target", "actual"), [(-9e307, 9e307), (9e307, -9e307), (-BIG, BIG), (BIG, -BIG)]
)
def test_a_variance_of_numbers_typed_in_excel_is_one_excel_takes(
    target: float, actual: float
) -> None:
    """Both numbers typed in Excel, their difference past it: clamped to Excel's largest."""
    result = kpi_status(kpi(Direction.HIGHER, target=target), as_of=AS_OF, actual=actual)
    assert result.variance == math.copysign(BIG, actual)


@given(floats, floats, floats, floats)
def test_any_finite_numbers_give_a_finite_range_variance(
    lower: float, width: float, actual: float, previous: float
) -> None:
    upper = min(BIG, lower + abs(width))
    item = kpi(Direction.RANGE, lower=lower, upper=upper, previous=previous)
    result = kpi_status(item, as_of=AS_OF, actual=actual)
    assert result.variance is not None and math.isfinite(result.variance)
    assert result.variance_pct is None or math.isfinite(result.variance_pct)
    assert result.trend is not None


@pytest.mark.parametrize(
    ("item", "actual", "shown"),
    [
        (kpi(Direction.HIGHER, target=1.0), 0.9996, -0.0004),  # was -0.000399999999999956
        (kpi(Direction.LOWER, target=0.3), 0.1 + 0.2, 4e-17),  # a formula's 0.1+0.2: not 0
        (kpi(Direction.HIGHER, target=0.6), 0.6000000000000001, 1e-16),  # not hidden: not 0
        (kpi(Direction.RANGE, lower=1.1, upper=2.0), 1.0, -0.1),  # 1.0 - 1.1: -0.10000000000000009
        (kpi(Direction.RANGE, lower=2.2, upper=2.2), 3.3, 1.1),  # 3.3 - 2.2: 1.0999999999999996
        (kpi(Direction.HIGHER, target=1e308), -1e308, -BIG),  # clamped as before
    ],
)
def test_a_variance_is_the_difference_of_the_numbers_as_typed(
    item: KPI, actual: float, shown: float
) -> None:
    """A variance of close numbers carried float noise into the 15 digits Excel shows
    (-0.000399999999999956), in the cell, the export and a dry run's line, until
    2026-12-06; the difference of the decimals typed has none, and hides no difference
    between two floats (``shown.typed_difference``)."""
    assert kpi_status(item, as_of=AS_OF, actual=actual).variance == shown


@pytest.mark.parametrize(
    ("item", "actual", "shown"),
    [
        (kpi(Direction.HIGHER, target=1.0), 0.9996, -0.0004),  # was -0.000399999999999956
        (kpi(Direction.LOWER, target=-2.0), -1.9996, 0.0002),  # / |target|: 0.000199999999999978
        (kpi(Direction.RANGE, lower=1.1, upper=2.0), 1.0, -0.1 / 0.9),  # was -0.111111111111111(2)
        (kpi(Direction.HIGHER, target=1e308), -1e308, -2.0),  # past a float: taken on halves
        (kpi(Direction.RANGE, lower=0.0, upper=5e-324), 1e308, BIG),  # a tiny width: clamped
        # only the width past a float: its half as typed, the difference as typed
        (kpi(Direction.RANGE, lower=-1e308, upper=1e308), 1.0003e308, 0.00015),
        (kpi(Direction.RANGE, lower=-1e308, upper=1e308), -1.0003e308, -0.00015),
        # only the difference past a float: its half as typed, over the width as typed
        (kpi(Direction.RANGE, lower=1e308, upper=1.3e308), -1e308, -20 / 3),  # was ...665
    ],
)
def test_a_variance_pct_is_the_ratio_of_the_numbers_as_typed(
    item: KPI, actual: float, shown: float
) -> None:
    """Variance % was the binary difference over the target, so it kept the noise the
    Variance beside it had lost (-0.000399999999999956 beside -0.0004) until 2026-12-06."""
    assert kpi_status(item, as_of=AS_OF, actual=actual).variance_pct == shown
