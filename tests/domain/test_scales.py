"""Numbers on another scale than meant: a KPI's Amber threshold typed 10% on a count, a
KPI's plain number beside its percent cells, a key result fed from a KPI on another
scale. Each is a warning on the cell to look at; no number changes."""

from __future__ import annotations

import pytest

from sheets_sync.domain.models import (
    KPI,
    Direction,
    KPIStatus,
    KRType,
    Origin,
    Severity,
    Status,
)
from sheets_sync.domain.team import evaluate_team, kpi_index
from tests.domain.test_team import AS_OF, PERIOD, kr, team

KPI_CELLS = {"id": "A", "unit": "F", "target": "H", "lower": "I", "upper": "J",
             "amber_threshold": "K", "actual": "L", "previous": "M", "as_of": "N"}  # fmt: skip


def kpi(row: int, kpi_id: str, shown: frozenset[str] = frozenset(), **kw: object) -> KPI:
    fields: dict[str, object] = {"owner": "Ann", "as_of": AS_OF}
    fields.update(kw)
    cells = {k: f"{c}{row}" for k, c in KPI_CELLS.items()}
    origin = Origin("sales.xlsx", "KPIs", row, cells)
    return KPI(kpi_id, origin=origin, shown_as_percent=shown, **fields)  # type: ignore[arg-type]


AMBER = frozenset({"amber_threshold"})


def warnings_about(kpis: list[KPI], words: str) -> list[str]:
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR2")], kpis), period=PERIOD, as_of=AS_OF)
    assert all(f.severity is Severity.WARNING for f in result.findings)
    return [str(f) for f in result.findings if words in f.message]


def test_an_amber_threshold_typed_as_a_percentage_on_a_count_is_a_warning() -> None:
    """The Amber threshold is the worst value still Amber, in the KPI's unit: 10% on a
    count of deals read 0.1 deals, so 50 of a target of 100 was Amber (a range's band 0.1
    wide) without a word (until 2026-12-06). The status stays as documented; on a
    lower-is-better KPI it was an error already, which now says why."""
    kpis = [
        kpi(2, "K1", AMBER, unit="deals", target=100, amber_threshold=0.1, actual=50),
        kpi(3, "K2", AMBER, unit="h", direction=Direction.LOWER, target=24, amber_threshold=0.1,
            actual=25),
        kpi(4, "K3", AMBER, unit="ms", direction=Direction.RANGE, lower=40, upper=60,
            amber_threshold=0.1, actual=60.05),
        kpi(5, "K4", AMBER, target=100, amber_threshold=0.1, actual=50),  # no unit
    ]  # fmt: skip
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR2")], kpis), period=PERIOD, as_of=AS_OF)
    assert [(k.kpi.id, k.status) for k in result.kpis] == [
        ("K1", KPIStatus.AMBER),
        ("K3", KPIStatus.AMBER),
        ("K4", KPIStatus.AMBER),
    ]
    assert [str(f) for f in result.errors] == [
        "sales.xlsx!KPIs!K3: amber threshold (0.1) is below the target (24) of a "
        "lower-is-better KPI; 10% is a percentage, but KPI K2 is counted in 'h': type the "
        "worst value still Amber (26.4 for 10% above the target 24), or leave it blank for "
        "the workspace's kpi_tolerance"
    ]
    assert [str(f) for f in result.warnings if "Amber threshold" in f.message] == [
        "sales.xlsx!KPIs!K2: Amber threshold 10% (stored 0.1) is a percentage, but KPI K1 is "
        "counted in 'deals', so its amber band ends at 0.1; type the worst value still Amber "
        "(90 for 10% below the target 100), or leave it blank for the workspace's "
        "kpi_tolerance",
        "sales.xlsx!KPIs!K4: Amber threshold 10% (stored 0.1) is a percentage, but KPI K3 is "
        "counted in 'ms', so its amber band is 0.1 wide; type how far outside the range is "
        "still Amber (2 for 10% of 40 to 60), or leave it blank for the workspace's "
        "kpi_tolerance",
        "sales.xlsx!KPIs!K5: Amber threshold 10% (stored 0.1) is a percentage, but the target "
        "of KPI K4 is in plain numbers, so its amber band ends at 0.1; type the worst value "
        "still Amber (90 for 10% below the target 100), or leave it blank for the "
        "workspace's kpi_tolerance",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"unit": "%", "target": 0.05, "amber_threshold": 0.04, "actual": 0.045},
        {"unit": "Percent", "target": 0.05, "amber_threshold": 0.04, "actual": 0.045},
        {"target": 0.05, "amber_threshold": 0.04, "actual": 0.045},  # a rate, no unit
    ],
)
def test_an_amber_threshold_in_percent_on_a_percent_kpi_is_no_warning(
    fields: dict[str, object],
) -> None:
    assert warnings_about([kpi(2, "K1", AMBER, **fields)], "percent") == []


