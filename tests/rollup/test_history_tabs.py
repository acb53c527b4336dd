"""The Trends and History tabs: xlsxwriter's titles and headers, bulk's data rows between."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from sheets_sync.rollup import FrameNights, History, Rollup, load_history, write_rollup_xlsx
from sheets_sync.rollup import history as history_module
from sheets_sync.rollup.nights import Night

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
DATES = pd.to_datetime(["2025-08-14", "2025-08-15"])


def _frames() -> FrameNights:
    kr = pd.DataFrame(
        {
            "date": DATES.repeat(3),
            "team": ["Sales", "Sales", "Ops"] * 2,
            "objective_id": ["S-O1", "S-O2", "O-O1"] * 2,
            "kr_id": ["S-KR1", "S-KR3", "O-KR1"] * 2,
            "description": ['=HYPERLINK("x")', "a & b", "plain"] * 2,
            "current": [1.0, 2.5, None, 3.0, 4.0, 5.0],
            "target": [10.0] * 6,
            "score": [0.1, 0.25, None, 0.3, 0.4, 0.5],
            "progress": [0.1] * 6,
            "expected": [0.5] * 6,
            "status": ["Off track"] * 6,
        }
    )
    kpi = pd.DataFrame(
        {
            "date": DATES.repeat(2),
            "team": ["Sales", "Ops"] * 2,
            "kpi_id": ["NPS", "Churn"] * 2,
            "name": ["Net promoter", "Churn <5%"] * 2,
            "actual": [40.0, 0.05, 42.0, None],
            "target": [45.0, 0.04] * 2,
            "status": ["Amber", "Red"] * 2,
            "variance": [-5.0, 0.01, -3.0, None],
        }
    )
    return FrameNights(kr, kpi)


def _history() -> History:
    nights = _frames()
    history = load_history(nights, 12, nights.identity())
    assert history is not None
    return history


@pytest.fixture(scope="module")
def history_xlsx(rollup: Rollup, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=_history()), path)
    return path


def _block(
    ws: openpyxl.worksheet.worksheet.Worksheet, title: str
) -> tuple[int, list[tuple[object, ...]]]:
    """Row of ``title`` and the data rows below its header, up to the first empty row."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == title)
    rows = []
    for row in ws.iter_rows(min_row=start + 2, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return start, rows


def test_trend_blocks_hold_the_pivots(history_xlsx: Path) -> None:
    ws = openpyxl.load_workbook(history_xlsx)["Trends"]
    history = _history()
    for title, frame, keys in (
        ("KPI trend (actual per night)", history.kpi_trend, 3),
        ("Objective burn-up (objective score per night)", history.objective_burnup, 2),
    ):
        start, rows = _block(ws, title)
        header = [c.value for c in ws[start + 1]][: keys + len(DATES) + 1]
        assert header[keys:] == ["2025-08-14", "2025-08-15", "Trend"]
        expected = [
            tuple(v if isinstance(v, str) else None if pd.isna(v) else v for v in rec)
            for rec in frame.itertuples(index=False, name=None)
        ]
        assert [row[: keys + len(DATES)] for row in rows] == expected, title
        cells = ws.iter_rows(min_row=start + 2, max_row=start + 1 + len(rows), min_col=keys + 1)
        numbers = [c for row in cells for c in row[: len(DATES)] if c.value is not None]
        assert numbers and all(c.number_format == "0.00" for c in numbers)
    _, kpis = _block(ws, "KPI trend (actual per night)")
    assert ("Ops", "Churn", "Churn <5%", 0.05, None) in [row[:5] for row in kpis]


def test_one_sparkline_per_trend_row(history_xlsx: Path) -> None:
    book = openpyxl.load_workbook(history_xlsx, read_only=True)
    index = book.sheetnames.index("Trends") + 1
    book.close()  # read-only: it holds the file open
    with zipfile.ZipFile(history_xlsx) as z:
        xml = z.read(f"xl/worksheets/sheet{index}.xml").decode()
    history = _history()
    assert xml.count("<x14:sparkline>") == len(history.kpi_trend) + len(history.objective_burnup)


def test_history_table_spans_krs_then_kpis(history_xlsx: Path) -> None:
    ws = openpyxl.load_workbook(history_xlsx)["History"]
    (table,) = ws.tables.values()
    assert table.ref == "A1:L11" and table.autoFilter.ref == "A1:L11"  # J11 before Weight
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["KR"] * 6 + ["KPI"] * 4
    assert rows[0][2:8] == ("Sales", "S-O1", "S-KR1", '=HYPERLINK("x")', 1, 10)
    assert rows[6][2:9] == ("Sales", None, "NPS", "Net promoter", 40, 45, None)
    assert rows[9][6] is None and rows[9][9] == "Red"
    assert ws["B2"].number_format == "yyyy-mm-dd" and ws["B2"].value == DATES[0]
    assert ws["I2"].number_format == "0.00"  # scores look as on the other tabs
    assert [c.value for c in ws[1]][9:] == ["Status", "Expected", "Weight"]
    assert rows[0][10:] == (0.5, None)  # frames without weights (history schema 1): blank
    assert rows[6][10:] == (None, None)  # KPIs have neither
    assert ws["K2"].number_format == "0.00"


def test_newest_nights_that_fit_are_kept_whole() -> None:
    history = _history()  # 5 rows a night: 3 KRs and 2 KPIs
    assert history.nights == (Night(DATES[0], 3, 2), Night(DATES[1], 3, 2))
    assert history.newest_that_fit(10) == (history.nights, [])
    assert history.newest_that_fit(9) == ((Night(DATES[1], 3, 2),), [DATES[0]])
    assert history.newest_that_fit(4) == ((), list(DATES))


def test_a_history_past_excels_last_row_keeps_the_newest_nights(
    rollup: Rollup,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No Excel sheet has rows past its 1,048,576th: the History tab shows the newest
    nights that fit, says so in the log, and the Trends tab shows them all."""
    monkeypatch.setattr(history_module, "EXCEL_ROWS", 10)  # a header and 9 rows: one night
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=_history()), path)
    book = openpyxl.load_workbook(path)
    rows = list(book["History"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5 and {r[1] for r in rows} == {DATES[1]}
    (table,) = book["History"].tables.values()
    assert table.ref == "A1:L6"  # J6 before Expected and Weight
    start, _ = _block(book["Trends"], "KPI trend (actual per night)")
    assert [c.value for c in book["Trends"][start + 1]][3:5] == ["2025-08-14", "2025-08-15"]
    assert caplog.messages == [
        "the History tab shows 1 of 2 nights: the rest (2025-08-14) would pass Excel's 10 "
        "rows; the Trends tab and the history store (history.sqlite) keep them all"
    ]


def _sheet_xml(path: Path, add: Callable[[Worksheet], None]) -> bytes:
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("KPI's trends")  # a name that must be quoted in references
    for r in range(1, 7):
        ws.write_row(r, 0, [r, r * 2, r * 3])
    add(ws)
    book.close()
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


def test_sparkline_column_writes_what_xlsxwriter_writes_from_lists(tmp_path: Path) -> None:
    """The lazily made references give the same sheet, byte for byte, as xlsxwriter
    given every row's references (what ``add_sparkline_column`` stands in for)."""
    rows = range(2, 8)

    def lists(ws: Worksheet) -> None:
        ws.add_sparkline(
            1,
            3,
            {
                "location": [f"D{r}" for r in rows],
                "range": [f"A{r}:C{r}" for r in rows],
                "markers": True,
            },
        )

    def lazy(ws: Worksheet) -> None:
        history_module.add_sparkline_column(ws, rows, 0, 2, {"markers": True})

    expected = _sheet_xml(tmp_path / "lists.xlsx", lists)
    assert expected.count(b"<x14:sparkline>") == len(rows)
    assert b"<xm:f>'KPI''s trends'!A7:C7</xm:f><xm:sqref>D7</xm:sqref>" in expected
    assert _sheet_xml(tmp_path / "lazy.xlsx", lazy) == expected


def test_sparkline_column_gives_the_lists_to_a_group_laid_out_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An xlsxwriter that keeps a group another way is given every row's references."""
    rows = range(2, 8)

    def plain(ws: Worksheet) -> None:
        history_module.add_sparkline_column(ws, rows, 0, 2, {"markers": True})

    expected = _sheet_xml(tmp_path / "plain.xlsx", plain)
    add = Worksheet.add_sparkline
    calls: list[int] = []

    def as_tuples(self: Worksheet, row: int, col: int, options: dict[str, object]) -> int:
        calls.append(row)
        done: int = add(self, row, col, options)
        group = self.sparklines[-1]
        group["locations"], group["ranges"] = tuple(group["locations"]), tuple(group["ranges"])
        return done

    monkeypatch.setattr(Worksheet, "add_sparkline", as_tuples)
    assert _sheet_xml(tmp_path / "other.xlsx", plain) == expected
    assert calls == [1, 1]  # the first row's, dropped, then every row's


def test_a_refused_sparkline_column_leaves_the_tab_without_one(tmp_path: Path) -> None:
    def beyond(ws: Worksheet) -> None:  # xlsxwriter refuses a cell past the last column
        history_module.add_sparkline_column(ws, range(2, 4), 16_380, 16_383, {})

    xml = _sheet_xml(tmp_path / "refused.xlsx", beyond)
    assert b"sparkline" not in xml


def test_row_refs_are_a_sequence() -> None:
    refs = history_module.RowRefs("B{0}", range(3, 6))
    assert list(refs) == ["B3", "B4", "B5"] and len(refs) == 3
    assert refs[-1] == "B5" and refs[1:] == ["B4", "B5"]
    with pytest.raises(IndexError):
        refs[3]
