"""A cell calamine cannot read refuses its tab, and the refusal names the cell.

Found 2026-12-06 by fuzzing the cell forms of a team sheet's input cells: a shared
string that does not exist, a boolean of 2, a number of "abc" or an unknown ``t``
(what a tool writing .xlsx by hand may store) failed the team with
``sales.xlsx!OKRs: cannot read the tab: ...`` and no cell, to be found among thousands.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from sheets_sync.backends.excel import blame
from sheets_sync.backends.excel.blame import blamed_cell
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_reader_error_codes import SHEET, _team, _with_cell
from tests.support.workbooks import member_rewritten


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (
            '<c r="K3" t="s"><v>999999</v></c>',
            "Cell string index not found in shared strings table",
        ),
        ('<c r="K3" t="s"><v>-1</v></c>', "Cell string index not found in shared strings table"),
        ('<c r="K3" t="b"><v>2</v></c>', "Unrecognized boolean cell value: 2"),
        ('<c r="K3" t="n"><v>abc</v></c>', "Parse float error: invalid float literal"),
        ('<c r="K3" t="zzz"><v>5</v></c>', "Unknown cell 't' attribute: \"zzz\""),
    ],
)
def test_a_cell_calamine_cannot_read_is_named(cell: str, reason: str) -> None:
    data = _with_cell(_team(), "K3", cell)
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == f"sales.xlsx!OKRs!K3: cannot read the tab: {reason}"
    assert info.value.cell == "K3"


def test_a_shared_string_that_exists_is_not_blamed() -> None:
    """The search counts the workbook's shared strings: the first cell past them is the
    one named, not an earlier cell that uses one."""
    data = _team()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    shared = b'<sst xmlns="x"><si><t>a</t></si><si><t>b</t></si></sst>'
    sheet = xml.replace(b'<c r="B2"', b'<c r="A9" t="s"><v>1</v></c><c r="B2"', 1)
    sheet = sheet.replace(b'<c r="B3"', b'<c r="A8" t="s"><v>2</v></c><c r="B3"', 1)
    reason = "Cell string index not found in shared strings table"
    assert "xl/worksheets/sheet1.xml" in names
    assert blamed_cell(reason, sheet, shared) == "A8"
    assert blamed_cell(reason, sheet, None) == "A9"
    assert blamed_cell("some other reason", sheet, shared) is None


def _patched(old: bytes, new: bytes, *more: tuple[bytes, bytes]) -> bytes:

    def edit(body: bytes) -> bytes:
        for a, b in ((old, new), *more):
            assert a in body
            body = body.replace(a, b)
        return body

    return member_rewritten(_team(), SHEET, edit)


_K3 = b'<c r="K3" t="n"><v>50</v></c>'


@pytest.mark.parametrize(
    ("stray", "k3", "reason"),
    [  # a cell calamine never reads, before the one it refuses, is not the one named
        (
            b'<c r="Z9" t="s"><v>\xc2\xb2</v></c>',
            b'<c r="K3" t="s"><v>999</v></c>',
            "Cell string index not found in shared strings table",
        ),
        (
            b'<q:c xmlns:q="urn:q" t="s"><q:v>\xc2\xb2</q:v></q:c>',
            b'<c r="K3" t="s"><v>999</v></c>',
            "Cell string index not found in shared strings table",
        ),
        (
            b'<c r="B9" t="b"><v>7</v></c>',
            b'<c r="K3" t="b"><v>9</v></c>',
            "Unrecognized boolean cell value: 9",
        ),
    ],
)
def test_only_cells_in_sheet_data_are_blamed(stray: bytes, k3: bytes, reason: str) -> None:
    """Found by review 2026-12-06: a ``c`` in ``sheetPr`` (calamine does not read it) was
    named instead of K3, and ``'²'`` (a digit to ``str.isdigit``) raised ValueError."""
    data = _patched(b"<pageSetUpPr/>", b"<pageSetUpPr/>" + stray, (_K3, k3))
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == f"sales.xlsx!OKRs!K3: cannot read the tab: {reason}"


def test_a_cell_after_sheet_data_is_not_blamed() -> None:
    ext = b'<extLst><ext uri="x"><c r="A1" t="b"><v>7</v></c></ext></extLst></worksheet>'
    data = _patched(b"</worksheet>", ext, (_K3, b'<c r="K3" t="b"><v>9</v></c>'))
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert info.value.cell == "K3"


def test_a_cell_in_another_namespace_in_a_row_is_read_by_calamine_so_blamed() -> None:
    """calamine matches ``c`` by its local name: one in any namespace in a row is read."""
    data = _with_cell(_team(), "K3", '<q:c xmlns:q="urn:q" r="K3" t="b"><q:v>9</q:v></q:c>')
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert info.value.cell == "K3"


@pytest.mark.parametrize("index", ["\u00b2", "\u0663", "1" * 5000, " 12 ", "+1"])
def test_an_odd_string_index_is_blamed_not_raised(index: str) -> None:
    sheet = f'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>{index}</v></c></row>'
    reason = "Cell string index not found in shared strings table"
    assert blamed_cell(reason, (sheet + "</sheetData></worksheet>").encode(), None) == "A1"


def test_a_failing_blame_leaves_the_tab_level_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> bool:
        raise RuntimeError("a bug in the search")

    monkeypatch.setattr(blame, "_fits", broken)
    data = _with_cell(_team(), "K3", '<c r="K3" t="b"><v>2</v></c>')
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert (
        str(info.value)
        == "sales.xlsx!OKRs: cannot read the tab: Unrecognized boolean cell value: 2"
    )


_FLOATS = ["1", "-1.5", "+.5", "1.", "1e5", "1E-5", ".5e+3", "inf", "+INF", "-infinity"]
_FLOATS += ["NaN", "nancy", "information", "infinit", " 5", "5 ", "0x10", "1_0", "1e", "e5"]
_FLOATS += [".", "+", "--1", "1.2.3", "\u0665", "\uff15", "\u0130nf"]


@pytest.mark.parametrize("value", _FLOATS)
def test_the_number_pattern_is_what_calamine_reads(value: str) -> None:
    """``_NUMBER`` accepted ``nancy``, ``information`` and ``' 5'``, which calamine
    refuses: the cell named was then a later one, or none. Since 2026-12-07 the reader
    reads a number with outer spaces (``padded.py``): calamine still refuses it, and
    reads the copy with the spaces dropped."""
    data = _with_cell(_team(), "K3", f'<c r="K3" t="n"><v>{value}</v></c>')
    try:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    except WorkbookError as exc:
        assert "Parse float error" in str(exc)
        assert blame._NUMBER.fullmatch(value) is None
        assert exc.cell == "K3"
    else:
        padded = value != value.strip()
        assert blame._NUMBER.fullmatch(value.strip() if padded else value) is not None


def test_a_cell_with_no_reference_is_named_by_its_place() -> None:
    """OOXML makes a cell's ``r`` optional (one right of the cell before it; a row with
    none the row after the one before): until 2026-12-07 such a cell was found and
    named no cell."""
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="2"><c r="J2"><v>1</v></c></row><row><c><v>1</v></c>'
        b'<c r="J3"><v>1</v></c><c t="b"><v>2</v></c></row></sheetData></worksheet>'
    )
    assert blamed_cell("Unrecognized boolean cell value: 2", sheet, None) == "K3"


@pytest.mark.parametrize("ref", ["$K$3", "$K3", "K$3", "$k$3"])
def test_a_cell_reference_with_dollar_signs_is_named(ref: str) -> None:
    """calamine refused ``r="$K$3"`` as ``Expecting alphanumeric character, got 24`` (the
    ``$``'s hex), naming no cell (until 2026-12-07); LibreOffice 7.4 drops the cell. The
    cell is named in capitals (``$k$3`` named ``k3`` until a review on 2026-12-07)."""
    data = _with_cell(_team(), "K3", f'<c r="{ref}"><v>5</v></c>')
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == (
        f"sales.xlsx!OKRs!K3: the worksheet is damaged: the cell's reference is written {ref}, "
        "with $ signs, which spreadsheets do not read (LibreOffice drops the cell); the program "
        "that wrote the file must write it without them, or retype the cell in Excel and save"
    )
