"""Owned cells that hold a shared or array formula: a group the sync writes whole is
replaced; one it would cut through is refused, naming the cell (``formulas.py``)."""

from __future__ import annotations

import io
import zipfile

import pytest

from sheets_sync.backends.excel.formulas import formula_cells
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellRange, CellWrite, SheetGrid
from sheets_sync.sync.outcome import CellChange
from tests.backends.excel.fixtures import parts
from tests.backends.excel.test_patch_xlsx import PREFIXED

SHEET = "xl/worksheets/sheet1.xml"
#: B2:B4 share the master's formula (the team dragged it down the owned column); D2:D3
#: hold one array formula, E2:E3 a data table; A5 is an unrelated shared formula.
CELLS = (
    '<x:row r="2"><x:c r="A2"><x:v>1</x:v></x:c>'
    '<x:c r="B2"><x:f t="shared" ref="B2:B4" si="0">A2*2</x:f><x:v>2</x:v></x:c>'
    '<x:c r="D2"><x:f t="array" ref="D2:D3">A2:A3*2</x:f><x:v>2</x:v></x:c>'
    '<x:c r="E2"><x:f t="dataTable" ref="E2:E3" dt2D="0" dtr="0" r1="A2"/><x:v>1</x:v></x:c>'
    "</x:row>"
    '<x:row r="3"><x:c r="A3"><x:v>2</x:v></x:c>'
    '<x:c r="B3"><x:f t="shared" si="0"/><x:v>4</x:v></x:c><x:c r="D3"><x:v>4</x:v></x:c>'
    '<x:c r="E3"><x:v>2</x:v></x:c></x:row>'
    '<x:row r="4"><x:c r="B4"><x:f t="shared" si="0"/><x:v>0</x:v></x:c></x:row>'
    '<x:row r="5"><x:c r="A5"><x:f t="shared" ref="A5:C5" si="1">A4+1</x:f><x:v>1</x:v></x:c>'
    '<x:c r="C5"><x:f t="shared" si="1"/><x:v>1</x:v></x:c></x:row>'
)


