"""The History and Trends tabs: snapshots of past nights, KPI trends and KR burn-up.

Sparklines (one per KPI, one per objective) keep this readable at hundreds of teams,
where a chart per objective would not be; one chart shows the company's burn-up. The
History tab's rows are read from the history's source (``nights.py``) while the workbook
is written, never held.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import pandas as pd
from xlsxwriter.utility import quote_sheetname, xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sheets_sync.errors import HistoryError
from sheets_sync.loggers import get_logger
from sheets_sync.rollup.bulk import BulkCells, excel_serials
from sheets_sync.rollup.cellxml import blank
from sheets_sync.rollup.digits import shown_cells
from sheets_sync.rollup.longtable import add_long_table, print_titles
from sheets_sync.rollup.nights import KPI, KR, History, Night, NightSource
from sheets_sync.rollup.spellings import KPI_ID, KR_ID, OBJECTIVE, Respelled, Respellings
from sheets_sync.rollup.styles import unit_format
from sheets_sync.rollup.widths import MAX_CHARS, columns_chars, text_chars

log = get_logger("sheets_sync.rollup")
#: Rows of an Excel worksheet: a file with rows past the last one is outside the format.
EXCEL_ROWS = 1_048_576
#: The History tab's columns: (label, kind, format name). KR and KPI rows share them.
HISTORY_COLUMNS = (
    ("Kind", "text", None),
    ("Date", "number", "date"),
    ("Team", "text", None),
    ("Objective ID", "text", None),
    ("ID", "text", None),
    ("Name", "text", None),
    ("Value", "auto", None),
    ("Target", "auto", None),
    ("Score", "number", "number"),  # 0.00, as the other tabs show scores
    ("Status", "text", None),
    # KRs: what the Trends tab weighs and averages, so a pivot of this tab gives its
    # numbers (Objectives.Score); after Status, so the columns before keep their place
    ("Expected", "number", "number"),
    ("Weight", "number", None),
)
_TEAM_COLUMN = [label for label, *_ in HISTORY_COLUMNS].index("Team")
_KR_READ = ("date", "team", "objective_id", "kr_id", "description", "current", "target",
            "score", "status", "expected", "weight")  # fmt: skip
#: The History tab's column widths: a date needs 10 characters (narrower shows ###).
_WIDTHS = (6, 11, 20, 13, 13, 40, 12, 12, 8, 10, 10, 8)
_NO_KR = (None, None)  # a KPI row's Expected and Weight
#: The History tab's format names' number formats
HISTORY_FORMATS = {"date": "yyyy-mm-dd", "number": "0.00"}
#: The Trends tab's titles, and its two pivots' key columns (frame column, label)
BURNUP_TITLE = "Company burn-up: mean KR score vs expected, by night"
BURNUP_COLUMNS = ("Date", "Mean score", "Mean expected")
KPI_BLOCK = ("KPI trend (actual per night)", ("team", "kpi_id", "name"), ("Team", "KPI ID", "KPI"))
OBJECTIVE_BLOCK = (
    "Objective burn-up (objective score per night)",
    ("team", "objective_id"),
    ("Team", "Objective ID"),
)
_KPI_READ = ("date", "team", "kpi_id", "name", "actual", "target", "status")


def _write_block(
    ws: Worksheet,
    frame: pd.DataFrame,
    keys: list[str],
    labels: list[str],
    row0: int,
    title: str,
    formats: dict[str, Any],
    bulk: BulkCells,
    widths: dict[int, int],
    row_formats: list[Any] | None = None,
    row_texts: list[str] | None = None,
) -> int:
    """A pivot with a sparkline column; returns the next free row.

    Title and header rows go through xlsxwriter, the data rows through ``bulk`` (one
    column at a time, read from ``frame`` at splice); a missing key is a blank cell.
    ``row_formats``: each row's number format (a KPI's unit), else ``0.00``;
    ``row_texts`` the same formats' codes, which size the night columns in ``widths``.
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
        bulk.column(ws, c, header + 1, frame[date], "number", row_formats or formats["number"])
    # A:C are the keys' (18); a night's header is a 10-character date, a value as wide as
    # it prints (`$3,400,000.00` printed ###); the rows grouped by format once, not a night
    sized = [(c, date) for c, date in enumerate(dates, start=len(keys)) if c > 2]
    chars = columns_chars(frame[[date for _, date in sized]], row_texts or "0.00")
    for (c, _), need in zip(sized, chars, strict=True):
        widths[c] = max(widths.get(c, 0), need + 2, 11)  # the blocks share the columns
    if dates and len(frame):
        first, last = len(keys), len(keys) + len(dates) - 1
        rows = range(header + 2, header + 2 + len(frame))  # 1-based
        add_sparkline_column(ws, rows, first, last, {"markers": True})
    return header + len(frame) + 3


