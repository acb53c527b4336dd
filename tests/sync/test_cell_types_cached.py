"""Every kind of value a team can type into a cell the sync owns goes through a night,
its report and the read cache. A time typed into an owned cell (OKRs!R2) stopped sync and
sync --dry-run with a traceback after the team's file was written: the cell's old value
went into a pickle the allowlist refused (``datetime.time``), as did an error value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import load_workspace
from sheets_sync.grid import CellError, WorkbookData
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.workspace.demo import create_demo

NIGHT = dt.date(2026, 11, 23)
#: what each owned cell of Sales' OKRs rows 2-4 holds (R..U: Score, Expected, Status, notes)
TYPED: dict[str, object] = {
    "R2": dt.time(10, 30),
    "S2": dt.datetime(2026, 1, 5, 9, 15),
    "T2": dt.date(2026, 1, 5),
    "U2": dt.timedelta(hours=30),
    "R3": True,
    "S3": 1.25,
    "T3": 7,  # a number: Excel keeps a float, as the reader gives it
    "U3": "text",
    "R4": "#N/A",  # an error value, as Excel stores it (openpyxl types it "e")
}


def _night(cfg: Path, dry_run: bool) -> SyncResult:
    options = SyncOptions(as_of=NIGHT, workers=1, read_cache=True, dry_run=dry_run)
    return Sync(load_workspace(cfg)).run(options)


def _old_values(result: SyncResult) -> set[type]:
    sales = next(r for r in result.runs if r.team == "Sales")
    assert sales.outcome.value == "ok", sales.error
    return {type(c.old) for c in sales.changes if c.tab == "OKRs"}


def test_each_value_type_in_an_owned_cell_syncs_twice_the_second_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = create_demo(tmp_path / "ws")
    book = cfg.parent / "teams" / "Sales.xlsx"
    wb = openpyxl.load_workbook(book)
    for ref, value in TYPED.items():
        wb["OKRs"][ref].value = value
    wb.save(book)
    parsed: list[str] = []
    real = ExcelBackend.parse

    def spy(
        self: ExcelBackend, data: bytes, version: str, tabs: Sequence[str], *rest: int
    ) -> WorkbookData:
        parsed.append(self.path.name)
        return real(self, data, version, tabs, *rest)

    monkeypatch.setattr(ExcelBackend, "parse", spy)
    want = {dt.time, dt.datetime, dt.date, dt.timedelta, bool, float, str, type(None)}
    want.add(CellError)
    assert _old_values(_night(cfg, dry_run=True)) >= want
    assert "Sales.xlsx" in parsed
    parsed.clear()
    second = _night(cfg, dry_run=True)  # the same bytes: from the cache
    assert "Sales.xlsx" not in parsed
    assert _old_values(second) >= want
    shown = {c.shown_old() for r in second.runs if r.team == "Sales" for c in r.changes}
    assert {"10:30:00", "2026-01-05", "TRUE", "#N/A", "1 day, 6:00:00"} <= shown
    real_night = _night(cfg, dry_run=False)  # writes, and keeps the cells' old values
    assert _old_values(real_night) >= want
