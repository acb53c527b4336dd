"""The worksheet scan: what calamine does not give (extent, hidden rows, error cells)."""

from __future__ import annotations

import io
import zipfile

import pytest

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.sheetscan import scan_worksheet
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import a1
from tests.backends.excel.test_reader_error_codes import SHEET, _team

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(rows: str, *, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (
        f'<{p}worksheet {xmlns}="{NS}"><{p}sheetData>{rows}</{p}sheetData></{p}worksheet>'
    ).encode()


@pytest.mark.parametrize("prefix", ["", "x"])
def test_extent_hidden_rows_and_errors(prefix: str) -> None:
    rows = (
        '<row r="2" hidden="1"><c r="B2"><v>1</v></c><c r="F2" s="1"/></row>'
        '<row r="4" hidden="0"><c r="C9" t="e"><v> #REF! </v></c></row>'
        '<row r="5" hidden="true"/><row r="6"><c r="D6"><f>1/0</f></c></row>'
    )
    scan = scan_worksheet(sheet(rows, prefix=prefix), "t.xlsx", "OKRs")
    assert (scan.max_row, scan.max_col) == (9, 4)
    assert scan.hidden_rows == {2, 5}
    assert scan.errors == {(9, 3): "#REF!"}


def test_rows_and_cells_without_references_are_placed_by_position() -> None:
    scan = scan_worksheet(
        sheet('<row><c><v>1</v></c><c/><c><v>3</v></c></row><row r="4"><c><v>1</v></c></row>'),
        "t.xlsx",
        "OKRs",
    )
    assert (scan.max_row, scan.max_col) == (4, 3)


@pytest.mark.parametrize(
    "xml,message",
    [
        (sheet('<row r="1"><c r="A1B"><v>1</v></c></row>'), "bad cell reference 'A1B'"),
        # a row calamine's 32 bits wrap to 0 (an 8-digit row is read since 2026-12-07)
        (sheet('<row r="1"><c r="A4294967296"><v>1</v></c></row>'), "bad cell reference"),
        (sheet('<row r="1"><c r="1"><v>1</v></c></row>'), "bad cell reference '1'"),
        (b"<worksheet><sheetData><row>", "the file is damaged"),
    ],
)
def test_damaged_worksheets_are_refused(xml: bytes, message: str) -> None:
    with pytest.raises(WorkbookError, match=message) as info:
        scan_worksheet(xml, "t.xlsx", "OKRs")
    assert (info.value.source, info.value.tab) == ("t.xlsx", "OKRs")


def test_a_row_number_in_other_digits_is_placed_by_position() -> None:
    """``"²".isdigit()`` is true, but it is no row number: it used to raise ValueError."""
    scan = scan_worksheet(sheet('<row r="\u00b2"><c r="A1"><v>1</v></c></row>'), "t", "OKRs")
    assert (scan.max_row, scan.max_col) == (1, 1)


FAR = '<c r="XFD1048576"><v>2</v></c>'
A1 = '<row r="1"><c r="A1"><v>1</v></c></row>'
WIDE = '<row r="2">' + "".join(f'<c r="{a1(2, c)}" s="1"/>' for c in range(1, 300))


@pytest.mark.parametrize(
    "rows",
    [
        FAR + A1,  # a cell before the rows, straight in sheetData
        A1 + FAR,  # after them
        A1 + f"<x>{FAR}</x>",  # wrapped in an element that is not a row
        f'<row r="1"><c r="A1"><v>1</v></c><x>{FAR}</x></row>',  # wrapped inside a row
        A1 + WIDE + f"<x>{FAR}</x></row>",  # the same in a wide row (the XPath pass)
        f"<x>{A1}</x>{FAR}",  # rows one level down, the cell beside their wrapper
    ],
    ids=["before-rows", "after-rows", "wrapped", "wrapped-in-row", "wide-row", "beside"],
)
def test_cells_outside_rows_count(rows: str) -> None:
    """calamine reads a cell wherever it sits in sheetData, and would allocate 17e9 cells
    (and abort the process) for one at XFD1048576: the extent check must see it."""
    scan = scan_worksheet(sheet(rows), "t.xlsx", "OKRs")
    assert (scan.max_row, scan.max_col) == (1_048_576, 16_384)


def test_error_cells_outside_rows_count() -> None:
    scan = scan_worksheet(sheet(A1 + '<x><c r="C3" t="e"><v>#N/A</v></c></x>'), "t", "OKRs")
    assert scan.errors == {(3, 3): "#N/A"} and (scan.max_row, scan.max_col) == (3, 3)


def test_cells_inside_a_cell_do_not_count() -> None:
    """calamine refuses a cell inside a cell, and skips one inside an inline string."""
    rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t>{FAR}</is></c></row>'
    assert (scan_worksheet(sheet(rows), "t", "OKRs").max_row) == 1


@pytest.mark.parametrize(
    "row",
    [
        '<row r="3"><c><v>1</v></c><c/><c r="E3" t="e"><v>#N/A</v></c><c><f>1</f></c></row>',
        '<row r="4"><c r="B4" t="d"><v>2026-12-07</v></c><c r="XFD4" s="2"/></row>',
        '<row r="5"><c><v>1</v></c><!-- a note --><c t="e"><v>#DIV/0!</v></c></row>',
        '<row r="6"><c r="A6"><v>1</v></c><extLst><c r="H6" t="e"><v>#N/A</v></c></extLst>'
        "<c><v>2</v></c></row>",
        '<row r="7"><?pi x?><c><v>1</v></c></row>',
        '<row r="8" xmlns=""><c><v>1</v></c><c r="C8" t="e"><v>#N/A</v></c></row>',
        '<row r="9"><o:c xmlns:o="urn:other" r="B9"><v>1</v></o:c><c><v>2</v></c></row>',
    ],
)
def test_a_rows_cells_read_alike_picked_or_child_by_child(row: str) -> None:
    """A row of cells only is read by lxml's pick of its cells (the 2026-12-07 cut of a
    first night's scan); one with other children too, child by child: the same cells
    (a comment after the row's last child has it read child by child)."""
    from lxml import etree

    from sheets_sync.backends.excel.sheetscan import _row_cells

    element = etree.fromstring(sheet(row))[0][0]
    mixed = etree.fromstring(sheet(row))[0][0]
    mixed.append(etree.Comment("read child by child"))
    number = int(element.get("r"))
    assert _row_cells(element, number) == _row_cells(mixed, number)


def test_a_row_with_a_comment_among_its_cells_places_them_by_position() -> None:
    rows = (
        '<row r="3"><c><v>1</v></c><!-- a note --><c><v>2</v></c>'
        '<extLst><c r="H3" t="e"><v>#N/A</v></c></extLst><c t="e"><v>#DIV/0!</v></c></row>'
    )
    scan = scan_worksheet(sheet(rows), "t.xlsx", "OKRs")
    assert (scan.max_row, scan.max_col) == (3, 8)
    assert scan.errors == {(3, 8): "#N/A", (3, 3): "#DIV/0!"}


def test_a_long_bad_reference_is_quoted_by_its_start_and_length() -> None:
    """A 5,000-character reference was quoted whole in the error (until 2026-12-07); it
    says what to do since a later pass that day (its ``N``: letters after the digits,
    which calamine refuses; 4,990 letters and 10 digits are a column too far)."""
    ref = "A" * 4_990 + "123456789N"
    with pytest.raises(WorkbookError) as info:
        scan_worksheet(sheet(f'<row r="1"><c r="{ref}"><v>1</v></c></row>'), "t.xlsx", "OKRs")
    assert str(info.value) == (
        f"t.xlsx!OKRs: the file is damaged: bad cell reference {'A' * 40!r}... (5,000 characters) "
        "of a cell; open the file in Excel (it offers to repair it) and save it, or restore "
        "an earlier copy"
    )


FAR_ROW = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


@pytest.mark.parametrize(
    "xml",
    [
        sheet('<row r="2"><c r="B2"><v>1</v></c></row>').replace(
            b"</sheetData>", f"</sheetData>{FAR_ROW}".encode()
        ),
        sheet('<row r="2"><c r="B2"><v>1</v></c></row>').replace(
            b"</sheetData>",
            b'</sheetData><extLst><ext uri="x"><c r="XFD1048576"><v>1</v></c></ext></extLst>',
        ),
        sheet('<row r="2"><c r="B2"><v>1</v></c></row>').replace(
            b"</sheetData>", f"</sheetData><sheetData>{FAR_ROW}</sheetData>".encode()
        ),
        sheet('<row r="2"><c r="B2"><v>1</v></c></row>').replace(
            b"<sheetData>", f"{FAR_ROW}<sheetData>".encode()
        ),
        # calamine stops at the first end tag of a sheetData, an inner empty one's too
        sheet(f'<row r="2"><c r="B2"><v>1</v></c></row><sheetData></sheetData>{FAR_ROW}'),
    ],
    ids=["row-after", "extLst-after", "second-sheetData", "row-before", "after-inner-end"],
)
def test_a_far_cell_calamine_does_not_read_makes_no_extent(xml: bytes) -> None:
    """calamine reads the cells of the first ``sheetData`` only, up to its first end tag
    (probed with python-calamine 0.9.1): until 2026-12-08 a far cell outside it made the
    tab too large, though calamine read the tab as 2x2."""
    scan = scan_worksheet(xml, "t.xlsx", "OKRs")
    assert (scan.max_row, scan.max_col) == (2, 2)


def test_a_tab_with_a_far_cell_after_its_sheet_data_reads_as_calamine_reads_it() -> None:
    """The read, not only the scan: the tab reads as the team wrote it (3 rows), where it
    was refused as spanning A1:XFD1048576 until 2026-12-08."""
    src = zipfile.ZipFile(io.BytesIO(_team()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == SHEET:
                body = body.replace(b"</sheetData>", f"</sheetData>{FAR_ROW}".encode(), 1)
            z.writestr(info, body)
    grid = read_workbook_bytes(out.getvalue(), source="s.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    plain = read_workbook_bytes(_team(), source="s.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows == plain.rows
