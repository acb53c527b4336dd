"""The long tables' rows rendered in bulk read back exactly, in every reader we test with."""

from __future__ import annotations

import datetime as dt
import math
import types
from pathlib import Path
from typing import cast

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from sheets_sync.rollup import longtable
from sheets_sync.rollup.bulk import BulkCells
from sheets_sync.rollup.cellxml import escape
from sheets_sync.rollup.longtable import add_long_table
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
    back = convert(path, "xlsx", tmp_path / "lo")
    book = CalamineWorkbook.from_path(str(back))
    rows = book.get_sheet_by_name("Data").to_python()
    assert [r[0] for r in rows[1:]] == [r[0] for r in book.get_sheet_by_name("Oracle").to_python()]
    assert rows[1][1] == pytest.approx(0.1) and rows[7][1] == pytest.approx(0.026)
    assert [r[3] for r in rows[1:3]] == ["done", 4.5]


@needs_libreoffice
def test_libreoffice_round_trip_of_the_rollup_keeps_every_long_table(
    rollup_xlsx: Path, rollup: Rollup, tmp_path: Path
) -> None:
    back = convert(rollup_xlsx, "xlsx", tmp_path / "lo")
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
                    if isinstance(x, dt.datetime):  # (a datetime minus a date would raise)
                        assert abs((x - cast(dt.datetime, y)).total_seconds()) < 1, tab
                else:
                    assert x == y, tab


def _reference_cell(letters: str, r: int, v: object, style: int, kind: str) -> str:
    """bulk.py's per-cell renderer before it rendered column-wise: the output to keep."""
    if _reference_blank(v):
        return ""
    attr = f' s="{style}"' if style else ""
    if kind == "auto":
        is_number = isinstance(v, int | float) and not isinstance(v, bool)
        kind = "bool" if isinstance(v, bool) else "number" if is_number else "text"
    ref = f"{letters}{r}"
    if kind == "text":
        inline = f'<is><t xml:space="preserve">{escape(str(v))}</t></is>'
        return f'<c r="{ref}"{attr} t="inlineStr">{inline}</c>'
    if kind == "bool":
        return f'<c r="{ref}"{attr} t="b"><v>{int(bool(v))}</v></c>'
    number = float(v)  # type: ignore[arg-type]
    # a whole number as Excel writes it, 2 not 2.0 (since 2026-12-06)
    text = str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)
    return "" if math.isinf(number) else f'<c r="{ref}"{attr}><v>{text}</v></c>'


def _reference_blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if isinstance(v, str):
        return v == ""
    return bool(pd.isna(v))  # type: ignore[call-overload]  # pandas-stubs: no overload for object


MIXED = ["done", 4.5, 7, None, "", True, "x<y", 0, pd.NA, np.float64(2.5), np.bool_(True)]
COLUMNS: list[tuple[int, int, object, str]] = [  # (col, 0-based first row, values, kind)
    (0, 1, pd.Series(TRICKY + ["plain", None, ""] * 9, dtype="string"), "text"),
    (1, 1, pd.Series([0.1, np.nan, -0.0, 1e-300, 2.0**60, math.inf, 0.1 + 0.2] * 6), "number"),
    (2, 3, pd.Series([1, None, 3, -4] * 7, dtype="Int64"), "number"),
    (3, 1, pd.Series([True, None, False] * 8, dtype="boolean"), "bool"),
    (4, 1, np.array([45000.5, np.nan, 45001.0] * 9), "number"),
    (5, 2, MIXED * 3, "auto"),
    (6, 5, [1, 0, True, np.bool_(False), None] * 4, "bool"),
    (7, 1, ["a", 3, 2.5, None, "_x0041_", pd.NA] * 5, "text"),
    (7, 31, pd.Series(["kpi"] * 4, dtype="str"), "text"),  # same column, rows below
]


def _columns(bulk: BulkCells, ws: Worksheet, formats: list[Format | None]) -> None:
    for i, (col, first, values, kind) in enumerate(COLUMNS):
        n = len(values)  # type: ignore[arg-type]
        styles = [formats[(r + i) % len(formats)] for r in range(n)] if i % 2 else formats[1]
        bulk.column(ws, col, first, values, kind, styles)  # type: ignore[arg-type]