class RowRefs(Sequence[str]):
    """``template.format(row)`` for each of ``rows``: a column of cell references made as
    they are read, not held (a location and a range a row were ~5 MB at 2,000 teams)."""

    def __init__(self, template: str, rows: range) -> None:
        self.template, self.rows = template, rows

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self.template.format(r) for r in self.rows[i]]
        return self.template.format(self.rows[i])


def add_sparkline_column(
    ws: Worksheet, rows: range, first: int, last: int, options: dict[str, Any]
) -> None:
    """A sparkline in column ``last + 1`` of each of ``rows`` (1-based) over its columns
    ``first..last``, as one group: xlsxwriter builds a group's colours per call, ~17 ms a
    call, so a call per row took minutes at 2,000 teams.

    xlsxwriter keeps a group's locations and ranges as two lists till the workbook is
    closed (~5 MB of strings at 2,000 teams; bench/notes.md, thirteenth pass). So it is
    given the first row, and its group then reads every row's from ``RowRefs``: the
    writer of xlsxwriter 3.3 reads only ``count`` and the two by index. A group laid out
    otherwise (another xlsxwriter) is given the lists instead.
    """
    left, right, spark = xl_col_to_name(first), xl_col_to_name(last), xl_col_to_name(last + 1)
    ranges = RowRefs(f"{quote_sheetname(ws.name)}!{left}{{0}}:{right}{{0}}", rows)
    locations = RowRefs(f"{spark}{{0}}", rows)
    given = {**options, "location": locations[0], "range": ranges[0]}
    if ws.add_sparkline(rows[0] - 1, last + 1, given):
        return  # refused, with xlsxwriter's warning why: the tab goes without them
    group = ws.sparklines[-1]
    kept = (group.get("count"), group.get("locations"), group.get("ranges"))
    if kept == (1, [locations[0]], [ranges[0]]):
        group.update(locations=locations, ranges=ranges, count=len(rows))
    else:
        ws.sparklines.pop()
        ws.add_sparkline(
            rows[0] - 1, last + 1, {**given, "location": list(locations), "range": list(ranges)}
        )


#: Rows the burn-up chart (288 pixels high, rows of 20) takes under the burn-up's rows.
BURNUP_ROWS = 16


def _burnup_chart(workbook: Workbook, trends: Worksheet, last: int) -> None:
    """The company burn-up of the Trends rows 3 to ``last`` (1-based), under them."""
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
    # A date axis of one night (a new period's first, a workspace's first) was labelled
    # with its year's 1 January in LibreOffice (2025-01-01 for 2025-08-15; until
    # 2026-12-07): one night has a text axis, labelled as its cell shows it
    one = last == 2
    axis = {"name": "Night", "date_axis": not one, "text_axis": one, "num_format": "yyyy-mm-dd"}
    chart.set_x_axis(axis)
    chart.set_y_axis({"name": "Mean KR score", "min": 0, "max": 1})
    # Under its rows, in A:C: at F1 it crossed the printed page's edge (portrait or
    # landscape), its plot cut in two and its legend in three.
    trends.insert_chart(last + 1, 0, chart, {"y_offset": 10})


