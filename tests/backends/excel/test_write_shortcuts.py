"""The write path's per-row shortcuts (``sheetrows._check_cells``, the insertion point past a
row's last column, ``sheetxml._span_bounds``) give what a check of each cell in turn gave."""

from __future__ import annotations

import pytest

from sheets_sync.backends.excel import sheetxml
from sheets_sync.backends.excel.sheetxml import SheetEditor
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellWrite


def _sheet(row: str) -> bytes:
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:D1"/><sheetData>{row}</sheetData></worksheet>'
    ).encode()


def _apply(row: str, *cols: int) -> bytes:
    edits = {(1, col): CellWrite("S", 1, col, float(col)) for col in cols}
    return SheetEditor(_sheet(row), "p", "S").apply(edits, lambda xf, style: xf).xml


def _row(xml: bytes) -> bytes:
    return xml[xml.index(b"<row") : xml.index(b"</sheetData>")]


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ('<c r="A1"><v>1</v><c r="B1"/></c>', "cell A1"),  # a cell inside a cell
        ('<c r="A1"><v>1</v></c><c r="B1"><v>2</v>', "unterminated <c>"),
        # both: the earlier cell's fault is said, as a check of each cell in turn said it
        ('<c r="A1"><c r="B1"/></c><c r="C1"><v>2</v>', "cell A1"),
        # the last cell both unterminated and holding a <c>: unterminated first, as before
        ('<c r="A1"/><c r="B1"><v>1</v><c r="C1"/>', "unterminated <c>"),
        # a cell inside a cell, then a cell whose r is no reference: the earlier one first
        ('<c r="A1" t="inlineStr"><is><t>x</t><c r="Z1"/></is></c><c r="1AAAA"/>', "cell A1"),
        ('<c r="A1"/><c r="B1"><c r="Z1"/></c><c r="C1"/><c r="q1x"/>', "cell B1"),
        # and the other way round: the malformed reference first
        ('<c r="2Q"/><c r="B1"><c r="Z1"/></c>', "malformed cell reference '2Q'"),
        ('<c r="A1"/><c r="1AAAA"/><c r="C1"><v>2</v>', "malformed cell reference '1AAAA'"),
    ],
)
def test_a_damaged_row_is_refused_naming_the_first_fault(cells: str, said: str) -> None:
    with pytest.raises(WorkbookError, match=said):
        _apply(f'<row r="1">{cells}</row>', 4)


def test_a_c_between_cells_is_no_cell_inside_a_cell() -> None:
    """More ``<c`` in the row than cells found sends it to the cell-by-cell check, which
    finds every cell whole: written."""
    assert b'<c r="D1"><v>4.0</v></c>' in _apply('<row r="1"><c r="A1"/><cx/></row>', 4)


@pytest.mark.parametrize(
    ("cells", "cols", "row"),
    [
        # in column order: past the last column, at the end
        ('<c r="A1"/><c r="C1"/>', (4,), '<c r="A1"/><c r="C1"/><c r="D1"><v>4.0</v></c>'),
        ('<c r="A1"/><c r="C1"/>', (2, 4),
         '<c r="A1"/><c r="B1"><v>2.0</v></c><c r="C1"/><c r="D1"><v>4.0</v></c>'),
        # out of order: before the first cell of a later column, in document order
        ('<c r="C1"/><c r="A1"/>', (2,), '<c r="B1"><v>2.0</v></c><c r="C1"/><c r="A1"/>'),
        ('<c r="A1"/><c r="D1"/><c r="B1"/>', (3,),
         '<c r="A1"/><c r="C1"><v>3.0</v></c><c r="D1"/><c r="B1"/>'),
        ('<c r="A1"/><c r="D1"/><c r="B1"/>', (5,),
         '<c r="A1"/><c r="D1"/><c r="B1"/><c r="E1"><v>5.0</v></c>'),
        ('<c r="C1"/><c r="A1"/>', (2, 4),
         '<c r="B1"><v>2.0</v></c><c r="C1"/><c r="A1"/><c r="D1"><v>4.0</v></c>'),
    ],
)  # fmt: skip
def test_a_new_cell_goes_before_the_first_cell_of_a_later_column(
    cells: str, cols: tuple[int, ...], row: str
) -> None:
    assert _row(_apply(f'<row r="1">{cells}</row>', *cols)) == f'<row r="1">{row}</row>'.encode()


@pytest.mark.parametrize("spans", [" ", "\t \n", ""])
def test_a_row_whose_spans_list_no_columns_keeps_them(spans: str) -> None:
    """``spans=" "`` (a valid empty list) failed the team's write: ``min`` of nothing. Left
    as it is, as one that cannot be read (``1:x``, below): docs/write-safety.md."""
    xml = _apply(f'<row r="1" spans="{spans}"><c r="A1"/></row>', 3)
    assert (
        _row(xml)
        == f'<row r="1" spans="{spans}"><c r="A1"/><c r="C1"><v>3.0</v></c></row>'.encode()
    )


@pytest.mark.parametrize(
    ("spans", "grown"),
    [("1:2", "1:3"), ("2:5", "2:5"), ("2:2 4:5", "2:2 4:5"), ("4:5", "3:5"), ("1:x", "1:x")],
)
def test_spans_grow_to_the_written_column(spans: str, grown: str) -> None:
    xml = _apply(f'<row r="1" spans="{spans}"><c r="B1"/></row>', 3)
    assert _row(xml).startswith(f'<row r="1" spans="{grown}">'.encode())


def test_only_short_spans_values_are_kept_for_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo of ``spans`` values lives as long as the process: a long value (a sheet of
    4,000 rows of 4 KB spans pinned 16 MB) is parsed each time, not kept."""
    kept: dict[bytes, tuple[int, int] | None] = {}
    monkeypatch.setattr(sheetxml, "_SPANS", kept)
    limit = sheetxml._SPANS_KEPT_LEN
    longest = "1:2 " + "0" * (limit - 7) + "2:3"  # "0...02:3" is column 2
    assert len(longest) == limit
    for spans in ("1:2", longest, longest + " ", "1:2 " * 1000 + "2:3"):
        for _ in range(2):  # the second from the memo, if kept
            xml = _apply(f'<row r="1" spans="{spans}"><c r="B1"/></row>', 4)
            assert _row(xml).startswith(b'<row r="1" spans="1:4">')
    assert list(kept) == [b"1:2", longest.encode()]
