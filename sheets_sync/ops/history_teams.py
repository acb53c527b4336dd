"""Teams of the history that are no longer in the workspace (renamed, moved, deleted).

A night of every team of the workspace is the whole night of its date: rows an earlier
run recorded that date for a team no longer in the workspace (its file renamed or
deleted before a re-run the same day) are removed, so the night's trends count each team
once (until 2026-12-07 a re-run after a rename counted the team twice, `Sales` and
`Revenue`, and a deleted team's rows stayed in that night). The teams of the night
before that are gone are named, so a team does not leave the rollup without a word.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from sheets_sync.ops import history_pending

_TABLES = ("kr_snapshots", "kpi_snapshots", "snapshots")


def forget(
    conn: sqlite3.Connection, as_of: str, keep: Collection[str], *, pending: bool
) -> list[str]:
    """Delete the rows of ``as_of`` of every team not in ``keep`` (in the caller's
    transaction); ``pending``: kept first, undoable as a pending record is
    (``history_pending.py``). Returns those teams, sorted."""
    found = conn.execute("SELECT team FROM snapshots WHERE as_of=? ORDER BY team", (as_of,))
    teams = [team for (team,) in found if team not in keep]
    holding = history_pending.prepare(conn) if pending and teams else []
    for team in teams:
        if pending:
            history_pending.hold(conn, as_of, team, holding)
        for table in _TABLES:
            conn.execute(f"DELETE FROM {table} WHERE as_of=? AND team=?", (as_of, team))
    return teams


def gone_since(
    conn: sqlite3.Connection, as_of: str, keep: Collection[str]
) -> tuple[str, list[str]] | None:
    """The latest night before ``as_of`` and its teams not in ``keep``, or None when
    there is no such night or none of its teams is gone. Names compare as the alert
    baseline's do, case aside: `Sales.xlsx` renamed `sales.xlsx` is no team gone."""
    latest = conn.execute("SELECT MAX(as_of) FROM snapshots WHERE as_of < ?", (as_of,)).fetchone()[
        0
    ]
    if latest is None:
        return None
    found = conn.execute("SELECT team FROM snapshots WHERE as_of=? ORDER BY team", (latest,))
    folded = {name.casefold() for name in keep}
    teams = [team for (team,) in found if team.casefold() not in folded]
    return (str(latest), teams) if teams else None
