"""A number in a percent cell whose percentage is past any float (1e307 in a ``0%`` cell
shows 1E+309%): the warnings quoting that percentage said ``inf%`` and told the user to
"type the number itself (inf)" (until 2026-12-07), as Confidence's error once failed on
it (``test_confidence``). Now the percentage is quoted from the number's digits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.lint import lint_team
from sheets_sync.domain.models import Period
from sheets_sync.domain.scales import hundredfold
from sheets_sync.domain.team import evaluate_team
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.conftest import write_team

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _said(
    tmp_path: Path, okr_rows: list[list[object]], kpi_rows: list[list[object]], cell: str
) -> list[str]:
    """Every finding of the team whose ``cell`` (``OKRs!J2``) is in the format ``0%``."""
    path = write_team(tmp_path / "sales.xlsx", okr_rows, kpi_rows)
    book = openpyxl.load_workbook(path)
    tab, ref = cell.split("!")
    book[tab][ref].number_format = "0%"
    book.save(path)
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    found = [*team.findings, *result.errors, *result.warnings, *lint_team(team, PERIOD)]
    return [str(f) for f in found]


def _kr(kr_id: str, target: float, weight: float) -> list[object]:
    return ["O1", "Grow", None, None, kr_id, "x", "Ann", "number", 0, target, 0.2, None, weight, 7]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2, "200"),
        (0.45, "45"),
        (1e307, "1e+309"),
        (-1e308, "-1e+310"),
        (1.7976931348623157e308, "1.79769e+310"),
    ],
)
def test_a_percentage_past_any_float_is_quoted_from_the_numbers_digits(
    value: float, shown: str
) -> None:
    assert hundredfold(value) == shown


def test_a_key_results_target_past_any_percentage_is_quoted_as_it_shows(
    tmp_path: Path,
) -> None:
    said = _said(tmp_path, [_kr("KR1", 1e308, 1), _kr("KR2", 0.5, 1)], [], "OKRs!J2")
    mine = [s for s in said if s.startswith("sales.xlsx!OKRs!J2: ")]
    assert mine and all("1e+310% (stored 1e+308)" in s for s in mine), mine
    assert not [s for s in said if "inf" in s], said


def test_a_weight_past_any_percentage_is_quoted_as_it_shows(tmp_path: Path) -> None:
    said = _said(tmp_path, [_kr("KR1", 0.5, 1e308), _kr("KR2", 0.5, 2)], [], "OKRs!M2")
    assert any("has weight 1e+310%" in s for s in said), said
    assert not [s for s in said if "inf" in s], said


@pytest.mark.parametrize(
    "kpi",
    [
        ["KPI-1", "Deals", "Ann", "leading", "monthly", "deals", "higher", 100, None, None],
        ["KPI-1", "Deals", "Ann", "leading", "monthly", "deals", "range", None, 40, 60],
    ],
)
def test_a_kpis_amber_threshold_past_any_percentage_is_quoted_as_it_shows(
    tmp_path: Path, kpi: list[object]
) -> None:
    """Nor is an example value past any float given (``-inf for 1e+310% below the target
    100``, until 2026-12-07)."""
    kpi = [*kpi, 1e308, 90, 80, dt.date(2026, 11, 20)]
    said = _said(tmp_path, [_kr("KR1", 0.5, 1), _kr("KR2", 0.5, 1)], [kpi], "KPIs!K2")
    assert any("1e+310%" in s for s in said if s.startswith("sales.xlsx!KPIs!K2")), said
    assert not [s for s in said if "inf" in s], said
