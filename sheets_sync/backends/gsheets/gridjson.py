"""A Google tab's grid JSON (``spreadsheets.get`` with ``backend.READ_FIELDS``) read into
a ``SheetGrid``: values, formulas, errors, dates, percent cells, fills, merges and hidden or
grouped rows. Pure (no I/O); split from ``backend`` so the request side and the reading of
its reply each read in one sitting."""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

from sheets_sync.backends.gsheets import arrays
from sheets_sync.backends.gsheets.cellshape import checked_cell, owned_fill
from sheets_sync.backends.gsheets.chips import chip_text
from sheets_sync.backends.gsheets.shape import ShapeError, arr, obj, tab_size
from sheets_sync.domain.values import EXCEL_EPOCH
from sheets_sync.grid import (
    HEADER_FILL_ROWS,
    LOADING,
    OWNED_HEADER_FILL,
    CellError,
    CellRange,
    CellValue,
    SheetGrid,
    a1,
    as_typed,
    column_spans,
    quote_tab,
)
from sheets_sync.numfmt import is_percent_code, shows_date_or_time

ERROR_CODES = {
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "NULL_VALUE": "#NULL!",
    "LOADING": LOADING,  # no cell ever shows "#LOADING"
    "ERROR": "#ERROR!",
}


def cell_value(cell: Mapping[str, Any]) -> CellValue:
    """An ``effectiveValue`` as a neutral value; whole numbers become ints like Excel's."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    if "numberValue" in value:
        number = float(value["numberValue"])
        fmt = cell.get("effectiveFormat", {}).get("numberFormat", {})
        kind = fmt.get("type")
        if (
            kind in ("DATE", "DATE_TIME")
            and _shows_date(fmt)
            and (moment := _dated(number, kind)) is not None
        ):
            return moment
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if "stringValue" in value:
        text = str(value["stringValue"])
        if cell.get("chipRuns"):
            text = chip_text(text, cell["chipRuns"])
        return text or None
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        error = value["errorValue"]
        code = ERROR_CODES.get(str(error.get("type", "ERROR")), "#ERROR!")
        # a value entered with no formula (READ_FIELDS masks it to ``{}``): the error value
        # itself, pasted or typed; no userEnteredValue at all is an array's cell, a formula's
        entered = cell.get("userEnteredValue")
        typed = entered is not None and "formulaValue" not in entered
        return CellError(code, str(error.get("message") or ""), typed)
    return None


def _shows_date(fmt: Mapping[str, Any]) -> bool:
    """A DATE or DATE_TIME format shows its number as a date: with no pattern (the type's
    default one), or a pattern with a date or time element. A pattern given governs the
    display, as for a percentage (``_in_percent``): ``{"type": "DATE", "pattern": "0.00"}``
    shows 46000 as 46000.00, and it read as 2025-12-09 (until 2026-12-07). A NUMBER
    format's date pattern stays a number: Google's own UI and Apps Script give a date
    pattern the DATE type, and how Google reads a date pattern under a NUMBER type (as
    dates, or its letters as literals) is not documented."""
    pattern = fmt.get("pattern")
    return not isinstance(pattern, str) or not pattern or shows_date_or_time(pattern)


def _dated(serial: float, kind: str) -> dt.date | None:
    """A number Google shows as a date (a typed 7/10 becomes July 10) as that date, as an
    Excel date cell reads: a date on its day, a datetime with a time of day. None when it
    is no day of ``dt.date``'s range; the number is read then."""
    if not math.isfinite(serial):
        return None
    try:
        moment = dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(
            seconds=round(serial * 86400)
        )
    except OverflowError:
        return None
    if kind == "DATE" and moment.time() == dt.time():
        return moment.date()
    return moment


def grid_from_json(sheet: Mapping[str, Any]) -> SheetGrid:
    """A sheet of a ``spreadsheets.get`` response as a ``SheetGrid`` anchored at A1."""
    return read_grid(sheet)[0]


