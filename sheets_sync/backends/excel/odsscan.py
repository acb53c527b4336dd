"""What calamine does not give about an .ods file's tables: their extent (repeats
expanded), hidden rows and columns, merged ranges, error cells, percent cells and the
formulas with no value; and the file's null date. Split out of ``sheetscan.py`` on
2026-12-07 (the .xlsx scan, and the ``Scan`` both fill), behaviour unchanged.

A row a filter hides is not hidden here: a filter is a view, not the team's decision to
drop the row (see ``sheetscan``); .ods marks such rows ``table:visibility="filter"``.
``scan_ods`` takes the ``content.xml`` a ``safety.inspect_package`` check has passed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from lxml import etree

from sheets_sync.backends.excel.sheetscan import Scan
from sheets_sync.backends.excel.xmlutil import BEYOND, iterparse, local_name, xml_damage
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellRange

#: .ods percent cells listed for lint, at most, and formulas with no value (each repeated
#: cell adds up to 1,000 rows x 100 columns): a tab of repeated % cells must not take
#: hundreds of MB for one warning
PERCENT_CELLS_KEPT = 100_000
_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


#: an .ods count as calamine reads it (Rust's ``u64``): ASCII digits, a ``+`` before them
_ODS_COUNT = re.compile(r"\+?([0-9]+)")


def _ods_count(el: Any, name: str, source: str) -> int:
    """An .ods count attribute (``table:number-rows-repeated``...), 1 when absent, read
    as calamine reads it: a ``+`` and leading zeros are none, past ``2**64`` none. A
    row's or cell's repeat calamine cannot read (``" 2 "``, ``-1``, a number past
    ``2**64``) fails it with "Cannot detect file format": it is named here. A column's
    repeat and a span calamine does not read: one it cannot is 1 (no merge), one past
    ``2**64`` is ``BEYOND``. ``int`` refused 5,000 digits with Python's advice ("use
    sys.set_int_max_str_digits()") as the file's damage, a padded 1 too, which calamine
    reads (until 2026-12-07); from then a bad span (``-1``, ``+2``) was the file's
    damage, and a repeat of 19 or 20 digits was said as ``BEYOND``'s (until a review)."""
    text = el.get(f"{{{_ODS_TABLE}}}{name}")
    if text is None:
        return 1
    m = _ODS_COUNT.fullmatch(text)
    digits = m[1].lstrip("0") if m else ""
    number = int(digits or "0") if m and len(digits) <= 20 else None  # 20: int() is quick
    if number is not None and number < 2**64:
        return number
    if not name.endswith("-repeated") or local_name(el.tag) == "table-column":
        return 1 if m is None else BEYOND
    if m is None:
        shown = text if len(text) <= 20 else f"{text[:20]}... ({len(text):,} characters)"
        said = f"{shown!r}, not a count (digits only)"
    else:
        said = f"a number of {len(digits):,} digits, more than any spreadsheet repeats"
    raise WorkbookError(f"the file is damaged: content.xml: table:{name} is {said}", source=source)


