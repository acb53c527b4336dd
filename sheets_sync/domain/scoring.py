"""Key-result and objective scores, pace and status (rules in docs/scoring.md).

Inputs here are already validated (``validate.py``): a number KR has start != target,
weights are >= 0. Everything is a pure function of its arguments.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

from sheets_sync.domain.finite import ratio_of_differences
from sheets_sync.domain.models import (
    Band,
    KeyResult,
    KRResult,
    KRType,
    Objective,
    ObjectiveResult,
    ObjectiveType,
    Period,
    Status,
)
from sheets_sync.domain.rules import EPSILON, ScoringRules


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    return min(high, max(low, value))


def band(score: float, rules: ScoringRules = ScoringRules()) -> Band:
    if score + EPSILON >= rules.green:
        return Band.GREEN
    if score + EPSILON >= rules.yellow:
        return Band.YELLOW
    return Band.RED


def ambition(objective_type: ObjectiveType, rules: ScoringRules = ScoringRules()) -> float:
    if objective_type is ObjectiveType.ASPIRATIONAL:
        return rules.aspirational_ambition
    return rules.committed_ambition


def progress(kr: KeyResult, current: float) -> float:
    """Uncapped progress: 1.3 means 30 % past the target. Decreasing metrics work unchanged.
    Always finite: past Excel's range (±9.99999999999999E+307) it is clamped to it
    (``domain/finite.py``)."""
    if kr.type is KRType.NUMBER:
        assert kr.start is not None and kr.target is not None
        return ratio_of_differences(current, kr.start, kr.target, kr.start)
    if kr.type is KRType.AT_LEAST:
        assert kr.target is not None
        return 1.0 if current + EPSILON >= kr.target else 0.0
    if kr.type is KRType.AT_MOST:
        assert kr.target is not None
        return 1.0 if current - EPSILON <= kr.target else 0.0
    return 1.0 if current >= 0.5 else 0.0  # milestone: parse_done gives 1.0 or 0.0


def pace_status(score: float, expected: float, rules: ScoringRules = ScoringRules()) -> Status:
    if score + EPSILON >= 1.0:
        return Status.ACHIEVED
    if score + EPSILON >= expected - rules.on_track_margin:
        return Status.ON_TRACK
    if score + EPSILON >= expected - rules.at_risk_margin:
        return Status.AT_RISK
    return Status.OFF_TRACK


def expected_score(
    period: Period,
    as_of: dt.date,
    objective_type: ObjectiveType,
    due: dt.date | None = None,
    rules: ScoringRules = ScoringRules(),
) -> float:
    """Where a linear plan would be today: elapsed share of the period x ambition."""
    return period.elapsed_fraction(as_of, due) * ambition(objective_type, rules)


def score_key_result(
    kr: KeyResult,
    *,
    period: Period,
    as_of: dt.date,
    objective_type: ObjectiveType = ObjectiveType.COMMITTED,
    rules: ScoringRules = ScoringRules(),
    current: float | None = None,
    current_from: str | None = None,
) -> KRResult:
    """Score one KR; ``current`` overrides the sheet's value (a KR fed from a KPI)."""
    value = kr.current if current is None else current
    expected = expected_score(period, as_of, objective_type, kr.due, rules)
    if value is None:
        return KRResult(kr, 0.0, None, expected, Status.NO_DATA, Band.RED, None, current_from)
    raw = progress(kr, value)
    score = clamp(raw)
    return KRResult(
        kr,
        score,
        raw,
        expected,
        pace_status(score, expected, rules),
        band(score, rules),
        value,
        current_from,
    )


#: Largest weights in this range are summed as they are: no sum of them overflows and
#: no score x weight underflows, so ordinary weights keep their results to the last bit.
_PLAIN_WEIGHTS = (2.0**-500, 2.0**500)


def weight_exponent(largest: float) -> int:
    """The power of two to divide weights by before they are summed, given the largest:
    0 (none) in ``_PLAIN_WEIGHTS``, and for 0, inf and NaN; else the one that brings the
    largest into [0.5, 1), so huge weights cannot add up to inf (two of 1e308 made a NaN
    score) nor tiny ones round to 0. Dividing by a power of two is exact: the weights'
    ratios stay as they were. The burn-up (``rollup/nights.py``) scales with it too."""
    low, high = _PLAIN_WEIGHTS
    return 0 if low <= largest <= high else math.frexp(largest)[1]


def weighted_mean(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None when there is no weight at all. Weights are
    scaled by ``weight_exponent`` first: any finite weights give the right mean.

    The one mean of the project (docs/rollup.md, "One mean"): ``fsum(w*v) / fsum(w)``,
    both sums correctly rounded and so free of the values' order, ``mean`` with weights
    1. An objective's score, the Summary's averages, the totals, company objectives and
    the Trends means all take it, so none of them can differ in the 15th digit as an
    in-order sum, pandas' pairwise ``mean`` and a compensated ``groupby().sum()`` did."""
    weights = [w for _, w in pairs]
    shift = -weight_exponent(max(weights, default=0.0))
    # plain weights (most) need no scaling: ldexp by 0 is the weight itself
    if shift:
        weights = [math.ldexp(w, shift) for w in weights]
    total = _fsum(weights)
    if total <= 0:
        return None
    return _fsum([v * w for (v, _), w in zip(pairs, weights, strict=True)]) / total


def _fsum(terms: Iterable[float]) -> float:
    """``math.fsum``, but what ``sum`` gives where it raises: NaN for inf + -inf, and
    +-inf for a total past the largest float (a hand-edited history score of 1e308 made
    the Trends means raise OverflowError, which no step turned into a message)."""
    listed = terms if isinstance(terms, list) else list(terms)
    try:
        return math.fsum(listed)
    except ValueError:
        return math.nan
    except OverflowError:
        return sum(listed)


def mean(values: Iterable[float]) -> float | None:
    """``weighted_mean`` with every weight 1: ``fsum(values) / n``; None of no values.
    Summed as that sums (``v * 1.0``, ``n`` ones adding up to ``n``) without making a
    pair a value: a night's company mean of 10,000 KR scores (``rollup/nights.py``)."""
    terms = [v * 1.0 for v in values]
    return _fsum(terms) / len(terms) if terms else None


def score_objective(
    objective: Objective,
    key_results: Sequence[KRResult],
    *,
    period: Period,
    as_of: dt.date,
    rules: ScoringRules = ScoringRules(),
) -> ObjectiveResult:
    expected = expected_score(period, as_of, objective.type, None, rules)
    score = weighted_mean([(r.score, r.kr.weight) for r in key_results])
    # a KR of weight 0 does not count, so its data does not make the others' count either
    counted = [r for r in key_results if r.kr.weight != 0]
    if score is None or all(r.status is Status.NO_DATA for r in counted):
        return ObjectiveResult(
            objective,
            tuple(key_results),
            score,
            expected,
            Status.NO_DATA,
            None if score is None else band(score, rules),
        )
    return ObjectiveResult(
        objective,
        tuple(key_results),
        score,
        expected,
        pace_status(score, expected, rules),
        band(score, rules),
    )


def net_confidence(results: Sequence[KRResult]) -> float | None:
    """Share of KRs on track or achieved minus share off track (-1..1)."""
    if not results:
        return None
    good = sum(r.status in (Status.ON_TRACK, Status.ACHIEVED) for r in results)
    bad = sum(r.status is Status.OFF_TRACK for r in results)
    return (good - bad) / len(results)
