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


def _kpi_book(*rows: tuple[CellValue, ...]) -> WorkbookData:
    header: tuple[CellValue, ...] = ("KPI ID", "KPI", "Unit", "Target", "Actual")
    okrs = SheetGrid("OKRs", OKRS)
    grids = {"OKRs": okrs, "KPIs": SheetGrid("KPIs", (header, *rows))}
    return WorkbookData("sales.xlsx", ("OKRs", "KPIs"), grids)


@pytest.mark.parametrize(
    "first",
    [("NPS", "NPS", "score", None, None), ("Users", None, None, None, None),
     ("FTE", "FTE", "FTE", None, None), (None, "Churn", "%", None, None)],
)  # fmt: skip
def test_a_row_with_an_id_or_name_is_no_units_row(first: tuple[CellValue, ...]) -> None:
    """Until 2026-12-07 a first KPI row ``NPS | NPS | score`` vanished without a word:
    every cell was a "unit word" (nps, users, fte, score)."""
    got = extract(_kpi_book(first, ("K2", "Churn", "%", 0.05, 0.04)), load_mapping("standard"))
    assert got.kpis is not None and [r.row for r in got.kpis.records] == [2, 3]


def test_a_row_of_formulas_with_no_value_is_no_units_row() -> None:
    """A script-saved file's first row, its IDs and numbers formulas with no value, its
    Unit typed ``%``: said as such, not skipped as units (until 2026-12-07)."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "Start", "Target", "Current", "Unit"),
        (None, None, None, None, None, "%"),
    )
    unknown = frozenset((2, c) for c in range(1, 6))
    grid = SheetGrid(
        "OKRs", rows, uncalculated=unknown, formula_cells=dict.fromkeys(unknown, "=Data!A1")
    )
    got = extract(WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid}), load_mapping("standard"))
    assert [r.row for r in got.okrs.records] == [2]


def test_a_type_column_filled_is_no_units_row() -> None:
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "KR type", "Start", "Target", "Current", "Unit"),
        (None, None, "number", None, None, None, "%"),
        ("O1", "O1.1", None, 0, 30, 20, "%"),
    )
    got = extract(_book(rows), load_mapping("standard"))
    assert [r.row for r in got.okrs.records] == [2, 3]


def test_full_width_percent_is_a_unit_word() -> None:
    assert is_unit_word("％") and is_unit_word("（％）")


@pytest.mark.parametrize("word", ["users", "customers", "NPS", "score", "number", "x", "date"])
def test_domain_nouns_are_no_unit_words(word: str) -> None:
    assert not is_unit_word(word)


@pytest.mark.parametrize("col", [7, 8])  # a helper column; a column past the header
def test_a_formula_outside_the_mapped_columns_keeps_a_units_row(col: int) -> None:
    """A helper column's formula copied down (``=IFERROR(E2/D2,"")``), a Google
    ARRAYFORMULA over row 2: until 2026-12-07 a formula anywhere in the row made the
    ``| % | % | % |`` under the header a data row, 5 errors. Only the mapped columns'
    cells, the ones the units-row rule reads, are looked at for formulas."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "Start", "Target", "Current", "Unit", "Progress"),
        (None, None, "%", "%", "%", None, "", None),
        ("O1", "O1.1", 0, 30, 20, "%", 0.66, None),
    )
    formulas = {(2, col): '=IFERROR(E2/D2,"")', (3, col): '=IFERROR(E3/D3,"")'}
    grid = SheetGrid("OKRs", rows, formula_cells=formulas)
    got = extract(WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid}), load_mapping("standard"))
    assert [r.row for r in got.okrs.records] == [3]
    team = build_team_input("Sales", got)
    assert [str(f) for f in team.findings if f.is_error] == []


@pytest.mark.parametrize("value", [None, "%"])
def test_a_formula_in_a_mapped_column_is_no_units_row(value: CellValue) -> None:
    """A formula in a column the rule reads, with or without a value: a data row."""
    rows: tuple[tuple[CellValue, ...], ...] = (
        ("Objective ID", "KR ID", "Start", "Target", "Current", "Unit"),
        (None, None, "%", "%", value, None),
    )
    grid = SheetGrid("OKRs", rows, formula_cells={(2, 5): "=Data!A1"})
    got = extract(WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": grid}), load_mapping("standard"))
    assert [r.row for r in got.okrs.records] == [2]
