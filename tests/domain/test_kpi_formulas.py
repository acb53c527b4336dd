"""A KPI's actual computed by a formula is compared as its cell shows it (15 digits).

An exact comparison of the numbers as typed (tests/domain/test_kpi_edges.py) left a
formula's result to its binary noise: =B2+B2*0.1 of a target of 63,162,713.7 is
69,478,985.07000001, its 17th digit past the 1e-9 allowed from about 1e7 up, so an actual
the cell shows exactly at the amber edge read Red (the binary edge had read it Amber)."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from sheets_sync.domain.kpi import kpi_status, rag
from sheets_sync.domain.models import KPI, Direction, KPIStatus
from sheets_sync.domain.shown import shown_float
from tests.support.typed_numbers import typable, typed

TENTH = Decimal("0.1")

#: a formula a team computes the amber edge with, from the target in B2
FORMULAS: dict[str, tuple[Direction, Callable[[float], float]]] = {
    "=B2+B2*0.1": (Direction.LOWER, lambda t: t + t * 0.1),
    "=B2*1.1": (Direction.LOWER, lambda t: t * 1.1),
    "=B2-B2*0.1": (Direction.HIGHER, lambda t: t - t * 0.1),
    "=B2*0.9": (Direction.HIGHER, lambda t: t * 0.9),
}


@settings(max_examples=100, deadline=None)
@given(typed(), st.sampled_from(sorted(FORMULAS)))
@example(Decimal("63162713.7"), "=B2+B2*0.1")  # 69478985.07000001 read Red
@example(Decimal("33625031.9"), "=B2-B2*0.1")  # 30262528.709999997 read Red
def test_a_formula_s_actual_the_cell_shows_at_the_edge_is_amber(
    target: Decimal, formula: str
) -> None:
    direction, compute = FORMULAS[formula]
    margin = abs(target) * TENTH
    edge = target - margin if direction is Direction.HIGHER else target + margin
    actual = compute(float(target))
    assume(shown_float(actual) == float(edge))  # the cell shows the edge
    assert rag(KPI("K", direction=direction, target=float(target)), actual) is KPIStatus.AMBER


@pytest.mark.parametrize(
    ("direction", "target", "actual", "status"),
    [
        # =SUM of twelve typed monthly amounts adding up to the target read Amber
        (Direction.HIGHER, 8892677.99, 8892677.989999998, KPIStatus.GREEN),
        (Direction.LOWER, 8892677.99, 8892677.990000002, KPIStatus.GREEN),
        # a cent past the edge, as the cell shows it, is still Red
        (Direction.LOWER, 63162713.7, 69478985.08000001, KPIStatus.RED),
        (Direction.HIGHER, 33625031.9, 30262528.699999997, KPIStatus.RED),
    ],
)
def test_a_sum_is_compared_as_the_cell_shows_it(
    direction: Direction, target: float, actual: float, status: KPIStatus
) -> None:
    assert rag(KPI("K", direction=direction, target=target), actual) is status


@settings(max_examples=100, deadline=None)
@given(typed(), typed(low=-6, high=12).map(abs))
@example(Decimal("4498391.8"), Decimal("70747270.9"))
def test_a_range_s_edge_computed_by_a_formula_is_amber(lower: Decimal, width: Decimal) -> None:
    upper = lower + width
    assume(typable(upper, upper + width * TENTH))
    kpi = KPI("K", direction=Direction.RANGE, lower=float(lower), upper=float(upper))
    above = float(upper) + (float(upper) - float(lower)) * 0.1  # =C2+(C2-B2)*0.1
    assume(shown_float(above) == float(upper + width * TENTH))
    assert rag(kpi, above) is KPIStatus.AMBER


@pytest.mark.parametrize(
    ("kpi", "actual", "status"),
    [
        (KPI("K", direction=Direction.RANGE, lower=40.0, upper=60.0), 62.0000001, KPIStatus.RED),
        (KPI("K", direction=Direction.RANGE, lower=40.0, upper=60.0), 37.99999, KPIStatus.RED),
        (KPI("K", target=1234567.8), 1111111.02, KPIStatus.AMBER),
        (KPI("K", target=1234567.8), 1111111.01, KPIStatus.RED),
    ],
)
def test_the_thread_s_decimal_precision_changes_no_status(
    kpi: KPI, actual: float, status: KPIStatus
) -> None:
    """A library (or a test) that lowers the thread's decimal precision changes no status:
    Python's abs() of a Decimal rounds with it (range 40-60, 62.0000001 read Amber at 6
    digits, and the edge of 1,234,567.8 was 1,111,110 until 2026-12-07)."""
    with decimal.localcontext(prec=6):
        assert rag(kpi, actual) is status


@pytest.mark.parametrize(
    ("kpi", "status"),
    [
        (KPI("K", target=1.0), KPIStatus.RED),
        (KPI("K", direction=Direction.LOWER, target=1.0), KPIStatus.RED),
        (KPI("K", target=1.0, amber_threshold=0.5), KPIStatus.RED),
        (KPI("K", direction=Direction.RANGE, lower=1.0, upper=2.0), KPIStatus.GREEN),
    ],
)
def test_a_nan_actual_reads_as_the_float_comparisons_read_it(kpi: KPI, status: KPIStatus) -> None:
    """No reader gives a NaN (a KPI's own numbers are refused so), but ``kpi_status`` takes
    any actual: a decimal NaN compared raised InvalidOperation (for a pass on 2026-12-07);
    it reads as the float comparisons read it, Red beside a target, no distance outside a
    range (Green)."""
    assert rag(kpi, math.nan) is status
    assert kpi_status(kpi, as_of=dt.date(2026, 12, 7), actual=math.nan).status is status


FORMULA_TARGET = 63162713.7 * 1.1  # =B2*1.1: 69478985.07000001


@pytest.mark.parametrize(
    "kpi",
    [
        KPI("K", direction=Direction.HIGHER, target=FORMULA_TARGET),
        KPI("K", direction=Direction.LOWER, target=FORMULA_TARGET),
        KPI("K", direction=Direction.RANGE, lower=FORMULA_TARGET, upper=FORMULA_TARGET),
        KPI("K", direction=Direction.RANGE, lower=FORMULA_TARGET, upper=7e7),
    ],
)
def test_an_actual_equal_to_a_formula_s_target_is_green(kpi: KPI) -> None:
    """A target (a bound) computed by a formula is compared as its cell shows it too: the
    actual alone rounded to 15 digits, the same =B2*1.1 as the target read Amber, higher
    being better, and Red in a range of that one number."""
    assert rag(kpi, FORMULA_TARGET) is KPIStatus.GREEN
