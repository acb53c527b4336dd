"""Reader unit tests on workbooks built here with openpyxl (no LibreOffice needed)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from sheets_sync.backends.excel.reader import (
    MAX_SHEET_CELLS,
    _read_sheet,
    read_workbook,
    read_workbook_bytes,
)
from sheets_sync.backends.excel.sheetscan import Scan
from sheets_sync.errors import (
    EncryptedWorkbookError,
    WorkbookError,
    WorkbookTooLargeError,
)
from sheets_sync.grid import CellError, CellRange, SheetGrid
from tests.support.scripts import HANG

Build = Callable[[openpyxl.Workbook], None]


def xlsx(build: Build) -> bytes:
    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read(data: bytes, *tabs: str, **kw: int) -> dict[str, SheetGrid]:
    book = read_workbook_bytes(data, source="team.xlsx", tabs=tabs or ("Sheet",), **kw)
    return dict(book.sheets)


def _values(wb: openpyxl.Workbook) -> None:
    ws = wb.active
    ws.title = "OKRs"
    ws.append(["Key result", "Start", "Target", "Current", "Done"])
    ws.append(["Revenue", 100, 250.5, 0.45, True])
    ws["D2"].number_format = "0%"
    ws["A3"] = "45%"
    ws["B3"] = dt.date(2024, 3, 1)
    ws["C3"] = dt.datetime(2024, 3, 1, 14, 30)
    ws["D3"] = dt.time(9, 15)
    ws["E3"] = dt.timedelta(hours=30, minutes=5)
    ws["A4"] = False
    wb.create_sheet("Notes")["B2"] = "x"


def test_values_types_and_anchor() -> None:
    book = read_workbook_bytes(xlsx(_values), source="team.xlsx", tabs=["okrs"])
    assert book.sheet_names == ("OKRs", "Notes")
    assert list(book.sheets) == ["OKRs"]
    assert book.source == "team.xlsx"
    assert book.version == ""
    g = book.sheets["OKRs"]
    assert g.rows[0] == ("Key result", "Start", "Target", "Current", "Done")
    # xlsx stores every number as a double; calamine returns float, and so do we.
    assert g.rows[1] == ("Revenue", 100.0, 250.5, 0.45, True)
    assert isinstance(g.rows[1][1], float)
    assert g.rows[2] == (
        "45%",
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1, 14, 30),
        dt.time(9, 15),
        dt.timedelta(hours=30, minutes=5),
    )
    assert g.rows[3] == (False,)


def test_tab_matching_is_case_and_space_insensitive_and_missing_tabs_are_fine() -> None:
    data = xlsx(_values)
    book = read_workbook_bytes(data, source="t", tabs=["  NOTES ", "missing", "okrs"])
    assert set(book.sheets) == {"OKRs", "Notes"}
    assert book.sheets["Notes"].rows == ((), (None, "x"))
    none = read_workbook_bytes(data, source="t", tabs=[])
    assert none.sheets == {}
    assert none.sheet_names == ("OKRs", "Notes")


def test_grid_is_anchored_at_a1_and_trimmed() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws["C3"] = 7
        ws["E10"].number_format = "0%"  # styled but empty: not data
        ws["D3"] = ""

    g = read(xlsx(build))["Sheet"]
    assert g.rows == ((), (), (None, None, 7.0))
    assert g.value(3, 3) == 7.0


def test_errors_literal_and_text_lookalike_are_told_apart() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        codes = ["#DIV/0!", "#REF!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#VALUE!"]
        for i, code in enumerate(codes, start=1):
            ws.cell(row=i, column=1, value=code)  # openpyxl stores these as t="e"
            text = ws.cell(row=i, column=2, value=code)
            text.data_type = "s"  # the same characters typed as text

    g = read(xlsx(build))["Sheet"]
    for row in g.rows:
        assert isinstance(row[0], CellError)
        assert row[1] == row[0].code
        assert isinstance(row[1], str)


def test_hidden_rows_and_merged_ranges() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for r in range(1, 7):
            ws.cell(row=r, column=1, value=r)
        ws.row_dimensions[3].hidden = True
        ws.row_dimensions[5].hidden = True
        ws.row_dimensions[40].hidden = True  # beyond the data: not reported
        ws.merge_cells("B1:D2")
        ws.merge_cells("A6:C6")

    g = read(xlsx(build))["Sheet"]
    assert g.hidden_rows == frozenset({3, 5})
    assert set(g.merged) == {CellRange(1, 2, 2, 4), CellRange(6, 1, 6, 3)}


def test_1904_date_system() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.epoch = CALENDAR_MAC_1904
        wb.active["A1"] = dt.date(2024, 3, 1)
        wb.active["A2"] = dt.datetime(2011, 10, 31, 6, 0)

    g = read(xlsx(build))["Sheet"]
    assert g.rows == ((dt.date(2024, 3, 1),), (dt.datetime(2011, 10, 31, 6, 0),))


def test_empty_workbook() -> None:
    book = read_workbook_bytes(xlsx(lambda wb: None), source="t", tabs=["Sheet"])
    assert book.sheets["Sheet"].rows == ()
    assert book.sheets["Sheet"].max_row == 0


def test_read_workbook_from_path_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    path.write_bytes(xlsx(_values))
    assert read_workbook(path, tabs=["OKRs"]).source == "sales.xlsx"
    assert read_workbook(path, source="Sales team", tabs=["OKRs"]).source == "Sales team"
    with pytest.raises(WorkbookError, match=r"^gone\.xlsx: cannot read the file"):
        read_workbook(tmp_path / "gone.xlsx", tabs=["OKRs"])


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"", "the file is empty"),
        (
            b"name,target\nrevenue,100\n",
            "not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
        ),
        (PNG, "not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx"),
    ],
    ids=["zero-bytes", "text-renamed", "png-renamed"],
)
def test_not_a_workbook(tmp_path: Path, payload: bytes, message: str) -> None:
    path = tmp_path / "team.xlsx"
    path.write_bytes(payload)
    with pytest.raises(WorkbookError) as info:
        read_workbook(path, tabs=["OKRs"])
    assert type(info.value) is WorkbookError
    assert str(info.value).startswith("team.xlsx: ")
    assert message in str(info.value)


def test_truncated_zip_is_damaged() -> None:
    data = xlsx(_values)
    with pytest.raises(WorkbookError, match="the file is damaged"):
        read(data[: len(data) // 2], "OKRs")


def test_legacy_xls_and_encrypted_ole2() -> None:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    with pytest.raises(EncryptedWorkbookError, match="password-protected workbook"):
        read(header + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(EncryptedWorkbookError, match=r"legacy \.xls"):
        read(header + "Workbook".encode("utf-16-le"))


def test_size_limit_names_size_and_limit() -> None:
    data = xlsx(_values)
    with pytest.raises(WorkbookTooLargeError, match=r"inflate to .* MiB, over the size limit"):
        read(data, "OKRs", max_uncompressed_bytes=2_000)


def test_size_limit_checked_on_file_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * (2**20 + 5_000))
    with pytest.raises(WorkbookTooLargeError, match="the file is"):
        read_workbook(path, tabs=["x"], max_uncompressed_bytes=1_000)


@pytest.mark.timeout(10)
def test_stray_far_cell_is_refused_not_allocated() -> None:
    """calamine would allocate 17e9 cells (and abort the process) for A1 + XFD1048576."""

    def build(wb: openpyxl.Workbook) -> None:
        wb.active["A1"] = 1
        wb.active["XFD1048576"] = 2

    with pytest.raises(WorkbookTooLargeError, match=r"A1:XFD1048576") as info:
        read(xlsx(build))
    assert info.value.tab == "Sheet"
    assert f"{MAX_SHEET_CELLS:,}" in str(info.value)


def test_xlsb_and_other_office_files_are_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        zf.writestr("word/document.xml", "<document/>")
    with pytest.raises(WorkbookError, match=r"not an Excel workbook \(\.xlsx\)"):
        read(buf.getvalue())


def test_2000_row_sheet_reads_whole() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        for r in range(2000):
            ws.append([f"KR {r}", r, r * 1.5, "on track"])

    g = read(xlsx(build))["Sheet"]
    assert g.max_row == 2000
    assert g.rows[-1] == ("KR 1999", 1999.0, 2998.5, "on track")


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12).map(float),
    st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e15, max_value=1e15),
    st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_characters="#"),
        min_size=1,
        max_size=12,
    ).filter(lambda s: s.strip() == s and not s.startswith("=")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_values, max_size=6), max_size=8))
def test_roundtrip_matches_what_openpyxl_wrote(grid: list[list[object]]) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        for r, row in enumerate(grid, start=1):
            for c, value in enumerate(row, start=1):
                wb.active.cell(row=r, column=c, value=value)

    # openpyxl writes doubles with 16 significant digits (as Excel shows them).
    expected = [[float(f"{v:.16g}") if type(v) is float else v for v in row] for row in grid]
    for row in expected:
        while row and row[-1] is None:
            row.pop()
    while expected and not expected[-1]:
        expected.pop()
    g = read(xlsx(build))["Sheet"]
    assert [list(r) for r in g.rows] == expected


def _with_sheet_xml(sheet_data: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx(lambda wb: None)))
    body = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{sheet_data}</sheetData></worksheet>"
    ).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            name = info.filename
            out.writestr(name, body if name == "xl/worksheets/sheet1.xml" else src.read(info))
    return buf.getvalue()


def test_cells_without_references_are_placed_by_position() -> None:
    data = _with_sheet_xml(
        '<row><c t="inlineStr"><is><t>a</t></is></c><c/><c><v>3</v></c></row>'
        '<row hidden="1"><c><v>4</v></c><c t="e"><v>#REF!</v></c></row>'
    )
    g = read(data)["Sheet"]
    assert g.rows[0] == ("a", None, 3.0)
    assert g.rows[1] == (4.0, CellError("#REF!"))
    assert g.hidden_rows == frozenset({2})


@pytest.mark.timeout(10)
def test_row_number_cannot_hide_a_far_cell() -> None:
    data = _with_sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="ZZ999999"><v>2</v></c></row>')
    with pytest.raises(WorkbookTooLargeError, match="A1:ZZ999999"):
        read(data)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "sheet_data",
    [
        '<c r="XFD1048576"><v>2</v></c><row r="1"><c r="A1"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c><x><c r="XFD1048576"><v>2</v></c></x></row>',
    ],
    ids=["cell-outside-rows", "cell-wrapped-in-a-row"],
)
def test_a_far_cell_outside_the_rows_is_refused_not_allocated(
    tmp_path: Path, sheet_data: str
) -> None:
    """calamine reads these cells; missed by the extent check, it asked for 512 GiB and
    aborted the whole process. Read in a child process, so a regression fails this test
    instead of killing the test run."""
    path = tmp_path / "team.xlsx"
    path.write_bytes(_with_sheet_xml(sheet_data))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sheets_sync.backends.excel.reader import read_workbook\n"
        "from sheets_sync.errors import WorkbookTooLargeError\n"
        "try:\n"
        "    read_workbook(Path(sys.argv[1]), tabs=['Sheet'])\n"
        "except WorkbookTooLargeError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "the tab spans A1:XFD1048576" in done.stdout


class PanicException(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, which ``except Exception`` misses."""


