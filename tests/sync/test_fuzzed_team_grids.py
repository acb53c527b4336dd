"""Team sheets whose input cells hold anything, from the grid a backend reads to the
cells the sync would write: a tab-wide problem is a ``SheetsSyncError`` naming the file
and tab, anything else a finding naming the file, tab and cell; never another exception
(the team's "internal error ... please report it"), and no score, expected value or
variance the sync writes is NaN or infinite.

Excel and Google Sheets read into the same grid, so this covers both backends' values
past the read; ``tests/backends/excel/test_reader_error_codes.py`` and the Google cell
tests cover the reads.
"""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.errors import SheetsSyncError
from sheets_sync.grid import CellError, CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.sync.plan import plan_writes
from tests.domain.test_values_fuzz import ODD_TEXT, TYPED

PERIOD = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
MAPPING = load_mapping("standard")
SOURCE = "sales.xlsx"

WORDS = [
    *("higher", "Lower", "range", "HIGHER IS BETTER", "up", "↓", "weekly", "Monthly", "q"),
    *("number", "at_least", "at least", "milestone", "done", "x", "committed", "stretch"),
    *("O1", "o1", "O2", "KR1", "kr1", "KPI-1", "kpi-1", "Sales/KPI-1", "%", "pct", "bps"),
    *("Example", "n/a", "-", "tbd", "High", "7/10", "70%", "100%", "150%", "1e308"),
]
NUMBERS = st.one_of(
    st.floats(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0, 1, -0.0, 1e308, -1e308, 5e-324, 2.2250738585072014e-308, 0.5, 100]),
)
CELLS: st.SearchStrategy[CellValue] = st.one_of(
    st.none(),
    NUMBERS,
    NUMBERS,
    st.booleans(),
    st.sampled_from(WORDS),
    st.sampled_from(ODD_TEXT[:-4]),  # not the 5,000-digit ones: slow to shrink
    TYPED,
    st.datetimes(min_value=dt.datetime(1899, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#SPILL!", "#CALC!", "Loading..."]).map(CellError),
)


def _rows(
    fields: tuple[tuple[str, str], ...], rows: list[list[CellValue]]
) -> list[tuple[CellValue, ...]]:
    width = len(fields)
    return [tuple(h for _, h in fields), *(tuple((r + [None] * width)[:width]) for r in rows)]


def _row(fields: tuple[tuple[str, str], ...]) -> st.SearchStrategy[list[CellValue]]:
    return st.lists(CELLS, min_size=len(fields), max_size=len(fields))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    okrs=st.lists(_row(OKR_FIELDS), max_size=6),
    kpis=st.lists(_row(KPI_FIELDS), max_size=4),
    plausible=st.booleans(),
)
def test_any_team_grid_gives_findings_on_cells_and_finite_writes(
    okrs: list[list[CellValue]], kpis: list[list[CellValue]], plausible: bool
) -> None:
    if plausible:  # ids, types and a start and target that score, so the odd cells count
        for i, row in enumerate(okrs):
            row[0], row[4], row[7], row[8], row[9] = "O1", f"KR{i}", "number", 0, 100
        for i, row in enumerate(kpis):
            row[0], row[6], row[7] = f"KPI-{i}", "higher", 10
    sheets = {
        "OKRs": SheetGrid("OKRs", tuple(_rows(OKR_FIELDS, okrs))),
        "KPIs": SheetGrid("KPIs", tuple(_rows(KPI_FIELDS, kpis))),
    }
    data = WorkbookData(SOURCE, ("OKRs", "KPIs"), sheets)
    try:
        parsed = extract(data, MAPPING)
    except SheetsSyncError as exc:
        assert str(exc).startswith(f"{SOURCE}!"), exc
        return
    result = evaluate_team(build_team_input("Sales", parsed), period=PERIOD, as_of=PERIOD.end)
    for finding in result.findings:
        assert finding.source == SOURCE and finding.tab in ("OKRs", "KPIs", None), finding
        if finding.is_error:
            assert finding.tab and finding.cell, finding
            assert str(finding).startswith(f"{SOURCE}!{finding.tab}!{finding.cell}: ")
    for write in plan_writes(result, parsed):
        if isinstance(write.value, float):
            assert math.isfinite(write.value), write
