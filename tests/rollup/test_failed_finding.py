"""A failed team's error row in Findings says when the team was last read as its Summary
row does: the time of its last good rows, or blank when there are none. Until 2026-12-07
it held tonight's run time, the moment the read failed, as the team's last successful
read (and so did the export), while the Summary said the night before or blank."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from sheets_sync.domain.models import Period
from sheets_sync.rollup import build_rollup, write_rollup_xlsx
from tests.rollup.test_previous import NIGHT_1, _context, _night

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
NIGHT_2 = NIGHT_1 + dt.timedelta(days=1)


def _error_row(findings: pd.DataFrame, team: str) -> pd.Series:
    rows = findings[(findings["Team"] == team) & (findings["Message"] == "file is encrypted")]
    assert len(rows) == 1
    return rows.iloc[0]


def test_with_last_good_rows_it_is_their_read(tmp_path: Path) -> None:
    previous = tmp_path / "company.xlsx"
    first = build_rollup(_night("Finance", PERIOD, NIGHT_1, fails=False), _context(PERIOD, NIGHT_1))
    write_rollup_xlsx(first, previous)
    again = build_rollup(
        _night("Finance", PERIOD, NIGHT_2, fails=True), _context(PERIOD, NIGHT_2), previous=previous
    )
    summary = again.summary.set_index("Team")
    error = _error_row(again.findings, "Finance")
    assert error["Last successful read"] == pd.Timestamp("2026-11-23 06:30")
    assert error["Last successful read"] == summary.at["Finance", "Last successful read"]
    assert not error["Stale data"]  # tonight's finding, not a carried row
    # a team read tonight keeps tonight's clock
    ops = again.findings[again.findings["Team"] == "Ops"]
    assert (ops["Last successful read"] == pd.Timestamp("2026-11-24 06:30")).all()


def test_without_last_good_rows_it_is_blank() -> None:
    night = build_rollup(_night("Finance", PERIOD, NIGHT_2, fails=True), _context(PERIOD, NIGHT_2))
    assert _error_row(night.findings, "Finance")["Last successful read"] is pd.NaT
    assert night.summary.set_index("Team").at["Finance", "Last successful read"] is pd.NaT
