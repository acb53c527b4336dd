"""The company workbook as people print and read it: no ``###`` for a date, headers that
say what a chart's axes are."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from sheets_sync.domain.scoring import band
from sheets_sync.rollup import FrameNights, Rollup, load_history, write_rollup_xlsx
from sheets_sync.rollup.charts import BAND_COLOURS, LABEL_CHARS, chart_labels
from tests.rollup.test_history_tabs import _frames, _history
from tests.support.libreoffice import convert, needs_libreoffice

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")

#: Characters each date format shows (Excel and LibreOffice print ``###`` when narrower).
SHOWN = {"yyyy-mm-dd": 10, "yyyy-mm-dd hh:mm": 16, "yyyy-mm-dd hh:mm:ss": 19}
DEFAULT_WIDTH = 8.43  # Excel's width of a column no width was set for


@pytest.fixture(scope="module")
def book(rollup_xlsx: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(rollup_xlsx)


def _width(ws: Worksheet, col: int) -> float:
    """openpyxl keeps a run of equal columns under its first letter (``min``..``max``)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.max is not None and dim.min <= col <= dim.max:
            return float(dim.width) if dim.width else DEFAULT_WIDTH
    return DEFAULT_WIDTH


def _too_narrow(ws: Worksheet) -> list[str]:
    """Date cells whose column is narrower than the text their format shows."""
    return [
        f"{cell.coordinate} {cell.number_format} in {_width(ws, cell.column):g}"
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, dt.datetime | dt.date)
        and _width(ws, cell.column) < SHOWN.get(cell.number_format, 10)
    ]


def test_summary_dates_fit_their_columns(book: openpyxl.Workbook) -> None:
    """The company objectives table under the teams shares their columns; its widths were
    set last and shrank the teams' (``Last successful read`` in 8.7 and ``Generated at``
    in 11.7 printed ``###``)."""
    assert _too_narrow(book["Summary"]) == []


@pytest.fixture(scope="module")
def history_book(rollup: Rollup, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("printed") / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=_history()), path)
    return path


def test_history_and_trends_dates_fit_their_columns(history_book: Path) -> None:
    """The History tab's Date column had Excel's default width and showed ``###``; the
    Trends pivots' night columns cut their dates (``2026-11-2``)."""
    book = openpyxl.load_workbook(history_book)
    assert _too_narrow(book["History"]) == []
    trends = book["Trends"]
    cells = [c for row in trends.iter_rows() for c in row]
    nights = [c for c in cells if isinstance(c.value, str) and _is_day(c.value)]
    assert nights and [c.coordinate for c in nights if _width(trends, c.column) < 10] == []


def _is_day(text: str) -> bool:
    return len(text) == 10 and text[4] == text[7] == "-"


def _charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/")]


def test_every_chart_axis_has_a_title(history_book: Path) -> None:
    """Titled charts whose axes said nothing: which is the team, which the count."""
    charts = _charts(history_book)
    assert len(charts) == 4  # score by team, KR mix, KPI mix, burn-up
    for xml in charts:
        axes = re.findall(r"<c:(?:valAx|catAx|dateAx)>.*?</c:(?:valAx|catAx|dateAx)>", xml, re.S)
        shown = [a for a in axes if '<c:delete val="1"/>' not in a]
        assert shown and all("<c:title>" in a for a in shown), xml[:200]


def test_burn_up_nights_are_dates_not_serial_numbers(history_book: Path) -> None:
    """LibreOffice drew the burn-up's nights as 45883, 45884: the axis was a category
    axis over date cells, with no date format of its own."""
    (burn_up,) = [xml for xml in _charts(history_book) if "Company burn-up" in xml]
    axis = re.search(r"<c:dateAx>.*?</c:dateAx>", burn_up, re.S)
    assert axis is not None and 'formatCode="yyyy-mm-dd"' in axis.group(0)


