"""A workspace's history store filled with earlier nights, for a night in the steady state.

The first nights the bench measures have at most one night of history; a workspace that
has run for two weeks shows ``history.keep_snapshots`` nights (default 12) in the company
workbook's History and Trends tabs, 12 times the History rows. Running the sync 11 more
times would cost minutes at 2,000 teams, so the first night's snapshot is copied under the
11 dates before it, table by table, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from sheets_sync.config import load_workspace
from sheets_sync.ops.history import SCHEMA_VERSION, default_history_path

TABLES = ("snapshots", "kr_snapshots", "kpi_snapshots")


def seed_history(root: Path, as_of: dt.date, nights: int) -> int:
    """Copy the ``as_of`` snapshot to the ``nights - 1`` dates before it; returns the rows
    the store then holds for those ``nights`` dates."""
    path = default_history_path(load_workspace(root / "sheets-sync.yaml").state_dir)
    day = as_of.isoformat()
    with closing(sqlite3.connect(path)) as conn, conn:
        (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if int(version) != SCHEMA_VERSION:  # the copy below knows version 1's tables
            raise RuntimeError(f"history schema {version}, the bench seeds {SCHEMA_VERSION}")
        for table in TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "seq"]
            picked = ", ".join("?" if c == "as_of" else c for c in columns)
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"SELECT {picked} FROM {table} WHERE as_of = ?"
            )
            for back in range(1, nights):
                conn.execute(sql, ((as_of - dt.timedelta(days=back)).isoformat(), day))
        rows = sum(
            conn.execute(f"SELECT COUNT(*) FROM {t} WHERE as_of <= ?", (day,)).fetchone()[0]
            for t in TABLES[1:]
        )
    return int(rows)
