"""Rows in a later ``<sheetData>`` (a second one, or after an empty one nested in or
before the first): calamine reads none of them, LibreOffice 7.4 shows them. Until
2026-12-08 they were lost without a word (a far cell there refused the tab as too
large); now the tab is refused, naming the first such cell and what to do. Rows outside
any ``<sheetData>`` (before it, after it, in an ``<extLst>``), which neither shows,
are read past as before."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_reader_error_codes import SHEET, _team
from tests.support.libreoffice import convert_all, needs_libreoffice

ROW = b'<row r="5"><c r="A5" t="inlineStr"><is><t>seen</t></is></c></row>'
LATER = {
    "second": (b"</sheetData>", b"</sheetData><sheetData>" + ROW + b"</sheetData>"),
    "after-inner-end": (b"</sheetData>", b"<sheetData></sheetData>" + ROW + b"</sheetData>"),
    "after-wrapped-empty": (b"<sheetData>", b"<x><sheetData/></x><sheetData>"),
}
OUTSIDE = {
    "row-after": (b"</sheetData>", b"</sheetData>" + ROW),
    "row-before": (b"<sheetData>", ROW + b"<sheetData>"),
    "extLst": (
        b"</sheetData>",
        b'</sheetData><extLst><ext uri="x"><c r="A5" t="inlineStr"><is><t>seen</t></is>'
        b"</c></ext></extLst>",
    ),
}


def _edited(old: bytes, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_team()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == SHEET:
                assert old in body
                body = body.replace(old, new, 1)
            z.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("layout", LATER)
def test_rows_in_a_later_sheet_data_are_named(layout: str) -> None:
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(_edited(*LATER[layout]), source="sales.xlsx", tabs=["OKRs"])
    cell = "A1" if layout == "after-wrapped-empty" else "A5"
    assert str(info.value) == (
        f"sales.xlsx!OKRs!{cell}: the worksheet is damaged: it holds more than one "
        f"<sheetData>, and the cells from {cell} on are in a later one, which LibreOffice "
        "shows but this tool cannot read; open the file in LibreOffice and save it as "
        ".xlsx (it writes them in one), or restore an earlier copy"
    )
    assert info.value.cell == cell


@pytest.mark.parametrize("layout", OUTSIDE)
def test_rows_outside_any_sheet_data_are_read_past(layout: str) -> None:
    grid = read_workbook_bytes(_edited(*OUTSIDE[layout]), source="s.xlsx", tabs=["OKRs"])
    plain = read_workbook_bytes(_team(), source="s.xlsx", tabs=["OKRs"])
    assert grid.sheets["OKRs"].rows == plain.sheets["OKRs"].rows


@needs_libreoffice
def test_libreoffice_shows_what_the_read_names_and_its_save_reads(tmp_path: Path) -> None:
    """LibreOffice 7.4 shows the later rows (``seen``) and none outside; the .xlsx it
    saves, the advice, reads whole."""
    paths = []
    for name, edit in [*LATER.items(), *OUTSIDE.items()]:
        paths.append(tmp_path / f"{name}.xlsx")
        paths[-1].write_bytes(_edited(*edit))
    shown = [out.read_text() for out in convert_all(paths, "csv", tmp_path / "csv")]
    assert ["seen" in text for text in shown] == [True, True, False, False, False, False]
    assert "Objective ID" in shown[2]  # the rows after an empty wrapped one: all shown
    saved = convert_all(paths[:1], "xlsx", tmp_path / "saved")[0]
    grid = read_workbook_bytes(saved.read_bytes(), source="s.xlsx", tabs=["OKRs"])
    assert grid.sheets["OKRs"].rows[4][0] == "seen"


def test_a_bad_reference_in_a_second_sheet_data_is_no_cell_named() -> None:
    """calamine passes a second ``<sheetData>`` over, bad reference and all (until
    2026-12-08 the tab read so, its rows lost; in ``test_scan_references.py`` then): the
    tab is refused for its rows, no cell named for ``1N``."""
    row = b'<row r="9"><c r="1N"><v>1</v></c></row>'
    data = _edited(b"</sheetData>", b"</sheetData><sheetData>" + row + b"</sheetData>")
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value).startswith(
        "sales.xlsx!OKRs: the worksheet is damaged: it holds more than one <sheetData>, "
        "and the cells are in a later one"
    )
    assert info.value.cell is None