@pytest.mark.parametrize(
    ("tab", "header", "columns"),
    [
        ("Summary", 9, "$A:$A"),
        ("Objectives", 1, "$A:$A"),
        ("Key results", 1, "$A:$A"),
        ("KPIs", 1, "$A:$A"),
        ("Findings", 1, "$A:$A"),
        ("History", 1, "$A:$C"),  # Kind, Date, Team: column A alone said only "KR"
    ],
)
def test_every_printed_page_shows_the_header_and_the_team(
    history_book: Path, tab: str, header: int, columns: str
) -> None:
    """The Summary printed 8 pages across; pages 2 to 8 held numbers with no team name
    and no header. Each wide tab repeats its header row and the columns through the
    team's, landscape."""
    ws = openpyxl.load_workbook(history_book)[tab]
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.print_title_cols == columns
    assert ws.page_setup.orientation == "landscape"


def test_kpi_trend_shows_each_kpi_in_its_units_format(rollup: Rollup, tmp_path: Path) -> None:
    """Every KPI's trend was ``0.00``: Sales' churn of 3.25 % (0.0325, as Excel keeps a
    percent) showed 0.03. A KPI shows as the KPIs tab shows its unit; one not on it
    tonight (Ops' old KPI) as before."""
    day = pd.Timestamp("2025-08-15")
    kpi = pd.DataFrame(
        {
            "date": [day] * 3,
            "team": ["Sales", "Sales", "Ops"],
            "kpi_id": ["Churn", "NPS", "Gone"],
            "name": ["Churn", "Net promoter", "Retired KPI"],
            "actual": [0.0325, 40.0, 7.0],
            "target": [0.03, 45.0, 5.0],
            "status": ["Red", "Amber", "Red"],
            "variance": [0.0025, -5.0, 2.0],
        }
    )
    kr = _frames().kr.iloc[:0]
    nights = FrameNights(kr, kpi)
    history = load_history(nights, 12, nights.identity())
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
    ws = openpyxl.load_workbook(path)["Trends"]
    shown = {
        (row[0].value, row[1].value): (row[3].value, row[3].number_format)
        for row in ws.iter_rows()
        if row[1].value in {"Churn", "NPS", "Gone"}
    }
    assert shown == {
        ("Sales", "Churn"): (0.0325, "0.0%"),
        ("Sales", "NPS"): (40, "0.00"),
        ("Ops", "Gone"): (7, "0.00"),
    }


@pytest.mark.parametrize(
    ("tab", "header"), [("Alignment", 1), ("Data dictionary", 3), ("Charts", None)]
)
def test_reading_tabs_print_one_page_wide(history_book: Path, tab: str, header: int | None) -> None:
    """Alignment's Item column is 70 wide: repeated on each page, it left room for one
    more column a page. The Data dictionary printed its Meaning column on pages of its
    own, without the column names. The page edges cut every chart of the Charts tab in
    two or more. Each prints one page wide, with its header on each page."""
    ws = openpyxl.load_workbook(history_book)[tab]
    titles = None if header is None else f"${header}:${header}"
    assert ws.print_title_rows == titles and ws.print_title_cols is None
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # 1: default


def _band_symbols(path: Path) -> list[str]:
    """The marker symbols of the score chart's line series (the band lines)."""
    score = next(c for c in _charts(path) if "Objective score by team" in c)
    lines = re.findall(r"<c:lineChart>.*?</c:lineChart>", score, re.S)
    return re.findall(r'<c:symbol val="(\w+)"/>', "".join(lines))


def test_one_teams_chart_shows_its_band_lines(rollup: Rollup, tmp_path: Path) -> None:
    """A band line of one point draws nothing: a single team's score chart named the
    yellow and green bands in its legend and showed neither (LibreOffice, Excel). There
    each band is a dash across the column; with more teams a dashed line, as before."""
    one = tmp_path / "one.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, summary=rollup.summary.iloc[:1]), one)
    assert _band_symbols(one) == ["dash", "dash"]
    many = tmp_path / "many.xlsx"
    write_rollup_xlsx(rollup, many)
    assert len(rollup.summary) > 1 and _band_symbols(many) == ["none", "none"]


