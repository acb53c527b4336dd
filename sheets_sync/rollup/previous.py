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
import logging
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from sheets_sync.grid import quote_tab
from sheets_sync.rollup.schema import TAB_NAMES, TABLES, Kind, conform
from sheets_sync.rollup.tables import StaleData

log = logging.getLogger(__name__)
LONG_TABLES = ("objectives", "key_results", "kpis")
# Text cells are read as the text they hold: left to pandas, a period named "2026.10" came
# back as the number 2026.1 and a team named "NA" or "null" as missing, so their rows no
# longer matched tonight's period or team. Only an empty cell is blank.
_TEXT_COLUMNS = {c.name: "string" for t in LONG_TABLES for c in TABLES[t] if c.kind is Kind.TEXT}


def load_previous(
    path: Path | None, teams: Collection[str], period: str | None = None
) -> dict[str, StaleData]:
    """Last good rows of ``teams`` found in the rollup at ``path`` (empty when none);
    with ``period`` (tonight's period name), only rows of that period.

    A missing or unreadable previous workbook is logged, never fatal: tonight's rollup of
    the teams that did read matters more than last night's rows of those that did not.
    """
    if path is None or not teams or not Path(path).is_file():
        return {}
    wanted = set(teams)
    try:
        frames = pd.read_excel(
            path,
            sheet_name=[TAB_NAMES[t] for t in LONG_TABLES],
            engine="calamine",
            dtype=_TEXT_COLUMNS,
            keep_default_na=False,
            na_values=[""],
        )
        summary = pd.read_excel(
            path,
            sheet_name="Summary",
            header=None,
            engine="calamine",
            converters={0: str},  # the team names, as typed
            keep_default_na=False,
            na_values=[""],
        )
    except Exception as exc:  # any parser error: a broken old file must not stop tonight
        log.warning("previous rollup %s unreadable, no last good data: %s", path, exc)
        return {}
    last_read = _summary_last_read(summary)
    for t in LONG_TABLES:
        if "Team" not in frames[TAB_NAMES[t]].columns:
            log.warning(
                "previous rollup %s: its tab %s has no 'Team' column (edited by hand? the "
                "company workbook is rewritten every night: build pivots in another file); "
                "its rows cannot be carried",
                path,
                quote_tab(TAB_NAMES[t]),
            )
    tables = {t: _rows(frames[TAB_NAMES[t]], t, wanted) for t in LONG_TABLES}
    found: dict[str, StaleData] = {}
    for team in sorted(wanted):
        parts = {t: tables[t][tables[t]["Team"] == team].reset_index(drop=True) for t in tables}
        if period is not None and _other_period(team, parts, period, path):
            continue
        if all(p.empty for p in parts.values()):
            log.warning(
                "%s: no last good data in the previous rollup %s: its rows are missing "
                "from tonight's company workbook until it reads again",
                team,
                path,
            )
            continue
        moments = pd.concat([p["Last successful read"] for p in parts.values()]).dropna()
        latest = last_read.get(team) or (moments.max().to_pydatetime() if len(moments) else None)
        for t, part in parts.items():
            part["Stale data"] = True
            part["Last successful read"] = part["Last successful read"].fillna(latest)
            parts[t] = conform(part, t)
        found[team] = StaleData(
            objectives=parts["objectives"],
            key_results=parts["key_results"],
            kpis=parts["kpis"],
            last_successful_read=latest,
        )
    return found


def _other_period(team: str, parts: dict[str, pd.DataFrame], period: str, path: Path) -> bool:
    """True (and logged) when the team's rows there are of another period than tonight's."""
    periods = set(pd.concat([p["Period"] for p in parts.values()]).dropna().astype(str))
    if not periods or periods == {period}:
        return False
    log.warning(
        "%s: its last good data in the previous rollup %s is of period %s, not %s: not "
        "carried into this period's company workbook; its rows are missing until it "
        "reads again",
        team, path, ", ".join(sorted(periods)), period,
    )  # fmt: skip
    return True


def _rows(frame: pd.DataFrame, table: str, teams: set[str]) -> pd.DataFrame:
    if "Team" not in frame.columns:
        return conform(pd.DataFrame(), table)
    return conform(frame[frame["Team"].astype(str).isin(teams)], table)


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
    for _, row in sheet.iloc[start + 1 :].iterrows():
        team, moment = row.iloc[0], row.iloc[col]
        if not isinstance(team, str) or not team or team == "Company total":
            break
        stamp = pd.to_datetime(moment, errors="coerce")
        if not pd.isna(stamp):
            result[team] = stamp.to_pydatetime()
    return result
