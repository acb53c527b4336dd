"""KPI status against target (red/amber/green), staleness, variance and trend."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from sheets_sync.domain.finite import bounded
from sheets_sync.domain.models import KPI, Direction, Frequency, KPIResult, KPIStatus, Trend
from sheets_sync.domain.rules import EPSILON, ScoringRules
from sheets_sync.domain.shown import EXACT as _EXACT
from sheets_sync.domain.shown import shown_float, typed_difference

_EPSILON = Decimal(repr(EPSILON))


def _typed(number: float) -> Decimal:
    """``number`` as its cell shows it: the decimal of ``shown_float`` (15 digits), so a
    number typed is as typed, and a formula's result without its binary noise, the
    target's as the actual's: a target and an actual of the same =B2*1.1 of 63,162,713.7,
    69,478,985.07000001, read Amber, higher being better, when the actual alone was
    rounded (for a pass on 2026-12-07). Between the smallest normal float and 1.7e308 its
    15 digits are read as they are (``repr`` of the float they read back as has the same
    value: 15 digits survive a float; half the time of a ``shown_float``)."""
    number = float(number)
    if _NORMAL < abs(number) < _LARGE:
        return Decimal(f"{number:.15g}")
    return Decimal(repr(shown_float(number)))  # subnormals, 0, past 1.7e308: as it does


#: where ``_typed`` reads a number's 15 digits as they are: from the smallest normal float
#: (below it 15 digits no longer survive a float) to under the largest (whose 15 digits,
#: 1.79769313486232e308, are past it)
_NORMAL, _LARGE = 2.2250738585072014e-308, 1.7e308


def _typed_width(kpi: KPI, rules: ScoringRules) -> Decimal:
    """A range KPI's amber band on each side of the range: given, or |upper - lower| x
    tolerance. An exact decimal of the numbers as their cells show them (``_typed``)."""
    assert kpi.lower is not None and kpi.upper is not None
    if kpi.amber_threshold is not None:
        return _typed(kpi.amber_threshold)
    width = _EXACT.subtract(_typed(kpi.upper), _typed(kpi.lower))
    return _EXACT.multiply(_typed(rules.kpi_tolerance), width)


def _typed_edge(kpi: KPI, rules: ScoringRules, target: Decimal) -> Decimal:
    """The edge of a target KPI's amber band: given, or ``target`` (``_typed``) -/+
    |target| x tolerance, exact. In binary the edge of a target of 64,262,851.8 lower
    being better was 70,689,136.97999999, so an actual of 70,689,136.98, exactly at the
    edge, read Red (until 2026-12-07)."""
    if kpi.amber_threshold is not None:
        return _typed(kpi.amber_threshold)
    margin = _EXACT.multiply(target.copy_abs(), _typed(rules.kpi_tolerance))  # not abs()
    if kpi.direction is Direction.HIGHER:
        return _EXACT.subtract(target, margin)
    return _EXACT.add(target, margin)


def _edge(kpi: KPI, value: float) -> float | None:
    """The bound of a range KPI that ``value`` is outside of, or None inside it."""
    assert kpi.lower is not None and kpi.upper is not None
    if value < kpi.lower:
        return kpi.lower
    if value > kpi.upper:
        return kpi.upper
    return None


def _half_outside(kpi: KPI, value: float) -> float:
    """Half the signed distance outside a range KPI's [lower, upper] (0 inside), which
    never overflows: what a range KPI's trend compares of an infinite or NaN number
    (``_float_trend``), so two distances past a float's range still compare as they are
    (finite numbers are compared as exact decimals)."""
    edge = _edge(kpi, value)
    return 0.0 if edge is None else value / 2 - edge / 2


def rag(kpi: KPI, actual: float, rules: ScoringRules = ScoringRules()) -> KPIStatus:
    """Green, Amber or Red: the numbers as their cells show them compared exactly
    (``_typed``, ``_typed_edge``, ``_typed_width``), within ``EPSILON``, so an edge a
    person works out by hand is where the docs say at any size, and no difference past a
    float's range overflows. The actual as the cell shows it too: a formula's =B2+B2*0.1
    of a target of 63,162,713.7 is 69,478,985.07000001, its 17th digit's noise past the
    1e-9 allowed from 1e7 up, and read Red at its edge (until 2026-12-07). The floats
    decide what is clearly on one side of each edge (``_clear_rag``; an actual at or past
    its target always), the decimals the rest: 4 to 7 us a call, as aafe0206's exact
    comparison of every call (3 to 7 in the same runs; 7 to 16 until later on
    2026-12-07), where the floats take 0.5 to 2, on a loaded box (2,000 teams x 15 KPIs a
    night)."""
    actual = float(actual)
    if kpi.direction is Direction.RANGE:
        if kpi.lower is None or kpi.upper is None:
            return KPIStatus.NO_DATA
        if math.isnan(actual):  # no distance outside, as the float comparisons read it
            return KPIStatus.GREEN
    elif kpi.target is None:
        return KPIStatus.NO_DATA
    elif math.isnan(actual):  # no reader gives one; a decimal NaN raises when compared
        return KPIStatus.RED  # as the float comparisons read it (until 2026-12-07)
    return _clear_rag(kpi, actual, rules) or _exact_rag(kpi, actual, rules)


#: how far an exact difference of the decimals as shown (``_typed``) may be from the
#: float one ``_clear_rag`` takes, relative to the sum of the magnitudes of the numbers
#: in it: each number's rounding to 15 digits (5e-15 of it) and to a float and back, then
#: the floats' own roundings (2**-53 each, three to five of them): 6e-15 at most, 2**-45
#: (2.8e-14) is more than four times that
_FLOAT_ERROR = 2.0**-45
#: past any error of a subnormal's rounding (2**-1075 each)
_TINY = 1e-300


def _sign(difference: float, magnitude: float) -> int:
    """1 if the exact difference ``difference`` stands for is surely above 0 (the float
    is within ``_FLOAT_ERROR`` x ``magnitude`` of it), -1 surely below, 0 if it may be
    either or a float overflowed (an inf or NaN ``magnitude`` is never sure)."""
    error = _FLOAT_ERROR * magnitude + _TINY
    if not math.isfinite(difference):
        return 0
    if difference > error:
        return 1
    return -1 if difference < -error else 0


def _clear_rag(kpi: KPI, actual: float, rules: ScoringRules) -> KPIStatus | None:
    """``_exact_rag`` where the floats decide it, else None (near an edge, or past a
    float's range): each of its comparisons taken on the floats as they are, with a bound
    of their error (``_sign``) that covers the rounding to 15 digits the decimals have
    (the same comparisons, so they agree: tests/domain/test_kpi_fast.py). That holds for
    a valid KPI and rules, as the reader and the config make them (lower <= upper, a
    finite tolerance, 0 or more), the only ones tested: with an infinite or NaN tolerance
    the decimals raise InvalidOperation (0 x inf, a NaN compared) where the floats may
    decide."""
    tolerance = float(rules.kpi_tolerance)
    if kpi.direction is Direction.RANGE:
        assert kpi.lower is not None and kpi.upper is not None
        edge = _edge(kpi, actual)  # rounding is monotonic: inside, so inside as shown
        if edge is None:
            return KPIStatus.GREEN
        outside = abs(actual - edge)
        scale = abs(actual) + abs(edge) + EPSILON
        green = _sign(outside - EPSILON, scale)
        if green <= 0:
            return KPIStatus.GREEN if green else None
        if kpi.amber_threshold is not None:
            width = float(kpi.amber_threshold)
            widths = abs(width)
        else:
            width = tolerance * (kpi.upper - kpi.lower)
            widths = abs(tolerance) * (abs(kpi.upper) + abs(kpi.lower))
        amber = _sign(outside - width - EPSILON, scale + widths)
        return None if not amber else KPIStatus.AMBER if amber < 0 else KPIStatus.RED
    assert kpi.target is not None
    target = float(kpi.target)
    if actual >= target if kpi.direction is Direction.HIGHER else actual <= target:
        return KPIStatus.GREEN  # rounding is monotonic: at or past it, so as shown
    better = 1.0 if kpi.direction is Direction.HIGHER else -1.0  # better * (actual - x) >= 0
    green = _sign(better * (actual - target) + EPSILON, abs(actual) + abs(target) + EPSILON)
    if green >= 0:
        return KPIStatus.GREEN if green else None
    if kpi.amber_threshold is not None:
        edge = float(kpi.amber_threshold)
        edges = abs(edge)
    else:
        edge = target - better * (abs(target) * tolerance)
        edges = abs(target) * (1 + abs(tolerance))
    amber = _sign(better * (actual - edge) + EPSILON, abs(actual) + edges + EPSILON)
    return None if not amber else KPIStatus.AMBER if amber > 0 else KPIStatus.RED


def _exact_rag(kpi: KPI, actual: float, rules: ScoringRules) -> KPIStatus:
    """``rag`` on the decimals as their cells show them (``actual`` not NaN, the KPI's
    numbers there, as ``rag`` checks). The amber edge worked out only off Green."""
    if kpi.direction is Direction.RANGE:
        assert kpi.lower is not None and kpi.upper is not None
        value, lower, upper = _typed(actual), _typed(kpi.lower), _typed(kpi.upper)
        edge = lower if value < lower else upper if value > upper else value
        # copy_abs, not abs(): that one rounds to the thread's decimal context
        outside = _EXACT.subtract(value, edge).copy_abs()
        if outside <= _EPSILON:
            return KPIStatus.GREEN
        width = _EXACT.add(_typed_width(kpi, rules), _EPSILON)
        return KPIStatus.AMBER if outside <= width else KPIStatus.RED
    assert kpi.target is not None
    value, target = _typed(actual), _typed(kpi.target)
    if kpi.direction is Direction.HIGHER:
        value = _EXACT.add(value, _EPSILON)
        if value >= target:
            return KPIStatus.GREEN
        return KPIStatus.AMBER if value >= _typed_edge(kpi, rules, target) else KPIStatus.RED
    value = _EXACT.subtract(value, _EPSILON)
    if value <= target:
        return KPIStatus.GREEN
    return KPIStatus.AMBER if value <= _typed_edge(kpi, rules, target) else KPIStatus.RED


def variance(kpi: KPI, actual: float) -> tuple[float | None, float | None]:
    """(absolute, relative) distance from target; for a range, signed distance outside it
    (negative below, positive above, 0 inside) and its share of the range's width. Both
    finite (``domain/finite.py``). Both of the numbers as typed (``shown.typed_difference``):
    actual 0.9996 against 1 was -0.000399999999999956, in the cell, the export and the
    dry run, until 2026-12-06 (Variance %, until later that day). The status and
    the trend compare the decimals as shown (``rag``, ``trend``): not the variance, which
    shows every difference of two floats (0.30000000000000004 - 0.3 is 4e-17, not 0: a
    test requires it), so a formula's 8,892,677.989999998 at a target of 8,892,677.99 is
    Green and Flat beside -0.000000002 (docs/scoring.md)."""
    if kpi.direction is Direction.RANGE:
        if kpi.lower is None or kpi.upper is None:
            return None, None
        edge = _edge(kpi, actual)
        if edge is None:
            return 0.0, (None if kpi.upper == kpi.lower else 0.0)
        if kpi.upper == kpi.lower:
            return _typed_variance(actual, edge), None
        return _typed_variance(actual, edge), _typed_ratio(actual, edge, kpi.upper, kpi.lower)
    if kpi.target is None:
        return None, None
    diff = _typed_variance(actual, kpi.target)
    if not kpi.target:
        return diff, None
    return diff, _typed_ratio(actual, kpi.target, abs(kpi.target), 0.0)


def _typed_variance(actual: float, target: float) -> float:
    """``actual - target`` as typed (``shown.typed_difference``), clamped to Excel's numbers."""
    return bounded(typed_difference(actual, target))


def _typed_ratio(a: float, b: float, c: float, d: float) -> float:
    """``(a - b) / (c - d)`` (``c != d``) of the differences as typed, so Variance % has
    no more noise than Variance (-0.0004 / 1 is -0.0004, not -0.000399999999999956). A
    difference past a float's range is taken on halves, as ``finite.ratio_of_differences``
    does, that one only, and as typed too: a range from -1e308 to 1e308 and an actual of
    1.0003e308 is 3e304 / 1e308 / 2, 0.00015 (0.00015000000000002698 until 2026-12-06,
    the whole ratio left to binary differences). Clamped to Excel's numbers (a tiny width
    can make it huge)."""
    top, bottom, scale = typed_difference(a, b), typed_difference(c, d), 1.0
    if math.isinf(top):
        top, scale = _half_difference(a, b), 2.0
    if math.isinf(bottom):
        bottom, scale = _half_difference(c, d), scale / 2
    return bounded(top / bottom * scale)  # bottom is not 0: c != d, and so are their halves


def _half_difference(x: float, y: float) -> float:
    """``x / 2 - y / 2`` as typed, of two numbers whose difference overflows (so their
    halves are exact and differ); the binary one if the typed one rounds past the
    largest float."""
    typed = typed_difference(x / 2, y / 2)
    return typed if math.isfinite(typed) else x / 2 - y / 2


def trend(kpi: KPI, actual: float, previous: float | None) -> Trend | None:
    """Improving, Worsening or Flat (within ``EPSILON``) from ``previous`` to ``actual``,
    for a range getting closer to it: the numbers as their cells show them, compared
    exactly (``_typed``), as ``rag`` does, so two that show the same have no trend. Until
    2026-12-07 it compared the floats: a =SUM's 8,892,677.989999998, showing 8,892,677.99,
    read Green at its target of 8,892,677.99 and Worsening from a previous one typed so.
    An infinite or NaN number is compared as a float, as before."""
    if previous is None:
        return None
    actual, previous = float(actual), float(previous)
    if kpi.direction is Direction.RANGE and (kpi.lower is None or kpi.upper is None):
        return None
    if not (math.isfinite(actual) and math.isfinite(previous)):
        return _float_trend(kpi, actual, previous)
    now, before = _typed(actual), _typed(previous)
    if kpi.direction is Direction.RANGE:  # getting closer to the range is improving
        assert kpi.lower is not None and kpi.upper is not None
        bounds = _typed(kpi.lower), _typed(kpi.upper)
        delta = _EXACT.subtract(_typed_outside(before, *bounds), _typed_outside(now, *bounds))
    elif kpi.direction is Direction.HIGHER:
        delta = _EXACT.subtract(now, before)
    else:
        delta = _EXACT.subtract(before, now)
    if delta.copy_abs() <= _EPSILON:
        return Trend.FLAT
    return Trend.IMPROVING if delta > 0 else Trend.WORSENING


def _typed_outside(value: Decimal, lower: Decimal, upper: Decimal) -> Decimal:
    """How far ``value`` is outside [``lower``, ``upper``] (all ``_typed``), exact."""
    if value < lower:
        return _EXACT.subtract(lower, value)
    return _EXACT.subtract(value, upper) if value > upper else Decimal(0)


def _float_trend(kpi: KPI, actual: float, previous: float) -> Trend:
    """``trend`` on the floats, for an infinite or NaN number (its trend until 2026-12-07)."""
    if kpi.direction is Direction.RANGE:
        # taken on halves, whose difference cannot overflow (doubled it may reach inf,
        # which keeps the sign: the trend)
        delta = 2 * (abs(_half_outside(kpi, previous)) - abs(_half_outside(kpi, actual)))
    elif kpi.direction is Direction.HIGHER:
        delta = actual - previous
    else:
        delta = previous - actual
    if abs(delta) <= EPSILON:
        return Trend.FLAT
    return Trend.IMPROVING if delta > 0 else Trend.WORSENING


def is_stale(kpi: KPI, as_of: dt.date, rules: ScoringRules = ScoringRules()) -> bool:
    """Not judged with no As of date. A Frequency in error (``KPI.unread``) is judged
    against the longest window, a year's: read as monthly, which it is not, it would turn
    Stale a month early or late; never judged, it stayed fresh forever (until
    2026-12-07). So it turns Stale when it would under any frequency typed."""
    if kpi.as_of is None:
        return False
    frequency = Frequency.YEARLY if "frequency" in kpi.unread else kpi.frequency
    return (as_of - kpi.as_of).days > frequency.window_days + rules.stale_grace_days


def kpi_status(
    kpi: KPI, *, as_of: dt.date, rules: ScoringRules = ScoringRules(), actual: float | None = None
) -> KPIResult:
    value = kpi.actual if actual is None else actual
    if value is None:
        return KPIResult(kpi, KPIStatus.NO_DATA, None, None, None, None)
    status = rag(kpi, value, rules)
    diff, pct = variance(kpi, value)
    direction = trend(kpi, value, kpi.previous)
    if is_stale(kpi, as_of, rules):
        return KPIResult(kpi, KPIStatus.STALE, status, diff, pct, direction)
    return KPIResult(kpi, status, None, diff, pct, direction)
