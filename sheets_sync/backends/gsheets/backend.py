"""``GoogleSheetsBackend``: one team's Google spreadsheet behind the ``Backend`` protocol.

A changed team costs two API calls and an unchanged team one, whatever its size:
``read`` is a single ``spreadsheets.get`` (grid data under a field mask: effective values,
formulas, number-format types, rows hidden by the user, row groups, merges, sheet
properties) and ``write`` a single ``batchUpdate``, which Google applies all-or-nothing,
so a sheet is never left half-written.
The mapping's alternative tab names ("OKRs", "OKR", "Key results") are matched
case-insensitively on our side, which is why the read cannot name ranges: a range for a
tab that does not exist fails the request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_sync.backends.gsheets import arrays, guard, protection, refusal
from sheets_sync.backends.gsheets.celldata import cell_data, update_cells
from sheets_sync.backends.gsheets.cellshape import checked_cell, owned_fill
from sheets_sync.backends.gsheets.chips import chip_text
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.shape import (
    ShapeError,
    arr,
    obj,
    reply_shape,
    sheet_tabs,
    tab_size,
    tabs_as_read,
)
from sheets_sync.domain.values import EXCEL_EPOCH
from sheets_sync.errors import LayoutError, NotFoundError, PermissionDeniedError, RemoteError
from sheets_sync.grid import (
    HEADER_FILL_ROWS,
    LOADING,
    OWNED_HEADER_FILL,
    CellError,
    CellRange,
    CellValue,
    CellWrite,
    SheetGrid,
    WorkbookData,
    a1,
    as_typed,
    column_spans,
    quote_tab,
    tab_key,
)

#: ``userEnteredValue.formulaValue`` tells the three kinds of cell apart at no cost: a
#: formula's text, ``"userEnteredValue": {}`` for a typed value (Google keeps a message that
#: is set, its fields masked out, as ``{}``: ``fields=sheets.properties.tabColorStyle`` of
#: a tab with no colour gives ``"properties": {}``, ../shared/gspread-cassettes
#: WorksheetTest.test_clear_tab_color), and no ``userEnteredValue`` for a cell an array
#: formula fills (``arrays``). The whole ``userEnteredValue`` would tell them apart too, at
#: 21% more bytes for a bench team (47.7 to 58.0 KB; gzipped 1.8 to 2.8 KB).
READ_FIELDS = (
    f"spreadsheetId,properties.title,{protection.NAMED_FIELDS},"
    "sheets(properties(sheetId,title,index,sheetType,gridProperties(rowCount,columnCount)),"
    f"merges,{protection.FIELDS},rowGroups.range(startIndex,endIndex),"
    "data(rowMetadata(hiddenByUser),"
    "columnMetadata(hiddenByUser),"
    "rowData(values(effectiveValue,userEnteredValue.formulaValue,chipRuns,"
    "effectiveFormat.numberFormat.type,userEnteredFormat.backgroundColor))))"
)
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

#: The tabs Google gives no cells for (``sheetType``), as a layout error names them
SHEET_KINDS = {
    "OBJECT": "a chart sheet",
    "DATA_SOURCE": "a connected-data sheet (Connected Sheets: BigQuery, Looker)",
}


@dataclass(frozen=True)
class SheetMeta:
    sheet_id: int
    title: str
    rows: int
    cols: int


def cell_value(cell: Mapping[str, Any]) -> CellValue:
    """An ``effectiveValue`` as a neutral value; whole numbers become ints like Excel's."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    if "numberValue" in value:
        number = float(value["numberValue"])
        kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
        if kind in ("DATE", "DATE_TIME") and (moment := _dated(number, kind)) is not None:
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
    """A number shown in a PERCENT format: Google stores a typed 45% as 0.45."""
    number = cell.get("effectiveValue", {}).get("numberValue")  # a wrong shape raises
    kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
    return kind == "PERCENT" and number is not None


def _is_percent_one(cell: Mapping[str, Any]) -> bool:
    """1 shown as 100%: Google stores a typed 100% as the number 1 in a PERCENT format."""
    return bool(cell.get("effectiveValue", {}).get("numberValue") == 1)