def workbook() -> bytes:
    files = dict(PREFIXED)
    files[SHEET] = (
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><x:sheetData>{CELLS}</x:sheetData></x:worksheet>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def write(*refs: tuple[int, int]) -> bytes:
    return patch_xlsx(workbook(), [CellWrite("Data", row, col, 0.5) for row, col in refs])


def test_a_shared_formula_written_whole_is_replaced() -> None:
    sheet = parts(write((2, 2), (3, 2), (4, 2)))[SHEET].decode()
    for ref in ("B2", "B3", "B4"):
        assert f'<x:c r="{ref}"><x:v>0.5</x:v></x:c>' in sheet
    assert 'si="1">A4+1</x:f>' in sheet and sheet.count("<x:f") == 4  # the others stay


def test_a_shared_group_is_its_cells_not_its_ref() -> None:
    sheet = parts(write((5, 1), (5, 3)))[SHEET].decode()  # B5 lies in A5:C5, no member
    assert '<x:c r="A5"><x:v>0.5</x:v></x:c><x:c r="C5"><x:v>0.5</x:v></x:c>' in sheet


def test_an_array_formula_written_whole_is_replaced() -> None:
    sheet = parts(write((2, 4), (3, 4)))[SHEET].decode()
    assert '<x:c r="D2"><x:v>0.5</x:v></x:c><x:c r="E2">' in sheet
    assert '<x:c r="D3"><x:v>0.5</x:v></x:c>' in sheet


@pytest.mark.parametrize(
    ("refs", "cell", "message"),
    [
        (
            [(2, 2), (3, 2)],  # B4 still reads the master's formula
            "B2",
            "owned cell holds the master of a shared formula used by B2:B4; replacing it "
            "would break those cells. Move the formula or the owned column.",
        ),
        (
            [(5, 1)],  # C5 still reads A5's formula
            "A5",
            "owned cell holds the master of a shared formula used by A5:C5; replacing it "
            "would break those cells. Move the formula or the owned column.",
        ),
        (
            [(3, 4)],
            "D3",
            "owned cell lies inside the range D2:D3 that the array formula in D2 fills (a "
            "formula that spills, such as FILTER or SORT, or one entered with "
            "Ctrl+Shift+Enter); writing it would break that formula. Move the formula or "
            "the owned column.",
        ),
        (
            [(2, 5), (3, 5)],
            "E2",
            "owned cell lies inside the range E2:E3 that the data table in E2 fills; "
            "writing it would break that data table. Move the data table or the owned "
            "column.",
        ),
    ],
)
def test_a_group_written_in_part_is_refused(
    refs: list[tuple[int, int]], cell: str, message: str
) -> None:
    with pytest.raises(WorkbookError) as info:
        write(*refs)
    assert (info.value.message, info.value.cell, info.value.tab) == (message, cell, "Data")


def test_the_reader_marks_every_cell_a_formula_or_its_array_covers() -> None:
    """What ``plan_changes`` writes whatever its value: the cells of a shared group,
    an array's whole range, a data table's cell, a cell without a reference (B6, after
    A6: left out until 2026-12-07); not a rich text's ``<family>``. Each with the text a
    dry run shows (a shared group's other cells read their master's: "")."""
    rich = (
        '<x:row r="6"><x:c r="A6" t="inlineStr"><x:is><x:r><x:rPr><x:family val="2"/>'
        "</x:rPr><x:t>f</x:t></x:r></x:is></x:c><x:c><x:f>1</x:f></x:c>"
        '<x:c r="C6" s="1">\n  <x:f>IF(A6&lt;&gt;"",A6&amp;"%","")</x:f><x:v>0</x:v></x:c></x:row>'
    )
    sheet = parts(workbook())[SHEET].replace(b"</x:sheetData>", rich.encode() + b"</x:sheetData>")
    cells, arrays = formula_cells(sheet)
    assert cells == {
        (2, 2): "=A2*2", (3, 2): "", (4, 2): "",  # the shared group
        (2, 4): "=A2:A3*2",  # the array's first cell
        (2, 5): "",  # the data table's formula cell (self-closed)
        (5, 1): "=A4+1", (5, 3): "",
        (6, 2): "=1", (6, 3): '=IF(A6<>"",A6&"%","")',
    }  # fmt: skip
    assert arrays == (CellRange(2, 4, 3, 4),)
    grid = SheetGrid("Data", (), formula_cells=cells, formula_arrays=arrays)
    assert [grid.formula(r, c) for r, c in ((2, 4), (3, 4), (4, 4), (3, 2), (2, 1))] == [
        "=A2:A3*2",
        "=A2:A3*2",  # an array's other cell shows the array's formula
        None,
        "",
        None,
    ]


def test_a_wide_array_formula_is_one_box() -> None:
    """Before: each cell of an array's range was a tuple (``A1:KN300``, 90,000 of them),
    and a range over 100,000 cells marked none of its cells."""
    big = '<x:row r="7"><x:c r="A7"><x:f t="array" ref="A7:C1048576">A1:C1*2</x:f></x:c></x:row>'
    sheet = parts(workbook())[SHEET].replace(b"</x:sheetData>", big.encode() + b"</x:sheetData>")
    cells, arrays = formula_cells(sheet)
    assert arrays == (CellRange(2, 4, 3, 4), CellRange(7, 1, 1_048_576, 3))
    assert len(cells) == 8
    grid = SheetGrid("Data", (), formula_cells=cells, formula_arrays=arrays)
    assert grid.formula(500_000, 3) == "=A1:C1*2" and grid.formula(500_000, 4) is None


def test_a_formulas_text_is_read_as_xml_and_printed_on_one_line() -> None:
    """Before: the text was unescaped as HTML (2026-12-06): ``&#128;`` became the euro
    sign (XML means U+0080), ``_x000D_`` (Excel's carriage return) and a CDATA section
    were shown as written, and a formula typed with Alt+Enter split the dry run's line."""
    texts = (
        "IF(A8&gt;0,&quot;a\nb_x000D_&quot;,&apos;x&apos;)",
        "&#128;&#x41;&euro;&#0;&#xD800;_x005F_x000D_",
        'A9&amp;<![CDATA["<&amp;>"]]>',
    )
    rows = "".join(
        f'<x:row r="{r}"><x:c r="A{r}"><x:f>{t}</x:f><x:v>1</x:v></x:c></x:row>'
        for r, t in enumerate(texts, 8)
    )
    sheet = parts(workbook())[SHEET].replace(b"</x:sheetData>", rows.encode() + b"</x:sheetData>")
    cells, _ = formula_cells(sheet)
    assert [cells[(r, 1)] for r in (8, 9, 10)] == [
        "=IF(A8>0,\"a\nb\r\",'x')",
        "=\x80A&euro;&#0;&#xD800;_x000D_",  # names and code points XML has not: as written
        '=A9&"<&amp;>"',
    ]
    change = CellChange("OKRs", "A8", 1, 1, cells[(8, 1)] + "\u2028\x80")
    assert change.shown_old() == "=IF(A8>0,\"a\\nb\\r\",'x')\\u2028\\x80 (1)"


def test_a_formulas_long_character_reference_is_read() -> None:
    """Leading zeros keep a reference valid (calamine reads ``&#000…037;`` as ``%``):
    ``int`` refused a decimal one past 4,300 digits with a ValueError, the team's
    "internal error" (until 2026-12-06). Out of range (more digits than U+10FFFF has)
    it is kept as written."""
    texts = ("A1&#" + "0" * 5000 + "37;", "A1&#x" + "0" * 5000 + "25;", "A1&#1" + "0" * 5000 + ";")
    rows = "".join(
        f'<x:row r="{r}"><x:c r="A{r}"><x:f>{t}</x:f><x:v>1</x:v></x:c></x:row>'
        for r, t in enumerate(texts, 8)
    )
    sheet = parts(workbook())[SHEET].replace(b"</x:sheetData>", rows.encode() + b"</x:sheetData>")
    cells, _ = formula_cells(sheet)
    assert [cells[(r, 1)] for r in (8, 9, 10)] == ["=A1%", "=A1%", "=" + texts[2]]
