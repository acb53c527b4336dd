"""Owned columns a layout lacks are added right of every cell the team filled, formulas
that show blank included: the sync never writes over a team's formula to make room."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome

HEADERS = ["Obj", "Objective", "Ref", "Key Result", "Lead", "From", "To", "Now", "Notes"]
HELPERS = {"J": '=IF(H{r}>0,"","")', "K": '=""'}  # the team's helper columns, blank-looking


def _as_libreoffice_saves(path: Path) -> None:
    """Give each formula the cached empty string LibreOffice or Excel writes for a blank
    result (``t="str"`` and an empty ``<v>``); openpyxl writes no cached value at all."""
    with zipfile.ZipFile(path) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, body in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                zf.writestr(info, _blank_results(body))
            else:
                zf.writestr(info, body)
    path.write_bytes(out.getvalue())


def _blank_results(sheet: bytes) -> bytes:
    for col in HELPERS:
        for r in (2, 3):
            sheet = sheet.replace(
                f'<c r="{col}{r}">'.encode(), f'<c r="{col}{r}" t="str">'.encode()
            )
    return sheet


@pytest.mark.parametrize("saved_by", ["openpyxl", "an application"])
def test_added_owned_columns_go_right_of_formulas_showing_blank(
    tmp_path: Path, saved_by: str
) -> None:
    """Before: the values trim a formula showing blank, so Score, Expected, Status and
    Sync notes went to J:M over the team's helper formulas in J and K, which were gone
    after the night (2026-12-05)."""
    path = tmp_path / "teams" / "Flat.xlsx"
    path.parent.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tracker"
    ws.append(HEADERS)
    ws.append(["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50])
    ws.append([None, None, "E1.2", "Cut latency", "Lee", 800, 400, 560])
    for col, formula in HELPERS.items():
        for r in (2, 3):
            ws[f"{col}{r}"] = formula.format(r=r)
    wb.save(path)
    if saved_by != "openpyxl":
        _as_libreoffice_saves(path)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Flat, source: teams/Flat.xlsx, mapping: flat-tracker}\n",
        encoding="utf-8",
    )
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK
    sheet = openpyxl.load_workbook(path)["Tracker"]
    for col, formula in HELPERS.items():
        assert [sheet[f"{col}{r}"].value for r in (2, 3)] == [formula.format(r=r) for r in (2, 3)]
    assert [c.value for c in sheet[1]][9:] == [
        None,
        None,
        "Score",
        "Expected",
        "Status",
        "Sync notes",
    ]
    assert sheet["L2"].value == 0.5


def _flat_workspace(tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "teams" / "Flat.xlsx"
    path.parent.mkdir()
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams:\n  - {name: Flat, source: teams/Flat.xlsx, mapping: flat-tracker}\n",
        encoding="utf-8",
    )
    return cfg, path


def test_added_owned_columns_go_right_of_merged_cells(tmp_path: Path) -> None:
    """A note merged across I3:L3 (its value in I3 only) and a title merged across A1:Z1
    above the header: Score, Expected and Status went to J3:L3, under the merge, where
    no one saw them and no warning said so (before 2026-12-06). They go right of merges
    from the header row down; the title above the header moves nothing."""
    cfg, path = _flat_workspace(tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tracker"
    ws.append(["Team goals, Q4"])
    ws.merge_cells("A1:Z1")
    ws.append(HEADERS)
    ws.append(["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50, "a long note"])
    ws.append([None, None, "E1.2", "Cut latency", "Lee", 800, 400, 560])
    ws.merge_cells("I3:L3")
    wb.save(path)
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    for ref in ("J2", "K2", "L2", "J3", "K3", "L3", "J4", "K4", "L4"):
        assert f'r="{ref}"' not in sheet, ref  # nothing written under the merge
    tracker = openpyxl.load_workbook(path)["Tracker"]
    assert [c.value for c in tracker[2]][12:16] == ["Score", "Expected", "Status", "Sync notes"]
    assert tracker["M3"].value == 0.5 and tracker["I3"].value == "a long note"
