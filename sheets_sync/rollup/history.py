"""The History and Trends tabs: snapshots of past nights, KPI trends and KR burn-up.

Sparklines (one per KPI, one per objective) keep this readable at hundreds of teams,
where a chart per objective would not be; one chart shows the company's burn-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sheets_sync.rollup.bulk import BulkCells, add_long_table, excel_serials
from sheets_sync.rollup.cellxml import Values

log = logging.getLogger("sheets_sync.rollup")
#: Rows of an Excel worksheet: a file with rows past the last one is outside the format.
EXCEL_ROWS = 1_048_576


@dataclass(frozen=True, eq=False)
class History:
    """Snapshots of the last N nights (``sheets_sync.ops.history`` column layout)."""

    kr: pd.DataFrame
    kpi: pd.DataFrame

    @property
    def dates(self) -> list[pd.Timestamp]:
        return sorted(set(self.kr["date"]).union(self.kpi["date"]))


def newest_that_fit(history: History, rows: int) -> tuple[History, list[pd.Timestamp]]:
    """The newest nights whose snapshot rows add up to at most ``rows``, and the nights
    left out. A night is kept whole or not at all: half a night would pivot as a dip."""
    per_night = pd.concat([history.kr["date"], history.kpi["date"]]).value_counts()
    kept: set[pd.Timestamp] = set()
    total = 0
    for night in sorted(per_night.index, reverse=True):
        total += int(per_night[night])
        if total > rows:
            break
        kept.add(night)
    if len(kept) == len(per_night):
        return history, []
    shown = History(
        history.kr[history.kr["date"].isin(kept)], history.kpi[history.kpi["date"].isin(kept)]
    )
    return shown, sorted(set(per_night.index) - kept)


def kpi_trend(history: History) -> pd.DataFrame:
    """One row per KPI, one column per snapshot date, holding the actual."""
    if history.kpi.empty:
        return pd.DataFrame(columns=["team", "kpi_id", "name"])
    # groupby + unstack, not pivot_table(dropna=False): that one keeps KPIs whose actuals are
    # all blank but also builds every team x KPI x name combination (millions of empty rows).
    keys = ["team", "kpi_id", "name"]
    frame = history.kpi.groupby([*keys, "date"], dropna=False, sort=True)["actual"].last()
    return frame.unstack("date").reset_index()


def objective_burnup(history: History) -> pd.DataFrame:
    """One row per objective, one column per date: the mean score of its KRs that night."""
    if history.kr.empty:
        return pd.DataFrame(columns=["team", "objective_id"])
    frame = history.kr.pivot_table(
        index=["team", "objective_id"], columns="date", values="score", aggfunc="mean"
    )
    return frame.reset_index()


def company_burnup(history: History) -> pd.DataFrame:
    """Per date: mean KR score and mean expected score across the company."""
    if history.kr.empty:
        return pd.DataFrame(columns=["date", "score", "expected"])
    return history.kr.groupby("date", as_index=False)[["score", "expected"]].mean()


def _write_block(
    ws: Worksheet,
    frame: pd.DataFrame,
    keys: list[str],
    labels: list[str],
    row0: int,
    title: str,
    formats: dict[str, Any],
    bulk: BulkCells,
) -> int:
    """A pivot with a sparkline column; returns the next free row.

    Title and header rows go through xlsxwriter, the data rows through ``bulk`` (one
    column at a time, read from ``frame`` at splice); a missing key is a blank cell.
    """
    dates = [c for c in frame.columns if c not in keys]
    ws.write(row0, 0, title, formats["title"])
    header = row0 + 1
    for c, label in enumerate(
        labels + [pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates] + ["Trend"]
    ):
        ws.write(header, c, label, formats["header"])
    for c, key in enumerate(keys):
        bulk.column(ws, c, header + 1, frame[key], "text", None)
    for c, date in enumerate(dates, start=len(keys)):
        bulk.column(ws, c, header + 1, frame[date], "number", formats["number"])
    first, last = len(keys), len(keys) + len(dates) - 1
    rows = range(header + 2, header + 2 + len(frame))  # 1-based
    left, right, spark = xl_col_to_name(first), xl_col_to_name(last), xl_col_to_name(last + 1)
    locations = [f"{spark}{r}" for r in rows]
    ranges = [f"{left}{r}:{right}{r}" for r in rows]
    if dates and locations:
        # One sparkline group for the whole block: xlsxwriter builds a group's colours per
        # call, which costs ~17 ms a call, so one call per row took minutes at 2,000 teams.
        ws.add_sparkline(
            header + 1, last + 1, {"location": locations, "range": ranges, "markers": True}
        )
    return header + len(frame) + 3


def write_history(workbook: Workbook, history: History | None, bulk: BulkCells) -> None:
    if history is None or (history.kr.empty and history.kpi.empty):
        return
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "header": workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1}),
        "number": workbook.add_format({"num_format": "0.00"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
    }
    trends = workbook.add_worksheet("Trends")
    company = company_burnup(history)
    trends.write(0, 0, "Company burn-up: mean KR score vs expected, by night", formats["title"])
    for c, label in enumerate(["Date", "Mean score", "Mean expected"]):
        trends.write(1, c, label, formats["header"])
    records: list[dict[Any, Any]] = company.to_dict("records")
    for r, rec in enumerate(records, start=2):
        trends.write_datetime(r, 0, pd.Timestamp(rec["date"]).to_pydatetime(), formats["date"])
        trends.write_number(r, 1, float(rec["score"]), formats["number"])
        trends.write_number(r, 2, float(rec["expected"]), formats["number"])
    last = 1 + len(company)
    chart = workbook.add_chart({"type": "line"})
    for col, name in ((1, "Mean score"), (2, "Mean expected")):
        chart.add_series(
            {
                "name": name,
                "categories": ["Trends", 2, 0, last, 0],
                "values": ["Trends", 2, col, last, col],
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": "Company burn-up"})
    chart.set_y_axis({"min": 0, "max": 1})
    trends.insert_chart(0, 5, chart)
    row = max(last + 3, 18)
    row = _write_block(
        trends,
        kpi_trend(history),
        ["team", "kpi_id", "name"],
        ["Team", "KPI ID", "KPI"],
        row,
        "KPI trend (actual per night)",
        formats,
        bulk,
    )
    _write_block(
        trends,
        objective_burnup(history),
        ["team", "objective_id"],
        ["Team", "Objective ID"],
        row,
        "Objective burn-up (mean KR score per night)",
        formats,
        bulk,
    )
    trends.set_column(0, 2, 18)

    raw, left_out = newest_that_fit(history, EXCEL_ROWS - 1)  # a row for the header
    if left_out:
        oldest, newest = left_out[0].date(), left_out[-1].date()
        log.warning(
            "the History tab shows %d of %d nights: the rest (%s) would pass Excel's %s rows; "
            "the Trends tab and the history store (history.sqlite) keep them all",
            len(raw.dates),
            len(history.dates),
            oldest if oldest == newest else f"{oldest} to {newest}",
            f"{EXCEL_ROWS:,}",
        )
    _write_raw(workbook.add_worksheet("History"), raw, formats, bulk)


def _write_raw(ws: Worksheet, history: History, formats: dict[str, Any], bulk: BulkCells) -> None:
    """Every snapshot row, KRs then KPIs, as one table to pivot."""
    kr, kpi = history.kr, history.kpi
    # (label, KR column, KPI column, kind, format); a column is a KR part over the KR
    # rows and a KPI part below them, each read lazily from its frame by bulk
    columns: list[tuple[str, Values | None, Values | None, str, Any]] = [
        ("Kind", ["KR"] * len(kr), ["KPI"] * len(kpi), "text", None),
        ("Date", excel_serials(kr["date"]), excel_serials(kpi["date"]), "number", formats["date"]),
        ("Team", kr["team"], kpi["team"], "text", None),
        ("Objective ID", kr["objective_id"], None, "text", None),
        ("ID", kr["kr_id"], kpi["kpi_id"], "text", None),
        ("Name", kr["description"], kpi["name"], "text", None),
        ("Value", kr["current"], kpi["actual"], "auto", None),
        ("Target", kr["target"], kpi["target"], "auto", None),
        ("Score", kr["score"], None, "number", None),
        ("Status", kr["status"], kpi["status"], "text", None),
    ]
    for c, (label, kr_part, kpi_part, kind, fmt) in enumerate(columns):
        ws.write(0, c, label, formats["header"])
        for row, part in ((1, kr_part), (1 + len(kr), kpi_part)):
            if part is not None:
                bulk.column(ws, c, row, part, kind, fmt)
    rows = len(kr) + len(kpi)
    if rows:
        add_long_table(
            ws,
            0,
            0,
            rows,
            len(columns) - 1,
            {"name": "History", "columns": [{"header": label} for label, *_ in columns]},
        )
    ws.freeze_panes(1, 0)