def read_grid(
    sheet: Mapping[str, Any], header_rows: int = HEADER_FILL_ROWS
) -> tuple[SheetGrid, tuple[arrays.Filled, ...]]:
    """``grid_from_json``, and the ranges other cells fill, which the write refuses; the
    owned header's grey-blue in the first ``header_rows`` rows only."""
    title = str(sheet["properties"]["title"])
    rows: list[tuple[CellValue, ...]] = []
    hidden: set[int] = set()
    hidden_cols: list[int] = []  # owned columns a layout lacks are not added there
    percent: set[tuple[int, int]] = set()
    shown: set[tuple[int, int]] = set()  # any number in a PERCENT format (lint)
    painted: dict[tuple[int, int], str] = {}  # cells in a fill the sync writes (``fills``)
    formulas: dict[tuple[int, int], str] = {}  # an owned one is written whatever it shows
    filled: list[tuple[int, int]] = []  # a value, none entered: an array formula fills it
    entered: set[tuple[int, int]] = set()
    blocks: list[arrays.Filled] = []  # arrays broken already: #REF!, nothing filled
    pruned = False  # a typed value's userEnteredValue seen as {}: what tells them apart
    used = 0
    for b, data in enumerate(arr(sheet.get("data", []), f"{as_typed(title)} data")):
        block = obj(data, f"{as_typed(title)} data[{b}]")
        top, left = int(block.get("startRow", 0)), int(block.get("startColumn", 0))
        for i, row in enumerate(arr(block.get("rowData", []), f"{as_typed(title)} rowData")):
            where = f"{as_typed(title)} row {top + i + 1}"  # in words, as typed
            cells = arr(obj(row, where).get("values", []), f"{where} values")
            for j, c in enumerate(cells):
                try:
                    checked_cell(c)
                except ShapeError as exc:  # the cell named only now: see checked_cell
                    at = quote_tab(title)  # 'Q1 OKRs'!C3, as a formula names it
                    raise ShapeError(f"{at}!{a1(top + i + 1, left + j + 1)} {exc}") from None
            values = [None] * left + [cell_value(c) for c in cells]
            for j, c in enumerate(cells):
                if j + 1 > used - left and _has_content(c):
                    used = left + j + 1
                if formula := _formula(c):
                    formulas[(top + i + 1, left + j + 1)] = formula
                    if broken := arrays.blocked(c, (top + i + 1, left + j + 1), formula):
                        blocks.append(broken)
                if "userEnteredValue" in c:  # ``{}`` for a typed value (READ_FIELDS)
                    entered.add((top + i + 1, left + j + 1))
                    pruned = pruned or not c["userEnteredValue"]
                elif c.get("effectiveValue"):
                    filled.append((top + i + 1, left + j + 1))
                if (fill := owned_fill(c)) is not None and (
                    fill != OWNED_HEADER_FILL or top + i < header_rows  # header rows only
                ):
                    painted[(top + i + 1, left + j + 1)] = fill
                if _in_percent(c):
                    shown.add((top + i + 1, left + j + 1))
                    if _is_percent_one(c):
                        percent.add((top + i + 1, left + j + 1))
            while values and values[-1] is None:
                values.pop()
            while len(rows) <= top + i:
                rows.append(())
            rows[top + i] = tuple(values)
        for i, meta in enumerate(block.get("rowMetadata", [])):
            # hiddenByFilter is a view (one person's filter), not a decision: read the row
            if meta.get("hiddenByUser"):
                hidden.add(top + i + 1)
        for j, meta in enumerate(block.get("columnMetadata", [])):
            if meta.get("hiddenByUser"):
                hidden_cols.append(left + j + 1)
    while rows and not rows[-1]:
        rows.pop()
    merged = tuple(
        CellRange(
            int(m.get("startRowIndex", 0)) + 1,
            int(m.get("startColumnIndex", 0)) + 1,
            int(m.get("endRowIndex", 0)),
            int(m.get("endColumnIndex", 0)),
        )
        for m in sheet.get("merges", [])
    )
    # a tab with no {} (only formulas, or should Google ever drop the empty message) has no
    # cell judged filled: a typed value is never taken for one and refused
    height = tab_size(sheet["properties"], as_typed(title))[0]
    fills = arrays.filled_ranges(
        filled if pruned else (), entered, formulas, arrays.reach(formulas, height)
    ) + tuple(blocks)
    hidden_read = frozenset(r for r in hidden if r <= len(rows))
    grid = SheetGrid(
        title,
        tuple(rows),
        hidden_rows=hidden_read,
        grouped_rows=_grouped(sheet, title, hidden_read),
        merged=merged,
        percent_ones=frozenset(percent),
        percent_cells=frozenset(shown),
        used_cols=used,
        formula_cells=formulas,
        formula_arrays=tuple(f.area for f in fills if f.anchor and not f.blocks),
        hidden_cols=column_spans(hidden_cols),
        fills=painted,
    )
    return grid, fills


