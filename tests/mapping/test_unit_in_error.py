"""A Unit cell in error on a real sheet: said at its cell, the row's numbers read as
stored, and the Unit read as blank (docs/scoring.md, "A cell in error"): a key result of
KR type percent whose Unit shows #N/A is in % by its percent cells, as with a blank
Unit; a KPI whose Unit shows #N/A is not warned of as one with no unit (until
2026-12-07 it was)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.cli.test_ops_cli import AS_OF, run

OKRS = ("Objective ID", "Objective", "KR ID", "Key result", "Owner", "KR type", "Unit",
        "Start", "Target", "Current")  # fmt: skip
KPIS = ("KPI ID", "KPI", "Owner", "Unit", "Direction", "Target", "Amber threshold", "Actual",
        "As of")  # fmt: skip


def _book(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(OKRS)
    ws.append(("O1", "Grow", "KR1", "Win rate", "Sam", "percent", "#N/A", 0, 0.4, 0.2))
    ws.append((None, None, "KR2", "Reach", "Sam", "percent", None, 0, 0.4, 0.2))
    for cell in ("H2", "I2", "J2", "H3", "I3", "J3"):
        ws[cell].number_format = "0%"
    kpis = wb.create_sheet("KPIs")
    kpis.append(KPIS)
    kpis.append(("K1", "Deals", "Sam", "#N/A", "higher", 8, 0.1, 5, "2026-11-20"))
    kpis["G2"].number_format = "0%"
    wb.save(path)


def test_a_percent_key_result_with_its_unit_in_error_is_in_percent_as_a_blank_one(
    tmp_path: Path,
) -> None:
    """The Unit in error is treated as blank, as "A cell in error" says of any field the
    score does without: its key result of KR type percent is in %, as KR2's blank Unit
    makes it (for part of 2026-12-07 it had no unit)."""
    path = tmp_path / "sales.xlsx"
    _book(path)
    data = read_workbook(path, source="sales.xlsx", tabs=("OKRs", "KPIs"))
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    got = [(kr.id, kr.unit, kr.target) for kr in team.key_results]
    assert got == [("KR1", "%", 0.4), ("KR2", "%", 0.4)]
    assert [str(f).split(": ")[0] for f in team.findings if f.is_error] == [
        "sales.xlsx!OKRs!G2",
        "sales.xlsx!KPIs!D2",
    ]


def test_validate_says_a_kpi_unit_in_error_and_no_guess_on_its_scale(tmp_path: Path) -> None:
    (tmp_path / "teams").mkdir()
    _book(tmp_path / "teams" / "sales.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Sales, source: teams/sales.xlsx, mapping: standard}\n",
        encoding="utf-8",
    )
    _, out, _ = run("validate", "--config", str(cfg), *AS_OF)
    kpi_lines = [line for line in out.splitlines() if "!KPIs!" in line]
    assert [line.split(": ")[2] for line in kpi_lines] == ["sales.xlsx!KPIs!D2"]
    assert "the cell shows the error #N/A" in kpi_lines[0]
