"""A 0 in a percent cell is 0 on every scale: a Start of 0% ("from 0% to 40"), a KPI's
actual of 0%, an Amber threshold of 0% on a range say nothing of how the row's other
numbers are typed. Until 2026-12-06 the key-result and KPI link checks (``scales.py``)
took each for a percentage: one said nothing of a real mismatch, another asked for a fix
that would have made a key result Off track."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TypeVar

import pytest

from sheets_sync.domain.models import KPI, Direction, KeyResult, Status, TeamResult
from sheets_sync.domain.team import evaluate_team
from sheets_sync.domain.units import is_percent_unit
from tests.domain.test_scales import kpi
from tests.domain.test_team import AS_OF, PERIOD, kr, team

S = frozenset
Row = TypeVar("Row", KeyResult, KPI)
START = S({"start"})


def findings(result: TeamResult, row_id: str) -> list[str]:
    return [str(f) for f in result.findings if f.row_id == row_id]


def test_a_start_of_zero_percent_does_not_make_a_key_result_a_percentage() -> None:
    """A key result "from 0% to 40" with the 40 typed plain runs from 0 to 40. Fed a
    plain 35 it was told to type the KPI's Actual as 35%, which would have scored it 0.35
    against 40 (Off track, not On track); fed 35% (0.35, 0.0088 against 40) it got no
    warning."""
    kpis = [
        kpi(2, "K1", unit="points", target=40, actual=35),
        kpi(3, "K2", S({"actual"}), unit="%", target=0.4, actual=0.35),
    ]
    krs = [
        kr(3, "KR1", start=0, target=40, current=None, kpi_link="K1", shown_as_percent=START),
        kr(4, "KR2", start=0, target=40, current=None, kpi_link="K2", shown_as_percent=START),
        kr(5, "KR3", start=0, target=0.4, current=None, kpi_link="K1", unit="%",
           shown_as_percent=S({"start", "target"})),
        kr(6, "KR4", start=0, target=0.4, current=None, kpi_link="K1", shown_as_percent=START),
    ]  # fmt: skip
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert [(round(r.score, 5), r.status) for r in result.key_results] == [
        (0.875, Status.ON_TRACK),
        (0.00875, Status.OFF_TRACK),
        (1.0, Status.ACHIEVED),
        (1.0, Status.ACHIEVED),
    ]
    assert {r: findings(result, r) for r in ("KR1", "KR2", "KR3", "KR4")} == {
        "KR1": [],
        "KR2": [
            "sales.xlsx!OKRs!P4: current value comes from KPI Sales/K2, whose actual is 35% "
            "(stored 0.35), but key result KR2 runs from 0% to 40; it is scored as 0.35 "
            "against them: type its Target as a percentage (40%) if it is, or link a KPI on "
            "the key result's scale"
        ],
        "KR3": [  # 0% to 40% is a percentage still, by its 40%
            "sales.xlsx!OKRs!P5: current value comes from KPI Sales/K1, whose actual is the "
            "plain number 35, but key result KR3 runs from 0% to 40%; it is scored as 35 "
            "against them: type the KPI's Actual as a percentage (35%) if it is one, or link "
            "a KPI on the key result's scale"
        ],
        "KR4": [  # 0% to 0.4: its 0% is the one hint of its scale, and 35 is far from 0.4
            "sales.xlsx!OKRs!P6: current value comes from KPI Sales/K1, whose actual is the "
            "plain number 35, but key result KR4 runs from 0% to 0.4; it is scored as 35 "
            "against them: type the KPI's Actual as a percentage (35%) if it is one, or link "
            "a KPI on the key result's scale"
        ],
    }


def test_a_start_of_zero_percent_beside_a_target_up_to_two() -> None:
    """ "From 0% to 1.5" (no unit): 1.5 is 150 % as well as a plain 1.5, as ``whole_beside``
    reads a number up to twice a percentage of 100 %; the 0% is the one hint. Fed a plain
    95 it was scored 95 against 1.5, Achieved, with nothing said (until 2026-12-06)."""
    kpis = [kpi(2, "K1", unit="points", target=100, actual=95)]
    krs = [
        kr(3, "KR1", start=0, target=1.5, current=None, kpi_link="K1", shown_as_percent=START),
        kr(4, "KR2", start=0, target=3, current=None, kpi_link="K1", shown_as_percent=START),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert findings(result, "KR1") == [
        "sales.xlsx!OKRs!P3: current value comes from KPI Sales/K1, whose actual is the "
        "plain number 95, but key result KR1 runs from 0% to 1.5; it is scored as 95 against "
        "them: type the KPI's Actual as a percentage (95%) if it is one, or link a KPI on the "
        "key result's scale"
    ]
    assert findings(result, "KR2") == []  # 0 to 3: a plain 3, as typed


def test_a_kpi_actual_of_zero_percent_is_on_every_scale() -> None:
    """A KPI whose actual is 0 (0%, in a percent cell or in a KPI in %) fed a key result of
    30 to 45, told to type them as 30%, 45%: its score is 0 either way."""
    kpis = [
        kpi(2, "K1", S({"actual"}), unit="deals", target=40, actual=0),
        kpi(3, "K2", unit="%", target=0.05, actual=0),
        kpi(4, "K3", S({"target"}), target=0, actual=0.5, direction=Direction.LOWER),
    ]
    krs = [
        kr(3, "KR1", start=30, target=45, current=None, kpi_link="K1"),
        kr(4, "KR2", start=30, target=45, current=None, kpi_link="K2"),
        kr(5, "KR3", start=30, target=45, current=None, kpi_link="K3"),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert [r.current_from for r in result.key_results] == ["Sales/K1", "Sales/K2", "Sales/K3"]
    assert [f for f in result.findings if "current value comes" in f.message] == []


def test_an_amber_threshold_of_zero_percent() -> None:
    """On a range, 0% of its width is 0 wide as the value 0 is: it was told to type 0. A
    KPI whose only percent cell beside it is a 0% is no KPI in %, so a 10% there is still
    warned about. On a target other than 0, 0% as a tolerance is the target itself and
    the value 0 is not, so the warning stays: 0 deals of a target of 100 is Amber."""
    kpis = [
        kpi(2, "K1", S({"amber_threshold"}), unit="ms", direction=Direction.RANGE, lower=40,
            upper=60, amber_threshold=0, actual=61),
        kpi(3, "K2", S({"amber_threshold"}), unit="deals", target=0, amber_threshold=0,
            actual=0),
        kpi(4, "K3", S({"amber_threshold", "actual"}), unit="deals", target=100,
            amber_threshold=0.1, actual=0),
        kpi(5, "K4", S({"amber_threshold"}), unit="deals", target=100, amber_threshold=0,
            actual=50),
    ]  # fmt: skip
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR2")], kpis), period=PERIOD, as_of=AS_OF)
    assert {k.id: findings(result, k.id) for k in kpis} == {
        "K1": [],
        "K2": [],
        "K3": [
            "sales.xlsx!KPIs!K4: Amber threshold 10% (stored 0.1) is a percentage, but KPI K3 "
            "is counted in 'deals', so its amber band ends at 0.1; type the worst value still "
            "Amber (90 for 10% below the target 100), or leave it blank for the workspace's "
            "kpi_tolerance"
        ],
        "K4": [
            "sales.xlsx!KPIs!K5: Amber threshold 0% (stored 0) is a percentage, but KPI K4 is "
            "counted in 'deals', so its amber band ends at 0; type the worst value still Amber "
            "(100 for 0% below the target 100), or leave it blank for the workspace's "
            "kpi_tolerance"
        ],
    }


def _plain_zeros(item: Row) -> Row:
    """The same row with its 0s in plain cells."""
    return replace(item, shown_as_percent=S(f for f in item.shown_as_percent if getattr(item, f)))


def _as_plain(message: str) -> str | None:
    """What a finding says with its 0s in plain cells: the same but for the one 0% read
    otherwise than a plain 0 (``test_an_amber_threshold_of_zero_percent``)."""
    if message.startswith("Amber threshold 0%"):
        return None
    return message.split("; 0% is a percentage", maxsplit=1)[0]


def _zero_shown(message: str) -> str:
    """A message quotes a key result's span as its cells show it: 0% or 0, both 0."""
    return re.sub(r"(?<![\d.])0%(?=[ ;,)])", "0", message)


