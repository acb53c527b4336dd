"""Due dates and KPI As-of dates read from real workbooks, in both of Excel's date systems.

A Mac workbook (``workbookPr date1904="1"``) counts days from 1904-01-01: its date cells
are read right by calamine, and its day numbers in plain cells must be counted from 1904
too, not read as the 1900 system's (four years and a day early).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from sheets_sync.backends.excel.reader import read_workbook, read_workbook_bytes
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import DATE_EPOCH, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.backends.excel.test_reader_filters import _MANIFEST
from tests.support.libreoffice import convert, needs_libreoffice

DUE = dt.date(2026, 11, 15)
AS_OF = dt.date(2026, 11, 20)
OKR_HEAD = ["Objective ID", "Objective", "KR ID", "Key result", "Owner", "KR type", "Start"]
OKR_HEAD += ["Target", "Current", "Due date"]
KPI_HEAD = ["KPI ID", "KPI", "Owner", "Frequency", "Direction", "Target", "Actual", "As of"]


def _serial(day: dt.date, epoch: dt.date) -> int:
    return (day - epoch).days


def build(path: Path, *, mac: bool) -> Path:
    """KR1/KPI-1 in date cells, KR2/KPI-2 as day numbers in plain cells, KR3 as text."""
    epoch = dt.date(1904, 1, 1) if mac else dt.date(1899, 12, 30)
    wb = openpyxl.Workbook()
    if mac:
        wb.epoch = CALENDAR_MAC_1904
    okrs = wb.active
    assert okrs is not None
    okrs.title = "OKRs"
    okrs.append(OKR_HEAD)
    for kr, due in (("KR1", DUE), ("KR2", _serial(DUE, epoch)), ("KR3", "2026-11-15")):
        okrs.append(["O1", "Grow", kr, f"{kr} goal", "Ann", "number", 0, 100, 50, due])
    okrs["J2"].number_format = "yyyy-mm-dd"
    okrs["J3"].number_format = "General"
    kpis = wb.create_sheet("KPIs")
    kpis.append(KPI_HEAD)
    for kpi, as_of in (("KPI-1", AS_OF), ("KPI-2", _serial(AS_OF, epoch))):
        kpis.append([kpi, "NPS", "Ann", "weekly", "higher", 40, 45, as_of])
    kpis["H2"].number_format = "d mmm yyyy"
    kpis["H3"].number_format = "0"
    wb.save(path)
    return path


def _dates(data: WorkbookData) -> tuple[list[dt.date | None], list[dt.date | None]]:
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert not [f for f in team.findings if f.is_error], team.findings
    return [kr.due for kr in team.key_results], [k.as_of for k in team.kpis]


@pytest.mark.parametrize("mac", [False, True], ids=["1900", "1904"])
def test_due_and_as_of_dates_in_either_date_system(tmp_path: Path, mac: bool) -> None:
    data = read_workbook(build(tmp_path / "sales.xlsx", mac=mac), tabs=["OKRs", "KPIs"])
    assert data.meta.get(DATE_EPOCH) == ("1904-01-01" if mac else None)
    assert _dates(data) == ([DUE, DUE, DUE], [AS_OF, AS_OF])


def test_a_1900_workbook_says_no_date_system(tmp_path: Path) -> None:
    """openpyxl's default, written explicitly: no ``date1904`` attribute at all."""
    path = tmp_path / "win.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_WINDOWS_1900
    wb.save(path)
    assert DATE_EPOCH not in read_workbook(path, tabs=["Sheet"]).meta


@needs_libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_libreoffice_saved_mac_workbook(tmp_path: Path, fmt: str) -> None:
    """LibreOffice keeps the 1904 system when it saves the workbook again, as .xlsx
    (``date1904``) or as .ods (``<table:null-date table:date-value="1904-01-01"/>``)."""
    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src" / "sales.xlsx", mac=True)
    saved = convert(src, fmt, tmp_path / "lo")
    data = read_workbook(saved, tabs=["OKRs", "KPIs"])
    assert data.meta.get(DATE_EPOCH) == "1904-01-01"
    assert _dates(data) == ([DUE, DUE, DUE], [AS_OF, AS_OF])


