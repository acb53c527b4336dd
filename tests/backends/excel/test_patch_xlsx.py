"""patch_xlsx proves it is surgical: only owned cells change; everything else is the same."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence

import openpyxl
import pytest
import python_calamine as pc

from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.errors import EncryptedWorkbookError, WorkbookError
from sheets_sync.grid import CellStyle, CellWrite
from tests.backends.excel.fixtures import (
    GREEN,
    GREY,
    RED,
    STATUS,
    YELLOW,
    entry_meta,
    outside_sheet_data,
    parts,
    row_open_tags,
    sheet_cells,
    status_writes,
    without_recalc_flag,
    xf_count,
)
from tests.support.shared import REAL_WORLD, needs_real_world

SHEET1 = "xl/worksheets/sheet1.xml"


def _calamine(data: bytes) -> dict[str, Sequence[Sequence[object]]]:
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}


def test_only_owned_parts_change(team_lo: bytes) -> None:
    writes = status_writes()
    out = patch_xlsx(team_lo, writes)
    before, after = parts(team_lo), parts(out)
    assert entry_meta(out) == entry_meta(team_lo)  # names, order, method, timestamps
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {SHEET1, "xl/styles.xml"}
    assert outside_sheet_data(after[SHEET1]) == outside_sheet_data(before[SHEET1])
    assert row_open_tags(after[SHEET1]) == row_open_tags(before[SHEET1])
    owned = {w.ref for w in writes}
    old_cells, new_cells = sheet_cells(before[SHEET1]), sheet_cells(after[SHEET1])
    assert {r: c for r, c in old_cells.items() if r not in owned} == {
        r: c for r, c in new_cells.items() if r not in owned
    }
    assert new_cells["H2"].f is None  # the owned formula became a value
    assert all(new_cells[r].t == "inlineStr" for r in owned if r.startswith("I"))


def test_cached_values_and_other_cells_still_read(team_lo: bytes) -> None:
    writes = status_writes()
    owned = {(w.sheet, w.row - 1, w.col - 1) for w in writes}
    out = patch_xlsx(team_lo, writes)
    old, new = _calamine(team_lo), _calamine(out)
    for name, rows in old.items():
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if (name, r, c) not in owned:
                    assert new[name][r][c] == value, (name, r, c)
    cached = openpyxl.load_workbook(io.BytesIO(out), data_only=True)
    cached_old = openpyxl.load_workbook(io.BytesIO(team_lo), data_only=True)
    for ref in ("B1", "B2", "B3"):
        assert cached["Summary"][ref].value == cached_old["Summary"][ref].value
    if cached_old["Summary"]["B3"].value is not None:  # LibreOffice computed it
        assert cached["Summary"]["B3"].value == sum(i * 10 for i in range(1, 49))
    assert cached["OKRs"]["F5"].value == cached_old["OKRs"]["F5"].value


def test_written_cells_read_back_with_styles(team_lo: bytes) -> None:
    writes = status_writes()
    wb = openpyxl.load_workbook(io.BytesIO(patch_xlsx(team_lo, writes)))
    ws = wb["OKRs"]
    for w in writes:
        cell = ws.cell(w.row, w.col)
        assert cell.value == w.value
        assert w.style is not None
        if w.style.fill:
            assert cell.fill.fgColor.rgb == "FF" + w.style.fill
            assert cell.font.b is w.style.bold
        if w.style.number_format:
            assert cell.number_format == w.style.number_format
    assert ws["H3"].border.left.style == "thin"  # derived xf kept the border
    orig = openpyxl.load_workbook(io.BytesIO(team_lo))["OKRs"]
    assert ws.freeze_panes == orig.freeze_panes
    assert ws.print_area == orig.print_area
    assert ws.column_dimensions["B"].width == pytest.approx(42, abs=1)
    assert "J1:K1" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.data_validations.dataValidation


def test_repeated_syncs_do_not_grow_styles(team_lo: bytes) -> None:
    writes = status_writes()
    once = patch_xlsx(team_lo, writes)
    twice = patch_xlsx(once, writes)
    thrice = patch_xlsx(twice, list(reversed(writes)))
    s1, s2, s3 = (parts(x)["xl/styles.xml"] for x in (once, twice, thrice))
    assert s1 == s2 == s3
    assert xf_count(s1) == xf_count(s3)
    assert parts(once)[SHEET1] == parts(twice)[SHEET1]


def test_new_rows_and_cells_go_in_order(team_openpyxl: bytes) -> None:
    writes = [
        CellWrite("OKRs", 70, 2, "after all rows"),
        CellWrite("OKRs", 60, 12, 1.5),
        CellWrite("OKRs", 4, 12, "row end"),
        CellWrite("OKRs", 4, 1, "row start"),
        CellWrite("OKRs", 65, 1, None, CellStyle(fill=GREY)),
        CellWrite("OKRs", 66, 1, None),  # clearing a missing cell adds nothing
    ]
    out = patch_xlsx(team_openpyxl, writes)
    xml = parts(out)[SHEET1]
    refs = list(sheet_cells(xml))
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    keys = [
        (coordinate_from_string(r)[1], column_index_from_string(coordinate_from_string(r)[0]))
        for r in refs
    ]
    assert keys == sorted(keys)
    assert "A66" not in refs
    assert b'<dimension ref="A1:L70"/>' in xml
    ws = openpyxl.load_workbook(io.BytesIO(out))["OKRs"]
    assert ws["B70"].value == "after all rows" and ws["L60"].value == 1.5
    assert ws["L4"].value == "row end" and ws["A65"].fill.fgColor.rgb == "FF" + GREY


def test_clearing_keeps_style(team_lo: bytes) -> None:
    styled = patch_xlsx(team_lo, [CellWrite("OKRs", 3, 9, "x", CellStyle(fill=RED))])
    cleared = patch_xlsx(styled, [CellWrite("OKRs", 3, 9, None)])
    cell = sheet_cells(parts(cleared)[SHEET1])["I3"]
    assert cell.v is None and cell.inline is None and cell.t is None
    assert cell.s == sheet_cells(parts(styled)[SHEET1])["I3"].s


@needs_real_world
def test_formula_replacement_updates_calc_chain() -> None:
    src = (REAL_WORLD / "theorchard__openpyxl" / "formulae.xlsx").read_bytes()
    out = patch_xlsx(src, [CellWrite("Sheet1", 4, 1, 7.0)])
    before, after = parts(src), parts(out)
    changed = {n for n in before if before[n] != after[n]}
    assert changed == {SHEET1, "xl/calcChain.xml", "xl/workbook.xml"}
    # the other formulas' cached values may be stale now: Excel recalculates them on open
    assert without_recalc_flag(after["xl/workbook.xml"]) == before["xl/workbook.xml"]
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]
    assert b'r="A4"' not in after["xl/calcChain.xml"]
    assert after["xl/calcChain.xml"].count(b"<c ") == before["xl/calcChain.xml"].count(b"<c ") - 1
    assert openpyxl.load_workbook(io.BytesIO(out))["Sheet1"]["A4"].value == 7


@needs_real_world
def test_calc_chain_inherited_sheet_id_and_removal() -> None:
    src = (REAL_WORLD / "tafia__calamine" / "errors.xlsx").read_bytes()
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(src)).sheet_names[0]
    out = parts(patch_xlsx(src, [CellWrite(sheet, 7, 1, 1.0)]))
    assert b'<c r="A6" i="1"/>' in out["xl/calcChain.xml"]
    every = patch_xlsx(src, [CellWrite(sheet, r, 1, float(r)) for r in range(1, 8)])
    left = parts(every)
    assert "xl/calcChain.xml" not in left
    assert b"calcChain" not in left["[Content_Types].xml"]
    assert b"calcChain" not in left["xl/_rels/workbook.xml.rels"]
    assert left["xl/workbook.xml"] == parts(src)["xl/workbook.xml"]  # no formulas remain
    assert openpyxl.load_workbook(io.BytesIO(every))[sheet]["A7"].value == 7


CALC_REL = (
    b'<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/calcChain" Target="calcChain.xml"/>'
)


def _rewritten(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """``data`` with its workbook rels and content types passed through ``change``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            body = src.read(info)
            if info.filename in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                body = change(body)
            out.writestr(info.filename, body, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace(b'"', b"'"),
        lambda xml: xml.replace(CALC_REL, CALC_REL[:-2] + b"></Relationship>"),
        lambda xml: xml.replace(CALC_REL, CALC_REL[:-2] + b"><!-- lxml --></Relationship>"),
        lambda xml: (
            xml.replace(b'Type="', b'Type = "')
            .replace(b'PartName="', b"PartName = '")
            .replace(b'.xml" ContentType', b".xml' ContentType")
        ),
    ],
    ids=["single-quoted", "end-tag", "comment-inside", "spaced"],
)
@needs_real_world
def test_an_emptied_calc_chain_leaves_no_relationship_to_it(
    change: Callable[[bytes], bytes],
) -> None:
    """Before: only a self-closed, double-quoted ``Type="..calcChain"`` was cut out, so
    the part went and its relationship and content type stayed (Excel's repair prompt)."""
    src = (REAL_WORLD / "tafia__calamine" / "errors.xlsx").read_bytes()
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(src)).sheet_names[0]
    data = _rewritten(src, change)
    left = parts(patch_xlsx(data, [CellWrite(sheet, r, 1, float(r)) for r in range(1, 8)]))
    assert "xl/calcChain.xml" not in left
    assert b"calcChain" not in left["[Content_Types].xml"]
    assert b"calcChain" not in left["xl/_rels/workbook.xml.rels"]
    rels = change(parts(src)["xl/_rels/workbook.xml.rels"])
    assert len(left["xl/_rels/workbook.xml.rels"]) < len(rels)  # the rest kept as it was
    assert (
        left["xl/_rels/workbook.xml.rels"].count(b"<Relationship ")
        == rels.count(b"<Relationship ") - 1
    )


