"""The Google rollup's Trends and History tabs: the Excel workbook's (``rollup/history.py``)
as typed cells, from the same ``History`` (its Trends pivots, and the History tab's rows
read from the history store as the tab is built), cell for cell where the workbook has
a value.

Google holds at most ``CELL_LIMIT`` cells in a spreadsheet, the tabs of others counted,
and a staged publish (``staging``) holds each rollup tab twice for a while: the History
tab, which grows every night, keeps the newest nights that fit (``history_rows``), as
the workbook keeps those that fit in Excel's rows. What Google cannot show are the
workbook's drawings: no burn-up chart (its rows stay, blank, so every block is where the
workbook has it) and no sparklines (the Trend column is there, blank): a ``SPARKLINE``
is a formula, which the rollup never writes, and a staged publish pastes values only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from sheets_sync.backends.gsheets import staging
from sheets_sync.backends.gsheets.celldata import number_format
from sheets_sync.backends.gsheets.rollup import (
    HEADER_FORMAT,
    Cells,
    Row,
    cell,
    grid_size,
    text_row,
)
from sheets_sync.loggers import get_logger
from sheets_sync.rollup.history import (
    BURNUP_COLUMNS,
    BURNUP_ROWS,
    BURNUP_TITLE,
    HISTORY_COLUMNS,
    HISTORY_FORMATS,
    KPI_BLOCK,
    OBJECTIVE_BLOCK,
    tab_rows,
)

if TYPE_CHECKING:
    from sheets_sync.rollup.nights import History

log = get_logger("sheets_sync.gsheets")
#: Cells Google holds in one spreadsheet, every tab's grid counted (rows x columns)
CELL_LIMIT = 10_000_000
TITLE = {"textFormat": {"bold": True, "fontSize": 13}}
HISTORY_WIDTH = len(HISTORY_COLUMNS)
NUMBER = HISTORY_FORMATS["number"]

Tab = tuple[str, list[Row], int]


def trends_rows(history: History, kpi_formats: Mapping[tuple[str, str], str]) -> list[Row]:
    """The Trends tab, row for row as ``history.write_history`` lays it out."""
    rows: list[Row] = [[cell(BURNUP_TITLE, look=TITLE)]]
    rows.append(text_row(*BURNUP_COLUMNS, look=HEADER_FORMAT))
    company = history.company
    for day, score, expected in company[["date", "score", "expected"]].itertuples(
        index=False, name=None
    ):
        moment = pd.Timestamp(day).to_pydatetime()
        rows.append([cell(moment, HISTORY_FORMATS["date"]), cell(score, NUMBER),
                     cell(expected, NUMBER)])  # fmt: skip
    rows += [[] for _ in range(2 + (BURNUP_ROWS if len(company) else 0))]  # the chart's rows
    trend = history.kpi_trend
    keys = zip(trend["team"].tolist(), trend["kpi_id"].tolist(), strict=True)
    formats = [kpi_formats.get(key, "General") for key in keys]
    rows += _block(trend, KPI_BLOCK, [NUMBER if f == "General" else f for f in formats])
    rows += [[], []]
    rows += _block(history.objective_burnup, OBJECTIVE_BLOCK, None)
    return rows


def _block(
    frame: pd.DataFrame,
    block: tuple[str, tuple[str, ...], tuple[str, ...]],
    formats: Sequence[str] | None,
) -> list[Row]:
    """A pivot: its title, its header (the nights as ``yyyy-mm-dd`` text, then Trend) and
    a row per key, each night's value in ``formats``' (a row's) or ``0.00``."""
    title, keys, labels = block
    dates = [c for c in frame.columns if c not in keys]
    header = [*labels, *(pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates), "Trend"]
    rows: list[Row] = [[cell(title, look=TITLE)], text_row(*header, look=HEADER_FORMAT)]
    data = frame.reindex(columns=[*keys, *dates])
    for n, record in enumerate(data.itertuples(index=False, name=None)):
        fmt = formats[n] if formats is not None else NUMBER
        rows.append([cell(v) for v in record[: len(keys)]] +
                    [cell(v, fmt) for v in record[len(keys):]])  # fmt: skip
    return rows


def history_rows(history: History, room: int, source: str = "") -> list[Row]:
    """The History tab in at most ``room`` rows, its header counted: the newest nights
    that fit, each whole (``History.newest_that_fit``), the rows read from the store;
    none when no night fits (the tab stays as it was)."""
    shown, left_out = history.newest_that_fit(max(0, room - 1))
    if not shown:  # a header alone would say the history is empty
        log.warning(
            "%sthe Google rollup's History tab is left as it was tonight: not one night of "
            "the %d would fit in Google's %s cells a spreadsheet beside its other tabs; the "
            "Trends tab and the history store (history.sqlite) keep them all",
            f"{source}: " if source else "",
            len(history.nights),
            f"{CELL_LIMIT:,}",
        )
        return []
    if left_out:
        oldest, newest = left_out[0].date(), left_out[-1].date()
        log.warning(
            "%sthe Google rollup's History tab shows %d of %d nights: the rest (%s) would pass "
            "Google's %s cells a spreadsheet; the Trends tab and the history store "
            "(history.sqlite) keep them all",
            f"{source}: " if source else "",
            len(shown),
            len(history.nights),
            oldest if oldest == newest else f"{oldest} to {newest}",
            f"{CELL_LIMIT:,}",
        )
    formats = [HISTORY_FORMATS[f] if f else None for _, _, f in HISTORY_COLUMNS]
    # a column of one number format takes it once (``staging.FormattedRows``), not a cell
    # at a time: its cells are typed bare
    rows = staging.FormattedRows(
        [text_row(*(label for label, *_ in HISTORY_COLUMNS), look=HEADER_FORMAT)],
        {c: {"numberFormat": number_format(f)} for c, f in enumerate(formats) if f},
    )
    typed = Cells()
    built = "the Google rollup's History tab was built"
    for chunk in tab_rows(history.source, shown, history.respellings, built):
        rows += [[typed(v, f, bare=f is not None) for v, f in zip(row, formats, strict=True)]
                 for row in chunk]  # fmt: skip
    return rows


def _cells(rows: Sequence[Row]) -> int:
    """The cells of a tab of ``rows`` as ``place_tabs`` sizes it (a spare row)."""
    height, width = grid_size(rows)
    return height * width


def history_room(
    tabs: Sequence[Tab], grids: Mapping[str, tuple[int, int]], limit: int | None = None
) -> int:
    """Rows the History tab may take so that the spreadsheet never holds more than
    ``limit`` cells while the rollup is published.

    ``grids``: every tab's (rows, columns) now, by case-folded title; ``tabs``: the
    rollup's other tabs as they will be. A staged publish first adds a hidden twin of
    each rollup tab at its new size beside the tabs as they are, and its last batch
    resizes the real tabs before it deletes the twins: counted so, a tab holds at most
    its old or new size plus its new size at once (the one-batch publish, less)."""
    limit = CELL_LIMIT if limit is None else limit
    left = limit - _peak(tabs, grids)
    old_rows, old_columns = grids.get("history", (0, 0))
    cells = min(left // 2, left - old_rows * old_columns)  # new + max(old, new) <= left
    return max(0, cells // HISTORY_WIDTH - 1)  # the spare row


def _peak(tabs: Sequence[Tab], grids: Mapping[str, tuple[int, int]]) -> int:
    """The most cells the spreadsheet holds while ``tabs`` are published, History not
    counted (``history_room``)."""
    ours = {title.casefold() for title, _, _ in tabs} | {"history"}
    peak = sum(r * c for title, (r, c) in grids.items() if title not in ours)
    for title, rows, _ in tabs:
        old_rows, old_columns = grids.get(title.casefold(), (0, 0))
        new = _cells(rows)
        peak += max(old_rows * old_columns, new) + new
    return peak


def fitted(
    tabs: Sequence[Tab],
    grids: Mapping[str, tuple[int, int]],
    history: History | None,
    source: str,
    limit: int | None = None,
    with_history: bool = True,
) -> list[Tab]:
    """``tabs`` and the History tab (``with_history``: not a user's tab of that name) in
    the room Google leaves it; when even the Trends tab does not fit beside the History
    tab as it is, neither is written (both stay as they were): Google would refuse the
    publish."""
    limit = CELL_LIMIT if limit is None else limit
    if history is None or not history.nights:
        return list(tabs)
    old_rows, old_columns = grids.get("history", (0, 0))
    if _peak(tabs, grids) + old_rows * old_columns > limit:
        log.warning(
            "%s: the rollup's Trends and History tabs are left as they were tonight: with "
            "the spreadsheet's other tabs they would pass Google's %s cells a spreadsheet "
            "while published (each rollup tab is held twice); make room (delete tabs or "
            "rows of your own) or write the rollup to an Excel workbook",
            source,
            f"{limit:,}",
        )
        return [tab for tab in tabs if tab[0].casefold() != "trends"]
    if not with_history:
        return list(tabs)
    return [*tabs, *history_tab(history, history_room(tabs, grids, limit), source)]


def history_tabs(history: History | None, kpi_formats: Mapping[tuple[str, str], str]) -> list[Tab]:
    """The Trends tab, when there is a history (none, none: as the workbook)."""
    if history is None or not history.nights:
        return []
    return [("Trends", trends_rows(history, kpi_formats), 0)]


def history_tab(history: History | None, room: int, source: str = "") -> list[Tab]:
    if history is None or not history.nights:
        return []
    rows = history_rows(history, room, source)
    return [("History", rows, 1)] if rows else []


#: The named range that marks a Trends or History tab as the rollup's own (it covers the
#: whole tab): a tab of that name without it is a user's, which the rollup leaves alone
MARKS = {"trends": "sheets_sync_trends", "history": "sheets_sync_history"}


def _marked(named: Sequence[Mapping[str, Any]]) -> dict[str, list[tuple[str, int]]]:
    """Each mark's named ranges, (namedRangeId, the tab it covers)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for n in named:
        sheet = int((n.get("range") or {}).get("sheetId", 0))
        found.setdefault(str(n.get("name", "")), []).append((str(n.get("namedRangeId")), sheet))
    return found


def not_ours(existing: Mapping[str, int], named: Sequence[Mapping[str, Any]]) -> list[str]:
    """The spreadsheet's tabs named Trends or History (in any case) that the rollup did not
    make: no mark of ours covers them (a Google rollup wrote neither before 2026-12-07)."""
    marked = _marked(named)
    return [
        title
        for title, sheet_id in existing.items()
        if title.casefold() in MARKS
        and sheet_id not in {s for _, s in marked.get(MARKS[title.casefold()], [])}
    ]


def mark_requests(
    placed: Sequence[tuple[str, int]], named: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The requests that mark the rollup's Trends and History tabs (title, sheetId) as its
    own, where the mark is not on them yet (a stale one, on a tab since deleted, goes)."""
    marked = _marked(named)
    requests: list[dict[str, Any]] = []
    for title, sheet_id in placed:
        mark = MARKS.get(title.casefold())
        if mark is None or any(s == sheet_id for _, s in marked.get(mark, [])):
            continue
        requests += [{"deleteNamedRange": {"namedRangeId": i}} for i, _ in marked.get(mark, [])]
        named_range = {"name": mark, "range": {"sheetId": sheet_id}}
        requests.append({"addNamedRange": {"namedRange": named_range}})
    return requests


def leave_alone(source: str, titles: Sequence[str]) -> None:
    """Say once a night which user tabs kept the rollup's Trends or History out."""
    log.warning(
        "%s: %s not made by sheets-sync: left alone, and the rollup's %s not written; rename "
        "%s to get %s",
        source,
        " and ".join(f"tab {t!r}" for t in titles) + (" are" if len(titles) > 1 else " is"),
        " and ".join(t.title() for t in titles) + (" tabs are" if len(titles) > 1 else " tab is"),
        "them" if len(titles) > 1 else "it",
        "them" if len(titles) > 1 else "it",
    )
