"""The extent scan reads a content cell's reference by calamine's rules and says a bad one
as the rest of the reader does: until 2026-12-07 it had rules of its own (1-3 letters,
1-7 digits: ``A00000003``, which calamine reads as A3, refused the tab) and words of its
own, with nothing to do (``bad cell reference 'C0'``; ``C0`` in row 1 was even said as
``cell C0 is stored in row 1``). Each case is checked against python-calamine itself."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

import pytest
import python_calamine as pc

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.sheetscan import scan_worksheet
from sheets_sync.errors import WorkbookError, WorkbookTooLargeError
from tests.backends.excel.test_damaged_shared_parts import TO_DO
from tests.backends.excel.test_reader_error_codes import SHEET, _team


def _with_first_cell(cell: bytes) -> bytes:
    """The team workbook, ``cell`` the first cell of its row 3 (no ``<dimension>``)."""
    src = zipfile.ZipFile(io.BytesIO(_team()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == SHEET:
                body, n = re.subn(rb'(<row r="3"[^>]*>)', rb"\1" + cell, body, count=1)
                assert n == 1
                body = re.sub(rb"<dimension [^>]*/>", b"", body)
            z.writestr(info, body)
    return out.getvalue()


def _calamine(data: bytes) -> Sequence[Sequence[object]]:
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("OKRs")
    return sheet.to_python(skip_empty_area=False)


@pytest.mark.parametrize(
    ("ref", "at"),
    [
        (b"A00000003", (3, 1)),  # 8 digits and more: bad to the scan until 2026-12-07
        (b"Z0000000000000000000000003", (3, 26)),  # padded past 18 digits
        (b"x3", (3, 24)),
        (b"XFE3", (3, 16_385)),  # past Excel's last column
        (b"AAAA3", (3, 18_279)),  # 4 letters: bad to the scan until 2026-12-07
    ],
)
def test_a_reference_calamine_reads_is_placed_where_calamine_places_it(
    ref: bytes, at: tuple[int, int]
) -> None:
    data = _with_first_cell(b'<c r="' + ref + b'"><v>4242</v></c>')
    rows = _calamine(data)
    found = [(r + 1, c + 1) for r, row in enumerate(rows) for c, v in enumerate(row) if v == 4242]
    assert found == [at] or (at[1] <= 21 and not found)  # a cell the team's own overwrote
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    scan = scan_worksheet(xml, "sales.xlsx", "OKRs")
    assert (scan.max_row, scan.max_col) == (3, max(21, at[1]))
    read = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert read.sheets["OKRs"].used_cols == max(21, at[1])


@pytest.mark.parametrize(
    "ref",
    [b"C0", b"C4294967296", b"1N", b"C3N", b"C 3", b"AB", b"3", b"C+3", b"$C$3", b"$c3"],
)
def test_a_bad_reference_of_a_content_cell_is_said_as_the_reader_says_it(ref: bytes) -> None:
    """calamine refuses the tab for each; the scan, which meets the cell first (it has
    content), says what the reader says of the same reference in a cell with none
    (calamine's refusal, named after it: ``_bad_reference``, ``blame.damaged_reference``
    for ``$`` signs)."""
    with_content = _with_first_cell(b'<c r="' + ref + b'"><v>1</v></c>')
    without = _with_first_cell(b'<c r="' + ref + b'" s="0"/>')
    for data in (with_content, without):
        with pytest.raises(pc.CalamineError):
            _calamine(data)
    with pytest.raises(WorkbookError) as scanned:
        read_workbook_bytes(with_content, source="sales.xlsx", tabs=["OKRs"])
    with pytest.raises(WorkbookError) as refused:
        read_workbook_bytes(without, source="sales.xlsx", tabs=["OKRs"])
    assert str(scanned.value) == str(refused.value)
    assert scanned.value.cell == refused.value.cell
    if b"$" not in ref:
        said = ref.decode()
        assert str(scanned.value) == (
            f"sales.xlsx!OKRs: the file is damaged: bad cell reference {said!r} of a cell{TO_DO}"
        )
    else:
        assert scanned.value.cell == "C3" and "with $ signs" in str(scanned.value)


@pytest.mark.parametrize(
    ("ref", "said"),
    [
        (b"AAAAAAAAAAAAAAAAAAAAAA3", "the tab has a column of 22 letters"),
        (b"A" * 4_990 + b"3", "the tab has a column of 4,990 letters"),
        (b"C" + b"9" * 20, "the tab has a row number of 20 digits"),
        (b"C4294967297", "the tab spans A1:U4294967297"),
    ],
)
def test_a_far_reference_calamine_reads_is_too_large(ref: bytes, said: str) -> None:
    """calamine reads these (its 32 bits wrap; the first and third make it allocate
    terabytes and abort the process, C4294967297 it reads as C1): the scan counts them
    whole and the tab is refused as too large, said by the reference's length past 13
    letters or 18 digits (until 2026-12-07 a bad reference, by the scan's own rules)."""
    data = _with_first_cell(b'<c r="' + ref + b'"><v>1</v></c>')
    with pytest.raises(WorkbookTooLargeError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value).startswith(f"sales.xlsx!OKRs: {said}"), str(info.value)


def _edited(old: bytes, new: bytes) -> bytes:
    """The team workbook, ``old`` in its worksheet replaced by ``new`` once."""
    src = zipfile.ZipFile(io.BytesIO(_team()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == SHEET:
                assert old in body, old
                body = body.replace(old, new, 1)
            z.writestr(info, body)
    return out.getvalue()


_SD, _END = b"<sheetData>", b"</sheetData>"
_BAD = b'<c r="1N"><v>1</v></c>'


@pytest.mark.parametrize(
    ("old", "new", "read"),
    [  # where a content cell with the bad reference '1N' stands, and whether calamine reads it
        (_SD, _BAD + _SD, False),  # before the sheetData
        (_END, _END + b'<row r="9">' + _BAD + b"</row>", False),  # a row after it
        (_END, _END + _BAD, False),  # a cell after it
        (_END, _END + b'<sheetData><row r="9">' + _BAD + b"</row></sheetData>", False),
        (_END, _END + b"<extLst><ext>" + _BAD + b"</ext></extLst>", False),
        (_SD, _SD + _BAD, True),  # in the sheetData, in no row
        (_SD, _SD + b'<x><row r="9">' + _BAD + b"</row></x>", True),  # wrapped
        (_SD, _SD + b'<row r="1"><x>' + _BAD + b"</x></row>", True),  # wrapped in a row
    ],
)
def test_a_bad_content_reference_refuses_the_tab_only_where_calamine_reads_it(
    old: bytes, new: bytes, read: bool
) -> None:
    """As ``bad_reference`` finds a cell's reference after calamine's refusal: until a
    later pass on 2026-12-07 the extent scan refused the tab for a content cell's bad
    reference anywhere in the worksheet, where calamine passed it over."""
    data = _edited(old, new)
    if read:
        with pytest.raises(pc.CalamineError):
            _calamine(data)
        with pytest.raises(WorkbookError) as info:
            read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
        assert str(info.value) == (
            f"sales.xlsx!OKRs: the file is damaged: bad cell reference '1N' of a cell{TO_DO}"
        )
    else:
        assert len(_calamine(data)) == 3
        assert "OKRs" in read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets
