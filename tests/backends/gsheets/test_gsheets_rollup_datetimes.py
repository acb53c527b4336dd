"""A Google rollup's date-times carry the workbook's number formats (docs/rollup.md,
Formats; docs/google-sheets.md): every tab's `Last successful read` column
`yyyy-mm-dd hh:mm`, the Summary's `Generated at` `yyyy-mm-dd hh:mm:ss`. Until 2026-12-07
the Google rollup gave the column `yyyy-mm-dd hh:mm:ss` where the workbook gives
`yyyy-mm-dd hh:mm`. Read from the live emulator and compared with the workbook openpyxl
reads, as the same night writes both."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.emulator import Emulator
from tests.backends.gsheets.test_gsheets_rollup_history import _night, _workspace, teams

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning"),
]
__all__ = ["teams"]  # the fixture, used by name

COLUMN = "Last successful read"
NIGHT = dt.date(2026, 2, 13)


def _google_formats(emulator: Emulator, key: str) -> dict[str, dict[tuple[int, int], Any]]:
    """Tab -> (row, column) -> numberFormat pattern, of every cell that has one."""
    out: dict[str, dict[tuple[int, int], Any]] = {}
    for sheet in emulator.state.spreadsheets[key].sheets:
        out[sheet.title] = {
            at: c["userEnteredFormat"]["numberFormat"]["pattern"]
            for at, c in sheet.cells.items()
            if "numberFormat" in c.get("userEnteredFormat", {})
        }
    return out


def test_the_google_rollups_date_times_have_the_workbooks_formats(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str]
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    assert _night(_workspace(tmp_path, sa_info, teams, f"gsheet:{out}"), NIGHT).rollup_error is None
    book = tmp_path / "company.xlsx"
    assert _night(_workspace(tmp_path, sa_info, teams, str(book)), NIGHT).rollup_error is None
    google = _google_formats(emulator, out)
    workbook = openpyxl.load_workbook(book)
    compared = 0
    for ws in workbook.worksheets:
        if ws.title == "Data dictionary":  # names the column, holds none
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value == COLUMN or c.value == "Generated at":
                    below = (c.row, c.column - 1) if c.value == COLUMN else (c.row - 1, c.column)
                    x = ws.cell(row=below[0] + 1, column=below[1] + 1)
                    assert isinstance(x.value, dt.datetime), (ws.title, x.coordinate)
                    assert google[ws.title].get(below) == x.number_format, (ws.title, x.coordinate)
                    compared += 1
    # the Summary's team table and Generated at, the Objectives, Key results, KPIs tabs
    assert compared >= 5