class _PanickingBook:
    def get_sheet_by_name(self, name: str) -> object:
        raise PanicException("index out of bounds: the len is 3 but the index is 7")


def test_a_panic_in_calamine_while_reading_a_tab_is_a_damaged_tab() -> None:
    with pytest.raises(WorkbookError) as caught:
        _read_sheet(_PanickingBook(), "OKRs", Scan(), "sales.xlsx")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "sales.xlsx!OKRs: cannot read the tab: index out of bounds: the len is 3 but the index is 7"
    )


@pytest.mark.parametrize(
    "sheet_data",
    [
        # J5 stored in row 2's element: the sync writes J5 (row 5), not row 2; the patch
        # added a second J5 to row 5, so the file held one cell twice
        '<row r="2"><c r="A2"><v>1</v></c><c r="J5"><v>111</v></c></row>'
        '<row r="5"><c r="A5"><v>5</v></c></row>',
        # the same in a row with no number (the one after row 1)
        '<row r="1"><c r="A1"><v>1</v></c></row><row><c r="J5"><v>111</v></c></row>',
        '<row r="5"><c r="J15"><v>111</v></c></row>',  # ends in the row's digits
    ],
)
def test_a_cell_stored_in_another_rows_element_is_refused_by_name(sheet_data: str) -> None:
    with pytest.raises(WorkbookError) as caught:
        read_workbook_bytes(_with_sheet_xml(sheet_data), source="t.xlsx", tabs=["Sheet"])
    assert caught.value.tab == "Sheet" and "J" in (caught.value.cell or "")
    assert "the worksheet is damaged: cell" in str(caught.value)
    assert str(caught.value).startswith("t.xlsx!Sheet!")


