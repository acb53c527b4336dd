"""A KPI's amber edge, typed by hand, is Amber at any size (docs/scoring.md, KPIs: "A value
exactly at a threshold counts as the better outcome").

The edge was computed in binary, target - |target| x 0.1, whose last bit can fall either
side of the decimal a person works out: a lower-is-better target of 64,262,851.8 has its
amber band up to 70,689,136.98, and an actual of exactly that read Red, as 0.1 of a unit
was more than the 1e-9 the comparison allowed. The cases here are decimals with up to 9
digits, as teams type them, from millionths to 1e15 (revenue in cents)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from sheets_sync.domain.kpi import rag, trend
from sheets_sync.domain.models import KPI, Direction, KPIStatus
from tests.support.typed_numbers import typable, typed

TENTH = Decimal("0.1")


@settings(max_examples=100, deadline=None)
@given(typed(), st.sampled_from([Direction.HIGHER, Direction.LOWER]))
@example(Decimal("64262851.8"), Direction.LOWER)  # 70,689,136.98 read Red
@example(Decimal("35079512.2"), Direction.HIGHER)  # 31,571,560.98 read Red
def test_the_tolerance_edge_is_amber(target: Decimal, direction: Direction) -> None:
    margin = abs(target) * TENTH
    edge = target - margin if direction is Direction.HIGHER else target + margin
    kpi = KPI("K", direction=direction, target=float(target))
    assert rag(kpi, float(target)) is KPIStatus.GREEN
    assert rag(kpi, float(edge)) is KPIStatus.AMBER


@settings(max_examples=100, deadline=None)
@given(typed(), typed(low=-6, high=12).map(abs))
@example(Decimal("4498391.8"), Decimal("70747270.9"))  # 82,320,389.79 above read Red
def test_the_edges_of_a_range_s_amber_band_are_amber(lower: Decimal, width: Decimal) -> None:
    upper, band = lower + width, width * TENTH
    assume(typable(upper, upper + band, lower - band))
    kpi = KPI("K", direction=Direction.RANGE, lower=float(lower), upper=float(upper))
    assert rag(kpi, float(upper)) is KPIStatus.GREEN
    assert rag(kpi, float(lower)) is KPIStatus.GREEN
    assert rag(kpi, float(upper + band)) is KPIStatus.AMBER
    assert rag(kpi, float(lower - band)) is KPIStatus.AMBER


@settings(max_examples=100, deadline=None)
@given(typed(), typed(low=-6, high=12).map(abs), typed(low=-6, high=12).map(abs))
@example(Decimal("3210287.3"), Decimal("9129806.4"), Decimal("3983094.6"))  # read Red
def test_a_typed_amber_width_is_amber_at_its_edge(
    lower: Decimal, width: Decimal, amber: Decimal
) -> None:
    upper = lower + width
    assume(typable(upper, upper + amber, lower - amber))
    kpi = KPI(
        "K",
        direction=Direction.RANGE,
        lower=float(lower),
        upper=float(upper),
        amber_threshold=float(amber),
    )
    assert rag(kpi, float(upper + amber)) is KPIStatus.AMBER
    assert rag(kpi, float(lower - amber)) is KPIStatus.AMBER


@pytest.mark.parametrize(
    ("direction", "target", "actual", "status"),
    [
        (Direction.LOWER, 64262851.8, 70689136.98, KPIStatus.AMBER),
        (Direction.LOWER, 64262851.8, 70689136.99, KPIStatus.RED),
        (Direction.HIGHER, 35079512.2, 31571560.98, KPIStatus.AMBER),
        (Direction.HIGHER, 35079512.2, 31571560.97, KPIStatus.RED),
    ],
)
def test_a_cent_past_the_edge_is_red(
    direction: Direction, target: float, actual: float, status: KPIStatus
) -> None:
    assert rag(KPI("K", direction=direction, target=target), actual) is status


floats = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=100, deadline=None)
@given(floats, floats, floats, st.none() | floats)
@example(64262851.8, 70689136.98, 64262851.8, None)
@example(1e308, -1e308, 1.7976931348623157e308, None)
def test_lower_is_better_mirrors_higher_is_better(
    target: float, actual: float, previous: float, amber: float | None
) -> None:
    """Lower is better is higher is better on the negated numbers, at every size: the same
    colour (its tolerance band too) and the same trend."""
    assume(amber is None or amber <= target)
    high = KPI("K", direction=Direction.HIGHER, target=target, amber_threshold=amber)
    low = KPI(
        "K",
        direction=Direction.LOWER,
        target=-target,
        amber_threshold=None if amber is None else -amber,
    )
    assert rag(high, actual) is rag(low, -actual)
    assert trend(high, actual, previous) is trend(low, -actual, -previous)


@settings(max_examples=100, deadline=None)
@given(floats, floats, floats, floats)
def test_a_range_is_symmetric_about_its_middle(
    lower: float, upper: float, actual: float, previous: float
) -> None:
    """Below a range by d is as far out as above it by d: the range and the numbers negated
    give the same colour and trend."""
    lower, upper = sorted((lower, upper))
    kpi = KPI("K", direction=Direction.RANGE, lower=lower, upper=upper)
    mirror = KPI("K", direction=Direction.RANGE, lower=-upper, upper=-lower)
    assert rag(kpi, actual) is rag(mirror, -actual)
    assert trend(kpi, actual, previous) is trend(mirror, -actual, -previous)