def _subsets(fields: Iterable[str]) -> list[frozenset[str]]:
    fields = tuple(fields)
    return [S(c) for n in range(len(fields) + 1) for c in itertools.combinations(fields, n)]


def _zero_percent_hints(item: KeyResult) -> bool:
    """A key result whose only percent cells among Start and Target are 0%, beside numbers
    that may be fractions (0 to 2: 200 %) and no unit %: its 0% is the one hint of its scale, so it
    is a percentage fed a plain number (``test_a_start_of_zero_percent...``), a plain 0 not."""
    bounds = [(f, v) for f in ("start", "target") if (v := getattr(item, f)) is not None]
    shown = [v for f, v in bounds if f in item.shown_as_percent]
    return (
        bool(shown)
        and not any(shown)
        and all(abs(v) <= 2 for _, v in bounds)
        and not is_percent_unit(item.unit)
    )


def _same_with_plain_zeros(krs: list[KeyResult], kpis: list[KPI]) -> None:
    typed = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    plain = evaluate_team(
        team([_plain_zeros(k) for k in krs], [_plain_zeros(k) for k in kpis]),
        period=PERIOD,
        as_of=AS_OF,
    )
    hinted = {k.id for k in krs if _zero_percent_hints(k)}
    said = [
        f"{f.location}: {m}"
        for f in typed.findings
        if (m := _as_plain(f.message))
        and not (f.row_id in hinted and "whose actual is the plain number" in m)
    ]
    # a plain 0 to 1.5 fed a percentage is told to type its 1.5 as one; by its 0% it is one
    plain_said = [
        str(f)
        for f in plain.findings
        if not (f.row_id in hinted and re.search(r"whose actual is [\d.]+% \(stored", f.message))
    ]
    assert [_zero_shown(m) for m in said] == [_zero_shown(m) for m in plain_said]
    assert [(r.score, r.status) for r in typed.key_results] == [
        (r.score, r.status) for r in plain.key_results
    ]
    assert [k.status for k in typed.kpis] == [k.status for k in plain.kpis]


