"""Rows an active filter hides are read; rows hidden by hand are not (.xlsx and .ods).

A filter is a view: one person's "Owner = Ann" left applied when she saved must not take
everyone else's key results out of the nightly sync.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.filters import AutoFilter, FilterColumn, Filters
from openpyxl.worksheet.table import Table

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.grid import SheetGrid
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.scripts import HANG

OWNERS = ("Ann", "Bob", "Ann", "Bob", "Cy", "Dee", "Dee")


def _book(*, criteria: bool = True, table: bool = False) -> openpyxl.Workbook:
    """KRs k1..k7 in rows 2..8; a filter "Owner = Ann" over A1:B6 hides rows 3, 5, 6;
    row 7 (outside the filter) is hidden by hand."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OKRs"
    ws.append(("KR", "Owner"))
    for i, owner in enumerate(OWNERS, 1):
        ws.append((f"k{i}", owner))
    columns = [FilterColumn(colId=1, filters=Filters(filter=["Ann"]))] if criteria else []
    if table:
        ws.add_table(
            Table(
                displayName="Goals",
                ref="A1:B6",
                autoFilter=AutoFilter(ref="A1:B6", filterColumn=columns),
            )
        )
    else:
        ws.auto_filter = AutoFilter(ref="A1:B6", filterColumn=columns)
    for row in (3, 5, 6, 7):
        ws.row_dimensions[row].hidden = True
    return wb


def _bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _grid(data: bytes, source: str = "t.xlsx") -> SheetGrid:
    return read_workbook_bytes(data, source=source, tabs=["OKRs"]).sheets["OKRs"]


@pytest.mark.parametrize("table", [False, True], ids=["sheet-filter", "table-filter"])
def test_rows_an_active_filter_hides_are_read(table: bool) -> None:
    data = _bytes(_book(table=table))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        part = "xl/tables/table1.xml" if table else "xl/worksheets/sheet1.xml"
        assert b"<filterColumn" in z.read(part)
    g = _grid(data)
    assert g.hidden_rows == frozenset({7})
    assert [r[0] for r in g.rows[1:]] == [f"k{i}" for i in range(1, 8)]


def test_filter_buttons_without_criteria_keep_hidden_rows_hidden() -> None:
    assert _grid(_bytes(_book(criteria=False))).hidden_rows == frozenset({3, 5, 6, 7})


