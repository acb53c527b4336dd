"""A cell calamine cannot read refuses its tab, and the refusal names the cell.

Found 2026-12-06 by fuzzing the cell forms of a team sheet's input cells: a shared
string that does not exist, a boolean of 2, a number of "abc" or an unknown ``t``
(what a tool writing .xlsx by hand may store) failed the team with
``sales.xlsx!OKRs: cannot read the tab: ...`` and no cell, to be found among thousands.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from sheets_sync.backends.excel.blame import blamed_cell
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_reader_error_codes import SHEET, _team, _with_cell


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (
            '<c r="K3" t="s"><v>999999</v></c>',
            "Cell string index not found in shared strings table",
        ),
        ('<c r="K3" t="s"><v>-1</v></c>', "Cell string index not found in shared strings table"),
        ('<c r="K3" t="b"><v>2</v></c>', "Unrecognized boolean cell value: 2"),
        ('<c r="K3" t="n"><v>abc</v></c>', "Parse float error: invalid float literal"),
        ('<c r="K3" t="zzz"><v>5</v></c>', "Unknown cell 't' attribute: \"zzz\""),
    ],
)
def test_a_cell_calamine_cannot_read_is_named(cell: str, reason: str) -> None:
    data = _with_cell(_team(), "K3", cell)
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value) == f"sales.xlsx!OKRs!K3: cannot read the tab: {reason}"
    assert info.value.cell == "K3"


def test_a_shared_string_that_exists_is_not_blamed() -> None:
    """The search counts the workbook's shared strings: the first cell past them is the
    one named, not an earlier cell that uses one."""
    data = _team()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    shared = b'<sst xmlns="x"><si><t>a</t></si><si><t>b</t></si></sst>'
    sheet = xml.replace(b'<c r="B2"', b'<c r="A9" t="s"><v>1</v></c><c r="B2"', 1)
    sheet = sheet.replace(b'<c r="B3"', b'<c r="A8" t="s"><v>2</v></c><c r="B3"', 1)
    reason = "Cell string index not found in shared strings table"
    assert "xl/worksheets/sheet1.xml" in names
    assert blamed_cell(reason, sheet, shared) == "A8"
    assert blamed_cell(reason, sheet, None) == "A9"
    assert blamed_cell("some other reason", sheet, shared) is None
