"""Due dates and KPI As-of dates read from real workbooks, in both of Excel's date systems.

A Mac workbook (``workbookPr date1904="1"``) counts days from 1904-01-01: its date cells
are read right by calamine, and its day numbers in plain cells must be counted from 1904
too, not read as the 1900 system's (four years and a day early).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.grid import DATE_SYSTEM, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
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
    assert data.meta.get(DATE_SYSTEM) == ("1904" if mac else None)
    assert _dates(data) == ([DUE, DUE, DUE], [AS_OF, AS_OF])


def test_a_1900_workbook_says_no_date_system(tmp_path: Path) -> None:
    """openpyxl's default, written explicitly: no ``date1904`` attribute at all."""
    path = tmp_path / "win.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_WINDOWS_1900
    wb.save(path)
    assert DATE_SYSTEM not in read_workbook(path, tabs=["Sheet"]).meta


@needs_libreoffice
def test_libreoffice_saved_mac_workbook(tmp_path: Path) -> None:
    """LibreOffice keeps the 1904 system when it saves the workbook again as .xlsx."""
    (tmp_path / "src").mkdir()
    src = build(tmp_path / "src" / "sales.xlsx", mac=True)
    saved = convert(src, "xlsx", tmp_path / "lo")
    data = read_workbook(saved, tabs=["OKRs", "KPIs"])
    assert data.meta.get(DATE_SYSTEM) == "1904"
    assert _dates(data) == ([DUE, DUE, DUE], [AS_OF, AS_OF])