def _grouped(sheet: Mapping[str, Any], title: str, hidden: frozenset[int]) -> frozenset[int]:
    """The ``hidden`` rows inside a row group (``rowGroups``, read in the one ``get``): "inside
    a row group", as an .xlsx hidden row with an ``outlineLevel`` (collapsed, or hidden by
    hand in an expanded group: Google's ``hiddenByUser`` is both, as Excel's ``hidden``).
    Until 2026-12-07 not read, so a collapsed group's rows were "hidden by hand"."""
    spans: list[tuple[int, int]] = []  # 0-based, end exclusive, as the API gives them
    for i, group in enumerate(arr(sheet.get("rowGroups", []), f"{as_typed(title)} rowGroups")):
        where = f"{as_typed(title)} rowGroups[{i}]"
        span = obj(obj(group, where).get("range", {}), f"{where}.range")
        spans.append((int(span.get("startIndex", 0)), int(span.get("endIndex", 0))))
    if not spans or not hidden:  # most tabs: no look a row
        return frozenset()
    union: list[tuple[int, int]] = []
    for a, b in sorted(spans):  # nested groups (depth 2 in 1) merged: one look a row
        if union and a <= union[-1][1]:
            union[-1] = (union[-1][0], max(b, union[-1][1]))
        elif a < b:
            union.append((a, b))
    starts = [a for a, _ in union]
    return frozenset(
        r for r in hidden if (i := bisect_right(starts, r - 1) - 1) >= 0 and r <= union[i][1]
    )


def _formula(cell: Mapping[str, Any]) -> str:
    """The formula the cell holds (``=0.25+0.25``), "" for a value. Google keeps an array
    formula's text in its first cell only; the cells it fills have a value and no
    ``userEnteredValue`` (``arrays``), their range is the grid's ``formula_arrays``."""
    formula = cell.get("userEnteredValue", {}).get("formulaValue")
    return formula if isinstance(formula, str) else ""


def _has_content(cell: Mapping[str, Any]) -> bool:
    """A value or a formula, as an Excel cell with a child counts. Google sends a formula
    showing blank (``=IF(H2>0,"","")``) with no effectiveValue at all, only the formula:
    read as empty, the sync added its owned columns over such helper formulas."""
    return bool(cell.get("effectiveValue") or cell.get("userEnteredValue", {}).get("formulaValue"))


def _in_percent(cell: Mapping[str, Any]) -> bool:
    """A number shown as a percentage: Google stores a typed 45% as 0.45 in a PERCENT
    format. The API takes a type and a pattern apart, and a pattern given decides, as it
    governs the display: one that shows a percentage (an unquoted ``%``) whatever the type,
    so a script's ``{"type": "NUMBER", "pattern": "0%"}``, whose 1 shows 100%, which read
    1 of 10 (until 2026-12-07: only the type was read); a PERCENT with no pattern."""
    number = cell.get("effectiveValue", {}).get("numberValue")  # a wrong shape raises
    if number is None:
        return False
    fmt = cell.get("effectiveFormat", {}).get("numberFormat", {})
    pattern = fmt.get("pattern")
    if not isinstance(pattern, str) or not pattern:  # the type's default pattern shows it
        return bool(fmt.get("type") == "PERCENT")
    # a pattern given governs the display, the type only picks a default one (the API's
    # NumberFormat.pattern): a PERCENT ``0.00`` shows 2 as 2.00, and it was a percent
    # cell, 2 its 200% error (until 2026-12-07)
    kind = fmt.get("type")
    if kind == "TEXT" or (kind in _DATED and shows_date_or_time(pattern)):
        return False  # a date pattern's % is a literal character
    # a date type's pattern with no date element is the number pattern it shows as
    # (``_shows_date``): {DATE, "0%"} shows 1 as 100% (until 2026-12-07 no percent cell)
    return is_percent_code(pattern)


#: the types whose pattern may be a date's, whose other characters are literals
_DATED = frozenset({"DATE", "TIME", "DATE_TIME"})


def _is_percent_one(cell: Mapping[str, Any]) -> bool:
    """1 shown as 100%: Google stores a typed 100% as the number 1 in a PERCENT format."""
    return bool(cell.get("effectiveValue", {}).get("numberValue") == 1)
