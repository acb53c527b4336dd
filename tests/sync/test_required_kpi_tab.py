"""``kpis.required: true`` and a workbook with no KPI tab: the whole team failed (until
2026-12-07), its key results neither scored nor written, for a tab they do not need. The
key results are read, scored and written; the missing tab is one error, at the workbook,
counted in the sheet's errors as any other (the team is ok, ``1 error in the sheet``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from sheets_sync.config import load_workspace
from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import parse_mapping
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.conftest import CONFIG, write_team

AS_OF = dt.date(2026, 11, 23)
MAPPING = "name: mine\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs, Metrics]\n  required: true\n"
#: the tab may be missing altogether: add it, or make it optional (until 2026-12-07 only
#: `rename the tab that holds the KPIs to KPIs, or give its name in the mapping's ...`)
ADVICE = (
    "; add a tab named KPIs or rename the one that holds the KPIs to KPIs, or add its name "
    "to kpis.sheet or set kpis.required: false in mine.yaml"
)
ROWS: tuple[tuple[CellValue, ...], ...] = (
    ("Objective ID", "KR ID", "Start", "Target", "Current"),
    ("O1", "O1.1", 0, 10, 5),
)


def test_the_key_results_are_read_and_the_tab_is_one_error() -> None:
    mapping = parse_mapping(MAPPING, source="mine.yaml")
    grids = {"OKRs": SheetGrid("OKRs", ROWS), "Notes": SheetGrid("Notes", ())}
    got = extract(WorkbookData("sales.xlsx", ("OKRs", "Notes"), grids), mapping)
    assert [r.row for r in got.okrs.records] == [2]
    assert got.kpis is None
    assert [(str(f), f.is_error) for f in got.findings] == [
        ("sales.xlsx: no tab named KPIs or Metrics (tabs: OKRs, Notes)" + ADVICE, True)
    ]


def test_the_team_syncs_its_key_results(tmp_path: Path) -> None:
    team = write_team(tmp_path / "teams" / "sales.xlsx")
    wb = openpyxl.load_workbook(team)
    del wb["KPIs"]
    wb.save(team)
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(MAPPING, encoding="utf-8")
    config = CONFIG.replace("source: teams/sales.xlsx}", "source: teams/sales.xlsx, mapping: mine}")
    (tmp_path / "sheets-sync.yaml").write_text(config, encoding="utf-8")
    ws = load_workspace(tmp_path / "sheets-sync.yaml")
    run = Sync(ws).run(SyncOptions(as_of=AS_OF, rollup=False)).runs[0]
    assert run.outcome is Outcome.OK, run.error
    assert run.result is not None and run.result.objectives
    errors = [str(f) for f in run.findings if f.is_error and "tab" in f.message]
    # the mapping named mine, found in the workspace's mappings/: named by its path there
    # (until a review on 2026-12-07 mine.yaml)
    in_mappings = ADVICE.replace(" in mine.yaml", " in mappings/mine.yaml")
    assert errors == ["sales.xlsx: no tab named KPIs or Metrics (tabs: OKRs)" + in_mappings]
    written = openpyxl.load_workbook(team)["OKRs"]
    head = [c.value for c in written[1]]
    scores = [row[head.index("Score")] for row in written.iter_rows(min_row=2, values_only=True)]
    assert any(isinstance(s, int | float) for s in scores)


def test_a_tab_renamed_for_the_year_is_pointed_at() -> None:
    """``KPIs`` renamed ``KPIs 2026``: the error names it (until 2026-12-07 it did not)."""
    mapping = parse_mapping(MAPPING, source="mine.yaml")
    grids = {"OKRs": SheetGrid("OKRs", ROWS), "KPIs 2026": SheetGrid("KPIs 2026", ())}
    got = extract(WorkbookData("sales.xlsx", ("OKRs", "KPIs 2026"), grids), mapping)
    assert [str(f) for f in got.findings] == [
        'sales.xlsx: no tab named KPIs or Metrics (tabs: OKRs, "KPIs 2026"); did you mean '
        '"KPIs 2026"? Rename "KPIs 2026" to KPIs, or add "KPIs 2026" to kpis.sheet or set '
        "kpis.required: false in mine.yaml"
    ]
