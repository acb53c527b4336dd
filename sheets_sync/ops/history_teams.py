"""Teams of the history that are no longer in the workspace (renamed, moved, deleted).

The teams of the night before that are gone are named, so a team does not leave the
rollup without a word. Nothing is deleted: a history row is never removed for a team
missing from a run (2026-12-07: a trial workspace file sharing `.sheets-sync/`, or a
`teams_glob` folder briefly unreadable, made a run of "every team" that lacked the real
night's teams, and dropping their rows lost them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection

from sheets_sync.ops.history_schema import iso


def gone_since(
    conn: sqlite3.Connection,
    as_of: str,
    keep: Collection[str],
    no_text: Callable[[object], None] = lambda team: None,
) -> tuple[str, list[str]] | None:
    """The latest night before ``as_of`` and its teams not in ``keep``, or None when
    there is no such night or none of its teams is gone. A night of a hand-edited date
    (``history_schema.iso``) is none, as for every reader that picks nights. Names
    compare as the alert baseline's do, case aside: `Sales.xlsx` renamed `sales.xlsx` is
    no team gone. A name that is no text (a hand edit's BLOB) is no team, as for the
    alert baseline: told to ``no_text`` (``HistoryStore`` warns of it) and skipped (until
    2026-12-07 it was named gone, decoded, while the baseline skipped it)."""
    query = f"SELECT MAX(as_of) FROM snapshots WHERE as_of < ? AND {iso()}"
    latest = conn.execute(query, (as_of,)).fetchone()[0]
    if latest is None:
        return None
    found = conn.execute("SELECT team FROM snapshots WHERE as_of=? ORDER BY team", (latest,))
    folded = {name.casefold() for name in keep}
    teams = []
    for (team,) in found:
        if not isinstance(team, str):
            no_text(team)
        elif team.casefold() not in folded:
            teams.append(team)
    return (str(latest), teams) if teams else None


def no_text_message(team: object) -> str:
    """The warning of a team name that is no text (``no_text``): as SQL writes the value
    (``x'4F6C64'``, a BLOB; a number as it is)."""
    shown = f"x'{team.hex().upper()}'" if isinstance(team, bytes) else repr(team)
    return (
        f"the run history holds the team name {shown}, which sheets-sync never writes "
        f"({'a BLOB' if isinstance(team, bytes) else 'no text'}: edited by hand?); it is no "
        "team of the alerts nor of the teams gone: correct or delete its rows"
    )
