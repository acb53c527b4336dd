"""A night's read gives ``extract`` the workspace's period: a near tab of another year
than the period's (``OKRs 2025``, kept beside ``OKRs``) is not said, one of its year is;
the period is part of the read cache's key (a new period sees the file again)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.domain.models import Period
from sheets_sync.sync.readcache import cache_key
from sheets_sync.sync.reading import read_team
from tests.conftest import CONFIG, write_team


@pytest.mark.parametrize(("copy", "said"), [("OKRs 2025", False), ("OKRs 2026", True)])
def test_a_nights_read_says_a_near_tab_of_the_periods_year_only(
    tmp_path: Path, copy: str, said: bool
) -> None:
    team = write_team(tmp_path / "teams" / "sales.xlsx")
    wb = openpyxl.load_workbook(team)
    wb.copy_worksheet(wb["OKRs"]).title = copy
    wb.save(team)
    (tmp_path / "sheets-sync.yaml").write_text(CONFIG, encoding="utf-8")
    ws = load_workspace(tmp_path / "sheets-sync.yaml")  # period 2026-Q4
    state = read_team(ws.teams[0], ws)
    assert state.team_input is not None
    near = [f for f in state.team_input.findings if "is not read" in f.message]
    assert [f.tab for f in near] == ([copy] if said else [])


def test_the_period_is_in_the_cache_key(tmp_path: Path) -> None:
    (tmp_path / "sheets-sync.yaml").write_text(CONFIG, encoding="utf-8")
    write_team(tmp_path / "teams" / "sales.xlsx")
    ws = load_workspace(tmp_path / "sheets-sync.yaml")
    spec, q1 = ws.teams[0], Period("2027-Q1", dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    keys = {cache_key("0" * 64, spec, 1, p) for p in (ws.period, q1)}
    assert len(keys) == 2
