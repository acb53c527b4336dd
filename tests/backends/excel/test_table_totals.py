"""An Excel Table's ``totalsRowCount`` (``workbookparts.table_rows``): the last rows of
its ``ref`` are totals rows, dropped from the read. A count past the ref's rows below
its header made every row of the ref a totals row, header included, dropped without a
word (a count of 5 on a 3-row table; a 5,000-digit one from 2026-12-07), and built a
set as large as the count (30,000,000: a MemoryError); an unreadable one (``-1``)
skipped the whole table, its active filter too (until a review on 2026-12-07)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.table import Table

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.grid import SheetGrid

ROWS = (("KR", "Score"), ("a", 1), ("b", 2))


def _read(
    count: bytes, *, header: bytes = b"1", filtered: bool = False, ref: bytes = b"A1:B3"
) -> SheetGrid:
    """A tab whose rows ``ROWS`` are the Table A1:B3 with ``count`` as its totals row
    count (and ``header`` as its header row count); ``filtered``: row 3 hidden by the
    Table's active filter on column A."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    for row in ROWS:
        ws.append(list(row))
    if filtered:
        ws.row_dimensions[3].hidden = True
    ws.add_table(Table(displayName="T1", ref="A1:B3"))
    buf = io.BytesIO()
    wb.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("xl/tables/"):
                assert b'headerRowCount="1"' in data
                attrs = b'headerRowCount="' + header + b'" totalsRowCount="' + count + b'"'
                data = data.replace(b'headerRowCount="1"', attrs, 1)
                data = data.replace(b'ref="A1:B3"', b'ref="' + ref + b'"', 1)
                if filtered:
                    data = data.replace(
                        b'<autoFilter ref="A1:B3"/>',
                        b'<autoFilter ref="A1:B3"><filterColumn colId="0"><filters>'
                        b'<filter val="a"/></filters></filterColumn></autoFilter>',
                    )
                    assert b"filterColumn" in data
            dst.writestr(name, data)
    return read_workbook_bytes(out.getvalue(), source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]


@pytest.mark.parametrize(
    ("count", "header"),
    [
        (b"3", b"1"),  # the ref's 3 rows, header included
        (b"5", b"1"),
        (b"9" * 5000, b"1"),
        (b"30000000", b"1"),  # a set of 30,000,000 rows: a MemoryError
        (b"2", b"2"),  # the rows below a header of 2: 1
    ],
)
def test_a_totals_row_count_past_the_tables_rows_is_none(count: bytes, header: bytes) -> None:
    grid = _read(count, header=header)
    assert not grid.total_rows
    assert grid.rows == ROWS


def test_a_totals_row_count_within_the_tables_rows_is_read() -> None:
    assert _read(b"2").total_rows == {2, 3}
    assert _read(b" +1 ").total_rows == {3}
    assert _read(b"1", header=b"0").total_rows == {3}


@pytest.mark.parametrize("count", [b"-0", b"-1", b"x", b""])
def test_an_unreadable_totals_row_count_is_none_and_the_tables_filter_is_read(
    count: bytes,
) -> None:
    """Row 3, hidden by the Table's active filter, is read as shown (as with a count of
    0): the table was skipped whole, so row 3 was hidden by hand."""
    grid = _read(count, filtered=True)
    assert not grid.total_rows
    assert grid.hidden_rows == _read(b"0", filtered=True).hidden_rows
    assert 3 not in grid.hidden_rows


def test_only_the_tabs_rows_are_named_totals_rows() -> None:
    """A Table of 3,000,000 rows, all but its header totals: rows 2 and 3 of the tab
    (a set of 2,999,999 rows was built; 30,000,000 a MemoryError)."""
    grid = _read(b"2999999", ref=b"A1:B3000000")
    assert grid.total_rows == {2, 3}
