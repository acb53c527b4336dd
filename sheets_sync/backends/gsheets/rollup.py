"""The company rollup into a Google spreadsheet (``rollup.output: gsheet:<key>``).

Two API calls when it fits in one request (``staging.BATCH_BYTES``, some 88 teams, some
19 with 12 nights of Trends and History):
``spreadsheets.get`` for the tab ids and sizes, then one ``batchUpdate`` that adds missing
tabs (with ids we choose, so the same batch can fill them), resizes each of our tabs to its
data and rewrites every cell. Google applies a batch all-or-nothing, so finance's
``IMPORTRANGE`` never sees a half-written rollup. A larger rollup is staged in hidden tabs
over several batches and published by one final batch (``staging``). Values
are typed cells (numbers as numbers, dates as serials with a date format, text as
``stringValue`` so nothing is ever parsed as a formula); tabs we do not own are left alone.
With a history, the workbook's Trends and History tabs follow the others (``trends``).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sheets_sync.native_threads import import_quietly

# ruff: noqa: E402 (numpy and pyarrow first, their native threads kept from starting)
import_quietly()

import numpy as np
import pandas as pd

from sheets_sync.backends.gsheets import protection, refusal, staging
from sheets_sync.backends.gsheets.celldata import number_format, rgb
from sheets_sync.backends.gsheets.clients import client_for
from sheets_sync.backends.gsheets.shape import need, reply_shape, sheet_tabs, tab_size
from sheets_sync.domain.kind_formats import KIND_FORMATS
from sheets_sync.domain.rules import ScoringRules
from sheets_sync.domain.values import EXCEL_EPOCH
from sheets_sync.errors import NotFoundError, PermissionDeniedError, RemoteError
from sheets_sync.grid import as_typed
from sheets_sync.loggers import get_logger
from sheets_sync.rollup.cellxml import blank
from sheets_sync.sources import GSHEET_PREFIX

if TYPE_CHECKING:
    from sheets_sync.backends.gsheets.client import SheetsClient
    from sheets_sync.rollup import Rollup
    from sheets_sync.rollup.schema import Column
    from sheets_sync.workspace_spec import Workspace

log = get_logger("sheets_sync.gsheets")
META_FIELDS = (
    "namedRanges(namedRangeId,name,range),sheets(properties(sheetId,title,gridProperties(rowCount,"
    f"columnCount)),{protection.FIELDS})"
)
HEADER_FORMAT = {
    "backgroundColor": rgb("DDEBF7"),
    "backgroundColorStyle": {"rgbColor": rgb("DDEBF7")},
    "textFormat": {"bold": True},
}
BOLD = {"textFormat": {"bold": True}}
#: Google's 400 for a request body past its front end's limit (10,485,760 bytes)
TOO_LARGE = "Request payload size exceeds the limit"
#: the Summary's Generated at shows its seconds, in both rollups; a column's format by its
#: kind is the workbook's (``domain.kind_formats``; until 2026-12-07 a date-time column
#: here was ``yyyy-mm-dd hh:mm:ss``)
GENERATED_AT_FORMAT = "yyyy-mm-dd hh:mm:ss"

Cell = dict[str, Any]
Row = list[Cell]


def serial(moment: dt.date) -> float:
    """Days since ``EXCEL_EPOCH`` (1899-12-30), the epoch Sheets and Excel share; cut
    to the whole second, what a date-time's format shows, as the workbook's
    (``bulk.excel_serials``: 23:59:59.7 stays in its day)."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time())
    epoch = dt.datetime.combine(EXCEL_EPOCH, dt.time())
    return (moment.replace(tzinfo=None, microsecond=0) - epoch).total_seconds() / 86400


