"""Key-result scores at their edges, whatever numbers teams type (docs/scoring.md: Key
results, Objectives; DOMAIN.md: progress = (current - start) / (target - start), grades
0.7 green and 0.4 yellow, decreasing metrics scored by the same formula).

``test_scoring_properties.py`` checks bounds and order on floats; these check the cases a
person works out by hand, typed as decimals: a progress of exactly 0.7 or 0.4 gets its
band at any size and either direction, percentages score as the fractions they are, a
target equal to its start is an error on the cell and never a division, and weights
typed as shares or as percentages weigh the same."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from sheets_sync.domain.models import Band, KeyResult, KRType, Period, Status
from sheets_sync.domain.scoring import band, mean, score_key_result, weighted_mean
from sheets_sync.domain.team import evaluate_team
from sheets_sync.domain.values import parse_number
from tests.domain.test_team import kr, team
from tests.support.typed_numbers import typable, typed

PERIOD = Period("Q", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
FAST = settings(max_examples=100, deadline=None)


def scored(start: float, target: float, current: float | None) -> tuple[float, Band, Status]:
    key_result = KeyResult("O", "K", start=start, target=target, current=current)
    result = score_key_result(key_result, period=PERIOD, as_of=PERIOD.end)
    return result.score, result.band, result.status


@FAST
@given(typed(), typed(), st.sampled_from([("0.7", Band.GREEN), ("0.4", Band.YELLOW)]))
@example(Decimal("40"), Decimal("20"), ("0.7", Band.GREEN))  # 40 h -> 20 h, now 26 h
@example(Decimal("0.1"), Decimal("0.2"), ("0.7", Band.GREEN))  # 0.17: 0.6999999999999998
def test_a_progress_of_exactly_a_grade_gets_its_band(
    start: Decimal, target: Decimal, grade: tuple[str, Band]
) -> None:
    """Both directions (target < start is a decreasing metric), any size from 1e-6 to
    1e15, negative values too."""
    share, expected = grade
    current = start + (target - start) * Decimal(share)
    assume(start != target and typable(current))
    assert scored(float(start), float(target), float(current))[1] is expected


@FAST
@given(typed(), typed(), typed())
def test_a_decreasing_metric_scores_as_its_mirror(
    start: Decimal, target: Decimal, current: Decimal
) -> None:
    """Reduce 40 h to 20 h is increase -40 to -20: the same score, band and status."""
    assume(start != target)
    mirror = scored(-float(start), -float(target), -float(current))
    assert scored(float(start), float(target), float(current)) == mirror


@FAST
@given(st.integers(0, 100), st.integers(0, 100), st.integers(0, 150))
def test_percentages_score_as_the_fractions_they_are(start: int, target: int, now: int) -> None:
    """A KR from 30% to 45%, now 40%, scores as 0.3 to 0.45 at 0.4 (the cells as read),
    and as 30 to 45 at 40 typed whole, to the last bits, with the same band and status."""
    assume(start != target)
    as_percent = [parse_number(f"{n}%") for n in (start, target, now)]
    assert as_percent == [n / 100 for n in (start, target, now)]
    p_score, p_band, p_status = scored(*as_percent)  # type: ignore[arg-type]
    w_score, w_band, w_status = scored(start, target, now)
    assert math.isclose(p_score, w_score, rel_tol=1e-12, abs_tol=1e-15)
    assert (p_band, p_status) == (w_band, w_status)


values = st.floats(allow_nan=False, allow_infinity=False)


@FAST
@given(values)
@example(0.0)
@example(-0.0)
@example(5e-324)
@example(1.7976931348623157e308)
def test_a_target_equal_to_its_start_is_an_error_not_a_division(start: float) -> None:
    """Any number, 0 (and -0.0 against 0) and the largest float included: an error on the
    Target cell, the key result left out, the others scored."""
    target = 0.0 if start == 0 else start
    result = evaluate_team(
        team([kr(7, "KR1", start=start, target=target, current=1.0), kr(8, "KR2")]),
        period=PERIOD,
        as_of=PERIOD.end,
    )
    assert [str(f).split(": ")[0] for f in result.errors] == ["sales.xlsx!OKRs!J7"]
    assert "target equals start value" in result.errors[0].message
    assert [r.kr.id for r in result.key_results] == ["KR2"]


@FAST
@given(typed(), typed())
def test_a_blank_current_is_no_data_scored_0(start: Decimal, target: Decimal) -> None:
    assume(start != target)
    assert scored(float(start), float(target), None) == (0.0, Band.RED, Status.NO_DATA)


@FAST
@given(
    st.lists(
        st.tuples(st.floats(0, 1), st.integers(1, 100)),  # a score, a whole percentage
        min_size=1,
        max_size=6,
    )
)
def test_weights_as_shares_or_percentages_weigh_the_same(pairs: list[tuple[float, int]]) -> None:
    """60% and 40% (0.6 and 0.4 in the cells) weigh as 60 and 40 do, and as 6 and 4: only
    the ratios count. Not bit for bit (0.6 is not a binary fraction), but within a
    rounding, so the band is the same away from an edge's last bits."""
    whole = weighted_mean([(s, float(w)) for s, w in pairs])
    shares = weighted_mean([(s, w / 100) for s, w in pairs])
    tenths = weighted_mean([(s, w / 10) for s, w in pairs])
    assert whole is not None and shares is not None and tenths is not None
    assert math.isclose(whole, shares, abs_tol=1e-15)
    assert math.isclose(whole, tenths, abs_tol=1e-15)
    assert band(whole) is band(shares) is band(tenths)


