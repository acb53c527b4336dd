"""Numbers stored with spaces around them: ``<c t="n"><v> 5 </v></c>`` failed the whole
tab (``cannot read the tab: Parse float error``, until 2026-12-07), where Excel reads the
number (an ``xsd:double`` collapses its spaces) and LibreOffice 7.4 reads 5."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.backends.excel.padded import trimmed_numbers
from sheets_sync.backends.excel.reader import read_workbook, read_workbook_bytes
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_reader_error_codes import _team, _with_cell
from tests.support.libreoffice import convert, needs_libreoffice

ROW2 = ("O1", "Grow", None, None, "KR1", "k", "Ann", "number", 0.0, 100.0)


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="K2" t="n"><v> 5 </v></c>',
        '<c r="K2" t="n"><v>5\n</v></c>',
        '<c r="K2" s="0" t="n"><f>2+3</f><v> 5 </v></c>',
    ],
)
def test_a_number_with_spaces_reads_as_the_number(cell: str) -> None:
    data = _with_cell(_team(), "K2", cell)
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][:11] == (*ROW2, 5.0)


def test_an_untyped_padded_number_alone_stays_the_text_calamine_reads() -> None:
    """Not searched for (the usual sheet pays nothing): the text the mapping reads as 5."""
    data = _with_cell(_team(), "K2", '<c r="K2"><v> 5 </v></c>')
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][10] == " 5 "


@pytest.mark.parametrize("cell", ['<c r="K2"><v> 007 </v></c>', '<c r="K2"><v>\t5</v></c>'])
def test_an_untyped_cell_reads_the_same_beside_a_padded_number(cell: str) -> None:
    """Only ``t="n"`` cells are trimmed in the copy: an untyped one read as calamine's text
    wherever it is, and read ``7.0`` (``<v> 007 </v>``) only when a padded ``t="n"`` cell
    was on the tab, until a review on 2026-12-07."""
    alone = _with_cell(_team(), "K2", cell)
    padded = _with_cell(alone, "K3", '<c r="K3" t="n"><v>6 </v></c>')
    text = cell.split("<v>")[1].split("</v>", maxsplit=1)[0]
    for data in (alone, padded):
        grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
        assert grid.rows[1][10] == text
    grid = read_workbook_bytes(padded, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[2][10] == 6.0


def test_only_number_cells_lose_their_spaces() -> None:
    """Text keeps its spaces (a formula's text result, an untyped non-number); a value
    that is no number with spaces stays refused, naming its cell."""
    data = _with_cell(_team(), "K2", '<c r="K2" t="n"><v> 5 </v></c>')
    data = _with_cell(data, "K3", '<c r="K3" t="str"><f>" x "</f><v> x </v></c>')
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][10] == 5.0
    assert grid.rows[2][10] == " x "
    bad = _with_cell(_team(), "K2", '<c r="K2" t="n"><v> 5x </v></c>')
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(bad, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value).startswith("sales.xlsx!OKRs!K2: cannot read the tab: Parse float")


def test_the_trim_touches_only_padded_number_values() -> None:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    cells = (
        '<c r="A1"><v> 5 </v></c><c r="B1" t="s"><v> 0 </v></c><c r="C1" t="n"><v>1e3 </v></c>'
        '<c r="D1"><v> abc </v></c><c r="E1" t="n"><v>7</v></c>'
    )
    sheet = f'<worksheet {ns}><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
    out = trimmed_numbers(sheet.encode())
    assert out == sheet.replace("1e3 ", "1e3").encode()  # A1 untyped: calamine's text
    assert trimmed_numbers(sheet.replace("1e3 ", "1e3").encode()) is None


@needs_libreoffice
def test_libreoffice_reads_the_number_too(tmp_path: Path) -> None:
    """Checked, not assumed: LibreOffice reads ``<v> 5 </v>`` as 5 and saves ``<v>5</v>``."""
    src = tmp_path / "sales.xlsx"
    src.write_bytes(_with_cell(_team(), "K2", '<c r="K2" t="n"><v> 5 </v></c>'))
    out = convert(src, "xlsx", tmp_path / "lo")
    assert read_workbook(out, tabs=["OKRs"]).sheets["OKRs"].rows[1][10] == 5.0


def test_another_bad_number_beside_a_padded_one_is_named() -> None:
    data = _with_cell(_team(), "K2", '<c r="K2" t="n"><v> 5 </v></c>')
    data = _with_cell(data, "K3", '<c r="K3" t="n"><v>abc</v></c>')
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"])
    assert str(info.value).startswith("sales.xlsx!OKRs!K3: cannot read the tab: Parse float")
