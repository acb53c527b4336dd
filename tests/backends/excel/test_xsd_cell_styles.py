"""A cell's ``s`` and an ``<xf>``'s ``fillId`` are XSD ``unsignedInt``s too, read by
``xmlutil.xsd_whole``: white space about them and one leading ``+`` are allowed. Until a
review on 2026-12-07 ``percent`` and ``fills`` read them as bare digits, so a cell in
the percent format written ``s=" 1 "`` or ``s="+1"`` showed 100% in LibreOffice 7.4 and
read 1 of 10 (0.1), and a fill of ``fillId=" 2 "`` was none."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from sheets_sync.backends.excel.fills import fill_cells, fill_styles
from sheets_sync.backends.excel.percent import percent_cells, percent_ones
from sheets_sync.backends.excel.reader import read_workbook_bytes
from tests.backends.excel.test_fills import STYLES
from tests.support.workbooks import member_rewritten

#: a cell's ``s`` as written, each read as style 1
WRITTEN = [b"1", b" 1 ", b"+1", b" +01", b"&#9;1&#10;", b"1&#13;"]
#: read as no style: no XSD white space, or a sign XSD does not allow
NOT = [b"&#160;1", b"+ 1", b"++1", b"-1", b"1 1"]


def _sheet(s: bytes) -> bytes:
    return (
        b'<worksheet><sheetData><row r="2"><c r="A2" s="' + s + b'"><v>1</v></c>'
        b"</row></sheetData></worksheet>"
    )


@pytest.mark.parametrize("s", WRITTEN)
def test_a_cells_style_is_read_as_xsd_says(s: bytes) -> None:
    assert percent_ones(_sheet(s), frozenset({1})) == {(2, 1)}
    assert percent_cells(_sheet(s), frozenset({1})) == {(2, 1)}
    assert fill_cells(_sheet(s), fill_styles(STYLES)) == {(2, 1): "C6EFCE"}


@pytest.mark.parametrize("s", NOT)
def test_another_style_text_is_no_style(s: bytes) -> None:
    assert percent_ones(_sheet(s), frozenset({1})) == frozenset()
    assert percent_cells(_sheet(s), frozenset({1})) == frozenset()
    assert fill_cells(_sheet(s), fill_styles(STYLES)) == {}


def test_many_percent_styles_read_a_padded_style_alike() -> None:
    """Past 16 styles every ``s`` is looked at (``percent._style_attr``)."""
    styles = frozenset(range(1, 40))
    for s in WRITTEN:
        assert percent_cells(_sheet(s), styles) == {(2, 1)}, s
    for s in NOT:
        assert percent_cells(_sheet(s), styles) == frozenset(), s


@pytest.mark.parametrize("fill_id", [b" 2 ", b"+2", b"&#9;02"])
def test_a_padded_fill_id_is_read(fill_id: bytes) -> None:
    styles = STYLES.replace(b'<x:xf fillId="2" fontId="1"/>', b'<x:xf fillId="' + fill_id + b'"/>')
    assert fill_styles(styles) == {1: "C6EFCE", 5: "FFC7CE"}
    assert fill_styles(STYLES.replace(b'fillId="2"', b'fillId="&#160;2"')) == {5: "FFC7CE"}


def _edited(data: bytes, old: bytes, new: bytes) -> bytes:
    return member_rewritten(data, "xl/worksheets/sheet1.xml", lambda b: b.replace(old, new))


@pytest.mark.parametrize("s", [b" 1 ", b"+1"])
def test_a_padded_style_marks_a_confidence_of_100_percent(s: bytes) -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("OKRs")
    sheet.write_row(0, 0, ["Confidence"])
    percent = book.add_format({"num_format": 10})
    sheet.write(1, 0, 1, percent)
    sheet.write(2, 0, 0.5, percent)
    book.close()
    data = _edited(out.getvalue(), b's="1"', b's="' + s + b'"')
    grid = read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.percent_ones == {(2, 1)}
    assert grid.percent_cells == {(2, 1), (3, 1)}
