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

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_sync.backends.gsheets import arrays, guard, protection, refusal
from sheets_sync.backends.gsheets.celldata import cell_data, update_cells
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.gridjson import grid_from_json, read_grid
from sheets_sync.backends.gsheets.shape import (
    obj,
    reply_shape,
    sheet_tabs,
    tab_size,
    tabs_as_read,
)
from sheets_sync.errors import LayoutError, NotFoundError, PermissionDeniedError, RemoteError
from sheets_sync.grid import (
    HEADER_FILL_ROWS,
    CellWrite,
    SheetGrid,
    WorkbookData,
    as_typed,
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
    "effectiveFormat.numberFormat(type,pattern),userEnteredFormat.backgroundColor))))"
)

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
            # only a checked write looks again (``_moved``): a read with no version skips it
            self._tabs = tabs_as_read(body, self._wanted) if self._version is not None else {}
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
        # our own write moved it: the version it left, when known (a shared sheet's), and
        # the run's writes of the sheet with it, so that it is not taken for a sheet-mate's
        # (until 2026-12-07 a second write asked Drive again, ``_moved``)
        self._version, self._wrote = left[0], True
        self._seen = guard.written(self.client, self.key)
        self._grown(writes)

    def _moved(self, want: str) -> str:
        """The version to check this team's write against once the run wrote its sheet
        since its read (``guard.checked``, under the sheet's lock): Drive's now, when it
        is ``want`` or when this team's tabs, read again (one Sheets read), are as its
        read had them, the move another team's write (or an edit of another tab): nothing
        of this team's to write over; else ``want``, whose check fails (CONFLICTED).
        After a write of this backend's own (a library caller's second), its tabs as read
        are not its tabs any more: ``want``, the version that write left, no look again
        (until 2026-12-07 it read them again and took its own write for an edit)."""
        if self._wrote:
            return want
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
