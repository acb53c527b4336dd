"""Excel tables of any length, at the cost of a two-row one in xlsxwriter.

The long tables' rows are spliced in by ``bulk.py``; xlsxwriter only lays out the table
around them (its header, filter and style), here.
"""

from __future__ import annotations

import functools
import io
import zipfile
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_range
from xlsxwriter.worksheet import Worksheet

from sheets_sync.loggers import get_logger

log = get_logger("sheets_sync.rollup")


def add_long_table(
    ws: Worksheet,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
    options: dict[str, Any],
) -> None:
    """``ws.add_table`` for a table of any length at the cost of a two-row one.

    xlsxwriter 3.3 records every cell of a table's range in ``ws.table_cells`` for its
    overlap check (286 MB and a Python loop over 2.7 million cells at 2,000 teams). Ours
    never overlap (one table a sheet, or stacked apart by construction), so the table is
    added over its header and first row and its recorded ranges then widened: without a
    total row, data or column formulas nothing else in ``add_table`` reads ``last_row``
    (only ``range``, ``a_range`` and ``autofilter`` are kept; the header and the filter
    cells are on ``first_row``). An xlsxwriter that keeps its tables otherwise
    (``_widening_works``) is given the whole range, as ``add_table`` is meant to be.
    """
    formulas = any(c.get("formula") or c.get("total_function") for c in options.get("columns", []))
    if formulas or {"total_row", "data"} & set(options):
        raise ValueError("add_long_table: no total row, data or column formulas (add_table)")
    widen = _widening_works()
    given_last = min(last_row, first_row + 1) if widen else last_row
    if ws.add_table(first_row, first_col, given_last, last_col, options):
        raise ValueError(f"xlsxwriter refused table {options.get('name')!r} (see its warning)")
    if widen:
        _widen(ws.tables[-1], xl_range(first_row, first_col, last_row, last_col))


def _widen(table: dict[str, Any], full: str) -> None:
    table["range"] = table["a_range"] = full
    if table.get("autofilter"):
        table["autofilter"] = full


@functools.cache
def _widening_works() -> bool:
    """Whether this xlsxwriter writes a table from the ranges ``_widen`` sets, as 3.2 and
    3.3 do: checked once a process, on a workbook in memory (a few ms)."""
    try:
        out = io.BytesIO()
        book = Workbook(out, {"in_memory": True})
        ws = book.add_worksheet()
        ws.add_table(0, 0, 1, 1, {"name": "Probe", "columns": [{"header": "A"}, {"header": "B"}]})
        _widen(ws.tables[-1], "A1:B10")
        book.close()
        with zipfile.ZipFile(out) as package:
            xml = package.read("xl/tables/table1.xml")
    except Exception:  # a layout this does not know: any failure means no
        log.debug("xlsxwriter's tables are not widened", exc_info=True)
        return False
    return xml.count(b'ref="A1:B10"') == 2  # the table's and its autofilter's


def print_titles(ws: Worksheet, header_row: int, last_column: int = 0) -> None:
    """Print a wide tab landscape with its header row and first columns (through
    ``last_column``: the team, or the item) on every page: it prints as several pages
    across, and only the first page said which team a row was."""
    ws.set_landscape()
    ws.repeat_rows(header_row)
    ws.repeat_columns(0, last_column)
