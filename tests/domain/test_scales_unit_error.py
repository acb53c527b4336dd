"""A Unit in error (``#N/A``) reads as a blank Unit (docs/scoring.md, "A cell in error"),
and a warning the blank would add beside its error is not said: a scale warning that
rests on the unit being none (a target "in plain numbers" beside an Amber threshold of
10%, a KPI's actual of 4 "the plain number 4", a key result of 1 to 1.2 "plain numbers")
is said only when a unit of ``%`` would say it too: until 2026-12-07 the row was told
what to retype on the guess of no unit, beside the Unit's own error. A key result a
blank Unit puts in % (KR type percent, percent cells: ``parse._percent_type``) is in %."""

from __future__ import annotations

from sheets_sync.domain.models import KPI, KeyResult
from sheets_sync.domain.team import evaluate_team
from tests.domain.test_scales import AMBER, kpi
from tests.domain.test_team import AS_OF, PERIOD, kr, team

IN_ERROR = frozenset({"unit"})


def _said(krs: list[KeyResult], kpis: list[KPI], words: str) -> list[str]:
    result = evaluate_team(team(krs, kpis), period=PERIOD, as_of=AS_OF)
    return [f"{f.row_id}: {f.message}" for f in result.findings if words in f.message]


def test_an_amber_threshold_in_percent_beside_a_unit_in_error_is_no_warning() -> None:
    """Target 8, Amber threshold 10%: a KPI in % (8 typed whole) gets no warning, one with
    no unit does; with the Unit showing #N/A neither is known, so none."""
    kpis = [
        kpi(2, "K1", AMBER, target=8, amber_threshold=0.1, actual=5, unread=IN_ERROR),
        kpi(3, "K2", AMBER, target=8, amber_threshold=0.1, actual=5),  # no unit: said
    ]
    said = _said([kr(3, "KR1"), kr(4, "KR2")], kpis, "Amber threshold 10%")
    assert [s.split(":")[0] for s in said] == ["K2"]


def test_a_kpi_actual_beside_a_unit_in_error_is_no_plain_number() -> None:
    """An actual of 4 feeding a key result of 2% to 5%: in a KPI in %, 4 % typed whole or
    400 %, no warning; with no unit, "the plain number 4"; with its Unit in error, no
    warning. Above 10 both readings agree (whole), and it is said."""
    shown = frozenset({"start", "target"})
    krs = [
        kr(3, "KR1", start=0.02, target=0.05, current=None, kpi_link="K1", shown_as_percent=shown),
        kr(4, "KR2", start=0.02, target=0.05, current=None, kpi_link="K2", shown_as_percent=shown),
        kr(5, "KR3", start=0.02, target=0.05, current=None, kpi_link="K3", shown_as_percent=shown),
    ]
    kpis = [
        kpi(2, "K1", target=5, actual=4, unread=IN_ERROR),
        kpi(3, "K2", target=5, actual=4),  # no unit: a plain number, said
        kpi(4, "K3", target=50, actual=40, unread=IN_ERROR),  # whole on both readings
    ]
    said = _said(krs, kpis, "current value comes")
    assert [s.split(":")[0] for s in said] == ["KR2", "KR3"]


def test_a_key_result_with_its_unit_in_error_is_not_told_it_is_in_plain_numbers() -> None:
    """1 to 1.2 fed 112%: in %, 100 % to 120 %, no warning; with no unit, plain numbers
    told to be typed 1%, 1.2%; with its Unit in error, no warning. 30 to 45 fed 4.2% is
    whole on both readings, and said."""
    percent = frozenset({"actual"})
    kpis = [kpi(2, "K1", percent, target=1.1, actual=1.12), kpi(3, "K2", percent, actual=0.042)]
    krs = [
        kr(3, "KR1", start=1, target=1.2, current=None, kpi_link="K1", unread=IN_ERROR),
        kr(4, "KR2", start=1, target=1.2, current=None, kpi_link="K1"),  # no unit: said
        kr(5, "KR3", start=30, target=45, current=None, kpi_link="K2", unread=IN_ERROR),
    ]
    said = _said(krs, kpis, "current value comes")
    assert [s.split(":")[0] for s in said] == ["KR2", "KR3"]


def test_a_key_result_in_percent_by_its_kr_type_reads_as_percent_with_its_unit_in_error() -> None:
    """Its Unit in error read as blank, a key result of KR type percent with percent cells
    is in % (``parse._percent_type``), and its scale is read in %: 0% to 1.5 fed 4% is
    told to type 1.5%, as with a Unit of % typed (for part of 2026-12-07 it said nothing: it read
    both ways, and no unit reads 0% to 1.5 as fractions)."""
    shown = frozenset({"start"})
    kpis = [kpi(2, "K1", frozenset({"actual"}), target=1, actual=0.04)]
    one = {"start": 0, "target": 1.5, "current": None, "kpi_link": "K1", "unit": "%"}
    krs = [
        kr(3, "KR1", unread=IN_ERROR, shown_as_percent=shown, **one),
        kr(4, "KR2", shown_as_percent=shown, **one),
    ]
    said = _said(krs, kpis, "current value comes")
    assert [s.split(":")[0] for s in said] == ["KR1", "KR2"]
    assert "type its Target as a percentage (1.5%)" in said[0]