_ODS = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
<office:body><office:spreadsheet>{settings}<table:table table:name="Sheet">{row}</table:table>
</office:spreadsheet></office:body></office:document-content>"""
_ROW = (
    '<table:table-row><table:table-cell office:value-type="float" office:value="46341">'
    "<text:p>46341</text:p></table:table-cell></table:table-row>"
)


def _ods(null_date: str | None) -> bytes:
    settings = (
        "<table:calculation-settings>"
        f'<table:null-date table:date-value="{null_date}"/></table:calculation-settings>'
        if null_date is not None
        else ""
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", _ODS.format(settings=settings, row=_ROW))
        z.writestr("META-INF/manifest.xml", _MANIFEST)
    return out.getvalue()


@pytest.mark.parametrize(
    ("null_date", "epoch"),
    [
        (None, None),  # the ODF default: 1899-12-30
        ("1899-12-30", None),
        ("1904-01-01", "1904-01-01"),
        ("1900-01-01", "1900-01-01"),  # StarCalc 1.0's, a LibreOffice option
        ("1904-01-01T00:00:00", "1904-01-01"),
    ],
)
def test_ods_day_numbers_count_from_the_files_null_date(
    null_date: str | None, epoch: str | None
) -> None:
    data = read_workbook_bytes(_ods(null_date), source="t.ods", tabs=["Sheet"])
    assert data.meta.get(DATE_EPOCH) == epoch


def test_an_ods_null_date_that_is_no_date_is_refused() -> None:
    with pytest.raises(WorkbookError) as info:
        read_workbook_bytes(_ods("soon"), source="t.ods", tabs=["Sheet"])
    assert str(info.value) == "t.ods: the file is damaged: its null date 'soon' is not a date"


def test_a_number_in_a_date_or_time_format_says_the_format(tmp_path: Path) -> None:
    """120 in a date-formatted Target cell reads 1900-04-29, 0.5 in a time format 12:00:
    "expected a number, got a date or time" did not say the fix is the cell's format."""
    wb = openpyxl.Workbook()
    okrs = wb.active
    assert okrs is not None
    okrs.title = "OKRs"
    okrs.append(["Objective ID", "KR ID", "Start", "Target", "Current"])
    okrs.append(["O1", "O1.1", 0, 120, 0.5])
    okrs.append(["O1", "O1.2", 0, 10, 1.5])
    okrs["D2"].number_format = "yyyy-mm-dd"
    okrs["E2"].number_format = "h:mm"
    okrs["E3"].number_format = "[h]:mm"
    wb.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=["OKRs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    fix = "; the cell is formatted as a {0}: if you meant a number, format it as one"
    assert [str(f) for f in team.findings if "!OKRs!" in str(f)] == [
        "sales.xlsx!OKRs!D2: expected a number, got a date (1900-04-29)" + fix.format("date"),
        "sales.xlsx!OKRs!E2: expected a number, got a time (12:00:00)" + fix.format("time"),
        "sales.xlsx!OKRs!E3: expected a number, got a duration (1 day, 12:00:00)"
        + fix.format("duration"),
    ]


def test_a_boolean_or_a_date_in_an_id_column_is_no_id() -> None:
    """An Excel KPI ID of TRUE (a boolean cell: typed, or a formula's) or a KR ID typed
    1-2 (a day number in a date format) became the IDs "TRUE" and "2026-01-02" without a
    word (until 2026-12-06): each is the cell's error, in the words a Google sheet's get
    (tests/backends/gsheets/test_gsheets_cell_kinds.py)."""
    wb = openpyxl.Workbook()
    okrs = wb.active
    assert okrs is not None
    okrs.title = "OKRs"
    okrs.append(["Objective ID", "KR ID", "Target", "Current"])
    okrs.append(["O1", "KR1", 10, 5])
    okrs.append(["O1", 46024, 10, 5])
    okrs["B3"].number_format = "d-mmm"
    kpis = wb.create_sheet("KPIs")
    kpis.append(["KPI ID", "Actual"])
    kpis.append(["K1", 5])
    kpis.append([False, 6])
    buf = io.BytesIO()
    wb.save(buf)
    data = read_workbook_bytes(buf.getvalue(), source="sales.xlsx", tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [str(f) for f in team.findings if f.is_error] == [
        "sales.xlsx!OKRs!B3: KR ID is a date (2026-01-02), not an ID: a spreadsheet turns "
        "a typed 1-2 or 1/2 into a date; format the cell as plain text and type the ID again",
        "sales.xlsx!KPIs!A3: KPI ID is a checkbox or TRUE/FALSE value (FALSE), not an ID: "
        "type the ID in its place",
    ]
    assert [kr.id for kr in team.key_results] == ["KR1"]
    assert [kpi.id for kpi in team.kpis] == ["K1"]
