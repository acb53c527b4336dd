"""An error value a cell holds with no formula: a typed ``#N/A`` (Excel stores it as the
error value, ``t="e"`` with no ``<f>``), or a column of lookups pasted as values. Until
2026-12-07 its finding blamed "the formula, or a cell it draws on", which the cell does
not have; it now says the cell holds the error value itself, and to type the value."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import _typed_errors, read_workbook_bytes
from sheets_sync.config import load_workspace
from sheets_sync.grid import CellError, CellRange, SheetGrid
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.backends.excel.test_reader_error_codes import SHEET, _team, _with_cell

TYPED = (
    "the cell holds the error value itself, with no formula: it was typed, or pasted as a "
    "value from a formula's result; type the value in its place"
)


def _typed(value: object) -> bool:
    assert isinstance(value, CellError), value
    return value.typed


def test_an_error_cell_with_no_formula_reads_as_typed() -> None:
    """``t="e"`` with no ``<f>`` is typed; with one (plain, shared, an array's anchor) or
    inside an array formula's range (its other cells hold only values) a formula's."""
    data = _team()
    cells = {
        "K2": '<c r="K2" t="e"><v>#N/A</v></c>',
        "K3": '<c r="K3" t="e"><f>VLOOKUP(A3,Z:Z,2,0)</f><v>#N/A</v></c>',
        "J2": '<c r="J2" t="e"><f t="array" ref="J2:J3">Z2:Z3/0</f><v>#DIV/0!</v></c>',
        "J3": '<c r="J3" t="e"><v>#DIV/0!</v></c>',
        "M2": '<c r="M2" t="e"><f t="shared" ref="M2:M3" si="0">1/0</f><v>#DIV/0!</v></c>',
        "M3": '<c r="M3" t="e"><f t="shared" si="0"/><v>#DIV/0!</v></c>',
    }
    for ref, cell in cells.items():
        data = _with_cell(data, ref, cell)
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][10] == CellError("#N/A") and _typed(grid.rows[1][10])
    assert not _typed(grid.rows[2][10])
    assert [_typed(grid.rows[r][9]) for r in (1, 2)] == [False, False]
    assert [_typed(grid.rows[r][12]) for r in (1, 2)] == [False, False]


def test_a_rich_values_fallback_is_not_marked_typed() -> None:
    """A ``vm`` cell's ``#VALUE!`` is what Excel shows older readers for a picture or a
    linked data type, not a value anyone typed (its words are ``richvalues.py``'s)."""
    grid = SheetGrid("OKRs", ((CellError("#VALUE!"), CellError("#N/A")),))
    errors = {(1, 1): "#VALUE!", (1, 2): "#N/A"}
    marked = _typed_errors(grid, errors, {(1, 1): 0})
    assert [_typed(v) for v in marked.rows[0]] == [False, True]
    box = (CellRange(1, 1, 1, 2),)  # an array formula at A1 filling A1:B1
    arrays = SheetGrid("OKRs", grid.rows, formula_cells={(1, 1): "=Z1:AA1"}, formula_arrays=box)
    assert [_typed(v) for v in _typed_errors(arrays, errors, {}).rows[0]] == [False, False]


def test_a_typed_na_in_a_real_workbook_is_a_finding_saying_so(tmp_path: Path) -> None:
    """The workbook as a spreadsheet application saves it: openpyxl stores a typed
    ``#N/A`` as Excel does, ``<c t="e"><v>#N/A</v></c>`` with no ``<f>``; beside it a
    lookup's ``#N/A`` keeps the formula's words."""
    book = openpyxl.load_workbook(io.BytesIO(_team()))
    okrs = book["OKRs"]
    okrs["K2"] = "#N/A"  # typed
    out = io.BytesIO()
    book.save(out)
    lookup = '<c r="K3" t="e"><f>VLOOKUP(A3,Z:Z,2,0)</f><v>#N/A</v></c>'
    data = _with_cell(out.getvalue(), "K3", lookup)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    assert b'<c r="K2" t="e"><v>#N/A</v></c>' in sheet
    (tmp_path / "teams").mkdir()
    (tmp_path / "teams" / "sales.xlsx").write_bytes(data)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\nteams:\n"
        "  - {name: Sales, source: teams/sales.xlsx}\n",
        encoding="utf-8",
    )
    result = Sync(load_workspace(cfg)).run(SyncOptions(as_of=dt.date(2026, 11, 12), workers=1))
    (sales,) = result.runs
    assert sales.error is None
    assert [str(f) for f in sales.findings if f.is_error] == [
        f"sales.xlsx!OKRs!K2: the cell shows the error #N/A ({TYPED})",
        "sales.xlsx!OKRs!K3: the cell shows the error #N/A (the formula, or a cell it draws "
        "on, marks its value not available (NA()) or looks up (XLOOKUP, VLOOKUP, MATCH) a "
        "value its list does not hold: type the value, or add it to the list)",
    ]
