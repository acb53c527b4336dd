"""A workbook with thousands of percent or fill styles costs one search of each sheet,
not one a style: ``cells_in_styles`` searched the part once for each style's ``s="N"``,
so 3,000 percent styles and a 760 KB sheet read in 94 s, not 2 s (found by review
2026-12-07). A padded ``s="01"`` is that style (it was not found)."""

from __future__ import annotations

import subprocess
import sys

from sheets_sync.backends.excel.fills import fill_cells
from sheets_sync.backends.excel.percent import cells_in_styles, percent_cells
from sheets_sync.grid import OWNED_HEADER_FILL
from tests.support.scripts import HANG

#: 20,000 styles and a 1.3 MB sheet: some 50 GB searched a style at a time (far past
#: the hang guard); one search, well under a second
CODE = """
from sheets_sync.backends.excel.percent import cells_in_styles
row = b'<row r="%d"><c r="A%d" s="%d"><v>0.5</v></c><c r="B%d" t="s" s="1"><v>3</v></c></row>'
rows = b"".join(row % (i, i, i, i) for i in range(1, 20_001))
sheet = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
got = cells_in_styles(sheet, frozenset(range(2, 20_002)))
print(len(got), min(got), max(got))
"""


def test_thousands_of_styles_cost_one_search_of_the_sheet() -> None:
    """In a child bounded far above one search's milliseconds."""
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=HANG, check=True
    )
    assert done.stdout == "19999 (2, 1) (20000, 1)\n"


def test_a_padded_style_is_that_style() -> None:
    sheet = (
        b'<sheetData><row r="2"><c r="A2" s="01"><v>1</v></c><c r="B2" s=\''
        + b"0" * 30
        + b'1\'><v>1</v></c><c r="C2" s="10"><v>1</v></c><c r="D2" s = "1"><v>1</v></c>'
        b"</row></sheetData>"
    )
    assert percent_cells(sheet, frozenset({1})) == {(2, 1), (2, 2), (2, 4)}
    assert cells_in_styles(sheet, frozenset({10, 1})) == {(2, 1), (2, 2), (2, 3), (2, 4)}
    assert fill_cells(sheet, {1: OWNED_HEADER_FILL}) == {
        (2, 1): OWNED_HEADER_FILL, (2, 2): OWNED_HEADER_FILL, (2, 4): OWNED_HEADER_FILL,
    }  # fmt: skip


def test_a_style_attribute_of_another_name_or_a_later_one_decides_nothing() -> None:
    """The tag's attributes read decide: ``xs="1"`` is no style, and of two ``s`` the
    last is the cell's (as an XML parser keeps it)."""
    sheet = (
        b'<sheetData><row r="2"><c r="A2" xs="1"><v>1</v></c><c r="B2" s="1" s="7">'
        b'<v>1</v></c><c r="C2" s="7" s="1"><v>1</v></c></row></sheetData>'
    )
    assert percent_cells(sheet, frozenset({1})) == {(2, 3)}