@pytest.mark.parametrize(
    ("ref", "message"), [("B7", "shared formula"), ("C11", "array"), ("C10", "array")]
)
@needs_real_world
def test_refuses_to_break_shared_and_array_formulas(ref: str, message: str) -> None:
    src = (REAL_WORLD / "theorchard__openpyxl" / "formulae.xlsx").read_bytes()
    from openpyxl.utils.cell import coordinate_to_tuple

    row, col = coordinate_to_tuple(ref)
    with pytest.raises(WorkbookError, match=message) as info:
        patch_xlsx(src, [CellWrite("Sheet1", row, col, 1.0)])
    assert info.value.cell == ref


@needs_real_world
def test_xlsm_macros_untouched() -> None:
    src = (REAL_WORLD / "theorchard__openpyxl" / "vba-test.xlsm").read_bytes()
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(src)).sheet_names[0]
    out = patch_xlsx(src, [CellWrite(sheet, 30, 3, "synced", CellStyle(fill=GREEN))])
    before, after = parts(src), parts(out)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["[Content_Types].xml"] == before["[Content_Types].xml"]
    assert len({n for n in before if before[n] != after[n]}) == 2
    assert openpyxl.load_workbook(io.BytesIO(out), keep_vba=True)[sheet]["C30"].value == "synced"


