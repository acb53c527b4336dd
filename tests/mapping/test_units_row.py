"""A row of units right under the header row (``| % | EUR | days |`` under ``Target |
Actual``), as teams type to say what each column counts: read as a data row until
2026-12-07, an error at each of its cells (``expected a number, got '%'``, ``KPI ID is
missing``). It is skipped, with no error; the units are not read from it (a row's Unit
column says a row's unit)."""

from __future__ import annotations

import pytest

from sheets_sync.domain.units import is_unit_word
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

OKRS: tuple[tuple[CellValue, ...], ...] = (
    ("Objective ID", "KR ID", "Start", "Target", "Current", "Weight"),
    (None, None, "EUR", "(EUR)", "eur", "%"),
    ("O1", "O1.1", 10, 30, 20, 1),
)
KPIS: tuple[tuple[CellValue, ...], ...] = (
    ("KPI ID", "KPI", "Target", "Actual", "As of"),
    (None, None, "%", "%", "date"),
    ("K1", "Churn", 0.05, 0.04, None),
)


def _book(okrs: tuple[tuple[CellValue, ...], ...] = OKRS) -> WorkbookData:
    grids = {"OKRs": SheetGrid("OKRs", okrs), "KPIs": SheetGrid("KPIs", KPIS)}
    return WorkbookData("sales.xlsx", ("OKRs", "KPIs"), grids)


def test_a_units_row_under_the_header_is_skipped_with_no_error() -> None:
    got = extract(_book(), load_mapping("standard"))
    assert [r.row for r in got.okrs.records] == [3]
    assert got.kpis is not None and [r.row for r in got.kpis.records] == [3]
    team = build_team_input("Sales", got)
    assert [str(f) for f in team.findings if f.is_error] == []
    assert [kr.id for kr in team.key_results] == ["O1.1"]
    assert [k.id for k in team.kpis] == ["K1"]


def test_a_units_row_further_down_is_a_data_row() -> None:
    """Only right under the header: lower, a row of units is a row the team typed wrong."""
    rows = (*OKRS[:1], OKRS[2], OKRS[1])
    got = extract(_book(rows), load_mapping("standard"))
    assert [r.row for r in got.okrs.records] == [2, 3]


def test_a_data_row_with_a_number_is_no_units_row() -> None:
    rows = (OKRS[0], ("O1", "O1.1", "EUR", 30, 20, "%"))
    got = extract(_book(rows), load_mapping("standard"))
    assert [r.row for r in got.okrs.records] == [2]


@pytest.mark.parametrize(
    "word", ["%", "EUR", "€", "k€", "$", "USD", "days", "Days", "(%)", "[EUR]", "in EUR", "#"]
)
def test_unit_words(word: str) -> None:
    assert is_unit_word(word)


@pytest.mark.parametrize("word", ["O1", "Grow revenue", "no", "done", "", 3, None, True])
def test_no_unit_words(word: object) -> None:
    assert not is_unit_word(word)
