"""The copy calamine reads (``errorcodes.py``): found in linear time, changed in place.

Found by review 2026-12-06: ``(.*?)</c>`` scanned to the end of the sheet for each
self-closing error cell with no ``</c>`` after it (8,000 such rows, a 45 KB .xlsx, took
49 s to read); the copy was made by parsing and reserialising the whole sheet (749 MB
for a 27 MB sheet with one ``#SPILL!``), before the tab's extent was checked.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from sheets_sync.backends.excel import reader
from sheets_sync.backends.excel.errorcodes import _ERROR_CELL, STAND_IN, for_calamine
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.safety import inspect_package
from sheets_sync.errors import WorkbookTooLargeError
from tests.backends.excel.test_reader_error_codes import SHEET, _team
from tests.support.workbooks import member_rewritten

N = 20_000
SPILL = b'<row r="99999"><c r="A99999" t="e"><v>#SPILL!</v></c></row>'


def _sheet(rows: bytes) -> bytes:
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return head + b"<sheetData>" + rows + b"</sheetData></worksheet>"


def _with_sheet(xml: bytes) -> bytes:
    return member_rewritten(_team(), SHEET, lambda _: xml)


def _copied_sheet(xml: bytes) -> bytes | None:
    data = _with_sheet(xml)
    package = inspect_package(data, source="sales.xlsx", max_uncompressed_bytes=2**25)
    copy = for_calamine(data, package, [SHEET], "sales.xlsx")
    return None if copy is data else zipfile.ZipFile(io.BytesIO(copy)).read(SHEET)


@pytest.mark.parametrize(
    "cell",
    [b'<c r="A{i}" t="e"/>', b'<c r="A{i}" s="1" t="e" />', b'<c r="A{i}" t="e"><v>#N/A</v>'],
)
def test_each_error_cell_is_matched_to_its_own_end(cell: bytes) -> None:
    """The work is counted, not timed: a match (or a failed attempt, which stops where a
    match would) never runs past its own cell, so 20,000 cells cost 20,000 short scans.
    The last form is never closed (no well-formed sheet has it; nor may it scan on): its
    match has no end tag (group 2), which sends the part to the parse."""
    rows = b"".join(b'<row r="%d">' % i + cell.replace(b"{i}", b"%d" % i) for i in range(N))
    xml = _sheet(rows + SPILL)
    matches = list(_ERROR_CELL.finditer(xml))
    assert max(m.end() - m.start() for m in matches) < 64
    assert len(matches) == N + 1
    unclosed = [m.group(1) is not None and m.group(2) is None for m in matches[:-1]]
    assert unclosed == [b"</v>" in cell] * N
    assert matches[-1].group(1) == b"<v>#SPILL!</v>"


def test_self_closing_error_cells_alone_leave_the_workbook_as_it_is() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="e"/></row>' % (i, i) for i in range(1, N))
    assert _copied_sheet(_sheet(rows)) is None
    assert _copied_sheet(_sheet(rows + SPILL)) == _sheet(rows + SPILL).replace(
        b"#SPILL!", STAND_IN.encode()
    )


def test_the_copy_differs_only_in_the_refused_codes() -> None:
    """Nothing but the ``<v>`` bytes of a refused code changes: not the quotes, the
    prefixes, the spacing or the declaration a parse and reserialise would rewrite."""
    template = (
        b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<x:sheetData>\n  <x:row r='1'>"
        b"<x:c r='A1' t='e'><x:f>FILTER(Z:Z,Z:Z)</x:f><x:v>{0}</x:v></x:c>"
        b'<x:c r="B1" t="e" ><x:v >{1}</x:v ></x:c >'
        b'<x:c r="C1" t="e"><x:v>{2}</x:v></x:c>'
        b'<x:c r="D1" t="e"><x:v xml:space="preserve">{3}</x:v></x:c>'
        b'<x:c r="E1" t="str"><x:v>#SPILL!</x:v></x:c>'  # text, not an error
        b'<x:c r="F1" t="e"><x:v>&#35;N/A</x:v></x:c>'
        b"</x:row>\n</x:sheetData></x:worksheet>"
    )
    codes = [b"#SPILL!", b"#CALC!", b"#REF!", b"#BUSY!"]
    original = template.replace(b"{0}", codes[0]).replace(b"{1}", codes[1])
    original = original.replace(b"{2}", codes[2]).replace(b"{3}", codes[3])
    expected = template.replace(b"{0}", b"#N/A").replace(b"{1}", b"#N/A")
    expected = expected.replace(b"{2}", b"#REF!").replace(b"{3}", b"#N/A")
    assert _copied_sheet(original) == expected
    grid = read_workbook_bytes(_with_sheet(original), source="s.xlsx", tabs=["OKRs"])
    assert [str(v) for v in grid.sheets["OKRs"].rows[0]] == [
        *("#SPILL!", "#CALC!", "#REF!", "#BUSY!", "#SPILL!", "#N/A")
    ]


def test_a_tab_too_large_is_refused_before_any_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[object] = []

    def spy(data: bytes, *args: object) -> bytes:
        copies.append(args)
        return data

    monkeypatch.setattr(reader, "for_calamine", spy)
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    data = _with_sheet(_sheet(SPILL + far))
    with pytest.raises(WorkbookTooLargeError, match="the tab spans A1:XFD1048576"):
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert copies == []


_HEAD = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    b'<sheetData><row r="1">'
)
_TAIL = b'<c r="Z1" t="e"><v>#CALC!</v></c></row></sheetData></worksheet>'


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (b'<c r="A1" t="e"><v>#SPILL!<!-- </v> --></v></c>', "#SPILL!"),
        (b'<c r="A1" t="e"><v>#SPILL!<?pi </v> ?></v></c>', "#SPILL!"),
        (b'<c r="A1" t="e"><v><![CDATA[#SPILL!</v>]]></v></c>', "#SPILL!</v>"),
        (b'<c r="A1" t="e"><v>#N/A</v><v>#SPILL!</v></c>', "#N/A"),
        (b'<c r="A1" t="e"><!-- <c> --><v>#SPILL!</v></c>', "#SPILL!"),
        (b'<c r="A1" t="&#101;"><v>#SPILL!</v></c>', "#SPILL!"),
        (
            b'<c r="A1" t="inlineStr"><is><t><![CDATA[<c t="e"><v>#SPILL!</v>]]></t></is></c>',
            '<c t="e"><v>#SPILL!</v>',
        ),
        (b'<c r="A1" x14ac:t="e"><v>5</v></c>', "5.0"),
        (b'<c r="A1" x14ac:foo=\'t="e"\'><v>5</v></c>', "5.0"),
        (b'<c r="A1" t="e" x14ac:foo="a>b"><v>#SPILL!</v></c>', "#SPILL!"),
    ],
)
def test_what_a_byte_swap_would_misread_is_parsed(cell: bytes, shown: str) -> None:
    """Found by review 2026-12-06: ``(.*?)</v>`` stopped at a ``</v>`` inside a comment,
    PI or CDATA section and the swap wrote malformed XML (the tab became unreadable);
    only a cell's first ``<v>`` was looked at; a ``<c`` in a comment ended the cell
    early; ``t="&#101;"`` was missed; ``x14ac:t="e"`` and a ``t="e"`` inside another
    attribute's value made a number cell read as #N/A. Each reads as before 2026-12-06."""
    grid = read_workbook_bytes(_with_sheet(_HEAD + cell + _TAIL), source="s.xlsx", tabs=["OKRs"])
    row = [str(v) for v in grid.sheets["OKRs"].rows[0]]
    assert (row[0], row[-1]) == (shown, "#CALC!")
