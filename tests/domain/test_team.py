"""A team evaluated as a whole: validation errors keep rows out, links feed KRs, lint warns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from sheets_sync.domain.models import (
    KPI,
    Direction,
    KeyResult,
    KRType,
    Objective,
    ObjectiveType,
    Origin,
    Period,
    Severity,
    Status,
    TeamInput,
    TeamResult,
)
from sheets_sync.domain.team import evaluate_team, kpi_index

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
AS_OF = dt.date(2026, 11, 15)
CELLS = {
    "objective_id": "A{r}",
    "kr_id": "E{r}",
    "owner": "G{r}",
    "start": "I{r}",
    "target": "J{r}",
    "current": "K{r}",
    "weight": "M{r}",
    "due": "O{r}",
    "kpi_link": "P{r}",
    "confidence": "N{r}",
    "id": "A{r}",
    "as_of": "N{r}",  # on the KPIs tab
}


def origin(row: int, tab: str = "OKRs") -> Origin:
    return Origin("sales.xlsx", tab, row, {k: v.format(r=row) for k, v in CELLS.items()})


def kr(row: int, kr_id: str, **kw: object) -> KeyResult:
    fields: dict[str, object] = {"start": 0, "target": 100, "current": 50, "owner": "Ann"}
    fields.update(kw)
    return KeyResult("O1", kr_id, origin=origin(row), **fields)  # type: ignore[arg-type]


def team(
    krs: list[KeyResult],
    kpis: Sequence[KPI] = (),
    objectives: list[Objective] | None = None,
    name: str = "Sales",
) -> TeamInput:
    objectives = objectives or [Objective("O1", "Grow", origin=origin(2))]
    return TeamInput(name, "sales.xlsx", tuple(objectives), tuple(krs), tuple(kpis))


def test_target_equal_to_start_is_an_error_on_the_target_cell() -> None:
    result = evaluate_team(
        team([kr(7, "KR1", start=100, target=100), kr(8, "KR2")]), period=PERIOD, as_of=AS_OF
    )
    errors = [str(f) for f in result.errors]
    assert errors == ["sales.xlsx!OKRs!J7: target equals start value (100)"]
    assert [r.kr.id for r in result.key_results] == ["KR2"]  # the bad row is left out


def test_all_zero_weights_is_an_error_on_the_objective() -> None:
    result = evaluate_team(
        team([kr(3, "KR1", weight=0), kr(4, "KR2", weight=0)]), period=PERIOD, as_of=AS_OF
    )
    assert [f.message for f in result.errors] == [
        "every key result of objective O1 has weight 0; give at least one a weight above 0"
    ]
    assert result.objectives[0].score is None
    assert result.objectives[0].status is Status.NO_DATA


def test_zero_weights_beside_a_weighted_key_result_with_errors_say_so() -> None:
    """KR1 (weight 2) has an error and is left out, KR2 and KR3 have weight 0: the
    objective cannot be scored, but "every key result of objective O1 has weight 0" was
    false; the message now names the left-out key results that have a weight."""
    krs = [
        kr(3, "KR1", start=5, target=5, weight=2),
        kr(4, "KR2", weight=0),
        kr(5, "KR3", weight=-1),
        kr(6, "KR4", weight=0),
    ]
    result = evaluate_team(team(krs), period=PERIOD, as_of=AS_OF)
    assert [f.message for f in result.errors] == [  # the objective's row comes first
        "every key result of objective O1 that can be scored has weight 0 (left out for "
        "errors: KR1, KR3); give at least one a weight above 0",
        "target equals start value (5)",
        "weight must be 0 or more, got -1",
    ]
    assert result.objectives[0].score is None


def test_negative_weight_and_unknown_objective() -> None:
    bad = KeyResult("O9", "KR3", start=0, target=1, current=1, owner="x", origin=origin(5))
    result = evaluate_team(
        team([kr(3, "KR1", weight=-1), kr(4, "KR2"), bad]), period=PERIOD, as_of=AS_OF
    )
    assert {str(f) for f in result.errors} == {
        "sales.xlsx!OKRs!M3: weight must be 0 or more, got -1",
        "sales.xlsx!OKRs!A5: key result KR3 points at unknown objective O9",
    }


def test_duplicate_ids() -> None:
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR1")]), period=PERIOD, as_of=AS_OF)
    assert [str(f) for f in result.errors] == ["sales.xlsx!OKRs!E4: duplicate key result ID KR1"]


def test_a_repeated_id_is_left_out_of_scores() -> None:
    """An objective copied with its key results (same IDs, next quarter's numbers) got the
    duplicate error, yet every copy was scored: the objective averaged both quarters and
    the rollup listed KR1 twice (2026-12-05). The repeat is left out, as rows with errors
    are; the first occurrence is scored. The same holds for KPIs."""
    krs = [kr(3, "KR1", current=100), kr(4, "KR2", current=100), kr(5, "KR1", current=0)]
    kpis = [
        KPI("KPI-1", owner="Ann", target=10, actual=10, origin=origin(2, "KPIs")),
        KPI("KPI-1", owner="Ann", target=10, actual=1, origin=origin(3, "KPIs")),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert [str(f) for f in result.errors] == [
        "sales.xlsx!OKRs!E5: duplicate key result ID KR1",
        "sales.xlsx!KPIs!A3: duplicate KPI ID KPI-1",
    ]
    (objective,) = result.objectives
    assert [(k.kr.id, k.kr.origin.row) for k in objective.key_results] == [("KR1", 3), ("KR2", 4)]
    assert objective.score == 1.0
    assert [(k.kpi.id, k.kpi.origin.row) for k in result.kpis] == [("KPI-1", 2)]


def test_kr_fed_from_own_and_other_teams_kpi() -> None:
    cs_kpi = KPI("KPI-2", target=45, actual=41, origin=origin(3, "KPIs"))
    own_kpi = KPI("KPI-1", target=10, actual=5, origin=origin(2, "KPIs"))
    sales = team(
        [
            kr(3, "KR1", current=None, kpi_link="Customer Success/KPI-2"),
            kr(4, "KR2", current=None, kpi_link="KPI-1"),
            kr(5, "KR3", current=40, kpi_link="KPI-1"),
            kr(6, "KR4", current=None, kpi_link="KPI-9"),
        ],
        [own_kpi],
    )
    cs = team([], [cs_kpi], name="Customer Success")
    result = evaluate_team(sales, period=PERIOD, as_of=AS_OF, index=kpi_index([sales, cs]))
    by_id = {r.kr.id: r for r in result.key_results}
    assert by_id["KR1"].current == 41 and by_id["KR1"].current_from == "Customer Success/KPI-2"
    assert by_id["KR2"].current == 5 and by_id["KR2"].current_from == "Sales/KPI-1"
    assert by_id["KR3"].current == 40 and by_id["KR3"].current_from is None
    assert by_id["KR4"].status is Status.NO_DATA
    warnings = {str(f) for f in result.warnings}
    assert (
        "sales.xlsx!OKRs!K5: current value (40) differs from KPI Sales/KPI-1 actual (5); "
        "the sheet's value is used" in warnings
    )
    assert "sales.xlsx!OKRs!P6: KPI link KPI-9 names no KPI (looked for Sales/KPI-9)" in warnings


def test_messages_show_the_numbers_as_typed() -> None:
    """Messages showed 6 significant digits: a current of 1,234,567 "differs from" a KPI
    actual of 1,234,568 read "(1.23457e+06) differs from ... (1.23457e+06)", and a
    target equal to its start "target equals start value (1.23457e+06)"."""
    kpis = [KPI("KPI-1", target=2e6, actual=1_234_568, origin=origin(2, "KPIs"))]
    krs = [
        kr(3, "KR1", target=2e6, current=1_234_567, kpi_link="KPI-1"),
        kr(4, "KR2", start=1_234_567, target=1_234_567, current=0.1),
        kr(5, "KR3", start=0.1, target=0.1, weight=-2.5),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    found = {f.message for f in result.findings}
    assert {
        "current value (1234567) differs from KPI Sales/KPI-1 actual (1234568); "
        "the sheet's value is used",
        "target equals start value (1234567)",
        "target equals start value (0.1)",
        "weight must be 0 or more, got -2.5",
    } <= found


def test_lint_warnings() -> None:
    krs = [kr(3, "KR1", owner=None, due=dt.date(2027, 3, 1))]
    kpis = [KPI("KPI-1", actual=3, origin=origin(2, "KPIs"))]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert all(f.severity is Severity.WARNING for f in result.findings)
    assert {str(f) for f in result.findings} == {
        "sales.xlsx!OKRs!G3: key result KR1 has no owner",
        "sales.xlsx!OKRs!O3: due date 2027-03-01 is outside the period 2026-Q4 "
        "(2026-10-01 to 2026-12-31)",
        "sales.xlsx!OKRs!A2: objective O1 has 1 key result; 2 to 5 keep it focused",
        "sales.xlsx!KPIs!G2: KPI KPI-1 has no owner",
        "sales.xlsx!KPIs!J2: KPI KPI-1 has no target, so it cannot be judged",
        "sales.xlsx!KPIs!N2: KPI KPI-1 has an actual but no As of date, so it is never "
        "judged stale",
    }


def test_invalid_range_kpi_is_left_out() -> None:
    kpi = KPI(
        "KPI-1",
        direction=Direction.RANGE,
        lower=60,
        upper=40,
        actual=50,
        owner="a",
        origin=origin(2, "KPIs"),
    )
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR2")], [kpi]), period=PERIOD, as_of=AS_OF)
    assert result.kpis == ()
    assert [f.message for f in result.errors] == ["upper bound (40) is below the lower bound (60)"]


def test_low_confidence_flagged_and_net_confidence() -> None:
    krs = [
        kr(3, "KR1", current=100),
        kr(4, "KR2", current=0, confidence=0.3),
        kr(5, "KR3", current=45),
    ]
    objectives = [Objective("O1", "Grow", ObjectiveType.COMMITTED, origin=origin(2))]
    result = evaluate_team(team(krs, objectives=objectives), period=PERIOD, as_of=AS_OF)
    assert any(f.message == "confidence 30% is below 40%" for f in result.warnings)
    # KR1 achieved, KR2 off track, KR3 on track: (2 - 1) / 3
    assert result.net_confidence is not None
    assert abs(result.net_confidence - 1 / 3) < 1e-9


@pytest.mark.parametrize(
    ("confidence", "shown"), [(0.395, "39.5%"), (0.3999, "39.99%"), (1 / 3, "33%")]
)
def test_a_low_confidence_is_shown_below_the_threshold(confidence: float, shown: str) -> None:
    """A confidence of 39.5% was said to be "40% is below 40%": shown to whole percents,
    it rounded up to the threshold it is below."""
    krs = [kr(3, "KR1", current=100, confidence=confidence), kr(4, "KR2", current=0)]
    objectives = [Objective("O1", "Grow", ObjectiveType.COMMITTED, origin=origin(2))]
    result = evaluate_team(team(krs, objectives=objectives), period=PERIOD, as_of=AS_OF)
    found = [f.message for f in result.warnings if f.message.startswith("confidence")]
    assert found == [f"confidence {shown} is below 40%"]


def test_a_percentage_typed_as_a_whole_number_is_a_warning() -> None:
    """60 in a plain cell of a "%" row is 6,000 %: the rollup showed 6000.0 %. Fractions
    (0.6, as Excel keeps a typed 60 %) and growth up to 1,000 % raise nothing."""
    krs = [
        kr(3, "KR1", start=10, target=60, current=23.1, unit="%"),
        kr(4, "KR2", start=0.1, target=0.6, current=0.231, unit=" % "),
        kr(5, "KR3", start=1, target=5, current=2, unit="%"),
        kr(6, "KR4", start=10, target=60, current=23, unit="deals"),
    ]
    kpis = [
        KPI("KPI-1", owner="Ann", unit="%", target=95, actual=0.97, origin=origin(2, "KPIs")),
        KPI("KPI-2", owner="Ann", unit="%", target=0.95, actual=0.97, origin=origin(3, "KPIs")),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    percent = sorted(str(f) for f in result.findings if "unit %" in f.message)
    assert percent == [
        "sales.xlsx!KPIs!J2: 95 with unit % is 9500 %; type percentages as 95% or 0.95",
        "sales.xlsx!OKRs!J3: 60 with unit % is 6000 %; type percentages as 60% or 0.6",
    ]
    assert all(f.severity is Severity.WARNING for f in result.findings)
    by_id = {k.kr.id: k.score for k in result.key_results}
    assert by_id["KR1"] == pytest.approx(by_id["KR2"])  # scores are ratios: unchanged either way


PERCENT_SPELLINGS = ["%", "percent", "Percent", " PERCENT ", "per cent", "Per  Cent", "per-cent",
                     "percentage", "Percentage", "pct", "PCT", "%age", "%AGE", " % "]  # fmt: skip


@pytest.mark.parametrize("unit", PERCENT_SPELLINGS)
def test_every_spelling_of_percent_is_percent_to_the_lint(unit: str) -> None:
    """A key result in ``percent`` (or ``pct``, ``%age``...) with a typed 45% got "is a
    percentage, but key result KR1 is counted in 'percent'": only ``%`` itself was %. The
    whole-number check (60 with unit percent) missed them the same way."""
    shown = frozenset({"current"})
    krs = [
        kr(3, "KR1", start=0, target=0.6, current=0.45, unit=unit, shown_as_percent=shown),
        kr(4, "KR2", start=10, target=60, current=0.2, unit=unit),
    ]
    result = evaluate_team(team(krs), period=PERIOD, as_of=AS_OF)
    assert [str(f) for f in result.findings if "percentage" in f.message] == [
        f"sales.xlsx!OKRs!J4: 60 with unit {unit.strip()} is 6000 %; type percentages as 60% or 0.6"
    ]


@pytest.mark.parametrize("unit", ["pp", "bps", "percentage points", "% pts", "deals", "pc"])
def test_points_are_not_percent_to_the_lint(unit: str) -> None:
    """Percentage points and basis points are counted as typed (2 pp is 2): a cell showing
    45% in one is the count-KR warning, and 60 is no whole-number percentage."""
    shown = frozenset({"current"})
    krs = [kr(3, "KR1", start=0, target=60, current=0.45, unit=unit, shown_as_percent=shown)]
    result = evaluate_team(team(krs), period=PERIOD, as_of=AS_OF)
    assert [str(f) for f in result.findings if "percentage" in f.message] == [
        "sales.xlsx!OKRs!K3: 45% (stored 0.45) is a percentage, but key result KR1 is counted "
        f"in {unit!r}; type the number itself (45) in a plain cell, or set the unit to %"
    ]


def test_a_percentage_in_a_key_result_not_in_percent_is_a_warning() -> None:
    """A cell showing 45% holds 0.45: in a key result counted in deals (or with no unit)
    the count 45 was probably meant. A "%" key result and a milestone raise nothing."""
    percent = frozenset({"current"})
    krs = [
        kr(3, "KR1", start=0, target=60, current=0.45, unit="deals", shown_as_percent=percent),
        kr(4, "KR2", start=0.125, target=0.6, current=0.4, shown_as_percent=frozenset({"start"})),
        kr(5, "KR3", start=0, target=0.6, current=0.45, unit="%", shown_as_percent=percent),
        kr(6, "KR4", type=KRType.MILESTONE, current=1.0, shown_as_percent=percent),
        kr(7, "KR5", start=0, target=60, current=0.45, unit="deals"),
    ]
    result = evaluate_team(team(krs), period=PERIOD, as_of=AS_OF)
    assert sorted(str(f) for f in result.findings if "is a percentage" in f.message) == [
        "sales.xlsx!OKRs!I4: 12.5% (stored 0.125) is a percentage, but key result KR2 has no "
        "unit; type the number itself (12.5) in a plain cell, or set the unit to %",
        "sales.xlsx!OKRs!K3: 45% (stored 0.45) is a percentage, but key result KR1 is counted "
        "in 'deals'; type the number itself (45) in a plain cell, or set the unit to %",
    ]
    assert all(f.severity is Severity.WARNING for f in result.findings)


def test_a_plain_number_beside_a_percent_cell_is_a_warning() -> None:
    """Target 10% (a percent cell, stored 0.1) and current 8 typed plain: 8 % was meant,
    but 8 / 0.1 scored 1.0, Achieved, with no word (2026-12-05). All percent cells, or a
    plain 0 or fraction beside them, raise nothing; a "%" row's whole-number warning
    (45 with unit %) is not repeated."""
    target = frozenset({"target"})
    both = frozenset({"target", "current"})
    krs = [
        kr(3, "KR1", start=0, target=0.1, current=8, unit="%", shown_as_percent=target),
        kr(4, "KR2", start=0, target=1, current=0.45, unit="%", shown_as_percent=target),
        kr(5, "KR3", start=0, target=1, current=0.45, unit="%", shown_as_percent=both),
        kr(6, "KR4", start=0, target=1, current=45, unit="%", shown_as_percent=target),
    ]
    result = evaluate_team(team(krs), period=PERIOD, as_of=AS_OF)
    assert sorted(str(f) for f in result.findings if "%" in f.message) == [
        "sales.xlsx!OKRs!K3: 8 is a plain number, but the target of key result KR1 is 10% "
        "(stored 0.1); type 8% if a percentage is meant",
        "sales.xlsx!OKRs!K6: 45 with unit % is 4500 %; type percentages as 45% or 0.45",
    ]
    assert all(f.severity is Severity.WARNING for f in result.findings)


def test_a_plain_fraction_beside_percentages_above_100_is_no_warning() -> None:
    """Start 100% and target 120% in percent cells with current 1.15 from a formula in a
    plain cell is 115 %: it was told "type 1.15% if a percentage is meant" (2026-12-06),
    as a KPI's was. 8 beside 60% still is a whole-number percentage."""
    cells = frozenset({"start", "target"})
    krs = [
        kr(3, "KR1", start=1, target=1.2, current=1.15, unit="%", shown_as_percent=cells),
        kr(4, "KR2", start=0, target=0.6, current=8, unit="%", shown_as_percent=cells),
    ]
    result = evaluate_team(team(krs), period=PERIOD, as_of=AS_OF)
    assert {r: [str(f) for f in result.findings if f.row_id == r] for r in ("KR1", "KR2")} == {
        "KR1": [],
        "KR2": [
            "sales.xlsx!OKRs!K4: 8 is a plain number, but the target of key result KR2 is 60% "
            "(stored 0.6); type 8% if a percentage is meant"
        ],
    }


def test_a_repeated_kpi_feeds_key_results_from_the_row_scored() -> None:
    """The KPI table scored the first KPI-1 row while the index fed key results from the
    last (2026-12-05); and "kpi-1" beside "KPI-1" was no repeat, so both were scored and
    both fed one link. One rule now: the first row, ignoring case."""
    kpis = [
        KPI("KPI-1", owner="Ann", target=100, actual=100, origin=origin(2, "KPIs")),
        KPI("KPI-1", owner="Ann", target=100, actual=5, origin=origin(3, "KPIs")),
        KPI("kpi-1", owner="Ann", target=100, actual=7, origin=origin(4, "KPIs")),
    ]
    krs = [kr(3, "KR1", current=None, kpi_link="KPI-1"), kr(4, "KR2")]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert [str(f) for f in result.errors] == [
        "sales.xlsx!KPIs!A3: duplicate KPI ID KPI-1",
        "sales.xlsx!KPIs!A4: duplicate KPI ID kpi-1",
    ]
    by_id = {r.kr.id: r for r in result.key_results}
    assert by_id["KR1"].current == 100 and by_id["KR1"].current_from == "Sales/KPI-1"
    assert [(k.kpi.id, k.kpi.origin.row) for k in result.kpis] == [("KPI-1", 2)]
    assert kpi_index([team(krs, kpis)])["sales/kpi-1"].origin.row == 2


def test_a_stale_warning_names_the_kpi_row_that_feeds() -> None:
    """The first KPI-1 is stale and feeds KR1; a fresh repeat below must not hide it."""
    kpis = [
        KPI("KPI-1", owner="Ann", target=100, actual=100, as_of=dt.date(2026, 1, 5),
            origin=origin(2, "KPIs")),
        KPI("KPI-1", owner="Ann", target=100, actual=5, as_of=AS_OF, origin=origin(3, "KPIs")),
    ]  # fmt: skip
    krs = [kr(3, "KR1", current=None, kpi_link="KPI-1"), kr(4, "KR2")]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert (
        "sales.xlsx!OKRs!P3: current value comes from KPI Sales/KPI-1, which is stale "
        "(as of 2026-01-05); update its Actual" in {str(f) for f in result.warnings}
    )


def test_a_link_names_a_team_with_outer_spaces_as_team_does() -> None:
    """Team " Sales " (kept as written: it keys its history) is found by ``--team
    Sales``, but ``Sales/KPI-2`` named no KPI (looked for Sales/KPI-2)."""
    sales = team([], [KPI("KPI-2", target=45, actual=41, origin=origin(3, "KPIs"))], name=" Sales ")
    ops = team([kr(3, "KR1", current=None, kpi_link="Sales/KPI-2")], name="Ops")
    index = kpi_index([ops, sales], [" Sales ", "Ops"])
    result = evaluate_team(ops, period=PERIOD, as_of=AS_OF, index=index)
    # named as the rollup's KPIs table names it, the team as configured (until 2026-12-07
    # as typed, "Sales/KPI-2", which joined no row of that table)
    assert [(r.current, r.current_from) for r in result.key_results] == [(41, " Sales /KPI-2")]
    assert _link_warnings(result) == []


def test_a_link_to_teams_differing_only_by_outer_spaces_is_no_guess() -> None:
    kpi = KPI("KPI-2", target=45, actual=41, origin=origin(3, "KPIs"))
    ops = team(
        [kr(3, "KR1", current=None, kpi_link="Sales/KPI-2"), kr(4, "KR2", kpi_link="SALES/KPI-2")],
        name="Ops",
    )
    names = [" Sales", "Sales ", "Ops"]
    index = kpi_index([ops, team([], [kpi], name=" Sales")], names)  # "Sales " failed
    result = evaluate_team(ops, period=PERIOD, as_of=AS_OF, index=index)
    assert [r.current_from for r in result.key_results] == [None, None]
    assert _link_warnings(result) == [
        f"sales.xlsx!OKRs!P{row}: KPI link {link} names no single team: ' Sales' and "
        "'Sales ' differ only by outer spaces (rename one in the workspace)"
        for row, link in ((3, "Sales/KPI-2"), (4, "SALES/KPI-2"))
    ]


def test_a_team_named_as_written_is_the_one_a_link_names() -> None:
    """As ``--team Sales`` finds team "Sales" beside " Sales ": no KPI-2 there."""
    kpi = KPI("KPI-2", target=45, actual=41, origin=origin(3, "KPIs"))
    ops = team([kr(3, "KR1", current=None, kpi_link="Sales/KPI-2")], name="Ops")
    index = kpi_index([ops, team([], [kpi], name=" Sales ")], ["Sales", " Sales ", "Ops"])
    result = evaluate_team(ops, period=PERIOD, as_of=AS_OF, index=index)
    assert _link_warnings(result) == [
        "sales.xlsx!OKRs!P3: KPI link Sales/KPI-2 names no KPI (looked for Sales/KPI-2)"
    ]


def _link_warnings(result: TeamResult) -> list[str]:
    return [str(f) for f in result.warnings if "KPI link" in f.message]
