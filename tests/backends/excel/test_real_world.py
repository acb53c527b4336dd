"""Every workbook in ../shared/real-world-xlsx either reads or raises one clear error, fast.

The files were written by Excel (Windows, Mac, Online), LibreOffice, Gnumeric and odd
exporters; see the folder's README for what each one exercises.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.backends.excel.richvalues import PICTURE
from sheets_sync.errors import (
    EncryptedWorkbookError,
    UnsafeWorkbookError,
    WorkbookError,
    WorkbookTooLargeError,
)
from sheets_sync.grid import CellError, SheetGrid, WorkbookData
from tests.support.shared import REAL_WORLD, each_file, needs_real_world

REPO = Path(__file__).resolve().parents[3]
FOLDER = REAL_WORLD
FILES = sorted(
    p for p in FOLDER.glob("**/*") if p.is_file() and p.suffix.lower() in {".xlsx", ".xlsm", ".ods"}
)
#: every test here reads the folder: skipped without it, failed on CI
pytestmark = needs_real_world

#: Files that must be refused, and how. Every other file must read.
REFUSED: dict[str, type[WorkbookError]] = {
    "synthetic-hazards/billion_laughs.xlsx": UnsafeWorkbookError,
    "synthetic-hazards/inflate_200mb.xlsx": WorkbookTooLargeError,
    "tafia__calamine/pass_protected.xlsx": EncryptedWorkbookError,
    "tafia__calamine/issue252.xlsx": WorkbookError,  # bad CRC-32
}


def rel(path: Path) -> str:
    return path.relative_to(FOLDER).as_posix()


def read_all(path: Path) -> WorkbookData:
    """All tabs, or the first few: the sheet names come back whatever ``tabs`` holds."""
    names = read_workbook(path, tabs=[]).sheet_names
    return read_workbook(path, tabs=names[:8])


def read_one(name: str, *tabs: str) -> SheetGrid:
    book = read_workbook(FOLDER / name, tabs=tabs)
    assert len(book.sheets) == 1, book.sheet_names
    return next(iter(book.sheets.values()))


def test_folder_holds_the_expected_files() -> None:
    assert len(FILES) >= 29
    assert set(REFUSED) <= {rel(p) for p in FILES}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", each_file(FOLDER, FILES), ids=rel)
def test_reads_or_refuses_clearly_and_fast(path: Path) -> None:
    """Fast: no hazard (a billion laughs, a 200 MB inflate) is worked through, as its
    refusal's kind shows (``REFUSED``: the DTD or the inflated size refused before any
    parser sees the part). The timeout tells a hang, not the machine's speed: the slowest
    file takes 0.6 s on an idle one, so 5 s (and a 10 s timeout) was within reach of a
    loaded machine's stalls; until 2026-12-07 each read was timed too (under 30 s)."""
    expected = REFUSED.get(rel(path))
    if expected is None:
        book = read_all(path)
        assert book.sheet_names, "a workbook has at least one sheet"
        assert book.sheets
        assert all(isinstance(g, SheetGrid) for g in book.sheets.values())
    else:
        with pytest.raises(WorkbookError) as info:
            read_all(path)
        assert isinstance(info.value, expected)
        assert str(info.value).startswith(f"{path.name}: ")
        assert len(info.value.message) > 10


def test_1904_dates_are_not_shifted() -> None:
    g = read_one("theorchard__openpyxl/date_1904.xlsx", "Sheet1")
    assert g.rows == ((dt.date(2011, 10, 31),),)


def test_every_cached_error_value() -> None:
    g = read_one("tafia__calamine/errors.xlsx", "Feuil1")
    assert [r[0] for r in g.rows] == [
        CellError(code)
        for code in ("#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A")
    ]


def test_libreoffice_cached_div0() -> None:
    g = read_one("ToucanToco__fastexcel/div0.xlsx", "sheet1")
    assert g.rows[1] == (42.0, 0.0, CellError("#DIV/0!"))
    assert g.rows[2] == (43.0, 1.0, 43.0)


def test_strict_ooxml_reads_non_empty() -> None:
    g = read_one("tafia__calamine/strict_iso_paths.xlsx", "ml_out")
    assert g.max_row == 76
    assert g.rows[0][:2] == ("Item", "Thickness")
    assert g.rows[1][:3] == ("150-031260-001_B", 1.5, 7.0)


def test_odd_packages() -> None:
    assert read_one("tafia__calamine/issue_419.xlsx", "Sheet1").rows == (("Hello",),)
    assert read_one("tafia__calamine/issue_530.xlsx", "出勤分类组织汇总表").rows[0] == (
        "报表导出人：",
        "于国栋",
    )
    minimal = read_one("tafia__calamine/minimal_package.xlsx", "Sheet1")
    assert minimal.rows[0] == ("ARREST BOOKINGS for 01/30/17",)
    assert read_one("tafia__calamine/empty_s_attribute.xlsx", "Sheet1").rows[1] == ("John", 1.0)


@pytest.mark.timeout(10)
def test_million_row_dimension_is_bounded_by_real_data() -> None:
    g = read_one("tafia__calamine/issue_174.xlsx", "Sheet1")
    assert (g.max_row, g.max_col) == (2, 11)
    assert g.rows[1][:2] == (123.0, "Test Contact Name")


def test_offset_table_is_anchored_at_a1() -> None:
    g = read_one("ToucanToco__fastexcel/sheet-and-table-with-offset.xlsx", "without-table")
    assert g.rows[9][7] == "Column at H10"
    assert g.value(10, 8) == "Column at H10"
    assert g.rows[:9] == ((),) * 9


def test_durations_and_merged_ranges() -> None:
    g = read_one("ToucanToco__fastexcel/single-sheet-skip-rows-durations.xlsx", "Sheet1")
    assert len(g.merged) == 7
    assert g.rows[11][2] == dt.date(2024, 1, 19)
    assert g.rows[11][9] == dt.timedelta(seconds=4723)


def test_excel_365_picture_in_cell_reads_as_value_error() -> None:
    g = read_one("jmcnamara__XlsxWriter/embed_image01.xlsx", "Sheet1")
    assert g.rows == ((CellError("#VALUE!"),),)
    assert g.rows[0][0].detail == PICTURE


def test_ods_reads() -> None:
    g = read_one("ToucanToco__fastexcel/dates.ods", "Sheet1")
    assert g.rows[1][0] == dt.date(2023, 6, 1)
    assert g.rows[1][3] == dt.datetime(2023, 6, 1, 2, 3, 4)


@pytest.mark.timeout(10)
def test_bigfoot_lists_1024_tabs_and_reads_a_few() -> None:
    book = read_workbook(FOLDER / "theorchard__openpyxl/bigfoot.xlsx", tabs=["sheet #1023"])
    assert len(book.sheet_names) == 1024
    assert list(book.sheets) == ["sheet #1023"]
