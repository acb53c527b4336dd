"""Through the CLI, a team's workbook of tabs ``OKRs``, ``OKRs FY26``, ``OKRs FY27 Q2``
and ``KPIs (old)`` in a fiscal workspace: ``validate`` warns of the near tab of the
workspace's period alone. In FY27 Q1 (from 2026-10-01) none is its own: until 2026-12-07
``OKRs FY26`` was warned of every night (FY26 read as 2026, a calendar year of the
period's dates); in FY27 Q2 ``OKRs FY27 Q2`` is. ``KPIs (old)`` is kept for the record:
the KPIs are not read (no ``KPIs`` tab), and the tab is not pointed at."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_ops_cli import run
from tests.conftest import write_team

NEAR = (
    "Sales: warning: sales.xlsx!OKRs FY27 Q2: this tab is not read: the key results are "
    'read from OKRs, the first of okrs.sheet (OKRs, OKR, "Key results") the workbook has; '
    'if the team fills "OKRs FY27 Q2" now, name it first in okrs.sheet, or rename or '
    "delete OKRs"
)
NO_KPIS = "Sales: warning: sales.xlsx: no KPIs tab; nothing of that kind is read"


def _workspace(root: Path, period: str) -> Path:
    team = write_team(root / "teams" / "sales.xlsx")
    wb = openpyxl.load_workbook(team)
    for title in ("OKRs FY26", "OKRs FY27 Q2"):
        wb.copy_worksheet(wb["OKRs"]).title = title
    wb["KPIs"].title = "KPIs (old)"
    wb.save(team)
    config = root / "sheets-sync.yaml"
    config.write_text(
        f"company: Acme\nperiod: {period}\ncompany_objectives:\n  - {{id: CO-1, title: Grow}}\n"
        "teams:\n  - {name: Sales, source: teams/sales.xlsx}\n",
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize(
    ("period", "as_of", "said"),
    [
        ("{name: FY27 Q1, start: 2026-10-01, end: 2026-12-31}", "2026-11-15", [NO_KPIS]),
        ("{name: FY27-Q2, start: 2027-01-01, end: 2027-03-31}", "2027-02-15", [NEAR, NO_KPIS]),
    ],
    ids=["FY27 Q1", "FY27-Q2"],
)
def test_validate_warns_of_the_periods_near_tab_alone(
    tmp_path: Path, period: str, as_of: str, said: list[str]
) -> None:
    config = _workspace(tmp_path, period)
    code, out, err = run("validate", "--config", str(config), "--as-of", as_of)
    assert code == 1, out + err  # a conftest OKR_ROWS row: target equals start value
    assert [line for line in out.splitlines() if ": warning: " in line] == said, out + err
    assert "Traceback" not in out + err
