"""The run history's tables: the SQL schema, a snapshot's columns, and the query pieces
every reader shares (``history.py`` holds the store that uses them)."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from typing import Any

#: 2: kr_snapshots.weight, for the objective burn-up (2026-12-04); 3: the alert baseline,
#: ``alerted`` and ``alert_baseline`` (``history_alerts.py``, 2026-12-05)
SCHEMA_VERSION = 3
#: A snapshot's columns after (as_of, team), by their names in the rollup's rows.
_KR_FIELDS = (
    *("Objective ID", "KR ID", "Description", "Current", "Target", "Score"),
    *("Progress", "Expected", "Status", "Weight"),
)
_KPI_FIELDS = ("KPI ID", "Name", "Actual", "Target", "Status", "Variance")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    as_of TEXT NOT NULL, team TEXT NOT NULL, recorded_at TEXT NOT NULL,
    PRIMARY KEY (as_of, team)
);
CREATE TABLE IF NOT EXISTS kr_snapshots (
    seq INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL, team TEXT NOT NULL, objective_id TEXT NOT NULL,
    kr_id TEXT NOT NULL, description TEXT, current REAL, target REAL,
    score REAL NOT NULL, progress REAL, expected REAL NOT NULL, status TEXT NOT NULL,
    weight REAL
);
CREATE INDEX IF NOT EXISTS kr_by_date ON kr_snapshots (as_of, team);
CREATE TABLE IF NOT EXISTS kpi_snapshots (
    seq INTEGER PRIMARY KEY,
    as_of TEXT NOT NULL, team TEXT NOT NULL, kpi_id TEXT NOT NULL, name TEXT,
    actual REAL, target REAL, status TEXT NOT NULL, variance REAL
);
CREATE INDEX IF NOT EXISTS kpi_by_date ON kpi_snapshots (as_of, team);
"""


def iso(column: str = "as_of") -> str:
    """SQL: ``column`` holds a night as sheets-sync writes it, YYYY-MM-DD of a real day
    (``history_db.iso_day``). A row of any other (a hand edit) is left out of every query
    that picks nights: ``2026-11-6`` sorts after ``2026-11-30``, and as the latest night
    it made every real night a back-dated one, recorded never again."""
    return (  # '+0 days': SQLite's date() gives 2026-02-30 back as it is, but normalizes then
        f"({column} GLOB '{_ISO_GLOB}' AND {column} >= '0001'"
        f" AND date({column}, '+0 days') = {column})"
    )


_ISO_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
#: The nights of a date ``iso`` refuses. ``LIMIT -1`` keeps the check on each night, not
#: each row: SQLite pushed it down into the scan, 0.8 s at 2,000 teams by 400 nights.
EDITED_NIGHTS = (
    f"(SELECT as_of FROM (SELECT DISTINCT as_of FROM snapshots LIMIT -1) WHERE NOT {iso()})"
)


def kept(column: str = "as_of") -> str:
    """SQL: ``column`` is no night of an edited date (``iso``, ``EDITED_NIGHTS``), for a
    query that reads every night: checked once a night."""
    return f"{column} NOT IN {EDITED_NIGHTS}"


#: The last N snapshot dates on or before a date (the query's parameters: date, N).
_LAST_DATES = (
    f"(SELECT DISTINCT as_of FROM snapshots WHERE as_of <= ? AND {iso()}"
    " ORDER BY as_of DESC LIMIT ?)"
)
#: What ``through=None`` stands for: every date.
_ALL_DATES = dt.date.max
KR_COLUMNS: dict[str, str] = {
    "date": "datetime64[s]",
    "team": "str",
    "objective_id": "str",
    "kr_id": "str",
    "description": "str",
    "current": "float64",
    "target": "float64",
    "score": "float64",
    "progress": "float64",
    "expected": "float64",
    "status": "str",
    "weight": "float64",  # blank in rows recorded before schema 2: counted as 1
}
KPI_COLUMNS: dict[str, str] = {
    "date": "datetime64[s]",
    "team": "str",
    "kpi_id": "str",
    "name": "str",
    "actual": "float64",
    "target": "float64",
    "status": "str",
    "variance": "float64",
}
_TABLES = {"kr": ("kr_snapshots", KR_COLUMNS), "kpi": ("kpi_snapshots", KPI_COLUMNS)}


def _select(table: str, columns: Iterable[str], where: str) -> str:
    """The query of snapshot ``columns`` (``date`` is stored as ``as_of``) in the one order
    every reader gives them: by night, then team, then as recorded."""
    names = ", ".join("as_of" if c == "date" else c for c in columns)
    return f"SELECT {names} FROM {table} WHERE {where} ORDER BY as_of, team, seq"


def _at_least_one(last_n: int) -> None:
    if last_n < 1:
        raise ValueError(f"last_n must be at least 1, not {last_n}")


def _last(last_n: int, through: dt.date | None) -> tuple[str, int]:
    """``_LAST_DATES``' parameters."""
    _at_least_one(last_n)
    return (through or _ALL_DATES).isoformat(), last_n


def _picker(names: tuple[str, ...], wanted: tuple[str, ...]) -> Any:
    """An ``itemgetter`` of the ``wanted`` columns of a row with columns ``names``."""
    return operator.itemgetter(*(names.index(n) for n in wanted))
