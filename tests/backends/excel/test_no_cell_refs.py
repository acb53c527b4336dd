"""Cells and rows with no ``r``: OOXML makes a ``<c>``'s ``r`` optional (the cell is then
one right of the cell before it, the first in its row at A) and a ``<row>``'s too (the
row after the one before). Writers other than Excel leave them out where they are
implied. A sheet so written must read as the same sheet with every ``r`` kept: values,
errors, formulas, formulas with no value and their shared masters."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel import cellscan
from sheets_sync.backends.excel.formulas import formula_cells, shared_masters, uncalculated_cells
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.richvalues import vm_cells
from sheets_sync.grid import CellWrite, SheetGrid, column_index
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.shared import REAL_WORLD, needs_real_world

_ROW = re.compile(rb'<row r="(\d+)"([^>]*)>(.*?)</row>', re.S)
_CELL_REF = re.compile(rb'<c r="([A-Z]+)\d+"')
#: what the read of a tab gives that a missing ``r`` could change
FIELDS = (
    "rows",
    "formula_cells",
    "formula_arrays",
    "uncalculated",
    "shared_from",
    "hidden_rows",
    "percent_cells",
    "percent_ones",
)


def strip_refs(xml: bytes, *, rows: bool) -> bytes:
    """``xml`` with each cell's ``r`` dropped where it is implied (the column after the
    cell before), and with ``rows`` each row's too where it is the next row."""
    out: list[bytes] = []
    pos = prev_row = 0
    for m in _ROW.finditer(xml):
        num, prev_col = int(m[1]), 0

        def drop(cell: re.Match[bytes]) -> bytes:
            nonlocal prev_col
            col = column_index(cell[1].decode())
            implied, prev_col = col == prev_col + 1, col
            return b"<c" if implied else cell[0]

        cells = _CELL_REF.sub(drop, m[3])
        ref = b"" if rows and num == prev_row + 1 else b' r="%d"' % num
        out.append(xml[pos : m.start()] + b"<row" + ref + m[2] + b">" + cells + b"</row>")
        pos, prev_row = m.end(), num
    return b"".join(out) + xml[pos:]


def rewrite_sheets(data: bytes, change: object) -> bytes:
    assert callable(change)
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = change(body)
            z.writestr(info, body)
    return out.getvalue()


def _team(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(["Objective ID", "KR ID", "Target", "Current", "Score", "Check", "Confidence"])
    ws.append(["O1", "KR1", 10, 5, "=D2/C2", "=1/0", 1])
    ws.append(["O1", "KR2", 10, 0, "=D3/C3", "=NA()", 0.45])
    ws.append(["O1", "KR3", None, 7, "=D4/C4", None, 0.5])  # C4 empty: E4 is C4's neighbour
    ws.append([None, None, None, None, "=SUM(E2:E4)"])
    for row in (2, 3, 4):
        ws.cell(row, 7).number_format = "0%"
    wb.save(path)
    return path


def _read(data: bytes) -> SheetGrid:
    return read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]


def _same_read(data: bytes) -> None:
    kept = _read(data)
    assert kept.formula_cells and kept.percent_ones  # what the comparison is about
    assert len(kept.percent_cells) == 3
    for rows in (False, True):
        stripped = rewrite_sheets(data, lambda b, rows=rows: strip_refs(b, rows=rows))
        assert stripped != data and b'<c r="E2"' not in stripped
        dropped = _read(stripped)
        for name in FIELDS:
            assert getattr(dropped, name) == getattr(kept, name), (name, rows)


def test_openpyxls_formulas_read_the_same_without_references(tmp_path: Path) -> None:
    """openpyxl writes no values: each formula is uncalculated, with or without ``r``
    (until 2026-12-07 none was a formula cell, nor uncalculated, without it; nor was a
    cell in a percent format listed, so a typed 100% Confidence read as 1 of 10)."""
    data = _team(tmp_path / "t.xlsx").read_bytes()
    assert len(_read(data).uncalculated) == 6
    _same_read(data)


@needs_libreoffice
def test_calculated_formulas_and_their_errors_read_the_same_without_references(
    tmp_path: Path,
) -> None:
    """LibreOffice caches the values: the formulas' errors are the formulas', not typed."""
    data = convert(_team(tmp_path / "t.xlsx"), "xlsx", tmp_path / "lo").read_bytes()
    grid = _read(data)
    assert not grid.uncalculated and str(grid.rows[1][5]) == "#DIV/0!"
    _same_read(data)