def cell(value: object, fmt: str | None = None, look: dict[str, Any] | None = None) -> Cell:
    """A typed ``CellData``; a missing value (None, NA, NaN, NaT) is an empty cell, and so
    is an infinite number of any type, by the workbook's rule (``rollup.cellxml.blank``,
    which the export applies a column at a time)."""
    out: Cell = {}
    if value is None or value is pd.NA or value is pd.NaT:
        pass
    elif isinstance(value, bool | np.bool_):  # numpy 2 names it ``bool``: not by name
        out["userEnteredValue"] = {"boolValue": bool(value)}
    elif isinstance(value, dt.date):
        out["userEnteredValue"] = {"numberValue": serial(value)}
        fmt = fmt or KIND_FORMATS["datetime" if isinstance(value, dt.datetime) else "date"]
    elif isinstance(value, numbers.Real | Decimal):
        if not blank(value):  # a Decimal too, as the workbook (it was text: "Infinity")
            out["userEnteredValue"] = {"numberValue": float(value)}
    elif str(value):
        out["userEnteredValue"] = {"stringValue": str(value)}
    style = dict(look or {})
    if fmt and fmt != "General" and "userEnteredValue" in out:
        style["numberFormat"] = number_format(fmt)
    if style:
        out["userEnteredFormat"] = style
    return out


def text_row(*values: object, look: dict[str, Any] | None = None) -> Row:
    return [cell(v, look=look) for v in values]


class Cells:
    """``cell``, one object for each (value, format): the History tab repeats most of its
    cells (kind, night, team, IDs, names, targets, status, a night's expected score), and
    a ``CellData`` is two to four dicts, some 400 bytes a cell: 6.1 KB a row held, 1.4
    KB so (``tracemalloc``, 20,000 KR rows whose current value and score differ on every
    row). The other tabs' tables too (``table_rows``: team names, periods, statuses,
    targets, the run's moment; each was a cell of its own until 2026-12-07). The cells
    are only serialised, never changed (a bold total is a copy)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[type, object, str | None, bool], Cell] = {}
        self.blank: Cell = {}

    def __call__(self, value: object, fmt: str | None, bare: bool = False) -> Cell:
        """``cell(value, fmt)``; ``bare``: without its format, which its column takes."""
        if value is None or value is pd.NA or value is pd.NaT:
            return self.blank
        if isinstance(value, float) and math.isnan(value):
            return self.blank  # NaN is no key: it equals nothing
        key = (type(value), value, fmt, bare)
        if isinstance(value, float) and value == 0 and math.copysign(1.0, value) < 0:
            key = (type(value), "-0", fmt, bare)  # equals 0.0, which it is not as sent
        try:
            found = self.seen.get(key)
        except TypeError:  # unhashable: no table holds one, but a cell all the same
            return _made(value, fmt, bare)
        if found is None:
            found = self.seen[key] = _made(value, fmt, bare)
        return found


def _made(value: object, fmt: str | None, bare: bool) -> Cell:
    made = cell(value, fmt)
    if bare:
        made.pop("userEnteredFormat", None)
    return made


def table_rows(frame: pd.DataFrame, spec: Sequence[Column], by_column: bool = False) -> list[Row]:
    """Header plus one row per record, each column formatted by its schema kind, and a
    value column (unit ``Unit``: Start, Target, Actual, ...) by the row's unit, as the
    workbook's (``styles.unit_format``: until 2026-12-07 they had no format, a `%` KPI's
    target of 0.08 showed ``0.08`` where the workbook shows ``8.0%``).

    ``by_column``: a tab of its own, whose columns of one number format on every row
    take it once (``staging.FormattedRows``), their cells bare (until 2026-12-07 each
    cell carried it); a value column whose rows' units differ in format keeps a format
    in each cell."""
    from sheets_sync.rollup.styles import unit_format

    formats = [c.number_format for c in spec]
    header = text_row(*(c.name for c in spec), look=HEADER_FORMAT)
    names = [c.name for c in spec]
    data = frame.reindex(columns=names)
    in_unit = [i for i, c in enumerate(spec) if c.unit == "Unit"] if "Unit" in names else []
    unit_at = names.index("Unit") if in_unit else 0
    by_unit: dict[object, list[str | None]] = {}
    for unit in data["Unit"].unique() if in_unit else ():
        key = None if pd.isna(unit) else unit
        by_unit[key] = list(formats)
        for i in in_unit:
            by_unit[key][i] = unit_format(key)
    column_format = list(formats)  # a value column's when every row's unit shows so
    for i in in_unit:
        shown = {row[i] for row in by_unit.values()}
        column_format[i] = shown.pop() if len(shown) == 1 else None
    looks = {
        n: {"numberFormat": number_format(f)}
        for n, f in enumerate(column_format)
        if by_column and f and f != "General"
    }
    rows: list[Row] = staging.FormattedRows([header], looks) if by_column else [header]
    bare = [n in looks for n in range(len(formats))]
    typed = Cells()
    for record in data.itertuples(index=False, name=None):
        row_formats = formats
        if in_unit:
            unit = record[unit_at]
            row_formats = by_unit[None if pd.isna(unit) else unit]
        rows.append([typed(v, f, b) for v, f, b in zip(record, row_formats, bare, strict=True)])
    return rows


def summary_rows(rollup: Rollup) -> list[Row]:
    """The Excel rollup's Summary layout: run facts, the team table, totals, company OKRs."""
    from sheets_sync.rollup.schema import SCHEMA_VERSION, TABLES
    from sheets_sync.rollup.workbook import SUMMARY_HEADER_ROW

    ctx = rollup.context
    rows: list[Row] = [
        [cell("Company", look=BOLD), cell(ctx.company, look=BOLD)],
        [cell("Period", look=BOLD), cell(ctx.period.name)],
        [cell("Period start", look=BOLD), cell(ctx.period.start)],
        [cell("Period end", look=BOLD), cell(ctx.period.end)],
        [cell("As of", look=BOLD), cell(ctx.as_of)],
        [cell("Generated at", look=BOLD), cell(ctx.generated_at, GENERATED_AT_FORMAT)],
        [cell("Schema version", look=BOLD), cell(SCHEMA_VERSION)],
    ]
    rows += [[] for _ in range(SUMMARY_HEADER_ROW - len(rows))]
    spec = TABLES["summary"]
    rows += table_rows(rollup.summary, spec)
    totals = table_rows(rollup.totals, spec)[1:]
    rows += [
        [{**c, "userEnteredFormat": {**c.get("userEnteredFormat", {}), **BOLD}} for c in r]
        for r in totals
    ]
    rows += [[], [cell("Company objectives", look=BOLD)]]
    rows += table_rows(rollup.company_objectives, TABLES["company_objectives"])
    return rows


