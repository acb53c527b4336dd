"""XlsxWriter stores ``<v>0</v>`` as each formula's value and asks for a recalculation on
load (``<calcPr calcId="124519" fullCalcOnLoad="1"/>``): a team sheet a script made, never
saved in Excel, read every formula's Actual as 0 (until 2026-12-07). Those 0s read as no
value now, with the warning a formula saved with no value gets."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import xlsxwriter

from sheets_sync.backends.excel.placeholders import placeholder_cells, placeholder_values
from sheets_sync.backends.excel.reader import read_workbook, read_workbook_bytes
from sheets_sync.backends.excel.recalc import force_recalc_on_load
from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.support.libreoffice import convert, needs_libreoffice

HEAD = [
    *("Objective ID", "Objective", "Description", "Owner", "KR ID", "Key result"),
    *("KR owner", "Type", "Start", "Target", "Current", "As of", "Weight", "Confidence"),
]


def _xlsxwriter_book(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("OKRs")
    ws.write_row(0, 0, ["KR ID", "Current", "Target", "Text"])
    ws.write_row(1, 0, ["KR1"])
    ws.write_formula(1, 1, "=20+30")  # no value given: XlsxWriter stores 0
    ws.write(1, 2, 100)
    ws.write_formula(1, 3, '="a"&"b"')  # a text formula gets the number 0 too
    ws.write_row(2, 0, ["KR2"])
    ws.write_formula(2, 1, "=B2*2", None, 100)  # the script's own value: kept
    ws.write_formula(2, 2, '="x"', None, "x")  # given text: t="str", kept
    wb.close()
    return path


def test_xlsxwriters_zeros_read_as_formulas_with_no_value(tmp_path: Path) -> None:
    grid = read_workbook(_xlsxwriter_book(tmp_path / "t.xlsx"), tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1:] == (("KR1", None, 100.0), ("KR2", 100.0, "x"))
    assert grid.uncalculated == {(2, 2), (2, 4)}
    assert grid.placeholder_values
    assert grid.formula_cells[(2, 2)] == "=20+30"


def test_only_a_scripts_recalculation_flag_marks_the_zeros() -> None:
    """The sync sets ``fullCalcOnLoad`` on every workbook it writes, beside Excel's own
    ``calcId`` (or none, LibreOffice's): those values are real, a 0 among them too."""
    assert placeholder_values({"calcId": "124519", "fullCalcOnLoad": "1"})
    assert placeholder_values({"calcId": "124519", "fullCalcOnLoad": "true"})
    assert not placeholder_values({"calcId": "124519"})
    assert not placeholder_values({"fullCalcOnLoad": "1", "calcId": "191029"})
    assert not placeholder_values({"fullCalcOnLoad": "1"})
    assert not placeholder_values(None)


def _with_calc_pr(data: bytes, calc_pr: bytes) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = body.replace(b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', calc_pr)
            dst.writestr(info, body)
    return out.getvalue()


def test_a_real_zero_in_a_workbook_the_sync_flagged_is_read(tmp_path: Path) -> None:
    data = _xlsxwriter_book(tmp_path / "t.xlsx").read_bytes()
    synced = _with_calc_pr(data, b'<calcPr fullCalcOnLoad="1" calcId="191029"/>')
    grid = read_workbook_bytes(synced, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1] == ("KR1", 0.0, 100.0, 0.0)
    assert grid.uncalculated == frozenset()
    assert not grid.placeholder_values


def test_the_search_reads_only_number_zeros() -> None:
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (
        f'<worksheet {ns}><sheetData><row r="1">'
        '<c r="A1"><f>1+1</f><v>0</v></c><c r="B1" t="n"><f>1</f><v> 0 </v></c>'
        '<c r="C1" t="str"><f>"0"</f><v>0</v></c><c r="D1"><f>1</f><v>0.0</v></c>'
        '<c r="E1"><v>0</v></c><c r="F1"><f>1</f><v>00</v></c><c r="G1" t="b"><f>1</f><v>0</v></c>'
        "</row></sheetData></worksheet>"
    ).encode()
    assert placeholder_cells(sheet) == {(1, 1)}  # " 0 ": no writer's placeholder


def test_the_warning_says_how_to_replace_the_zeros(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("OKRs")
    ws.write_row(0, 0, HEAD)
    ws.write_row(1, 0, ["O1", "Grow", None, "Ann", "KR1", "Revenue", "Ann", "number", 0, 100])
    ws.write_formula(1, 10, "=20+30")
    wb.close()
    data = read_workbook(path, tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert team.key_results[0].current is None
    period = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    said = sorted({str(f) for f in [*team.findings, *result.warnings] if "no value" in str(f)})
    assert said == [
        "sales.xlsx!OKRs!K2: the formula =20+30 holds no value: the file was last saved by a "
        "program that does not calculate formulas (a script), so it reads as empty; open the "
        "file in Excel and save it (in LibreOffice, Data > Calculate > Recalculate Hard before "
        "saving: it keeps the script's 0s otherwise)"
    ]


@needs_libreoffice
def test_libreoffice_as_it_ships_keeps_the_zeros_and_drops_the_flag(tmp_path: Path) -> None:
    """Checked, not wished: LibreOffice 7.4 does not recalculate an Excel 2007+ file on
    load unless told to, and saves XlsxWriter's 0s as values, without ``fullCalcOnLoad``
    (the warning tells a LibreOffice user to recalculate by hand for that)."""
    out = convert(_xlsxwriter_book(tmp_path / "t.xlsx"), "xlsx", tmp_path / "lo")
    assert b"fullCalcOnLoad" not in zipfile.ZipFile(out).read("xl/workbook.xml")
    grid = read_workbook(out, tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][1] == 0.0
    assert grid.uncalculated == frozenset()


def _excel2007_book(tmp_path: Path) -> bytes:
    """A book as Excel 2007 saves one: ``calcId="124519"`` and no flag, a real 0 (=5-5)."""
    wb = xlsxwriter.Workbook(str(tmp_path / "e.xlsx"))
    ws = wb.add_worksheet("OKRs")
    ws.write_row(0, 0, ["KR ID", "Current", "Other"])
    ws.write_row(1, 0, ["KR1"])
    ws.write_formula(1, 1, "=5-5", None, 0)
    ws.write_formula(1, 2, "=2+3", None, 5)
    wb.close()
    return _with_calc_pr((tmp_path / "e.xlsx").read_bytes(), b'<calcPr calcId="124519"/>')


def _synced(data: bytes) -> bytes:
    """``data`` with the sync's ``fullCalcOnLoad`` (``recalc.py``), as a write adds it."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = force_recalc_on_load(body)
            dst.writestr(info, body)
    return out.getvalue()


def test_a_real_zero_in_an_excel_2007_file_the_sync_wrote_is_read(tmp_path: Path) -> None:
    """Excel 2007's ``calcId`` is the scripts' ``124519``: the sync's flag beside it made
    the pair, and a real 0 read as no value on the next night (until 2026-12-07)."""
    excel2007 = _excel2007_book(tmp_path)
    synced = _synced(excel2007)
    assert b'<calcPr fullCalcOnLoad="1" calcId="0"/>' in zipfile.ZipFile(io.BytesIO(synced)).read(
        "xl/workbook.xml"
    )
    for data in (excel2007, synced):
        grid = read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
        assert grid.rows[1] == ("KR1", 0.0, 5.0)
        assert grid.uncalculated == frozenset()


def test_a_real_zero_in_a_file_an_earlier_sync_flagged_is_read(tmp_path: Path) -> None:
    """Written before 2026-12-07: the sync put its flag first, beside Excel 2007's id; the
    scripts write the id first. The order tells them apart."""
    data = _with_calc_pr(_excel2007_book(tmp_path), b'<calcPr fullCalcOnLoad="1" calcId="124519"/>')
    grid = read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1] == ("KR1", 0.0, 5.0)
    assert grid.uncalculated == frozenset()
    assert not placeholder_values({"fullCalcOnLoad": "1", "calcId": "124519"})


@needs_libreoffice
def test_libreoffice_opens_an_excel_2007_file_the_sync_flagged(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(_synced(_excel2007_book(tmp_path)))
    out = convert(path, "xlsx", tmp_path / "lo")
    assert read_workbook(out, tabs=["OKRs"]).sheets["OKRs"].rows[1] == ("KR1", 0.0, 5.0)
