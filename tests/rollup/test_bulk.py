"""The long tables' rows rendered in bulk read back exactly, in every reader we test with."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from sheets_sync.rollup.bulk import BulkCells, escape
from sheets_sync.rollup.tables import Rollup
from tests.support.libreoffice import convert, needs_libreoffice

TRICKY = [
    '=HYPERLINK("http://x")',
    "<b>Tom & Jerry</b>",
    "  padded  ",
    "bell\x07and\x1fnul",
    "_x0041_ literal",
    "line\nbreak\ttab",
    "emoji 🚀 café",
    "-5",
]


def test_escape() -> None:
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert escape("x\x01y") == "x_x0001_y"
    assert escape("_x0041_") == "_x005F_x0041_"
    assert escape("plain") == "plain"


def _write(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Data")
    pct = book.add_format({"num_format": "0.0%"})
    ws.write_row(0, 0, ["Text", "Number", "Flag", "Mixed"])
    oracle = book.add_worksheet("Oracle")  # the same strings through xlsxwriter itself
    for r, text in enumerate(TRICKY):
        oracle.write_string(r, 0, text)
    bulk = BulkCells()
    bulk.column(ws, 0, 1, TRICKY, "text", None)
    numbers = [0.1, 1e-05, -3, 2**53, float("nan"), None, 0.026000000000000002, math.inf]
    bulk.column(ws, 1, 1, numbers, "number", [pct, None] * 4)
    bulk.column(ws, 2, 1, [True, False, None, True, False, True, None, False], "bool", None)
    bulk.column(ws, 3, 1, ["done", 4.5, 7, None, "", True, "x", 0], "auto", None)
    ws.add_table(0, 0, 8, 3, {"name": "T", "columns": [{"header": h} for h in "ABCD"]})
    book.close()
    bulk.splice(path)


def test_values_types_and_formats_read_back(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xlsx"
    _write(path)
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("Data").to_python()
    oracle = [r[0] for r in book.get_sheet_by_name("Oracle").to_python()]
    assert [r[0] for r in rows[1:]] == oracle  # calamine leaves _xHHHH_ escapes as they are
    assert [r[1] for r in rows[1:]] == [0.1, 1e-05, -3, 2**53, "", "", 0.026000000000000002, ""]
    assert [r[2] for r in rows[1:]] == [True, False, "", True, False, True, "", False]
    assert [r[3] for r in rows[1:]] == ["done", 4.5, 7, "", "", True, "x", 0]
    both = openpyxl.load_workbook(path)
    ws = both["Data"]
    expected = [both["Oracle"].cell(r, 1).value for r in range(1, 9)]
    got = [ws.cell(r, 1).value for r in range(2, 10)]
    # openpyxl undoes the "_x005F_" escape in shared strings only; Excel in both
    assert got[4] == "_x005F_x0041_ literal" and expected[4] == TRICKY[4]
    assert got[:4] + got[5:] == expected[:4] + expected[5:]
    assert expected[:3] == TRICKY[:3] and expected[5:] == TRICKY[5:]
    assert ws["B2"].number_format == "0.0%" and ws["B3"].number_format == "General"
    assert ws.dimensions == "A1:D9"
    assert ws.tables["T"].ref == "A1:D9"


@needs_libreoffice
def test_libreoffice_reads_bulk_rows(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xlsx"
    _write(path)
    back = convert(path, "xlsx", tmp_path / "lo", timeout=120)
    book = CalamineWorkbook.from_path(str(back))
    rows = book.get_sheet_by_name("Data").to_python()
    assert [r[0] for r in rows[1:]] == [r[0] for r in book.get_sheet_by_name("Oracle").to_python()]
    assert rows[1][1] == pytest.approx(0.1) and rows[7][1] == pytest.approx(0.026)
    assert [r[3] for r in rows[1:3]] == ["done", 4.5]


@needs_libreoffice
def test_libreoffice_round_trip_of_the_rollup_keeps_every_long_table(
    rollup_xlsx: Path, rollup: Rollup, tmp_path: Path
) -> None:
    back = convert(rollup_xlsx, "xlsx", tmp_path / "lo", timeout=120)
    ours = CalamineWorkbook.from_path(str(rollup_xlsx))
    theirs = CalamineWorkbook.from_path(str(back))
    for tab in ("Objectives", "Key results", "KPIs", "Findings"):
        a = ours.get_sheet_by_name(tab).to_python()
        b = theirs.get_sheet_by_name(tab).to_python()
        assert len(a) == len(b) and len(a) > 1, tab
        for row_a, row_b in zip(a, b, strict=True):
            for x, y in zip(row_a, row_b, strict=True):
                if isinstance(x, float) and isinstance(y, float):
                    assert x == pytest.approx(y, rel=1e-12), tab
                elif isinstance(x, dt.datetime | dt.date) and isinstance(y, dt.datetime | dt.date):
                    assert abs((x - y).total_seconds() if isinstance(x, dt.datetime) else 0) < 1
                else:
                    assert x == y, tab