def test_column_wise_rendering_is_byte_identical_to_per_cell(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = book.add_worksheet()
    formats: list[Format | None] = [
        None,
        book.add_format({"num_format": "0.0%"}),
        book.add_format({"bold": True}),
    ]
    bulk = BulkCells()
    _columns(bulk, ws, formats)
    sheet = bulk._sheets[ws.index]
    expected = []
    for r in range(2, sheet.last_row + 1):
        cells = ""
        for column in sorted(sheet.columns, key=lambda c: c.col):
            if column.first_row <= r <= column.last_row:
                i = r - column.first_row
                values = column.values
                v = values.tolist()[i] if isinstance(values, pd.Series | np.ndarray) else values[i]
                style = column.styles if isinstance(column.styles, int) else column.styles[i]
                cells += _reference_cell(column.letters, r, v, style, column.kind)
        if cells:
            expected.append(f'<row r="{r}">{cells}</row>')
    assert sheet.segments() == [(2, sheet.last_row)]
    for chunk in (1, 7, 2_000):
        got = b"".join(sheet.rows(2, sheet.last_row, chunk=chunk)).decode()
        assert got == "".join(expected), chunk
    book.close()


def test_columns_are_kept_as_given_and_converted_a_chunk_at_a_time(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = book.add_worksheet()
    series = pd.Series([float(i) for i in range(5_000)])
    bulk = BulkCells()
    bulk.column(ws, 0, 0, series, "number", None)
    (column,) = bulk._sheets[ws.index].columns
    assert column.values is series  # no list of Python floats held until splice
    chunks = list(bulk._sheets[ws.index].rows(1, 5_000, chunk=2_000))
    assert len(chunks) == 3 and chunks[-1].endswith(
        b'<row r="5000"><c r="A5000"><v>4999</v></c></row>'
    )
    book.close()


def test_bulk_rows_go_between_xlsxwriter_rows(tmp_path: Path) -> None:
    """Title and header rows from xlsxwriter, data blocks from bulk (the Trends tab)."""
    path = tmp_path / "blocks.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Blocks")
    bulk = BulkCells()
    ws.write_string(0, 0, "first block")
    bulk.column(ws, 0, 1, pd.Series(["a", "b", "c"], dtype="string"), "text", None)
    bulk.column(ws, 1, 1, np.array([1.0, 2.0, np.nan]), "number", None)
    ws.write_string(5, 0, "second block")
    ws.write_number(5, 3, 9)
    bulk.column(ws, 0, 6, ["d", "e"], "text", None)
    ws.write_string(9, 0, "after")
    book.close()
    bulk.splice(path)
    rows = list(openpyxl.load_workbook(path)["Blocks"].iter_rows(values_only=True))
    assert rows == [
        ("first block", None, None, None),
        ("a", 1, None, None),
        ("b", 2, None, None),
        ("c", None, None, None),
        (None, None, None, None),
        ("second block", None, None, 9),
        ("d", None, None, None),
        ("e", None, None, None),
        (None, None, None, None),
        ("after", None, None, None),
    ]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Blocks").to_python()
    assert [r[0] for r in rows] == [
        "first block",
        "a",
        "b",
        "c",
        "",
        "second block",
        "d",
        "e",
        "",
        "after",
    ]


def test_bulk_rows_may_not_share_a_row_with_xlsxwriter(tmp_path: Path) -> None:
    path = tmp_path / "overlap.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    bulk = BulkCells()
    bulk.column(ws, 0, 1, ["a", "b", "c"], "text", None)
    ws.write_string(2, 5, "in the middle of the bulk rows")
    book.close()
    with pytest.raises(AssertionError, match="overlap"):
        bulk.splice(path)


def test_outline_levels_without_set_row(tmp_path: Path) -> None:
    path = tmp_path / "outline.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Tree")
    ws.write_string(0, 0, "Item")
    bulk = BulkCells()
    levels = [0, 1, 2, 2, 1, 9]
    bulk.outline(ws, 1, levels)
    bulk.column(ws, 0, 1, ["root", "child", "leaf", "leaf", "child"], "text", None)  # 6th: none
    ws.outline_settings(True, False, True, False)
    book.close()
    bulk.splice(path)
    sheet = openpyxl.load_workbook(path)["Tree"]
    got = {r: sheet.row_dimensions[r].outline_level for r in range(2, 8)}
    assert got == {2: 0, 3: 1, 4: 2, 5: 2, 6: 1, 7: 7}  # levels clamp to 0..7, as set_row's
    assert sheet.sheet_format.outlineLevelRow == 7
    assert sheet["A4"].value == "leaf" and sheet["A7"].value is None


@pytest.mark.parametrize("widening", [True, False], ids=["widened", "whole-range"])
def test_add_long_table_records_the_full_range_without_every_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, widening: bool
) -> None:
    """Widened from two rows where this xlsxwriter allows it, else added whole: the same
    table either way."""
    if not widening:
        monkeypatch.setattr(longtable, "_widening_works", lambda: False)
    path = tmp_path / "long.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("Long")
    bulk = BulkCells()
    bulk.column(ws, 0, 1, pd.Series([f"t{i}" for i in range(3_000)]), "text", None)
    bulk.column(ws, 2, 1, np.arange(3_000, dtype=float), "number", None)
    columns = [{"header": h} for h in ("Team", "Blank", "Value")]
    add_long_table(ws, 0, 0, 3_000, 2, {"name": "LongTable", "columns": columns})
    if widening:
        assert len(ws.table_cells) <= 6  # header and one row, not 9,003 cells
    with pytest.raises(ValueError, match="total row"):
        add_long_table(ws, 0, 5, 10, 6, {"total_row": True})
    with pytest.raises(ValueError, match="refused"), pytest.warns(UserWarning, match="spaces"):
        add_long_table(ws, 0, 5, 10, 6, {"name": "has space"})
    book.close()
    bulk.splice(path)
    sheet = openpyxl.load_workbook(path)["Long"]
    table = sheet.tables["LongTable"]
    assert table.ref == "A1:C3001" and table.autoFilter.ref == "A1:C3001"
    assert [c.name for c in table.tableColumns] == ["Team", "Blank", "Value"]
    assert sheet["A3001"].value == "t2999" and sheet["C3001"].value == 2_999


def test_the_widening_probe_says_no_to_a_table_layout_it_does_not_know(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An xlsxwriter that keeps its tables otherwise than 3.2 and 3.3 (here: as read-only
    records) gets the whole range, not a traceback or a two-row table."""
    longtable._widening_works.cache_clear()
    assert longtable._widening_works()  # the xlsxwriter installed
    longtable._widening_works.cache_clear()
    add_table = Worksheet.add_table

    def read_only_records(self: Worksheet, *args: object, **kwargs: object) -> int:
        refused = int(add_table(self, *args, **kwargs))
        self.tables[-1] = types.MappingProxyType(self.tables[-1])
        return refused

    monkeypatch.setattr(Worksheet, "add_table", read_only_records)
    try:
        assert not longtable._widening_works()
    finally:
        longtable._widening_works.cache_clear()
