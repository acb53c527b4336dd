"""IDs typed as numbers in a zero-padding format (``000``): Excel shows 1 as ``001``, and
the team names it so (a KPI link typed as text, the rollup Finance reads). Before
2026-12-05 they were read as ``1``, and a KPI link typed ``007`` did not match."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import Period, TeamInput
from sheets_sync.domain.team import evaluate_team
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.conftest import KPI_ROWS, write_team
from tests.support.libreoffice import convert, needs_libreoffice

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _book(path: Path) -> Path:
    okr = [1, "Grow", None, None, 2, "Pipeline", "Ann", "number", 0, 5, 3]
    okr += [None, 1, 7, None, "007"]  # KPI link typed as text, as the team sees the ID
    kpi = [7, *KPI_ROWS[0][1:]]
    write_team(path, [okr], [kpi])
    wb = openpyxl.load_workbook(path)
    wb["OKRs"]["A2"].number_format = "000"
    wb["OKRs"]["E2"].number_format = "00"
    wb["OKRs"]["J2"].number_format = "000"  # a Target: a number, padded or not
    wb["KPIs"]["A2"].number_format = "000"
    wb.save(path)
    return path


def _read(path: Path) -> TeamInput:
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    return build_team_input("Sales", extract(data, load_mapping("standard")))


def _check(team: TeamInput) -> None:
    read = [(k.objective_id, k.id, k.target, k.kpi_link) for k in team.key_results]
    assert read == [("001", "02", 5, "007")]
    assert [k.id for k in team.kpis] == ["007"]
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    assert not result.errors, [str(f) for f in result.errors]


def test_an_id_in_a_zero_padding_format_is_read_as_shown(tmp_path: Path) -> None:
    _check(_read(_book(tmp_path / "sales.xlsx")))


@needs_libreoffice
def test_an_id_in_a_zero_padding_format_after_libreoffice_saves_it(tmp_path: Path) -> None:
    saved = convert(_book(tmp_path / "in" / "sales.xlsx"), "xlsx", tmp_path / "out")
    _check(_read(saved))