def test_a_plain_kpi_number_beside_a_percent_cell_is_a_warning() -> None:
    """Target 10% (stored 0.1) and actual 8 typed plain: 8 % was meant, but 8 is 80 times
    the target, Green, with no word (until 2026-12-06; key results had the warning). A
    plain 0 or fraction beside percent cells raises nothing, and a "%" KPI's whole-number
    warning (45 with unit %) is not repeated."""
    kpis = [
        kpi(2, "K1", frozenset({"target"}), unit="%", target=0.1, actual=8),
        kpi(3, "K2", frozenset({"target", "actual"}), unit="%", target=0.1, actual=0.08,
            previous=0),
        kpi(4, "K3", frozenset({"target"}), unit="%", target=0.1, actual=45),
        kpi(5, "K4", frozenset({"target", "actual"}), unit="%", direction=Direction.LOWER,
            target=0.1, actual=0.11, amber_threshold=8),
    ]  # fmt: skip
    assert warnings_about(kpis, "%") == [
        "sales.xlsx!KPIs!L2: 8 is a plain number, but the target of KPI K1 is 10% (stored "
        "0.1); type 8% if a percentage is meant",
        "sales.xlsx!KPIs!L4: 45 with unit % is 4500 %; type percentages as 45% or 0.45",
        "sales.xlsx!KPIs!K5: 8 is a plain number, but the target of KPI K4 is 10% (stored "
        "0.1); type 8% if a percentage is meant",
    ]


def test_a_whole_percentage_in_an_amber_threshold_is_a_warning() -> None:
    """A "%" KPI's values above 10 (1,000 %) were checked, its Amber threshold not."""
    kpis = [kpi(2, "K1", unit="%", target=80, amber_threshold=75, actual=78)]
    assert warnings_about(kpis, "with unit") == [
        "sales.xlsx!KPIs!H2: 80 with unit % is 8000 %; type percentages as 80% or 0.8"
    ]
    kpis = [kpi(2, "K1", unit="%", direction=Direction.LOWER, target=0.2, amber_threshold=25,
                actual=0.22)]  # fmt: skip
    assert warnings_about(kpis, "with unit") == [
        "sales.xlsx!KPIs!K2: 25 with unit % is 2500 %; type percentages as 25% or 0.25"
    ]


