"""Formulas no program calculated: a file saved by openpyxl (or another writer that does
not calculate) holds a formula with no value, which reads as an empty cell. The reader
marks such cells (``SheetGrid.uncalculated``), so the mapping can say why a Current that
holds a formula reads as no data."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel import reader
from sheets_sync.backends.excel.cellscan import Places
from sheets_sync.backends.excel.formulas import formula_cells, shared_masters, uncalculated_cells
from sheets_sync.backends.excel.reader import read_workbook

NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(cells: str) -> bytes:
    body = f"<x:sheetData>{cells}</x:sheetData>"
    return f'<?xml version="1.0"?><x:worksheet {NS}>{body}</x:worksheet>'.encode()


def test_a_formula_with_no_value_is_uncalculated() -> None:
    sheet = _sheet(
        '<x:row r="1">'
        '<x:c r="A1"><x:f>1+1</x:f></x:c>'  # no value at all
        '<x:c r="B1"><x:f>1+1</x:f><x:v></x:v></x:c>'  # openpyxl's empty value
        '<x:c r="C1" t="n"><x:f>1+1</x:f><x:v/></x:c>'
        '<x:c r="D1"><x:f>1+1</x:f><x:v>2</x:v></x:c>'  # calculated
        '<x:c r="E1" t="str"><x:f>IF(D1&gt;5,"x","")</x:f><x:v></x:v></x:c>'  # "" shown
        '<x:c r="F1" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>'
        '<x:c r="G1" t="b"><x:f>D1&gt;1</x:f><x:v>1</x:v></x:c>'
        "</x:row>"
        '<x:row r="2">'
        '<x:c r="A2"><x:f t="shared" ref="A2:A3" si="0">D1*2</x:f></x:c>'
        '<x:c r="B2"><x:v>7</x:v></x:c>'  # no formula
        "</x:row>"
        '<x:row r="3"><x:c r="A3"><x:f t="shared" si="0"/></x:c>'
        '<x:c r="B3"><x:f t="shared" si="1"/><x:v>3</x:v></x:c></x:row>'
    )
    assert uncalculated_cells(sheet) == frozenset({(1, 1), (1, 2), (1, 3), (2, 1), (3, 1)})


def test_a_sheet_without_prefix_or_formulas() -> None:
    plain = b'<worksheet><sheetData><row r="1"><c r="A1"><f>1</f></c>'
    plain += b'<c r="B1"><v>1</v></c></row></sheetData></worksheet>'
    assert uncalculated_cells(plain) == frozenset({(1, 1)})
    assert uncalculated_cells(b"<worksheet><sheetData/></worksheet>") == frozenset()
    assert uncalculated_cells(b"not xml <f>") == frozenset()


def test_the_reader_marks_openpyxls_formulas(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(["KR ID", "Current"])
    ws.append(["KR1", "=20+30"])
    ws.append(["KR2", 5])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    grid = read_workbook(path, tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1] == ("KR1",)  # reads as empty
    assert grid.uncalculated == frozenset({(2, 2)})


def test_the_quick_check_lets_through_what_the_scan_finds() -> None:
    """Alone on a tab, each passed the quick check and was never scanned (until
    2026-12-07): a spaced end tag, and an empty value that keeps its spaces."""
    for cell in (
        '<x:c r="A1"><x:f>1+1</x:f ></x:c>',
        '<x:c r="A1"><x:f>1+1</x:f><x:v xml:space="preserve"></x:v></x:c>',
    ):
        assert uncalculated_cells(_sheet(f'<x:row r="1">{cell}</x:row>')) == {(1, 1)}, cell


def test_a_text_formula_with_no_value_at_all_is_uncalculated() -> None:
    """Only an empty ``<v>`` is the "" a text formula shows: with none, ``t="str"`` was
    taken for calculated until 2026-12-07. An inline string holds its text in ``<is>``."""
    sheet = _sheet(
        '<x:row r="1">'
        '<x:c r="A1" t="str"><x:f>B1</x:f></x:c>'
        '<x:c r="B1" t="str"><x:f>C1</x:f><x:v></x:v></x:c>'
        '<x:c r="C1" t="inlineStr"><x:f>D1</x:f><x:is><x:t>x</x:t></x:is></x:c>'
        '<x:c r="D1" t="inlineStr"><x:f>E1</x:f></x:c>'
        "</x:row>"
    )
    assert uncalculated_cells(sheet) == frozenset({(1, 1), (1, 4)})


def test_a_shared_formulas_other_cells_know_their_master() -> None:
    sheet = _sheet(
        '<x:row r="1"><x:c r="A1"><x:f t="shared" ref="A1:A3" si="0">B1*2</x:f></x:c>'
        '<x:c r="B1"><x:f t="shared" ref="B1:B2" si="1">C1</x:f><x:v>1</x:v></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:f t="shared" si="0"/></x:c>'
        '<x:c r="B2"><x:f t="shared" si="1" /></x:c></x:row>'
        '<x:row r="3"><x:c r="A3"><x:f t="shared" si="0"/><x:v>4</x:v></x:c></x:row>'
    )
    cells = uncalculated_cells(sheet)
    assert cells == {(1, 1), (2, 1), (2, 2)}
    assert shared_masters(sheet, cells) == {(2, 1): (1, 1), (2, 2): (1, 2)}


def test_uncalculated_cells_are_formula_cells() -> None:
    """The reader looks for uncalculated cells only on a tab with formulas: each kind
    the scan finds (no value, an empty one, ``t="str"`` or ``t="e"`` with none, a shared
    formula's other cell) is a formula cell."""
    sheet = _sheet(
        '<x:row r="1">'
        '<x:c r="A1"><x:f>1+1</x:f></x:c><x:c r="B1"><x:f>1+1</x:f><x:v></x:v></x:c>'
        '<x:c r="C1" t="str"><x:f>B1</x:f></x:c><x:c r="D1" t="e"><x:f>1/0</x:f></x:c>'
        '<x:c r="E1" t="e"><x:f>1/0</x:f><x:v/></x:c>'
        '<x:c r="F1"><x:f t="shared" ref="F1:F2" si="0">A1</x:f></x:c></x:row>'
        '<x:row r="2"><x:c r="F2"><x:f t="shared" si="0"/></x:c></x:row>'
    )
    found = uncalculated_cells(sheet)
    assert found == {(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 6)}
    assert found <= set(formula_cells(sheet)[0])


def test_a_tab_without_formulas_is_not_scanned_for_uncalculated_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four whole-tab searches ran on every tab (57 MB of values: 55 -> 224 ms) though
    the formula search had found none (until 2026-12-07)."""
    scanned: list[bytes] = []

    def spy(xml: bytes, places: Places | None = None) -> frozenset[tuple[int, int]]:
        scanned.append(xml)
        return uncalculated_cells(xml, places)

    monkeypatch.setattr(reader, "uncalculated_cells", spy)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(["KR ID", "Current"])
    ws.append(["KR1", 5])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    assert read_workbook(path, tabs=["OKRs"]).sheets["OKRs"].uncalculated == frozenset()
    assert scanned == []
    ws["B3"] = "=20+30"
    wb.save(path)
    assert read_workbook(path, tabs=["OKRs"]).sheets["OKRs"].uncalculated == {(3, 2)}
    assert len(scanned) == 1


def test_a_spaced_formula_end_tag_ends_the_formula_s_text() -> None:
    """``</f >`` was not found (until 2026-12-07): the text ran on to the next formula's
    ``</f>``, and the warning quoted that raw XML as the formula."""
    sheet = _sheet(
        '<x:row r="1"><x:c r="A1"><x:f>1/0</x:f ></x:c>'
        '<x:c r="B1" t="str"><x:f>"a"</x:f\n\t><x:v></x:v></x:c>'
        '<x:c r="C1"><x:f>2+2</x:f><x:v>4</x:v></x:c></x:row>'
    )
    assert formula_cells(sheet)[0] == {(1, 1): "=1/0", (1, 2): '="a"', (1, 3): "=2+2"}
    plain = b'<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f ></c>'
    plain += b'<c r="B1"><f>SUM(A1)</f></c></row></sheetData></worksheet>'
    assert formula_cells(plain)[0] == {(1, 1): "=1+1", (1, 2): "=SUM(A1)"}