def test_scans_place_a_cell_with_no_reference() -> None:
    """The byte scans of formulas place a cell with no ``r`` by the cells before it, and a
    row with none after the row before."""
    sheet = (
        b"<worksheet><sheetData>"
        b'<row r="2"><c><v>1</v></c><c r="C2"><f t="shared" ref="C2:C3" si="0">A2</f></c>'
        b"<c><f>1+1</f><v>2</v></c><c><f>1+1</f></c></row>"
        b'<row><c r="C3"><f t="shared" si="0"/></c><c t="str"><f>A1</f></c></row>'
        b'<row r="9"><c t="e"><f>1/0</f></c></row>'
        b"</sheetData></worksheet>"
    )
    formulas, _ = formula_cells(sheet)
    assert formulas == {
        (2, 3): "=A2", (2, 4): "=1+1", (2, 5): "=1+1", (3, 3): "", (3, 4): "=A1", (9, 1): "=1/0"
    }  # fmt: skip
    uncalculated = uncalculated_cells(sheet)
    assert uncalculated == {(2, 3), (2, 5), (3, 3), (3, 4), (9, 1)}
    assert shared_masters(sheet, uncalculated) == {(3, 3): (2, 3)}


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_a_prefixed_sheet_places_them_too(prefix: str) -> None:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    ns, p = f'xmlns{":" if prefix else ""}{prefix.rstrip(":")}="{main}"', prefix
    sheet = (
        f"<{p}worksheet {ns}><{p}sheetData><{p}row><{p}c><{p}v>1</{p}v></{p}c>"
        f"<{p}c><{p}f>A1</{p}f></{p}c></{p}row></{p}sheetData></{p}worksheet>"
    ).encode()
    assert formula_cells(sheet)[0] == {(1, 2): "=A1"}
    assert uncalculated_cells(sheet) == {(1, 2)}


def _csv(data: bytes, path: Path) -> list[list[str]]:
    """The first tab as LibreOffice shows it (its CSV export)."""
    path.write_bytes(data)
    out = convert(path, "csv", path.parent / f"{path.stem}-csv")
    return list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))


def _padded(rows: list[list[str]]) -> list[list[str]]:
    wide = max(len(row) for row in rows)
    return [row + [""] * (wide - len(row)) for row in rows]


@needs_real_world
@needs_libreoffice
def test_a_patch_puts_cells_in_place_among_cells_with_no_reference(tmp_path: Path) -> None:
    """calamine's ``minimal_package.xlsx`` gives none of its 7,000 cells an ``r``. A
    patch replacing one of them, and adding one after them, leaves every other cell
    where LibreOffice showed it, and the written ones where they were meant to go."""
    data = (REAL_WORLD / "tafia__calamine" / "minimal_package.xlsx").read_bytes()
    grid = read_workbook_bytes(data, source="m.xlsx", tabs=["Sheet1"]).sheets["Sheet1"]
    width = max(len(row) for row in grid.rows)
    writes = [CellWrite("Sheet1", 3, 5, "patched"), CellWrite("Sheet1", 4, width + 2, "added")]
    before = _csv(data, tmp_path / "before.xlsx")
    after = _csv(patch_xlsx(data, writes), tmp_path / "after.xlsx")
    assert before[2][4] not in ("", "patched")
    expected = [row[:] for row in before]
    expected[2][4] = "patched"
    expected[3] += [""] * (width + 2 - len(expected[3]))
    expected[3][width + 1] = "added"
    assert _padded(after) == _padded(expected)


@needs_libreoffice
def test_a_patch_among_cells_and_rows_with_no_reference_opens_as_meant(tmp_path: Path) -> None:
    """The team file with no ``r`` on its cells or rows: an owned formula replaced, a
    value written into a gap, one cleared, a new row: LibreOffice shows what the same
    patch of the file with every ``r`` shows."""
    data = _team(tmp_path / "t.xlsx").read_bytes()
    stripped = rewrite_sheets(data, lambda b: strip_refs(b, rows=True))
    writes = [
        CellWrite("OKRs", 3, 5, 0.5),
        CellWrite("OKRs", 4, 3, 12.0),
        CellWrite("OKRs", 2, 4, None),
        CellWrite("OKRs", 3, 8, "note"),
        CellWrite("OKRs", 7, 2, "KR9"),
    ]
    kept = _csv(patch_xlsx(data, writes), tmp_path / "kept.xlsx")
    assert kept[3][2] == "12" and kept[2][7] == "note" and kept[6][1] == "KR9"
    assert _csv(patch_xlsx(stripped, writes), tmp_path / "dropped.xlsx") == kept


def test_rich_values_of_cells_with_no_reference_are_found() -> None:
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="2"><c r="C2" t="e" vm="1"><v>#VALUE!</v></c>'
        b'<c t="e" vm="3"><v>#VALUE!</v></c></row></sheetData></worksheet>'
    )
    assert vm_cells(sheet) == {(2, 3): 1, (2, 4): 3}


def test_the_cells_with_no_reference_are_placed_once_a_tab(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each search (formulas, no values, shared masters, percent cells, 100% cells) asked
    for the places on its own: four passes over this sheet (a 1 MB sheet of 42,000 cells
    costs ~50-90 ms a pass on this box) where one does."""
    calls: list[bytes] = []
    real = cellscan.cell_places

    def spy(xml: bytes, p: bytes) -> dict[int, tuple[int, int]]:
        calls.append(xml)
        return real(xml, p)

    monkeypatch.setattr(cellscan, "cell_places", spy)
    data = rewrite_sheets(
        _team(tmp_path / "t.xlsx").read_bytes(), lambda b: strip_refs(b, rows=True)
    )
    grid = _read(data)
    assert grid.uncalculated and grid.percent_ones and len(grid.percent_cells) == 3
    assert len(calls) == 1