def test_a_key_result_fed_from_a_kpi_on_another_scale_is_a_warning() -> None:
    """A key result counted 30 to 45 fed 4.2% (0.042) scores 0, one of 3% to 5% fed 50
    scores 1, both without a word until 2026-12-06: the warning names the key result's
    KPI link cell and the KPI, and the score stays as documented."""
    percent = frozenset({"actual"})
    kpis = [
        kpi(2, "K1", percent, unit="%", target=0.05, actual=0.042),
        kpi(3, "K2", unit="deals", target=60, actual=50),
        kpi(4, "K3", unit="%", target=0.05, actual=0.042),  # plain fractions, unit %
    ]
    krs = [
        kr(3, "KR1", start=30, target=45, current=None, kpi_link="K1"),
        kr(4, "KR2", start=0.03, target=0.05, current=None, kpi_link="Sales/K2",
           shown_as_percent=frozenset({"start", "target"})),
        kr(5, "KR3", type=KRType.AT_LEAST, start=None, target=45, current=None, kpi_link="K3"),
    ]  # fmt: skip
    sales = team(krs, kpis)
    result = evaluate_team(sales, period=PERIOD, as_of=AS_OF, index=kpi_index([sales]))
    assert [(r.score, r.current_from) for r in result.key_results] == [
        (0.0, "Sales/K1"),
        (1.0, "Sales/K2"),
        (0.0, "Sales/K3"),
    ]
    assert [str(f) for f in result.findings if "current value comes" in f.message] == [
        "sales.xlsx!OKRs!P3: current value comes from KPI Sales/K1, whose actual is 4.2% "
        "(stored 0.042), but key result KR1 runs from 30 to 45; it is scored as 0.042 "
        "against them: type its Start and Target as percentages (30%, 45%) if they are, or "
        "link a KPI on the key result's scale",
        "sales.xlsx!OKRs!P4: current value comes from KPI Sales/K2, whose actual is the plain "
        "number 50, but key result KR2 runs from 3% to 5%; it is scored as 50 against them: "
        "type the KPI's Actual as a percentage (50%) if it is one, or link a KPI on the key "
        "result's scale",
        "sales.xlsx!OKRs!P5: current value comes from KPI Sales/K3, whose actual is 4.2% "
        "(stored 0.042), but key result KR3 has the target 45; it is scored as 0.042 against "
        "it: type its Target as a percentage (45%) if it is, or link a KPI on the key "
        "result's scale",
    ]
    assert all(f.severity is Severity.WARNING for f in result.findings)
    assert result.key_results[0].status is Status.OFF_TRACK


@pytest.mark.parametrize(
    ("kr_fields", "kpi_fields"),
    [
        ({"start": 30, "target": 45, "unit": "points"}, {"unit": "points", "actual": 42}),
        ({"start": 0.3, "target": 0.45, "unit": "%"}, {"unit": "%", "actual": 0.42}),
        ({"start": 0.3, "target": 0.45}, {"unit": "%", "actual": 0.42}),  # a rate, no unit
        ({"start": 0, "target": 1}, {"unit": "deals", "actual": 3}),  # 0 to 1: either
        ({"start": 30, "target": 45, "unit": "%"}, {"unit": "%", "actual": 42}),  # whole %
    ],
)
def test_a_key_result_fed_on_its_own_scale_is_no_warning(
    kr_fields: dict[str, object], kpi_fields: dict[str, object]
) -> None:
    sales = team(
        [kr(3, "KR1", current=None, kpi_link="K1", **kr_fields), kr(4, "KR2")],
        [kpi(2, "K1", frozenset(), target=1, **kpi_fields)],
    )
    result = evaluate_team(sales, period=PERIOD, as_of=AS_OF)
    assert result.key_results[0].current_from == "Sales/K1"
    assert [f for f in result.findings if "current value comes" in f.message] == []


def findings_by_kpi(kpis: list[KPI]) -> dict[str, list[str]]:
    """Every finding of each KPI row, errors and warnings alike: a filtered list hid the
    false warnings of the review of 2026-12-06."""
    result = evaluate_team(team([kr(3, "KR1"), kr(4, "KR2")], kpis), period=PERIOD, as_of=AS_OF)
    return {k.id: [str(f) for f in result.findings if f.row_id == k.id] for k in kpis}


