"""A percentage typed as text ("45%") is a percentage to the lint, as a percent cell is."""

from __future__ import annotations

import datetime as dt

from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping


def test_a_percentage_typed_as_text_is_a_percentage_to_the_lint() -> None:
    """'45%' typed as text reads 0.45, as a typed 45% in a percent cell does; only the
    cell got the count-KR warning, so 45 deals typed '45%' scored 0.0045 without a word
    (2026-12-05)."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "Start", "Target", "Current", "Unit"),
        ("O1", "O1.1", 0, 100, "45%", "deals"),
        ("O1", "O1.2", 0, "100 %", "45%", "%"),
        ("O1", "O1.3", 0, 100, "45\uff05", "deals"),  # full-width: missed (2026-12-05)
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [sorted(kr.shown_as_percent) for kr in team.key_results] == [
        ["current"],
        ["current", "target"],
        ["current"],
    ]
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [str(f) for f in result.warnings if "percentage" in f.message] == [
        "sales.xlsx!OKRs!E2: 45% (stored 0.45) is a percentage, but key result O1.1 is "
        "counted in 'deals'; type the number itself (45) in a plain cell, or set the unit to %",
        "sales.xlsx!OKRs!E4: 45% (stored 0.45) is a percentage, but key result O1.3 is "
        "counted in 'deals'; type the number itself (45) in a plain cell, or set the unit to %",
    ]


def test_a_percent_key_result_without_a_unit_is_in_percent() -> None:
    """KR type "percent" is a number KR in % (docs/scoring.md); with no Unit its 40% cells
    got the count warning ("type the number itself (40) in a plain cell") and the rollup
    showed 0.4 (2026-12-05). Plain numbers leave the unit blank, as typed."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "KR type", "Start", "Target", "Current", "Unit"),
        ("O1", "O1.1", "percent", "40%", "60%", "50%", None),
        ("O1", "O1.2", "Percentage", 0, "60%", 8, None),
        ("O1", "O1.3", "percent", 40, 60, 50, None),
        ("O1", "O1.4", "percent", "40%", "60%", "50%", "pp"),
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [kr.unit for kr in team.key_results] == ["%", "%", None, "pp"]
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [str(f) for f in result.warnings if "percent" in f.message] == [
        "sales.xlsx!OKRs!F3: 8 is a plain number, but the target of key result O1.2 is 60% "
        "(stored 0.6); type 8% if a percentage is meant",
        "sales.xlsx!OKRs!D5: 40% (stored 0.4) is a percentage, but key result O1.4 is "
        "counted in 'pp'; type the number itself (40) in a plain cell, or set the unit to %",
    ]


def test_a_zero_percent_does_not_put_a_percent_key_result_in_percent() -> None:
    """0 is 0 on every scale: a percent key result "from 0% to 40" with its 40 and current
    typed plain was in %, so its 40 was "4000 %" and the rollup showed 4000.0 % (until
    2026-12-06); it keeps no unit, as with a plain 0. A 0% beside another percentage
    still goes with it."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "KR type", "Start", "Target", "Current", "Unit"),
        ("O1", "O1.1", "percent", "0%", 40, 20, None),
        ("O1", "O1.2", "percent", 0, 40, 20, None),
        ("O1", "O1.3", "percent", 0, 0.4, 0.2, None),
        ("O1", "O1.4", "percent", 0, "40%", 0.2, None),
        ("O1", "O1.5", "percent", 0, 0.4, "0%", None),
    )
    grid = SheetGrid("OKRs", rows, percent_cells=frozenset({(3, 4), (4, 4), (6, 6)}))
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [kr.unit for kr in team.key_results] == [None, None, None, "%", None]
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [str(f) for f in result.warnings if "%" in f.message] == []


def test_a_kpi_row_knows_which_of_its_numbers_show_a_percentage() -> None:
    """Only key result rows kept their percent cells: a KPI's Amber threshold typed 10% on
    a count of deals read 0.1 deals, its amber band from 0.1 up, without a word (until
    2026-12-06). A percent cell and text ending in % both count."""
    okrs: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "Start", "Target", "Current"),
        ("O1", "O1.1", 0, 100, 50),
    )
    kpis: tuple[tuple[CellValue, ...], ...] = (
        ("KPI ID", "Unit", "Direction", "Target", "Amber threshold", "Actual", "Previous"),
        ("KPI-1", "deals", "higher", 100, "10%", 50, 40),
        ("KPI-2", "%", "higher", 0.1, None, 8, 0.07),
    )
    grids = {
        "OKRs": SheetGrid("OKRs", okrs),
        "KPIs": SheetGrid("KPIs", kpis, percent_cells=frozenset({(3, 4), (3, 7)})),
    }
    data = WorkbookData("sales.xlsx", ("OKRs", "KPIs"), grids)
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [sorted(k.shown_as_percent) for k in team.kpis] == [
        ["amber_threshold"],
        ["previous", "target"],
    ]
    period = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    assert [str(f) for f in result.warnings if "percent" in f.message] == [
        "sales.xlsx!KPIs!E2: Amber threshold 10% (stored 0.1) is a percentage, but KPI KPI-1 "
        "is counted in 'deals', so its amber band ends at 0.1; type the worst value still "
        "Amber (90 for 10% below the target 100), or leave it blank for the workspace's "
        "kpi_tolerance",
        "sales.xlsx!KPIs!F3: 8 is a plain number, but the target of KPI KPI-2 is 10% (stored "
        "0.1); type 8% if a percentage is meant",
    ]


def test_a_confidence_a_step_from_100_percent_in_a_percent_cell_is_certainty() -> None:
    """A formula's 1.0000000000000002 that Excel stores (17 digits) in a cell formatted
    0% shows 100%: certainty, as a 1 there is; the same value in a plain cell is 1 of 10.
    It read 0.1 in both until 2026-12-07: only an exact 1 was looked for (percent_ones)."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "Start", "Target", "Current", "Confidence"),
        ("O1", "O1.1", 0, 100, 50, 1.0000000000000002),
        ("O1", "O1.2", 0, 100, 50, 1.0000000000000002),
        ("O1", "O1.3", 0, 100, 50, 1),
    )
    grid = SheetGrid(
        "OKRs", rows, percent_ones=frozenset({(4, 6)}), percent_cells=frozenset({(2, 6), (4, 6)})
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [kr.confidence for kr in team.key_results] == [1.0, 0.1, 1.0]
