"""Write the company rollup workbook with xlsxwriter, fresh and atomically.

xlsxwriter, not openpyxl: it builds a new file several times faster (numbers in
docs/rollup.md). Every cell is written as its schema kind, so team text such as
``=HYPERLINK(...)`` or ``-5`` lands as a string and a number is never text. The long
tables' and the Alignment tab's data rows are rendered by ``bulk.py`` and spliced in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sheets_sync.atomic import atomic_write
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.rollup.bulk import BulkCells, excel_serials
from sheets_sync.rollup.cellxml import ExactWorkbook, blank
from sheets_sync.rollup.charts import add_charts
from sheets_sync.rollup.history import kpi_formats, write_history
from sheets_sync.rollup.longtable import add_long_table, print_titles
from sheets_sync.rollup.schema import SCHEMA_VERSION, TAB_NAMES, TABLES, Column, Kind, meaning
from sheets_sync.rollup.styles import Styles, colour, score_ranges, unit_format
from sheets_sync.rollup.tables import Rollup
from sheets_sync.rollup.widths import MAX_CHARS, column_chars, text_chars
from sheets_sync.sync.team_rows import naive

ALIGNMENT_TAB = ("Item", "Score", "Status", "Band", "Team", "Objective ID", "KR ID", "Stale data")
#: Characters a date / datetime needs as its kind's format shows it (narrower prints ###).
_MOMENT_WIDTHS = {Kind.DATE: 10, Kind.DATETIME: 16}
SUMMARY_HEADER_ROW = 8  # 0-based row of the Summary team table's header
BULK_KINDS = {Kind.TEXT: "text", Kind.FLAG: "bool"}  # everything else is a number


def write_rollup_xlsx(rollup: Rollup, path: Path) -> None:
    """Write the rollup to ``path``: temp file in the same folder, fsync, ``os.replace``.

    Readers (finance's refresh, a previous-rollup read) see the old file or the new one,
    never a half-written one.
    """
    atomic_write(Path(path), lambda tmp: _write(rollup, tmp))


def _write(rollup: Rollup, path: Path) -> None:
    lay_out_rollup(rollup, path).splice(path)


def lay_out_rollup(rollup: Rollup, path: Path) -> BulkCells:
    """Every tab of the workbook written to ``path`` by xlsxwriter but the long tables'
    (and the Alignment, Trends and History tabs') data rows: what ``splice(path)`` then
    writes in. The ``BulkCells`` holds the columns of those rows, not ``rollup``.

    For a caller that lets go of ``rollup`` before ``splice(path, consume=True)``, each
    table goes once its tab is written, and the History tab, written last and the largest,
    reuses their memory (bench/notes.md, thirteenth pass: ~9 MB off the steady night's
    peak at 2,000 teams).
    """
    options = {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": False,
    }
    workbook = ExactWorkbook(str(path), options)
    workbook.set_properties(
        {"title": f"{rollup.context.company} OKR/KPI rollup", "comments": SCHEMA_VERSION}
    )
    styles = Styles(workbook)
    bulk = BulkCells()
    summary = workbook.add_worksheet("Summary")
    charts = workbook.add_worksheet("Charts")
    _write_summary(summary, styles, rollup)
    for table, name in (("objectives", "Objectives"), ("key_results", "KeyResults")):
        _write_long(workbook, styles, rollup, table, name, bulk)
    _write_long(workbook, styles, rollup, "kpis", "KPIs", bulk)
    _write_alignment(workbook.add_worksheet(TAB_NAMES["alignment"]), styles, rollup, bulk)
    _write_long(workbook, styles, rollup, "findings", "Findings", bulk)
    _write_dictionary(workbook.add_worksheet("Data dictionary"), styles, rollup.context.rules)
    write_history(workbook, rollup.history, bulk, kpi_formats(rollup.kpis))
    add_charts(
        workbook,
        charts,
        styles,
        summary=rollup.summary,
        header_row=SUMMARY_HEADER_ROW,
        rules=rollup.context.rules,
    )
    summary.activate()
    _close(workbook)
    return bulk


def _close(workbook: Workbook) -> None:
    """xlsxwriter wraps a full disk's OSError in its ``FileCreateError``, which the
    callers' ``except OSError`` ("cannot write the company rollup ...; the last one
    stays") missed: the night ended in a traceback."""
    try:
        workbook.close()
    except FileCreateError as exc:
        cause = exc.args[0] if exc.args else None
        raise (cause if isinstance(cause, OSError) else OSError(str(exc))) from None


def to_second(moment: dt.datetime) -> dt.datetime:
    """``moment`` cut to the whole second, what its format shows (see
    ``bulk.excel_serials``): 23:59:59.7 stays in its day in LibreOffice too."""
    return moment.replace(microsecond=0)


def _cell_writer(
    ws: Worksheet, col: Column, *, serials: bool = False
) -> Callable[[int, int, object, Any], None]:
    """The typed xlsxwriter call for a schema kind; missing values leave the cell blank."""
    if col.kind is Kind.TEXT:
        return lambda r, c, v, f: None if v is None or v is pd.NA else ws.write_string(r, c, v, f)

    def number(r: int, c: int, v: Any, f: Any) -> None:
        if not blank(v):  # NaN and the infinities too: one rule for every rollup cell
            ws.write_number(r, c, v, f)

    def moment(r: int, c: int, v: Any, f: Any) -> None:
        if v is not None and not pd.isna(v):  # to the second, as ``excel_serials``
            ws.write_datetime(r, c, to_second(v.to_pydatetime()), f)

    if serials:  # dates pre-converted to Excel serial numbers (a date cell is one)
        return number

    def flag(r: int, c: int, v: Any, f: Any) -> None:
        if v is not None and v is not pd.NA:
            ws.write_boolean(r, c, bool(v), f)

    if col.kind in (Kind.NUMBER, Kind.COUNT):
        return number
    return moment if col.kind in (Kind.DATE, Kind.DATETIME) else flag


def _bulk_values(frame: pd.DataFrame, col: Column) -> tuple[pd.Series | np.ndarray, str]:
    """A column as ``BulkCells.column`` takes it: the Series itself (read lazily at
    splice), dates as Excel serials; and its bulk kind."""
    if col.kind in (Kind.DATE, Kind.DATETIME):
        return excel_serials(frame[col.name]), "number"
    return frame[col.name], BULK_KINDS.get(col.kind, "number")


def write_frame(
    ws: Worksheet,
    styles: Styles,
    frame: pd.DataFrame,
    *,
    table: str,
    row0: int,
    name: str,
    bulk: BulkCells | None = None,
    widths: dict[int, float] | None = None,
) -> int:
    """``frame`` as an Excel table (ListObject) at ``row0``; returns its last row.

    With ``bulk`` the data rows are rendered by ``bulk.py`` (no xlsxwriter cell may then
    share their rows); without it, cell by cell through xlsxwriter (the Summary's tables,
    whose cells the charts read back for their caches). With ``widths`` the columns'
    widths are gathered there (the widest wins) for the caller to set: the Summary's two
    tables share columns, and a width set per table let the second shrink the first's.
    """
    spec = TABLES[table]
    units = frame["Unit"].tolist() if "Unit" in frame.columns else None
    for c, col in enumerate(spec):
        series = frame[col.name]
        values, kind = _bulk_values(frame, col)
        formats: Any
        shown: str | list[str] | None = None  # number formats, for the column's width
        if col.unit == "Unit" and units is not None:
            texts = {u: unit_format(u) for u in set(units)}
            by_unit = {u: styles(num_format=text) for u, text in texts.items()}
            formats = [by_unit[u] for u in units]
            shown = [texts[u] for u in units]
        else:
            fmt = col.number_format
            formats = styles(num_format=fmt) if fmt else None
            shown = fmt if col.kind in (Kind.NUMBER, Kind.COUNT) else None
        if bulk is not None:
            bulk.column(ws, c, row0 + 1, values, kind, formats)
        else:
            write = _cell_writer(ws, col, serials=col.kind in (Kind.DATE, Kind.DATETIME))
            for r, v in enumerate(values.tolist(), start=row0 + 1):
                write(r, c, v, formats[r - row0 - 1] if isinstance(formats, list) else formats)
        need = _width(col, series, shown)
        if widths is None:
            ws.set_column(c, c, need)
        else:
            widths[c] = max(widths.get(c, 0.0), need)
    last = row0 + max(1, len(frame))
    add_long_table(
        ws,
        row0,
        0,
        last,
        len(spec) - 1,
        {
            "name": name,
            "style": "Table Style Medium 2",
            "columns": [{"header": col.name} for col in spec],
        },
    )
    colour(ws, styles, spec, row0 + 1, last)
    return last


def _width(col: Column, series: pd.Series, shown: str | list[str] | None) -> float:
    """The header, the first 200 texts, a date's 10 characters, every number as its
    ``shown`` format prints it (`$3,400,000.00` printed ``###`` in a 9-wide column)."""
    numbers = column_chars(series, shown) + 1 if shown is not None else 0
    texts = text_chars(series)
    longest = max([len(col.name) + 2, texts, _MOMENT_WIDTHS.get(col.kind, 0), numbers])
    return float(min(MAX_CHARS, longest + 1))


def _write_long(
    workbook: Workbook, styles: Styles, rollup: Rollup, table: str, name: str, bulk: BulkCells
) -> None:
    ws = workbook.add_worksheet(TAB_NAMES[table])
    frame = rollup.tables[table]
    last = write_frame(ws, styles, frame, table=table, row0=0, name=name, bulk=bulk)
    score_ranges(ws, styles, rollup.context.rules, spec=TABLES[table], first=1, last=last)
    ws.freeze_panes(1, 1)
    print_titles(ws, 0)


def _write_summary(ws: Worksheet, styles: Styles, rollup: Rollup) -> None:
    ctx = rollup.context
    bold = styles(bold=True)
    date_fmt = styles(num_format="yyyy-mm-dd", align="left")
    ws.write_string(0, 0, "Company", bold)
    ws.write_string(0, 1, ctx.company, styles(bold=True, font_size=14))
    ws.write_string(1, 0, "Period", bold)
    ws.write_string(1, 1, ctx.period.name)
    widths: dict[int, float] = {}  # column -> width, the widest of its cells' needs
    meta: list[tuple[str, dt.datetime, str]] = [
        ("Period start", dt.datetime.combine(ctx.period.start, dt.time()), "yyyy-mm-dd"),
        ("Period end", dt.datetime.combine(ctx.period.end, dt.time()), "yyyy-mm-dd"),
        ("As of", dt.datetime.combine(ctx.as_of, dt.time()), "yyyy-mm-dd"),
        ("Generated at", to_second(naive(ctx.generated_at)), "yyyy-mm-dd hh:mm:ss"),
    ]
    for row, (label, value, fmt) in enumerate(meta, start=2):
        ws.write_string(row, 0, label, bold)
        ws.write_datetime(
            row, 1, value, date_fmt if fmt == "yyyy-mm-dd" else styles(num_format=fmt, align="left")
        )
        widths[1] = max(widths.get(1, 0.0), len(fmt) + 1.0)
    ws.write_string(6, 0, "Schema version", bold)
    ws.write_string(6, 1, SCHEMA_VERSION)

    top = SUMMARY_HEADER_ROW
    last = write_frame(
        ws, styles, rollup.summary, table="summary", row0=top, name="Teams", widths=widths
    )
    score_ranges(
        ws, styles, rollup.context.rules, spec=TABLES["summary"], first=top + 1, last=last + 1
    )
    total_row = last + 1
    for c, col in enumerate(TABLES["summary"]):
        value = rollup.totals[col.name].iloc[0]
        total_fmt = col.number_format or "General"
        _cell_writer(ws, col)(total_row, c, value, styles(bold=True, top=1, num_format=total_fmt))
    ws.freeze_panes(top + 1, 1)
    print_titles(ws, top)

    head = total_row + 2
    ws.write_string(head, 0, "Company objectives", styles(bold=True, font_size=12))
    end = write_frame(
        ws,
        styles,
        rollup.company_objectives,
        table="company_objectives",
        row0=head + 1,
        name="CompanyObjectives",
        widths=widths,
    )
    score_ranges(
        ws,
        styles,
        rollup.context.rules,
        spec=TABLES["company_objectives"],
        first=head + 2,
        last=end,
    )
    widths[0] = 28.0  # as ever: room for most team names, the labels of A1:A7 and totals
    for c, width in widths.items():
        ws.set_column(c, c, width)


def _write_alignment(ws: Worksheet, styles: Styles, rollup: Rollup, bulk: BulkCells) -> None:
    """Company objective > team objectives > key results: indented rows, outline levels.

    A reading view, so only the columns a person follows; the full alignment table (ids,
    period, source) is in the CSV/Parquet export.
    """
    frame = rollup.alignment
    spec = tuple(c for c in TABLES["alignment"] if c.name in ALIGNMENT_TAB)
    header = styles(bold=True, bottom=1, bg_color="#DDEBF7")
    for c, col in enumerate(spec):
        ws.write_string(0, c, col.name, header)
    levels = [int(v) for v in frame["Level"].tolist()]
    bulk.outline(ws, 1, levels)  # rows as set_row(r, None, None, {"level": lv}) makes them
    item_formats = [styles(indent=2 * lv, bold=lv == 0) for lv in range(3)]
    for c, col in enumerate(spec):
        fmt = col.number_format or "General"
        formats = [item_formats[min(lv, 2)] for lv in levels] if c == 0 else styles(num_format=fmt)
        bulk.column(ws, c, 1, *_bulk_values(frame, col), formats)
    ws.outline_settings(True, False, True, False)  # summary rows above their details
    ws.set_column(0, 0, 70)
    for c, col in enumerate(spec[1:], start=1):  # 14 cut `Customer Success` to 14 letters
        ws.set_column(c, c, max(14.0, _width(col, frame[col.name], None)))
    last = max(1, len(frame))
    ws.autofilter(0, 0, last, len(spec) - 1)
    ws.freeze_panes(1, 1)
    # one page wide, its header on each: with the 70-wide Item repeated, a page had room
    # for one more column (7 pages across)
    ws.set_landscape()
    ws.repeat_rows(0)
    ws.fit_to_pages(1, 0)
    colour(ws, styles, spec, 1, last)
    score_ranges(ws, styles, rollup.context.rules, spec=spec, first=1, last=last)


def _write_dictionary(ws: Worksheet, styles: Styles, rules: ScoringRules) -> None:
    ws.write_string(0, 0, "Schema version", styles(bold=True))
    ws.write_string(0, 1, SCHEMA_VERSION)
    headers = ["Table", "Tab", "Column", "Type", "Pandas dtype", "Unit", "Meaning"]
    rows = [
        [
            table,
            TAB_NAMES[table],
            col.name,
            col.kind.value,
            col.dtype,
            col.unit,
            meaning(col, rules),
        ]
        for table, spec in TABLES.items()
        for col in spec
    ]
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    ws.add_table(
        2,
        0,
        2 + len(rows),
        len(headers) - 1,
        {
            "name": "DataDictionary",
            "style": "Table Style Light 9",
            "columns": [{"header": h} for h in headers],
        },
    )
    for c, width in enumerate((20, 14, 26, 10, 16, 10, 90)):
        ws.set_column(c, c, width)
    ws.freeze_panes(3, 0)
    ws.set_landscape()  # 186 characters wide: one page wide, not Meaning on pages of its own
    ws.repeat_rows(2)
    ws.fit_to_pages(1, 0)