def dictionary_rows(rules: ScoringRules = ScoringRules()) -> list[Row]:
    """The Data dictionary tab; its meanings quote ``rules``' KPI tolerance."""
    from sheets_sync.rollup.schema import SCHEMA_VERSION, TAB_NAMES, TABLES, meaning

    rows: list[Row] = [[cell("Schema version", look=BOLD), cell(SCHEMA_VERSION)], []]
    rows.append(
        text_row(
            "Table", "Tab", "Column", "Type", "Pandas dtype", "Unit", "Meaning", look=HEADER_FORMAT
        )
    )
    for table, spec in TABLES.items():
        for c in spec:
            rows.append(
                text_row(
                    table,
                    TAB_NAMES[table],
                    c.name,
                    c.kind.value,
                    c.dtype,
                    c.unit,
                    meaning(c, rules),
                )
            )
    return rows


def rollup_tabs(rollup: Rollup) -> list[tuple[str, list[Row], int]]:
    """(tab title, rows, frozen rows) for every tab the rollup owns, in order, but the
    History tab, whose size depends on the spreadsheet's other tabs (``trends``)."""
    from sheets_sync.backends.gsheets import trends
    from sheets_sync.rollup.history import kpi_formats
    from sheets_sync.rollup.schema import TAB_NAMES, TABLES
    from sheets_sync.rollup.workbook import SUMMARY_HEADER_ROW

    tabs = [("Summary", summary_rows(rollup), SUMMARY_HEADER_ROW + 1)]
    for table in ("objectives", "key_results", "kpis", "alignment", "findings"):
        frame = rollup.tables.get(table)
        if frame is not None:
            tabs.append((TAB_NAMES[table], table_rows(frame, TABLES[table], by_column=True), 1))
    tabs.append(("Data dictionary", dictionary_rows(rollup.context.rules), 3))
    return tabs + trends.history_tabs(rollup.history, kpi_formats(rollup.kpis))


def grid_size(rows: Sequence[Row]) -> tuple[int, int]:
    """(rows, columns) of the tab ``rows`` are written to (``place_tabs``): a spare row
    keeps the frozen header valid on an empty table, and one column at the least."""
    return len(rows) + 1, max(1, max((len(r) for r in rows), default=1))


