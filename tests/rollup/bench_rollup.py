"""Measure the rollup at company scale: build + write, xlsxwriter vs openpyxl.

Not a test (pytest does not collect it). Run::

    .venv/bin/python tests/rollup/bench_rollup.py [teams]

500 generated teams x (5 objectives x 4 KRs + 15 KPIs). The openpyxl variant writes the
same cells, number formats and tables (no charts or conditional formats), so its time is
a lower bound for an openpyxl writer; the numbers go into docs/rollup.md.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.worksheet.table import Table

from sheets_sync.domain.models import (
    KPI,
    CompanyObjective,
    Direction,
    KeyResult,
    KRType,
    Objective,
    Period,
    TeamInput,
)
from sheets_sync.domain.team import evaluate_team
from sheets_sync.rollup import Rollup, build_rollup, write_rollup_xlsx
from sheets_sync.rollup.schema import TAB_NAMES, TABLES
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun

PERIOD = Period("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30))
AS_OF = dt.date(2025, 8, 15)


def team(n: int) -> TeamInput:
    objectives = tuple(
        Objective(f"O{o}", f"Objective {o} of team {n}", aligns_to=f"C{o % 3}") for o in range(5)
    )
    krs = tuple(
        KeyResult(f"O{o}", f"O{o}-KR{k}", f"Move metric {k}", "Owner", KRType.NUMBER,
                  0, 100, float((n * 7 + o * 13 + k * 29) % 120), "%" if k % 2 else "$")
        for o in range(5) for k in range(4)
    )  # fmt: skip
    kpis = tuple(
        KPI(f"K{k}", f"KPI {k}", "Owner", direction=Direction.HIGHER, target=100,
            actual=float((n + k * 11) % 130), previous=90, as_of=dt.date(2025, 8, 1))
        for k in range(15)
    )  # fmt: skip
    return TeamInput(f"Team {n:03d}", f"team{n}.xlsx", objectives, krs, kpis)


def generate(teams: int) -> tuple[list[TeamRun], RunContext]:
    runs = []
    for n in range(teams):
        result = evaluate_team(team(n), period=PERIOD, as_of=AS_OF)
        runs.append(TeamRun(f"Team {n:03d}", f"team{n}.xlsx", Outcome.OK, result))
    company = tuple(CompanyObjective(f"C{i}", f"Company objective {i}") for i in range(3))
    ctx = RunContext("Acme", PERIOD, AS_OF, dt.datetime(2025, 8, 15, 6), company)
    return runs, ctx


def write_openpyxl(rollup: Rollup, path: Path) -> None:
    """The same tables with openpyxl: typed cells, number formats, one table per tab."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, frame in rollup.tables.items():
        ws = wb.create_sheet(TAB_NAMES[name] if name != "company_objectives" else "Company")
        spec = TABLES[name]
        ws.append([c.name for c in spec])
        for record in frame.itertuples(index=False, name=None):
            ws.append([None if pd.isna(v) else v for v in record])
        for c, col in enumerate(spec, start=1):
            fmt = col.excel_format or {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}.get(
                col.kind.value
            )
            if fmt:
                for row in ws.iter_rows(min_row=2, min_col=c, max_col=c):
                    row[0].number_format = fmt
        last = openpyxl.utils.get_column_letter(len(spec))
        ws.add_table(
            Table(displayName=name.title().replace("_", ""), ref=f"A1:{last}{len(frame) + 1}")
        )
        ws.freeze_panes = "B2"
    wb.save(path)


def main(teams: int = 500) -> None:
    t0 = time.perf_counter()
    runs, ctx = generate(teams)
    t1 = time.perf_counter()
    rollup = build_rollup(runs, ctx)
    t2 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        xw = Path(tmp) / "xlsxwriter.xlsx"
        write_rollup_xlsx(rollup, xw)
        t3 = time.perf_counter()
        op = Path(tmp) / "openpyxl.xlsx"
        write_openpyxl(rollup, op)
        t4 = time.perf_counter()
        print(f"teams={teams} KRs={len(rollup.key_results)} KPIs={len(rollup.kpis)}")
        print(f"domain evaluation (not rollup): {t1 - t0:.2f} s")
        print(f"build_rollup:                   {t2 - t1:.2f} s")
        print(f"write xlsxwriter (full):        {t3 - t2:.2f} s  {xw.stat().st_size / 1e6:.1f} MB")
        print(f"write openpyxl (tables only):   {t4 - t3:.2f} s  {op.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
