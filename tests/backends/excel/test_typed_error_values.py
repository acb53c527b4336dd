"""An error value a cell holds with no formula: a typed ``#N/A`` (Excel stores it as the
error value, ``t="e"`` with no ``<f>``), or a column of lookups pasted as values. Until
2026-12-07 its finding blamed "the formula, or a cell it draws on", which the cell does
not have; it now says the cell holds the error value itself, and to type the value."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.formulas import typed_errors
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.config import load_workspace
from sheets_sync.grid import CellError, CellRange, SheetGrid, a1
from sheets_sync.sync.engine import Sync, SyncOptions
from tests.backends.excel.test_reader_error_codes import SHEET, _team, _with_cell
from tests.support.workbooks import member_rewritten

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
    marked = typed_errors(grid, errors, {(1, 1): 0})
    assert [_typed(v) for v in marked.rows[0]] == [False, True]
    box = (CellRange(1, 1, 1, 2),)  # an array formula at A1 filling A1:B1
    arrays = SheetGrid("OKRs", grid.rows, formula_cells={(1, 1): "=Z1:AA1"}, formula_arrays=box)
    assert [_typed(v) for v in typed_errors(arrays, errors, {}).rows[0]] == [False, False]


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


def _with_rows(rows: str) -> bytes:
    """The team workbook with its OKRs sheet's cells replaced by ``rows``."""

    def edit(body: bytes) -> bytes:
        body = re.sub(
            rb"<sheetData>.*</sheetData>",
            f"<sheetData>{rows}</sheetData>".encode(),
            body,
            flags=re.S,
        )
        return re.sub(rb'<dimension ref="[^"]*"/>', b"", body)

    return member_rewritten(_team(), SHEET, edit)


def _marks(data: bytes) -> dict[str, bool]:
    """a1 -> typed, of each error cell of the OKRs tab."""
    grid = read_workbook_bytes(data, source="s.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    return {
        a1(r, c): v.typed
        for r, row in enumerate(grid.rows, 1)
        for c, v in enumerate(row, 1)
        if isinstance(v, CellError)
    }


def test_a_prefixed_sheets_formula_errors_are_the_formulas() -> None:
    """The .NET Open XML SDK writes ``<x:c><x:f>``: until 2026-12-07 the reader looked for
    ``<f`` only, so every formula's error there read as typed and its formulas went
    unmarked (an owned formula cell went unwritten when its value was the sync's)."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        f'<x:worksheet xmlns:x="{ns}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>KR ID</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>'
        '<x:c r="B2" t="e"><x:v>#N/A</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    data = member_rewritten(_team(), SHEET, lambda _: sheet.encode())
    assert _marks(data) == {"A2": False, "B2": True}
    grid = read_workbook_bytes(data, source="s.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.formula_cells == {(2, 1): "=1/0"}


def test_a_data_tables_cells_are_its_formulas() -> None:
    """A What-If data table holds its ``<f t="dataTable" ref="B2:B4">`` in B2 only; Excel
    computes B3 and B4, which until 2026-12-07 read as typed."""
    rows = (
        '<row r="1"><c r="A1"><v>0</v></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="e">'
        '<f t="dataTable" ref="B2:B4" dt2D="0" dtr="0" r1="A1"/><v>#DIV/0!</v></c></row>'
        '<row r="3"><c r="A3"><v>2</v></c><c r="B3" t="e"><v>#DIV/0!</v></c></row>'
        '<row r="4"><c r="A4"><v>3</v></c><c r="B4" t="e"><v>#DIV/0!</v></c>'
        '<c r="C4" t="e"><v>#N/A</v></c></row>'
    )
    assert _marks(_with_rows(rows)) == {"B2": False, "B3": False, "B4": False, "C4": True}


def test_cells_without_a_reference_are_told_by_their_own_formula() -> None:
    """A cell may leave out ``r`` (it is then one right of the one before): whether it
    holds a formula is what the scan, which places it, saw; until 2026-12-07 a formula's
    error there read as typed (and one whose ``<f>`` followed its ``<v>`` too)."""
    rows = (
        '<row r="1"><c><v>1</v></c><c t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c t="e"><v>#N/A</v></c></row>'
        '<row><c t="e"><v>#N/A</v></c><c t="e"><f>NA()</f><v>#N/A</v></c></row>'
        '<row r="3"><c r="A3" t="e"><v>#N/A</v><f>NA()</f></c></row>'
    )
    marks = {"B1": False, "C1": True, "A2": True, "B2": False, "A3": False}
    assert _marks(_with_rows(rows)) == marks
