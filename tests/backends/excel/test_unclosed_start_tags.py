"""Start tags with no ``>`` in a worksheet or ``workbook.xml`` cost one scan, not one scan
from each: the start-tag regexes stop at the next ``<`` (``[^<>]*``, review 2026-12-07),
where ``[^>]*`` ran from each such tag to the end of the part. ``styles.xml``'s are in
``test_fills.py`` (``test_unclosed_lists_and_fills_cost_one_scan_each``)."""

from __future__ import annotations

import subprocess
import sys

from tests.support.scripts import HANG

#: each with what it took with ``[^>]*`` at n = 10,000 (ten times as many take some 100
#: times as long): each alone runs past ``HANG`` with ``[^>]*``
CODE = """
from sheets_sync.backends.excel import fills, formulas, percent, recalc, richvalues
n = 100_000
W = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
# percent.cells_in_styles' <c ...> around each s="1": 2.5 s
print(sorted(percent.cells_in_styles(W + b'<sheetData><row>' + b'<c s="1" ' * n, frozenset({1}))))
# fills' <row ...> to the owned header's last row (n * 2 of them): 1.4 s at 10,000
print(fills.fill_cells(W + b'<sheetData>' + b'<row ' * n * 2, {1: "D9E1F2"}))
# richvalues' <c ... vm="1" ...>: past 400 s
print(richvalues.vm_cells(W + b'<sheetData><row>' + b'<c vm="1" ' * n))
# recalc's self-closing <definedNames .../> calcPr goes after (n * 3): 0.4 s at 10,000
book = b'<workbook><sheets><sheet name="a" sheetId="1"/></sheets>' + b'<definedNames ' * n * 3
print(recalc.force_recalc_on_load(book) == book)
# formulas' <v ...></v> of a cell with no value (n * 10 of them): 9.5 s at 10,000
sheet = W + b'<sheetData><row><c r="A1"><f>1</f>' + b'<v ' * n * 10
print(sorted(formulas.uncalculated_cells(sheet)))
"""


def test_unclosed_start_tags_in_a_sheet_or_workbook_cost_one_scan_each() -> None:
    """In a child bounded far above a linear scan's milliseconds."""
    done = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=HANG, check=True
    )
    assert done.stdout == "[]\n{}\n{}\nTrue\n[]\n"