@needs_real_world
def test_refusals_are_clear() -> None:
    strict = (REAL_WORLD / "tafia__calamine" / "strict_iso_paths.xlsx").read_bytes()
    with pytest.raises(WorkbookError, match="Strict Open XML"):
        patch_xlsx(strict, [CellWrite("Sheet1", 1, 1, 1.0)])
    enc = (REAL_WORLD / "tafia__calamine" / "pass_protected.xlsx").read_bytes()
    with pytest.raises(EncryptedWorkbookError):
        patch_xlsx(enc, [CellWrite("Sheet1", 1, 1, 1.0)])
    with pytest.raises(WorkbookError, match="zip"):
        patch_xlsx(b"not a workbook", [CellWrite("Sheet1", 1, 1, 1.0)])
    good = (REAL_WORLD / "theorchard__openpyxl" / "formulae.xlsx").read_bytes()
    with pytest.raises(WorkbookError, match="no tab named"):
        patch_xlsx(good, [CellWrite("Nope", 1, 1, 1.0)])
    assert patch_xlsx(good, []) is good


PREFIXED = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
    'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedo'
    'cument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" Conte'
    'ntType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Overr'
    'ide PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.s'
    'preadsheetml.styles+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.or'
    'g/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relations'
    "hips>",
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.op'
    'enxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/she'
    'et1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2'
    '006/relationships/styles" Target="styles.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats'
    '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/200'
    '6/relationships"><x:sheets><x:sheet name="Data" sheetId="1" r:id="rId1"/></x:sheets></x:wo'
    "rkbook>",
    "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.open'
    'xmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c><x:v>1</x:v></x:c><x:c t'
    '="inlineStr"><x:is><x:t>keep</x:t></x:is></x:c></x:row><x:row r="3"><x:c r="C3"><x:v>3</x'
    ":v></x:c></x:row></x:sheetData></x:worksheet>",
    "xl/styles.xml": '<?xml version="1.0"?><x:styleSheet xmlns:x="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main"><x:fonts count="1"><x:font><x:sz val="11"/></x:font></x:fonts'
    '><x:fills count="2"><x:fill><x:patternFill patternType="none"/></x:fill><x:fill><x:pattern'
    'Fill patternType="gray125"/></x:fill></x:fills><x:borders count="1"><x:border/></x:borders'
    '><x:cellXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></x:cellXfs><'
    "/x:styleSheet>",
}


def test_prefixed_namespaces_and_implicit_refs() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in PREFIXED.items():
            zf.writestr(name, text)
    writes = [
        CellWrite("Data", 1, 4, "new", CellStyle(fill=YELLOW, number_format="0.0%")),
        CellWrite("data", 2, 1, 2.0),
        CellWrite("Data", 3, 3, "three"),
    ]
    out = patch_xlsx(buf.getvalue(), writes)
    wb = openpyxl.load_workbook(io.BytesIO(out))
    ws = wb["Data"]
    assert [ws["A1"].value, ws["B1"].value, ws["D1"].value] == [1, "keep", "new"]
    assert ws["A2"].value == 2 and ws["C3"].value == "three"
    assert ws["D1"].fill.fgColor.rgb == "FF" + YELLOW and ws["D1"].number_format == "0.0%"
    styles = parts(out)["xl/styles.xml"]
    assert b'<x:numFmts count="1"><x:numFmt ' in styles
    assert set(STATUS.values()) >= {YELLOW}
