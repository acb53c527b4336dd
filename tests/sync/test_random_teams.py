"""Random team workbooks, night after night: every team is synced or fails with its reason;
none ends in "internal error ... please report it".

Cells hold anything a person might type where a number, a word or a date belongs (text,
dates, booleans, formulas, error values, a cell full to Excel's limit), headers move,
tabs go by other names, rows hide and cells merge. This found a crash: a finding quoted a
32,767-character value whole and the row's Sync notes passed what an Excel cell holds.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.sync.engine import Sync, SyncOptions

VALUES: list[object] = [
    *(None, "", 0, 1, 0.5, -3, 1e12, 10**16, "O1", "O2", "KR1", "KPI-1", "T3/KPI-1", "done"),
    *("higher", "lower", "range", "milestone", "percent", "Example", "100%", "70%", "abc"),
    *("=1/0", "=SUM(I2:I5)", dt.datetime(2026, 11, 2), dt.date(2026, 12, 1), True, "High"),
    *("committed", "aspirational", "monthly", "\u202e", "x" * 32_767, "  ", "#N/A"),
]


def _team(path: Path, rnd: random.Random) -> None:
    book = openpyxl.Workbook()
    okrs = book.active
    assert okrs is not None
    okrs.title = rnd.choice(["OKRs", "OKRs", "okrs ", "Key results", "Sheet"])
    header = [h for _, h in OKR_FIELDS]
    if rnd.random() < 0.2:
        rnd.shuffle(header)
    for _ in range(rnd.choice([0, 0, 0, 1, 2])):
        okrs.append([rnd.choice(VALUES)])
    okrs.append(header)
    for r in range(rnd.randint(0, 10)):
        row = [rnd.choice(VALUES) for _ in header]
        if rnd.random() < 0.6:  # mostly a plausible row, with some odd cells
            row[:2] = [rnd.choice(["O1", "O2"]), "Grow"]
            row[4], row[8], row[9] = f"KR{r}", rnd.choice([0, 10]), rnd.choice([50, 100, "x"])
        okrs.append(row)
    if rnd.random() < 0.2:
        okrs.merge_cells("A3:A4")
    if rnd.random() < 0.2:
        okrs.row_dimensions[3].hidden = True
    if rnd.random() < 0.8:
        kpis = book.create_sheet(rnd.choice(["KPIs", "KPI", "Metrics"]))
        kpis.append([h for _, h in KPI_FIELDS])
        for r in range(rnd.randint(0, 6)):
            row = [rnd.choice(VALUES) for _ in KPI_FIELDS]
            if rnd.random() < 0.6:
                row[0], row[7], row[11] = f"KPI-{r}", rnd.choice([10, "x"]), rnd.choice([5, None])
            kpis.append(row)
    book.save(path)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_teams_never_end_in_an_internal_error(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(seed)
    (tmp_path / "teams").mkdir()
    names = [f"T{i}" for i in range(16)]
    for name in names:
        _team(tmp_path / "teams" / f"{name}.xlsx", rnd)
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\nteams:\n"
        + "".join(f"  - {{name: {n}, source: teams/{n}.xlsx}}\n" for n in names),
        encoding="utf-8",
    )
    for night, workers in ((1, 1), (2, 2)):  # one process, then workers: 16 teams is 2
        options = SyncOptions(as_of=dt.date(2026, 11, 10 + night), workers=workers)
        result = Sync(load_workspace(cfg)).run(options)
        assert result.rollup_error is None
        internal = [r.error for r in result.runs if r.error and "internal error" in r.error]
        assert internal == [], internal
        assert all(r.error or r.scored for r in result.runs)
