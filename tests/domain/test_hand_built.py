"""Domain objects built by hand, as a program that scores a team of its own does: an enum
field given as its text (``type="number"``, what a YAML or JSON source holds) is that
member, and a text that is no member is a ``ConfigError`` naming the field, not a key
result silently scored as another type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from sheets_sync.domain.models import (
    KPI,
    Category,
    CompanyObjective,
    Direction,
    Finding,
    Frequency,
    KeyResult,
    KRType,
    Objective,
    ObjectiveType,
    Period,
    Severity,
    TeamInput,
)
from sheets_sync.domain.team import evaluate_team
from sheets_sync.errors import ConfigError

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _score(kr: KeyResult) -> float | None:
    team = TeamInput("Sales", "hand", objectives=(Objective("O1", "Grow"),), key_results=(kr,))
    (objective,) = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15)).objectives
    return objective.score


def test_a_type_given_as_text_scores_as_that_type() -> None:
    """``type="number"`` was scored as a milestone (``kr.type is KRType.NUMBER`` was
    false): 50 of 100 scored 1.0, done, not 0.5."""
    by_member = KeyResult("O1", "KR1", type=KRType.NUMBER, start=0, target=100, current=50)
    by_text = KeyResult("O1", "KR1", type="number", start=0, target=100, current=50)  # type: ignore[arg-type]
    assert by_text.type is KRType.NUMBER
    assert _score(by_text) == _score(by_member) == 0.5


def test_every_enum_field_given_as_text_is_its_member() -> None:
    objective = Objective("O1", "Grow", type="aspirational")  # type: ignore[arg-type]
    kpi = KPI("K1", category="lagging", frequency="weekly", direction="lower")  # type: ignore[arg-type]
    assert objective.type is ObjectiveType.ASPIRATIONAL
    assert kpi.category is Category.LAGGING
    assert kpi.frequency is Frequency.WEEKLY
    assert kpi.direction is Direction.LOWER
    assert KPI("K2").category is None  # optional: None stays None


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: KeyResult("O1", "KR1", type="percent"),  # type: ignore[arg-type]
            "KeyResult.type: 'percent' is not one of number, at_least, at_most, milestone",
        ),
        (
            lambda: Objective("O1", "Grow", type="Committed"),  # type: ignore[arg-type]
            "Objective.type: 'Committed' is not one of committed, aspirational",
        ),
        (
            lambda: KPI("K1", direction=None),  # type: ignore[arg-type]
            "KPI.direction: None is not one of higher, lower, range",
        ),
    ],
)
def test_a_text_that_is_no_member_is_a_config_error(build: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build()  # type: ignore[operator]
    assert str(caught.value) == message


def test_a_finding_given_its_severity_as_text_is_that_severity() -> None:
    """``Finding("error", ...)`` counted as a warning (``is_error`` compares the member by
    identity), and the report's ``f.severity.value`` was an AttributeError on the text."""
    finding = Finding("error", "Target is missing", "sales.xlsx", "OKRs", "F7")  # type: ignore[arg-type]
    assert finding.severity is Severity.ERROR
    assert finding.is_error
    assert Finding("warning", "late", "sales.xlsx").severity is Severity.WARNING  # type: ignore[arg-type]
    team = TeamInput("Sales", "hand", objectives=(Objective("O1", "Grow"),), findings=(finding,))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    assert [f.severity.value for f in result.findings if f.is_error] == ["error"]


def test_a_finding_severity_that_is_no_member_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        Finding("fatal", "bad", "sales.xlsx")  # type: ignore[arg-type]
    assert str(caught.value) == "Finding.severity: 'fatal' is not one of error, warning"


def test_a_period_that_ends_before_it_starts_is_a_config_error() -> None:
    """It was taken, and every key result expected at its target (until 2026-12-07)."""
    with pytest.raises(ConfigError) as caught:
        Period("2026-Q4", dt.date(2026, 12, 31), dt.date(2026, 10, 1))
    assert str(caught.value) == "Period 2026-Q4: end 2026-10-01 is before start 2026-12-31"
    with pytest.raises(ConfigError, match=r"^Period\.start: '2026-10-01' is not a date"):
        Period("2026-Q4", "2026-10-01", dt.date(2026, 12, 31))  # type: ignore[arg-type]
    assert Period("day", dt.date(2026, 10, 1), dt.date(2026, 10, 1)).end == dt.date(2026, 10, 1)