def place_tabs(
    tabs: Sequence[tuple[str, list[Row], int]], existing: dict[str, int]
) -> list[staging.Placed]:
    """Each tab's sheetId and the request that adds it or resizes it to fit its rows.

    Tabs are matched as Google names them, regardless of case (``kpis`` is ``KPIs``: adding
    ``KPIs`` beside it is refused, which failed every night after a rename); a tab renamed
    so gets its name back."""
    used = set(existing.values())
    by_name = {title.casefold(): (sheet_id, title) for title, sheet_id in existing.items()}
    placed: list[staging.Placed] = []
    for title, rows, frozen in tabs:
        height, width = grid_size(rows)
        grid = {"rowCount": height, "columnCount": width, "frozenRowCount": frozen}
        sheet_id, had = by_name.get(title.casefold(), (None, title))
        resize: dict[str, Any]
        if sheet_id is None:
            sheet_id = staging.new_id(used)
            props = {"sheetId": sheet_id, "title": title, "gridProperties": grid}
            resize = {"addSheet": {"properties": props}}
        else:
            props = {"sheetId": sheet_id, "gridProperties": grid}
            fields = "gridProperties(rowCount,columnCount,frozenRowCount)"
            if had != title:
                props["title"], fields = title, f"title,{fields}"
            resize = {"updateSheetProperties": {"properties": props, "fields": fields}}
        placed.append(staging.Placed(sheet_id, resize, rows, height, width))
    return placed


def rollup_requests(placed: Sequence[staging.Placed]) -> list[dict[str, Any]]:
    """The one batch: add or resize each tab to fit its rows exactly, then write every cell."""
    return list(each_request(placed))


def each_request(
    placed: Sequence[staging.Placed], *, sizing: bool = False
) -> Iterator[dict[str, Any]]:
    """``rollup_requests`` one at a time: whether they fit in one batch is told without
    holding them all (``staging.fits`` stops past the limit). ``sizing``: for ``fits``
    only, each tab's rows ``staging.Wrapped``, a row's ``{"values": row}`` made as it is
    sized, not the tab's whole list first (until 2026-12-07)."""
    for tab in placed:
        yield tab.resize
        rows = staging.Wrapped(tab.rows) if sizing else [{"values": r} for r in tab.rows]
        yield {
            "updateCells": {
                "range": staging.grid(tab.sheet_id, tab.height, tab.width),
                "rows": rows,
                "fields": staging.FIELDS,
            }
        }
        yield from staging.column_formats(tab.sheet_id, tab)


NOTHING = refusal.NOTHING_WRITTEN
#: what a 403 on a staged rollup's batch 2 or later left: the earlier batches were applied
#: (staging tabs), and "nothing written" denied them (before 2026-12-06)
STAGED_LEFT = (
    "nothing published: the rollup tabs are as they were, and the hidden staging tabs "
    "written so far stay until a run that may edit the sheet deletes them"
)
#: what a 404 on batch 2 or later left: the staging tabs went with the deleted sheet
STAGED_GONE = "nothing published"


