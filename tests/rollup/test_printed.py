"""The company workbook as people print and read it: no ``###`` for a date, headers that
say what a chart's axes are."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

#: Characters each date format shows (Excel and LibreOffice print ``###`` when narrower).
SHOWN = {"yyyy-mm-dd": 10, "yyyy-mm-dd hh:mm": 16, "yyyy-mm-dd hh:mm:ss": 19}
DEFAULT_WIDTH = 8.43  # Excel's width of a column no width was set for


@pytest.fixture(scope="module")
def book(rollup_xlsx: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(rollup_xlsx)


def _width(ws: Worksheet, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return float(dim.width) if dim is not None and dim.width else DEFAULT_WIDTH


def _too_narrow(ws: Worksheet) -> list[str]:
    """Date cells whose column is narrower than the text their format shows."""
    return [
        f"{cell.coordinate} {cell.number_format} in {_width(ws, cell.column):g}"
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, dt.datetime | dt.date)
        and _width(ws, cell.column) < SHOWN.get(cell.number_format, 10)
    ]


def test_summary_dates_fit_their_columns(book: openpyxl.Workbook) -> None:
    """The company objectives table under the teams shares their columns; its widths were
    set last and shrank the teams' (``Last successful read`` in 8.7 and ``Generated at``
    in 11.7 printed ``###``)."""
    assert _too_narrow(book["Summary"]) == []
