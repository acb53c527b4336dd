"""Cells as finance reads them: whole numbers as integers, team names with a comma."""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq

from sheets_sync.rollup import TABLES, Rollup, build_rollup, export_tables
from sheets_sync.rollup.cellxml import number_text
from sheets_sync.rollup.schema import dtypes
from sheets_sync.rollup.tables import _team_list
from tests.rollup.fixtures import context, runs


def test_number_text_integral_without_point() -> None:
    assert [number_text(v) for v in (2.0, 0.0, -3.0, 45884.0)] == ["2", "0", "-3", "45884"]
    assert number_text(0.15000000000000002) == "0.15000000000000002"
    assert number_text(2.0**53) == repr(2.0**53)  # past 2**53 a double is no exact int
    assert float(number_text(1e15)) == 1e15


def test_workbook_counts_are_integral(rollup_xlsx: Path) -> None:
    """docs/rollup.md: counts are integers, format ``0``. A cell of ``2.0`` read as 2 all
    the same, but other readers of the XML (and diffs of it) saw a float."""
    with zipfile.ZipFile(rollup_xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        floats = {n: re.findall(r"<v>-?\d+\.0</v>", z.read(n).decode()) for n in sheets}
    assert {n: f for n, f in floats.items() if f} == {}
    book = openpyxl.load_workbook(rollup_xlsx)
    summary = book["Summary"]
    header = [c.value for c in summary[9]]
    counts = summary.cell(10, header.index("Key results") + 1)
    assert counts.value == 4 and isinstance(counts.value, int)


def test_a_team_name_with_a_comma_is_quoted_in_teams() -> None:
    """``Sales, EMEA`` and ``Ops`` were listed ``Sales, EMEA, Ops``: three teams to any
    split. A CSV-aware split gets the names back; plain names are listed as before."""
    names = ["Sales, EMEA", "Ops", '"Quoted" team', 'Say "hi", all', "Finance"]
    runs_ = [replace(r, team=n) for r, n in zip(runs(finance_fails=False) * 2, names, strict=False)]
    frame = build_rollup(runs_, context()).company_objectives
    teams = str(frame.set_index("Company objective ID").loc["C1", "Teams"])
    assert teams == '"Sales, EMEA", Ops, """Quoted"" team", "Say ""hi"", all", Finance'
    assert next(csv.reader([teams], skipinitialspace=True)) == names
    assert _team_list(["Sales", "Ops"]) == "Sales, Ops"  # no comma: as it always was


def test_export_counts_are_integers_as_documented(rollup: Rollup, tmp_path: Path) -> None:
    """docs/rollup.md: counts are ``Int64``; the CSV holds ``2``, Parquet int64."""
    export_tables(rollup, tmp_path, "csv")
    export_tables(rollup, tmp_path, "parquet")
    for table in TABLES:
        counts = [c for c, t in dtypes(table).items() if t == "Int64"]
        with open(tmp_path / f"{table}.csv", encoding="utf-8-sig", newline="") as handle:
            cells = [r[c] for r in csv.DictReader(handle) for c in counts]
        assert all(re.fullmatch(r"-?\d*", v) for v in cells), table
        schema = pq.read_schema(tmp_path / f"{table}.parquet")
        assert {str(schema.field(c).type) for c in counts} <= {"int64"}, table


#: the numbers the rollup computes (ratios, means): not what a team typed
COMPUTED = {
    "summary": ["Average objective score", "Net confidence"],
    "objectives": ["Score", "Expected"],
    "key_results": ["Progress", "Score", "Expected"],
    "kpis": ["Variance %"],
    "company_objectives": ["Score"],
    "alignment": ["Score"],
}


def _noisy(values: list[object]) -> list[float]:
    """Numbers with more significant digits than the 15 Excel shows."""
    return [v for v in values if isinstance(v, float) and float(f"{v:.15g}") != v]


def test_computed_numbers_hold_the_15_digits_excel_shows(rollup: Rollup, rollup_xlsx: Path) -> None:
    """docs/rollup.md: a score, mean or ratio the rollup computes holds at most the 15
    significant digits Excel shows, in every table, the workbook and the export alike, as
    the team sheets' Score cells do. Until 2026-12-07 the fixture's Expected was
    0.4945054945054945 and a pivot of Key results' Score against 0.6 missed
    0.6000000000000001; pandas read the noise from the workbook."""
    tables = dict(rollup.tables, totals=rollup.totals)
    for table, columns in COMPUTED.items():
        for column in columns:
            frames = [tables[table]] + ([tables["totals"]] if table == "summary" else [])
            for frame in frames:
                assert _noisy(frame[column].dropna().tolist()) == [], (table, column)
    assert rollup.key_results["Expected"].dropna().iloc[0] == 0.494505494505495
    tabs = pd.read_excel(rollup_xlsx, ["Objectives", "Key results", "KPIs"], engine="openpyxl")
    read = {"Objectives": "objectives", "Key results": "key_results", "KPIs": "kpis"}
    for tab, table in read.items():
        for column in COMPUTED[table]:
            assert _noisy(tabs[tab][column].dropna().tolist()) == [], (tab, column)