def scan_ods(xml: bytes, source: str) -> dict[str, Scan]:
    """Per-table extent (repeats expanded), hidden rows and error cells of content.xml."""
    scans: dict[str, Scan] = {}
    tname = f"{{{_ODS_TABLE}}}name"
    tags = ("table", "table-row", "table-column")
    events = iterparse(xml, ("start", "end"), tuple(f"{{{_ODS_TABLE}}}{t}" for t in tags))
    scan, row_no, col_no = Scan(), 0, 0
    try:
        for event, el in events:
            if local_name(el.tag) == "table":
                if event == "start":
                    scan, row_no, col_no = Scan(), 0, 0
                    scans[el.get(tname, "")] = scan
                else:
                    el.clear()
                continue
            if event == "start":
                continue
            if local_name(el.tag) == "table-column":  # a column's visibility (before the rows)
                span = _ods_count(el, "number-columns-repeated", source)
                if el.get(f"{{{_ODS_TABLE}}}visibility") == "collapse" and col_no < 16_384:
                    scan.hidden_cols.append((col_no + 1, min(col_no + span, 16_384)))
                col_no += span
                continue
            repeat = _ods_count(el, "number-rows-repeated", source)
            first = row_no + 1
            row_no += repeat
            # "filter": a row an active filter hides, read as shown (see the module doc)
            if el.get(f"{{{_ODS_TABLE}}}visibility") == "collapse" and repeat < 10_000:
                scan.hidden_rows.update(range(first, row_no + 1))
            col = 0
            for cell in el:
                span = _ods_count(cell, "number-columns-repeated", source)
                col += span
                rows_spanned = _ods_count(cell, "number-rows-spanned", source)
                cols_spanned = _ods_count(cell, "number-columns-spanned", source)
                if (
                    (rows_spanned > 1 or cols_spanned > 1)
                    and span == 1
                    and repeat == 1
                    and max(rows_spanned, cols_spanned) < BEYOND
                ):
                    scan.merged.append(
                        CellRange(row_no, col, row_no + rows_spanned - 1, col + cols_spanned - 1)
                    )
                if cell.get(f"{{{_ODS_OFFICE}}}value-type") is None and len(cell) == 0:
                    formula = cell.get(f"{{{_ODS_TABLE}}}formula") is not None
                    if formula and len(scan.uncalculated) < PERCENT_CELLS_KEPT:
                        scan.uncalculated.update(  # repeats as percent cells (until
                            (r, c)  # 2026-12-07 a repeated cell listed none), the first
                            # 100 columns (the last 100, until a review on 2026-12-07)
                            for r in range(first, min(row_no, first + 1000) + 1)
                            for c in range(col - span + 1, min(col, col - span + 100) + 1)
                        )
                    continue
                scan.max_row = max(scan.max_row, row_no)
                scan.max_col = max(scan.max_col, col)
                if (
                    cell.get(f"{{{_ODS_OFFICE}}}value-type") == "percentage"  # 45% typed
                    and len(scan.percent_cells) < PERCENT_CELLS_KEPT
                ):
                    scan.percent_cells.update(
                        (r, c)
                        for r in range(first, min(row_no, first + 1000) + 1)
                        for c in range(col - span + 1, min(col, col - span + 100) + 1)
                    )
                if (
                    cell.get(f"{{{_ODS_OFFICE}}}value-type") == "percentage"
                    and cell.get(f"{{{_ODS_OFFICE}}}value", "").strip() in ("1", "1.0")
                    and span == 1
                ):  # a typed 100% (percent.py has the .xlsx twin)
                    scan.percent_ones.update(
                        (r, col) for r in range(first, min(row_no, first + 1000) + 1)
                    )
                if cell.get(f"{{{_ODS_CALCEXT}}}value-type") == "error" and span == 1:
                    # LibreOffice's own codes (Err:502) have no Excel twin: kept as they are.
                    text = "".join(cell.itertext()).strip() or "#VALUE!"
                    for r in range(first, min(row_no, first + 1000) + 1):
                        scan.errors[(r, col)] = text
            el.clear()
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise WorkbookError(f"the file is damaged: {xml_damage(exc)}", source=source) from exc
    return scans


def ods_null_date(xml: bytes, source: str) -> dt.date | None:
    """Day 0 of the .ods file's plain-number dates (``<table:null-date>``; None: the ODF
    default, 1899-12-30). A Mac workbook saved by LibreOffice keeps its 1904-01-01 here.
    It sits in the settings before the first table, so the scan stops there."""
    tag = f"{{{_ODS_TABLE}}}null-date"
    events = iterparse(xml, ("start",), (tag, f"{{{_ODS_TABLE}}}table"))
    try:
        for _, el in events:
            if el.tag != tag:
                return None
            value = el.get(f"{{{_ODS_TABLE}}}date-value", "")
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                raise WorkbookError(
                    f"the file is damaged: its null date {value!r} is not a date", source=source
                ) from None
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"the file is damaged: {xml_damage(exc)}", source=source) from exc
    return None
