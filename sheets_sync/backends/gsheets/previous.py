"""A failed team's last good rows read back from the previous Google rollup.

The Excel rollup's ``load_previous`` for a ``rollup.output: gsheet:<key>``: the tab titles
(one ``spreadsheets.get``), then those of the Objectives, Key results, KPIs and Summary tabs
that are there in one ``values:batchGet`` (two read requests, only on a night some team
failed), made into the frames the workbook's reader makes and handed to the same
``carry_previous``. A read that fails after its retries fails the rollup for the night
(published without them, the failed teams' rows would be lost for good). Values come
unformatted with date-times as serial numbers: what a cell holds whatever display format
someone gave it; the schema says which columns are moments (a number in one is a day
count from 1899-12-30, as the rollup wrote it).
A missing tab is that table's "no last good data"; an unshared or hand-edited previous
rollup is logged, never fatal.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from sheets_sync.backends.gsheets.clients import client_for
from sheets_sync.errors import RetryExhaustedError, SheetsSyncError
from sheets_sync.grid import quote_tab
from sheets_sync.loggers import get_logger
from sheets_sync.rollup.previous import (
    LONG_TABLES,
    PreviousReader,
    RanOut,
    Tables,
    carried,
    named_teams,
    serial_moment,
    without_them,
)
from sheets_sync.rollup.schema import TAB_NAMES, TABLES, Kind
from sheets_sync.sources import GSHEET_PREFIX

if TYPE_CHECKING:
    from sheets_sync.backends.gsheets.client import SheetsClient
    from sheets_sync.rollup.tables import StaleData
    from sheets_sync.workspace_spec import Workspace

log = get_logger("sheets_sync.gsheets")
SUMMARY = "Summary"
TABS = (*(TAB_NAMES[t] for t in LONG_TABLES), SUMMARY)
#: what a cell holds (numbers, booleans, text as typed), moments as serial day counts
RENDER = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}
_MOMENTS = {c.name for t in (*LONG_TABLES, "summary") for c in TABLES[t]
            if c.kind in (Kind.DATE, Kind.DATETIME)}  # fmt: skip
_TEXT = {c.name for t in LONG_TABLES for c in TABLES[t] if c.kind is Kind.TEXT}


def previous_reader(
    workspace: Workspace, client: SheetsClient | None = None, *, export: bool = False
) -> PreviousReader:
    """What ``build_rollup`` calls with the failed teams (and only when some failed);
    ``export``: for ``sheets-sync export``, which a failed read-back stops unpublished."""

    def read(teams: Collection[str], period: str | None) -> dict[str, StaleData]:
        return load_previous_gsheet(workspace, teams, period, client, export=export)

    return read


def load_previous_gsheet(
    workspace: Workspace,
    teams: Collection[str],
    period: str | None = None,
    client: SheetsClient | None = None,
    *,
    export: bool = False,
) -> dict[str, StaleData]:
    """Last good rows of ``teams`` in the Google rollup ``workspace.rollup_output``."""
    source = workspace.rollup_output
    if not teams or not source.startswith(GSHEET_PREFIX):
        return {}
    read = partial(_read_back, workspace, teams, client, export=export)
    rows = carried(read, teams, period, source, export=export)  # the Excel rollup's tail
    return {} if rows is None else rows


def _read_back(
    workspace: Workspace, teams: Collection[str], client: SheetsClient | None, *, export: bool
) -> Tables | RanOut | None:
    """The rollup's Objectives, Key results, KPIs and Summary tabs as the workbook's
    reader gives them; None (logged) when they cannot be read, ``RanOut.MEMORY`` when
    memory ran out (the read's frames held what it read: the caller raises)."""
    source = workspace.rollup_output
    key = source[len(GSHEET_PREFIX) :]
    try:
        client = client or client_for(workspace)
        tabs = _tabs_there(client, key, source)
        if not tabs:  # a new sheet's first night: no last good data, as no workbook yet
            log.info("previous rollup %s has none of the tabs %s yet", source, ", ".join(TABS))
            return None
        reply = client.batch_get_values(
            key,
            {"ranges": [quote_tab(t) for t in tabs], **RENDER},
            source=source,
            what="rollup: read last night's rows",
        )
        grids = _grids(reply, tabs)
        frames = {tab: _frame(grids.get(tab, [["Team"]])) for tab in TABS[:-1]}
        return frames, _summary(grids.get(SUMMARY, []))
    except RetryExhaustedError as exc:
        # 429 or 5xx past the retries: published without them, the failed teams' rows
        # would be lost for good (the next night reads tonight's rollup); not published,
        # last night's stays whole and the next night reads it again
        why = exc.message.removesuffix("; will retry next run")
        raise RetryExhaustedError(
            f"last night's rows of the teams that failed ({named_teams(teams)}) could not "
            f"be read back ({why}); {without_them(export)}",
            source=source,
            status=exc.status,
        ) from exc
    except MemoryError:  # published without them, their rows were lost for good
        return RanOut.MEMORY
    except Exception as exc:  # a refusal, a broken reply, a grid nobody foresaw
        mine = isinstance(exc, SheetsSyncError) and exc.source == source and not exc.tab
        said = exc.message if isinstance(exc, SheetsSyncError) and mine else str(exc)
        # not "previous rollup gsheet:K unreadable, ...: gsheet:K: Google refused ..."
        log.warning("previous rollup %s unreadable, no last good data: %s", source, said)
        return None


def _tabs_there(client: SheetsClient, key: str, source: str) -> list[str]:
    """Which of ``TABS`` the rollup has (one ``spreadsheets.get`` of the tab titles): one
    range naming a tab that is not there fails the whole ``values:batchGet`` (``Unable to
    parse range``), losing the other tabs' rows too (until 2026-12-07)."""
    reply = client.get_spreadsheet(
        key,
        {"fields": "sheets.properties.title"},
        source=source,
        what="rollup: list last night's tabs",
    )
    sheets = reply.get("sheets", []) if isinstance(reply, dict) else None
    if not isinstance(sheets, list):
        raise ValueError("the reply's sheets are not a list")
    titles = set()
    for sheet in sheets:
        props = sheet.get("properties") if isinstance(sheet, dict) else None
        title = props.get("title") if isinstance(props, dict) else None
        if isinstance(title, str):
            titles.add(title)
    return [t for t in TABS if t in titles]


def _grids(reply: Any, tabs: list[str]) -> dict[str, list[list[Any]]]:
    """Each tab's rows, in the order the ranges were asked (as Google answers them)."""
    ranges = reply.get("valueRanges") if isinstance(reply, dict) else None
    if not isinstance(ranges, list) or len(ranges) != len(tabs):
        raise ValueError(f"the reply has no value range for each of {', '.join(tabs)}")
    out: dict[str, list[list[Any]]] = {}
    for tab, got in zip(tabs, ranges, strict=True):
        rows = got.get("values", []) if isinstance(got, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ValueError(f"the reply's {tab} rows are not a list of rows")
        out[tab] = rows
    return out


def _frame(rows: list[list[Any]]) -> pd.DataFrame:
    """A long table's tab as ``pd.read_excel`` reads the workbook's: the first row names
    the columns (a blank one ``Unnamed: N``, a repeat ``Team.1``), an empty cell is
    missing, text columns hold text, moments are date-times."""
    if not rows:
        return pd.DataFrame()
    names: list[str] = []
    for i, value in enumerate(rows[0]):
        name = str(value) if value != "" else f"Unnamed: {i}"
        base, n = name, 0
        while name in names:
            n += 1
            name = f"{base}.{n}"
        names.append(name)
    width = len(names)
    body = [[_blank(v) for v in (r[:width] + [None] * (width - len(r)))] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=names, dtype=object)
    for name in names:
        if name in _MOMENTS:
            frame[name] = frame[name].map(serial_moment)
        elif name in _TEXT:
            frame[name] = frame[name].map(_text).astype("string")
    return frame


def _summary(rows: list[list[Any]]) -> pd.DataFrame:
    """The Summary tab as a grid (no header), column 0 as text, the team table's moments
    (under its header row, first cell ``Team``) as date-times."""
    width = max((len(r) for r in rows), default=0)
    grid = [[_blank(v) for v in r] + [None] * (width - len(r)) for r in rows]
    for r in grid:
        if r and r[0] is not None:
            r[0] = str(r[0])
    top = next((i for i, r in enumerate(grid) if r and r[0] == "Team"), len(grid))
    moments = [i for i, name in enumerate(grid[top] if top < len(grid) else []) if name in _MOMENTS]
    for r in grid[top + 1 :]:
        for i in moments:
            r[i] = serial_moment(r[i])
    return pd.DataFrame(grid, dtype=object)


def _blank(value: Any) -> Any:
    return None if value == "" else value


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # JSON's 7 and 7.0 are one number
    return str(value)