def test_charts_data_block_headers_fit(book: openpyxl.Workbook) -> None:
    """``Average objective score`` (23 characters) was cut to ``Average objec`` at 12."""
    ws = book["Charts"]
    assert [
        c.value for c in ws[1] if isinstance(c.value, str) and _width(ws, c.column) < len(c.value)
    ] == []


def test_a_long_team_name_is_cut_on_the_charts_only(rollup: Rollup, tmp_path: Path) -> None:
    """A 200-character team name was each chart's category label in full: the score
    chart's plot shrank to a sliver under it and the status mixes lost half their width
    and the other teams' labels (LibreOffice's PDF). The charts label a team with its
    first 40 characters; the Summary keeps the name whole."""
    name = "Ventes, EMEA — 販売 🚀 " + "Très long nom d’équipe " * 8
    summary = rollup.summary.copy()
    summary.loc[0, "Team"] = name
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, summary=summary), path)
    book = openpyxl.load_workbook(path)
    labels = [c.value for c in book["Charts"]["A"][1 : len(summary) + 1]]
    assert labels[0] == "Ventes, EMEA — 販売 🚀 Très long nom d’équ…" and len(labels[0]) == 40
    assert labels[1:] == summary["Team"].tolist()[1:]
    assert book["Summary"]["A10"].value == name
    n = len(summary)
    for xml in _charts(path):
        cats = re.findall(r"<c:cat>.*?<c:f>(.*?)</c:f>", xml, re.S)
        assert cats and set(cats) == {f"Charts!$A$2:$A${n + 1}"}, xml[:200]


def test_burn_up_chart_sits_under_its_rows(history_book: Path) -> None:
    """At F1 the burn-up chart crossed the printed page's edge, portrait or landscape
    (its plot cut in two, its legend in three). It sits under its rows now, from column
    A, above the KPI trend, and the tab prints landscape as the other wide tabs."""
    ws = openpyxl.load_workbook(history_book)["Trends"]
    (chart,) = ws._charts
    start, end = chart.anchor._from, chart.anchor.to
    burn_up_last = max(c.row for c in ws["A"] if isinstance(c.value, dt.datetime))  # 1-based
    kpi_title = next(c.row for c in ws["A"] if c.value == "KPI trend (actual per night)")
    assert (start.col, start.row) == (0, burn_up_last) and end.col <= 4  # 480 px: A:D
    assert end.row < kpi_title - 1
    assert ws.page_setup.orientation == "landscape"


@needs_libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_libreoffice_prints_the_burn_up_chart_whole(history_book: Path, tmp_path: Path) -> None:
    """The page with the chart's axis title holds its whole legend (it held ``Mean sc``
    and ``Mean ex``), besides the burn-up's own header of the same words."""
    pdf = convert(history_book, "pdf", tmp_path, timeout=120)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    (page,) = [p for p in pages if "Mean KR score" in p]
    assert page.count("Mean expected") == 2 and page.count("Mean score") == 2


def test_alignment_team_names_fit(rollup: Rollup, tmp_path: Path) -> None:
    """The Alignment tab's columns were 14 wide whatever they held: the demo's
    ``Customer Success`` printed as ``Customer Succes`` against its objective id. They fit
    their header and first 200 values, as the tables' columns do (at least 14)."""
    alignment = rollup.alignment.copy()
    alignment["Team"] = alignment["Team"].where(alignment["Team"].isna(), "Customer Success")
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, alignment=alignment), path)
    ws = openpyxl.load_workbook(path)["Alignment"]
    header = [c.value for c in ws[1]]
    team = header.index("Team") + 1
    assert _width(ws, team) >= len("Customer Success") + 1
    assert all(_width(ws, c) >= 14 for c in range(2, len(header) + 1))


