"""Worksheet XML that is legal but not as Excel or LibreOffice write it: refused by name,
never patched into a file that lost a team's cell or holds one cell twice."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.backends.excel.sheetrows import SheetRows
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellStyle, CellWrite
from tests.backends.excel.test_patch_xlsx import PREFIXED
from tests.support.scripts import HANG

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_sheet(sheet_xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in PREFIXED.items():
            zf.writestr(name, sheet_xml if name == "xl/worksheets/sheet1.xml" else text)
    return buf.getvalue()


SPACED_CELL_END = (
    f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c >'
    '<x:c r="B2" t="inlineStr"><x:is><x:t>team note</x:t></x:is></x:c></x:row></x:sheetData>'
    "</x:worksheet>"
)
SPACED_ROW_END = (
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="A2"><v>1</v></c></row\n>'
    '<row r="3"><c r="A3"><v>5</v></c></row></sheetData></worksheet>'
)
SECOND_PREFIX = (
    f'<worksheet xmlns="{MAIN}" xmlns:x="{MAIN}"><sheetData><x:row r="2"><x:c r="A2">'
    "<x:v>7</x:v></x:c></x:row></sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("sheet_xml", "message"),
    [
        (SPACED_CELL_END, r"end tags with spaces in its cell data \(</c >\)"),
        (SPACED_ROW_END, r"end tags with spaces"),
        (SECOND_PREFIX, r"names the spreadsheet namespace twice"),
    ],
)
def test_tags_the_scans_cannot_see_are_refused(sheet_xml: str, message: str) -> None:
    """Before: A2 written through ``</c >`` replaced A2 *and* the team's note in B2; a
    row closed by ``</row\\n>`` got row 2's cells inside row 3; ``<x:c r="A2">`` in an
    unprefixed sheet got a second A2 beside it."""
    data = with_sheet(sheet_xml)
    with pytest.raises(WorkbookError, match=message) as caught:
        patch_xlsx(data, [CellWrite("Data", 2, 1, 0.5), CellWrite("Data", 2, 3, 1.0)])
    assert caught.value.tab == "Data"


@pytest.mark.parametrize(
    ("tab", "named"),
    [("Bob's", '"Bob\'s"'), ("Q1 OKRs", '"Q1 OKRs"'), ("A1", '"A1"'), ("Data", "Data")],
)
def test_a_refused_worksheet_names_its_tab(tab: str, named: str) -> None:
    """``worksheet "Bob's"``, in words as the team types the name (``grid.as_typed``): until
    2026-12-07 a formula's quoting (``worksheet 'Bob''s'``, a doubled quote no tab bar
    shows), and before that Python's repr (``worksheet 'Data'``)."""
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    spaced = SPACED_CELL_END.encode()
    cases = [
        (f'<worksheet xmlns="{MAIN}"/>'.encode(), "(xl/s.xml) has no <sheetData>"),
        (sheet.encode(), "(xl/s.xml) is truncated"),
        (spaced, "has end tags with spaces in its cell data"),
        (SECOND_PREFIX.encode(), "names the spreadsheet namespace twice"),
        ((sheet + "<!-- x --></sheetData></worksheet>").encode(), "has XML comments or CDATA"),
    ]
    for xml, words in cases:
        with pytest.raises(WorkbookError) as caught:
            SheetRows(xml, "xl/s.xml", tab)
        assert str(caught.value).startswith(f"worksheet {named} {words}")
    unclosed = {
        "<row>": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"></sheetData></worksheet>',
        "<c>": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"></row>'
        "</sheetData></worksheet>",
    }
    for element, xml_text in unclosed.items():
        rows = SheetRows(xml_text.encode(), "xl/s.xml", tab)
        with pytest.raises(WorkbookError) as caught:
            for _tag, _num, end in rows._rows():
                rows._cells(_tag.end, end)
        assert str(caught.value) == f"worksheet {named} has an unterminated {element}"
    if tab != "Data":  # the workbook's one tab
        with pytest.raises(WorkbookError) as missing:
            patch_xlsx(with_sheet(SECOND_PREFIX), [CellWrite(tab, 2, 1, 0.5)])
        # in words, as typed (``"Bob's"``): a formula's quoting until 2026-12-07
        typed = f'"{tab}"'
        assert str(missing.value) == f"{tab}: the workbook has no tab named {typed}"


def test_spaces_inside_start_tags_are_still_patched() -> None:
    """Whitespace the scans do handle (inside start tags) is no reason to refuse."""
    sheet_xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2" ><c r="A2" ><v>1</v></c>'
        '<c\n r="B2"\n t="inlineStr"><is><t>team note</t></is></c></row></sheetData></worksheet>'
    )
    out = patch_xlsx(with_sheet(sheet_xml), [CellWrite("Data", 2, 1, 0.5)])
    sheet = zipfile.ZipFile(io.BytesIO(out)).read("xl/worksheets/sheet1.xml")
    assert b'<c r="A2"><v>0.5</v></c>' in sheet
    assert b'<c\n r="B2"\n t="inlineStr"><is><t>team note</t></is></c>' in sheet


