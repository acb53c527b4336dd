"""Teams of the history that are no longer in the workspace (renamed, moved, deleted).

The teams of the night before that are gone are named, so a team does not leave the
rollup without a word. Nothing is deleted: a history row is never removed for a team
missing from a run (2026-12-07: a trial workspace file sharing `.sheets-sync/`, or a
`teams_glob` folder briefly unreadable, made a run of "every team" that lacked the real
night's teams, and dropping their rows lost them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from sheets_sync.ops.history_schema import iso


def gone_since(
    conn: sqlite3.Connection, as_of: str, keep: Collection[str]
) -> tuple[str, list[str]] | None:
    """The latest night before ``as_of`` and its teams not in ``keep``, or None when
    there is no such night or none of its teams is gone. A night of a hand-edited date
    (``history_schema.iso``) is none, as for every reader that picks nights. Names
    compare as the alert baseline's do, case aside: `Sales.xlsx` renamed `sales.xlsx` is
    no team gone."""
    query = f"SELECT MAX(as_of) FROM snapshots WHERE as_of < ? AND {iso()}"
    latest = conn.execute(query, (as_of,)).fetchone()[0]
    if latest is None:
        return None
    found = conn.execute("SELECT team FROM snapshots WHERE as_of=? ORDER BY team", (latest,))
    folded = {name.casefold() for name in keep}
    names = (_text(team) for (team,) in found)
    teams = [team for team in names if team.casefold() not in folded]
    return (str(latest), teams) if teams else None


def _text(team: object) -> str:
    """A team name as text, whatever a hand edit left in the column (``x'4f6c64'``, a
    BLOB, is ``Old``; it failed the night, until 2026-12-07)."""
    if isinstance(team, bytes):
        return team.decode("utf-8", "replace")
    return str(team)
