"""A number of thousands of digits in a workbook's XML (a style's ``numFmtId`` or
``fillId``, a cell's ``s``, a row's ``r``) is no index or row of any workbook: read as
one past them all. Python reads no int of more than 4,300 digits, and each was a
ValueError traceback (until 2026-12-07, found by fuzzing the real-world workbooks)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel.fills import fill_cells, fill_styles
from sheets_sync.backends.excel.percent import percent_ones, percent_styles
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.xmlutil import BEYOND, whole
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import OWNED_HEADER_FILL
from tests.conftest import write_team

HUGE = b"9" * 5000
NS = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def test_whole_reads_digits_and_caps_a_huge_number() -> None:
    assert [whole(t) for t in (b"0", b"12", "7", b"", b"x", b"-1", "\uff11")] == [
        0, 12, 7, None, None, None, None,
    ]  # fmt: skip
    assert whole(HUGE) == BEYOND == whole("1" + "0" * 18)


def test_a_huge_format_or_style_index_is_no_percent_style() -> None:
    styles = (
        NS + b'<numFmts><numFmt numFmtId="' + HUGE + b'" formatCode="0%"/></numFmts>'
        b'<cellXfs count="3"><xf numFmtId="9"/><xf numFmtId="' + HUGE + b'"/>'
        b'<xf numFmtId="10" fillId="' + HUGE + b'"/></cellXfs></styleSheet>'
    )
    assert percent_styles(styles) == {0, 2}
    assert fill_styles(styles) == {}
    sheet = b'<sheetData><row r="1"><c r="A1" s="' + HUGE + b'"><v>1</v></c></row></sheetData>'
    assert percent_ones(sheet, frozenset({0})) == frozenset()


def test_a_huge_row_number_ends_the_header_rows_a_fill_is_read_in() -> None:
    sheet = (
        b'<sheetData><row r="1"><c r="A1" s="1"/></row><row r="' + HUGE + b'">'
        b'<c r="A2" s="1"/></row></sheetData>'
    )
    assert fill_cells(sheet, {1: OWNED_HEADER_FILL}, header_rows=5) == {(1, 1): OWNED_HEADER_FILL}


def _with_row_number(path: Path, number: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<row r="2"', b'<row r="' + number + b'"', 1)
            out.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize("number", [HUGE, b"99999999999"])
def test_a_huge_row_number_is_a_named_error_not_a_traceback(tmp_path: Path, number: bytes) -> None:
    data = _with_row_number(write_team(tmp_path / "t.xlsx"), number)
    with pytest.raises(WorkbookError, match=r"^t\.xlsx!OKRs: the tab spans"):
        read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"])
