"""Formula values no program calculated, though the file holds one: XlsxWriter's 0.

XlsxWriter (and libxlsxwriter, rust_xlsxwriter) cannot calculate, so it stores ``<v>0</v>``
as every formula's value unless the script passes one, and asks the application to
recalculate on load: ``<calcPr calcId="124519" fullCalcOnLoad="1"/>``. Excel does, and
clears the flag when it saves. A team sheet a script generated and no one saved in Excel
read each formula's Actual as 0 (until 2026-12-07): a wrong score without a word.

Only that pair, in that order, marks the values as placeholders. The sync itself sets
``fullCalcOnLoad`` on every workbook with Excel's values it writes (``recalc.py``), beside
the ``calcId`` of the Excel that saved it (``191029``) or none (LibreOffice writes none):
those are read as they are. ``124519`` is the calculation engine id openpyxl and XlsxWriter
write, and Excel 2007's (a later Excel writes its own): beside it the sync's flag made the
pair, and an Excel 2007 file's real 0s read as no value on the next night, until
2026-12-07. The sync turns that id to ``0`` now, and its flag came first in the files it
wrote before (``fullCalcOnLoad="1" calcId="124519"``), where the scripts write the id
first: read as Excel's values. (A program that rewrites ``workbook.xml`` with the id first
and keeps both, with Excel 2007's values, would have its 0s read as no value.)
LibreOffice 7.4, set as it ships ("never recalculate" an Excel 2007+ file on load), keeps
the 0s and drops the flag when it saves: the file then reads 0 and nothing tells it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from sheets_sync.backends.excel.cellscan import Places, trimmed_rows
from sheets_sync.backends.excel.formulas import cell_tag_before, formula_cell_bodies
from sheets_sync.backends.excel.xmlutil import parse_attrs, worksheet_prefix
from sheets_sync.grid import BoxIndex, CellRange, CellValue, SheetGrid

#: the calculation engine id openpyxl and XlsxWriter write (Excel 2007's)
SCRIPT_CALC_ID = "124519"
_ON = ("1", "true")


def placeholder_values(calc_pr: dict[str, str] | None) -> bool:
    """Whether the workbook's ``calcPr`` attributes (by local name, in the order written)
    mark its formula values as placeholders: a recalculation on load asked, after a
    script's engine id. The sync wrote its flag first, beside Excel 2007's same id, until
    2026-12-07 (``recalc.py`` turns that id to 0 now): those values are Excel's."""
    if calc_pr is None or calc_pr.get("calcId") != SCRIPT_CALC_ID:
        return False
    names = list(calc_pr)
    flag = "fullCalcOnLoad"
    return calc_pr.get(flag) in _ON and names.index("calcId") < names.index(flag)


def placeholder_cells(sheet_xml: bytes, places: Places | None = None) -> frozenset[tuple[int, int]]:
    """(row, column) of each formula cell whose value is a number 0 (no ``t`` or ``t="n"``,
    ``<v>0</v>`` as XlsxWriter writes it, byte for byte): XlsxWriter's placeholder. Run
    only on a workbook whose ``calcPr`` says the values are placeholders
    (``placeholder_values``) and a tab with formulas; a tab without ``</f><v>0</v>`` costs
    one search (every tab XlsxWriter wrote with values given, as the bench's)."""
    p = worksheet_prefix(sheet_xml)
    if p is None:
        return frozenset()
    if b"</" + p + b"f><" + p + b"v>0</" not in sheet_xml:
        return frozenset()
    v_open, v_close = b"<" + p + b"v>", b"</" + p + b"v>"
    found: set[tuple[int, int]] = set()
    for cell, attrs, rest in formula_cell_bodies(sheet_xml, p, places or Places(sheet_xml, p)):
        kind = dict(parse_attrs(attrs)).get(b"t", b"n")
        v = rest.find(v_open)
        shut = rest.find(v_close, v)
        zero = v >= 0 and shut == v + len(v_open) + 1 and rest[v + len(v_open)] == 48
        if kind == b"n" and zero:  # 48: "0"
            found.add(cell)
    return frozenset(found)


def with_placeholders(grid: SheetGrid, sheet_xml: bytes, places: Places) -> SheetGrid:
    """``grid`` (of a tab with formulas, in a workbook whose ``calcPr`` marks placeholders)
    with each placeholder 0 (``placeholder_cells``, and the padding of its arrays,
    ``array_padding``) blank and listed in ``placeholder_values``; ``grid`` itself when
    it has none."""
    zeros = placeholder_cells(sheet_xml, places)
    zeros |= array_padding(sheet_xml, grid.formula_arrays, places)
    if not zeros:
        return grid
    rows = trimmed_rows(blanked(grid.rows, zeros))
    return replace(grid, rows=rows, placeholder_values=zeros)


def array_padding(
    sheet_xml: bytes, arrays: Sequence[CellRange], places: Places | None = None
) -> frozenset[tuple[int, int]]:
    """(row, column) of each cell in the range of an array formula (``arrays``) but its
    first that holds a bare number 0 (``<v>0</v>`` alone, no ``<f>``, no ``t`` or
    ``t="n"``): XlsxWriter writes ``<f t="array" ref="B2:B4">`` and the value in the first
    cell and pads the others so, whatever value the script gave the first and whatever
    the cells' format. Found in the sheet, as ``placeholder_cells``, not by the value
    read: until 2026-12-07 only the number 0s of an array whose first cell was a
    placeholder were, so a padding 0 read 0 beside a given first value, and 00:00 or a
    0 duration in a date or ``[h]:mm:ss`` format. Run only on a workbook whose ``calcPr``
    marks placeholders; a tab with no array costs nothing, one with no ``<v>0</v>`` one
    search."""
    if not arrays:
        return frozenset()
    p = worksheet_prefix(sheet_xml)
    if p is None:
        return frozenset()
    zero = b"<" + p + b"v>0</" + p + b"v>"
    at = sheet_xml.find(zero)
    if at < 0:
        return frozenset()
    c_open, boxes = b"<" + p + b"c", BoxIndex(arrays)
    places = places or Places(sheet_xml, p)
    found: set[tuple[int, int]] = set()
    while at >= 0:
        tag = cell_tag_before(sheet_xml, at, c_open, places)  # None: an <f> before it
        if (
            tag is not None
            and (box := boxes.find(*tag[0])) is not None
            and tag[0] != (box.min_row, box.min_col)
            and dict(parse_attrs(tag[1])).get(b"t", b"n") == b"n"
        ):
            found.add(tag[0])
        at = sheet_xml.find(zero, at + len(zero))
    return frozenset(found)


def blanked(
    rows: Sequence[Sequence[CellValue]], cells: Collection[tuple[int, int]]
) -> list[list[CellValue]]:
    """``rows`` with ``cells`` (row, column) empty, untrimmed."""
    out = [list(row) for row in rows]
    for r, c in cells:
        if r <= len(out) and c <= len(out[r - 1]):
            out[r - 1][c - 1] = None
    return out