@pytest.mark.parametrize("ref", ["", "nonsense", "A1:B"])
def test_a_filter_with_an_unreadable_ref_keeps_hidden_rows_hidden(ref: str) -> None:
    data = _bytes(_book())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b'<autoFilter ref="A1:B6">' in parts[sheet]
    parts[sheet] = parts[sheet].replace(b'ref="A1:B6"', f'ref="{ref}"'.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    assert _grid(out.getvalue()).hidden_rows == frozenset({3, 5, 6, 7})


def _rewritten(data: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[part] = edit(parts[part])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return out.getvalue()


def test_a_filter_saved_in_a_custom_view_is_not_the_live_one() -> None:
    """A custom view (View > Custom Views) keeps its own ``autoFilter``; it filters only
    when someone applies the view, so the rows hidden now were hidden by hand and stay
    skipped (read, they were scored and written against the docs)."""

    def into_custom_view(sheet: bytes) -> bytes:
        live = re.search(rb"<autoFilter .*?</autoFilter>", sheet)
        assert live is not None
        view = (
            b'<customSheetViews><customSheetView guid="{00000000-0000-0000-0000-000000000001}">'
            + live[0]
            + b"</customSheetView></customSheetViews>"
        )
        return sheet.replace(live[0], view)

    data = _rewritten(_bytes(_book()), "xl/worksheets/sheet1.xml", into_custom_view)
    assert _grid(data).hidden_rows == frozenset({3, 5, 6, 7})


_ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:body><office:spreadsheet><table:table table:name="OKRs">{rows}</table:table>
<table:database-ranges><table:database-range table:name="__Anonymous_Sheet_DB__0"
 table:target-range-address="OKRs.A1:OKRs.B6" table:display-filter-buttons="true">
<table:filter><table:filter-condition table:value="Ann" table:operator="="
 table:field-number="1"/></table:filter></table:database-range></table:database-ranges>
</office:spreadsheet></office:body></office:document-content>"""


_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
<manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def _ods_row(cells: tuple[str, ...], visibility: str) -> str:
    attr = f' table:visibility="{visibility}"' if visibility else ""
    body = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
        for c in cells
    )
    return f"<table:table-row{attr}>{body}</table:table-row>"


def test_ods_rows_a_filter_hides_are_read_and_rows_hidden_by_hand_are_not() -> None:
    """LibreOffice writes ``visibility="filter"`` for a filtered-out row and
    ``"collapse"`` for one hidden by hand (see the LibreOffice test below)."""
    rows = [_ods_row(("KR", "Owner"), "")]
    for i, owner in enumerate(OWNERS, 1):
        vis = {3: "filter", 5: "filter", 6: "filter", 7: "collapse"}.get(i + 1, "")
        rows.append(_ods_row((f"k{i}", owner), vis))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", _ODS_CONTENT.format(rows="".join(rows)))
        z.writestr("META-INF/manifest.xml", _MANIFEST)
    g = _grid(out.getvalue(), "t.ods")
    assert g.hidden_rows == frozenset({7})
    assert [r[0] for r in g.rows[1:]] == [f"k{i}" for i in range(1, 8)]


@needs_libreoffice
@pytest.mark.timeout(2 * HANG + 60)  # two conversions in turn, each bounded by HANG
def test_libreoffice_filtered_files_read_every_filtered_row(tmp_path: Path) -> None:
    """The Excel file saved by LibreOffice as .ods, and that .ods saved back as .xlsx
    (``hidden="true"``, its own ``autoFilter``): the filtered rows are read in both."""
    src = tmp_path / "f.xlsx"
    _book().save(src)
    ods = convert(src, "ods", tmp_path / "ods")
    assert b'table:visibility="filter"' in zipfile.ZipFile(ods).read("content.xml")
    back = convert(ods, "xlsx", tmp_path / "xlsx")
    sheet = zipfile.ZipFile(back).read("xl/worksheets/sheet1.xml")
    assert b'hidden="true"' in sheet and b"<filterColumn" in sheet
    for path in (ods, back):
        g = _grid(path.read_bytes(), path.name)
        assert g.hidden_rows == frozenset({7}), path.name
        assert [r[0] for r in g.rows[1:]] == [f"k{i}" for i in range(1, 8)]


def test_columns_hidden_by_hand_are_read_as_spans() -> None:
    """``<col hidden="1">`` and a width of 0 (.xlsx), ``visibility="collapse"`` (.ods):
    owned columns a layout lacks are not added there (tests/sync/test_added_owned_columns)."""
    wb = _book(criteria=False)
    ws = wb.active
    assert ws is not None
    ws.column_dimensions.group("D", "E", hidden=True)
    cols = b'<col min="7" max="7" width="0" customWidth="1"/></cols>'
    data = _rewritten(_bytes(wb), "xl/worksheets/sheet1.xml", lambda x: x.replace(b"</cols>", cols))
    assert _grid(data).hidden_cols == ((4, 5), (7, 7))
    repeat = "table:number-columns-repeated"
    columns = (
        f'<table:table-column {repeat}="2"/>'
        f'<table:table-column table:visibility="collapse" {repeat}="3"/>'
        f'<table:table-column {repeat}="16379"/>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", _ODS_CONTENT.format(rows=columns + _ods_row(("KR",), "")))
        z.writestr("META-INF/manifest.xml", _MANIFEST)
    assert _grid(out.getvalue(), "t.ods").hidden_cols == ((3, 5),)


@pytest.mark.parametrize(
    ("col", "span"),
    [
        ('<col min="10" max="11" hidden="1" width="abc"/>', ((10, 11),)),  # was not hidden
        ('<col min="10" max="11" hidden="true" width="9"/>', ((10, 11),)),
        # Excel draws a 0-wide column whatever hidden says: read as shown until 2026-12-06
        ('<col min="10" max="11" hidden="0" width="0" customWidth="1"/>', ((10, 11),)),
        ('<col min="10" max="11" hidden="false" width="0.0"/>', ((10, 11),)),
        ('<col min="10" max="11" width="0"/>', ((10, 11),)),
        ('<col min="10" max="11" hidden="0" customWidth="1"/>', ((10, 11),)),  # exceljs#204
        ('<col min="10" max="11" hidden="0" width="9" customWidth="1"/>', ()),
        # no width is 0 wide whatever customWidth says: Windows Excel draws it so
        # (SheetJS#1404, qrilka/xlsx#89, tealeg/xlsx#61); read as shown until 2026-12-06
        ('<col min="10" max="11" customWidth="0"/>', ((10, 11),)),
        ('<col min="10" max="11" hidden="0" bestFit="1"/>', ((10, 11),)),  # qrilka/xlsx#89
        ('<col min="10" max="11" style="1"/>', ((10, 11),)),
        ('<col min="10" max="11" width="abc"/>', ()),
        ('<col min="16385" max="16390" hidden="1"/>', ()),  # was (16385, 16384)
        ('<col min="16384" max="20000" hidden="1"/>', ((16384, 16384),)),
        ('<col min="12" max="11" hidden="1"/>', ()),
    ],
)
def test_a_col_element_is_hidden_by_hidden_or_a_width_of_0(
    col: str, span: tuple[tuple[int, int], ...]
) -> None:
    """``hidden="1"`` hides whatever the width; a width of 0 (or no width, whatever
    ``customWidth`` says) hides whatever ``hidden`` says, as Excel draws it; a ``min``
    past XFD is no column and ``max`` stops at XFD."""
    data = _rewritten(
        _bytes(_book(criteria=False)),
        "xl/worksheets/sheet1.xml",
        lambda x: x.replace(b"<sheetData", b"<cols>" + col.encode() + b"</cols><sheetData", 1),
    )
    assert _grid(data).hidden_cols == span
