"""Snapshot rows recorded before the night knows they are true, and how they are undone.

The engine records tonight's snapshot while workers still write the team files, as if
every write lands, so the rollup prepared meanwhile can show it (``engine.py``). Until
the writes' outcomes are known those rows are *pending*: the rows each team had for the
date before (none, or an earlier run's) are kept beside them, in the same transaction,
in ``pending_*`` tables of the same file. Confirmed, the copies go; undone (a write that
did not land, a stop signal, a run killed outright and found by the next one), the
team's rows for the date are put back as they were. Kept in the file, not in memory, so
a run killed with SIGKILL leaves nothing the next night would compare with as if true.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

#: table -> its copy of the rows a pending team had for the date before
_COPIES = {
    "snapshots": "pending_snapshots",
    "kr_snapshots": "pending_kr_snapshots",
    "kpi_snapshots": "pending_kpi_snapshots",
}
_MARKS = "pending"


def _exists(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (_MARKS,)
    ).fetchone()
    return found is not None


def prepare(conn: sqlite3.Connection) -> None:
    """Before a night's pending records (in their transaction): the copy tables, indexed
    by (as_of, team) like the tables they copy, so an undo finds a team's rows without
    reading every team's."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {_MARKS} (as_of TEXT, team TEXT, PRIMARY KEY (as_of, team))"
    )
    for table, copy in _COPIES.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS {copy} AS SELECT * FROM {table} WHERE 0")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {copy}_by_key ON {copy} (as_of, team)")


def hold(conn: sqlite3.Connection, as_of: str, team: str) -> None:
    """Before a pending record of ``team`` on ``as_of`` (in its transaction, after
    ``prepare``): keep the rows it replaces, unless an earlier pending record of this
    night kept them already."""
    key = (as_of, team)
    if conn.execute(f"SELECT 1 FROM {_MARKS} WHERE as_of=? AND team=?", key).fetchone():
        return
    conn.execute(f"INSERT INTO {_MARKS} (as_of, team) VALUES (?, ?)", key)
    for table, copy in _COPIES.items():
        conn.execute(f"INSERT INTO {copy} SELECT * FROM {table} WHERE as_of=? AND team=?", key)


def pending_teams(conn: sqlite3.Connection, as_of: str | None = None) -> list[tuple[str, str]]:
    """(as_of, team) of the pending records, of one date or every one."""
    if not _exists(conn):
        return []
    where, params = ("WHERE as_of=?", (as_of,)) if as_of is not None else ("", ())
    sql = f"SELECT as_of, team FROM {_MARKS} {where} ORDER BY as_of, team"
    return [(d, t) for d, t in conn.execute(sql, params)]


def settle(
    conn: sqlite3.Connection, as_of: str | None, landed: Collection[str] = ()
) -> list[tuple[str, str]]:
    """Confirm the pending records of ``landed`` teams on ``as_of`` and undo every other
    one (of every date when ``as_of`` is None); returns the (as_of, team) undone. Runs in
    the caller's transaction. Confirming is one statement a table, whatever the number
    of teams: a quiet re-run of a date confirms every team."""
    landed = set(landed)
    undone = [key for key in pending_teams(conn, as_of) if key[1] not in landed]
    for key in undone:
        for table, copy in _COPIES.items():
            conn.execute(f"DELETE FROM {table} WHERE as_of=? AND team=?", key)
            conn.execute(f"INSERT INTO {table} SELECT * FROM {copy} WHERE as_of=? AND team=?", key)
    where, params = ("WHERE as_of=?", (as_of,)) if as_of is not None else ("", ())
    for table in (*_COPIES.values(), _MARKS):
        conn.execute(f"DELETE FROM {table} {where}", params)
    return undone
