"""The company workbook as finance reads it, on two odd nights (``odd_nights.py``): every
Excel table read by pandas with both engines gives the schema's columns, in order, each of
one documented type; the tables are pivotable (one header row, no merged cells, valid
names, defined names on real ranges); LibreOffice reads the values written."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import re
import zipfile
from pathlib import Path
from typing import Literal

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.cell import range_boundaries

from sheets_sync.rollup import build_rollup, write_rollup_xlsx
from sheets_sync.rollup.schema import TAB_NAMES, TABLES, Kind
from tests.rollup.fixtures import context, runs
from tests.rollup.odd_nights import UNICODE_TEAM, write_nights
from tests.support.libreoffice import convert, needs_libreoffice

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
#: Excel table name -> schema table (the Alignment tab is a reading view, no table).
SCHEMA_OF = {
    "Teams": "summary",
    "CompanyObjectives": "company_objectives",
    "Objectives": "objectives",
    "KeyResults": "key_results",
    "KPIs": "kpis",
    "Findings": "findings",
}
Engine = Literal["openpyxl", "calamine"]
BLANKISH = {"", "None", "nan", "NaN", "<NA>", "NaT", "null"}


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_nights(tmp_path_factory.mktemp("odd"))


@functools.cache
def _tables(path: Path) -> dict[str, tuple[str, str]]:
    """Excel table name -> (tab, range); once per workbook (``read_table`` asks per table)."""
    book = openpyxl.load_workbook(path)
    return {name: (ws.title, ref) for ws in book.worksheets for name, ref in ws.tables.items()}


def read_table(path: Path, name: str, engine: Engine) -> pd.DataFrame:
    """One Excel table as ``pd.read_excel`` reads its range (header row and rows)."""
    tab, ref = _tables(path)[name]
    c0, r0, c1, r1 = (int(n) for n in range_boundaries(ref))
    frame: pd.DataFrame = pd.read_excel(
        path,
        sheet_name=tab,
        header=r0 - 1,
        nrows=r1 - r0,
        usecols=list(range(c0 - 1, c1)),
        engine=engine,
    )
    return frame


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
@pytest.mark.parametrize("night", [0, 1])
def test_every_table_reads_as_its_schema(
    nights: tuple[Path, Path], night: int, engine: Engine
) -> None:
    """No mixed types, no number or date stored as text, blanks as blanks."""
    path = nights[night]
    assert set(SCHEMA_OF) <= set(_tables(path))
    for name, table in SCHEMA_OF.items():
        frame = read_table(path, name, engine)
        assert list(frame.columns) == [c.name for c in TABLES[table]], name
        for col in TABLES[table]:
            series = frame[col.name]
            values = series.dropna().tolist()
            where = f"{name}.{col.name} ({engine})"
            if col.kind is Kind.TEXT:
                assert all(isinstance(v, str) for v in values), where
                assert not BLANKISH & {v.strip() for v in values}, where
            elif col.kind in (Kind.NUMBER, Kind.COUNT):
                assert series.isna().all() or pd.api.types.is_numeric_dtype(series), where
                assert not pd.api.types.is_bool_dtype(series), where
            elif col.kind in (Kind.DATE, Kind.DATETIME):
                assert series.isna().all() or pd.api.types.is_datetime64_any_dtype(series), where
            else:
                assert series.dtype == bool or not values, where


def test_the_odd_values_read_back(nights: tuple[Path, Path]) -> None:
    """Negative, zero, unicode and quarter-end values as they were given."""
    krs = read_table(nights[1], "KeyResults", "calamine")
    row = krs[krs["KR ID"] == "U-KR1"].iloc[0]
    assert (row["Team"], row["Start"], row["Target"], row["Current"]) == (UNICODE_TEAM, -10, 0, -5)
    assert krs.loc[krs["KR ID"] == "U-KR3", "Due date"].tolist() == [pd.Timestamp(2025, 9, 30)]
    kpis = read_table(nights[0], "KPIs", "calamine")
    assert kpis.loc[kpis["KPI ID"] == "NEG", "Actual"].tolist() == [-0.03]
    assert UNICODE_TEAM not in kpis["Team"].tolist()  # a team with no KPIs has no rows
    teams = read_table(nights[1], "Teams", "openpyxl")
    assert teams["Team"].tolist() == ["Sales", "Ops", "Finance", UNICODE_TEAM]
    assert teams["As of"].tolist()[0] == pd.Timestamp(2025, 9, 30)


def test_columns_and_row_order_are_stable_across_nights(nights: tuple[Path, Path]) -> None:
    """Same names and order both nights; the teams in the Summary's order on every tab,
    a stale team's rows included (Finance failed on the second night)."""
    for name in SCHEMA_OF:
        one, two = (read_table(p, name, "calamine") for p in nights)
        assert list(one.columns) == list(two.columns), name
    for night in nights:
        teams = read_table(night, "Teams", "calamine")["Team"].tolist()
        for name in ("Objectives", "KeyResults", "KPIs"):
            order = list(dict.fromkeys(read_table(night, name, "calamine")["Team"]))
            assert order == [t for t in teams if t in order], (night.name, name)


