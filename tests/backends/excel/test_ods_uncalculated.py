"""An .ods a program that does not calculate wrote (odfpy, a script) holds a formula with
no value: ``table:formula`` and no ``office:value-type``. It reads as empty, as in an
.xlsx, and is listed in ``SheetGrid.uncalculated`` so the mapping says why (until
2026-12-07 only an .xlsx's were: an .ods's Current read as No data without a word)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.odsscan import scan_ods
from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.grid import WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.backends.excel.test_reader_dates import _ODS
from tests.backends.excel.test_reader_filters import _MANIFEST
from tests.support.libreoffice import convert, needs_libreoffice
from tests.support.scripts import HANG


def _cell(value: object) -> str:
    if isinstance(value, str) and value.startswith("of:"):  # a formula with no value
        return f'<table:table-cell table:formula="{value}"/>'
    if isinstance(value, tuple):  # (formula, value): calculated
        formula, number = value
        return (
            f'<table:table-cell table:formula="{formula}" office:value-type="float" '
            f'office:value="{number}"><text:p>{number}</text:p></table:table-cell>'
        )
    if isinstance(value, str):
        text = f"<text:p>{value}</text:p>"
        return f'<table:table-cell office:value-type="string">{text}</table:table-cell>'
    if value is None:
        return "<table:table-cell/>"
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def _ods(*rows: tuple[object, ...]) -> bytes:
    body = "".join(
        "<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = _ODS.format(settings="", row=body).replace('table:name="Sheet"', 'table:name="OKRs"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", _MANIFEST)
    return out.getvalue()


ROWS = (
    ("Objective ID", "KR ID", "Start", "Target", "Current"),
    ("O1", "KR1", 0, 10, "of:=[$Pipeline.B7]"),
    ("O1", "KR2", 0, 10, ("of:=2+3", 5)),
)


def test_an_ods_formula_with_no_value_is_uncalculated() -> None:
    grid = read_workbook_bytes(_ods(*ROWS), source="t.ods", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1] == ("O1", "KR1", 0.0, 10.0) and grid.rows[2][4] == 5.0
    assert grid.uncalculated == {(2, 5)}


def test_its_row_says_why() -> None:
    data = read_workbook_bytes(_ods(*ROWS), source="t.ods", tabs=["OKRs"])
    assert isinstance(data, WorkbookData)
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    said = [str(f) for f in team.findings if "no value" in f.message]
    assert said == [
        "t.ods!OKRs!E2: the formula holds no value: the file was last saved by a program "
        "that does not calculate formulas (a script), so it reads as empty; open the file "
        "in Excel or LibreOffice and save it"
    ]


@needs_libreoffice
@pytest.mark.timeout(HANG + 60)
def test_an_empty_text_result_libreoffice_saved_is_no_formula_with_no_value(
    tmp_path: Path,
) -> None:
    """LibreOffice (7.4) saves a formula whose result is empty text (``=""``,
    ``=IFERROR(1/0,"")``) with no ``office:value-type``, as a program that does not
    calculate would, but with an empty ``<text:p/>``: calculated, empty, never listed as a
    formula with no value nor said so (docs/reading.md said LibreOffice always saved a
    value type until 2026-12-07)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "OKRs"
    ws.append(["Objective ID", "KR ID", "Start", "Target", "Current"])
    ws.append(["O1", "KR1", 0, 10, '=""'])
    ws.append(["O1", "KR2", 0, 10, '=IFERROR(1/0,"")'])
    ws.append(["O1", "KR3", 0, 10, '=IF(C4>0,5,"")'])
    ws.append(["O1", "KR4", 0, 10, "=2+3"])
    wb.save(tmp_path / "t.xlsx")
    ods = convert(tmp_path / "t.xlsx", "ods", tmp_path / "out")
    xml = zipfile.ZipFile(ods).read("content.xml").decode()
    assert len(re.findall(r"table:formula=", xml)) == 4  # saved as formulas, calculated
    data = read_workbook_bytes(ods.read_bytes(), source="t.ods", tabs=["OKRs"])
    grid = data.sheets["OKRs"]
    assert grid.uncalculated == frozenset()
    assert [r[4] if len(r) > 4 else None for r in grid.rows[1:]] == [None, None, None, 5.0]
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert not [f for f in team.findings if "no value" in f.message]


def test_repeated_formula_cells_with_no_value_are_each_uncalculated() -> None:
    """``table:number-columns-repeated`` on a formula with no value (odfpy writes a run of
    like cells so) listed none of them until 2026-12-07: the Current and Confidence beside
    each other read as No data without a word. Repeats in both directions, as the percent
    cells are: up to 1,000 rows and 100 columns."""
    repeated = '<table:table-cell table:number-columns-repeated="2" table:formula="of:=1+1"/>'
    content = _ods(("KR ID", "Current", "Confidence"), ("KR1", "x", "y"))
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("content.xml").decode()
    row = re.search(r"<table:table-row>(?:(?!</table:table-row>).)*KR1.*?</table:table-row>", xml)
    assert row is not None
    kr1 = '<table:table-cell office:value-type="string"><text:p>KR1</text:p></table:table-cell>'
    rows = f'<table:table-row table:number-rows-repeated="3">{kr1}{repeated}</table:table-row>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", xml.replace(row.group(0), rows))
        z.writestr("META-INF/manifest.xml", _MANIFEST)
    grid = read_workbook_bytes(out.getvalue(), source="t.ods", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1:] == (("KR1",), ("KR1",), ("KR1",))
    assert grid.uncalculated == {(r, c) for r in (2, 3, 4) for c in (2, 3)}


def test_a_cell_repeated_past_100_columns_lists_its_first_100() -> None:
    """A cell repeated 150 columns from A listed columns 51 to 150 (the cap kept the last
    100), where the first hold a team's columns, until a review on 2026-12-07: a formula
    with no value, and a percent cell, its twin."""
    ns = (
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    )
    cells = (
        '<table:table-row><table:table-cell table:number-columns-repeated="150" '
        'table:formula="of:=1+1"/></table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="150" '
        'office:value-type="percentage" office:value="0.45"/></table:table-row>'
    )
    xml = f'<r {ns}><table:table table:name="OKRs">{cells}</table:table></r>'.encode()
    scan = scan_ods(xml, "t.ods")["OKRs"]
    assert scan.uncalculated == {(1, c) for c in range(1, 101)}
    assert scan.percent_cells == {(2, c) for c in range(1, 101)}