def test_milestones_and_thresholds_are_0_or_1_at_their_edge() -> None:
    """At least 95, at 95: met (1); at most 2, at 2: met; the edge is the better outcome."""
    for kind, target, current, score in [
        (KRType.AT_LEAST, 95.0, 95.0, 1.0),
        (KRType.AT_LEAST, 64262851.8, 64262851.8, 1.0),
        (KRType.AT_LEAST, 64262851.8, 64262851.79, 0.0),
        (KRType.AT_MOST, 2.0, 2.0, 1.0),
        (KRType.AT_MOST, 2.0, 2.01, 0.0),
    ]:
        key_result = KeyResult("O", "K", type=kind, target=target, current=current)
        assert score_key_result(key_result, period=PERIOD, as_of=PERIOD.end).score == score


@pytest.mark.parametrize(
    "values",
    [
        [], [0.5], [0.1, 0.2, 0.3], [-0.0], [-0.0, 0.0], [1e308, 1e308], [math.inf, -math.inf],
        [math.nan, 1.0], [math.inf, 1.0], [3, True, 0.25], [1e-320, 5e-324], [0.1] * 10_001,
        [1e16, 1.0, -1e16],
    ],
)  # fmt: skip
def test_mean_is_weighted_mean_with_weights_one(values: list[float]) -> None:
    """``mean`` sums the values without making (value, 1.0) pairs (2026-12-07), and gives
    what ``weighted_mean`` of those pairs gives, to the bit (NaN as NaN); a finite one is
    also the correctly rounded sum over the count, worked out here, not by either."""
    got, pairs = mean(values), weighted_mean([(v, 1.0) for v in values])
    assert (got is None) == (pairs is None)
    if got is not None and pairs is not None:
        assert got.hex() == pairs.hex() or (math.isnan(got) and math.isnan(pairs))
    if values and all(math.isfinite(v) for v in values):
        try:  # the literal reference: docs/rollup.md's "One mean", weights 1
            reference = math.fsum([v * 1.0 for v in values]) / len(values)
        except OverflowError:  # a sum past the largest float: not a finite case
            return
        assert got is not None and got.hex() == reference.hex()