@pytest.mark.parametrize("night", [0, 1])
def test_pivotable(nights: tuple[Path, Path], night: int) -> None:
    """Each table one header row (the schema's names), its range all its rows; no merged
    cells, no formula cells; names Excel accepts; defined names on ranges of real tabs."""
    path = nights[night]
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        assert not ws.merged_cells.ranges, ws.title
    for name, (tab, ref) in _tables(path).items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,254}", name), name
        ws = book[tab]
        c0, r0, c1, r1 = range_boundaries(ref)
        header = [ws.cell(r0, c).value for c in range(c0, c1 + 1)]
        assert all(isinstance(h, str) and h for h in header), (name, header)
        assert len(set(header)) == len(header), name
        if name in SCHEMA_OF:
            assert header == [c.name for c in TABLES[SCHEMA_OF[name]]], name
        if tab != TAB_NAMES["summary"]:  # a long tab's table reaches its last row
            assert r1 == max(ws.max_row, r0 + 1), name
    align = book[TAB_NAMES["alignment"]]  # a clean range: one header row, its filter on all
    assert align.auto_filter.ref == f"A1:H{align.max_row}"
    assert all(isinstance(c.value, str) for c in align[1])
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not [n for n in sheets if re.search(rb"<f[ >]", z.read(n))]
    for ws in book.worksheets:
        for dn in ws.defined_names.values():
            for title, cells in dn.destinations:
                assert title in book.sheetnames, dn.name
                assert re.fullmatch(r"(\$[A-Z]+(\$\d+)?|\$\d+)(:(\$[A-Z]+(\$\d+)?|\$\d+))?", cells)


def _values(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-13, abs_tol=1e-15)
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return abs(a - b) < dt.timedelta(seconds=1)
    return a == b


@needs_libreoffice
@pytest.mark.slow
def test_libreoffice_reads_the_values_written(nights: tuple[Path, Path], tmp_path: Path) -> None:
    """The workbook holds no formula, so what LibreOffice computes is what was written:
    its resave of every data tab reads back the same values and types."""
    path = nights[1]
    again = convert(path, "xlsx", tmp_path / "lo")
    ours, theirs = openpyxl.load_workbook(path), openpyxl.load_workbook(again, data_only=True)
    for tab in {TAB_NAMES[t] for t in SCHEMA_OF.values()}:
        mine, lo = _values(ours[tab]), _values(theirs[tab])
        for r, (a_row, b_row) in enumerate(zip(mine, lo, strict=False), start=1):
            for c, (a, b) in enumerate(zip(a_row, b_row, strict=False), start=1):
                assert _same(a, b), (tab, r, c, a, b)


def _last_instant(tmp_path: Path, fraction: int) -> Path:
    """The company workbook of a night generated at 23:59:59 and ``fraction`` microseconds
    on the quarter's last day."""
    night = dt.date(2025, 9, 30)
    late = dt.datetime(2025, 9, 30, 23, 59, 59, fraction)
    rollup = build_rollup(runs(finance_fails=False, as_of=night), context(night, late))
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(rollup, path)
    return path


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_a_night_generated_at_the_last_instant_stays_in_its_day(
    tmp_path: Path, engine: Engine
) -> None:
    """Readers round a date-time cell to the millisecond: a night generated at
    23:59:59.9995 or later on the quarter's last day read back as 00:00 of the next
    quarter (Last successful read 2025-10-01, Generated at too) until 2026-12-06. The
    cells hold the whole second their format shows."""
    path = _last_instant(tmp_path, 999999)
    expected = pd.Timestamp(2025, 9, 30, 23, 59, 59)
    for name in ("Teams", "Objectives", "KeyResults", "KPIs"):
        read = read_table(path, name, engine)["Last successful read"].tolist()
        assert read and set(read) == {expected}, name
    cell = openpyxl.load_workbook(path)["Summary"]["B6"].value  # Generated at
    assert cell == expected


@needs_libreoffice
@pytest.mark.slow
def test_libreoffice_shows_the_last_second_in_its_day(tmp_path: Path) -> None:
    """LibreOffice rounds what a cell shows to its format's second: a night generated at
    23:59:59.7 on the quarter's last day showed Generated at (and each team's Last
    successful read) as 2025-10-01 00:00:00 until 2026-12-06."""
    path = _last_instant(tmp_path, 700000)
    shown = convert(path, "csv", tmp_path / "lo")  # the first tab, the Summary
    with shown.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    assert [r[1] for r in rows if r[0] == "Generated at"] == ["2025-09-30 23:59:59"]
    header = next(r for r in rows if r[0] == "Team")
    col = header.index("Last successful read")
    teams = rows[rows.index(header) + 1 :]
    assert [r[col] for r in teams if r[0] == "Sales"] == ["2025-09-30 23:59:59"]


def test_the_google_rollup_cuts_to_the_second_too() -> None:
    """The Google rollup's date-time cells hold what the workbook's do: until 2026-12-06
    23:59:59.7 went as it was, the next day's 00:00:00 to a reader that rounds (LibreOffice)."""
    from sheets_sync.backends.gsheets.rollup import cell

    late = cell(pd.Timestamp(2025, 9, 30, 23, 59, 59, 700000))["userEnteredValue"]
    whole = cell(pd.Timestamp(2025, 9, 30, 23, 59, 59))["userEnteredValue"]
    assert late == whole