def test_a_cell_with_dollar_signs_in_another_rows_element_is_refused_by_name() -> None:
    """``$J$5``, which calamine refuses wherever it is stored (``got 24``), is said as the
    reader says such a reference (the extent scan reads references by calamine's rules
    since 2026-12-07; before, it read ``$J$5`` as J5, refused as stored in row 2)."""
    sheet_data = '<row r="2"><c r="A2"><v>1</v></c><c r="$J$5"><v>111</v></c></row>'
    with pytest.raises(WorkbookError) as caught:
        read_workbook_bytes(_with_sheet_xml(sheet_data), source="t.xlsx", tabs=["Sheet"])
    assert (caught.value.tab, caught.value.cell) == ("Sheet", "J5")
    assert str(caught.value).startswith(
        "t.xlsx!Sheet!J5: the worksheet is damaged: the cell's reference is written $J$5, "
        "with $ signs"
    )


def test_cells_in_their_own_rows_are_read_whatever_their_reference_looks_like() -> None:
    data = _with_sheet_xml(
        '<row r="5"><c r="B5"><v>1</v></c><c><v>2</v></c></row>'
        '<row r="15"><c r="A15"><v>4</v></c><c r="K15"><v>5</v></c></row>'
    )
    g = read(data)["Sheet"]
    assert g.rows[4] == (None, 1.0, 2.0) and (g.rows[14][0], g.rows[14][10]) == (4.0, 5.0)
