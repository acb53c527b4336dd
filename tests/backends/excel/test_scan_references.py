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

from sheets_sync.backends.excel.extent import check_package
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.sheetscan import scan_worksheet
from sheets_sync.errors import WorkbookError, WorkbookTooLargeError
from tests.backends.excel.test_damaged_shared_parts import TO_DO
from tests.backends.excel.test_reader_error_codes import SHEET, _team
from tests.support.workbooks import member_rewritten


def _with_first_cell(cell: bytes) -> bytes:
    """The team workbook, ``cell`` the first cell of its row 3 (no ``<dimension>``)."""

    def edit(body: bytes) -> bytes:
        body, n = re.subn(rb'(<row r="3"[^>]*>)', rb"\1" + cell, body, count=1)
        assert n == 1
        return re.sub(rb"<dimension [^>]*/>", b"", body)

    return member_rewritten(_team(), SHEET, edit)


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


#: what the reader says of a content cell past Excel's grid in a tab too large with it
OUTSIDE = (
    "the file is damaged: {which} outside Excel's grid (its last column is XFD, its last "
    "row 1,048,576), and the tab too large to read with it (limit 2,000,000 cells)" + TO_DO
)


@pytest.mark.parametrize(
    ("ref", "named"),
    [
        (b"AAAAAAAAAAAAAAAAAAAAAA3", "AAAAAAAAAAAAAAAAAAAAAA3"),
        (b"A" * 4_990 + b"3", None),  # quoted by its first 40 characters, no cell named
        (b"C" + b"9" * 20, "C" + "9" * 20),
        (b"C4294967297", "C4294967297"),
        (b"AAAA99999", "AAAA99999"),
        (b"XFD1048577", "XFD1048577"),  # one row past Excel's last
    ],
)
def test_a_far_reference_calamine_reads_is_named_outside_the_grid(
    ref: bytes, named: str | None
) -> None:
    """calamine reads these (its 32 bits wrap; the first and third make it allocate
    terabytes and abort the process, C4294967297 it reads as C1): the scan counts them
    whole, the tab is too large with the cell, and the cell, past Excel's grid, is named
    as damage with what to do. Until a review on 2026-12-07 the tab was only too large,
    said by the reference's length past 13 letters or 18 digits, with advice Excel cannot
    carry out (keep large data on a tab the sync does not read: no tab holds such a cell);
    until 2026-12-07 a bad reference, by the scan's own rules."""
    data = _with_first_cell(b'<c r="' + ref + b'"><v>1</v></c>')
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert not isinstance(info.value, WorkbookTooLargeError)
    assert info.value.cell == named
    if named is None:
        which = f"cell {ref[:40].decode()!r}... (4,991 characters) is"
        assert str(info.value) == "sales.xlsx!OKRs: " + OUTSIDE.format(which=which)
    else:
        said = OUTSIDE.format(which=f"cell {named} is")
        assert str(info.value) == f"sales.xlsx!OKRs!{named}: {said}"


def test_a_row_past_the_grid_names_its_first_cell() -> None:
    """A cell whose column the scan knew from an earlier row is placed without its
    reference read again; the row's number, past 1,048,576, names it (the read and the
    previous file's check alike)."""
    data = _edited(_END, b'<row r="1048577"><c r="B1048577"><v>1</v></c></row>' + _END)
    said = "sales.xlsx!OKRs!B1048577: " + OUTSIDE.format(which="cell B1048577 is")
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == said
    with pytest.raises(WorkbookError) as checked:
        check_package(data, tabs=["OKRs"], source="sales.xlsx")
    limit = said.replace("2,000,000", "10,000,000")  # the previous file's limit
    assert str(checked.value) == limit and checked.value.cell == "B1048577"


_NINES = b"9" * 20


@pytest.mark.parametrize(
    ("row", "named"),
    [
        (b'<row r="1048577"><c r="B2"><v>1</v></c><c r="C1048577"><v>1</v></c></row>', "C1048577"),
        (b'<row r="1048577"><c r="C1048577"><v>1</v></c><c r="B2"><v>1</v></c></row>', "C1048577"),
        (b'<row r="' + _NINES + b'"><c r="C' + _NINES + b'"><v>1</v></c></row>', "C" + "9" * 20),
        # a cell with no r first: placed in a row not in the file, not named; the next is
        (
            b'<row r="' + _NINES + b'"><c><v>1</v></c><c r="C' + _NINES + b'"><v>1</v></c></row>',
            "C" + "9" * 20,
        ),
    ],
)
def test_a_rows_first_cell_past_the_grid_is_named_whatever_comes_before(
    row: bytes, named: str
) -> None:
    """The first content cell past the grid in a row is named whatever the row's other
    cells and their order: until a second review on 2026-12-07 only the row's first cell
    was looked at (the letters' memo had placed the others), so ``B2`` before
    ``C1048577`` named none, and any named in a row past 18 digits was forgotten, its
    cells with no r or not."""
    data = _edited(_END, row + _END)
    said = f"sales.xlsx!OKRs!{named}: " + OUTSIDE.format(which=f"cell {named} is")
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == said and info.value.cell == named
    with pytest.raises(WorkbookError) as checked:
        check_package(data, tabs=["OKRs"], source="sales.xlsx")
    assert checked.value.cell == named


@pytest.mark.parametrize(
    ("row", "said"),
    [  # in the grid: too large, as before
        (b'<row r="1048576"><c r="B1048576"><v>1</v></c></row>', "the tab spans A1:U1048576 "),
        # a row number past 18 digits, its cell with no r: no reference in the file to name
        (b'<row r="' + b"9" * 20 + b'"><c><v>1</v></c></row>', "the tab has a row number of 20"),
        # a cell that names another row than its row's: not blamed for the row's number
        (b'<row r="1048577"><c r="B2"><v>1</v></c></row>', "the tab spans A1:U1048577 "),
    ],
)
def test_a_tab_too_large_with_no_cell_past_the_grid_to_name_is_too_large(
    row: bytes, said: str
) -> None:
    data = _edited(_END, row + _END)
    with pytest.raises(WorkbookTooLargeError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value).startswith(f"sales.xlsx!OKRs: {said}"), str(info.value)
    assert info.value.cell is None


def _edited(old: bytes, new: bytes) -> bytes:
    """The team workbook, ``old`` in its worksheet replaced by ``new`` once."""

    def edit(body: bytes) -> bytes:
        assert old in body, old
        return body.replace(old, new, 1)

    return member_rewritten(_team(), SHEET, edit)


_SD, _END = b"<sheetData>", b"</sheetData>"
_BAD = b'<c r="1N"><v>1</v></c>'


@pytest.mark.parametrize(
    ("old", "new", "read"),
    [  # where a content cell with the bad reference '1N' stands, and whether calamine reads it
        (_SD, _BAD + _SD, False),  # before the sheetData
        (_END, _END + b'<row r="9">' + _BAD + b"</row>", False),  # a row after it
        (_END, _END + _BAD, False),  # a cell after it
        # (in a second sheetData: the tab is refused for it, test_second_sheet_data.py)
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
