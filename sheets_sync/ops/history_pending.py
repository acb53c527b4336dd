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


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [name for _, name, *_ in conn.execute(f"PRAGMA table_info({table})")]


def _shared(conn: sqlite3.Connection, table: str, copy: str) -> str:
    """The columns a table and its copy share, by name: a migration that adds a column
    (``ALTER TABLE ... ADD COLUMN``) leaves a copy made before it one short, and copies
    are made once; ``SELECT *`` would then fail every night."""
    kept = set(_columns(conn, copy))
    return ", ".join(c for c in _columns(conn, table) if c in kept)


def prepare(conn: sqlite3.Connection) -> list[str]:
    """Before a night's pending records (in their transaction): the copy tables, indexed
    by (as_of, team) like the tables they copy, so an undo finds a team's rows without
    reading every team's. An empty copy that no longer has its table's columns is made
    again. Returns the statements ``hold`` copies a team's rows with."""
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {_MARKS} (as_of TEXT, team TEXT, PRIMARY KEY (as_of, team))"
    )
    statements = []
    for table, copy in _COPIES.items():
        conn.execute(f"CREATE TABLE IF NOT EXISTS {copy} AS SELECT * FROM {table} WHERE 0")
        empty = conn.execute(f"SELECT 1 FROM {copy} LIMIT 1").fetchone() is None
        if empty and _columns(conn, copy) != _columns(conn, table):
            conn.execute(f"DROP TABLE {copy}")
            conn.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table} WHERE 0")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {copy}_by_key ON {copy} (as_of, team)")
        columns = _shared(conn, table, copy)
        statements.append(
            f"INSERT INTO {copy} ({columns}) SELECT {columns} FROM {table} WHERE as_of=? AND team=?"
        )
    return statements


def hold(conn: sqlite3.Connection, as_of: str, team: str, statements: list[str]) -> None:
    """Before a pending record of ``team`` on ``as_of`` (in its transaction, with the
    statements ``prepare`` returned): keep the rows it replaces, unless an earlier
    pending record of this night kept them already."""
    key = (as_of, team)
    if conn.execute(f"SELECT 1 FROM {_MARKS} WHERE as_of=? AND team=?", key).fetchone():
        return
    conn.execute(f"INSERT INTO {_MARKS} (as_of, team) VALUES (?, ?)", key)
    for statement in statements:
        conn.execute(statement, key)


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
    shared = (
        {table: _shared(conn, table, copy) for table, copy in _COPIES.items()} if undone else {}
    )
    for key in undone:
        for table, copy in _COPIES.items():
            columns = shared[table]
            conn.execute(f"DELETE FROM {table} WHERE as_of=? AND team=?", key)
            conn.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {copy} "
                "WHERE as_of=? AND team=?",
                key,
            )
    where, params = ("WHERE as_of=?", (as_of,)) if as_of is not None else ("", ())
    for table in (*_COPIES.values(), _MARKS):
        conn.execute(f"DELETE FROM {table} {where}", params)
    return undone