def write_rollup_gsheet(
    rollup: Rollup,
    workspace: Workspace,
    client: SheetsClient | None = None,
    batch_bytes: int | None = None,
) -> int:
    """Publish ``rollup`` to ``workspace.rollup_output``; returns the API calls it took.

    One batch when it fits in ``batch_bytes`` (``staging.BATCH_BYTES``), else staged
    batches and one final batch that publishes them (``staging``): either way the real
    tabs change in one batch, all at once."""
    client = client or client_for(workspace)
    source = workspace.rollup_output
    key = source[len(GSHEET_PREFIX) :]
    limit = batch_bytes or staging.BATCH_BYTES
    spent = [0]

    def tally() -> None:
        spent[0] += 1

    meta = client.get_spreadsheet(
        key, {"fields": META_FIELDS}, source=source, what="rollup: read tabs", tally=tally
    )
    guarded: dict[str, list[protection.Protection]] = {}
    grids: dict[str, tuple[int, int]] = {}  # a shrink deletes the rows and columns past it
    with reply_shape(source, "rollup: read tabs"):
        existing = {
            str(need(props, "title", "properties")): int(props.get("sheetId", 0))
            for _, props in sheet_tabs(meta)
        }
        named = protection.named_ranges(meta)
        for sheet, props in sheet_tabs(meta):
            title = str(props["title"])
            guarded[title.casefold()] = protection.protections(sheet, title, named)
            grids[title.casefold()] = tab_size(props, as_typed(title), empty_ok=True)
    from sheets_sync.backends.gsheets import trends  # it builds on this module's cells

    theirs = trends.not_ours(existing, meta.get("namedRanges", []))
    skipped = {t.casefold() for t in theirs}
    tabs = [tab for tab in rollup_tabs(rollup) if tab[0].casefold() not in skipped]
    if theirs and rollup.history is not None and rollup.history.nights:
        trends.leave_alone(source, theirs)
    tabs = trends.fitted(tabs, grids, rollup.history, source, with_history="history" not in skipped)
    for title, rows, _ in tabs:  # rewritten whole: Google would refuse the batch (400)
        height, width = grid_size(rows)
        old_rows, old_cols = grids.get(title.casefold(), (0, 0))
        prot = protection.covering(
            guarded.get(title.casefold(), []), max(height, old_rows), max(width, old_cols)
        )
        if prot is not None:
            raise protection.refuse_tab(prot, prot.tab, client.email, source)
    leftovers = [i for title, i in existing.items() if staging.is_staging(title)]
    placed = place_tabs(tabs, existing)
    marks = trends.mark_requests(
        [(tab[0], p.sheet_id) for tab, p in zip(tabs, placed, strict=True)],
        meta.get("namedRanges", []),
    )

    def single(sizing: bool = False) -> Iterator[dict[str, Any]]:
        yield from each_request(placed, sizing=sizing)
        yield from marks
        yield from staging.delete(leftovers)

    batches: Sequence[list[dict[str, Any]]]
    if staging.fits(single(sizing=True), limit):
        batches = [list(single())]
        chosen = staging.chosen_ids(batches)
    else:  # each batch made as it goes out: one batch's requests held at a time
        used = set(existing.values()) | {tab.sheet_id for tab in placed}
        batches = staged = staging.staged_batches(placed, leftovers, used, limit, source)
        staged.final = marks
        chosen = staged.chosen

    def send(n: int, batch: list[dict[str, Any]]) -> None:
        what = "rollup: write" if len(batches) == 1 else f"rollup: write {n} of {len(batches)}"
        sent = spent[0]
        try:
            client.batch_update(key, {"requests": batch}, source=source, what=what, tally=tally)
        except PermissionDeniedError as exc:  # its tabs were read: a viewer, or unshared since
            refused = refusal.refused_write(
                client, exc, key, source, outcome=STAGED_LEFT if n > 1 else NOTHING, tally=tally
            )
            if refused is exc:
                raise
            raise refused from exc
        except NotFoundError as exc:  # its tabs were read: deleted since, not a wrong key
            outcome = STAGED_GONE if n > 1 else NOTHING
            raise refusal.deleted_after_read(exc, key, source, outcome=outcome) from exc
        except RemoteError as exc:
            again = spent[0] - sent > 1  # an earlier attempt may have been applied
            applied = staging.applied_before(exc.message, batch, chosen)
            if again and exc.status == 400 and applied:
                log.info("%s: %s: applied by an attempt that timed out", source, what)
                return
            if exc.status == 400 and exc.message.split(": ", 1)[-1].startswith(TOO_LARGE):
                raise too_large(batch, exc, source, len(batches) > 1) from exc
            if exc.status == 400 and protection.GOOGLE_SAYS in exc.message:
                # protected after the check above: likelier while staged batches go out
                raise protection.protected_since_read(exc.message, source, exc.status) from exc
            raise

    for n in range(1, len(batches) + 1):
        # the batch is made and held by ``send`` alone: gone before the next is made
        send(n, batches[n - 1])

    return spent[0]


def too_large(
    requests: list[dict[str, Any]], exc: RemoteError, source: str, staged: bool = False
) -> RemoteError:
    """Google took less than ``staging.BATCH_BYTES`` in one request (its front end's limit
    is 10 MiB; the batches stay under 8 MiB): say what would publish the rollup."""
    what = "one of its batches is" if staged else "it is"
    size = staging.size({"requests": requests})
    return RemoteError(
        f"{what} {size / 1_048_576:.1f} MB as one request, more than Google takes in "
        f"one ({exc.message.split(': ', 1)[-1]}); write it to an Excel workbook instead "
        "(rollup.output: company.xlsx), or publish its tables with sheets-sync export",
        source=source,
        status=exc.status,
    )