def kpi_formats(kpis: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(team, KPI id) -> the number format of its unit on the KPIs tab (the Trends tab's
    KPI rows are in it). Each unit's format made once: a night has a few units over
    thousands of KPIs (7,500 ``unit_format`` calls were ~3 ms of 5 at 500 teams)."""
    units = kpis["Unit"].tolist()
    made = {unit: unit_format(unit) for unit in set(units)}
    keys = zip(kpis["Team"].tolist(), kpis["KPI ID"].tolist(), strict=True)
    return dict(zip(keys, map(made.__getitem__, units), strict=True))


def write_history(
    workbook: Workbook,
    history: History | None,
    bulk: BulkCells,
    kpi_formats: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """The Trends and History tabs. ``kpi_formats``: (team, KPI id) -> the number format
    of the KPI's unit on the KPIs tab, for its trend row (``0.0%`` for a % KPI, which
    showed 0.25 for 24.65 %); a KPI not on it tonight shows ``0.00``."""
    if history is None or not history.nights:
        return
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "header": workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1}),
        **{name: workbook.add_format({"num_format": f}) for name, f in HISTORY_FORMATS.items()},
    }
    trends = workbook.add_worksheet("Trends")
    company = history.company
    trends.write(0, 0, BURNUP_TITLE, formats["title"])
    for c, label in enumerate(BURNUP_COLUMNS):
        trends.write(1, c, label, formats["header"])
    records: list[dict[Any, Any]] = company.to_dict("records")
    for r, rec in enumerate(records, start=2):
        trends.write_datetime(r, 0, pd.Timestamp(rec["date"]).to_pydatetime(), formats["date"])
        for c, name in ((1, "score"), (2, "expected")):
            value = float(rec[name])  # a mean of hand-edited 1e308 scores is inf: blank, as
            if not blank(value):  # every rollup cell (until 2026-12-08 a TypeError, no rollup)
                trends.write_number(r, c, value, formats["number"])
    last = 1 + len(company)
    if len(company):  # none before the period's first night: a chart of rows 3 to 2
        _burnup_chart(workbook, trends, last)
    row = last + 3 + (BURNUP_ROWS if len(company) else 0)
    trend = history.kpi_trend
    lookup, by_text = kpi_formats or {}, {"General": formats["number"]}
    widths: dict[int, int] = {}  # a night's column -> the width its values need
    row_formats, row_texts = [], []
    for key in zip(trend["team"].tolist(), trend["kpi_id"].tolist(), strict=True):
        text = lookup.get(key, "General")
        if text not in by_text:
            by_text[text] = workbook.add_format({"num_format": text})
        row_formats.append(by_text[text])
        row_texts.append("0.00" if text == "General" else text)
    row = _write_block(
        trends,
        trend,
        list(KPI_BLOCK[1]),
        list(KPI_BLOCK[2]),
        row,
        KPI_BLOCK[0],
        formats,
        bulk,
        widths,
        row_formats,
        row_texts,
    )
    _write_block(
        trends,
        history.objective_burnup,
        list(OBJECTIVE_BLOCK[1]),
        list(OBJECTIVE_BLOCK[2]),
        row,
        OBJECTIVE_BLOCK[0],
        formats,
        bulk,
        widths,
    )
    trends.set_column(0, 1, 18)
    # C: the KPI's name as the tables' text columns are (``widths.text_chars``): at 18,
    # `Net Promoter Score (NPS)` was cut at its first night's value
    widths[2] = max(18, widths.get(2, 0), min(MAX_CHARS, text_chars(trend["name"]) + 2))
    # Landscape, as the other wide tabs; no print titles: LibreOffice repeats the part of
    # the burn-up chart over columns A:B on every page.
    trends.set_landscape()
    for c, width in widths.items():
        trends.set_column(c, c, width)

    shown, left_out = history.newest_that_fit(EXCEL_ROWS - 1)  # a row for the header
    if left_out:
        oldest, newest = left_out[0].date(), left_out[-1].date()
        log.warning(
            "the History tab shows %d of %d nights: the rest (%s) would pass Excel's %s rows; "
            "the Trends tab and the history store (history.sqlite) keep them all",
            len(shown),
            len(history.nights),
            oldest if oldest == newest else f"{oldest} to {newest}",
            f"{EXCEL_ROWS:,}",
        )
    _write_raw(workbook.add_worksheet("History"), history, shown, formats, bulk)


def _write_raw(
    ws: Worksheet,
    history: History,
    nights: Sequence[Night],
    formats: dict[str, Any],
    bulk: BulkCells,
) -> None:
    """Every snapshot row of ``nights``, KRs then KPIs, as one table to pivot: read from
    the history's source while the workbook is written."""
    for c, ((label, _, _), width) in enumerate(zip(HISTORY_COLUMNS, _WIDTHS, strict=True)):
        ws.write(0, c, label, formats["header"])
        ws.set_column(c, c, width)
    rows = sum(n.rows for n in nights)
    columns = [(kind, formats.get(fmt) if fmt else None) for _, kind, fmt in HISTORY_COLUMNS]
    source = history.source  # not the history: its trend frames go with the Trends tab
    spelled = history.respellings
    bulk.rows(ws, 1, 0, rows, columns, lambda: tab_rows(source, nights, spelled))
    if rows:
        add_long_table(
            ws,
            0,
            0,
            rows,
            len(HISTORY_COLUMNS) - 1,
            {"name": "History", "columns": [{"header": label} for label, *_ in HISTORY_COLUMNS]},
        )
    ws.freeze_panes(1, 0)
    print_titles(ws, 0, _TEAM_COLUMN)  # Kind, Date and Team: which row a page shows


