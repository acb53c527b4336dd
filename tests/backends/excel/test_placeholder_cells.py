"""Which cells are a script's placeholder 0s, cell by cell (``SheetGrid.placeholder_values``).

openpyxl writes the same ``<calcPr calcId="124519" fullCalcOnLoad="1"/>`` as XlsxWriter,
on every file, and saves a formula with no value at all: LibreOffice as it ships calculates
those. Until a review on 2026-12-07 every formula with no value on a tab of such
a workbook got XlsxWriter's advice ("Recalculate Hard ... it keeps the script's 0s"). And
an XlsxWriter array formula (``write_array_formula``, ``write_dynamic_array_formula``)
stores its placeholder 0 in its first cell and a bare ``<v>0</v>`` in the others of its
range: those read 0 without a word. Until a second review that day they were found by
the value read, only when the first cell was a placeholder: beside a value given, or in a
date or duration format (00:00, 0:00:00), the padding still read as a value.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from sheets_sync.backends.excel.reader import read_workbook, read_workbook_bytes
from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import SheetGrid
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.mapping.uncalculated import uncalculated_skipped
from tests.backends.excel.test_placeholder_values import HEAD
from tests.support.libreoffice import convert, needs_libreoffice

_PLAIN = "open the file in Excel or LibreOffice and save it"
_HARD = (
    "open the file in Excel and save it (in LibreOffice, Data > Calculate > Recalculate "
    "Hard before saving: it keeps the script's 0s otherwise)"
)


def _said(path: Path) -> list[str]:
    data = read_workbook(path, tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    period = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    result = evaluate_team(team, period=period, as_of=dt.date(2026, 11, 15))
    return sorted({str(f) for f in [*team.findings, *result.warnings] if "no value" in str(f)})


def test_an_openpyxl_formula_with_no_value_gets_the_plain_advice(tmp_path: Path) -> None:
    path = tmp_path / "sales.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(HEAD)
    ws.append(["O1", "Grow", None, "Ann", "KR1", "Revenue", "Ann", "number", 0, 100, "=20+30"])
    wb.save(path)
    assert b'calcId="124519" fullCalcOnLoad="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    grid = read_workbook(path, tabs=["OKRs"]).sheets["OKRs"]
    assert grid.uncalculated == {(2, 11)}
    assert grid.placeholder_values == frozenset()
    assert _said(path) == [
        "sales.xlsx!OKRs!K2: the formula =20+30 holds no value: the file was last saved by a "
        f"program that does not calculate formulas (a script), so it reads as empty; {_PLAIN}"
    ]


@needs_libreoffice
def test_libreoffice_as_it_ships_calculates_a_formula_saved_with_no_value(tmp_path: Path) -> None:
    """Checked, not wished: the plain advice works (LibreOffice 7.4 keeps XlsxWriter's 0s,
    test_placeholder_values.py, but fills in a formula saved with no value)."""
    path = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(["KR ID", "Current"])
    ws.append(["KR1", "=20+30"])
    wb.save(path)
    grid = read_workbook(convert(path, "xlsx", tmp_path / "lo"), tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1] == ("KR1", 50.0)
    assert grid.uncalculated == frozenset()


def test_each_cell_gets_the_advice_for_what_it_holds(tmp_path: Path) -> None:
    """One XlsxWriter 0 and one formula saved with no value, on one tab."""
    path = tmp_path / "sales.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("OKRs")
    ws.write_row(0, 0, HEAD)
    for r, kr in ((1, "KR1"), (2, "KR2")):
        ws.write_row(r, 0, ["O1", "Grow", None, "Ann", kr, "Revenue", "Ann", "number", 0, 100])
    ws.write_formula(1, 10, "=20+30")  # XlsxWriter's 0
    ws.write_formula(2, 10, "=40+2")  # its <v>0</v> dropped below: no value at all
    wb.close()
    _patch(path, "xl/worksheets/sheet1.xml", b"<f>40+2</f><v>0</v>", b"<f>40+2</f>")
    grid = read_workbook(path, tabs=["OKRs"]).sheets["OKRs"]
    assert grid.uncalculated == {(2, 11), (3, 11)}
    assert grid.placeholder_values == {(2, 11)}
    said = _said(path)
    assert [s.split(": ", 1)[0] for s in said] == ["sales.xlsx!OKRs!K2", "sales.xlsx!OKRs!K3"]
    assert said[0].endswith(_HARD)
    assert said[1].endswith(_PLAIN)


def _patch(path: Path, part: str, old: bytes, new: bytes) -> None:
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == part:
                assert old in body
                body = body.replace(old, new)
            dst.writestr(info, body)


def test_the_tab_warning_gives_xlsxwriters_advice_when_a_cell_it_covers_is_a_zero() -> None:
    base = SheetGrid(name="OKRs", rows=(("KR ID", "Current"),), uncalculated=frozenset({(2, 1)}))
    cols = {"kr_id": 1, "current": 2}
    (plain,) = uncalculated_skipped(base, 1, (), cols, "s.xlsx")
    assert plain.message.endswith(_PLAIN)
    zeros = SheetGrid(
        name="OKRs",
        rows=(("KR ID", "Current"),),
        uncalculated=frozenset({(2, 1), (3, 1)}),
        placeholder_values=frozenset({(3, 1)}),
    )
    (hard,) = uncalculated_skipped(zeros, 1, (), cols, "s.xlsx")
    assert hard.cell == "A2"
    assert hard.message.endswith(_HARD)


def _arrays_book(calc_pr: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("OKRs")
    ws.write_row(0, 0, ["KR ID", "Current", "Other", "Given"])
    for r in range(1, 4):
        ws.write(r, 0, f"KR{r}")
    ws.write_array_formula("B2:B4", '{=A2:A4&"x"}')
    ws.write_dynamic_array_formula("C2:C4", "=LEN(A2:A4)")
    ws.write_array_formula("D2:D3", "{=ROW(A2:A3)}", None, 2)  # a value given: kept
    wb.close()
    data = buf.getvalue()
    if calc_pr is None:
        return data
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/workbook.xml":
                body = body.replace(b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', calc_pr)
            dst.writestr(info, body)
    return out.getvalue()


def test_an_array_formulas_other_cells_are_placeholders_too() -> None:
    grid = read_workbook_bytes(_arrays_book(), source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows == (
        ("KR ID", "Current", "Other", "Given"),
        ("KR1", None, None, 2.0),
        ("KR2",),  # D3: XlsxWriter's padding beside the value given (read 0 until 2026-12-07)
        ("KR3",),
    )
    cells = {(r, c) for r in (2, 3, 4) for c in (2, 3)} | {(3, 4)}
    assert grid.uncalculated == cells
    assert grid.placeholder_values == cells
    assert grid.formula(4, 2) == '=A2:A4&"x"'  # the warning quotes the array's formula


def test_an_array_in_a_workbook_excel_saved_keeps_its_zeros() -> None:
    data = _arrays_book(b'<calcPr calcId="191029"/>')
    grid = read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[2] == ("KR2", 0.0, 0.0, 0.0)
    assert grid.uncalculated == frozenset()
    assert grid.placeholder_values == frozenset()


def _book(write: Callable[[Any, Any], None]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("OKRs")
    ws.write_row(0, 0, ["KR ID", "Current", "Other"])
    for r in range(1, 4):
        ws.write(r, 0, f"KR{r}")
    write(wb, ws)
    wb.close()
    return buf.getvalue()


def test_an_arrays_padding_beside_a_value_given_is_no_value() -> None:
    # the only formula on the tab has its value: no placeholder cell but the padding
    def write(wb: Any, ws: Any) -> None:
        ws.write_array_formula("B2:B4", "{=LEN(A2:A4)}", None, 3)
        ws.write(4, 1, 0)  # a typed 0 below the array: a value, read
        ws.write_boolean(4, 2, False)  # a typed FALSE (t="b", <v>0</v>): read

    data = _book(write)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b'<c r="B3"><v>0</v></c>' in sheet  # XlsxWriter's padding, as the review saw it
    grid = read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows == (
        ("KR ID", "Current", "Other"),
        ("KR1", 3.0),
        ("KR2",),
        ("KR3",),
        (None, 0.0, False),
    )
    assert grid.placeholder_values == {(3, 2), (4, 2)}
    assert grid.uncalculated == {(3, 2), (4, 2)}
    assert grid.formula(4, 2) == "=LEN(A2:A4)"


def test_an_arrays_padding_in_a_date_or_duration_format_is_no_value() -> None:
    def write(wb: Any, ws: Any) -> None:
        day = wb.add_format({"num_format": "yyyy-mm-dd"})
        hours = wb.add_format({"num_format": "[h]:mm:ss"})
        ws.write_array_formula("B2:B4", "{=TODAY()+ROW(A2:A4)}", day)  # a placeholder first
        ws.write_array_formula("C2:C4", "{=LEN(A2:A4)/24}", hours, 0.125)  # its first given
        ws.write_array_formula("D2:D3", "{=TODAY()+ROW(A2:A3)}", day, 46000)

    grid = read_workbook_bytes(_book(write), source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    # until 2026-12-07: time(0, 0) and timedelta(0) in rows 3 and 4, unlisted
    assert grid.rows == (
        ("KR ID", "Current", "Other"),
        ("KR1", None, dt.timedelta(hours=3), dt.date(2025, 12, 9)),
        ("KR2",),
        ("KR3",),
    )
    cells = {(2, 2), (3, 2), (4, 2), (3, 3), (4, 3), (3, 4)}
    assert grid.placeholder_values == cells
    assert grid.uncalculated == cells


@pytest.mark.parametrize("form", ["prefixed", "no r"])
def test_the_padding_is_found_in_a_prefixed_sheet_and_a_cell_with_no_r(form: str) -> None:
    # as the .NET Open XML SDK writes (<x:c>), and a cell placed by the one before it
    def write(wb: Any, ws: Any) -> None:
        ws.write_array_formula("B2:B4", "{=LEN(A2:A4)}", None, 3)

    src, out = zipfile.ZipFile(io.BytesIO(_book(write))), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml" and form == "prefixed":
                head, root = body.split(b"?>", 1)
                root = re.sub(rb"<(/?)([a-zA-Z]+)([ >/])", rb"<\1x:\2\3", root)
                body = head + b"?>" + root.replace(b'xmlns="', b'xmlns:x="', 1)
                assert b'<x:c r="B3"><x:v>0</x:v></x:c>' in body
            elif info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<c r="B3">', b"<c>")  # right of A3
                assert b'<c r="B4"><v>0</v></c>' in body and b"<c><v>0</v></c>" in body
            dst.writestr(info.filename, body)
    grid = read_workbook_bytes(out.getvalue(), source="t.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1:] == (("KR1", 3.0), ("KR2",), ("KR3",))
    assert grid.placeholder_values == {(3, 2), (4, 2)}