def test_a_percent_amber_threshold_is_no_percentage_beside_the_other_numbers() -> None:
    """An Amber threshold typed 10% on a KPI not in % is the mistyped cell itself; beside
    it a target of 24 h got "type 24% if a percentage is meant", and with no target an
    actual of 80 got "type 80%" (2026-12-06)."""
    kpis = [
        kpi(2, "K1", AMBER, unit="h", direction=Direction.LOWER, target=24, amber_threshold=0.1,
            actual=25),
        kpi(3, "K2", AMBER, amber_threshold=0.1, actual=80),  # no unit, no target
        kpi(4, "K3", AMBER, unit="%", target=5, amber_threshold=0.04, actual=0.045),
    ]  # fmt: skip
    assert findings_by_kpi(kpis) == {
        "K1": [
            "sales.xlsx!KPIs!K2: amber threshold (0.1) is below the target (24) of a "
            "lower-is-better KPI; 10% is a percentage, but KPI K1 is counted in 'h': type the "
            "worst value still Amber (26.4 for 10% above the target 24), or leave it blank "
            "for the workspace's kpi_tolerance"
        ],
        "K2": ["sales.xlsx!KPIs!H3: KPI K2 has no target, so it cannot be judged"],
        "K3": [
            "sales.xlsx!KPIs!H4: 5 is a plain number, but the amber threshold of KPI K3 is 4% "
            "(stored 0.04); type 5% if a percentage is meant"
        ],
    }


def test_a_percent_amber_threshold_that_is_an_error_is_no_warning_too() -> None:
    """10% above the target -5 k$ of a higher-is-better KPI is an error, which did not say
    why, and the same cell got the warning too (2026-12-06); so did a range's -10%."""
    kpis = [
        kpi(2, "K1", AMBER, unit="k$", target=-5, amber_threshold=0.1, actual=-6),
        kpi(3, "K2", AMBER, unit="deals", direction=Direction.RANGE, lower=40, upper=60,
            amber_threshold=-0.1, actual=50),
    ]  # fmt: skip
    assert findings_by_kpi(kpis) == {
        "K1": [
            "sales.xlsx!KPIs!K2: amber threshold (0.1) is above the target (-5) of a "
            "higher-is-better KPI; 10% is a percentage, but KPI K1 is counted in 'k$': type "
            "the worst value still Amber (-5.5 for 10% below the target -5), or leave it "
            "blank for the workspace's kpi_tolerance"
        ],
        "K2": [
            "sales.xlsx!KPIs!K3: for a range KPI the amber threshold is the width of the "
            "amber band and cannot be negative"
        ],
    }


