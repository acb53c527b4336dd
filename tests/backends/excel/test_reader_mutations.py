"""A damaged team file is read or refused with a named error; nothing else.

Well-formed mutations of the team workbook's own parts (hostile cell references, row
numbers, types, style indexes, values, merged ranges; elements moved or duplicated) get
past the XML parser into the scan and calamine, where byte-level damage never reaches.
A mutation that raised anything but a ``SheetsSyncError`` would be a traceback, or an
internal error for the team; one that aborted calamine would end the test run.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.errors import SheetsSyncError
from tests.backends.excel.fixtures import status_writes

REFS = ("A0", "XFD1048577", "XFE1", "ZZZZ1", "A-1", "1A", "", "XFD1048576", "A1048576",
        "B4294967297", "a1", "$A$1", "A1:B2", "IV65536", "A1:XFD1048576", "B2:A1")  # fmt: skip
ROWS = ("0", "-1", "1048577", "4294967296", "99999999999", "x", "", "3", "1")
TYPES = ("s", "e", "d", "b", "n", "str", "inlineStr", "x", "")
STYLES = ("9999", "-1", "x", "0", "4294967296")
TEXTS = ("abc", "99999999", "", "1e400", "-", "NaN", "inf", "-1", "2958466", "1e-400",
         "１２", "²", " 5 ", "9" * 400)  # fmt: skip
OPS = ("ref", "row", "type", "style", "text", "move", "copy")

mutation = st.tuples(
    st.integers(0, 10**6),  # which element
    st.sampled_from(OPS),
    st.integers(0, 10**6),  # which value (or where to)
)


def _mutate(xml: bytes, steps: list[tuple[int, str, int]]) -> bytes:
    root = etree.fromstring(xml)
    for where, op, pick in steps:
        elements = list(root.iter())
        el = elements[where % len(elements)]
        tag = etree.QName(el).localname
        if op == "ref":
            attr = {"dimension": "ref", "mergeCell": "ref", "selection": "sqref"}.get(tag, "r")
            el.set(attr, REFS[pick % len(REFS)])
        elif op == "row":
            el.set("r", ROWS[pick % len(ROWS)])
        elif op == "type":
            el.set("t", TYPES[pick % len(TYPES)])
        elif op == "style":
            el.set("s", STYLES[pick % len(STYLES)])
        elif op == "text":
            el.text = TEXTS[pick % len(TEXTS)]
        elif (parent := el.getparent()) is not None:
            target = elements[pick % len(elements)]
            if op == "copy":
                parent.append(etree.fromstring(etree.tostring(el)))
            elif el is not target and el not in target.iterancestors():
                parent.remove(el)
                target.append(el)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _with_part(data: bytes, name: str, body: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, body if info.filename == name else src.read(info))
    return out.getvalue()


@pytest.mark.timeout(120)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 99), steps=st.lists(mutation, min_size=1, max_size=4))
def test_a_mutated_team_file_is_read_or_refused_by_name(
    team_openpyxl: bytes, which: int, steps: list[tuple[int, str, int]]
) -> None:
    src = zipfile.ZipFile(io.BytesIO(team_openpyxl))
    parts = [n for n in src.namelist() if n.startswith("xl/") and n.endswith(".xml")]
    part = parts[which % len(parts)]  # the sheets, styles, workbook, shared strings if any
    data = _with_part(team_openpyxl, part, _mutate(src.read(part), steps))
    try:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    except SheetsSyncError as exc:
        assert str(exc).startswith("sales.xlsx")
        return
    # Read: then the write-back must patch it, or refuse it by name, too.
    try:
        patched = patch_xlsx(data, status_writes())
    except SheetsSyncError:
        return
    read_workbook_bytes(patched, source="sales.xlsx", tabs=["OKRs", "KPIs"])


@pytest.mark.parametrize(
    ("old", "new"),
    [(b'<row r="2"', b'<row r="XFD1048577"'), (b'<c r="H2" s="', b'<c r="H2" s="x')],
    ids=["row-number", "style-index"],
)
def test_a_number_attribute_that_is_not_one_is_refused_by_name(
    team_openpyxl: bytes, old: bytes, new: bytes
) -> None:
    """Found by the test above (2026-12-04): calamine reads such a sheet, and the patch
    raised ValueError, an "internal error" with a traceback."""
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(team_openpyxl)).read(sheet)
    assert old in xml
    data = _with_part(team_openpyxl, sheet, xml.replace(old, new, 1))
    with pytest.raises(SheetsSyncError) as info:
        patch_xlsx(data, status_writes())
    assert str(info.value).startswith("OKRs") or str(info.value).startswith("sales.xlsx")
    assert "the worksheet is damaged" in str(info.value)


@pytest.mark.parametrize("target", [93, 48], ids=["row-in-a-cell", "row-in-a-row"])
def test_a_row_stored_inside_another_element_is_refused_by_name(
    team_openpyxl: bytes, target: int
) -> None:
    """Found by the test above (2026-12-06): row 15 moved into a cell's ``<is>`` (93) or
    into row 2 (48) reads, and the patch, whose scans end a row at the first ``</row>``,
    wrote malformed XML (93) or H2 into row 15 (48): a file the reader then refused."""
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(team_openpyxl)).read(sheet)
    data = _with_part(team_openpyxl, sheet, _mutate(xml, [(326, "move", target)]))
    read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    with pytest.raises(SheetsSyncError) as info:
        patch_xlsx(data, status_writes())
    assert str(info.value).startswith("OKRs")
    assert "the worksheet is damaged" in str(info.value)


def test_a_cell_stored_inside_another_cell_is_refused_by_name(team_openpyxl: bytes) -> None:
    """The scan ends a cell at the first ``</c>``: a cell inside another's ``<is>`` ended
    it early, so a new cell inserted after it landed inside the ``<is>``."""
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(team_openpyxl)).read(sheet)
    old = b"<t>Key result 1</t></is>"
    assert old in xml
    nested = xml.replace(old, b'<t>Key result 1</t><c r="Z2"><v>1</v></c></is>', 1)
    data = _with_part(team_openpyxl, sheet, nested)
    with pytest.raises(SheetsSyncError) as info:
        patch_xlsx(data, status_writes())
    assert str(info.value).startswith("OKRs")
    assert "the worksheet is damaged: a <c> is stored inside cell B2" in str(info.value)