def tab_rows(
    source: NightSource,
    nights: Sequence[Night],
    spelled: Respellings | None = None,
    writing: str = "the company workbook was written",
) -> Iterator[list[tuple[Any, ...]]]:
    """The History tab's rows, a chunk at a time, each ID in its series' spelling as the
    Trends tab shows it (``spelled``; a pivot of the tab by ID gives one series too);
    raises ``HistoryError`` when the source no longer holds the rows counted when the
    tabs were laid out, saying it changed while ``writing``."""
    days = [n.date.date() for n in nights]
    serials = excel_serials(pd.Series([n.date for n in nights])).tolist()
    serial = dict(zip([d.isoformat() for d in days], serials, strict=True))
    for kind, read, counted in (
        (KR, _KR_READ, sum(n.krs for n in nights)),
        (KPI, _KPI_READ, sum(n.kpis for n in nights)),
    ):
        seen = 0
        for read_rows in source.stream(kind, read, days):
            seen += len(read_rows)
            if seen > counted:  # before bulk sees one row more than the table was sized for
                raise _changed(kind, counted, seen, writing)
            chunk = read_rows
            if spelled:  # only when a night typed an ID otherwise: none, most nights
                chunk = [_respelled(kind, row, spelled.of(row[0])) for row in read_rows]
            if kind == KR:
                yield _shown_scores([("KR", serial[d], *rest) for d, *rest in chunk])
            else:  # no objective, score, expected or weight
                yield [
                    ("KPI", serial[d], team, None, kpi, name, actual, target, None, status, *_NO_KR)
                    for d, team, kpi, name, actual, target, status in chunk
                ]
        if seen != counted:
            raise _changed(kind, counted, seen, writing)


#: the History tab's KR Score and Expected: where ``tab_rows`` gives them their digits
_SCORE, _EXPECTED = (
    [label for label, *_ in HISTORY_COLUMNS].index(c) for c in ("Score", "Expected")
)


def _shown_scores(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """KR rows of the History tab with Score and Expected as the other tabs hold them,
    the 15 significant digits Excel shows (``digits.py``). The history store keeps every
    digit, so the Trends tab, weighing those, ends at ``Objectives.Score``; a pivot of
    these rows agrees with it to about 1e-15 (docs/rollup.md)."""
    if not rows:
        return rows
    scores = shown_cells([r[_SCORE] for r in rows])
    expected = shown_cells([r[_EXPECTED] for r in rows])
    return [
        (*r[:_SCORE], s, *r[_SCORE + 1 : _EXPECTED], e, *r[_EXPECTED + 1 :])
        for r, s, e in zip(rows, scores, expected, strict=True)
    ]


def _respelled(
    kind: str, row: tuple[Any, ...], spelled: Mapping[str, Respelled]
) -> tuple[Any, ...]:
    """A KR row (date, team, objective, KR, ...) or KPI row (date, team, KPI, ...) with
    its IDs in their series' spelling."""
    day, team, first, *rest = row
    if kind == KPI:
        return (day, team, spelled[KPI_ID].get((team, first), first), *rest)
    kr, *rest = rest
    objective = spelled[OBJECTIVE].get((team, first), first)
    return (day, team, objective, spelled[KR_ID].get((team, kr), kr), *rest)


def _changed(kind: str, counted: int, seen: int, writing: str) -> HistoryError:
    return HistoryError(
        f"the run history changed while {writing} ({counted:,} "
        f"{kind.upper()} rows counted, {'more' if seen > counted else f'{seen:,}'} read); "
        "run the sync again"
    )
