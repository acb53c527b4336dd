"""A number of thousands of digits in a workbook's XML (a style's ``numFmtId`` or
``fillId``, a cell's ``s``, a row's ``r``) is no index or row of any workbook: read as
one past them all. Python reads no int of more than 4,300 digits, and each was a
ValueError traceback (until 2026-12-07, found by fuzzing the real-world workbooks)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel.extent import check_package
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


def _with_row_number(path: Path, number: bytes, row: bytes = b"2") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<row r="' + row + b'"', b'<row r="' + number + b'"', 1)
            out.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (HUGE, "the tab has a row number of 5,000 digits"),
        (b"1234567890123456789", "the tab has a row number of 19 digits"),
        (b"0" * 40 + b"1234567890123456789", "the tab has a row number of 19 digits"),
        (b"99999999999", "the tab spans A1:U99999999999 "),
    ],
)
def test_a_huge_row_number_is_a_named_error_not_a_traceback(
    tmp_path: Path, number: bytes, said: str
) -> None:
    """A row number past 18 digits is said by its digits, not as the number it is read
    as (``A1:F1000000000000000000`` until 2026-12-07), by the team's read and by the
    previous file's check alike."""
    data = _with_row_number(write_team(tmp_path / "t.xlsx"), number)
    with pytest.raises(WorkbookError, match=r"^t\.xlsx!OKRs: " + re.escape(said)) as got:
        read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"])
    assert "1000000000000000000" not in str(got.value)
    with pytest.raises(WorkbookError, match=r"^t\.xlsx!OKRs: " + re.escape(said)) as got:
        check_package(data, tabs=["OKRs"], source="t.xlsx")
    assert "1000000000000000000" not in str(got.value)


PADDED_3 = b"0" * 18 + b"3"  # 19 characters, 3: an XSD unsignedInt may have leading zeros


def test_leading_zeros_are_no_digits_of_a_whole_number() -> None:
    assert [whole(t) for t in (PADDED_3, "0" * 5000 + "7", b"0" * 30, b"0" * 17 + HUGE[:19])] == [
        3, 7, 0, BEYOND,
    ]  # fmt: skip


def test_a_padded_format_or_fill_index_is_read() -> None:
    styles = (
        NS + b'<numFmts><numFmt numFmtId="' + b"0" * 20 + b'170" formatCode="0.0%"/></numFmts>'
        b'<cellXfs count="2"><xf numFmtId="' + b"0" * 20 + b'9"/><xf numFmtId="170"/>'
        b"</cellXfs></styleSheet>"
    )
    assert percent_styles(styles) == {0, 1}
    sheet = b'<row r="1"><c r="A1" s="' + b"0" * 20 + b'1"><v>1</v></c></row>'
    assert percent_ones(sheet, frozenset({1})) == {(1, 1)}
    fills = (
        NS
        + b'<fills count="1"><fill><patternFill patternType="solid"><fgColor rgb="FF'
        + OWNED_HEADER_FILL.encode()
        + b'"/></patternFill></fill></fills>'
        b'<cellXfs count="1"><xf numFmtId="0" fillId="' + b"0" * 20 + b'"/></cellXfs></styleSheet>'
    )
    assert fill_styles(fills) == {0: OWNED_HEADER_FILL}


def test_a_hidden_row_of_a_padded_number_is_that_row(tmp_path: Path) -> None:
    data = _with_row_number(write_team(tmp_path / "t.xlsx"), PADDED_3 + b'" hidden="1', b"3")
    book = read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"])
    assert 3 in book.sheets["OKRs"].hidden_rows
