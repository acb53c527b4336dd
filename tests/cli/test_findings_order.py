"""A tab's findings are listed as a team lead reads the tab: row by row, then by column,
in ``validate`` and a night's run alike (each check used to append its own, in turn)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.cli.test_ops_cli import AS_OF, run
from tests.support.flat import HEADERS, flat_book, flat_workspace

IN_ORDER = [
    "Flat: warning: Flat.xlsx!Tracker!A2: objective E1 has 1 key result; 2 to 5 keep it focused",
    "Flat: error: Flat.xlsx!Tracker!G2: target equals start value (100)",
    'Flat: error: Flat.xlsx!Tracker!G3: expected a number, got "abc"',
    'Flat: error: Flat.xlsx!Tracker!H4: expected a number, got "x"',
]


def _workspace(root: Path) -> Path:
    """Row 2's error is found by validation after every row's parse errors (rows 3, 4).
    Those are E2's key results, which count for it though they fail: E1 has one."""
    cfg, path = flat_workspace(root)
    wb, _ = flat_book(
        HEADERS,
        ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 100, 100, 50],
        ["E2", "Grow", "E2.1", "Cut latency", "Lee", 800, "abc", 560],
        [None, None, "E2.2", "Sign ups", "Kim", 800, 900, "x"],
    )
    wb.save(path)
    return cfg


def test_validate_lists_a_tabs_findings_by_row_then_column(tmp_path: Path) -> None:
    """Before: G3 and H4 (parse errors), then G2 (validation), then A2 (lint)."""
    _, out, _ = run("validate", "--config", str(_workspace(tmp_path)), *AS_OF)
    assert [line for line in out.splitlines() if line.startswith("Flat: ")] == IN_ORDER


def test_a_nights_run_holds_them_in_the_same_order(tmp_path: Path) -> None:
    """What ``sync`` keeps of them (its run report's ``findings``, the rollup's Findings)."""
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False, dry_run=True)
    (night,) = Sync(load_workspace(_workspace(tmp_path))).run(options).runs
    said = [f"Flat: {f.severity.value}: {f}" for f in night.findings]
    assert said == IN_ORDER


#: row 2's Sync notes as sheets-sync wrote it before the sort (2ec5ef1): the error that
#: makes the row "Not scored" first, then the lint warning, as its checks made them
BASE_NOTES = (
    "Error G2: target equals start value (100); "
    "Warning A2: objective E1 has 1 key result; 2 to 5 keep it focused"
)


def test_a_rows_sync_notes_keep_the_order_they_had_before_the_sort(tmp_path: Path) -> None:
    """The sort is for the lists: a Sync notes cell written before it must not change (the
    first night after the upgrade rewrote every cell it reordered: ``ok``, not ``unchanged``,
    and the lint warning came before the error that explains "Not scored")."""
    cfg = _workspace(tmp_path)
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (night,) = Sync(load_workspace(cfg)).run(options).runs
    assert night.outcome is Outcome.OK
    ws = openpyxl.load_workbook(tmp_path / "teams" / "Flat.xlsx")["Tracker"]
    assert (ws["L2"].value, ws["M2"].value) == ("Not scored", BASE_NOTES)
    (again,) = Sync(load_workspace(cfg)).run(options).runs
    assert again.outcome is Outcome.UNCHANGED, again.changes
    assert [str(f.cell) for f in again.findings] == ["A2", "G2", "G3", "H4"]