def test_percentages_above_100_are_no_whole_numbers() -> None:
    """A net revenue retention of 115% from a formula in a plain cell is 1.15: beside a
    target of 110% it was told "type 1.15%", and a key result in % of 1 to 1.2 fed 112%
    "type its Start and Target as percentages (1%, 1.2%)" (2026-12-06). Above 10 (1,000 %)
    and beside small percentages (8 beside 10%, 0 to 10 beside 4.2%) a plain number still
    reads whole."""
    hundred = frozenset({"target"})
    kpis = [
        kpi(2, "K1", hundred, unit="%", target=1.1, actual=1.15, previous=1.08),
        kpi(3, "K2", frozenset({"target", "actual"}), unit="%", target=1.2, actual=1.12),
        kpi(4, "K3", hundred, unit="%", target=1, actual=1.05),
        kpi(5, "K4", unit="%", target=1.1, actual=1.12),  # no percent cell
        kpi(6, "K5", hundred, unit="%", target=1.1, actual=95, previous=1.08),
        kpi(7, "K6", hundred, target=0.1, actual=8),  # no unit
        kpi(8, "K7", frozenset({"target", "actual"}), unit="%", target=0.05, actual=0.042),
    ]
    krs = [
        kr(3, "KR1", start=1, target=1.2, current=None, unit="%", kpi_link="K2"),
        kr(4, "KR2", start=1, target=1.2, current=None, unit="%", kpi_link="K4"),
        kr(5, "KR3", start=0, target=10, current=None, unit="%", kpi_link="K7"),
        kr(6, "KR4", start=30, target=45, current=None, unit="%", kpi_link="K2"),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    rows = [k.id for k in kpis] + [k.id for k in krs]
    assert {r: [str(f) for f in result.findings if f.row_id == r] for r in rows} == {
        "K1": [],
        "K2": [],
        "K3": [],
        "K4": [],
        "K5": ["sales.xlsx!KPIs!L6: 95 with unit % is 9500 %; type percentages as 95% or 0.95"],
        "K6": [
            "sales.xlsx!KPIs!L7: 8 is a plain number, but the target of KPI K6 is 10% (stored "
            "0.1); type 8% if a percentage is meant"
        ],
        "KR1": [],
        "KR2": [],
        "K7": [],
        "KR3": [
            "sales.xlsx!OKRs!P5: current value comes from KPI Sales/K7, whose actual is 4.2% "
            "(stored 0.042), but key result KR3 runs from 0 to 10; it is scored as 0.042 "
            "against them: type its Target as a percentage (10%) if it is, or link a KPI on "
            "the key result's scale"  # its 0 is 0 % already (until 2026-12-06: "(0%, 10%)")
        ],
        "KR4": [  # in column order (findings_order.py): I6 before P6
            "sales.xlsx!OKRs!I6: 30 with unit % is 3000 %; type percentages as 30% or 0.3",
            "sales.xlsx!OKRs!P6: current value comes from KPI Sales/K2, whose actual is 112% "
            "(stored 1.12), but key result KR4 runs from 30 to 45; it is scored as 1.12 "
            "against them: type its Start and Target as percentages (30%, 45%) if they are, "
            "or link a KPI on the key result's scale",
        ],
    }


def test_a_key_result_whose_current_is_its_kpis_actual_gets_the_scale_warning() -> None:
    """Current filled with the linked KPI's actual (pasted, or ``=KPIs!L2`` in a plain
    cell) scores alike as a blank one fed from it, but got no scale warning (2026-12-06).
    A Current that differs is the sheet's own value, with its own warning."""
    kpis = [kpi(2, "K1", frozenset({"actual"}), unit="%", target=0.05, actual=0.042)]
    krs = [
        kr(3, "KR1", start=30, target=45, current=0.042, kpi_link="K1"),
        kr(4, "KR2", start=30, target=45, current=0.05, kpi_link="K1"),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert {r: [str(f) for f in result.findings if f.row_id == r] for r in ("KR1", "KR2")} == {
        "KR1": [
            "sales.xlsx!OKRs!P3: current value comes from KPI Sales/K1, whose actual is 4.2% "
            "(stored 0.042), but key result KR1 runs from 30 to 45; it is scored as 0.042 "
            "against them: type its Start and Target as percentages (30%, 45%) if they are, "
            "or link a KPI on the key result's scale"
        ],
        "KR2": [
            "sales.xlsx!OKRs!K4: current value (0.05) differs from KPI Sales/K1 actual "
            "(0.042); the sheet's value is used"
        ],
    }


@pytest.mark.parametrize(
    ("kr_fields", "kpi_fields"),
    [
        # unit % with no percent cell: 4 may be 4 % typed whole, not 400 %
        ({"start": 2, "target": 5}, {"unit": "%", "target": 5, "actual": 4}),
        ({"start": 6, "target": 3}, {"unit": "%", "target": 3, "actual": 4}),  # lower is better
        ({"start": 30, "target": 45, "unit": "%"}, {"unit": "%", "target": 1.1, "actual": 1.12}),
        # a plain 4 is no percentage for a key result in % to be read beside
        ({"start": 2, "target": 5, "unit": "%"}, {"target": 5, "actual": 4}),
    ],
)
def test_a_kpi_that_may_be_in_whole_percent_gives_no_link_warning(
    kr_fields: dict[str, object], kpi_fields: dict[str, object]
) -> None:
    """A KPI in % with a target of 5 and an actual of 4 (no percent cell) was read as
    400 %, and a key result of 2 to 5 fed from it told to type 2%, 5%, which then scored
    it Achieved; a key result in % of 2 to 5 fed a plain 4 was told to type the 4 as 4%
    (review of 2026-12-06). 1 to 10 with only the unit % is either; no warning."""
    sales = team(
        [kr(3, "KR1", current=None, kpi_link="K1", **kr_fields), kr(4, "KR2")],
        [kpi(2, "K1", frozenset(), **kpi_fields)],
    )
    result = evaluate_team(sales, period=PERIOD, as_of=AS_OF)
    assert result.key_results[0].current_from == "Sales/K1"
    assert [f for f in result.findings if "current value comes" in f.message] == []


def test_a_plain_number_well_above_percentages_beside_it_is_whole() -> None:
    """Percentages above 100 % exempted every plain number up to ten times the largest:
    target 95% with actual 9 read Green, a key result of 0% to 100% with current 8 scored
    Achieved, target 20% with actual 2 read Green, each without a word (review of
    2026-12-06). Near them (up to twice the largest: 1.4 beside 150%, 1.15 beside 110%)
    a plain number is still one above 100 %."""
    target = frozenset({"target"})
    kpis = [
        kpi(2, "K1", target, unit="%", target=0.95, actual=9),
        kpi(3, "K2", target, target=0.2, actual=2),
        kpi(4, "K3", target, unit="%", target=1.5, actual=1.4),
        kpi(5, "K4", target, unit="%", target=1.1, actual=1.15),
        kpi(6, "K5", target, unit="%", target=1.5, actual=4),
    ]
    both = frozenset({"start", "target"})
    krs = [
        kr(3, "KR1", start=0, target=1, current=8, unit="%", shown_as_percent=both),
        kr(4, "KR2", start=1, target=1.2, current=1.15, unit="%", shown_as_percent=both),
    ]
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    rows = [k.id for k in kpis] + [k.id for k in krs]
    assert {r: [str(f) for f in result.findings if f.row_id == r] for r in rows} == {
        "K1": [
            "sales.xlsx!KPIs!L2: 9 is a plain number, but the target of KPI K1 is 95% (stored "
            "0.95); type 9% if a percentage is meant"
        ],
        "K2": [
            "sales.xlsx!KPIs!L3: 2 is a plain number, but the target of KPI K2 is 20% (stored "
            "0.2); type 2% if a percentage is meant"
        ],
        "K3": [],
        "K4": [],
        "K5": [
            "sales.xlsx!KPIs!L6: 4 is a plain number, but the target of KPI K5 is 150% (stored "
            "1.5); type 4% if a percentage is meant"
        ],
        "KR1": [
            "sales.xlsx!OKRs!K3: 8 is a plain number, but the target of key result KR1 is "
            "100% (stored 1); type 8% if a percentage is meant"
        ],
        "KR2": [],
    }


def test_a_zero_in_a_percent_cell_says_nothing_of_the_scale() -> None:
    """0 is 0 on every scale: a Start of 0 in a column formatted 0% was "0% (stored 0) is
    a percentage, but key result KR1 is counted in 'deals'", and made a Target of 8 (unit
    %) or a KPI's upper bound of 8 "a plain number beside 0%" (review of 2026-12-06). A
    percentage that is not 0 beside it still says so."""
    start = frozenset({"start"})
    krs = [
        kr(3, "KR1", start=0, target=50, current=20, unit="deals", shown_as_percent=start),
        kr(4, "KR2", start=0, target=8, current=4, unit="%", shown_as_percent=start),
        kr(5, "KR3", start=0, target=0.1, current=8, unit="%", shown_as_percent=start | {"target"}),
    ]
    kpis = [
        kpi(2, "K1", frozenset({"lower"}), unit="%", direction=Direction.RANGE, lower=0,
            upper=8, actual=5),
        kpi(3, "K2", frozenset({"previous"}), unit="deals", target=50, actual=20, previous=0),
    ]  # fmt: skip
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    assert [str(f) for f in result.findings if "%" in f.message] == [
        "sales.xlsx!OKRs!K5: 8 is a plain number, but the target of key result KR3 is 10% "
        "(stored 0.1); type 8% if a percentage is meant"
    ]