def test_spaced_end_tags_of_styles_and_sheet_data_are_patched() -> None:
    """``</x:cellXfs >`` in styles.xml: the new formats were spliced in at offset -1 and the
    team failed with "internal error (AssertionError: overlapping XML edits)" and a
    traceback; ``</x:sheetData >`` said the worksheet was truncated."""
    styles = PREFIXED["xl/styles.xml"].replace("</x:cellXfs>", "</x:cellXfs >")
    styles = styles.replace("</x:fills>", "</x:fills\n>")
    sheet_xml = PREFIXED["xl/worksheets/sheet1.xml"].replace("</x:sheetData>", "</x:sheetData\t>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in PREFIXED.items():
            body = {"xl/styles.xml": styles, "xl/worksheets/sheet1.xml": sheet_xml}.get(name, text)
            zf.writestr(name, body)
    style = CellStyle(fill="C6EFCE", bold=True)
    out = patch_xlsx(buf.getvalue(), [CellWrite("Data", 5, 2, "On track", style)])
    wb = openpyxl.load_workbook(io.BytesIO(out))
    cell = wb["Data"]["B5"]
    assert (cell.value, cell.fill.fgColor.rgb, cell.font.b) == ("On track", "FFC6EFCE", True)
    assert wb["Data"]["B1"].value == "keep"
    written = zipfile.ZipFile(io.BytesIO(out)).read("xl/styles.xml")
    assert written.endswith(b"</x:cellXfs ></x:styleSheet>")


def test_a_cell_stored_in_another_rows_element_is_refused() -> None:
    """``<row r="2"><c r="J5">``: calamine and LibreOffice show the team's note at J5 (by
    its reference); writing J2 replaced that cell, so the note was gone. The reader
    refuses the tab (it reads every cell; the sync patches only what it read), so the
    patch checks no cell's row on its hot path."""
    sheet_xml = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="A2"><v>1</v></c>'
        '<c r="J5" t="inlineStr"><is><t>team note</t></is></c></row>'
        '<row r="5"><c r="A5"><v>5</v></c></row></sheetData></worksheet>'
    )
    with pytest.raises(WorkbookError, match="damaged: cell J5 is stored in row 2") as caught:
        read_workbook_bytes(with_sheet(sheet_xml), source="t.xlsx", tabs=["Data"])
    assert (caught.value.tab, caught.value.cell) == ("Data", "J5")
    ok = sheet_xml.replace('r="J5"', 'r="J2"')  # the same cell where it belongs: written
    out = patch_xlsx(with_sheet(ok), [CellWrite("Data", 2, 10, 0.5), CellWrite("Data", 12, 3, 1.0)])
    assert b'<c r="J2"><v>0.5</v></c>' in zipfile.ZipFile(io.BytesIO(out)).read(
        "xl/worksheets/sheet1.xml"
    )


@pytest.mark.parametrize("end", ["</styleSheet>", "</styleSheet >", "</styleSheet\n>"])
def test_a_style_section_is_added_before_a_spaced_root_end_tag(end: str) -> None:
    """No cellXfs or later section: the new one goes before the root's end tag, which
    ``</styleSheet >`` (legal XML) hid from a plain search, so the file was refused."""
    styles = f'<styleSheet xmlns="{MAIN}"><numFmts count="0"/><fonts count="1"><font/></fonts>{end}'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in PREFIXED.items():
            zf.writestr(name, styles if name == "xl/styles.xml" else text)
    out = patch_xlsx(buf.getvalue(), [CellWrite("Data", 2, 1, 0.5, CellStyle(fill="FFC6EFCE"))])
    written = zipfile.ZipFile(io.BytesIO(out)).read("xl/styles.xml")
    assert written.endswith(b"</cellXfs>" + end.encode())
    cell = openpyxl.load_workbook(io.BytesIO(out))["Data"]["A2"]
    assert (cell.value, cell.fill.fgColor.rgb) == (0.5, "FFC6EFCE")


def test_an_unclosed_quote_in_a_comment_costs_one_pass() -> None:
    """Found by review 2026-12-06: ``_element``'s attribute text let a quoted value run
    over ``<``, so each ``<Relationship "`` in a comment scanned to the part's end: 120 KB
    of them in a .rels took 17.8 s, so this 900 KB some 15 minutes (quadratic). Attribute
    values hold no ``<``. A child process, bounded by ``HANG``: only the quadratic scan
    reaches it (the 400 KB it had, some 200 s by the same sum, may not have)."""
    code = (
        "from sheets_sync.backends.excel.patch import _element\n"
        "d = b'<Relationships><!-- ' + b'<Relationship \"' * 60000 + b' --></Relationships>'\n"
        "assert not list(_element(b'Relationship').finditer(d))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=HANG)
