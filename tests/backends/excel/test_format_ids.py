"""A style's ``numFmtId`` written other than as bare digits (``" 164 "``, ``"+14"``,
``"014"``; a tool's padding) is read as the number, as XSD reads an ``unsignedInt`` and
as LibreOffice 7.4 shows the cell (in its format: a date). calamine reads such a style
in no format: until 2026-12-08 a Due date so formatted read as its day number (46027.0),
said nowhere (``workbookparts.plain_format_ids`` gives calamine a copy with bare ids)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.workbookparts import plain_format_ids
from tests.backends.excel.test_fixed_parts import _book, _first_cell, _zip
from tests.support.libreoffice import convert_all, needs_libreoffice

IDS = [b" 164 ", b"+164", b"0164", b"014", b"\t14\n", b"&#49;4"]


def _padded(written: bytes) -> bytes:
    """The test workbook, A1's date style's ``numFmtId`` written ``written``."""
    parts = _book()
    parts["xl/styles.xml"], n = re.subn(
        rb'<xf numFmtId="164"', b'<xf numFmtId="' + written + b'"', parts["xl/styles.xml"]
    )
    assert n == 1
    return _zip(parts)


@pytest.mark.parametrize("written", IDS, ids=repr)
def test_a_padded_format_id_reads_the_date_the_cell_shows(written: bytes) -> None:
    data = _padded(written)
    assert _first_cell(data) == 46027.0  # calamine alone: no format
    grid = read_workbook_bytes(data, source="s.xlsx", tabs=["S"]).sheets["S"]
    assert grid.rows[0][0] == datetime.date(2026, 1, 5)


@needs_libreoffice
def test_libreoffice_shows_a_padded_format_id_in_its_format(tmp_path: Path) -> None:
    """What the read follows: LibreOffice 7.4 shows each of them as the date."""
    paths = []
    for i, written in enumerate(IDS):
        paths.append(tmp_path / f"padded{i}.xlsx")
        paths[-1].write_bytes(_padded(written))
    outs = convert_all(paths, "csv", tmp_path / "csv")
    shown = [out.read_text().split(",")[0] for out in outs]
    assert all(re.fullmatch(r"2026-01-05|01/05/2026", cell) for cell in shown), shown


def test_bare_and_unreadable_ids_are_left_as_written() -> None:
    """The usual part is not copied; an id that is no number, or past 18 digits, stays
    (calamine and LibreOffice read no format in it alike)."""
    assert plain_format_ids(b'<xf numFmtId="14"/><xf numFmtId="0"/>') is None
    odd = b'<xf numFmtId="abc"/><xf numFmtId="-1"/><xf numFmtId="' + b"9" * 30 + b'"/>'
    assert plain_format_ids(odd) is None
    assert plain_format_ids(b"<xf numFmtId=' 9 ' a='1'/>") == b"<xf numFmtId='9' a='1'/>"
