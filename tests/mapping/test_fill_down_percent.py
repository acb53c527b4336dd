"""A value of a percent-checked field (``extract.PERCENT_CHECKED``) filled down into the
blank cell below shows a percentage as the cell it came from does: until 2026-12-07 the
blank cell's own format decided, so a target of 40% copied down was a plain 0.4 on the
rows below (lint's percent checks silent there), and a blank cell in a percent format
made a plain number copied into it a percentage. Confidence was judged so already
(``RowRecord.percent_confidence``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.lint import lint_team
from sheets_sync.domain.models import Period, TeamInput
from sheets_sync.mapping.extract import PERCENT_CHECKED, extract
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.conftest import write_team

OKR_COLUMN = {f: openpyxl.utils.get_column_letter(i) for i, (f, _) in enumerate(OKR_FIELDS, 1)}
PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
KPI_COLUMN = {f: openpyxl.utils.get_column_letter(i) for i, (f, _) in enumerate(KPI_FIELDS, 1)}


def _kr(kr_id: str) -> list[object]:
    return ["O1", "Grow", None, None, kr_id, "x", "Ann", "number", 0, 0.5, 0.2, None, 1, 7]


def _kpi(kpi_id: str) -> list[object]:
    head = [kpi_id, "Conv", "Ann", "leading", "monthly", "%", "higher"]
    return [*head, 0.05, 0.01, 0.09, 0.01, 0.048, 0.04, dt.date(2026, 11, 20)]


def _read(tmp_path: Path, tab: str, field: str, value: object, percent_row: int) -> TeamInput:
    """A tab of two rows whose ``field`` is ``value`` on the first and blank on the second,
    filled down (``fill_down``), the cell of row ``percent_row`` (2 the typed one, 3 the
    blank one) in the format ``0%``."""
    okr_rows, kpi_rows = [_kr("KR1"), _kr("KR2")], [_kpi("KPI-1"), _kpi("KPI-2")]
    rows, column = (okr_rows, OKR_COLUMN) if tab == "OKRs" else (kpi_rows, KPI_COLUMN)
    at = list(column).index(field)
    rows[0][at], rows[1][at] = value, None
    path = write_team(tmp_path / "sales.xlsx", okr_rows, kpi_rows)
    book = openpyxl.load_workbook(path)
    book[tab][f"{column[field]}{percent_row}"].number_format = "0%"
    book.save(path)
    return read_filled_down(path, "okrs" if tab == "OKRs" else "kpis", field)


def read_filled_down(path: Path, which: str, field: str) -> TeamInput:
    """The team workbook at ``path`` (``sales.xlsx``, team Sales) as the standard mapping
    reads it with ``field`` filled down too on its ``which`` tab (``okrs``, ``kpis``)."""
    mapping = load_mapping("standard")
    spec = getattr(mapping, which)
    spec = spec.model_copy(update={"fill_down": (*spec.fill_down, field)})
    mapping = mapping.model_copy(update={which: spec})
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    return build_team_input("Sales", extract(data, mapping))


@pytest.mark.parametrize("field", PERCENT_CHECKED["kr"])
def test_a_key_results_value_filled_from_a_percent_cell_shows_a_percentage(
    tmp_path: Path, field: str
) -> None:
    team = _read(tmp_path, "OKRs", field, 0.4, percent_row=2)
    assert [getattr(k, field) for k in team.key_results] == [0.4, 0.4]
    assert [field in k.shown_as_percent for k in team.key_results] == [True, True]


@pytest.mark.parametrize("field", PERCENT_CHECKED["kr"])
def test_a_plain_value_filled_into_a_blank_percent_cell_shows_none(
    tmp_path: Path, field: str
) -> None:
    team = _read(tmp_path, "OKRs", field, 0.4, percent_row=3)
    assert [field in k.shown_as_percent for k in team.key_results] == [False, False]


@pytest.mark.parametrize("field", PERCENT_CHECKED["kpi"])
@pytest.mark.parametrize("percent_row", [2, 3])
def test_a_kpis_value_filled_down_shows_a_percentage_as_its_cell_does(
    tmp_path: Path, field: str, percent_row: int
) -> None:
    team = _read(tmp_path, "KPIs", field, 0.04, percent_row=percent_row)
    shown = [field in k.shown_as_percent for k in team.kpis]
    assert shown == [percent_row == 2] * 2, (field, percent_row)


def test_a_warning_of_a_value_filled_down_names_the_cell_it_came_from(tmp_path: Path) -> None:
    """A 1e308 Target in J2 (a ``0%`` cell) filled into the blank J3 is warned of on both
    rows: J3's warning named only the blank cell (until 2026-12-07), with nothing there
    to fix; it says where the value is."""
    team = _read(tmp_path, "OKRs", "target", 1e308, percent_row=2)
    said = [str(f) for f in lint_team(team, PERIOD) if "1e+310%" in f.message]
    assert len(said) == 2, said
    assert said[0].startswith("sales.xlsx!OKRs!J2: ") and "filled down" not in said[0]
    assert said[1].startswith("sales.xlsx!OKRs!J3: ")
    assert said[1].endswith(" (filled down from J2)"), said[1]


@pytest.mark.parametrize("hidden", [False, True])
def test_a_typed_100_percent_confidence_merged_from_a_hidden_row_reads_100_percent(
    tmp_path: Path, hidden: bool
) -> None:
    """Confidence merged over rows 2-3, its top-left a typed 100% (1 in a ``0%`` cell),
    filled down: with row 2 hidden, row 3 takes the merge's value, the raw 1, which read
    1 of 10 (0.1; until 2026-12-07: the row's own cell was judged before the fill). Now
    by the cell it came from, as with row 2 shown."""
    rows = [_kr("KR1"), _kr("KR2")]
    at = list(OKR_COLUMN).index("confidence")
    rows[0][at], rows[1][at] = 1, None
    path = write_team(tmp_path / "sales.xlsx", rows)
    book = openpyxl.load_workbook(path)
    sheet, column = book["OKRs"], OKR_COLUMN["confidence"]
    sheet[f"{column}2"].number_format = "0%"
    sheet.merge_cells(f"{column}2:{column}3")
    sheet.row_dimensions[2].hidden = hidden
    book.save(path)
    team = read_filled_down(path, "okrs", "confidence")
    read = [(k.id, k.confidence) for k in team.key_results]
    assert read == ([("KR2", 1.0)] if hidden else [("KR1", 1.0), ("KR2", 1.0)])
