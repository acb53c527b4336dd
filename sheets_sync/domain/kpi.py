"""KPI status against target (red/amber/green), staleness, variance and trend."""

from __future__ import annotations

import datetime as dt

from sheets_sync.domain.models import KPI, Direction, KPIResult, KPIStatus, Trend
from sheets_sync.domain.rules import EPSILON, ScoringRules


def amber_threshold(kpi: KPI, rules: ScoringRules = ScoringRules()) -> float | None:
    """The edge of the amber band: given, or target -/+ |target| x tolerance.

    For a range KPI it is the width of the amber band on each side of the range.
    """
    if kpi.amber_threshold is not None:
        return kpi.amber_threshold
    if kpi.direction is Direction.RANGE:
        if kpi.lower is None or kpi.upper is None:
            return None
        return rules.kpi_tolerance * (kpi.upper - kpi.lower)
    if kpi.target is None:
        return None
    margin = abs(kpi.target) * rules.kpi_tolerance
    return kpi.target - margin if kpi.direction is Direction.HIGHER else kpi.target + margin


def _outside(kpi: KPI, value: float) -> float:
    """Signed distance outside a range KPI's [lower, upper] (0 inside)."""
    assert kpi.lower is not None and kpi.upper is not None
    if value < kpi.lower:
        return value - kpi.lower
    if value > kpi.upper:
        return value - kpi.upper
    return 0.0


def rag(kpi: KPI, actual: float, rules: ScoringRules = ScoringRules()) -> KPIStatus:
    amber = amber_threshold(kpi, rules)
    if kpi.direction is Direction.RANGE:
        if kpi.lower is None or kpi.upper is None or amber is None:
            return KPIStatus.NO_DATA
        distance = abs(_outside(kpi, actual))
        if distance <= EPSILON:
            return KPIStatus.GREEN
        return KPIStatus.AMBER if distance <= amber + EPSILON else KPIStatus.RED
    if kpi.target is None or amber is None:
        return KPIStatus.NO_DATA
    if kpi.direction is Direction.HIGHER:
        if actual + EPSILON >= kpi.target:
            return KPIStatus.GREEN
        return KPIStatus.AMBER if actual + EPSILON >= amber else KPIStatus.RED
    if actual - EPSILON <= kpi.target:
        return KPIStatus.GREEN
    return KPIStatus.AMBER if actual - EPSILON <= amber else KPIStatus.RED


def variance(kpi: KPI, actual: float) -> tuple[float | None, float | None]:
    """(absolute, relative) distance from target; for a range, signed distance outside it
    (negative below, positive above, 0 inside)."""
    if kpi.direction is Direction.RANGE:
        if kpi.lower is None or kpi.upper is None:
            return None, None
        outside = _outside(kpi, actual)
        width = kpi.upper - kpi.lower
        return outside, (outside / width if width else None)
    if kpi.target is None:
        return None, None
    diff = actual - kpi.target
    return diff, (diff / abs(kpi.target) if kpi.target else None)


def trend(kpi: KPI, actual: float, previous: float | None) -> Trend | None:
    if previous is None:
        return None
    if kpi.direction is Direction.RANGE:
        if kpi.lower is None or kpi.upper is None:
            return None
        now, before = abs(_outside(kpi, actual)), abs(_outside(kpi, previous))
        delta = before - now  # getting closer to the range is improving
    elif kpi.direction is Direction.HIGHER:
        delta = actual - previous
    else:
        delta = previous - actual
    if abs(delta) <= EPSILON:
        return Trend.FLAT
    return Trend.IMPROVING if delta > 0 else Trend.WORSENING


def is_stale(kpi: KPI, as_of: dt.date, rules: ScoringRules = ScoringRules()) -> bool:
    if kpi.as_of is None:
        return False
    return (as_of - kpi.as_of).days > kpi.frequency.window_days + rules.stale_grace_days


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
