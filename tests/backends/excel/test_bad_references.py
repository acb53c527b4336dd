"""A reference calamine cannot read, where the reader's extent scan reads none (a cell
with no content, the tab's ``<dimension>``, a merged range), is said with the tab and
the reference: until 2026-12-07 calamine's ``cannot read the tab: Expecting
alphanumeric character, got 4E``, of no reference and no place in the tab."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import _bad_reference, read_workbook_bytes
from sheets_sync.backends.excel.references import bad_reference, refused_byte
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_damaged_shared_parts import TO_DO
from tests.backends.excel.test_reader_error_codes import SHEET, _team
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.workbooks import member_rewritten


def _sheet(edit: bytes) -> bytes:
    """The team workbook, its worksheet's ``</sheetData>`` followed by ``edit``'s, or its
    ``<dimension>`` replaced by ``edit``, or ``edit`` as the first cell of row 2."""

    def edited(body: bytes) -> bytes:
        if edit.startswith(b"<mergeCells"):
            return body.replace(b"</sheetData>", b"</sheetData>" + edit, 1)
        if edit.startswith(b"<dimension"):
            body, n = re.subn(rb"<dimension [^>]*/>", edit, body)
            assert n == 1
            return body
        assert b'<row r="2"' in body
        return re.sub(rb'(<row r="2"[^>]*>)', rb"\1" + edit, body, count=1)

    return member_rewritten(_team(), SHEET, edited)


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (
            b'<mergeCells count="1"><mergeCell ref="A1:1N"/></mergeCells>',
            "bad cell reference 'A1:1N' of a merged range",
        ),
        (
            b'<mergeCells count="1"><mergeCell ref="A1:N"/></mergeCells>',
            "bad cell reference 'A1:N' of a merged range",
        ),
        (b'<dimension ref="A1:BN"/>', "bad cell reference 'A1:BN' of the tab's <dimension>"),
        (b'<dimension ref="A1:1N"/>', "bad cell reference 'A1:1N' of the tab's <dimension>"),
        (b'<c r="1N" s="0"/>', "bad cell reference '1N' of a cell"),  # no content
    ],
)
def test_a_bad_reference_calamine_refuses_is_named(edit: bytes, said: str) -> None:
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(_sheet(edit), source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == f"sales.xlsx!OKRs: the file is damaged: {said}{TO_DO}"


def test_a_long_bad_reference_is_quoted_by_its_start() -> None:
    ref = "A1:" + "N" * 5_000
    edit = b'<mergeCells count="1"><mergeCell ref="' + ref.encode() + b'"/></mergeCells>'
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(_sheet(edit), source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == (
        f"sales.xlsx!OKRs: the file is damaged: bad cell reference {ref[:40]!r}... "
        f"(5,003 characters) of a merged range{TO_DO}"
    )


def test_bad_reference() -> None:
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        b"<worksheet " + ns + b'><dimension ref="A1:C3"/><sheetData><row r="1">'
        b'<c r="A1"/><c r="B1" s="1"/><c/></row><row r="2"><c r="2B" s="1"/></row>'
        b'</sheetData><mergeCells><mergeCell ref="A1:B1"/><mergeCell ref="C3"/>'
        b'<mergeCell ref="A1:B2:C3"/></mergeCells></worksheet>'
    )
    assert bad_reference(sheet) == ("2B", "of a cell")
    assert bad_reference(sheet.replace(b'"2B"', b'"B2"')) == ("A1:B2:C3", "of a merged range")
    assert bad_reference(sheet.replace(b'"2B"', b'"B2"').replace(b":C3", b"")) is None
    assert bad_reference(b"<worksheet><sheetData>") is None  # no XML: no reference said


def test_another_refusal_is_not_blamed_on_a_reference() -> None:
    """A bad reference calamine did not refuse the tab for is not named for a refusal
    of another kind (a boolean of 2)."""
    refused = WorkbookError("cannot read the tab: Unrecognized boolean cell value: 2", tab="OKRs")
    assert _bad_reference(refused, b'<worksheet><mergeCell ref="A1:1N"/></worksheet>') is None


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        # calamine reads an 8-digit row, a 4-letter column and a leading zero: the bad
        # merged range after the <dimension> is the one named
        (
            b'<dimension ref="A1:B10000000"/>',
            "bad cell reference 'A1:1N' of a merged range",
        ),
        (b'<dimension ref="A1:AAAA01"/>', "bad cell reference 'A1:1N' of a merged range"),
    ],
)
def test_a_reference_calamine_reads_is_not_named(edit: bytes, said: str) -> None:
    bad = b'<mergeCells count="1"><mergeCell ref="A1:1N"/></mergeCells>'
    data = zipfile.ZipFile(io.BytesIO(_sheet(bad)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for part in data.infolist():
            body = data.read(part)
            if part.filename == SHEET:
                body = re.sub(rb"<dimension [^>]*/>", edit, body)
            z.writestr(part, body)
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(out.getvalue(), source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value).startswith(f"sales.xlsx!OKRs: the file is damaged: {said}")


def test_row_zero_is_a_bad_reference() -> None:
    """calamine refuses row 0 (``Range is missing the expected row component.``), and a
    row that wraps to 0 in its 32 bits; it reads any row else."""
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(_sheet(b'<c r="C0" s="0"/>'), source="sales.xlsx", tabs=["OKRs"])
    assert "bad cell reference 'C0' of a cell" in str(info.value)
    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def sheet(ref: bytes) -> bytes:
        return (
            b"<worksheet "
            + ns
            + b'><sheetData><row r="1"><c r="'
            + ref
            + b'"/></row></sheetData></worksheet>'
        )

    for bad in (b"C00", b"C4294967296", b"C", b"1", b"", b"A1x", b"$A$1", b"A1:B1"):
        assert bad_reference(sheet(bad)) == (bad.decode(), "of a cell"), bad
    for good in (b"C01", b"c2", b"XFE1", b"C99999999999999999999", b"AAAAAAAAAAAAAAAAAAAAAA1"):
        assert bad_reference(sheet(good)) is None, good


def test_the_reference_holding_calamines_byte_is_named() -> None:
    """calamine said ``got 24`` ($): of two bad references, the one holding a $ is named."""
    sheet = (
        b'<worksheet><dimension ref="A0"/><sheetData/>'
        b'<mergeCells><mergeCell ref="$A$1:B1"/></mergeCells></worksheet>'
    )
    refused = WorkbookError("cannot read the tab: Expecting alphanumeric character, got 24")
    said = _bad_reference(refused, sheet)
    assert said is not None and "'$A$1:B1' of a merged range" in str(said)
    refused = WorkbookError("cannot read the tab: Range is missing the expected row component.")
    said = _bad_reference(refused, sheet)
    assert said is not None and "'A0' of the tab's <dimension>" in str(said)


def _edited(*edits: tuple[bytes, bytes]) -> bytes:
    """The team workbook, each ``old`` in its worksheet replaced by its ``new`` once."""

    def edit(body: bytes) -> bytes:
        for old, new in edits:
            assert old in body, old
            body = body.replace(old, new, 1)
        return body

    return member_rewritten(_team(), SHEET, edit)


_SD, _END = b"<sheetData>", b"</sheetData>"
_MERGED = b'<mergeCells><mergeCell ref="A1:B1"/></mergeCells>'


@pytest.mark.parametrize(
    ("old", "new", "read"),
    [  # where a bad reference '1N' stands, and whether calamine reads it (probed, 0.9.1)
        (_SD, b'<c r="1N"/>' + _SD, False),  # a cell before the sheetData
        (_END, _END + b'<row r="9"><c r="1N"/></row>', False),  # after it
        (_END, _END + b'<sheetData><row r="9"><c r="1N"/></row></sheetData>', False),
        (_SD, _SD + b'<c r="1N"/>', True),  # in the sheetData, in no row
        (_SD, _SD + b'<x><row r="9"><c r="1N"/></row></x>', True),
        (_SD, b'<mergeCell ref="1N"/>' + _SD, False),  # a merged range in no mergeCells
        (_END, _END + b'<extLst><ext><mergeCell ref="1N"/></ext></extLst>', False),
        (_END, _END + _MERGED + b'<mergeCell ref="1N"/>', False),  # after the mergeCells
        (_END, _END + b'<mergeCells><x><mergeCell ref="1N"/></x></mergeCells>', True),
        (_END, _END + _MERGED + _MERGED.replace(b"A1:B1", b"1N"), False),  # a second one
        (_SD, b'<dimension ref="1N"/>' + _SD, True),  # a second <dimension>, before
        (_SD, b'<sheetViews><dimension ref="1N"/></sheetViews>' + _SD, True),
        (_SD, _SD + b'<dimension ref="1N"/>', False),  # in the sheetData
        (_END, _END + b'<dimension ref="1N"/>', False),  # after it
    ],
)
def test_a_bad_reference_is_named_only_where_calamine_reads_it(
    old: bytes, new: bytes, read: bool
) -> None:
    """With a cell ``C0`` (which calamine refuses) in row 2 too: the ``1N`` is named
    where calamine reads it, else ``C0`` (until a review on 2026-12-07 a ``1N`` anywhere
    in the worksheet was named, one calamine passed over)."""
    alone = _edited((old, new))
    if read:
        with pytest.raises(WorkbookError, match="bad cell reference '1N'"):
            read_workbook_bytes(alone, source="sales.xlsx", tabs=["OKRs"])
    else:
        assert "OKRs" in read_workbook_bytes(alone, source="sales.xlsx", tabs=["OKRs"]).sheets
    both = zipfile.ZipFile(io.BytesIO(alone)).read(SHEET)
    both = re.sub(rb'(<row r="2"[^>]*>)', rb'\1<c r="C0"/>', both, count=1)
    said = bad_reference(both, refused_byte("Expecting alphanumeric character, got 4E"))
    assert said is not None and said[0] == ("1N" if read else "C0"), said


@pytest.mark.parametrize("raw", [b"\t", b"\n", b"\r"])
def test_a_raw_control_character_calamine_names_is_found(raw: bytes) -> None:
    """calamine names a tab, LF or CR in hex without a leading zero (``got 9``, ``got A``,
    ``got D``; probed), which the XML parser reads as a space: the cell ``C 1`` holding
    it is named, not the bad merged range before it (until a review on 2026-12-07 the
    one-digit byte was not read, so the first bad reference was named)."""
    merged = b'<mergeCells><mergeCell ref="A1:1N"/></mergeCells>'
    data = _edited((_SD, merged + _SD), (b"</row>", b'<c r="C' + raw + b'1"/></row>'))
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert "bad cell reference 'C 1' of a cell" in str(info.value), str(info.value)


ENTITY_TO_DO = (
    ", which Excel and LibreOffice read but this tool cannot; open the file in Excel or "
    "LibreOffice and save it (they write it plainly), or have the program that wrote the "
    "file write "
)


@pytest.mark.parametrize(
    ("edit", "said", "cell"),
    [
        (
            b'<c r="Z&#50;"><v>5</v></c>',
            "'Z&#50;' of a cell is written with a character reference (for Z2)",
            "Z2",
        ),
        (
            b'<c r="&#x5A;2" s="0"/>',
            "'&#x5A;2' of a cell is written with a character reference (for Z2)",
            "Z2",
        ),
        (
            b'<dimension ref="A1:U&#51;"/>',
            "'A1:U&#51;' of the tab's <dimension> is written with a character reference "
            "(for A1:U3)",
            None,
        ),
        (
            b'<mergeCells count="1"><mergeCell ref="A1:B&#49;"/></mergeCells>',
            "'A1:B&#49;' of a merged range is written with a character reference (for A1:B1)",
            None,
        ),
    ],
)
def test_a_reference_written_with_a_character_reference_is_named(
    edit: bytes, said: str, cell: str | None
) -> None:
    """calamine reads the ``r`` as written and refuses the tab (``Expecting alphanumeric
    character, got 26``, the ``&``), where the XML parser, Excel and LibreOffice read
    ``Z&#50;`` as Z2: until 2026-12-08 that bare message, of no cell."""
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(_sheet(edit), source="sales.xlsx", tabs=["OKRs"])
    where = f"sales.xlsx!OKRs!{cell}" if cell else "sales.xlsx!OKRs"
    read = said.rsplit("(for ", 1)[1].rstrip(")")
    assert str(info.value) == f"{where}: the reference {said}{ENTITY_TO_DO}{read}"
    assert info.value.cell == cell


def test_an_escaped_ampersand_stays_a_bad_reference() -> None:
    """``A&amp;2`` is ``A&2`` as read: no reference, said as before."""
    with pytest.raises(WorkbookError, match="bad cell reference 'A&2' of a cell"):
        read_workbook_bytes(_sheet(b'<c r="A&amp;2"><v>5</v></c>'), source="s.xlsx", tabs=["OKRs"])


@needs_libreoffice
def test_libreoffice_reads_a_character_reference_as_the_cell(tmp_path: Path) -> None:
    """What the message says Excel and LibreOffice do: LibreOffice 7.4 shows ``Z&#50;``'s
    5 at Z2."""
    path = tmp_path / "entity.xlsx"
    path.write_bytes(_sheet(b'<c r="Z&#50;"><v>5</v></c>'))
    rows = convert(path, "csv", tmp_path / "csv").read_text().splitlines()
    assert rows[1].split(",")[25] == "5"