class GoogleSheetsBackend:
    """A team's spreadsheet ``gsheet:<key>``; ``api_calls`` counts this team's HTTP attempts."""

    def __init__(
        self,
        client: SheetsClient,
        key: str,
        *,
        display_name: str | None = None,
        checks: bool = True,
        once: bool = False,
    ):
        """``checks``: take Drive's version before the read, for the write's check
        (``guard``); False for a run that writes nothing (until 2026-12-07 such runs
        asked Drive too, and warned of writes made "without the check"). ``once``: the
        caller writes it once a read (a sync's team, ``open_backend``): no Drive call after
        its write for a second one's check (a second write is then said unchecked)."""
        self.client = client
        self.checks = checks
        self.once = once
        self.key = key
        self._display_name = display_name or f"gsheet:{key}"
        self._meta: dict[str, SheetMeta] = {}
        self._protected: dict[str, list[protection.Protection]] = {}
        self._filled: dict[str, tuple[arrays.Filled, ...]] = {}
        self._lock = threading.Lock()
        self.api_calls = 0  # Sheets API calls (its quota)
        self.drive_calls = 0  # Drive calls: the version check (``guard``), Drive's quota
        self._version: str | None = None  # Drive's, taken before the read
        self._wrote = False  # a write since: a next one unchecked unless its version known
        #: the run's writes of the sheet when this read it, and the read's tabs as read
        #: (``_moved``: a sheet-mate's write since is told from an edit of these tabs)
        self._seen = 0
        self._tabs: dict[str, str] = {}
        self._wanted: frozenset[str] = frozenset()

    @property
    def display_name(self) -> str:
        return self._display_name

    def _tally(self) -> None:
        with self._lock:
            self.api_calls += 1

    def _drive_tally(self) -> None:
        with self._lock:
            self.drive_calls += 1

    def read(self, tabs: Sequence[str], header_rows: int = HEADER_FILL_ROWS) -> WorkbookData:
        """All tab names plus the grids of ``tabs`` (case- and outer-space-insensitive);
        one tab's name may be given as a str (its letters were the tabs until 2026-12-07).
        ``header_rows``: how far down the owned header's grey-blue is read."""
        if isinstance(tabs, str):
            tabs = (tabs,)
        # before the read: a change during it counts too (``guard``)
        unchecked: list[str] = []  # said once the read succeeds: a wrong key fails it
        self._wrote = False
        self._seen = guard.written(self.client, self.key)  # before the version: never fewer
        self._version = (
            guard.before_read(
                self.client, self.key, self.display_name, self._drive_tally, unchecked
            )
            if self.checks
            else None
        )
        body = self.client.get_spreadsheet(
            self.key,
            {"includeGridData": "true", "fields": READ_FIELDS},
            source=self.display_name,
            what="read",
            tally=self._tally,
        )
        wanted = {tab_key(t) for t in tabs}
        self._wanted = frozenset(wanted)
        names: list[str] = []
        sheets: dict[str, SheetGrid] = {}
        self._meta = {}
        self._protected = {}
        self._filled = {}
        with reply_shape(self.display_name, "read", self.key):
            named = protection.named_ranges(body)
            for sheet, props in sheet_tabs(body):
                title = str(props.get("title", ""))
                names.append(title)
                size = tab_size(props, as_typed(title))
                self._meta[title] = SheetMeta(int(props.get("sheetId", 0)), title, *size)
                self._protected[title] = protection.protections(sheet, title, named)
                if tab_key(title) in wanted:
                    if (kind := str(props.get("sheetType", "GRID"))) != "GRID":
                        sheets[title] = SheetGrid(title, (), kind=SHEET_KINDS.get(kind, kind))
                    else:
                        with reply_shape(
                            self.display_name, f"read tab {as_typed(title)}", self.key
                        ):
                            sheets[title], self._filled[title] = read_grid(sheet, header_rows)
            book = str(obj(body.get("properties", {}), "properties").get("title", "")).strip()
            self._tabs = tabs_as_read(body, self._wanted)
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
        if book and self._display_name == f"gsheet:{self.key}":
            # findings and later errors name the sheet as people know it, by its title; the
            # key, shortened, tells two sheets of one title apart (the report has it whole)
            self._display_name = f"{book} (gsheet:{self.key[:4]}...{self.key[-4:]})"
        guard.said_unchecked(self.display_name, unchecked)
        return WorkbookData(
            source=self.display_name,
            sheet_names=tuple(names),
            sheets=sheets,
            version=f"sheets:{digest[:32]}",
            meta={"format": "gsheet", "key": self.key},
        )

    def plan(self, writes: Sequence[CellWrite]) -> list[dict[str, Any]]:
        """The ``batchUpdate`` requests: grid growth first, then one ``updateCells`` a cell."""
        grow: list[dict[str, Any]] = []
        cells: list[dict[str, Any]] = []
        need: dict[str, tuple[int, int]] = {}
        for w in writes:
            meta = self._meta.get(w.sheet)
            if meta is None:
                raise LayoutError(
                    f"tab {as_typed(w.sheet)} is not in the spreadsheet (renamed or deleted since "
                    "it was read?)",
                    source=self.display_name,
                    tab=w.sheet,
                )
            rows, cols = need.get(w.sheet, (meta.rows, meta.cols))
            need[w.sheet] = (max(rows, w.row), max(cols, w.col))
            cells.append(update_cells(meta.sheet_id, w))
        for title, (rows, cols) in need.items():
            meta = self._meta[title]
            for dimension, have, want in (("ROWS", meta.rows, rows), ("COLUMNS", meta.cols, cols)):
                if want > have:
                    grow.append(
                        {
                            "appendDimension": {
                                "sheetId": meta.sheet_id,
                                "dimension": dimension,
                                "length": want - have,
                            }
                        }
                    )
        return grow + cells

    def write(self, data: WorkbookData, writes: Sequence[CellWrite]) -> None:
        """Apply every write in one atomic ``batchUpdate``; nothing at all when empty."""
        if not writes:
            return
        if not self._meta:
            raise ValueError("write() needs read() on this backend first (no sheet metadata)")
        requests = self.plan(writes)
        protection.check(writes, self._protected, self.client.email, self.display_name)
        arrays.check(writes, self._filled, self.display_name)
        what = f"write {len(writes)} cells"
        unknown = self._version is None and self._wrote  # said once sent, not before
        at = (self.client, self.key, self._version, self.display_name, self._drive_tally)
        left: list[str | None] = [None]
        kept = None if self.once else left
        with guard.checked(*at, kept, self._moved, self._seen) as precheck:
            self._send(requests, writes, what, precheck)
        if unknown:  # until 2026-12-07 said before the send, of a write that might fail
            guard.said_unchecked(self.display_name, ["a second write since its read"])
        # our own write moved it: the version it left, when known (a shared sheet's)
        self._version, self._wrote = left[0], True
        self._grown(writes)

    def _moved(self, want: str) -> str:
        """The version to check this team's write against once the run wrote its sheet
        since its read (``guard.checked``, under the sheet's lock): Drive's now, when it
        is ``want`` or when this team's tabs, read again (one Sheets read), are as its
        read had them, the move another team's write (or an edit of another tab): nothing
        of this team's to write over; else ``want``, whose check fails (CONFLICTED)."""
        now = guard.version_now(self.client, self.key, self.display_name, self._drive_tally)
        if now is None or now == want:
            return want
        body = self.client.get_spreadsheet(
            self.key,
            {"includeGridData": "true", "fields": READ_FIELDS},
            source=self.display_name,
            what="read its tabs again",
            tally=self._tally,
        )
        with reply_shape(self.display_name, "read its tabs again", self.key):
            same = tabs_as_read(body, self._wanted) == self._tabs
        return now if same else want

    def _send(
        self,
        requests: list[dict[str, Any]],
        writes: Sequence[CellWrite],
        what: str,
        precheck: Callable[[], None],
    ) -> None:
        try:
            self.client.batch_update(
                self.key,
                {"requests": requests},
                source=self.display_name,
                what=what,
                tally=self._tally,
                precheck=precheck,
            )
        except PermissionDeniedError as exc:  # read a moment ago: a viewer, or unshared since
            refused = refusal.refused_write(
                self.client, exc, self.key, self.display_name, tally=self._tally
            )
            if refused is exc:  # another 403 (a disabled API, a policy): as it is
                raise
            raise refused from exc
        except NotFoundError as exc:  # read a moment ago: deleted since (not a wrong key)
            raise refusal.deleted_after_read(exc, self.key, self.display_name) from exc
        except RemoteError as exc:
            titles: dict[int, str] = {}
            for meta in self._meta.values():
                titles.setdefault(meta.sheet_id, meta.title)
            changed = refusal.changed_since_read(exc, titles, self.display_name)
            if changed is exc:
                raise
            raise changed from exc

    def _grown(self, writes: Sequence[CellWrite]) -> None:
        for title in {w.sheet for w in writes}:  # the grid grew; keep the cache true
            meta = self._meta[title]
            rows = max([meta.rows] + [w.row for w in writes if w.sheet == title])
            cols = max([meta.cols] + [w.col for w in writes if w.sheet == title])
            self._meta[title] = SheetMeta(meta.sheet_id, title, rows, cols)


__all__ = ["GoogleSheetsBackend", "cell_data", "grid_from_json"]
