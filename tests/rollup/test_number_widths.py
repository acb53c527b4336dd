"""Numbers as wide as they print: no ``###`` for a currency value in the millions.

The demo workspace's Sales pipeline (`$3,400,000.00`, 13 characters) printed ``###`` in
the KPIs tab's Target, Actual and Previous columns (sized from their headers, 9 to 11
wide), in the Key results tab's Target, and in each of the Trends tab's night columns
(11 wide), in LibreOffice's PDF and on screen, as in Excel.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sheets_sync.rollup import FrameNights, Rollup, load_history, write_rollup_xlsx
from sheets_sync.rollup.widths import TEXT_SAMPLE, column_chars, columns_chars, text_chars
from tests.rollup.test_history_tabs import _frames
from tests.rollup.test_printed import _width
from tests.support.libreoffice import convert, needs_libreoffice

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")

PIPELINE = 3_400_000.0


def _shown(value: float, num_format: str) -> str:
    """The text Excel shows for the formats these cells have (the test's own reading)."""
    if num_format.endswith("#,##0.00"):
        return num_format.split('"')[1] + f"{value:,.2f}"
    if num_format == "0.0%":
        return f"{value * 100:.1f}%"
    if num_format in ("0.00", "General"):
        return f"{value:.2f}" if num_format == "0.00" else f"{value:.10g}"[:11]
    if num_format == "0%":
        return f"{value * 100:.0f}%"
    return f"{value:.0f}"


@pytest.fixture(scope="module")
def millions(rollup: Rollup, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rollup with a KPI and a KR in dollars in the millions, and their history."""
    kpis = rollup.kpis.copy()
    kpis_cells: dict[str, str | float] = {"Unit": "$", "Target": 3_600_000.0, "Actual": PIPELINE}
    for col, value in kpis_cells.items():
        kpis.at[0, col] = value
    kpis.at[0, "Previous"] = 3.1e6
    krs = rollup.key_results.copy()
    kr_cells: dict[str, str | float] = {"Unit": "$", "Start": 0.0, "Target": 1_200_000.0}
    for col, value in kr_cells.items():
        krs.at[0, col] = value
    team, kpi_id = kpis.loc[0, "Team"], kpis.loc[0, "KPI ID"]
    day = pd.Timestamp("2025-08-15")
    nights = FrameNights(
        _frames().kr.iloc[:0],
        pd.DataFrame(
            {
                "date": [day],
                "team": [team],
                "kpi_id": [kpi_id],
                "name": ["Qualified pipeline, EMEA + APAC"],
                "actual": [PIPELINE],
                "target": [3_600_000.0],
                "status": ["Amber"],
                "variance": [-200_000.0],
            }
        ),
    )
    history = load_history(nights, 12, nights.identity())
    big = dataclasses.replace(rollup, kpis=kpis, key_results=krs, history=history)
    path = tmp_path_factory.mktemp("widths") / "company.xlsx"
    write_rollup_xlsx(big, path)
    return path


def test_numbers_fit_their_columns(millions: Path) -> None:
    book = openpyxl.load_workbook(millions)
    narrow = [
        f"{ws.title}!{cell.coordinate} {_shown(cell.value, cell.number_format)} "
        f"in {_width(ws, cell.column):g}"
        for ws in book.worksheets
        if ws.title not in ("Charts", "Data dictionary")
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float)
        and not isinstance(cell.value, bool)
        and _width(ws, cell.column) < len(_shown(cell.value, cell.number_format)) + 1
    ]
    assert narrow == []
    kpis = book["KPIs"]
    assert [c.value for c in kpis[2] if c.value == PIPELINE]  # the case is there


@needs_libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_libreoffice_prints_no_hashes(millions: Path, tmp_path: Path) -> None:
    pdf = convert(millions, "pdf", tmp_path, timeout=120)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "$3,400,000.00" in text
    assert [line for line in text.splitlines() if "###" in line] == []


def test_trend_kpi_names_fit(millions: Path) -> None:
    """The KPI trend's name column (C) was 18 wide: `Qualified pipeline` fitted, the
    demo's `Net Promoter Score (NPS)` was cut at its first night's value."""
    ws = openpyxl.load_workbook(millions)["Trends"]
    names = [r[2].value for r in ws.iter_rows() if r[2].value == "Qualified pipeline, EMEA + APAC"]
    assert names and _width(ws, 3) >= len(names[0]) + 1


def test_night_columns_are_sized_with_one_grouping() -> None:
    """The Trends tab's night columns share their rows' formats: ``columns_chars`` groups
    the rows by format once for all of them (it was a groupby a night) and sizes each
    column as ``column_chars`` does alone, missing, infinite and text values skipped."""
    frame = pd.DataFrame(
        {
            "2026-11-22": [PIPELINE, 0.5, None, -3.0, float("inf")],
            "2026-11-23": [-PIPELINE, 12.345, 7.0, None, "n/a"],
            "2026-11-24": [None, None, None, None, None],
        }
    )
    formats = ['"$"#,##0.00', "0.0%", "0.00", "0", "General"]
    each = [column_chars(frame[c], formats) for c in frame.columns]
    assert columns_chars(frame, formats) == each == [13, 14, 0]
    assert columns_chars(frame, "0.00") == [10, 11, 0]
    assert columns_chars(frame[[]], formats) == []


def test_text_widths_sample_the_first_texts() -> None:
    """One rule for a text column's width (the tables' and the Trends tab's KPI names):
    the first ``TEXT_SAMPLE`` texts, numbers and blanks not counted."""
    values = pd.Series(["Sales", 12345678.0, None] + ["x"] * TEXT_SAMPLE + ["y" * 80])
    assert text_chars(values) == len("Sales")
    assert text_chars(pd.Series([], dtype=object)) == 0


def test_widths_from_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A float64 or Int64 column is sized from numpy's extremes per format, the same
    widths ``columns_chars`` gives (a pandas frame a column was ~60 ms of a 500-team
    rollup); an extreme of zero with a -0.0 among the values (which of 0.0 and -0.0 a
    maximum picks is its own) or another dtype still asks ``columns_chars``."""
    from sheets_sync.rollup import widths

    rng = np.random.default_rng(7)
    columns = [
        pd.Series(rng.normal(0, 1e6, 300)),
        pd.Series([PIPELINE, -0.25, None, float("inf"), -float("inf"), 12.5, 0.0]),
        pd.Series([None, float("nan")], dtype="float64"),
        pd.Series([], dtype="float64"),
        pd.Series([3, None, -1_234_567, 2**60, 0], dtype="Int64"),
        pd.Series([0.0, -0.0, 5.0]),
        pd.Series([-0.0, -2.5]),
        pd.Series([1, 2], dtype="int64"),
    ]
    one = ["0.0%", "0%", "0.00", "0", '"$"#,##0.00', '"€"#,##0.00', "General"]
    cases = [(i, f) for i in range(len(columns)) for f in one] + [
        (i, [one[(k * 3 + i) % len(one)] for k in range(len(s))]) for i, s in enumerate(columns)
    ]
    expected = [columns_chars(columns[i].to_frame(), f)[0] for i, f in cases]
    asked: list[str] = []
    original = widths.columns_chars

    def counted(frame: pd.DataFrame, fmt: str | list[str]) -> list[int]:
        asked.append(str(frame.dtypes.iloc[0]))
        return original(frame, fmt)

    monkeypatch.setattr(widths, "columns_chars", counted)
    assert [column_chars(columns[i], f) for i, f in cases] == expected
    # The widths are pinned above; this pins the fast path's choice, not its output: which
    # columns it hands to ``columns_chars`` (a wider fast path may rightly change this list,
    # never a width).
    # The -0.0 columns (5, 6) and the int64 column (7) only: 7 formats and a list each
    assert asked == ["float64"] * 14 + ["int64"] * 7 + ["float64"] * 2 + ["int64"]
    assert column_chars(pd.Series([PIPELINE, 1.0]), ['"$"#,##0.00', "0.00"]) == 13