NOT_FINITE = [float("nan"), float("inf"), -float("inf")]


@pytest.mark.parametrize("value", NOT_FINITE)
@pytest.mark.parametrize("name", ["start", "target", "current"])
def test_a_key_result_number_that_is_not_finite_is_a_config_error(name: str, value: float) -> None:
    """A NaN or infinite target scored 0.0 with no finding (until 2026-12-07)."""
    numbers: dict[str, float] = {"start": 0.0, "target": 100.0, "current": 50.0, name: value}
    with pytest.raises(ConfigError) as caught:
        KeyResult("O1", "KR1", **numbers)  # type: ignore[arg-type]
    assert str(caught.value) == f"KeyResult.{name}: {value} is not a finite number"


@pytest.mark.parametrize("value", NOT_FINITE)
@pytest.mark.parametrize("name", ["weight", "confidence"])
def test_a_key_result_weight_or_confidence_that_is_not_finite_is_a_config_error(
    name: str, value: float
) -> None:
    """A NaN or infinite weight made its objective's score NaN (until 2026-12-07): refused
    as ``target`` is, naming the field."""
    with pytest.raises(ConfigError) as caught:
        KeyResult("O1", "KR1", start=0, target=100, current=50, **{name: value})  # type: ignore[arg-type]
    assert str(caught.value) == f"KeyResult.{name}: {value} is not a finite number"


def test_a_text_weight_does_not_hide_a_nan_target() -> None:
    with pytest.raises(ConfigError, match=r"^KeyResult\.target: nan is not a finite number$"):
        KeyResult("O1", "KR1", target=float("nan"), weight="2")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value"),
    [("weight", None), ("weight", "2"), ("confidence", "70%"), ("target", "100")],
)
def test_a_key_result_number_that_is_no_number_is_a_config_error(name: str, value: object) -> None:
    """A text or None weight (a text confidence) was a bare TypeError from
    ``evaluate_team``, far from the field (until 2026-12-07): refused as ``type`` is."""
    numbers: dict[str, object] = {"start": 0.0, "target": 100.0, "current": 50.0, name: value}
    with pytest.raises(ConfigError) as caught:
        KeyResult("O1", "KR1", **numbers)  # type: ignore[arg-type]
    assert str(caught.value) == f"KeyResult.{name}: {value!r} is not a number (an int or a float)"


def test_a_none_weight_is_refused_and_whole_numbers_are_kept() -> None:
    """The reviewer's case: ``weight=None`` reached ``evaluate_team`` (``kr.weight < 0``)."""
    with pytest.raises(ConfigError, match=r"^KeyResult\.weight: None is not a number"):
        KeyResult("O1", "KR1", start=0.0, target=10.0, current=5.0, weight=None)  # type: ignore[arg-type]
    kr = KeyResult("O1", "KR1", start=0, target=10, current=5, weight=2, confidence=None)
    assert (kr.weight, kr.confidence) == (2, None)


