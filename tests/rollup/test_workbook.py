"""The company workbook as finance and leadership open it (openpyxl, pandas, LibreOffice)."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sheets_sync.domain.models import (
    CompanyObjective,
    KeyResult,
    KRType,
    Objective,
    Origin,
    Period,
    TeamInput,
)
from sheets_sync.domain.team import evaluate_team
from sheets_sync.rollup import Rollup, build_rollup, write_rollup_xlsx
from sheets_sync.rollup.schema import SCHEMA_VERSION, TABLES, columns
from sheets_sync.rollup.styles import unit_format
from sheets_sync.rollup.workbook import ALIGNMENT_TAB, SUMMARY_HEADER_ROW
from sheets_sync.sync.outcome import Outcome, RunContext, TeamRun
from tests.rollup.fixtures import AS_OF, COMPANY, HOSTILE, PERIOD, context, runs
from tests.support.libreoffice import convert, needs_libreoffice

LONG_TABS = {"Objectives": "objectives", "Key results": "key_results", "KPIs": "kpis"}


@pytest.fixture(scope="module")
def book(rollup_xlsx: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(rollup_xlsx)


def test_tabs(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [
        "Summary",
        "Charts",
        "Objectives",
        "Key results",
        "KPIs",
        "Alignment",
        "Findings",
        "Data dictionary",
    ]


@pytest.mark.parametrize("tab", [*LONG_TABS, "Findings"])
def test_long_tabs_are_filtered_frozen_tables(book: openpyxl.Workbook, tab: str) -> None:
    ws = book[tab]
    (table,) = ws.tables.values()
    assert table.ref.startswith("A1:")
    assert [c.name for c in table.tableColumns] == columns(LONG_TABS.get(tab, "findings"))
    assert table.autoFilter is not None
    assert ws.freeze_panes == "B2"
    assert not ws.merged_cells.ranges


@pytest.mark.parametrize("tab", list(LONG_TABS))
def test_pandas_reads_back_schema_and_values(rollup_xlsx: Path, rollup: Rollup, tab: str) -> None:
    table = LONG_TABS[tab]
    back = pd.read_excel(rollup_xlsx, sheet_name=tab, engine="openpyxl")
    assert list(back.columns) == columns(table)
    original = rollup.tables[table]
    for col in TABLES[table]:
        if col.kind.value == "number":
            # xlsx has one number type: whole numbers come back int64, never text
            assert pd.api.types.is_numeric_dtype(back[col.name]), col.name
            pd.testing.assert_series_equal(
                back[col.name].astype("float64"), original[col.name], check_names=False
            )
        if col.kind.value in ("date", "datetime"):
            assert str(back[col.name].dtype).startswith("datetime64"), col.name


def test_pandas_reads_the_alignment_stale_flag_as_bool(rollup_xlsx: Path, rollup: Rollup) -> None:
    """Company rows (level 0) are not a team's data: FALSE, not blank, so the column reads
    back as bool (a blank read it as float: NaN, 0.0, 1.0)."""
    back = pd.read_excel(rollup_xlsx, sheet_name="Alignment", engine="openpyxl")
    stale = back["Stale data"]
    assert stale.dtype == bool
    assert stale.tolist() == rollup.alignment["Stale data"].tolist()
    assert stale.any() and not stale[back.index[rollup.alignment["Level"] == 0]].any()


def test_numbers_are_numbers_dates_are_dates(book: openpyxl.Workbook) -> None:
    ws = book["Key results"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("KR ID")].value == "S-KR1")
    cell = {h: c for h, c in zip(header, row, strict=True)}
    assert cell["Score"].data_type == "n" and cell["Score"].number_format == "0.00"
    assert cell["Progress"].number_format == "0%"
    assert cell["Target"].value == 200 and cell["Target"].number_format == '"$"#,##0.00'
    assert isinstance(cell["As of"].value, dt.datetime)
    assert cell["As of"].number_format == "yyyy-mm-dd"
    churn = next(r for r in book["KPIs"].iter_rows(min_row=2) if r[6].value == "Churn")
    kpi_header = [c.value for c in book["KPIs"][1]]
    assert churn[kpi_header.index("Actual")].number_format == "0.0%"


def test_hostile_text_lands_literally(book: openpyxl.Workbook, rollup_xlsx: Path) -> None:
    texts = {
        c.value
        for ws in (book["Key results"], book["Alignment"])
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "s"
    }
    assert set(HOSTILE) <= texts
    with zipfile.ZipFile(rollup_xlsx) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) for n in sheets)  # no formula anywhere


def test_summary_header_block_and_totals(book: openpyxl.Workbook, rollup: Rollup) -> None:
    ws = book["Summary"]
    meta = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 8)}
    assert meta["Company"] == "Acme" and meta["Period"] == "2025-Q3"
    assert meta["Schema version"] == SCHEMA_VERSION
    assert meta["As of"] == dt.datetime(2025, 8, 15)
    assert isinstance(meta["Generated at"], dt.datetime)
    header = SUMMARY_HEADER_ROW + 1
    assert [c.value for c in ws[header]][: len(columns("summary"))] == columns("summary")
    teams = [ws.cell(header + i, 1).value for i in range(1, 5)]
    assert teams == ["Sales", "Ops", "Finance", "Company total"]
    names = columns("summary")
    total = {n: ws.cell(header + 4, i + 1).value for i, n in enumerate(names)}
    assert total["Key results"] == 8
    assert total["Average objective score"] == pytest.approx(rollup.totals.iloc[0, 10])
    failed = {n: ws.cell(header + 3, i + 1).value for i, n in enumerate(names)}
    assert failed["Outcome"] == "failed" and failed["Error"] == "file is encrypted"
    assert failed["Stale data"] is True
    assert "CompanyObjectives" in ws.tables
    assert not ws.merged_cells.ranges


def test_status_and_score_colours(book: openpyxl.Workbook) -> None:
    fills = set()
    for ws in (book["Summary"], book["Key results"], book["KPIs"]):
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                fills.add(rule.dxf.fill.bgColor.rgb[-6:].upper())
    assert {"C6EFCE", "FFEB9C", "FFC7CE", "D9D9D9"} <= fills
    formulas = [
        f for cf in book["Summary"].conditional_formatting for r in cf.rules for f in r.formula
    ]
    assert any(">=0.7" in f for f in formulas) and any("<0.4" in f for f in formulas)


def test_charts_present(rollup_xlsx: Path) -> None:
    with zipfile.ZipFile(rollup_xlsx) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3
    score = next(c for c in charts if "Objective score by team" in c)
    assert "<c:barChart>" in score and "<c:lineChart>" in score  # bars + band lines
    mixes = [c for c in charts if "status mix" in c]
    assert len(mixes) == 2 and all('<c:grouping val="stacked"/>' in c for c in mixes)


def test_alignment_outline_levels(book: openpyxl.Workbook) -> None:
    ws = book["Alignment"]
    assert ws["A2"].value == "Grow profitably" and ws["A2"].font.b
    assert ws.row_dimensions[3].outline_level == 1 and ws["A3"].alignment.indent == 2
    assert ws.row_dimensions[4].outline_level == 2 and ws["A4"].alignment.indent == 4


def test_data_dictionary_lists_every_column(book: openpyxl.Workbook) -> None:
    ws = book["Data dictionary"]
    assert ws["B1"].value == SCHEMA_VERSION
    rows = {(r[0], r[2]) for r in ws.iter_rows(min_row=4, values_only=True)}
    expected = {(t, c.name) for t, spec in TABLES.items() for c in spec}
    assert rows == expected


def test_empty_run_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_rollup_xlsx(build_rollup([], context()), path)
    back = pd.read_excel(path, sheet_name="Key results", engine="openpyxl")
    assert list(back.columns) == columns("key_results")
    assert back.dropna(how="all").empty


def test_written_atomically_over_old_file(tmp_path: Path, rollup: Rollup) -> None:
    path = tmp_path / "company.xlsx"
    path.write_bytes(b"old")
    write_rollup_xlsx(rollup, path)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["company.xlsx"]  # no temp left behind


def test_previous_rollup_unreadable_is_not_fatal(tmp_path: Path) -> None:
    broken = tmp_path / "prev.xlsx"
    broken.write_bytes(b"not a zip")
    rollup = build_rollup(runs(finance_fails=True), context(), previous=broken)
    assert "Finance" in set(rollup.summary["Team"])
    assert "Finance" not in set(rollup.objectives["Team"])


def test_stale_twice_keeps_first_last_successful_read(tmp_path: Path, rollup_xlsx: Path) -> None:
    """Finance fails again the next night: its rows stay dated from the last good read."""
    ctx = context(dt.date(2025, 8, 16), dt.datetime(2025, 8, 16, 6, 30))
    again = build_rollup(runs(finance_fails=True), ctx, previous=rollup_xlsx)
    fin = again.key_results[again.key_results["Team"] == "Finance"]
    assert len(fin) == 2 and fin["Stale data"].all()
    assert set(fin["Last successful read"]) == {pd.Timestamp("2025-08-14 06:30")}
    summary = again.summary.set_index("Team")
    assert summary.at["Finance", "Last successful read"] == pd.Timestamp("2025-08-14 06:30")


def test_last_quarters_rows_are_not_carried_into_the_next(
    rollup_xlsx: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The first night of 2025-Q4, Finance's file cannot be read: its 2025-Q3 rows in
    last night's workbook are not its last good data for Q4. Carried, they counted in the
    Q4 totals and company objectives, under a Summary row that said 2025-Q4."""
    q4 = Period("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    ctx = RunContext("Acme", q4, dt.date(2025, 10, 1), dt.datetime(2025, 10, 1, 6, 30), COMPANY)
    with caplog.at_level("WARNING", logger="sheets_sync"):
        again = build_rollup(runs(finance_fails=True), ctx, previous=rollup_xlsx)
    for table in (again.objectives, again.key_results, again.kpis):
        assert "Finance" not in set(table["Team"]) and set(table["Period"]) == {"2025-Q4"}
    finance = again.summary.set_index("Team").loc["Finance"]
    assert finance["Outcome"] == "failed" and not finance["Stale data"]
    assert pd.isna(finance["Key results"])
    assert not again.company_objectives["Includes stale data"].any()
    assert any(
        r.getMessage().startswith("Finance: its last good data in the previous rollup")
        and "is of period 2025-Q3, not 2025-Q4" in r.getMessage()
        for r in caplog.records
    )
    same = build_rollup(runs(finance_fails=True), context(), previous=rollup_xlsx)
    assert same.key_results[same.key_results["Team"] == "Finance"]["Stale data"].all()


@needs_libreoffice
def test_libreoffice_converts_to_pdf(rollup_xlsx: Path, tmp_path: Path) -> None:
    pdf = convert(rollup_xlsx, "pdf", tmp_path)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000


@pytest.mark.parametrize("tab", [*LONG_TABS, "Findings"])
def test_long_tables_span_every_row(book: openpyxl.Workbook, rollup: Rollup, tab: str) -> None:
    """The table is added over two rows and widened (longtable.add_long_table): ref and filter
    must still cover the whole frame."""
    frame = rollup.tables[LONG_TABS.get(tab, "findings")]
    (table,) = book[tab].tables.values()
    last = f"{openpyxl.utils.get_column_letter(len(frame.columns))}{max(1, len(frame)) + 1}"
    assert table.ref == f"A1:{last}" and table.autoFilter.ref == table.ref


def test_alignment_rows_match_the_frame(book: openpyxl.Workbook, rollup: Rollup) -> None:
    """Rendered by bulk: every row's level, indent, boldness and values as the frame has."""
    ws, frame = book["Alignment"], rollup.alignment
    header = [c.value for c in ws[1]]
    assert header == [c for c in columns("alignment") if c in ALIGNMENT_TAB]
    assert ws.max_row == len(frame) + 1 and ws.auto_filter.ref == f"A1:H{len(frame) + 1}"
    assert ws.sheet_format.outlineLevelRow == frame["Level"].max()
    for r, rec in enumerate(frame.to_dict("records"), start=2):
        level = int(rec["Level"])
        assert (ws.row_dimensions[r].outline_level or 0) == level
        item = ws.cell(r, 1)
        assert item.value == rec["Item"] and item.alignment.indent == 2 * min(level, 2)
        assert bool(item.font.b) == (level == 0)
        for c, name in enumerate(header[1:], start=2):
            value = rec[name]
            cell = ws.cell(r, c)
            assert cell.value == (None if pd.isna(value) else value), (r, name)
            if name == "Score" and cell.value is not None:
                assert cell.number_format == "0.00" and cell.data_type == "n"
    formats = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert f"B2:B{len(frame) + 1}" in formats and f"C2:C{len(frame) + 1}" in formats


@needs_libreoffice
def test_libreoffice_keeps_the_alignment_outline(rollup_xlsx: Path, tmp_path: Path) -> None:
    """The Alignment rows come from bulk: LibreOffice reads their levels, indents, values."""
    back = openpyxl.load_workbook(convert(rollup_xlsx, "xlsx", tmp_path), data_only=True)
    ours = openpyxl.load_workbook(rollup_xlsx)["Alignment"]
    theirs = back["Alignment"]
    assert theirs.max_row == ours.max_row > 3
    for r in range(2, ours.max_row + 1):
        assert (theirs.row_dimensions[r].outline_level or 0) == (
            ours.row_dimensions[r].outline_level or 0
        ), r
        assert theirs.cell(r, 1).alignment.indent == ours.cell(r, 1).alignment.indent, r
        assert [c.value for c in theirs[r]] == [c.value for c in ours[r]], r
    assert theirs.auto_filter.ref == ours.auto_filter.ref


def test_a_failed_team_without_last_good_rows_is_logged(
    tmp_path: Path, rollup_xlsx: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Finance's rows cannot be carried when someone renamed the previous workbook's
    headers by hand: say so, and which team goes missing, instead of nothing."""
    book = openpyxl.load_workbook(rollup_xlsx)
    for tab in ("Objectives", "Key results", "KPIs"):
        book[tab]["A1"] = "Renamed"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    ctx = context(dt.date(2025, 8, 16), dt.datetime(2025, 8, 16, 6, 30))
    with caplog.at_level("WARNING", logger="sheets_sync"):
        again = build_rollup(runs(finance_fails=True), ctx, previous=edited)
    assert "Finance" not in set(again.key_results["Team"])
    messages = [r.getMessage() for r in caplog.records]
    for named in ("Objectives", '"Key results"', "KPIs"):  # as typed (not 'Key results')
        assert any(f"its tab {named} has no 'Team' column (edited by hand?" in m for m in messages)
    assert any(m.startswith("Finance: no last good data in the previous rollup") for m in messages)


def test_summary_numbers_read_back_exactly(tmp_path: Path) -> None:
    """xlsxwriter writes its numbers with ``%.16G``: an average objective score of
    (0.1 + 0.2) / 2 = 0.15000000000000002 came back 0.15 from the Summary, while the long
    tables and the Parquet export keep every digit."""
    src = "lab.xlsx"
    team = TeamInput(
        team="Lab",
        source=src,
        objectives=(
            Objective("L-O1", "One", origin=Origin(src, "OKRs", 2)),
            Objective("L-O2", "Two", origin=Origin(src, "OKRs", 3)),
        ),
        key_results=(
            KeyResult("L-O1", "L-KR1", "a", "Ann", KRType.NUMBER, 0.0, 10.0, 1.0),
            KeyResult("L-O2", "L-KR2", "b", "Ann", KRType.NUMBER, 0.0, 10.0, 2.0),
        ),
    )
    result = evaluate_team(team, period=PERIOD, as_of=AS_OF)
    weighed = (CompanyObjective("C1", "Grow", 0.15000000000000002),)
    ctx = replace(context(), company_objectives=weighed)
    rollup = build_rollup([TeamRun("Lab", src, Outcome.OK, result)], ctx)
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(rollup, path)
    ws = openpyxl.load_workbook(path)["Summary"]
    at = columns("summary").index("Average objective score") + 1
    team_row, total_row = SUMMARY_HEADER_ROW + 2, SUMMARY_HEADER_ROW + 3
    assert ws.cell(team_row, at).value == rollup.summary["Average objective score"].iloc[0]
    assert ws.cell(team_row, at).value == 0.15  # computed: the 15 digits Excel shows
    assert ws.cell(total_row, at).value == 0.15
    weights = [r[4] for r in ws.iter_rows(values_only=True) if "C1" in r]
    assert weights == [0.15000000000000002]  # typed: every digit, read back exactly


@pytest.mark.parametrize(
    ("unit", "number_format"),
    [("%", "0.0%"), (" Percent ", "0.0%"), ("per cent", "0.0%"), ("PCT", "0.0%"),
     ("percentage", "0.0%"), ("%age", "0.0%"), ("pp", "General"), ("bps", "General"),
     ("usd", '"$"#,##0.00'), (None, "General")],
)  # fmt: skip
def test_every_spelling_of_percent_is_shown_as_percent(
    unit: str | None, number_format: str
) -> None:
    """A row in ``percent`` holds fractions as a ``%`` row does (0.45 for 45%): it was
    shown General, 0.45 beside the 45.0 % of its neighbours in ``%``."""
    assert unit_format(unit) == number_format
