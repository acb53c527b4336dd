"""Properties every scoring rule must keep, whatever numbers teams type."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import assume, example, given
from hypothesis import strategies as st

from sheets_sync.domain.models import KeyResult, KRType, Objective, Period
from sheets_sync.domain.scoring import score_key_result, score_objective, weighted_mean

PERIOD = Period("Q", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=dt.date(2026, 9, 1), max_value=dt.date(2027, 2, 1))


def score(start: float, target: float, current: float, as_of: dt.date = PERIOD.end) -> float:
    kr = KeyResult("O", "K", start=start, target=target, current=current)
    return score_key_result(kr, period=PERIOD, as_of=as_of).score


@given(finite, finite, finite, dates)
def test_score_is_always_between_0_and_1(
    start: float, target: float, current: float, as_of: dt.date
) -> None:
    assume(abs(target - start) > 1e-6)
    assert 0.0 <= score(start, target, current, as_of) <= 1.0


@given(finite, finite, finite, finite)
def test_score_is_monotone_towards_the_target(
    start: float, target: float, a: float, b: float
) -> None:
    assume(abs(target - start) > 1e-6)
    closer, further = sorted((a, b), reverse=target > start)
    # moving current towards the target never lowers the score
    assert score(start, target, closer) >= score(start, target, further) - 1e-12


@given(finite, finite, finite)
def test_decreasing_metric_mirrors_increasing(start: float, target: float, current: float) -> None:
    assume(abs(target - start) > 1e-6)
    # reflecting every value (x -> -x) turns an increase into a decrease with the same score
    assert abs(score(start, target, current) - score(-start, -target, -current)) < 1e-9


@given(st.lists(st.tuples(st.floats(0, 200), st.floats(0.01, 10)), min_size=1, max_size=8))
def test_objective_score_between_min_and_max_kr(krs: list[tuple[float, float]]) -> None:
    results = [
        score_key_result(
            KeyResult("O", f"K{i}", start=0, target=100, current=c, weight=w),
            period=PERIOD,
            as_of=PERIOD.end,
        )
        for i, (c, w) in enumerate(krs)
    ]
    objective = score_objective(Objective("O", "t"), results, period=PERIOD, as_of=PERIOD.end)
    assert objective.score is not None
    low, high = min(r.score for r in results), max(r.score for r in results)
    assert low - 1e-9 <= objective.score <= high + 1e-9


@given(st.sampled_from([KRType.AT_LEAST, KRType.AT_MOST]), finite, finite)
def test_threshold_krs_score_only_0_or_1(kind: KRType, target: float, current: float) -> None:
    kr = KeyResult("O", "K", type=kind, target=target, current=current)
    assert score_key_result(kr, period=PERIOD, as_of=PERIOD.end).score in (0.0, 1.0)


@given(dates, dates)
def test_expected_pace_never_decreases_over_time(a: dt.date, b: dt.date) -> None:
    early, late = sorted((a, b))
    kr = KeyResult("O", "K", start=0, target=1, current=0)
    e1 = score_key_result(kr, period=PERIOD, as_of=early).expected
    e2 = score_key_result(kr, period=PERIOD, as_of=late).expected
    assert 0.0 <= e1 <= e2 <= 1.0


# no subnormal score x weight products below: their rounding is not scale-free
scores01 = st.floats(0, 1).filter(lambda v: v == 0 or v >= 2**-60)
weights = st.floats(min_value=0.5, max_value=2.0, exclude_max=True)


@given(st.lists(st.tuples(scores01, weights), min_size=1, max_size=8), st.integers(-900, 1023))
@example([(1.0, 1.0), (0.0, 1.0)], 1023)  # two weights of 2**1023 (~9e307)
def test_weighted_mean_ignores_the_weights_scale(pairs: list[tuple[float, float]], k: int) -> None:
    """Weights times a power of two (up to 2**1023: the largest float is just under 2**1024) give
    the same mean, bit for bit: two weights of 1e308 added up to inf (a NaN score)."""
    scaled = [(v, math.ldexp(w, k)) for v, w in pairs]
    assert weighted_mean(scaled) == weighted_mean(pairs)


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(1e-3, 1e3)), min_size=1, max_size=8))
@example([(5e-324, 1.0)])  # scaled to 0.5, the product rounded to 0
def test_weighted_mean_of_normal_weights_is_the_plain_formula(
    pairs: list[tuple[float, float]],
) -> None:
    """Scaling the weights changed no result of normal weights, not even its last bit. The
    formula is the one mean's (docs/rollup.md): correctly rounded sums, not in-order ones."""
    plain = math.fsum(v * w for v, w in pairs) / math.fsum(w for _, w in pairs)
    assert weighted_mean(pairs) == plain