def test_score_legend_names_the_bands_only(history_book: Path) -> None:
    """The legend gave the score columns a blue swatch (the series' own colour) while
    every column is drawn in its band's green, yellow or red: the entry is gone, the
    axis title names the columns, the legend the two band lines."""
    score = next(c for c in _charts(history_book) if "Objective score by team" in c)
    legend = re.search(r"<c:legend>.*?</c:legend>", score, re.S)
    assert legend and re.search(
        r'<c:legendEntry><c:idx val="0"/><c:delete val="1"/></c:legendEntry>', legend.group()
    )


@pytest.mark.parametrize("score", [0.2, 0.575, 0.85])  # a red, a yellow, a green column
def test_one_teams_band_dashes_differ_from_every_column(
    rollup: Rollup, tmp_path: Path, score: float
) -> None:
    """A single team's band dashes were drawn in their band's colour: the dash for the
    team's own band lay in a column of that colour (a yellow team's 0.4 dash was
    invisible in LibreOffice, which draws a marker in its line's colour, no border). Both
    the marker (Excel) and the line (LibreOffice, the legend) are a dark shade now."""
    summary = rollup.summary.iloc[:1].copy()
    summary["Average objective score"] = score
    path = tmp_path / "one.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, summary=summary), path)
    chart = next(c for c in _charts(path) if "Objective score by team" in c)
    (columns,) = re.findall(r"<c:barChart>.*?</c:barChart>", chart, re.S)
    (lines,) = re.findall(r"<c:lineChart>.*?</c:lineChart>", chart, re.S)
    column_fills = set(re.findall(r'<c:dPt>.*?<a:srgbClr val="(\w+)"/>', columns, re.S))
    assert column_fills == {BAND_COLOURS[band(score, rollup.context.rules).value].lstrip("#")}
    markers = re.findall(r"<c:marker>.*?</c:marker>", lines, re.S)
    marker_fills = [re.findall(r'<a:solidFill><a:srgbClr val="(\w+)"/>', m) for m in markers]
    assert len(markers) == 2 and all(marker_fills)
    drawn = set(re.findall(r'<a:srgbClr val="(\w+)"/>', lines))  # lines, fills, borders
    every_column = {c.lstrip("#") for c in BAND_COLOURS.values()}
    assert drawn and not drawn & every_column, drawn


def test_cut_labels_stay_distinct(rollup: Rollup, tmp_path: Path) -> None:
    """Two names sharing their first 39 characters were one label twice on every chart
    (two bars, one name). A clash keeps the names' last words; the data block's column A
    is as wide as its labels, so it prints them whole (at 24 it cut them alike)."""
    stem = "Ventes EMEA et Amérique du Nord — division grands comptes "
    summary = rollup.summary.copy()
    summary.loc[0, "Team"], summary.loc[1, "Team"] = stem + "A (Paris)", stem + "B (Montréal)"
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, summary=summary), path)
    ws = openpyxl.load_workbook(path)["Charts"]
    labels = [c.value for c in ws["A"][1 : len(summary) + 1]]
    assert labels[:2] == [
        "Ventes EMEA et Amérique du Nord…(Paris)",
        "Ventes EMEA et Amérique du No…(Montréal)",  # 40 characters
    ]
    assert labels[2:] == summary["Team"].tolist()[2:]
    assert _width(ws, 1) > max(len(label) for label in labels)


def test_chart_labels_are_unique_and_at_most_40() -> None:
    same = "x" * 60
    twins = [same, same, "y" * 50 + " (2)", "Sales", "Sales", "Sales (2)"]
    labels = chart_labels(twins)
    assert len(set(labels)) == len(labels) and max(map(len, labels)) <= LABEL_CHARS, labels
    assert labels[3] == "Sales" and labels[4] == "Sales (3)"  # "Sales (2)" is a team's
    assert chart_labels(["Sales", "Finance"]) == ["Sales", "Finance"]
