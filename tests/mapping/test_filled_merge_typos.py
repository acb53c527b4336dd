"""A KR type or KPI Direction typo merged down from a hidden row (its first, the merge's
value read from it): every row reads the choice alike, so the typo is said once, at the
merge's first cell, on the first row shown, and the rows below name that cell; a Current
of Done merged so stays each row's own (a milestone's reads it). Until 2026-12-07 the
typo was said at each row of the merge, as if each showed it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import parse_mapping

MAPPING = (
    "name: mine\nokrs:\n  sheet: [OKRs]\n  fill_down: [objective_id, objective, kr_type]\n"
    "kpis:\n  sheet: [KPIs]\n  fill_down: [direction]\n"
)
OKR_HEAD = ("Objective ID", "Objective", "KR ID", "KR type", "Start", "Target", "Current")
KPI_HEAD = ("KPI ID", "KPI", "Owner", "Direction", "Target", "Actual")


def _said(tmp_path: Path, tab: str, rows: Sequence[Sequence[object]], box: str) -> list[str]:
    """``rows`` on ``tab`` of a real .xlsx, ``box`` merged with its first row (3) hidden:
    the findings at cells, each with its row and row ID."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    sheet = ws if tab == "OKRs" else wb.create_sheet(tab)
    if tab != "OKRs":
        ws.append(list(OKR_HEAD))
        ws.append(["O1", "Grow", "KR1", "number", 0, 10, 5])
    for row in rows:
        sheet.append(list(row))
    sheet.merge_cells(box)
    sheet.row_dimensions[3].hidden = True
    wb.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=("OKRs", "KPIs"))
    team = build_team_input("Sales", extract(data, parse_mapping(MAPPING, source="mine.yaml")))
    return [f"{f.row} {f.row_id} {f}" for f in team.findings if f.cell]


def test_a_kr_type_typo_merged_from_a_hidden_row_is_said_once(tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [OKR_HEAD, ("O1", "Grow", "KR1", "number", 0, 10, 5)]
    rows += [(None, None, f"KR{n}", "numbr" if n == 2 else None, 0, 10, 5) for n in range(2, 6)]
    said = _said(tmp_path, "OKRs", rows, "D3:D5")
    assert said == [
        '4 KR3 sales.xlsx!OKRs!D3: "numbr" is not one of: number, at_least, at_most, milestone',
        "5 KR4 sales.xlsx!OKRs!D5: KR type is filled down from D3, which is in error",
        "6 KR5 sales.xlsx!OKRs!D6: KR type is filled down from D3, which is in error",
    ]


def test_a_kpi_direction_typo_merged_from_a_hidden_row_is_said_once(tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [KPI_HEAD, ("K1", "Sign-ups", "Sam", "up", 10, 5)]
    rows += [(f"K{n}", "Churn", "Sam", "upp" if n == 2 else None, 10, 5) for n in range(2, 6)]
    said = _said(tmp_path, "KPIs", rows, "D3:D5")
    assert said[0].startswith('4 K3 sales.xlsx!KPIs!D3: "upp" is not one of')
    assert said[1:] == [
        "5 K4 sales.xlsx!KPIs!D5: direction is filled down from D3, which is in error",
        "6 K5 sales.xlsx!KPIs!D6: direction is filled down from D3, which is in error",
    ]
