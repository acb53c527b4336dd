"""Digits of a worksheet read by hand with ``int`` instead of ``xmlutil.whole``: a row's
``r`` of 5,000 digits padded with zeros (row 2 to the scan, which reads it by ``whole``)
was a ValueError traceback where a cell with no ``r`` is placed (``cellscan.cell_places``),
and named no cell where calamine's refusal is blamed (``blame``); a padded shared string
index was blamed though calamine reads it (until 2026-12-07)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.table import Table

from sheets_sync.backends.excel.blame import blamed_cell
from sheets_sync.backends.excel.cellscan import parse_ref
from sheets_sync.backends.excel.formulas import formula_cells
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.xmlutil import BEYOND
from sheets_sync.cli import cli
from sheets_sync.errors import WorkbookError
from tests.conftest import write_team

PADDED_2 = b"0" * 5000 + b"2"


def _row_2_padded(path: Path, cell: bytes) -> bytes:
    """The team's OKRs tab with row 2's ``r`` padded to 5,001 digits and ``cell`` (one
    with no ``r``: placed after the row's last) added to it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                assert data.count(b'<row r="2">') == 1
                data = data.replace(b'<row r="2">', b'<row r="' + PADDED_2 + b'">')
                end = data.index(b"</row>", data.index(PADDED_2))
                data = data[:end] + cell + data[end:]
            out.writestr(name, data)
    return buf.getvalue()


def test_a_formula_in_a_padded_row_is_placed_in_it(tmp_path: Path) -> None:
    data = _row_2_padded(write_team(tmp_path / "t.xlsx"), b"<c><f>1+1</f><v>2</v></c>")
    grid = read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert [cell for cell in grid.formula_cells if cell[0] == 2] == [(2, 15)]


def test_validate_reads_a_padded_row_without_a_traceback(workspace: Path) -> None:
    """``sheets-sync validate``, the team lead's command: an internal error until then."""
    team = workspace.parent / "teams" / "sales.xlsx"
    team.write_bytes(_row_2_padded(team, b"<c><f>1+1</f><v>2</v></c>"))
    done = CliRunner().invoke(cli, ["validate", "--config", str(workspace)])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    assert "internal error" not in done.output.lower() and "ValueError" not in done.output
    assert "Sales" in done.output, done.output


def test_a_refused_cell_in_a_padded_row_is_named(tmp_path: Path) -> None:
    """calamine refuses the boolean ``maybe``; the cell is named by its place, O2."""
    data = _row_2_padded(write_team(tmp_path / "t.xlsx"), b'<c t="b"><v>maybe</v></c>')
    with pytest.raises(WorkbookError, match=r"^t\.xlsx!OKRs!O2: ") as got:
        read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"])
    assert "4300" not in str(got.value)


def test_a_padded_shared_string_index_is_one_calamine_reads() -> None:
    """Two strings: ``0…01`` is the second (calamine reads it); ``2`` is none, blamed."""
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="s"><v>' + b"0" * 5000 + b"1</v></c>"
        b'<c r="B1" t="s"><v>2</v></c></row></sheetData></worksheet>'
    )
    shared = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>a</t></si><si><t>b</t></si></sst>"
    )
    reason = "Cell string index not found in shared strings table"
    assert blamed_cell(reason, sheet, shared) == "B1"


def test_a_reference_row_is_read_by_its_digits() -> None:
    assert parse_ref("C" + "0" * 5000 + "7") == (7, 3)
    assert parse_ref("C" + "9" * 5000) == (BEYOND, 3)
    with pytest.raises(WorkbookError, match="malformed cell reference"):
        parse_ref("C\u0661")  # an Arabic-Indic 1: a digit to ``\d`` and ``int``, not to Excel


def test_a_tables_padded_totals_row_count_is_read(tmp_path: Path) -> None:
    """``totalsRowCount="0…01"`` (5,000 zeros): ``int`` raised (caught), and the totals
    row read as a key result's; now row 4, as ``1``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for row in (["KR", "Score"], ["a", 1], ["b", 2], ["Total", 3]):
        ws.append(row)
    table = Table(displayName="T1", ref="A1:B4")
    table.totalsRowCount = 1
    ws.add_table(table)
    wb.save(tmp_path / "t.xlsx")
    buf = io.BytesIO()
    with zipfile.ZipFile(tmp_path / "t.xlsx") as src, zipfile.ZipFile(buf, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("xl/tables/"):
                assert b'totalsRowCount="1"' in data
                data = data.replace(
                    b'totalsRowCount="1"', b'totalsRowCount="' + b"0" * 5000 + b'1"'
                )
            out.writestr(name, data)
    grid = read_workbook_bytes(buf.getvalue(), source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.total_rows == {4}


def test_a_formula_whose_reference_is_padded_is_a_formula() -> None:
    """``r="O0…02"`` (5,000 zeros): ``int`` raised in ``formulas``, and the cell was
    silently no formula (until a review on 2026-12-07). By ``formula_cells`` itself: the
    reader's scan refuses such a reference (``sheetscan``, "bad cell reference")."""
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="2"><c r="O' + PADDED_2 + b'"><f>1+1</f><v>2</v></c>'
        b"</row></sheetData></worksheet>"
    )
    assert (2, 15) in formula_cells(xml)[0]