@pytest.mark.parametrize(
    "value",
    [np.float32("nan"), np.float64("inf"), Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN")],
    ids=repr,
)
@pytest.mark.parametrize("name", ["target", "weight", "confidence"])
def test_a_numpy_or_decimal_number_that_is_not_finite_is_a_config_error(
    name: str, value: object
) -> None:
    """Only a ``float`` was looked at: numpy's float32 NaN and ``Decimal('NaN')`` passed
    (until 2026-12-07)."""
    numbers: dict[str, object] = {"start": 0.0, "target": 100.0, "current": 50.0, name: value}
    with pytest.raises(ConfigError) as caught:
        KeyResult("O1", "KR1", **numbers)  # type: ignore[arg-type]
    assert str(caught.value) == f"KeyResult.{name}: {value} is not a finite number"


@pytest.mark.parametrize("value", [np.float32("nan"), Decimal("NaN")], ids=repr)
def test_a_kpi_numpy_or_decimal_nan_is_a_config_error(value: object) -> None:
    with pytest.raises(ConfigError, match=r"^KPI\.actual: .* is not a finite number$"):
        KPI("K1", target=10.0, actual=value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["5", Decimal(5)], ids=repr)
@pytest.mark.parametrize("name", ["target", "actual", "amber_threshold"])
def test_a_kpi_number_that_is_no_number_is_a_config_error(name: str, value: object) -> None:
    """A text or ``Decimal`` KPI number was a bare TypeError from ``evaluate_team``
    (until 2026-12-07): refused as a key result's is."""
    numbers: dict[str, object] = {"target": 10.0, "actual": 5.0, name: value}
    with pytest.raises(ConfigError) as caught:
        KPI("K1", **numbers)  # type: ignore[arg-type]
    assert str(caught.value) == f"KPI.{name}: {value!r} is not a number (an int or a float)"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (
            lambda: KeyResult("O1", "KR1", start=0, target=10**400, current=10**399),
            "KeyResult.target",
        ),
        (lambda: KeyResult("O1", "KR1", target=100, weight=10**5000), "KeyResult.weight"),
        (lambda: KPI("K1", target=10.0, actual=-(10**400)), "KPI.actual"),
    ],
    ids=["kr target", "kr weight past str's digits", "kpi actual"],
)
def test_an_int_too_large_for_a_float_is_a_config_error(build: object, field: str) -> None:
    """An OverflowError from ``evaluate_team`` until 2026-12-07."""
    with pytest.raises(ConfigError) as caught:
        build()  # type: ignore[operator]
    assert str(caught.value) == f"{field}: a number too large for a float (over 1.8e308)"
    assert KeyResult("O1", "KR1", target=10**300).target == 10**300  # a big one is kept


def test_a_finite_weight_and_confidence_are_kept() -> None:
    kr = KeyResult("O1", "KR1", target=100, weight=1e308, confidence=0.7)
    assert (kr.weight, kr.confidence) == (1e308, 0.7)
    assert KeyResult("O1", "KR1", confidence=None).confidence is None


@pytest.mark.parametrize("value", NOT_FINITE)
@pytest.mark.parametrize(
    "name", ["target", "lower", "upper", "amber_threshold", "actual", "previous"]
)
def test_a_kpi_number_that_is_not_finite_is_a_config_error(name: str, value: float) -> None:
    with pytest.raises(ConfigError) as caught:
        KPI("K1", **{name: value})  # type: ignore[arg-type]
    assert str(caught.value) == f"KPI.{name}: {value} is not a finite number"


@pytest.mark.parametrize("value", NOT_FINITE)
def test_a_company_objective_weight_that_is_not_finite_is_a_config_error(value: float) -> None:
    """A NaN or infinite weight went into the rollup's Company objectives table as is
    (until 2026-12-07); the workspace's YAML refuses it (``config_models``), a hand-built
    one now too, as a key result's."""
    with pytest.raises(ConfigError) as caught:
        CompanyObjective("C1", "Grow", value)
    assert str(caught.value) == f"CompanyObjective.weight: {value} is not a finite number"
    assert CompanyObjective("C1", "Grow", 1e308).weight == 1e308


def test_finite_and_missing_numbers_are_kept() -> None:
    kr = KeyResult("O1", "KR1", start=0, target=1e308, current=None)
    assert (kr.start, kr.target, kr.current) == (0, 1e308, None)
    assert KPI("K1", target=-1e308, actual=5).actual == 5


def test_evaluate_team_takes_a_datetimes_day_and_refuses_what_is_no_date() -> None:
    """A datetime ``as_of`` was a TypeError (``datetime - date``) (until 2026-12-07)."""
    kr = KeyResult("O1", "KR1", start=0, target=100, current=50)
    team = TeamInput("Sales", "hand", objectives=(Objective("O1", "Grow"),), key_results=(kr,))
    by_day = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    by_time = evaluate_team(team, period=PERIOD, as_of=dt.datetime(2026, 11, 15, 23, 59))
    assert by_time == by_day
    with pytest.raises(ConfigError, match=r"^as_of: '2026-11-15' is not a date"):
        evaluate_team(team, period=PERIOD, as_of="2026-11-15")  # type: ignore[arg-type]
