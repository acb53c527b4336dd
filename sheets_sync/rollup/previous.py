"""Read a failed team's last good rows back from the previous rollup workbook.

When a team's file cannot be read tonight, finance still needs its numbers in the pivot
and leadership must see they are old: its rows from last night's workbook come back,
conformed to today's schema and flagged ``Stale data``. Rows that were already stale stay
stale with their original ``Last successful read``, so a team failing for a week shows
data from a week ago, not from yesterday. Rows of another OKR period are no team's last
good data for this one: the night after the period changed, a team that failed would
otherwise count last quarter's goals in this quarter's totals and company objectives.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Collection, Mapping
from enum import Enum
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sheets_sync.domain.values import EXCEL_EPOCH
from sheets_sync.errors import SheetsSyncError, WorkbookOutOfMemoryError
from sheets_sync.grid import as_typed
from sheets_sync.loggers import get_logger
from sheets_sync.rollup.schema import TAB_NAMES, TABLES, Kind, conform
from sheets_sync.rollup.tables import StaleData

log = get_logger(__name__)
LONG_TABLES = ("objectives", "key_results", "kpis")
SUMMARY = "Summary"
# Text cells are read as the text they hold: left to pandas, a period named "2026.10" came
# back as the number 2026.1 and a team named "NA" or "null" as missing, so their rows no
# longer matched tonight's period or team. Only an empty cell is blank.
_TEXT_COLUMNS = {c.name: "string" for t in LONG_TABLES for c in TABLES[t] if c.kind is Kind.TEXT}
_FLAGS = {t: [c.name for c in TABLES[t] if c.kind is Kind.FLAG] for t in LONG_TABLES}
_FLAG_TEXT = {"true": True, "false": False}
_COUNTS = {t: [c.name for c in TABLES[t] if c.kind is Kind.COUNT] for t in LONG_TABLES}
_MOMENT_KINDS = (Kind.DATE, Kind.DATETIME)
_MOMENTS = {t: [c.name for c in TABLES[t] if c.kind in _MOMENT_KINDS] for t in LONG_TABLES}
#: a previous rollup elsewhere (a Google one): the failed teams and tonight's period in,
#: their last good rows out, as ``load_previous`` gives them (``carry_previous``)
PreviousReader = Callable[[Collection[str], str | None], dict[str, StaleData]]


#: a previous rollup's tabs as read: each long table's tab name -> its rows (under their
#: header row), and the Summary tab's grid (``carry_previous``)
Tables = tuple[dict[str, pd.DataFrame], pd.DataFrame]


class RanOut(Enum):
    """A read or carry that ran out of memory, returned rather than raised: the caller
    raises ``out_of_memory`` once the frames that held what was read are gone (an error
    raised in the ``except`` that caught it chains it as its ``__context__``, even
    ``from None``, and with it the traceback of every frame it passed: the package check's
    inflated tabs, the tables read, some 20 MiB at 500 teams, for as long as the error is
    kept; until 2026-12-07)."""

    MEMORY = "out of memory"


def load_previous(
    path: Path | None,
    teams: Collection[str],
    period: str | None = None,
    *,
    export: bool = False,
    name: str | None = None,
) -> dict[str, StaleData]:
    """Last good rows of ``teams`` found in the rollup at ``path`` (empty when none);
    with ``period`` (tonight's period name), only rows of that period. ``name``: the
    workbook as the workspace names it (``ws.rollup_output``, ``company.xlsx``), in the
    error and the log lines; ``path`` when None (until 2026-12-07 export and ``rollup
    --from-results`` named it by its absolute path, where sync said ``company.xlsx``).

    A missing or unreadable previous workbook is logged, never fatal: tonight's rollup of
    the teams that did read matters more than last night's rows of those that did not.
    Running out of memory is fatal (``out_of_memory``; with ``export``, said in
    ``sheets-sync export``'s words).
    """
    rows = read_previous(path, teams, period, export=export, name=name)
    return {} if rows is None else rows


def read_previous(
    path: Path | None,
    teams: Collection[str],
    period: str | None = None,
    *,
    export: bool = False,
    name: str | None = None,
) -> dict[str, StaleData] | None:
    """``load_previous``, None where it gives ``{}`` because no workbook was read (none
    there, or unreadable: logged): what may be kept for a second preparation of the
    night (``rollup_step.CarriedOnce``) is a read that happened; a failed one (EMFILE
    while the workers write, EIO) is tried again (until 2026-12-07 its ``{}`` was kept,
    and the failed teams' rows were lost for good)."""
    if path is None or not teams:
        return {}
    if not Path(path).is_file():
        return None
    where = str(path) if name is None else name
    return carried(partial(_read_tabs, Path(path), where), teams, period, where, export=export)


def carried(
    read: Callable[[], Tables | RanOut | None],
    teams: Collection[str],
    period: str | None,
    where: str,
    *,
    export: bool,
) -> dict[str, StaleData] | None:
    """The ``teams``' last good rows in the tables ``read`` reads (``_read_tabs``, a
    Google rollup's ``_read_back``), None when it read none (it logged why); memory
    running out reading or carrying them raises ``out_of_memory``: the tail both
    rollups' readers share. It takes the reader, not the tables: the error's traceback
    keeps each frame it leaves, with its locals, for as long as the error is kept, so no
    frame may hold the tables when it is raised. Here ``del`` drops them; a caller that
    read them and passed them in would hold them in its own frame, where no ``del`` can
    come before the call (until 2026-12-08 each reader wrote this tail out itself)."""
    tables = read()
    if tables is None:
        return None
    if tables is not RanOut.MEMORY:
        rows = carry_logged(*tables, teams, period, where)
        del tables  # the tables read go before the error is made: it keeps this frame
        if rows is not RanOut.MEMORY:
            return rows
    raise out_of_memory(teams, where, export=export)


def _read_tabs(path: Path, where: str) -> Tables | RanOut | None:
    """The long tables' tabs and the Summary of the workbook at ``path`` (``where`` names
    it in the log lines); None (logged) when it cannot be read, ``RanOut.MEMORY`` when
    memory ran out reading it."""
    from sheets_sync.backends.excel.extent import check_package, read_workbook  # lxml

    try:
        data = read_workbook(path, source=str(path))
        # before calamine: a stray cell at XFD1048576 made it allocate 512 GiB and abort
        # the process (until 2026-12-07), past any ``except``
        there = check_package(
            data, tabs=[*(TAB_NAMES[t] for t in LONG_TABLES), SUMMARY], source=str(path)
        )
        # only the tabs there: one renamed or deleted lost every table (``Worksheet named
        # 'KPIs' not found``, until 2026-12-07); a missing one has no last good data
        for tab in [*(TAB_NAMES[t] for t in LONG_TABLES), SUMMARY]:
            if tab not in there:
                log.warning(
                    "previous rollup %s has no tab %s: no last good data from it",
                    where,
                    as_typed(tab),
                )
        frames = {TAB_NAMES[t]: pd.DataFrame(columns=["Team"]) for t in LONG_TABLES}
        longs = [TAB_NAMES[t] for t in LONG_TABLES if TAB_NAMES[t] in there]
        summary = pd.DataFrame()
        if there:  # the bytes checked, opened once (two ``read_excel`` of the path: twice)
            with pd.ExcelFile(BytesIO(data), engine="calamine") as book:
                for tab in longs:
                    frames[tab] = pd.read_excel(
                        book,
                        sheet_name=tab,
                        dtype=_TEXT_COLUMNS,
                        keep_default_na=False,
                        na_values=[""],
                    )
                if SUMMARY in there:
                    summary = pd.read_excel(
                        book,
                        sheet_name=SUMMARY,
                        header=None,
                        converters={0: str},  # the team names, as typed
                        keep_default_na=False,
                        na_values=[""],
                    )
    except (MemoryError, WorkbookOutOfMemoryError):  # inflating, scanning or parsing
        # the night's rollup failure: until 2026-12-07 one as a part inflated was logged
        # as "unreadable" (too large) and the failed teams' rows were lost for good
        return RanOut.MEMORY
    except SheetsSyncError as exc:  # refused by the checks: the file named once
        said = f"{as_typed(exc.tab)}: {exc.message}" if exc.tab else exc.message
        log.warning("previous rollup %s unreadable, no last good data: %s", where, said)
        return None
    except Exception as exc:  # any parser error: a broken old file must not stop tonight
        log.warning("previous rollup %s unreadable, no last good data: %s", where, exc)
        return None
    return frames, summary


def carry_logged(
    frames: Mapping[str, pd.DataFrame],
    summary: pd.DataFrame,
    teams: Collection[str],
    period: str | None,
    where: str,
) -> dict[str, StaleData] | RanOut:
    """``carry_previous``, whose failure on a cell edited by hand is logged, never fatal
    (until 2026-12-07 a date-time typed as text with a time zone stopped the night);
    ``RanOut.MEMORY`` when memory ran out, for the caller to raise ``out_of_memory`` (not
    from here: this frame holds the tables)."""
    try:
        return carry_previous(frames, summary, teams, period, where)
    except MemoryError:
        return RanOut.MEMORY
    except Exception as exc:  # any cell nobody foresaw: tonight's rollup matters more
        log.warning(
            "previous rollup %s: its rows cannot be carried, no last good data: %s: %s",
            where,
            type(exc).__name__,
            exc,
        )
        return {}


def out_of_memory(
    teams: Collection[str], where: str, *, export: bool = False
) -> WorkbookOutOfMemoryError:
    """A read-back that ran out of memory, as the night's rollup failure: published
    without them, the failed teams' rows were lost for good (the next night reads
    tonight's rollup), as after a ``MemoryError`` logged as any failure (until
    2026-12-07). Raised outside the frames that held what was read (``RanOut``)."""
    return WorkbookOutOfMemoryError(
        f"last night's rows of the teams that failed ({named_teams(teams)}) could not be "
        "read back (out of memory: other reads at once, or a rollup larger than this "
        f"machine holds); {without_them(export)}",
        source=where,
    )


def named_teams(teams: Collection[str]) -> str:
    """The failed teams, the first five by name."""
    named = sorted(teams)
    more = f" and {len(named) - 5} more" if len(named) > 5 else ""
    return f"{', '.join(named[:5])}{more}"


def without_them(export: bool) -> str:
    """What a read-back that failed leaves: the nightly rollup is not published (the last
    one stays whole), an export writes no file (until 2026-12-07 it said the rollup was
    not published, which an export never does)."""
    if export:
        return "nothing exported without them: export again once it reads"
    return (
        "not published without them: the last rollup stays as it is, and the next run "
        "reads it again"
    )


def carry_previous(
    frames: Mapping[str, pd.DataFrame],
    summary: pd.DataFrame,
    teams: Collection[str],
    period: str | None,
    where: str,
) -> dict[str, StaleData]:
    """Last good rows of ``teams`` in a previous rollup's tabs as read, whatever read them
    (an Excel workbook, ``load_previous``; a Google rollup, ``backends.gsheets.previous``):
    ``frames`` maps each long table's tab name to its rows under their header row (text
    columns as text, moments as date-times), ``summary`` is the Summary tab's grid (no
    header; column 0 as text). ``where`` names the rollup in warnings.

    One pass over each table, whatever the number of failed teams: filtered, ordered by
    team and conformed once, then sliced (team by team, 250 failed of 500 teams took some
    five times as long: bench/notes.md, twenty-ninth pass)."""
    wanted = set(teams)
    last_read = _summary_last_read(summary)
    for t in LONG_TABLES:
        if "Team" not in frames[TAB_NAMES[t]].columns:
            log.warning(
                "previous rollup %s: its tab %s has no 'Team' column (edited by hand? the "
                "company workbook is rewritten every night: build pivots in another file); "
                "its rows cannot be carried",
                where,
                as_typed(TAB_NAMES[t]),
            )
    tables = {t: _rows(frames[TAB_NAMES[t]], t, wanted) for t in LONG_TABLES}
    positions = {t: _positions(tables[t]) for t in LONG_TABLES}
    periods, moments = _periods_and_moments(tables)
    carried: dict[str, dt.datetime | None] = {}
    for team in sorted(wanted):
        if period is not None and _other_period(team, periods.get(team, set()), period, where):
            continue
        if not any(team in positions[t] for t in LONG_TABLES):
            log.warning(
                "%s: no last good data in the previous rollup %s: its rows are missing "
                "from tonight's rollup until it reads again",
                team,
                where,
            )
            continue
        moment = moments.get(team)
        carried[team] = last_read.get(team) or (
            moment.to_pydatetime() if moment is not None else None
        )
    split: dict[str, dict[str, pd.DataFrame]] = {team: {} for team in carried}
    for t in LONG_TABLES:  # the carried teams' rows, team after team: one take, one cast
        order: list[Any] = []
        spans: dict[str, tuple[int, int]] = {}
        at = 0
        for team in carried:
            rows = positions[t].get(team)
            if rows is not None:
                spans[team], at = (at, at + len(rows)), at + len(rows)
                order.append(rows)
        table = tables[t].take(np.concatenate(order) if order else np.array([], dtype=np.intp))
        table["Stale data"] = True
        fill = table["Team"].map(carried).astype("datetime64[us]")
        table["Last successful read"] = table["Last successful read"].fillna(fill)
        table = conform(table, t)
        for team in carried:
            start, stop = spans.get(team, (0, 0))
            split[team][t] = table.iloc[start:stop].reset_index(drop=True)
    return {
        team: StaleData(
            objectives=split[team]["objectives"],
            key_results=split[team]["key_results"],
            kpis=split[team]["kpis"],
            last_successful_read=latest,
        )
        for team, latest in carried.items()
    }


def _positions(table: pd.DataFrame) -> dict[str, Any]:
    """Team -> the positions of its rows, in their order (one pass; NA teams are none)."""
    if table.empty:
        return {}
    groups = table.groupby("Team", sort=False, dropna=True, observed=True).indices
    return {str(team): rows for team, rows in groups.items()}


def _periods_and_moments(
    tables: Mapping[str, pd.DataFrame],
) -> tuple[dict[str, set[str]], dict[str, pd.Timestamp]]:
    """Team -> the periods of its rows, and the latest Last successful read among them."""
    periods: dict[str, set[str]] = {}
    moments: dict[str, pd.Timestamp] = {}
    for table in tables.values():
        teams = table["Team"]
        for team, value in zip(teams, table["Period"], strict=True):
            if not pd.isna(team) and not pd.isna(value):
                periods.setdefault(team, set()).add(str(value))
        for team, moment in zip(teams, table["Last successful read"], strict=True):
            if not pd.isna(team) and not pd.isna(moment):
                best = moments.get(team)
                if best is None or moment > best:
                    moments[team] = moment
    return periods, moments


def _other_period(team: str, periods: set[str], period: str, where: str) -> bool:
    """True (and logged) when the team's rows there are of another period than tonight's."""
    if not periods or periods == {period}:
        return False
    log.warning(
        "%s: its last good data in the previous rollup %s is of period %s, not %s: not "
        "carried into this period's rollup; its rows are missing until it "
        "reads again",
        team, where, ", ".join(sorted(periods)), period,
    )  # fmt: skip
    return True


def _rows(frame: pd.DataFrame, table: str, teams: set[str]) -> pd.DataFrame:
    if "Team" not in frame.columns:
        return conform(pd.DataFrame(), table)
    rows = frame[frame["Team"].astype(str).isin(teams)]
    flags = [n for n in _FLAGS[table] if n in rows.columns and rows[n].dtype != bool]
    if flags:  # a flag typed over by hand (``yes``) failed the cast, and the night with it
        rows = rows.assign(**{n: rows[n].map(_flag_value) for n in flags})
    moments = [
        n for n in _MOMENTS[table]
        if n in rows.columns and not pd.api.types.is_datetime64_any_dtype(rows[n])
    ]  # fmt: skip
    if moments:  # a date in General format is its serial day count, not nanoseconds
        rows = rows.assign(**{n: rows[n].astype(object).map(serial_moment) for n in moments})
    counts = [n for n in _COUNTS[table] if n in rows.columns]
    if counts:  # and so did a count typed as 1E+20: no count is past 2**53
        rows = rows.assign(**{n: _count(rows[n]) for n in counts})
    return conform(rows, table)


def _count(series: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(series.astype(object), errors="coerce").astype("float64")
    return numbers.where(numbers.abs() <= 2**53)


def serial_moment(value: object) -> object:
    """A number in a moment column as the date-time it counts (``moment_of``); anything
    else as it is (text is the schema's to cast). Both sources' cells: a Google rollup's
    read unformatted, a workbook's in General format (until 2026-12-07 a ``Due date`` or
    ``Last successful read`` there was read as nanoseconds since 1970)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return value
    return moment_of(value)


def _flag_value(value: object) -> bool | None:
    """A flag cell as a flag: a boolean, TRUE/FALSE as text (a Google rollup written
    before 2026-12-07 held ``True``/``False`` as text), 1 or 0; anything else is blank."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, str):
        return _FLAG_TEXT.get(value.strip().casefold())
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return None


def _summary_last_read(sheet: pd.DataFrame) -> dict[str, dt.datetime]:
    """Team -> Last successful read from the Summary tab's team table (header row 'Team')."""
    first = sheet.iloc[:, 0].astype(str) if not sheet.empty else pd.Series(dtype=str)
    header_rows = first.index[first == "Team"]
    if len(header_rows) == 0:
        return {}
    start = int(header_rows[0])
    header = [str(v) for v in sheet.iloc[start]]
    if "Last successful read" not in header:
        return {}
    col = header.index("Last successful read")
    result: dict[str, dt.datetime] = {}
    for team, moment in zip(sheet.iloc[start + 1 :, 0], sheet.iloc[start + 1 :, col], strict=True):
        if not isinstance(team, str) or not team or team == "Company total":
            break
        stamp = moment_of(moment)
        if stamp is not None:
            result[team] = stamp
    return result


def moment_of(value: Any) -> dt.datetime | None:
    """A cell of a moment column as a naive date-time: a number is a serial day count from
    1899-12-30 (to the second, as the rollup writes them; a Summary cell in General format
    was read as nanoseconds since 1970 until 2026-12-07), text is parsed, and a time zone,
    typed or read, gives the instant in UTC (``2026-02-15 06:30 +01:00`` is 05:30)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            seconds = round(float(value) * 86400)
            return dt.datetime.combine(EXCEL_EPOCH, dt.time()) + dt.timedelta(seconds=seconds)
        except (OverflowError, ValueError):
            return None
    try:
        # month first as pandas reads it (03/04/2026 is 4 March), unless the first number
        # cannot be a month (15/02/2026 is 15 February): its UserWarning is not shown
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            stamp = pd.to_datetime(value, errors="coerce", utc=True)
    except (TypeError, ValueError, OverflowError):
        return None
    if not isinstance(stamp, pd.Timestamp) or pd.isna(stamp):
        return None
    return stamp.tz_localize(None).to_pydatetime()
