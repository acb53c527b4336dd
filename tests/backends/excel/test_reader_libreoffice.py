"""Formulas with real cached values: openpyxl writes formulas without results, so the
workbook is recalculated and saved once by LibreOffice headless (as .xlsx and .ods)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.grid import CellError, CellRange, SheetGrid
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.scripts import HANG

#: the first test waits for the module's two conversions in turn, each bounded by HANG
pytestmark = pytest.mark.timeout(2 * HANG + 60)


def build(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OKRs"
    ws.append(["KR", "start", "target", "progress", "lookup", "note", "ok", "due"])
    ws.append(["Revenue", 100, 250, "=(C2-B2)/C2", "=NA()", None, "=C2>B2", "=DATE(2024,3,1)"])
    ws.append(["Churn", 0, 0, "=B3/C3", "=VLOOKUP(9,A1:A2,1,FALSE)", None, "=C3>B3", None])
    ws["D2"].number_format = "0%"
    ws["H2"].number_format = "yyyy-mm-dd"
    note = ws["F2"]
    note.value = "#N/A"
    note.data_type = "s"  # text that looks like an error
    ws["A4"] = "hidden row"
    ws.row_dimensions[4].hidden = True
    ws["A5"] = "merged"
    ws.merge_cells("A5:C5")
    ws["A6"] = "=SUM(B2:C3)"
    wb.save(path)


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("lo")
    src = tmp / "okrs.xlsx"
    build(src)
    return {fmt: convert(src, fmt, tmp / fmt) for fmt in ("xlsx", "ods")}


def read(path: Path) -> SheetGrid:
    return read_workbook(path, tabs=["okrs"]).sheets["OKRs"]


@needs_libreoffice
def test_cached_formula_values_xlsx(converted: dict[str, Path]) -> None:
    g = read(converted["xlsx"])
    assert g.rows[1] == (
        "Revenue",
        100.0,
        250.0,
        0.6,
        CellError("#N/A"),
        "#N/A",
        True,
        dt.date(2024, 3, 1),
    )
    assert g.rows[2][3:5] == (CellError("#DIV/0!"), CellError("#N/A"))
    assert g.rows[2][6] is False
    assert g.value(6, 1) == 350.0


@needs_libreoffice
def test_hidden_and_merged_survive_libreoffice_xlsx(converted: dict[str, Path]) -> None:
    g = read(converted["xlsx"])
    assert g.hidden_rows == frozenset({4})
    assert g.merged == (CellRange(5, 1, 5, 3),)


@needs_libreoffice
def test_ods_values_errors_hidden_and_merged(converted: dict[str, Path]) -> None:
    g = read(converted["ods"])
    assert g.rows[1][:6] == ("Revenue", 100.0, 250.0, 0.6, CellError("#N/A"), "#N/A")
    assert g.rows[1][7] == dt.date(2024, 3, 1)
    assert g.rows[2][3:5] == (CellError("#DIV/0!"), CellError("#N/A"))
    assert g.hidden_rows == frozenset({4})
    assert g.merged == (CellRange(5, 1, 5, 3),)
    assert g.value(6, 1) == 350.0