#: key results of 0 or 10 to 0.4, 1.5 or 40 (0.1 to 0: lower is better), a current of none
#: (fed from the KPI), 0, 0.2 or 20, no unit, deals or %, each subset in percent cells
KRS = [
    kr(3 + i, f"KR{i}", start=start, target=target, current=current, unit=unit,
       kpi_link="K1", shown_as_percent=shown)
    for i, ((start, target), current, unit, shown) in enumerate(
        itertools.product(
            ((0, 0.4), (0, 1.5), (0, 40), (10, 40), (0.1, 0)), (None, 0, 0.2, 20),
            (None, "deals", "%"), _subsets(("start", "target", "current")),
        )
    )
]  # fmt: skip
BOUNDS = [
    (Direction.HIGHER, {"target": 0.4}),
    (Direction.HIGHER, {"target": 40}),
    (Direction.HIGHER, {"target": 0}),
    (Direction.LOWER, {"target": 0}),
    (Direction.LOWER, {"target": 24}),
    (Direction.RANGE, {"lower": 0, "upper": 0.5}),
    (Direction.RANGE, {"lower": 0, "upper": 50}),
]


def test_key_results_read_a_zero_percent_as_a_plain_zero() -> None:
    """Every key result of ``KRS``: findings, scores and statuses are the same with every
    0 among its numbers in a plain cell."""
    _same_with_plain_zeros(KRS, [kpi(2, "K1", unit="points", target=40, actual=35)])


@pytest.mark.parametrize(("direction", "bounds"), BOUNDS)
def test_key_results_fed_from_a_kpi_read_a_zero_percent_as_a_plain_zero(
    direction: Direction, bounds: dict[str, float]
) -> None:
    """Every key result of ``KRS`` fed from a KPI (a blank current, or one of 0 beside an
    actual of 0) with an actual of 0, 0.35 or 35 (no unit or %), each subset of its
    numbers in percent cells: the same."""
    fed = [k for k in KRS if k.current is None or k.current == 0]
    for actual, unit in itertools.product((0, 0.35, 35), (None, "%")):
        for shown in _subsets([*bounds, "actual"]):
            one = kpi(2, "K1", shown, unit=unit, direction=direction, actual=actual, **bounds)
            _same_with_plain_zeros(fed, [one])


@pytest.mark.parametrize(("direction", "bounds"), BOUNDS)
def test_kpis_read_a_zero_percent_as_a_plain_zero(
    direction: Direction, bounds: dict[str, float]
) -> None:
    """Every KPI with an actual of 0, 0.35 or 35, an Amber threshold of none, 0 or 0.1, a
    previous of 0 (no unit, deals or %), each subset of its numbers in percent cells: the
    same, but for an Amber threshold of 0% beside a target other than 0."""
    kpis = [
        kpi(2 + i, f"K{i}", shown, unit=unit, direction=direction, actual=actual,
            amber_threshold=amber, previous=0, **bounds)
        for i, (actual, amber, unit, shown) in enumerate(
            itertools.product(
                (0, 0.35, 35), (None, 0, 0.1), (None, "deals", "%"),
                _subsets([*bounds, "amber_threshold", "actual", "previous"]),
            )
        )
    ]  # fmt: skip
    _same_with_plain_zeros([kr(3, "KR1"), kr(4, "KR2")], kpis)
